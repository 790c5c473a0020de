"""What every source importer shares: decoding, cleaning and escaping plain text.

Whatever the format, text reaches the release as NFC with Unix newlines and
no control characters or bidi overrides, and literal text is escaped so that
CommonMark never reads a press officer's asterisk or bracket as markup.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from publisher.errors import SourceError

TITLE_MAX_CHARS = 160


HEADING_MAX_WORDS = 8


BULLET = re.compile(r"^\s*[-•*–]\s+(.*)$")


NUMBERED = re.compile(r"^\s*(\d{1,3})[.)]\s+(.*)$")


HEADING_COLON = re.compile(r"^([^.!?។]{1,80})[:：]\s*$")


MD_HEADING = re.compile(r"^#{1,6}\s+")


@dataclass
class ImportedSource:
    markdown: str  # body only, without the title
    title: str | None  # from the file, if it has one


def decode(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError("this is a binary file, not text", path=path)
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return normalise(data.decode(codec))
            except UnicodeDecodeError as exc:
                raise SourceError(
                    f"invalid {codec.upper()} at byte {exc.start}", path=path
                ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            f"not valid UTF-8 (byte {exc.start}); save the file as UTF-8", path=path, line=line
        ) from None
    return normalise(text)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def normalise(text: str) -> str:
    """NFC, Unix newlines, no control characters or bidi overrides; everything else kept."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _CONTROL.sub("", text)


def clean_title(title: str) -> str:
    return " ".join(normalise(title).split())


def is_short_line(line: str) -> bool:
    return len(line) <= TITLE_MAX_CHARS and not re.search(r"[.!?។]\s*$", line)


_ESCAPE = re.compile(r"([\\`*\[\]])")


_UNDERSCORE_EDGE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")


def escape_inline(text: str) -> str:
    """Escape what CommonMark would read as markup, so plain text stays literal."""
    text = _ESCAPE.sub(r"\\\1", text)
    text = _UNDERSCORE_EDGE.sub(r"\\_", text)
    return text.replace("<", "\\<")


def escape_block_start(text: str) -> str:
    """A paragraph must not start with something CommonMark takes as block syntax."""
    if re.match(r"^(#{1,6}\s|>|[-+*]\s|\d{1,9}[.)]\s|={3,}|-{3,}|_{3,})", text):
        return "\\" + text
    return text
