"""Review decisions: approve (or mark reviewed) and reject, by a named reviewer.

An approval is bound to the exact source and translation it was given for,
recorded in the catalog and in the release's history. Untranslated and stale
segments cannot be approved.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from publisher.core import history
from publisher.core.catalog import Entry
from publisher.core.history import Event, now_iso
from publisher.core.release import Release
from publisher.core.states import REVIEW_LEVELS, State
from publisher.core.workspace import config_for
from publisher.errors import CatalogError, ReviewRefused, UsageError
from publisher.workflow.session import changing


@dataclass
class ReviewReport:
    changed: list[str]
    unchanged: list[str]
    skipped: dict[str, State]  # segment -> its state, when it cannot take this decision
    #: segments the reviewer last edited themselves, refused under the four-eyes rule
    own_edits: list[str] = field(default_factory=list)


#: History actions that set a translation's text (a person's when `by` is given).
_EDITS = frozenset({"edit", "import", "translate"})


def last_editors(release: Release, lang: str) -> dict[str, str | None]:
    """segment -> who last set its translation (None: a machine or memory draft)."""
    editors: dict[str, str | None] = {}
    for event in history.read(release.history_path):
        if event.lang == lang and event.segment and event.action in _EDITS:
            editors[event.segment] = event.by
    return editors


def four_eyes_applies(release: Release) -> bool:
    """Whether the release's workspace enables `[review] four_eyes`."""
    config = config_for(release.root)
    return config is not None and config.four_eyes


def same_person(a: str | None, b: str | None) -> bool:
    """Two records name the same person (spacing and case aside); a machine is nobody."""
    if not a or not b:
        return False
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def four_eyes_message(segment: str, by: str) -> str:
    return (
        f"{segment} cannot be approved by {by}: {by} made its current translation, and this "
        "workspace requires another person to approve it ([review] four_eyes = true)"
    )


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
                f"cannot approve {listed}: translate it first"
                if level is State.APPROVED
                else f"cannot mark {listed} as reviewed: translate it first"
            )
        report = ReviewReport([], [], dict(refused))
        editors = last_editors(session.release, code) if four_eyes_applies(release) else {}
        own = [e.id for e in targets if e.id not in refused and same_person(editors.get(e.id), by)]
        if own and not all_segments:
            raise ReviewRefused(four_eyes_message(", ".join(own), by))
        report.own_edits = own
        now = now_iso()
        for entry in targets:
            if entry.id in refused or entry.id in own:
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
