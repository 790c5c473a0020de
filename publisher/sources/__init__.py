"""Turn a press officer's file (.txt, .md, .docx) into the CommonMark we store.

One importer per format, each returning an `ImportedSource` (the body as
Markdown, the title, metadata, pictures, and a notice for everything not kept
as written); `read_source` picks the importer by extension and applies the
rules every import shares (size, links, a title and a body).
"""

from __future__ import annotations

from pathlib import Path

from publisher.core.limits import MAX_SOURCE_BYTES, megabytes
from publisher.core.links import unsafe_links
from publisher.errors import SourceError
from publisher.sources.common import ImportedSource, Notice, TitleChoice, decode
from publisher.sources.docx import import_docx
from publisher.sources.markdown import import_markdown
from publisher.sources.text import import_text

__all__ = ["ImportedSource", "Notice", "TitleChoice", "read_source"]


def read_source(
    path: Path,
    *,
    title: str | None = None,
    first_line_title: bool = False,
    accept_changes: bool = False,
) -> ImportedSource:
    """Import `path` by its extension.

    `title`, if given, is the title (a first paragraph repeating it is left
    out); `first_line_title` takes the file's first line as the title;
    `accept_changes` imports a Word file's tracked changes as accepted.
    """
    suffix = path.suffix.lower()
    if not path.exists():
        raise SourceError("file not found", path=path)
    if not path.is_file():
        raise SourceError(
            "not a regular file (a device, pipe or folder): not reading it", path=path
        )
    size = path.stat().st_size
    if size == 0:
        raise SourceError("the file is empty", path=path)
    if size > MAX_SOURCE_BYTES:
        raise SourceError(
            f"the file is {megabytes(size)}; a release source may be at most "
            f"{megabytes(MAX_SOURCE_BYTES)}",
            path=path,
        )
    if title is not None and first_line_title:
        raise SourceError("give either --title or --first-line-title, not both", path=path)
    choice = TitleChoice(given=title, first_line=first_line_title)
    if accept_changes and suffix != ".docx":
        raise SourceError("--accept-changes is for Word files (.docx) only", path=path)
    text: str | None = None
    if suffix in (".txt", ".text"):
        text = decode(path)
        imported = import_text(text, title=choice, path=path)
    elif suffix in (".md", ".markdown"):
        text = decode(path)
        imported = import_markdown(text, title=choice, path=path)
    elif suffix == ".docx":
        imported = import_docx(path, title=choice, accept_changes=accept_changes)
    else:
        raise SourceError(
            f"unsupported source type {suffix or '(none)'!r}; use .txt, .md or .docx", path=path
        )
    _refuse_unsafe_links(imported, path, text)
    if not imported.title:
        raise SourceError("no title found; pass --title TEXT", path=path)
    if not imported.markdown.strip():
        raise SourceError("the release has a title but no body text", path=path)
    return imported


def _refuse_unsafe_links(imported: ImportedSource, path: Path, text: str | None) -> None:
    """The first link of title or body that may not be published, at its line in the file."""
    for markdown in (imported.title or "", imported.markdown):
        for link, problem in unsafe_links(markdown):
            shown = link.url if len(link.url) <= 80 else link.url[:77] + "..."
            raise SourceError(f"{problem}: {shown}", path=path, line=_line_in(text, link.url))


def _line_in(text: str | None, url: str) -> int | None:
    """The line of the source file where `url` is written (None for a Word file)."""
    if text is None:
        return None
    probe = url[:40]
    for number, line in enumerate(text.splitlines(), start=1):
        if probe in line:
            return number
    return None
