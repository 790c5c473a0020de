"""Open a release for changing: its catalogs under its lock, written together on success.

Every change a command makes to a release happens inside `changing()`: the
release's lock is held, the catalogs are read fresh, the change is validated
completely before anything is written, then each file is written atomically
and the history records who did what. A failure inside the block writes
nothing. None of this knows about the CLI.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from publisher.core import history, languages
from publisher.core.catalog import Catalog, Entry
from publisher.core.history import Event, now_iso, po_date
from publisher.core.release import Release
from publisher.core.segments import Alignment
from publisher.core.states import State
from publisher.errors import CatalogError


def new_catalog(release: Release, lang: str, alignment: Alignment) -> Catalog:
    entries = {s.id: Entry(s.id, s.source, kind=s.kind) for s in alignment.segments}
    return Catalog(
        lang, release.meta.source_language, release.slug, entries, [], po_date(now_iso())
    )


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
