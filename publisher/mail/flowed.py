"""A plain-text part in `format=flowed; delsp=yes` (RFC 3676), from lines already wrapped.

Readers that know format=flowed (Apple Mail, Thunderbird, many webmails) re-flow
each paragraph to their window; the others show the lines as written, at most
72 columns. The wrapping itself (display width, the language's line breaks)
is the caller's: this module only writes the lines the RFC's way:

* a line that continues the paragraph (a soft break) ends with one space;
  `delsp=yes` tells the reader to delete that space when it joins the lines,
  so a break between two Khmer or Chinese words (no space in the text) joins
  back without one, and a break at a space keeps the text's own space (the line
  then ends in two spaces: the text's and the marker);
* the last line of a paragraph and every fixed line (a table row, a list item's
  line, a reference) ends without a space: a hard break, never re-flowed;
* a line that starts with a space, ">" or "From " is space-stuffed (one space
  put before it, which the reader removes), so that no line reads as a quote
  or a "From " envelope line, and an indent survives;
* the signature separator is exactly "-- ".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: What the text part's Content-Type carries besides its charset.
PARAMS = {"format": "flowed", "delsp": "yes"}
SIGNATURE = "-- "


@dataclass(frozen=True)
class Paragraph:
    """Lines of one paragraph. Flowing: each line but the last continues on the next and
    keeps the space it was broken at, if any. Fixed: each line stands as it is."""

    lines: Sequence[str]
    fixed: bool = False


def _stuffed(line: str) -> str:
    return " " + line if line.startswith((" ", ">", "From ")) else line


def lines_of(paragraph: Paragraph) -> list[str]:
    """The paragraph's lines as format=flowed writes them (without line ends)."""
    out: list[str] = []
    last = len(paragraph.lines) - 1
    for index, line in enumerate(paragraph.lines):
        if paragraph.fixed or index == last:
            out.append(_stuffed(line.rstrip(" ")))
        else:
            out.append(_stuffed(line + " "))
    return out


def flowed_text(paragraphs: Sequence[Paragraph], signature: Paragraph | None = None) -> str:
    """The text part: paragraphs separated by an empty line, then "-- " and the signature."""
    blocks = ["\n".join(lines_of(p)) for p in paragraphs if p.lines]
    text = "\n\n".join(blocks) + "\n"
    if signature is not None and signature.lines:
        text += SIGNATURE + "\n" + "\n".join(lines_of(signature)) + "\n"
    return text


def unflowed(text: str) -> str:
    """What a format=flowed reader shows (delsp=yes): soft breaks joined, stuffing removed.
    For tests and for the README's example; quotes (">") are not used by this package."""
    out: list[str] = []
    current: str | None = None
    for line in text.split("\n"):
        if line == SIGNATURE:
            if current is not None:
                out.append(current)
                current = None
            out.append(line)
            continue
        if line.startswith(" "):
            line = line[1:]
        if line.endswith(" "):
            current = (current or "") + line[:-1]
            continue
        out.append((current or "") + line)
        current = None
    if current is not None:
        out.append(current)
    return "\n".join(out)
