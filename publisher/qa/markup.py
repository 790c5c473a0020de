"""The Markdown syntax inside a segment: characters a reader never sees.

A segment is inline Markdown, so a Chinese translation that keeps the source's
link reads `请在[外交部网站](https://www.mfa.gov.cn/eng/)阅读**声明全文**。`. Its
brackets, parentheses and asterisks are syntax, not punctuation: turning `](`
into `]（` would break the link. The punctuation checks skip what `syntax`
returns (link and picture brackets and destinations, emphasis markers, code
spans, autolinks, backslashes of escapes) and look only at the text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from publisher.core.messages import N_, Message

_CODE = re.compile(r"(?<!\\)(`+)(?:.+?)(?<!`)\1(?!`)", re.DOTALL)
_AUTOLINK = re.compile(r"<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>|<[^\s<>@]+@[^\s<>]+>")
_LINK_OPEN = re.compile(r"(?<!\\)!?\[")
_DESTINATION = re.compile(
    r"\]\(\s*(?:<[^>\n]*>|(?:[^()\s\\]|\\.|\([^()\s]*\))*)(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
)
_EMPHASIS = re.compile(r"(?<!\\)(?:\*+|_+)")
_ESCAPE = re.compile(r"\\(?=[!-/:-@\[-`{-~])")


def syntax(text: str) -> set[int]:
    """Indices of `text` that are Markdown syntax rather than words or punctuation."""
    taken: set[int] = set()

    def take(start: int, end: int) -> None:
        taken.update(range(start, end))

    for m in _CODE.finditer(text):
        take(m.start(), m.end())
    for m in _AUTOLINK.finditer(text):
        take(m.start(), m.end())
    for m in _LINK_OPEN.finditer(text):
        if m.start() in taken:
            continue
        close = _matching_bracket(text, m.end())
        if close is None:
            continue
        destination = _DESTINATION.match(text, close)
        if destination is None:
            continue
        take(m.start(), m.end())
        take(destination.start(), destination.end())
    for m in _EMPHASIS.finditer(text):
        if m.start() not in taken:
            take(m.start(), m.end())
    for m in _ESCAPE.finditer(text):
        if m.start() not in taken:
            taken.add(m.start())
    return taken


def _matching_bracket(text: str, start: int) -> int | None:
    """The index of the `]` closing a link text that starts at `start` (nesting counted)."""
    depth = 0
    i = start
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            depth += 1
        elif ch == "]":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    return None


#: What a reader sees of each kind of markup, in a finding's words.
_NAMES = {"bold": N_("bold"), "italic": N_("italic"), "code": N_("code")}


@lru_cache(maxsize=50_000)
def elements(text: str) -> dict[str, int]:
    """How often `text` uses bold, italics, code spans and each link address (`link URL`).

    Memoised (the review page asks for every segment on every view); callers must not
    change the dict they get.
    """
    from publisher.core.document import markdown_parser

    counts: dict[str, int] = {}
    tokens = markdown_parser().parseInline(text or "")
    for token in (tokens[0].children or []) if tokens else []:
        name = {"strong_open": "bold", "em_open": "italic", "code_inline": "code"}.get(token.type)
        if token.type == "link_open":
            name = f"link {token.attrs.get('href', '')}"
        if name:
            counts[name] = counts.get(name, 0) + 1
    return counts


def differences(source: str, target: str) -> tuple[list[Message], list[Message]]:
    """The markup the source has and the translation lacks, and the reverse, as phrases
    ("bold", "the link to https://...", "italic (2x)") to read in any language."""
    have, want = elements(target), elements(source)
    missing: list[Message] = []
    extra: list[Message] = []
    for name in sorted(set(have) | set(want)):
        wanted, found = want.get(name, 0), have.get(name, 0)
        kind, _, address = name.partition(" ")
        phrase = (
            Message.of(N_("the link to %(address)s"), address=address)
            if kind == "link"
            else Message.of(_NAMES[kind])
        )
        if found < wanted:
            missing.append(_times(phrase, wanted - found))
        elif found > wanted:
            extra.append(_times(phrase, found - wanted))
    return missing, extra


def _times(phrase: Message, count: int) -> Message:
    """`phrase`, with how many times when more than once ("bold (2x)")."""
    if count <= 1:
        return phrase
    return Message.of(N_("%(what)s (%(count)sx)"), what=phrase, count=count)
