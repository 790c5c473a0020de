"""Links of a kept page to files no longer on the site, taken out.

A release `publisher site` fails keeps the pages an earlier build published of it
(publishing/site_kept.py); they cannot be rendered again (their texts are that earlier
version's), but they may name files this build does not publish: the page of a language
the publishing rule now refuses or the workspace no longer publishes, that language's
home page and feed. Such a page is rewritten with those links taken out: a `<link>`
(an hreflang alternate) is removed; an `<a>` that is the whole of its list item removes
the item (a language menu's entry); any other `<a>` loses its tags and keeps its text.

The page is edited where those tags stand (their places found by Python's HTML
tokenizer), never parsed and written out again: every other byte stays as the earlier
build wrote it (a serializer would rewrite entities and void elements such as `<wbr>`).

Invariant: a page this module returns links to no file that `exists` says is missing; a
page with no such link is returned as None (left byte for byte as it was).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

#: Elements without an end tag (HTML's void elements).
_VOID = frozenset(
    "area base br col embed hr img input link meta source track wbr".split()  # noqa: SIM905
)


def site_path(page: str, href: str, base: str | None) -> str | None:
    """The file of the site `href` names from the page at `page` (a path in the site), or
    None when it names none (another site, a fragment of the page itself)."""
    if base and href.startswith(base):
        path = unquote(urlsplit(href[len(base) :]).path)
        folder = ""
    else:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path:
            return None
        path = unquote(parts.path)
        folder = posixpath.dirname(page)
    target = posixpath.normpath(posixpath.join(folder, path))
    if target == ".." or target.startswith("../"):
        return None
    if target == ".":
        return "index.html"
    return posixpath.join(target, "index.html") if href.endswith("/") else target


@dataclass
class _Element:
    tag: str
    href: str | None
    start: int  # where its start tag begins
    inner: int  # where its start tag ends
    parent: _Element | None
    end: int = -1  # where its end tag ends (-1: none seen)
    close: int = -1  # where its end tag begins
    children: list[_Element] = field(default_factory=list)


class _Scanner(HTMLParser):
    """The `a`, `link` and `li` elements of a page, with where each starts and ends."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text = text
        self.lines = [0]
        for index, char in enumerate(text):
            if char == "\n":
                self.lines.append(index + 1)
        self.stack: list[_Element] = []
        self.found: list[_Element] = []

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        raw = self.get_starttag_text() or ""
        parent = self.stack[-1] if self.stack else None
        element = _Element(tag, dict(attrs).get("href"), start, start + len(raw), parent)
        if parent is not None:
            parent.children.append(element)
        if tag in ("a", "link", "li"):
            self.found.append(element)
        if tag not in _VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.stack:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        start = self._offset()
        end = self.text.index(">", start) + 1
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth].tag == tag:
                element = self.stack[depth]
                element.close, element.end = start, end
                del self.stack[depth:]
                return


def without_missing_links(
    data: bytes, page: str, exists: Callable[[str], bool], base: str | None = None
) -> tuple[bytes, list[str]] | None:
    """The page `data` (at `page` in the site) without its links to missing files, and
    those files; None if it has none."""
    text = data.decode("utf-8")
    scanner = _Scanner(text)
    scanner.feed(text)
    scanner.close()
    cuts: list[tuple[int, int]] = []
    missing: list[str] = []
    for element in scanner.found:
        if element.tag not in ("a", "link") or not element.href:
            continue
        target = site_path(page, element.href, base)
        if target is None or exists(target):
            continue
        missing.append(target)
        parent = element.parent
        if element.tag == "link":
            cuts.append(_line(text, element.start, element.inner))
        elif element.end < 0:
            cuts.append((element.start, element.inner))
        elif (
            parent is not None
            and parent.tag == "li"
            and parent.end >= 0
            and _alone(text, parent, element)
        ):
            cuts.append(_line(text, parent.start, parent.end))
        else:
            cuts += [(element.start, element.inner), (element.close, element.end)]
    if not missing:
        return None
    kept: list[str] = []
    at = 0
    for start, end in sorted(_outermost(cuts)):
        kept.append(text[at:start])
        at = end
    kept.append(text[at:])
    return "".join(kept).encode("utf-8"), sorted(set(missing))


def _alone(text: str, parent: _Element, element: _Element) -> bool:
    """Whether `element` is all its list item holds (besides white space)."""
    if parent.children != [element]:
        return False
    around = text[parent.inner : element.start] + text[element.end : parent.close]
    return not around.strip()


def _line(text: str, start: int, end: int) -> tuple[int, int]:
    """The span, widened to its whole line when nothing else stands on that line."""
    before = text.rfind("\n", 0, start) + 1
    after = text.find("\n", end)
    after = len(text) if after < 0 else after
    if text[before:start].strip() or text[end:after].strip():
        return start, end
    return before, min(after + 1, len(text))


def _outermost(cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The cuts that no other cut contains (a list item removed with its link)."""
    ordered = sorted(set(cuts), key=lambda cut: (cut[0], -cut[1]))
    kept: list[tuple[int, int]] = []
    for start, end in ordered:
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end))
    return kept
