"""Going back to the translation last approved for a segment.

Approval events in the history carry the text they were given for, so the
history alone knows every translation a reviewer ever approved, whatever tool
changed the catalog since. Restoring one is an edit like any other, by the
person who asks for it: it is stored as a human translation (state
`translated`), recorded in the history with the approval it came from, and must
be approved again (under the four-eyes rule, by somebody else), because the
source may have changed since that approval.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from publisher.core import history
from publisher.core.catalog import Entry
from publisher.core.history import Event
from publisher.core.release import Release
from publisher.errors import ReviewRefused
from publisher.workflow.decisions import EDIT_ORIGIN, Shown, check_shown
from publisher.workflow.session import changing, set_translation


@dataclass(frozen=True)
class ApprovedText:
    """A translation as it was approved: the text, who approved it and when."""

    text: str
    by: str | None
    at: str


def approved_texts(events: Iterable[Event], lang: str, segment: str) -> list[ApprovedText]:
    """Every approval of the segment that recorded its text, oldest first."""
    return [
        ApprovedText(event.text, event.by, event.at)
        for event in events
        if event.action == "approve"
        and event.lang == lang
        and event.segment == segment
        and event.text is not None
        and event.text.strip()
    ]


def previous_approved(
    events: Iterable[Event], lang: str, segment: str, current: str
) -> ApprovedText | None:
    """The latest approved text of the segment that differs from its current translation."""
    for approved in reversed(approved_texts(events, lang, segment)):
        if approved.text != current:
            return approved
    return None


def revert_to_approved(
    release: Release, lang: str, segment: str, *, by: str, shown: Shown | None = None
) -> Entry:
    """Store the segment's previous approved translation as `by`'s edit.

    `shown` holds the reviewer to what they saw, as every review decision does.
    """
    code = release.require_target(lang)
    with changing(release) as session:
        entry = session.catalog(code).get(segment)
        if shown is not None:
            check_shown(entry, shown, agrees=False)
        found = previous_approved(
            history.read(session.release.history_path), code, segment, entry.target
        )
        if found is None:
            raise ReviewRefused(
                f"{segment} has no approved translation other than its current one to go back to"
            )
        note = f"back to the translation approved by {found.by or 'nobody named'} on {found.at}"
        set_translation(
            session,
            code,
            segment,
            found.text,
            origin=EDIT_ORIGIN,
            draft=False,
            by=by,
            comment=note,
        )
        return session.catalog(code).get(segment)
