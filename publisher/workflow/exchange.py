"""Exchanging a release with translators' tools: `publisher export` and `publisher import`.

The file formats live in publisher/interchange/ (codecs only); here is what an
export contains and what an import may change.

An import applies what the translator *changed* and nothing else:

* A file with far more entries than its release has segments is refused before
  it is parsed (a quick scan of its bytes counts them); the parse itself takes
  time in proportion to the file's size.
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
* An import never raises a segment to reviewed or approved: approvals come
  only from `publisher approve`, `review` and the web review, recorded in the
  release's history. A review the file claims is accepted only where it is
  identical to the approval the workspace holds for the same text (a round
  trip: nothing changes); every other claim is dropped and named in the
  report. A reviewed or approved segment whose target the file changes, or
  whose state the file lowers, loses its approval, and the report says so.
* A translator's note the file adds to a segment (a PO comment, an XLIFF
  <note>: a doubt about the source for the press officer) is added to the
  catalog and recorded in the history; a note missing from the file is kept (a
  doubt is never lost because a tool dropped it), and no note can forge a
  review record.
* A round trip with no edits changes nothing: no catalog bytes, no history.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from publisher.core import languages
from publisher.core.approvals import load_catalog
from publisher.core.catalog import Entry
from publisher.core.history import Event, now_iso
from publisher.core.limits import MAX_IMPORT_BYTES, check_segment_length, read_capped
from publisher.core.release import Release, find_release
from publisher.core.segments import SegmentMap
from publisher.core.states import REVIEW_LEVELS, State
from publisher.core.text import clean_text
from publisher.core.wording import counted
from publisher.core.workspace import Workspace
from publisher.errors import InterchangeError, PublisherError, UsageError
from publisher.interchange import EXCHANGE_FORMATS, po, xliff
from publisher.interchange.model import Declared, IncomingFile, IncomingUnit, text_hash
from publisher.workflow.session import Session, changing


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
    notes: list[str] = field(default_factory=list)  # what the reader accepted with a remark
    noted: list[str] = field(default_factory=list)  # segments given a new translator's note
    #: How messages name the release (number and short title) and how hints do (its
    #: number, else its slug); the slug when not given.
    label: str = ""
    short_name: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.updated or self.stale or self.conflicts or self.noted)

    @property
    def name(self) -> str:
        return self.short_name or self.release

    def summary(self) -> str:
        parts = [f"{len(self.updated)} updated", f"{len(self.unchanged)} unchanged"]
        if self.noted:
            parts.append(f"{len(self.noted)} with new translator notes ({', '.join(self.noted)})")
        if self.stale:
            parts.append(f"{len(self.stale)} became stale ({', '.join(self.stale)})")
        if self.approvals_dropped:
            dropped = self.approvals_dropped
            parts.append(f"{counted(len(dropped), 'approval')} dropped ({', '.join(dropped)})")
        if self.not_granted:
            parts.append(
                f"{counted(len(self.not_granted), 'approval claim')} dropped (a file cannot "
                f"approve: use publisher approve, review or the web review) "
                f"({', '.join(self.not_granted)})"
            )
        if self.conflicts:
            listed = ", ".join(self.conflicts)
            conflicts = (
                "1 conflict" if len(self.conflicts) == 1 else f"{len(self.conflicts)} conflicts"
            )
            parts.append(
                f"{conflicts} ({listed}): the catalog kept its newer text and the file's text is "
                f"a suggestion in releases/{self.release}/translations/{self.lang}.po; "
                f"see them with `publisher suggestions list {self.name} --lang {self.lang}`, "
                f"take one with `publisher suggestions accept {self.name} --lang {self.lang} "
                f"--segment {self.conflicts[0]}` or drop it with `publisher suggestions drop ...`"
            )
        return ", ".join(parts)


#: How many entries more than its release's segments a file may hold before it is refused
#: unparsed: `SLACK_FACTOR` times the segments plus `SLACK`. A file with more entries than
#: segments is refused by the parse anyway (an unknown id, a duplicate); a file far beyond
#: is refused before it is parsed, so that its size cannot make the parse the attack.
SLACK_FACTOR = 2
SLACK = 100


def read_file(ws: Workspace, path: Path) -> list[IncomingFile]:
    """Parse an exchange file, choosing the reader by extension, then by content.

    Each release the file names is looked at before the parse: a file with far more
    entries than the release has segments is refused at once (see `SLACK_FACTOR`).
    """
    data = read_capped(path, MAX_IMPORT_BYTES, InterchangeError, "file")
    suffix = path.suffix.lower()
    is_xliff = suffix in (".xlf", ".xliff", ".xml") or (
        suffix not in (".po", ".pot") and xliff.looks_like_xliff(data)
    )
    for declared in xliff.declared(data) if is_xliff else po.declared(data):
        _refuse_oversized(ws, path, declared)
    return xliff.read(data, path) if is_xliff else po.read(data, path)


def _refuse_oversized(ws: Workspace, path: Path, declared: Declared) -> None:
    """Refuse a file that holds far more entries than its release has segments."""
    try:
        release = find_release(ws.releases_dir, declared.release)
        lang = languages.canonical(declared.lang)
        segments = len(SegmentMap.load(release.segments_path).segments)
    except PublisherError:
        return  # the parse names what is wrong with the release or language
    if declared.count > SLACK_FACTOR * segments + SLACK:
        raise InterchangeError(
            f"the file has {declared.count:,} {declared.what} but {release.slug} has "
            f"{segments:,} segments in {lang}; was it exported from another release?",
            path=path,
        )


def import_file(
    ws: Workspace,
    path: Path,
    *,
    by: str,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[ImportReport]:
    """Apply a translator's PO or XLIFF file; all or nothing. `progress(stage, done,
    total)`: a reporter (the CLI's progress bar), told of each language applied."""
    files = read_file(ws, path)
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
            if progress is not None:
                progress("importing", len(reports), len(files))
    return reports


def _resolve(ws: Workspace, incoming: IncomingFile) -> Release:
    try:
        # The file names its release by slug, as `export` wrote it: exactly, never by a
        # prefix or number that could now mean another release.
        release = find_release(ws.releases_dir, incoming.release, exact=True)
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
    report = ImportReport(
        incoming.release,
        incoming.lang,
        name,
        notes=list(incoming.notes),
        label=session.release.label,
        short_name=session.release.short_name,
    )
    now = now_iso()
    for unit in incoming.units:
        entry = catalog.entries[unit.id]
        before, held = entry.state, entry.target
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
        added = _add_notes(entry, unit)
        if added:
            report.noted.append(unit.id)
            session.events.append(
                Event(now, "note", incoming.lang, unit.id, None, None, by, "\n".join(added), name)
            )
        if before in REVIEW_LEVELS and not after.at_least(before):
            report.approvals_dropped.append(unit.id)
        # A review the file claims and the import does not hold is named, whatever the
        # format. The export metadata that says "approved at export" is the file's word
        # too, so a state left as exported is a claim while the text is the one the
        # workspace holds; with a new text, the old state is the tool's leftover.
        asked = (
            unit.exported_state is None
            or unit.state is not unit.exported_state
            or held == clean_text(unit.target)
        )
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
    """Change `entry` as the file asks; the name of the report list it belongs in.

    A file never grants a review: a changed text is stored as translated (or
    draft), whatever review the file claims for it.
    """
    target = clean_text(unit.target)  # as it would be stored: a removed control is no edit
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
    entry.set_translation(target, origin=origin, draft=not unit.state.at_least(State.TRANSLATED))
    return "updated"


def _add_notes(entry: Entry, unit: IncomingUnit) -> list[str]:
    """The file's notes the catalog does not hold yet, added to `entry` (none removed).

    PO tools re-wrap long comments, so a line whose words the catalog's notes already
    hold, in that order, is one of them, not a new note.
    """
    held = f" {' '.join(' '.join(entry.notes).split())} "
    added = [
        note for note in dict.fromkeys(unit.notes) if f" {' '.join(note.split())} " not in held
    ]
    for note in added:
        check_segment_length(note, InterchangeError, f"the note on {entry.id}")
    entry.notes.extend(added)
    return added


def _apply_state(entry: Entry, unit: IncomingUnit) -> bool:
    """Apply a state change the file asks for on an unchanged text; True if anything changed.

    A review the file claims is never granted (only the approving commands approve):
    a claim identical to what the workspace holds changes nothing, any other is
    dropped and reported. Lowering a state is honoured (a less reviewed state is
    always safe), and lowering a review drops it.
    """
    current = entry.state
    wanted: State | None = unit.state
    if unit.exported_state is not None and unit.state is unit.exported_state:
        wanted = None  # the translator did not touch the state
    if unit.review_implicit and current in REVIEW_LEVELS:
        wanted = None  # a PO entry without a review record says nothing about reviews
    if wanted is None or wanted is current:
        return False
    if wanted in REVIEW_LEVELS:
        if current in REVIEW_LEVELS and wanted.rank < current.rank:
            entry.review = None  # approved -> reviewed in a tool: no longer final
            return True
        return False  # a review claim: dropped, reported by the caller
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
