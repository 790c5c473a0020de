"""What the commands do to a release: create, sync, change states, report status.

Every change happens under the release's lock, is validated completely before
anything is written, then written file by file atomically, and is recorded in
the release's history. None of this knows about the CLI.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from publisher import history, languages
from publisher.catalog import Catalog, Entry
from publisher.document import parse_markdown
from publisher.errors import CatalogError, ReleaseError, UsageError
from publisher.fsutil import atomic_write_text
from publisher.history import Event, now_iso, po_date
from publisher.importers import read_source
from publisher.release import Release, ReleaseMeta, find_release, slugify, validate_slug
from publisher.segments import Alignment, SegmentMap, align
from publisher.states import REVIEW_LEVELS, State
from publisher.workspace import Workspace

# ---------------------------------------------------------------- create


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
        import shutil

        shutil.rmtree(staging)
    release = Release(staging, meta)
    try:
        staging.mkdir(parents=True)
        atomic_write_text(release.source_path, markdown)
        release.write_meta()
        SegmentMap(alignment.segments, alignment.next_number).save(release.segments_path)
        for lang in targets:
            _new_catalog(release, lang, alignment).save(release.catalog_path(lang))
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
        import shutil

        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Release.load(folder)


def _new_catalog(release: Release, lang: str, alignment: Alignment) -> Catalog:
    entries = {s.id: Entry(s.id, s.source, kind=s.kind) for s in alignment.segments}
    return Catalog(
        lang, release.meta.source_language, release.slug, entries, [], po_date(now_iso())
    )


# ---------------------------------------------------------------- catalogs


def load_catalog(release: Release, lang: str) -> Catalog:
    code = release.require_target(lang)
    path = release.catalog_path(code)
    catalog = Catalog.load(path, release=release.slug)
    if catalog.lang and catalog.lang != code:
        raise CatalogError(f"this catalog is for {catalog.lang}, expected {code}", path=path)
    catalog.lang = code
    catalog.release = release.slug
    return catalog


@dataclass
class Session:
    """Catalogs of one release open for changing; written together on success."""

    release: Release
    catalogs: dict[str, Catalog] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    dirty: set[str] = field(default_factory=set)

    def catalog(self, lang: str) -> Catalog:
        code = languages.canonical(lang)
        if code not in self.catalogs:
            catalog = load_catalog(self.release, code)
            for entry in catalog:
                if entry.review_invalidated and entry.review is not None:
                    self.events.append(
                        Event(
                            now_iso(),
                            "invalidate",
                            code,
                            entry.id,
                            entry.review.level.value,
                            State.TRANSLATED.value,
                            detail="the translation or source was edited after the review",
                        )
                    )
                    entry.review = None
                    self.dirty.add(code)
            self.catalogs[code] = catalog
        return self.catalogs[code]

    def changed(self, lang: str) -> None:
        self.dirty.add(languages.canonical(lang))

    def commit(self) -> None:
        stamp = po_date(now_iso())
        for lang in sorted(self.dirty):
            catalog = self.catalogs[lang]
            catalog.revision = stamp
            catalog.save(self.release.catalog_path(lang))
        history.append(self.release.history_path, self.events)
        self.dirty.clear()
        self.events = []


@contextmanager
def changing(release: Release, timeout: float = 30.0) -> Iterator[Session]:
    """Open a release for changes under its lock; write only if the block succeeds."""
    with release.lock(timeout):
        session = Session(Release.load(release.root))
        yield session
        session.commit()


# ---------------------------------------------------------------- sync


@dataclass
class SyncReport:
    slug: str
    added: list[str]
    changed: list[str]
    removed: list[str]
    invalidated: int = 0

    @property
    def nothing(self) -> bool:
        return not (self.added or self.changed or self.removed or self.invalidated)


def sync_release(release: Release) -> SyncReport:
    """Bring every catalog in line with the edited source."""
    from publisher.importers import check_links

    check_links(release.read_source(), release.source_path)
    with changing(release) as session:
        document, alignment = session.release.aligned()
        now = now_iso()
        for lang in session.release.meta.target_languages:
            path = session.release.catalog_path(lang)
            if path.exists():
                catalog = session.catalog(lang)
            else:
                catalog = _new_catalog(session.release, lang, alignment)
                session.catalogs[lang] = catalog
                session.changed(lang)
            if alignment.unchanged and all(s.id in catalog.entries for s in alignment.segments):
                continue
            entries: dict[str, Entry] = {}
            old_entries = dict(catalog.entries)
            for seg in alignment.segments:
                entry = old_entries.pop(seg.id, None)
                if entry is None:
                    revived = next((o for o in catalog.obsolete if o.id == seg.id), None)
                    entry = Entry(seg.id, seg.source, kind=seg.kind)
                    if revived is not None:
                        catalog.obsolete.remove(revived)
                    session.events.append(
                        Event(now, "add", lang, seg.id, None, State.UNTRANSLATED.value)
                    )
                elif entry.source != seg.source:
                    before = entry.state
                    old_source = entry.source
                    entry.source = seg.source
                    entry.mark_stale(old_source)
                    session.events.append(
                        Event(
                            now,
                            "stale",
                            lang,
                            seg.id,
                            before.value,
                            entry.state.value,
                            detail="source changed",
                        )
                    )
                entry.kind = seg.kind
                entries[seg.id] = entry
            for gone in old_entries.values():
                gone.obsolete = True
                catalog.obsolete = [o for o in catalog.obsolete if o.id != gone.id] + [gone]
                session.events.append(
                    Event(
                        now,
                        "obsolete",
                        lang,
                        gone.id,
                        gone.state.value,
                        None,
                        detail="segment removed from the source",
                    )
                )
            catalog.entries = entries
            session.changed(lang)
        invalidated = sum(1 for e in session.events if e.action == "invalidate")
        if not alignment.unchanged:
            SegmentMap(alignment.segments, alignment.next_number).save(
                session.release.segments_path
            )
            session.events.append(
                Event(
                    now,
                    "sync",
                    detail=(
                        f"{len(alignment.added)} added, {len(alignment.changed)} changed, "
                        f"{len(alignment.removed)} removed"
                    ),
                )
            )
        del document
    return SyncReport(
        release.slug,
        alignment.added,
        sorted(alignment.changed),
        [s.id for s in alignment.removed],
        invalidated,
    )


# ---------------------------------------------------------------- review


@dataclass
class ReviewReport:
    changed: list[str]
    unchanged: list[str]
    skipped: dict[str, State]  # segment -> its state, when it cannot take this decision


def approve(
    release: Release,
    lang: str,
    *,
    by: str,
    segments: Iterable[str] = (),
    all_segments: bool = False,
    level: State = State.APPROVED,
    comment: str | None = None,
) -> ReviewReport:
    """Mark segments reviewed or approved; untranslated and stale ones are refused."""
    if level not in REVIEW_LEVELS:
        raise UsageError("--level must be reviewed or approved")
    wanted = list(dict.fromkeys(segments))
    if not wanted and not all_segments:
        raise UsageError("name the segments with --segment ID, or approve everything with --all")
    code = release.require_target(lang)
    with changing(release) as session:
        catalog = session.catalog(code)
        targets = list(catalog) if all_segments else [catalog.get(s) for s in wanted]
        refused = {e.id: e.state for e in targets if e.state in (State.UNTRANSLATED, State.STALE)}
        if refused and not all_segments:
            listed = ", ".join(f"{k} ({v.value})" for k, v in refused.items())
            raise CatalogError(
                f"cannot {level.value[:-1]}e {listed}: translate it first"
                if level is State.APPROVED
                else f"cannot mark {listed} as reviewed: translate it first"
            )
        report = ReviewReport([], [], refused)
        now = now_iso()
        for entry in targets:
            if entry.id in refused:
                continue
            before = entry.state
            if before is level:
                report.unchanged.append(entry.id)
                continue
            entry.set_review(level, by, now)
            session.events.append(
                Event(
                    now,
                    level.value[:-1] if level is State.APPROVED else "review",
                    code,
                    entry.id,
                    before.value,
                    level.value,
                    by,
                    comment,
                )
            )
            report.changed.append(entry.id)
        if report.changed:
            session.changed(code)
    return report


def reject(release: Release, lang: str, *, segment: str, by: str, comment: str) -> Entry:
    """Send a translation back to draft with the reviewer's reason."""
    if not comment.strip():
        raise UsageError("a rejection needs a --comment saying what is wrong")
    code = release.require_target(lang)
    with changing(release) as session:
        entry = session.catalog(code).get(segment)
        if entry.state is State.UNTRANSLATED:
            raise CatalogError(f"{segment} is untranslated; there is nothing to reject")
        before = entry.state
        now = now_iso()
        entry.reject(by, now, comment)
        session.events.append(
            Event(now, "reject", code, segment, before.value, entry.state.value, by, comment)
        )
        session.changed(code)
    return entry


def set_translation(
    session: Session,
    lang: str,
    segment: str,
    target: str,
    *,
    origin: str,
    draft: bool,
    by: str | None = None,
    action: str = "edit",
) -> bool:
    """Store a new translation (a draft or a human one); False if nothing changed."""
    catalog = session.catalog(lang)
    entry = catalog.get(segment)
    if entry.target == target and entry.fuzzy == draft and entry.state is not State.STALE:
        return False
    before = entry.state
    entry.set_translation(target, origin=origin, draft=draft)
    session.events.append(
        Event(
            now_iso(),
            action,
            catalog.lang,
            segment,
            before.value,
            entry.state.value,
            by,
            detail=origin,
        )
    )
    session.changed(lang)
    return True


# ---------------------------------------------------------------- status


@dataclass
class LanguageStatus:
    lang: str
    counts: dict[State, int]
    required: State
    blocking: list[str]  # segments not yet in the required state
    out_of_sync: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def publishable(self) -> bool:
        return not self.blocking and not self.out_of_sync and self.total > 0

    @property
    def approved_percent(self) -> float:
        return 100.0 * self.counts[State.APPROVED] / self.total if self.total else 0.0


def language_status(
    release: Release, lang: str, required: State, out_of_sync: bool = False
) -> LanguageStatus:
    catalog = load_catalog(release, lang)
    counts = catalog.counts()
    blocking = [e.id for e in catalog if not e.state.at_least(required)]
    return LanguageStatus(catalog.lang, counts, required, blocking, out_of_sync)


def release_status(release: Release, required: State) -> list[LanguageStatus]:
    try:
        _, alignment = release.aligned()
        out_of_sync = not alignment.unchanged
    except ReleaseError:
        out_of_sync = True
    return [
        language_status(release, lang, required, out_of_sync)
        for lang in release.meta.target_languages
    ]


def resolve_releases(ws: Workspace, names: Iterable[str]) -> list[Release]:
    from publisher.release import iter_releases

    names = list(names)
    if not names:
        return list(iter_releases(ws.releases_dir))
    return [find_release(ws.releases_dir, name) for name in names]
