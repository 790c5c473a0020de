"""Plain-text sources, written the way press offices write them.

One paragraph per line (or blank-line separated, lines wrapped), `- ` bullets,
numbered paragraphs kept with their own numbers, short `Conclusion:`-style
lines as headings, `====` underlines, signature blocks padded into columns
with (non-breaking) spaces, and an end mark ("###", "-END-") at the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from publisher.errors import SourceError
from publisher.sources.common import (
    BULLET,
    EMPTY_ITEM,
    NUMBERED,
    ImportedSource,
    Notice,
    TitleChoice,
    Unit,
    assemble,
    escape_inline,
    signature_rows,
    table_markdown,
    take_title,
)

_UNDERLINE = re.compile(r"^\s*(={3,}|-{3,})\s*$")


@dataclass
class _Paragraph:
    lines: list[str]  # as written, trailing space removed
    line: int  # 1-based line of the first one


def import_text(
    text: str, *, title: TitleChoice | None = None, path: Path | None = None
) -> ImportedSource:
    raw_lines = [line.rstrip() for line in text.split("\n")]
    if not any(line.strip() for line in raw_lines):
        raise SourceError("the file has no text", path=path)
    notices: list[Notice] = []
    units = [_unit(p) for p in _split_paragraphs(raw_lines, notices)]
    choice = title or TitleChoice()
    if choice.given is None and not choice.first_line and units:
        first = units[0]
        if first.kind in ("bullet", "number"):
            raise SourceError(
                "the file starts with a list item, not a title; pass --title TEXT",
                path=path,
                line=first.line,
            )
    found_title, body = take_title(units, choice, notices, path)
    markdown = assemble(body, notices, colon_headings=True)
    return ImportedSource(markdown, found_title, notices)


def _split_paragraphs(lines: list[str], notices: list[Notice]) -> list[_Paragraph]:
    """Blank-line separated paragraphs if the text uses them, else one paragraph a line.

    List items always start a paragraph; a line of `===` or `---` under a line of
    text underlines it (a heading) and is not text itself; consecutive lines
    padded into columns stay together as one signature block.
    """
    body = list(lines)
    text = [line for line in body if line.strip()]
    start = next(i for i, line in enumerate(body) if line.strip())
    end = max(i for i, line in enumerate(body) if line.strip())
    inner = body[start : end + 1]
    uses_blank_lines = len(inner) > len(text) and any(
        inner[i].strip()
        and inner[i + 1].strip()
        and not _starts_item(inner[i + 1])
        and not _UNDERLINE.match(inner[i + 1])
        for i in range(len(inner) - 1)
    )
    paragraphs: list[_Paragraph] = []
    current: _Paragraph | None = None
    for number, line in enumerate(body, start=1):
        if not line.strip():
            current = None
            continue
        if (
            _UNDERLINE.match(line)
            and current is not None
            and len(current.lines) == 1
            and not _starts_item(current.lines[0])
        ):
            current.lines.append(line)  # "Title\n=====": the underline goes with its line
            current = None
            continue
        starts = _starts_item(line) or current is None or not uses_blank_lines
        if starts and current is not None and _columns_continue(current, line):
            starts = False
        if starts:
            current = _Paragraph([line], number)
            paragraphs.append(current)
        else:
            assert current is not None
            current.lines.append(line)
    return paragraphs


def _starts_item(line: str) -> bool:
    return bool(BULLET.match(line) or NUMBERED.match(line) or EMPTY_ITEM.match(line))


def _columns_continue(current: _Paragraph, line: str) -> bool:
    """In one-paragraph-a-line text, a signature block's lines belong together."""
    return signature_rows([*current.lines, line]) is not None and not _starts_item(line)


def _unit(para: _Paragraph) -> Unit:
    lines = para.lines
    if len(lines) == 2 and _UNDERLINE.match(lines[1]):
        level = 1 if lines[1].strip().startswith("=") else 2
        text = escape_inline(lines[0].strip())
        return Unit("heading", text, line=para.line, lines=[text], level=level)
    rows = signature_rows(lines)
    if rows is not None:
        cells = [[escape_inline(cell.strip()) for cell in row] for row in rows]
        return Unit("table", line=para.line, markdown=table_markdown(cells))
    first = lines[0]
    joined = " ".join(part.strip() for part in lines)
    if EMPTY_ITEM.match(first) and len(lines) == 1:
        return Unit("bullet", "", line=para.line)
    if m := BULLET.match(joined):
        return Unit("bullet", escape_inline(m.group(1).strip()), line=para.line)
    if m := NUMBERED.match(joined):
        return Unit(
            "number",
            escape_inline(m.group(3).strip()),
            line=para.line,
            number=int(m.group(1)),
            delimiter=m.group(2),
        )
    escaped = [escape_inline(part.strip()) for part in lines]
    return Unit("paragraph", " ".join(escaped), line=para.line, lines=escaped)
