"""Plain-text sources, written the way press offices write them.

One paragraph per line (or blank-line separated), `- ` bullets, numbered
paragraphs, and short `Conclusion:`-style lines as headings.
"""

from __future__ import annotations

from pathlib import Path

from publisher.errors import SourceError
from publisher.workflow.sources.common import (
    BULLET,
    HEADING_COLON,
    HEADING_MAX_WORDS,
    NUMBERED,
    ImportedSource,
    clean_title,
    escape_block_start,
    escape_inline,
    is_short_line,
)


def import_text(text: str, *, explicit_title: bool, path: Path | None = None) -> ImportedSource:
    raw_lines = [line.rstrip() for line in text.split("\n")]
    while raw_lines and not raw_lines[0].strip():
        raw_lines.pop(0)
    if not raw_lines:
        raise SourceError("the file has no text", path=path)
    title: str | None = None
    if not explicit_title:
        first = raw_lines[0].strip()
        if not is_short_line(first) or BULLET.match(first):
            raise SourceError(
                "the first line is a long paragraph, not a title; pass --title TEXT",
                path=path,
                line=1,
            )
        title = clean_title(first)
        raw_lines = raw_lines[1:]
    paragraphs = _split_paragraphs(raw_lines)
    out: list[str] = []
    previous_kind = ""
    for index, para in enumerate(paragraphs):
        kind, body = _classify(para, paragraphs[index + 1] if index + 1 < len(paragraphs) else None)
        if kind == "heading":
            out.append(f"## {escape_inline(body)}")
        elif kind == "bullet":
            out.append(f"- {escape_inline(body)}")
        elif kind == "number":
            out.append(f"1. {escape_inline(body)}")
        else:
            out.append(escape_block_start(escape_inline(body)))
        # Items of one list stay together; everything else is separated by a blank line.
        joined = kind in ("bullet", "number") and kind == previous_kind
        if joined:
            out[-2:] = [out[-2] + "\n" + out[-1]]
        previous_kind = kind
    return ImportedSource("\n\n".join(out) + "\n", title)


def _split_paragraphs(lines: list[str]) -> list[str]:
    """Blank-line separated paragraphs if the text uses them, else one paragraph a line."""
    body = [line for line in lines]
    uses_blank_lines = any(not line.strip() for line in body) and any(
        body[i].strip()
        and body[i + 1].strip()
        and not BULLET.match(body[i + 1])
        and not NUMBERED.match(body[i + 1])
        for i in range(len(body) - 1)
    )
    paragraphs: list[str] = []
    if uses_blank_lines:
        current: list[str] = []
        for line in [*body, ""]:
            if not line.strip() or BULLET.match(line) or NUMBERED.match(line):
                if current:
                    paragraphs.append(" ".join(part.strip() for part in current))
                    current = []
                if line.strip():
                    current = [line]
                continue
            current.append(line)
        return paragraphs
    return [line.strip() for line in body if line.strip()]


def _classify(para: str, following: str | None) -> tuple[str, str]:
    if m := BULLET.match(para):
        return "bullet", m.group(1).strip()
    if m := NUMBERED.match(para):
        return "number", m.group(2).strip()
    if following is not None and (m := HEADING_COLON.match(para)):
        words = m.group(1).split()
        if len(words) <= HEADING_MAX_WORDS:
            return "heading", m.group(1).strip()
    return "paragraph", para.strip()
