"""`publisher new`: a source file becomes a release folder with empty catalogs.

The folder is assembled under a hidden staging name and renamed into place
last, so a failed or interrupted import leaves no half release behind. What
the file says about itself (front matter: date, place, slug) fills what the
command line leaves open; the command line wins, and a disagreement is noted.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publisher.core import history, languages, media, numbering
from publisher.core.document import Block, Document, check_document_size
from publisher.core.fsutil import atomic_write_bytes, atomic_write_text
from publisher.core.history import Event, now_iso
from publisher.core.journal import crash_point
from publisher.core.photos import MAX_PHOTOS, PHOTOS_DIR
from publisher.core.release import (
    BOILERPLATE,
    Release,
    ReleaseMeta,
    release_document,
    scan_releases,
    slugify,
    validate_slug,
)
from publisher.core.segments import SegmentMap, align
from publisher.core.wording import counted, listing
from publisher.core.workspace import Workspace
from publisher.errors import UsageError
from publisher.sources import ImportedSource, Notice, read_source
from publisher.sources.common import title_markdown
from publisher.workflow.photos import NewPhoto, check_new_photo, place_photo
from publisher.workflow.session import new_catalog


@dataclass
class ImportResult:
    """A new release, and what its import kept, changed and left out."""

    release: Release
    source: Path
    counts: dict[str, int]
    notices: list[Notice] = field(default_factory=list)

    def summary(self) -> str:
        """ "imported the title, 6 paragraphs, 1 heading and 3 list items (11 segments)"."""
        c = self.counts
        parts = ["the title"] if c.get("title") else []
        for key, singular in (
            ("heading", "heading"),
            ("paragraph", "paragraph"),
            ("item", "list item"),
            ("quote", "quotation"),
        ):
            if c.get(key):
                parts.append(counted(c[key], singular))
        if c.get("table"):
            parts.append(f"{counted(c['table'], 'table')} ({counted(c.get('cell', 0), 'cell')})")
        if c.get("picture"):
            parts.append(counted(c["picture"], "picture"))
        if c.get("figure"):
            parts.append(counted(c["figure"], "photo") + " with " + counted(c["figure"], "caption"))
        return f"imported {listing(parts)} ({counted(c.get('segments', 0), 'segment')})"


def create_release(
    ws: Workspace,
    source: Path,
    *,
    title: str | None = None,
    slug: str | None = None,
    date: dt.date | None = None,
    place: str | None = None,
    target_languages: list[str] | None = None,
    source_language: str | None = None,
    embargo: dt.datetime | None = None,
    folder: Path | None = None,
    photos: list[NewPhoto] | None = None,
) -> Release:
    """Import `source` as a new release folder with empty catalogs."""
    return import_release(
        ws,
        source,
        title=title,
        slug=slug,
        date=date,
        place=place,
        target_languages=target_languages,
        source_language=source_language,
        embargo=embargo,
        folder=folder,
        photos=photos,
    ).release


def import_release(
    ws: Workspace,
    source: Path,
    *,
    title: str | None = None,
    first_line_title: bool = False,
    accept_changes: bool = False,
    slug: str | None = None,
    date: dt.date | None = None,
    place: str | None = None,
    target_languages: list[str] | None = None,
    source_language: str | None = None,
    embargo: dt.datetime | None = None,
    folder: Path | None = None,
    photos: list[NewPhoto] | None = None,
) -> ImportResult:
    """Import `source` as a new release folder; the result names what was imported.

    The release gets the next number of the workspace's series (if it numbers
    releases) once everything else has been checked. `folder` places it elsewhere
    than releases/ (the workspace's boilerplate).
    """
    imported = read_source(
        source, title=title, first_line_title=first_line_title, accept_changes=accept_changes
    )
    if len(photos or []) > MAX_PHOTOS:
        raise UsageError(f"a release carries at most {MAX_PHOTOS} photos")
    checked = [check_new_photo(photo) for photo in photos or []]
    assert imported.title is not None
    notices = list(imported.notices)
    given = {"date": date, "place": place, "slug": slug, "source_language": source_language}
    meta_values = _merge_metadata(imported, given, notices)
    date = meta_values.get("date") or dt.date.today()
    place = meta_values.get("place")
    slug = meta_values.get("slug")
    source_language = meta_values.get("source_language")
    src_lang = (
        languages.canonical(source_language) if source_language else (ws.config.source_language)
    )
    targets = [
        languages.canonical(t)
        for t in (target_languages or ws.config.target_languages)
        if languages.canonical(t) != src_lang
    ]
    if not targets and target_languages is None:
        targets = [lang for lang in ("en", "km", "zh-Hans") if lang != src_lang]
    if folder is not None:
        slug = folder.name  # the boilerplate: its folder is its name
    else:
        slug = validate_slug(slug) if slug else slugify(date, imported.title)
    folder = folder or ws.releases_dir / slug
    if folder.exists():
        raise UsageError(f"a release named {slug!r} already exists; choose another --slug")
    markdown = f"# {title_markdown(imported.title)}\n\n{imported.markdown}"
    meta = ReleaseMeta(slug, date, place or "", src_lang, targets, embargo=embargo)
    placed: dict[str, bytes] = {}
    for photo in checked:
        entry = place_photo(Release(folder, meta), photo, set(placed))
        meta.photos.append(entry)
        placed[entry.file] = photo.data
    document = release_document(markdown, meta.photos)
    check_document_size(document, source)
    alignment = align(SegmentMap([]), document)
    reference = meta_values.get("reference")
    if reference:
        meta.reference = str(reference)
    if ws.config.number_pattern and folder.parent == ws.releases_dir:
        releases, _ = scan_releases(ws.releases_dir)  # a broken one holds no number we can read
        held = {r.meta.number for r in releases if r.meta.number}
        meta.number = numbering.allocate(
            ws.root, ws.config.number_pattern, date.year, slug, held=held
        )
        crash_point("numbered")  # the crash tests' kill between two steps (core/journal.py)
    # A staging folder of this run's own: two `new` of the same name at once must not write
    # into (or remove) each other's; the first to rename wins. (`fsck` removes the staging
    # folders of runs that were killed.)
    staging = folder.parent / f".{folder.name}.{os.getpid()}-{secrets.token_hex(4)}.importing"
    release = Release(staging, meta)
    try:
        staging.mkdir(parents=True)
        atomic_write_text(release.source_path, markdown)
        for name, data in imported.media.items():
            atomic_write_bytes(staging / media.MEDIA_DIR / name, data)
        for name, data in placed.items():
            atomic_write_bytes(staging / PHOTOS_DIR / name, data)
        release.write_meta()
        SegmentMap(alignment.segments, alignment.next_number).save(release.segments_path)
        for lang in targets:
            new_catalog(release, lang, alignment).save(release.catalog_path(lang))
        history.append(
            release.history_path,
            [
                Event(
                    now_iso(), "import", detail=f"{source.name}: {len(alignment.segments)} segments"
                )
            ],
        )
        crash_point("staged")
        try:
            staging.rename(folder)
        except OSError:
            if folder.exists():  # another run of the same name finished first
                raise UsageError(
                    f"a release named {slug!r} already exists; choose another --slug"
                ) from None
            raise
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return ImportResult(Release.load(folder), source, document_counts(document), notices)


def _merge_metadata(
    imported: ImportedSource, given: dict[str, Any], notices: list[Notice]
) -> dict[str, Any]:
    """The command line's values, completed by the file's own (front matter)."""
    out = dict(given)
    for key, value in imported.metadata.items():
        if key == "title":
            continue
        if given.get(key) is None:
            out[key] = value
        elif str(given[key]) != str(value):
            option = "--source-lang" if key == "source_language" else f"--{key}"
            notices.append(
                Notice(
                    "note",
                    f"front matter {key} {value} not used: {option} {given[key]} was given",
                )
            )
    return out


_PICTURE = re.compile(r"!\[")


def document_counts(document: Document) -> dict[str, int]:
    """How many of each kind of block a document holds, for the import's summary."""
    counts: Counter[str] = Counter()

    def walk(blocks: list[Block]) -> None:
        for block in blocks:
            if block.kind in ("table", "figure"):
                counts[block.kind] += 1
            if block.text is not None:
                counts[block.kind] += 1
                counts["segments"] += 1
                counts["picture"] += len(_PICTURE.findall(block.text))
            walk(block.children)

    walk(document.blocks)
    return dict(counts)


def init_boilerplate(ws: Workspace, source: Path) -> Release:
    """Create boilerplate/ from a Markdown file of the shape core/boilerplate.py reads.

    Here rather than beside what reads it: reading the boilerplate (every build and
    `status`) must not load the source importers (Word, Markdown, text)."""
    if ws.boilerplate_dir.exists():
        raise UsageError(
            f"{BOILERPLATE}/ already exists; edit {BOILERPLATE}/source.md and run "
            f"`publisher sync {BOILERPLATE}`"
        )
    if source.suffix.lower() not in (".md", ".markdown"):
        raise UsageError("the boilerplate is written in Markdown (.md); see README, Boilerplate")
    return create_release(ws, source, date=dt.date.today(), folder=ws.boilerplate_dir)
