"""Word sources: headings, list paragraphs and plain paragraphs, bold and italic kept.

python-docx is imported inside `import_docx` (about 0.1 s) so that commands
which never read a Word file do not pay for it.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from publisher.errors import SourceError
from publisher.workflow.sources.common import (
    HEADING_COLON,
    HEADING_MAX_WORDS,
    ImportedSource,
    clean_title,
    escape_block_start,
    escape_inline,
    is_short_line,
    normalise,
)

MAX_DOCX_UNCOMPRESSED = 50 * 1024 * 1024


def import_docx(path: Path, *, explicit_title: bool) -> ImportedSource:
    """Headings, list paragraphs and plain paragraphs from a Word file, bold/italic kept."""
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
            if total > MAX_DOCX_UNCOMPRESSED:
                raise SourceError(
                    f"the .docx unpacks to {total / 1e6:.0f} MB; refusing (zip bomb?)", path=path
                )
            if "word/document.xml" not in archive.namelist():
                raise SourceError("not a Word document (no word/document.xml)", path=path)
    except zipfile.BadZipFile:
        raise SourceError("not a valid .docx file (not a zip archive)", path=path) from None
    import docx  # python-docx; imported here to keep CLI start-up fast

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises many kinds on broken files
        raise SourceError(f"cannot read the .docx: {exc}", path=path) from None
    title: str | None = None
    out: list[str] = []
    previous_kind = ""
    for para in document.paragraphs:
        text = normalise(_docx_runs(para)).strip()
        plain = normalise(para.text).strip()
        if not plain:
            continue
        style = (para.style.name if para.style is not None else "") or ""
        kind = _docx_kind(para, style)
        if kind == "title" and title is None and not out:
            title = clean_title(plain)
            continue
        if title is None and not out and not explicit_title and kind == "paragraph":
            if not is_short_line(plain):
                raise SourceError(
                    "the first paragraph is long, not a title; pass --title TEXT", path=path
                )
            title = clean_title(plain)
            continue
        if kind.startswith("heading"):
            level = max(2, min(6, int(kind[7:] or 2) + 1))
            line = f"{'#' * level} {text}"
        elif kind == "bullet":
            line = f"- {text}"
        elif kind == "number":
            line = f"1. {text}"
        elif kind == "quote":
            line = f"> {text}"
        elif (
            kind == "paragraph"
            and (m := HEADING_COLON.match(plain))
            and len(m.group(1).split()) <= HEADING_MAX_WORDS
        ):
            line = f"## {escape_inline(m.group(1).strip())}"
            kind = "heading"
        else:
            line = escape_block_start(text)
        if kind in ("bullet", "number") and kind == previous_kind:
            out[-1] = out[-1] + "\n" + line
        else:
            out.append(line)
        previous_kind = kind
    return ImportedSource("\n\n".join(out) + "\n", title)


def _docx_kind(para: Any, style: str) -> str:
    name = style.lower()
    if name == "title":
        return "title"
    if m := re.match(r"heading\s*(\d)", name):
        return f"heading{m.group(1)}"
    if "list bullet" in name:
        return "bullet"
    if "list number" in name:
        return "number"
    if "quote" in name:
        return "quote"
    ppr = para._p.pPr  # python-docx has no public API for list numbering
    if ppr is not None and ppr.numPr is not None:
        return "bullet"
    return "paragraph"


def _docx_runs(para: Any) -> str:
    parts: list[str] = []
    for run in para.runs:
        text = escape_inline(run.text)
        if not text.strip():
            parts.append(text)
            continue
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()) :]
        core = text.strip()
        if run.bold:
            core = f"**{core}**"
        if run.italic:
            core = f"*{core}*"
        parts.append(lead + core + trail)
    return "".join(parts).replace("****", "")
