"""`publisher sync`: bring every catalog in line with the edited source.

Segments keep their ids across edits (see core/segments.py): an edited
segment becomes stale in every language with its old source and translation
kept, a new one is added untranslated, a removed one is kept as obsolete.
"""

from __future__ import annotations

from dataclasses import dataclass

from publisher.core.catalog import Entry
from publisher.core.history import Event, now_iso
from publisher.core.links import check_links
from publisher.core.release import Release
from publisher.core.segments import SegmentMap
from publisher.core.states import State
from publisher.workflow.session import changing, new_catalog


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

    check_links(release.read_source(), release.source_path)
    with changing(release) as session:
        document, alignment = session.release.aligned()
        now = now_iso()
        for lang in session.release.meta.target_languages:
            path = session.release.catalog_path(lang)
            if path.exists():
                catalog = session.catalog(lang)
            else:
                catalog = new_catalog(session.release, lang, alignment)
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
