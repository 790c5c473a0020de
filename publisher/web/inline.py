"""A segment as readers will see it: its inline Markdown rendered, its placeables marked.

A segment is inline Markdown (`**Phnom Penh, 7 December 2026**`, `[site](https://...)`);
reviewers should read bold as bold, not as asterisks beside Khmer text. The
text is parsed by the product's own parser (raw HTML off: `<script>` stays
text), and every piece of text is escaped before any tag is added, so the
output holds only the tags written here: `strong`, `em`, `code`, `a` (for
http, https and mailto addresses only, with the address shown beside the link
text) and `mark` spans for placeables. Placeables, as Weblate highlights
them, are what a translation must carry over exactly or deliberately: URLs,
e-mail addresses, phone numbers, dates, numbers and glossary terms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from publisher.core.document import markdown_parser
from publisher.qa import placeables

_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_DIGIT = "0-9\u17e0-\u17e9\uff10-\uff19"
_NUMBER = re.compile(rf"[{_DIGIT}]+(?:[.,:/][{_DIGIT}]+)*")
_MONTHS_EN = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTHS_KM = "មករា|កុម្ភៈ|មីនា|មេសា|ឧសភា|មិថុនា|កក្កដា|សីហា|កញ្ញា|តុលា|វិច្ឆិកា|ធ្នូ"
_D = rf"[{_DIGIT}]"
_DATE = re.compile(
    # 2 December 2024, 2-4 December 2024
    rf"\b{_D}{{1,2}}(?:\s*[-–]\s*{_D}{{1,2}})?\s+(?:{_MONTHS_EN})(?:,?\s+{_D}{{4}})?"
    # December 2-4, 2024
    rf"|\b(?:{_MONTHS_EN})\s+{_D}{{1,2}}(?:\s*[-–]\s*{_D}{{1,2}})?(?:,?\s+{_D}{{4}})?"
    # 2024年12月2日至4日
    rf"|(?:{_D}{{4}}年)?{_D}{{1,2}}月{_D}{{1,2}}日(?:至{_D}{{1,2}}日)?"
    # ពីថ្ងៃទី២ ដល់ថ្ងៃទី៤ ខែធ្នូ ឆ្នាំ២០២៤
    rf"|(?:ពី)?ថ្ងៃទី\s*{_D}{{1,2}}(?:\s*ដល់\s*(?:ថ្ងៃទី)?\s*{_D}{{1,2}})?"
    rf"(?:\s*ខែ\s*(?:{_MONTHS_KM}))?(?:\s*ឆ្នាំ\s*{_D}{{4}})?"
    # ISO dates
    rf"|\b{_D}{{4}}-{_D}{{2}}-{_D}{{2}}\b"
)


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    kind: str


def _spans(text: str, terms: Iterable[str]) -> list[_Span]:
    """The placeables of `text`, without overlaps (earlier kinds win)."""
    found: list[_Span] = []

    def add(start: int, end: int, kind: str) -> None:
        if end > start and all(end <= s.start or start >= s.end for s in found):
            found.append(_Span(start, end, kind))

    for p in placeables.find(text):
        add(p.start, p.end, p.kind)
    for m in _DATE.finditer(text):
        add(m.start(), m.end(), "date")
    lowered = text.casefold()
    for term in sorted({t for t in terms if t.strip()}, key=len, reverse=True):
        needle = term.casefold()
        start = lowered.find(needle)
        while start >= 0 and len(lowered) == len(text):
            add(start, start + len(needle), "term")
            start = lowered.find(needle, start + len(needle))
    for m in _NUMBER.finditer(text):
        add(m.start(), m.end(), "number")
    return sorted(found, key=lambda s: s.start)


def _marked(text: str, terms: Iterable[str]) -> str:
    """`text` escaped, with its placeables in `<mark>`."""
    out: list[str] = []
    at = 0
    for span in _spans(text, terms):
        out.append(escape(text[at : span.start]))
        out.append(f'<mark class="ph ph-{span.kind}">{escape(text[span.start : span.end])}</mark>')
        at = span.end
    out.append(escape(text[at:]))
    return "".join(out)


def safe_href(href: str) -> str | None:
    """The address if a reviewer may follow it from the page (http, https, mailto)."""
    return href if href.strip().lower().startswith(_SAFE_SCHEMES) else None


def render(text: str | None, terms: Iterable[str] = ()) -> Markup:
    """The segment `text` as HTML: escaped first, then marked up (see the module doc)."""
    if not text:
        return Markup("")
    return _render(text, tuple(terms))


@lru_cache(maxsize=50_000)
def _render(text: str, wanted: tuple[str, ...]) -> Markup:
    """Memoised: a page shows each text up to three times, and the next page view the
    same texts again (parsing and marking cost about 0.3 ms a segment)."""
    tokens = markdown_parser().parseInline(text)
    children = tokens[0].children or [] if tokens else []
    out: list[str] = []
    links: list[str | None] = []
    link_texts: list[list[str]] = []
    for token in children:
        kind = token.type
        if kind == "text":
            piece = _marked(token.content, wanted)
            out.append(piece)
            if link_texts:
                link_texts[-1].append(token.content)
        elif kind in ("strong_open", "strong_close", "em_open", "em_close", "s_open", "s_close"):
            tag = {"strong": "strong", "em": "em", "s": "s"}[kind.rsplit("_", 1)[0]]
            out.append(f"<{tag}>" if kind.endswith("open") else f"</{tag}>")
        elif kind == "code_inline":
            out.append(f"<code>{escape(token.content)}</code>")
        elif kind == "softbreak":
            out.append("\n")
        elif kind == "hardbreak":
            out.append("<br>")
        elif kind == "link_open":
            href = str(token.attrs.get("href", ""))
            links.append(href)
            link_texts.append([])
            safe = safe_href(href)
            if safe is not None:
                out.append(
                    f'<a class="md-link" href="{escape(safe)}" target="_blank" '
                    'rel="noopener noreferrer nofollow">'
                )
            else:
                out.append('<span class="md-link unsafe">')
        elif kind == "link_close":
            closed: str | None = links.pop() if links else None
            href = closed or ""
            shown = "".join(link_texts.pop()) if link_texts else ""
            out.append("</a>" if safe_href(href) else "</span>")
            if href and _bare(href) != _bare(shown):
                out.append(f' <span class="href">‹{escape(href)}›</span>')
        elif kind == "image":
            alt = token.content
            src = str(token.attrs.get("src", ""))
            out.append(
                f'<span class="md-picture">🖼 {escape(alt)} '
                f'<span class="href">‹{escape(src)}›</span></span>'
            )
        else:  # anything else the parser may give (html_inline is off): its text, escaped
            out.append(escape(token.content))
    return Markup("".join(out))


def _bare(address: str) -> str:
    """An address without its scheme, `www.` and trailing slash, to compare with link text."""
    bare = re.sub(r"^(?:https?://|mailto:)", "", address.strip(), flags=re.IGNORECASE)
    return bare.removeprefix("www.").rstrip("/").casefold()
