"""What a reviewer's SSH signature covers: the statement of the approvals of one change.

One `publisher approve` (or one decision of `publisher review`) records its
approvals in the release's history, each event bound to the exact source and
translation by its seal (the approval hash). The reviewer signs one statement
listing them all, and every event carries that signature, so that anyone can
rebuild the statement from the history alone and check it: change any field
of any event (the text's seal, the segment, the time, the name, the release)
or drop one event of the change, and the signature no longer matches.
"""

from __future__ import annotations

from collections.abc import Iterable

from publisher.core.history import Event

#: Actions whose events are approvals (the decisions a signature covers).
APPROVAL_ACTIONS = frozenset({"approve", "review"})
HEADER = "publisher-approval v1"


def signable(event: Event) -> bool:
    return bool(
        event.action in APPROVAL_ACTIONS
        and event.lang
        and event.segment
        and event.seal
        and event.by
    )


def statement(release: str, events: Iterable[Event]) -> bytes:
    """The text signed for `events` (approvals of one change) of the release `release`."""
    lines = [HEADER, f"release {release}"]
    for event in events:
        lines.append(
            " ".join(
                [
                    event.action,
                    event.lang or "",
                    event.segment or "",
                    event.seal or "",
                    event.at,
                    f"by {event.by or ''}",
                ]
            )
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def signed_groups(events: Iterable[Event]) -> dict[str, list[Event]]:
    """signature -> the events that carry it, in history order."""
    groups: dict[str, list[Event]] = {}
    for event in events:
        if event.signature:
            groups.setdefault(event.signature, []).append(event)
    return groups
