"""`publisher sync`: bring every catalog in line with the edited source.

Segments keep their ids across edits (see core/segments.py): an edited
segment becomes stale in every language with its old source and translation
kept, a new one is added untranslated, a removed one is kept as obsolete.
"""

from __future__ import annotations

from dataclasses import dataclass

from publisher.core.catalog import Entry
from publisher.core.document import check_document_size
from publisher.core.history import Event, now_iso
from publisher.core.links import check_links
from publisher.core.release import Release
from publisher.core.segments import Segment, SegmentMap
from publisher.core.states import State
from publisher.workflow.session import Session, changing, new_catalog


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
    """Bring every catalog in line with the edited source (and with segments.json)."""
    check_links(release.read_source(), release.source_path)
    with changing(release, what="sync") as session:
        return sync_session(session)


def sync_session(session: Session) -> SyncReport:
    """The sync as part of a change already open: its release's source (and photo captions,
    as `session.release.meta` now holds them) against segments.json and every catalog."""
    release = session.release
    document, alignment = release.aligned()
    check_document_size(document, release.source_path)
    now = now_iso()
    for lang in release.meta.target_languages:
        if not release.catalog_path(lang).exists():
            session.catalogs[lang] = new_catalog(release, lang, alignment)
            session.changed(lang)
        session.catalog(lang)
        reconcile(session, lang, alignment.segments)
    invalidated = sum(1 for e in session.events if e.action == "invalidate")
    if not alignment.unchanged:
        segment_map = SegmentMap(alignment.segments, alignment.next_number)
        session.stage("segments.json", segment_map.to_json())
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
    return SyncReport(
        release.slug,
        alignment.added,
        sorted(alignment.changed),
        [s.id for s in alignment.removed],
        invalidated,
    )


def reconcile(session: Session, lang: str, segments: list[Segment]) -> bool:
    """Make one catalog hold exactly `segments`, by the sync rules; True if it changed.

    A new segment is added untranslated (an obsolete entry of the same id revived),
    an entry whose source differs becomes stale with its old source and translation
    kept, an entry no segment has any more is kept as obsolete.
    """
    catalog = session.catalog(lang)
    if [(e.id, e.source, e.kind) for e in catalog] == [(s.id, s.source, s.kind) for s in segments]:
        return False
    now = now_iso()
    entries: dict[str, Entry] = {}
    old_entries = dict(catalog.entries)
    for seg in segments:
        entry = old_entries.pop(seg.id, None)
        if entry is None:
            revived = next((o for o in catalog.obsolete if o.id == seg.id), None)
            entry = Entry(seg.id, seg.source, kind=seg.kind)
            if revived is not None:
                catalog.obsolete.remove(revived)
            session.events.append(Event(now, "add", lang, seg.id, None, State.UNTRANSLATED.value))
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
    return True
