"""Exchanging a release with translators' tools: `publisher export` and `publisher import`.

The file formats live in publisher/interchange/ (codecs only); here is what an
export contains and what an import may change.

An import applies what the translator *changed* and nothing else:

* Everything is validated (format, release, languages, segment ids) before
  anything is written, and the whole file is applied under the release
  locks in one `changing` session per release: a failure writes nothing.
* An empty target never deletes a translation.
* A target the translator did not edit (same as at export) never overwrites
  a catalog that moved on since the export.
* A target edited both in the file and in the catalog since the export is a
  conflict: the catalog keeps its text, the file's becomes a suggestion.
* A translation made against a source that has changed since the export is
  stored as `stale` (the catalog's newer source, the file's text, and the old
  source as the previous source) so a translator must look at it again.
* An import never raises a segment to reviewed/approved unless the file's
  review record is bound to the exact segment, source and target (the record
  from an export of the same text, i.e. a round trip). A reviewed or approved
  segment whose target the file changes, or whose state the file lowers,
  loses its approval, and the report says so.
* A round trip with no edits changes nothing: no catalog bytes, no history.
"""

from __future__ import annotations

import re
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from publisher.core.catalog import Entry, Review, approval_hash
from publisher.core.history import Event, now_iso
from publisher.core.release import Release, find_release
from publisher.core.states import REVIEW_LEVELS, State
from publisher.core.workspace import Workspace
from publisher.errors import InterchangeError, PublisherError, UsageError
from publisher.interchange import EXCHANGE_FORMATS, po, xliff
from publisher.interchange.model import IncomingFile, IncomingUnit, text_hash
from publisher.workflow.session import Session, changing, load_catalog

_REJECTED_AT = re.compile(r"^rejected by .+? on (\S+?):")


@dataclass
class ImportReport:
    """What one import did to one release and language (lists of segment ids)."""

    release: str
    lang: str
    file: str
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)  # translated against an older source
    conflicts: list[str] = field(default_factory=list)  # the file's text kept as a suggestion
    approvals_dropped: list[str] = field(default_factory=list)
    not_granted: list[str] = field(default_factory=list)  # review states the file cannot prove

    @property
    def changed(self) -> bool:
        return bool(self.updated or self.stale or self.conflicts)

    def summary(self) -> str:
        parts = [f"{len(self.updated)} updated", f"{len(self.unchanged)} unchanged"]
        for ids, label in (
            (self.stale, "became stale"),
            (self.approvals_dropped, "approvals dropped"),
            (self.conflicts, "conflicts (catalog kept, file's text added as a suggestion)"),
            (self.not_granted, "review states not granted (no matching review record)"),
        ):
            if ids:
                parts.append(f"{len(ids)} {label} ({', '.join(ids)})")
        return ", ".join(parts)


def read_file(path: Path) -> list[IncomingFile]:
    """Parse an exchange file, choosing the reader by extension, then by content."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InterchangeError("file not found", path=path) from None
    except OSError as exc:
        raise InterchangeError(f"cannot read: {exc.strerror}", path=path) from None
    suffix = path.suffix.lower()
    if suffix in (".xlf", ".xliff", ".xml") or (
        suffix not in (".po", ".pot") and xliff.looks_like_xliff(data)
    ):
        return xliff.read(data, path)
    return po.read(data, path)


def import_file(ws: Workspace, path: Path, *, by: str) -> list[ImportReport]:
    """Apply a translator's PO or XLIFF file; all or nothing."""
    files = read_file(path)
    releases: dict[str, Release] = {}
    seen: set[tuple[str, str]] = set()
    for incoming in files:
        release = releases.get(incoming.release) or _resolve(ws, incoming)
        releases[incoming.release] = release
        if (incoming.release, incoming.lang) in seen:
            raise InterchangeError(
                f"{incoming.release} {incoming.lang} appears twice", path=path, line=incoming.line
            )
        seen.add((incoming.release, incoming.lang))
    reports: list[ImportReport] = []
    with ExitStack() as stack:
        sessions: dict[str, Session] = {}
        for incoming in files:
            if incoming.release not in sessions:
                sessions[incoming.release] = stack.enter_context(
                    changing(releases[incoming.release])
                )
            reports.append(_apply_file(sessions[incoming.release], incoming, by))
    return reports


def _resolve(ws: Workspace, incoming: IncomingFile) -> Release:
    try:
        release = find_release(ws.releases_dir, incoming.release)
    except PublisherError as exc:
        raise InterchangeError(exc.message, path=incoming.path, line=incoming.line) from None
    if incoming.source_lang != release.meta.source_language:
        raise InterchangeError(
            f"source language {incoming.source_lang} does not match {release.slug}, "
            f"whose source is in {release.meta.source_language}",
            path=incoming.path,
            line=incoming.line,
        )
    if incoming.lang not in release.meta.target_languages:
        raise InterchangeError(
            f"target language {incoming.lang} is not one of {release.slug}'s "
            f"({', '.join(release.meta.target_languages) or 'none'})",
            path=incoming.path,
            line=incoming.line,
        )
    return release


def _apply_file(session: Session, incoming: IncomingFile, by: str) -> ImportReport:
    catalog = session.catalog(incoming.lang)
    unknown = [u for u in incoming.units if u.id not in catalog.entries]
    if unknown:
        listed = ", ".join(u.id for u in unknown[:5]) + (" ..." if len(unknown) > 5 else "")
        raise InterchangeError(
            f"unknown segment ids for {incoming.release} {incoming.lang}: {listed} "
            "(was the file exported from another release, or the source re-synced?)",
            path=incoming.path,
            line=unknown[0].line,
        )
    name = incoming.path.name
    report = ImportReport(incoming.release, incoming.lang, name)
    now = now_iso()
    for unit in incoming.units:
        entry = catalog.entries[unit.id]
        before = entry.state
        outcome = _apply_unit(entry, unit, name, now)
        after = entry.state
        if outcome == "unchanged":
            report.unchanged.append(unit.id)
        else:
            getattr(report, outcome).append(unit.id)
            session.events.append(
                Event(
                    now, "import", incoming.lang, unit.id, before.value, after.value, by, None, name
                )
            )
        if before in REVIEW_LEVELS and not after.at_least(before):
            report.approvals_dropped.append(unit.id)
        asked = unit.exported_state is None or unit.state is not unit.exported_state
        if (
            asked
            and unit.state in REVIEW_LEVELS
            and not after.at_least(unit.state)
            and unit.id not in report.approvals_dropped
        ):
            report.not_granted.append(unit.id)
    if report.changed:
        session.changed(incoming.lang)
        session.events.append(
            Event(now, "import", incoming.lang, None, None, None, by, report.summary(), name)
        )
    return report


def _apply_unit(entry: Entry, unit: IncomingUnit, name: str, now: str) -> str:
    """Change `entry` as the file asks; the name of the report list it belongs in."""
    target = unit.target
    if not target.strip():
        return "unchanged"  # an empty target never deletes a translation
    source_changed = (
        unit.source_hash != text_hash(entry.id, entry.source)
        if unit.source_hash
        else unit.source != entry.source
    )
    if target == entry.target:
        if source_changed:
            return "unchanged"  # the file's state was about the old source
        return "updated" if _apply_state(entry, unit) else "unchanged"
    edited_in_file = unit.target_hash is None or unit.target_hash != text_hash(entry.id, target)
    if not edited_in_file:
        return "unchanged"  # the catalog moved on since the export; the file is older
    if unit.target_hash is not None and unit.target_hash != text_hash(entry.id, entry.target):
        if target not in entry.suggestions:
            entry.suggestions.append(target)
            return "conflicts"
        return "unchanged"
    origin = f"human (imported from {name})"
    if source_changed:
        entry.set_translation(target, origin=origin, draft=True)
        entry.mark_stale(unit.source)
        return "stale"
    wanted = unit.state
    if wanted in REVIEW_LEVELS and _bound(unit.review, entry, target, wanted):
        entry.set_translation(target, origin=origin, draft=False)
        assert unit.review is not None
        entry.set_review(wanted, unit.review.by, unit.review.at)
    else:
        entry.set_translation(target, origin=origin, draft=not wanted.at_least(State.TRANSLATED))
    return "updated"


def _apply_state(entry: Entry, unit: IncomingUnit) -> bool:
    """Apply a state change the file asks for on an unchanged text; True if anything changed."""
    current = entry.state
    wanted: State | None = unit.state
    if unit.exported_state is not None and unit.state is unit.exported_state:
        wanted = None  # the translator did not touch the state
    if unit.review_implicit and current in REVIEW_LEVELS:
        wanted = None  # a PO entry without a review record says nothing about reviews
    if wanted is None or wanted is current:
        return False
    if wanted in REVIEW_LEVELS:
        if wanted.rank < current.rank:  # approved -> reviewed: the approver did review it
            assert entry.review is not None
            entry.set_review(wanted, entry.review.by, entry.review.at)
            return True
        if _bound(unit.review, entry, entry.target, wanted) and not _rejected_since(
            entry, unit.review
        ):
            assert unit.review is not None
            entry.set_review(wanted, unit.review.by, unit.review.at)
            return True
        if current.at_least(State.TRANSLATED):
            return False  # asked for a review it cannot prove: refused, reported
        wanted = State.TRANSLATED
    if wanted is State.TRANSLATED:
        if current in REVIEW_LEVELS:
            entry.review = None
        else:
            entry.set_translation(entry.target, origin=entry.origin or "human", draft=False)
        return True
    # draft, stale or untranslated asked for a translated text: back to draft
    if current.at_least(State.TRANSLATED):
        entry.set_translation(entry.target, origin=entry.origin or "human", draft=True)
        return True
    return False


def _bound(review: Review | None, entry: Entry, target: str, level: State) -> bool:
    """The file's review record was given for exactly this segment, source and target."""
    return (
        review is not None
        and review.level is level
        and bool(review.by)
        and review.hash == approval_hash(entry.id, entry.source, target)
    )


def _rejected_since(entry: Entry, review: Review | None) -> bool:
    """A reviewer rejected the text after the file's review record: do not undo that."""
    if not entry.rejection or review is None:
        return False
    m = _REJECTED_AT.match(entry.rejection)
    return m is None or m.group(1) >= review.at


def export_release(release: Release, lang: str, fmt: str) -> bytes:
    """The file a translator gets for one release and language.

    Refuses a release whose source changed since the last sync: the
    translator would otherwise translate text that is no longer there.
    """

    code = release.require_target(lang)
    release.synced_document()
    if fmt == "po":
        return po.export(release, code)
    if fmt == "xliff":
        return xliff.write(release, load_catalog(release, code))
    raise UsageError(f"unknown format {fmt!r}; use one of: {', '.join(EXCHANGE_FORMATS)}")
