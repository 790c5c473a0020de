"""The send log of a release: who was sent what, so that nobody gets it twice.

`releases/<slug>/sends.jsonl`, append-only, one JSON object per line, each line
written whole (one `write(2)`) at three moments of every message:

    attempt   before anything goes to the server: address, languages, edition,
              Message-ID, list, run, time
    commit    the message is on the server but for its final "." (see
              publisher.mail.transport): from here on it may be delivered
    result    the server's answer: sent (2xx), failed (5xx), deferred (4xx after
              every retry) or unknown (no answer after the final "."), with the
              SMTP code and reply

What a recipient's lines mean for the next `publisher send`:

* a `sent` result of this edition: done, never sent again;
* an attempt without a commit: nothing reached the server; sent again;
* a commit without a result, or an `unknown` result: the server may have
  delivered it. Not sent again unless asked (`--resend-unconfirmed`): a
  journalist who gets a release twice is worse than one who gets it a few
  minutes late after a human has checked the server's log;
* `failed` or `deferred`: tried again;
* anything of an older edition (the release changed since): a new send needs
  `--resend`, and the command names who had the old one.

Only the commit line is fsynced (see `write`). The log holds e-mail addresses
and the server's replies, nothing else: no password, no message body. Test
copies (`--test-to`) are logged as `test` and never count as a recipient's copy.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publisher.core.fsutil import append_lines
from publisher.errors import SendRefused

SENDLOG_NAME = "sends.jsonl"
LOCK_NAME = ".send.lock"

ATTEMPT, COMMIT, RESULT, TEST = "attempt", "commit", "result", "test"

#: What the log says of one recipient for one edition.
DONE, UNCONFIRMED, RETRY, NEW = "done", "unconfirmed", "retry", "new"


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Delivery:
    """One message to one address, assembled from its log lines."""

    address: str
    message_id: str
    edition: str
    langs: list[str]
    list_name: str
    time: str
    committed: bool = False
    status: str | None = None  # the result's status, None while there is none
    code: int | None = None
    reply: str = ""

    @property
    def delivered(self) -> bool:
        return self.status == "sent"

    @property
    def uncertain(self) -> bool:
        """Handed over (its final "." sent) with no answer: it may have been delivered."""
        return self.status == "unknown" or (self.committed and self.status is None)


@dataclass
class Standing:
    """Everything the log knows of one address, for the edition being sent."""

    state: str
    deliveries: list[Delivery] = field(default_factory=list)
    #: Confirmed or uncertain deliveries of another edition.
    older: list[Delivery] = field(default_factory=list)


class SendLog:
    def __init__(self, release_root: Path) -> None:
        self.path = release_root / SENDLOG_NAME
        self.lock_path = release_root / LOCK_NAME

    # ------------------------------------------------------------------ reading

    def entries(self) -> list[dict[str, Any]]:
        """Every well-formed line (a line that is not JSON, e.g. a hand edit, is skipped)."""
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return []
        out = []
        for line in text.splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and isinstance(entry.get("event"), str):
                out.append(entry)
        return out

    def deliveries(self) -> dict[str, Delivery]:
        """Message-ID -> its delivery, from the attempt, commit and result lines."""
        found: dict[str, Delivery] = {}
        for entry in self.entries():
            event = entry["event"]
            msgid = str(entry.get("message_id", ""))
            if event == ATTEMPT:
                found[msgid] = Delivery(
                    str(entry.get("address", "")).lower(),
                    msgid,
                    str(entry.get("edition", "")),
                    list(entry.get("langs", [])),
                    str(entry.get("list", "")),
                    str(entry.get("time", "")),
                )
            elif event == COMMIT and msgid in found:
                found[msgid].committed = True
            elif event == RESULT and msgid in found:
                found[msgid].status = str(entry.get("status"))
                found[msgid].code = entry.get("code")
                found[msgid].reply = str(entry.get("reply", ""))
        return found

    def standings(self, editions: dict[str, str]) -> dict[str, Standing]:
        """address -> its standing, for `editions` (address -> the edition it would get now)."""
        by_address: dict[str, list[Delivery]] = {}
        for delivery in self.deliveries().values():
            by_address.setdefault(delivery.address, []).append(delivery)
        out: dict[str, Standing] = {}
        for address, edition in editions.items():
            mine = by_address.get(address, [])
            current = [d for d in mine if d.edition == edition]
            older = [d for d in mine if d.edition != edition and (d.delivered or d.uncertain)]
            if any(d.delivered for d in current):
                state = DONE
            elif any(d.uncertain for d in current):
                state = UNCONFIRMED
            elif current:
                state = RETRY
            else:
                state = NEW
            out[address] = Standing(state, current, older)
        return out

    # ------------------------------------------------------------------ writing

    def write(self, event: str, **fields: Any) -> None:
        """Append one line in one `write(2)` (a kill keeps all of it or none).

        Only the commit line is fsynced before the message's final "." goes out: it is
        the one a power cut must not lose (without it, a delivered message would look
        undelivered and be sent again). A lost attempt or result line errs the safe way:
        no attempt means nothing was handed over; a commit without its result holds the
        recipient back. One fsync per message instead of three.
        """
        line = json.dumps(
            {"event": event, "time": now(), **fields}, ensure_ascii=False, sort_keys=True
        )
        if event == COMMIT:
            append_lines(self.path, [line])
            return
        data = (line + "\n").encode("utf-8")
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Only one `send` of a release at a time: a second one is refused, not queued."""
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                raise SendRefused(
                    "another `publisher send` of this release is running; wait for it to "
                    "finish (two at once could mail someone twice)",
                    path=self.lock_path,
                ) from None
            yield
        finally:
            os.close(fd)
