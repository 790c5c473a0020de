"""Turn a press officer's file (.txt, .md, .docx) into the CommonMark we store.

One importer per format, each returning an `ImportedSource` (the body as
Markdown plus the title if the file names one); `read_source` picks the
importer by extension and applies the rules every import shares (size, links,
a title and a body).
"""

from __future__ import annotations

from pathlib import Path

from publisher.core.links import check_links
from publisher.errors import SourceError
from publisher.workflow.sources.common import ImportedSource, clean_title, decode
from publisher.workflow.sources.docx import import_docx
from publisher.workflow.sources.markdown import import_markdown
from publisher.workflow.sources.text import import_text

__all__ = ["MAX_SOURCE_BYTES", "ImportedSource", "read_source"]

MAX_SOURCE_BYTES = 5 * 1024 * 1024  # a press release is a few pages; refuse anything absurd


def read_source(path: Path, *, title: str | None = None) -> ImportedSource:
    """Import `path` by its extension; `title`, if given, overrides any title found."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise SourceError("file not found", path=path)
    size = path.stat().st_size
    if size == 0:
        raise SourceError("the file is empty", path=path)
    if size > MAX_SOURCE_BYTES:
        raise SourceError(
            f"the file is {size / 1e6:.1f} MB; a release source must be under "
            f"{MAX_SOURCE_BYTES // 1_000_000} MB",
            path=path,
        )
    if suffix in (".txt", ".text"):
        imported = import_text(decode(path), explicit_title=title is not None, path=path)
    elif suffix in (".md", ".markdown"):
        imported = import_markdown(decode(path), explicit_title=title is not None, path=path)
    elif suffix == ".docx":
        imported = import_docx(path, explicit_title=title is not None)
    else:
        raise SourceError(
            f"unsupported source type {suffix or '(none)'!r}; use .txt, .md or .docx", path=path
        )
    if title is not None:
        imported.title = clean_title(title)
    check_links(imported.markdown, path)
    if not imported.title:
        raise SourceError("no title found; pass --title TEXT", path=path)
    if not imported.markdown.strip():
        raise SourceError("the release has a title but no body text", path=path)
    return imported
