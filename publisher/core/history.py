"""The release's own record of who changed what, when, and why.

An append-only JSON Lines file in the release folder, so the review record
travels with the release even outside git (a zip sent to another office).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from publisher.core.fsutil import append_lines, read_bytes
from publisher.errors import UsageError


def now_iso() -> str:
    """The current UTC time; `PUBLISHER_NOW` pins it (reproducible tests and demos)."""
    pinned = os.environ.get("PUBLISHER_NOW")
    if pinned:
        return pinned
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def po_date(iso: str) -> str:
    """gettext's header date format (`2026-11-27 09:20+0000`) from an ISO timestamp."""
    try:
        stamp = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    return stamp.strftime("%Y-%m-%d %H:%M%z")


#: The longest name a history record takes for a person.
MAX_NAME_CHARS = 100


def _forbidden_in_name(char: str) -> bool:
    code = ord(char)
    return code < 32 or code == 127 or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069


def person_name(raw: str | None, what: str = "--by") -> str:
    """A person's name as the catalog and history record it: one plain line.

    Line breaks, control and bidirectional-override characters would forge or
    hide records in the PO comments and the history; brackets would break the
    review record `approved by NAME on TIME [HASH]`.
    """
    name = raw or ""
    if any(_forbidden_in_name(c) for c in name):
        raise UsageError(f"{what} must be a plain name, without line breaks or control characters")
    name = " ".join(name.split())
    if not name:
        raise UsageError(f"say who you are with {what} NAME (or set PUBLISHER_REVIEWER)")
    if len(name) > MAX_NAME_CHARS or any(c in name for c in "[]"):
        raise UsageError(
            f"{what} must be a plain name of at most {MAX_NAME_CHARS} characters, without [ ]"
        )
    return name


@dataclass
class Event:
    at: str
    action: str  # import, sync, translate, edit, review, approve, reject, invalidate, stale
    lang: str | None = None
    segment: str | None = None
    before: str | None = None  # state before
    after: str | None = None  # state after
    by: str | None = None
    comment: str | None = None
    detail: str | None = None
    #: The translation an approval or review was given for (so it can be restored later).
    text: str | None = None
    #: The hash an approval record carries in the catalog (binds it to this event).
    seal: str | None = None
    #: How the reviewer of an approval was identified: typed, link or signed
    #: (core/reviewers.py, Evidence); absent on older records: typed.
    evidence: str | None = None
    #: An SSH signature (armored) of the statement of the approvals made in one change
    #: (core/statement.py); every event of that change carries the same one.
    signature: str | None = None
    #: The server's MAC of an approval made through a personal link (core/link_mac.py).
    mac: str | None = None

    def to_json(self) -> str:
        return json.dumps(
            {k: v for k, v in asdict(self).items() if v is not None},
            ensure_ascii=False,
            sort_keys=False,
        )


def append(path: Path, events: list[Event]) -> None:
    append_lines(path, [event.to_json() for event in events])


def read(path: Path) -> list[Event]:
    if not path.exists():
        return []
    return parse(read_bytes(path))


def parse(content: bytes) -> list[Event]:
    """The events of a history file's bytes."""
    events: list[Event] = []
    for line in content.decode("utf-8", "replace").splitlines():
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            events.append(Event(**data))
        except (ValueError, TypeError):
            continue  # a torn last line after a crash is skipped, not fatal
    return events
