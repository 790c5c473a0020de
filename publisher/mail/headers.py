"""Header values written by hand: RFC 2047 encoded-words that every mailbox provider takes.

CPython's `email.policy.SMTP` folds a non-ASCII header into encoded-words by
itself, and has produced words placed back to back without the whitespace RFC
2047 requires between them (`...?==?utf-8?...`), or words split inside a
multi-byte character; large providers have rejected such mail. A Khmer subject
is nothing but encoded-words, so we write them ourselves, with these rules:

* each encoded-word is `=?utf-8?b?...?=`, at most 75 characters (RFC 2047 2.);
* each decodes to whole grapheme clusters (a UTF-8 sequence is never cut, a
  word never starts with a combining mark or after a Khmer coeng), ends at a
  word boundary where one fits (ICU: Khmer words as the PDFs break them), and
  never ends in a space: where the text has spaces, a word ends before one, and
  the space leads the next word (decoders drop the whitespace between words);
* a display name that fits one encoded-word is one (CPython's `policy.default`
  reads the whitespace between a name's words as a space: CPython issue 128110);
* words are separated by folding whitespace (CRLF SP) or a space, never adjacent;
* no header line exceeds 78 characters (RFC 5322 2.1.1), its name included,
  except one holding a single `<URI>` that would not fit: nothing is ever
  folded inside `<...>` (a reader keeps the folding space, and the URI breaks).

`check_header_lines` re-checks all of it on a message's bytes, as the tests do
on what the SMTP server received.
"""

from __future__ import annotations

import base64
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from email.header import decode_header, make_header

#: RFC 5322's recommended line length and RFC 2047's encoded-word length.
MAX_LINE = 78
MAX_WORD = 75
#: RFC 5322's hard limit, for a line holding one `<URI>` that cannot be folded.
MAX_LINE_HARD = 998
_ONE_ANGLE_TOKEN = re.compile(r"(?:[A-Za-z-]+: ?| )<[^<>\s]+>,?")
#: A line that opens `<` and ends before its `>`: folded inside the brackets.
_FOLDED_IN_ANGLES = re.compile(r"<[^<>]*$")
_PREFIX = "=?utf-8?b?"
_SUFFIX = "?="
_FOLD = "\r\n "
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
#: Characters that make an ASCII phrase need quoting (RFC 5322 "specials").
_SPECIALS = set('()<>[]:;@\\,."')
_NO_BREAK_BEFORE = {"\u200d", "\u200c", "\u17d2"}


def _may_break_before(text: str, index: int) -> bool:
    """Whether an encoded-word may end before `text[index]` (keeps letters together)."""
    char = text[index]
    if unicodedata.category(char) in ("Mn", "Mc", "Me") or char in _NO_BREAK_BEFORE:
        return False
    return not (index > 0 and text[index - 1] in _NO_BREAK_BEFORE)


def _offsets(pieces: Iterable[str]) -> set[int]:
    """The end offset of each piece (code points, as Python indexes `text`)."""
    out: set[int] = set()
    position = 0
    for piece in pieces:
        position += len(piece)
        out.add(position)
    return out


@dataclass(frozen=True)
class _Breaks:
    """Where an encoded-word of `text` may end, best first: before a space (the space
    then leads the next word, so no word ends in one), at a line-break opportunity (a
    word boundary: ICU's dictionary for Khmer, between CJK characters), or at least
    between two grapheme clusters (never after a Khmer coeng or a joiner)."""

    spaces: frozenset[int]
    words: frozenset[int]
    clusters: frozenset[int]

    @classmethod
    def of(cls, text: str) -> _Breaks:
        from icu4py.breakers import CharacterBreaker, LineBreaker

        clusters = {
            i
            for i in _offsets(CharacterBreaker(text, "root"))
            if 0 < i < len(text) and _may_break_before(text, i) and text[i - 1] != " "
        }
        words = {i for i in _offsets(LineBreaker(text, "root")) if i in clusters}
        spaces = {i for i in range(1, len(text)) if text[i] == " " and text[i - 1] != " "}
        return cls(frozenset(spaces), frozenset(words), frozenset(clusters))


def _next_piece(text: str, start: int, budget: int, breaks: _Breaks) -> int:
    """The end of the longest piece from `start` whose UTF-8 fits `budget` bytes, ending
    at the best kind of break that fits (see `_Breaks`)."""
    size = 0
    end = start
    while end < len(text):
        width = len(text[end].encode("utf-8"))
        if size + width > budget:
            break
        size += width
        end += 1
    if end == len(text):
        return end
    for kind in (breaks.spaces, breaks.words, breaks.clusters):
        fits = [i for i in kind if start < i <= end]
        if fits:
            return max(fits)
    return max(end, start + 1)  # one cluster longer than a word (never in real text)


def _word_budget(room: int) -> int:
    """UTF-8 bytes that fit an encoded-word of at most `room` characters."""
    room = min(room, MAX_WORD)
    return max(0, (room - len(_PREFIX) - len(_SUFFIX)) // 4 * 3)


def encoded_words(text: str, *, first_room: int) -> list[str]:
    """`text` as B encoded-words, the first fitting `first_room` characters, the others a
    continuation line (a space, then up to MAX_WORD); split as `_Breaks` says."""
    words: list[str] = []
    breaks = _Breaks.of(text)
    start = 0
    room = first_room
    while start < len(text):
        budget = _word_budget(room)
        if budget < 12:  # no room for a cluster after the header's name: fold first
            words.append("")
            room = MAX_LINE - 1
            continue
        end = _next_piece(text, start, budget, breaks)
        piece = text[start:end]
        words.append(_PREFIX + base64.b64encode(piece.encode("utf-8")).decode("ascii") + _SUFFIX)
        start = end
        room = MAX_LINE - 1
    return words


def unstructured(name: str, text: str) -> str:
    """The folded value of an unstructured header (Subject): plain ASCII words when the text
    is short plain ASCII, else encoded-words; either way it decodes back to `text`."""
    text = " ".join(text.split())
    words = text.split(" ")
    plain = (
        text.isascii()
        and all(c.isprintable() for c in text)
        and "=?" not in text
        and all(len(w) + 1 <= MAX_LINE for w in words)
        and len(name) + 2 + len(words[0]) <= MAX_LINE
    )
    if plain:
        return fold_tokens(name, words)
    return _fold_encoded(name, text)


def fold_tokens(name: str, words: list[str]) -> str:
    """ASCII `words` after `Name: `, a space between them, folded so no line exceeds 78."""
    out = words[0]
    line_len = len(name) + 2 + len(words[0])
    for word in words[1:]:
        if line_len + 1 + len(word) <= MAX_LINE:
            out += " " + word
            line_len += 1 + len(word)
        else:
            out += _FOLD + word
            line_len = 1 + len(word)
    return out


def _fold_encoded(name: str, text: str, *, tail: str = "") -> str:
    """Encoded-words for `text`, then `tail` (an ASCII `<address>`), folded.

    RFC 2047 decoders drop the whitespace between encoded-words, so a space of the
    text is always inside one: at the start of the next word (`_Breaks`). CPython's
    `policy.default` keeps that whitespace in a display name (CPython issue 128110,
    open), so a display name that fits one encoded-word is never split: it starts on
    the next line rather than be cut to fit after the header's name.
    """
    first_room = MAX_LINE - len(name) - 2
    if tail and _word_budget(first_room) < len(text.encode("utf-8")) <= _word_budget(MAX_WORD):
        first_room = 0  # fold first: the name in one word on the next line
    words = encoded_words(text, first_room=first_room) if text else []
    lines: list[str] = []
    current = ""
    current_len = len(name) + 2
    for word in words:
        if word == "":
            lines.append(current)
            current, current_len = "", 1
            continue
        if not current:
            current, current_len = word, current_len + len(word)
        elif current_len + 1 + len(word) <= MAX_LINE:
            current += " " + word
            current_len += 1 + len(word)
        else:
            lines.append(current)
            current, current_len = word, 1 + len(word)
    if tail:
        if not current and not lines:
            current, current_len = tail, current_len + len(tail)
        elif current_len + 1 + len(tail) <= MAX_LINE:
            current += " " + tail
            current_len += 1 + len(tail)
        else:
            lines.append(current)
            current = tail
    lines.append(current)
    return _FOLD.join(line for line in lines)


def mailbox(name: str, display: str | None, address: str) -> str:
    """`Display Name <address>` for From, To or Reply-To, folded; the address is ASCII.

    An ASCII name with specials is a quoted-string; a non-ASCII name is encoded-words
    (never inside quotes, RFC 2047 5.(3)).
    """
    if not address.isascii() or any(c in address for c in "<>\r\n, "):
        raise ValueError(f"not a plain ASCII address: {address!r}")
    display = " ".join((display or "").split())
    angle = f"<{address}>"
    if not display:
        return address
    if display.isascii() and all(c.isprintable() for c in display) and "=?" not in display:
        if any(c in _SPECIALS for c in display):
            escaped = display.replace("\\", "\\\\").replace('"', '\\"')
            phrase = f'"{escaped}"'
        else:
            phrase = display
        words = [*phrase.split(" "), angle]
        if all(len(w) + 1 <= MAX_LINE for w in words) and len(name) + 2 + len(words[0]) <= 78:
            # Folding whitespace may stand between the atoms, or inside the quotes.
            return fold_tokens(name, words)
    return _fold_encoded(name, display, tail=angle)


def decoded(value: str) -> str:
    """What a reader sees of a header value (encoded-words decoded, folding removed)."""
    unfolded = re.sub(r"\r?\n(?=[ \t])", "", value)
    return str(make_header(decode_header(unfolded)))


def check_header_lines(raw: bytes) -> list[str]:
    """Problems in the header block of a message's bytes (empty: none).

    Every header line at most 78 characters; every encoded-word at most 75 and
    decoding to valid UTF-8; no two encoded-words without whitespace between them.
    """
    problems: list[str] = []
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii", errors="replace")
    for number, line in enumerate(head.split("\r\n"), start=1):
        if len(line) > MAX_LINE and not (
            len(line) <= MAX_LINE_HARD and _ONE_ANGLE_TOKEN.fullmatch(line)
        ):
            problems.append(f"header line {number} has {len(line)} characters: {line[:40]}...")
        if _FOLDED_IN_ANGLES.search(line):
            problems.append(f"header line {number} folds inside <...>: {line[:40]}...")
        if "?==?" in line:
            problems.append(f"header line {number} has adjacent encoded-words: {line[:40]}...")
        for match in _ENCODED_WORD.finditer(line):
            word = match.group(0)
            if len(word) > MAX_WORD:
                problems.append(f"encoded-word of {len(word)} characters on line {number}")
            charset, kind, payload = match.groups()
            try:
                data = (
                    base64.b64decode(payload, validate=True)
                    if kind.lower() == "b"
                    else payload.encode("ascii")
                )
                data.decode(charset)
            except (ValueError, LookupError):
                problems.append(f"encoded-word on line {number} is not whole {charset}: {word}")
    return problems
