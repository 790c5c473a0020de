"""Markdown sources: the author's CommonMark is kept; a leading `# Title` is the title."""

from __future__ import annotations

import re
from pathlib import Path

from publisher.core.document import parse_markdown
from publisher.errors import SourceError
from publisher.workflow.sources.common import MD_HEADING, ImportedSource, clean_title, is_short_line


def import_markdown(text: str, *, explicit_title: bool, path: Path | None = None) -> ImportedSource:
    """Keep the author's Markdown; take a leading `# Title` out as the title."""

    lines = text.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    title: str | None = None
    if lines and re.match(r"^#\s+", lines[0]):
        title = clean_title(re.sub(r"^#\s+|\s+#+\s*$", "", lines[0]))
        lines = lines[1:]
    elif not explicit_title:
        first = lines[0].strip() if lines else ""
        if not first or not is_short_line(first) or MD_HEADING.match(first):
            raise SourceError(
                "the file starts with neither a `# Title` heading nor a short title line; "
                "pass --title TEXT",
                path=path,
                line=1,
            )
        title = clean_title(first)
        lines = lines[1:]
    body = "\n".join(lines).strip() + "\n"
    # A second level-1 heading would be taken for the title; keep headings below it.
    body = re.sub(r"(?m)^# ", "## ", body)
    parse_markdown(body)  # fail early on anything the parser cannot take
    return ImportedSource(body, title)
