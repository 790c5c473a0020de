"""Review decisions: approve (or mark reviewed) and reject, by a named reviewer.

An approval is bound to the exact source and translation it was given for,
recorded in the catalog and in the release's history. Untranslated and stale
segments cannot be approved.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from publisher.core.catalog import Entry
from publisher.core.history import Event, now_iso
from publisher.core.release import Release
from publisher.core.states import REVIEW_LEVELS, State
from publisher.errors import CatalogError, UsageError
from publisher.workflow.session import changing


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
                f"cannot approve {listed}: translate it first"
                if level is State.APPROVED
                else f"cannot mark {listed} as reviewed: translate it first"
            )
        report = ReviewReport([], [], dict(refused))
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
