"""Open a release for changing: its catalogs under its lock, written together on success.

Every change a command makes to a release happens inside `changing()`: the
release's lock is held, an interrupted earlier change is finished first, the
catalogs are read fresh, the change is validated completely before anything is
written, then every file it touches and its history lines are written as one
change (publisher/core/journal.py): all of it or, after a crash, none of it
until it is finished. A failure inside the block writes nothing. None of this
knows about the CLI.

Catalogs are read with the release's approvals (core/approvals.py): a review
record counts only when the history holds the event that made it, and a change
clears records that no longer count (edited texts, records made by hand or
carried in by an imported file), saying so in the history.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from publisher.core import journal, languages
from publisher.core.approvals import ApprovalKey as ApprovalKey
from publisher.core.approvals import load_catalog as load_catalog
from publisher.core.approvals import recorded_approvals as recorded_approvals
from publisher.core.catalog import Catalog, Entry
from publisher.core.history import Event, now_iso, po_date
from publisher.core.release import Release
from publisher.core.segments import Alignment
from publisher.core.states import State


def new_catalog(release: Release, lang: str, alignment: Alignment) -> Catalog:
    entries = {s.id: Entry(s.id, s.source, kind=s.kind) for s in alignment.segments}
    return Catalog(
        lang, release.meta.source_language, release.slug, entries, [], po_date(now_iso())
    )


@dataclass
class Session:
    """Catalogs of one release open for changing; written together on success."""

    release: Release
    catalogs: dict[str, Catalog] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    dirty: set[str] = field(default_factory=set)
    #: Other files of the release this change writes (path relative to the release).
    staged: dict[str, bytes] = field(default_factory=dict)
    #: Files of the release this change deletes (path relative to the release).
    removed: set[str] = field(default_factory=set)
    what: str = "change"
    _approvals: set[ApprovalKey] | None = None

    def catalog(self, lang: str) -> Catalog:
        code = languages.canonical(lang)
        if code not in self.catalogs:
            if self._approvals is None:
                self._approvals = recorded_approvals(self.release)
            catalog = load_catalog(self.release, code, self._approvals)
            for entry in catalog:
                reason = None
                if entry.review_invalidated:
                    reason = "the translation or source was edited after the review"
                elif entry.review_unbacked:
                    reason = (
                        "the review record is not in the release's history (written by hand or "
                        "carried in by a file); only publisher's approve and review make one"
                    )
                if reason and entry.review is not None:
                    self.events.append(
                        Event(
                            now_iso(),
                            "invalidate",
                            code,
                            entry.id,
                            entry.review.level.value,
                            State.TRANSLATED.value,
                            detail=reason,
                        )
                    )
                    entry.review = None
                    self.dirty.add(code)
            self.catalogs[code] = catalog
        return self.catalogs[code]

    def changed(self, lang: str) -> None:
        self.dirty.add(languages.canonical(lang))

    def stage(self, name: str, data: bytes) -> None:
        """Write another file of the release (segments.json, release.toml) in this change."""
        self.staged[name] = data
        self.removed.discard(name)

    def remove(self, name: str) -> None:
        """Delete a file of the release (a photo) in this change."""
        self.removed.add(name)
        self.staged.pop(name, None)

    def commit(self) -> None:
        stamp = po_date(now_iso())
        change = journal.Change(
            dict(self.staged), [e.to_json() for e in self.events], self.what, sorted(self.removed)
        )
        root = self.release.root
        for lang in sorted(self.dirty):
            catalog = self.catalogs[lang]
            catalog.revision = stamp
            path = self.release.catalog_path(lang)
            change.files[path.relative_to(root).as_posix()] = catalog.to_po().encode("utf-8")
        journal.write(root, change)
        self.dirty.clear()
        self.events = []
        self.staged = {}
        self.removed = set()


@contextmanager
def changing(release: Release, timeout: float = 30.0, what: str = "change") -> Iterator[Session]:
    """Open a release for changes under its lock; write only if the block succeeds."""
    with release.lock(timeout):
        journal.recover(release.root)
        session = Session(Release.load(release.root), what=what)
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
    comment: str | None = None,
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
            comment,
            detail=origin,
        )
    )
    session.changed(lang)
    return True
