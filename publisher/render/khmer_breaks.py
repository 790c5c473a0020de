"""Line-break opportunities for Khmer text, for the PDF renderer only.

Khmer is written without spaces between words; spaces separate phrases. Pango
(and so WeasyPrint) breaks Khmer lines only at spaces, which leaves ragged lines
or words overflowing the page. ICU knows where Khmer words end (it ships a Khmer
dictionary), so we ask ICU's line breaker and insert U+200B ZERO WIDTH SPACE at
each opportunity it finds *between two Khmer characters*. Pango breaks at a
ZWSP and draws nothing for it.

The ZWSP are a rendering artefact: insert them into the text handed to
WeasyPrint, never into stored translations, catalogs or the HTML edition (a
browser breaks Khmer by itself, and a ZWSP would end up in copy/paste and search
results). `publisher.render.textlayer` removes them again from the PDF's text
layer.

Measured on this machine (icu4py 1.2, ICU 78): about 1 ms per 10,000 characters
of Khmer text; text without Khmer returns immediately.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from publisher.core.memos import memo

if TYPE_CHECKING:
    from collections.abc import Callable

ZWSP = "\u200b"

#: Khmer (U+1780-U+17FF) and Khmer Symbols (U+19E0-U+19FF).
_KHMER_CHARS = "\u1780-\u17ff\u19e0-\u19ff"
_HAS_KHMER = re.compile(f"[{_KHMER_CHARS}]")

#: Elements whose text is not running text: left untouched by the tree helper.
DEFAULT_SKIP_TAGS: frozenset[str] = frozenset(
    {"script", "style", "pre", "code", "kbd", "samp", "textarea", "title"}
)


def is_khmer(char: str) -> bool:
    """Whether `char` (one character) belongs to the Khmer or Khmer Symbols blocks."""
    code = ord(char)
    return 0x1780 <= code <= 0x17FF or 0x19E0 <= code <= 0x19FF


@lru_cache(maxsize=1)
def _line_breaker() -> Callable[[str, str], Iterable[str]]:
    """Import ICU lazily: importing this module must stay cheap for the CLI."""
    from icu4py.breakers import LineBreaker

    return LineBreaker


def insert_break_opportunities(text: str, keep: Collection[str] = ()) -> str:
    """Return `text` with U+200B at each ICU line-break opportunity inside Khmer runs.

    An opportunity is used only when the characters on both sides are Khmer, so
    nothing is inserted next to an existing space or ZWSP, or between Khmer and
    Latin/Chinese/punctuation (where Pango already breaks as it should). The
    result is stable: applying it twice gives the same text. A Khmer run of at most
    WHOLE_RUN_MAX characters between spaces (a personal name) gets none, and neither
    does a word of `keep` (the workspace's names: see publishing/view.khmer_names)
    wherever it stands.

    ICU reports offsets in UTF-16 code units (`segments()`), which differ from
    Python's indices as soon as the text holds a character outside the BMP, so
    this iterates over ICU's pieces instead and counts Python characters.
    """
    if not text or _HAS_KHMER.search(text) is None:
        return text
    if not keep or isinstance(keep, frozenset):  # hashable, and iterated as it always is
        return _remembered_breaks(text, frozenset(keep))
    return _breaks(text, keep)


@memo(maxsize=4096)
def _remembered_breaks(text: str, keep: frozenset[str]) -> str:
    """`_breaks`, remembered: a build breaks each Khmer text for the PDF and again for the
    web page (and a resident renderer for every rebuild)."""
    return _breaks(text, keep)


def _breaks(text: str, keep: Collection[str]) -> str:
    long_runs = [
        (m.start(), m.end()) for m in _KHMER_RUN.finditer(text) if len(m.group()) > WHOLE_RUN_MAX
    ]
    out: list[str] = []
    previous = ""
    at = 0  # where `piece` starts in `text`
    run = 0  # the first long run not ended before `at` (runs are in order, `at` grows)
    for piece in _line_breaker()(text, "km"):
        while run < len(long_runs) and long_runs[run][1] <= at:
            run += 1
        if (
            previous
            and piece
            and run < len(long_runs)
            and long_runs[run][0] < at  # inside the run (it ends after `at`)
            and is_khmer(previous[-1])
            and is_khmer(piece[0])
        ):
            out.append(ZWSP)
        out.append(piece)
        previous = piece
        at += len(piece)
    result = "".join(out)
    for word in keep:
        if word in text:
            result = _keep_whole(result, word)
    return result


def _keep_whole(text: str, word: str) -> str:
    """`text` with no break opportunity inside `word` (a name ICU's dictionary does not
    know: "របស់ស|ម្តេចតេជោ"), and one on each side of it where Khmer touches it."""
    pattern = re.compile(f"{ZWSP}?".join(re.escape(char) for char in word))

    def whole(match: re.Match[str]) -> str:
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        return (
            (ZWSP if before and is_khmer(before) else "")
            + word
            + (ZWSP if after and is_khmer(after) else "")
        )

    return pattern.sub(whole, text)


#: The longest Khmer run between spaces (or other non-Khmer characters) kept whole. ICU's
#: dictionary does not know personal names and cuts them into syllables ("សុ|ខុន",
#: "ដា|រា"); a name is written as short runs between spaces ("ប្រាក់ សុខុន"), which stay
#: whole, while a long run of words written together still breaks between its words.
WHOLE_RUN_MAX = 10
_KHMER_RUN = re.compile(f"[{_KHMER_CHARS}]+")


def strip_break_opportunities(text: str) -> str:
    """Remove every U+200B from `text` (the inverse of `insert_break_opportunities`).

    Also removes ZWSP that were in the source: they carry no meaning for the
    reader, and search and copy/paste work better without them.
    """
    return text.replace(ZWSP, "")


class _Element(Protocol):
    """The part of the lxml / xml.etree element API this module uses."""

    # Read-only: xml.etree's `tag: str` (lxml's is a str or a function for comments and
    # PIs) matches `object` only as a property; a plain attribute would be invariant.
    @property
    def tag(self) -> object: ...

    text: str | None
    tail: str | None

    def __iter__(self) -> Iterator[_Element]: ...


def _local_name(tag: object) -> str | None:
    """`{http://www.w3.org/1999/xhtml}p` -> `p`; None for comments and PIs (tag not a str)."""
    if not isinstance(tag, str):
        return None
    return tag.rsplit("}", 1)[-1].lower()


def insert_break_opportunities_in_tree(
    root: _Element, *, skip_tags: Iterable[str] = DEFAULT_SKIP_TAGS
) -> None:
    """Insert ZWSP in place into every text node of an lxml or ElementTree tree.

    Works on `.text` and `.tail` of each element, so markup inside a paragraph
    (`<b>`, `<a>`) is kept. The text of elements named in `skip_tags` (and of
    their descendants) is left alone; their tails are running text and are
    processed. Comments and processing instructions keep their content.
    Attributes are never touched (an `alt` or `title` is not laid out in lines).
    """
    skip = frozenset(name.lower() for name in skip_tags)
    _walk(root, skip, skipped=False)


def _walk(element: _Element, skip: frozenset[str], *, skipped: bool) -> None:
    name = _local_name(element.tag)
    if name is None:  # comment or processing instruction: its tail is the parent's business
        return
    inside = skipped or name in skip
    if not inside and element.text:
        element.text = insert_break_opportunities(element.text)
    for child in element:
        _walk(child, skip, skipped=inside)
        # A child's tail is the parent's running text, e.g. "<p>a <b>b</b> tail</p>".
        if not inside and child.tail:
            child.tail = insert_break_opportunities(child.tail)


def icu_version() -> str | None:
    """ "icu4py 1.2.0" when ICU's line breaker can be loaded, else None (for `doctor`)."""
    import importlib.metadata  # ~40 ms: only `doctor` asks

    try:
        _line_breaker()
        return f"icu4py {importlib.metadata.version('icu4py')}"
    except (ImportError, importlib.metadata.PackageNotFoundError):
        return None
