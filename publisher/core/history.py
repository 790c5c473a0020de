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

from publisher.core.fsutil import append_lines


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
    events: list[Event] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            events.append(Event(**data))
        except (ValueError, TypeError):
            continue  # a torn last line after a crash is skipped, not fatal
    return events
