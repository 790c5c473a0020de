"""Header values written by hand: RFC 2047 encoded-words that every mailbox provider takes.

CPython's `email.policy.SMTP` folds a non-ASCII header into encoded-words by
itself, and has produced words placed back to back without the whitespace RFC
2047 requires between them (`...?==?utf-8?...`), or words split inside a
multi-byte character; large providers have rejected such mail. A Khmer subject
is nothing but encoded-words, so we write them ourselves, with these rules:

* each encoded-word is `=?utf-8?b?...?=`, at most 75 characters (RFC 2047 2.);
* each decodes to whole characters (a UTF-8 sequence is never cut), and a word
  never starts with a combining mark or after a Khmer coeng, so a client that
  shows words one by one still shows whole letters;
* words are separated by folding whitespace (CRLF SP) or a space, never adjacent;
* no header line exceeds 78 characters (RFC 5322 2.1.1), its name included.

`check_header_lines` re-checks all of it on a message's bytes, as the tests do
on what the SMTP server received.
"""

from __future__ import annotations

import base64
import re
import unicodedata
from email.header import decode_header, make_header

#: RFC 5322's recommended line length and RFC 2047's encoded-word length.
MAX_LINE = 78
MAX_WORD = 75
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


def _chunks(text: str, budget: int, *, at_spaces: bool = False) -> list[str]:
    """`text` cut into pieces whose UTF-8 fits `budget` bytes, at letter boundaries
    (`at_spaces`: after a space where there is one, the space ending the piece)."""
    pieces: list[str] = []
    start = 0
    while start < len(text):
        end = start
        size = 0
        last_good = None
        last_space = None
        while end < len(text):
            width = len(text[end].encode("utf-8"))
            if size + width > budget:
                break
            size += width
            end += 1
            if end == len(text) or _may_break_before(text, end):
                last_good = end
            if text[end - 1] == " ":
                last_space = end
        if end == len(text):
            last_good = end
        elif at_spaces and last_space is not None and last_space > start:
            last_good = last_space
        if last_good is None or last_good <= start:
            last_good = max(end, start + 1)  # a cluster longer than a word: cut it anyway
        pieces.append(text[start:last_good])
        start = last_good
    return pieces


def _word_budget(room: int) -> int:
    """UTF-8 bytes that fit an encoded-word of at most `room` characters."""
    room = min(room, MAX_WORD)
    return max(0, (room - len(_PREFIX) - len(_SUFFIX)) // 4 * 3)


def encoded_words(text: str, *, first_room: int, at_spaces: bool = False) -> list[str]:
    """`text` as B encoded-words, the first fitting `first_room` characters, the others a
    continuation line (a space, then up to MAX_WORD)."""
    words: list[str] = []
    rest = text
    room = first_room
    while rest:
        budget = _word_budget(room)
        if budget < 3:  # not even one character fits after the header's name: fold first
            words.append("")
            room = MAX_LINE - 1
            continue
        piece = _chunks(rest, budget, at_spaces=at_spaces)[0]
        words.append(_PREFIX + base64.b64encode(piece.encode("utf-8")).decode("ascii") + _SUFFIX)
        rest = rest[len(piece) :]
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

    In a display name (with `tail`), words end after a space of the text where they
    can: RFC 2047 decoders drop the whitespace between encoded-words, so the text's
    own space must be inside one. (CPython's address parser keeps that whitespace
    too, a known deviation: it reads such a name with a doubled space.)
    """
    first_room = MAX_LINE - len(name) - 2
    words = encoded_words(text, first_room=first_room, at_spaces=bool(tail)) if text else []
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
        if len(line) > MAX_LINE:
            problems.append(f"header line {number} has {len(line)} characters: {line[:40]}...")
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


def split_long_token(token: str, room: int = MAX_LINE - 1) -> list[str]:
    """`token` whole if it fits a continuation line, else cut after '/', '?', '&' or '='
    (for URIs in angle brackets, where whitespace is ignored)."""
    if len(token) <= room:
        return [token]
    pieces: list[str] = []
    rest = token
    while len(rest) > room:
        cut = max(rest.rfind(c, 0, room) for c in "/?&=")
        cut = cut + 1 if cut > 0 else room
        pieces.append(rest[:cut])
        rest = rest[cut:]
    pieces.append(rest)
    return pieces
