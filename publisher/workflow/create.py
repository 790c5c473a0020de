"""`publisher new`: a source file becomes a release folder with empty catalogs.

The folder is assembled under a hidden staging name and renamed into place
last, so a failed or interrupted import leaves no half release behind.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from publisher.core import history, languages
from publisher.core.document import parse_markdown
from publisher.core.fsutil import atomic_write_text
from publisher.core.history import Event, now_iso
from publisher.core.release import Release, ReleaseMeta, slugify, validate_slug
from publisher.core.segments import SegmentMap, align
from publisher.core.workspace import Workspace
from publisher.errors import UsageError
from publisher.workflow.session import new_catalog
from publisher.workflow.sources import read_source


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
) -> Release:
    """Import `source` as a new release folder with empty catalogs."""
    imported = read_source(source, title=title)
    assert imported.title is not None
    date = date or dt.date.today()
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
    slug = validate_slug(slug) if slug else slugify(date, imported.title)
    folder = ws.releases_dir / slug
    if folder.exists():
        raise UsageError(f"a release named {slug!r} already exists; choose another --slug")
    markdown = f"# {imported.title}\n\n{imported.markdown}"
    document = parse_markdown(markdown)
    alignment = align(SegmentMap([]), document)
    meta = ReleaseMeta(slug, date, place or "", src_lang, targets)
    staging = ws.releases_dir / f".{slug}.importing"
    if staging.exists():
        shutil.rmtree(staging)
    release = Release(staging, meta)
    try:
        staging.mkdir(parents=True)
        atomic_write_text(release.source_path, markdown)
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
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Release.load(folder)
