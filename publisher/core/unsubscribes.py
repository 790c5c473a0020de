"""The unsubscribe record: addresses never to be mailed again from a list, whatever the list says.

One text file for the workspace, `lists/unsubscribed.txt`, one unsubscribe per
line, appended by `publisher lists unsubscribe NAME ADDRESS` or by the office,
which can paste what the one-click endpoint logged:

    press sok.dara@example.org 2026-12-07T09:12:00Z
    * someone@example.com                      (every list)
    GET /unsubscribe?list=press&email=li.wei%40example.com HTTP/1.1
    # comments and empty lines are ignored

A line is either `LIST ADDRESS [anything]` or any text holding a query string
with `list=` and `email=` (the `[smtp] unsubscribe_url` the messages carry).
The record is the truth, not the lists: a journalist who unsubscribed stays
unsubscribed when the list is edited, exported and imported again, so `send`
skips them and `lists import` leaves them out. A line this module cannot read is
an error with its file:line, and `send` refuses to run until it is fixed: a
record that cannot be read cannot be obeyed. The file is read without following
a link, like the lists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

from publisher.core.fsutil import atomic_write_text, locked
from publisher.core.limits import MAX_LIST_BYTES, read_capped
from publisher.core.medialists import (
    lists_dir,
    normalize_address,
    refuse_linked,
    validate_list_name,
)
from publisher.errors import MediaListError, UsageError

FILENAME = "unsubscribed.txt"
EVERY_LIST = "*"


@dataclass(frozen=True)
class Unsubscribe:
    list_name: str  # or EVERY_LIST
    key: str  # the address, lower case, as Recipient.key
    line: int


@dataclass(frozen=True)
class Record:
    path: Path
    entries: tuple[Unsubscribe, ...]

    def find(self, list_name: str, key: str) -> Unsubscribe | None:
        """The line that unsubscribed `key` from `list_name`, if any."""
        for entry in self.entries:
            if entry.key == key and entry.list_name in (list_name, EVERY_LIST):
                return entry
        return None

    def where(self, entry: Unsubscribe) -> str:
        return f"{self.path.name}:{entry.line}"


def record_path(root: Path) -> Path:
    return lists_dir(root) / FILENAME


def _parse_line(text: str) -> tuple[str, str] | None:
    """(list, address) of one line, or None when it is not an unsubscribe."""
    if "=" in text and ("list=" in text or "email=" in text):
        query = text.split("?", 1)[1] if "?" in text else text
        values = parse_qs(query.split()[0] if query.split() else "", keep_blank_values=True)
        lists, emails = values.get("list", []), values.get("email", [])
        if len(lists) != 1 or len(emails) != 1:
            raise UsageError("a logged line needs one list= and one email=")
        return lists[0], emails[0]
    words = text.split()
    if len(words) < 2:
        raise UsageError("expected `LIST ADDRESS` (or a logged URL with list= and email=)")
    return words[0], words[1]


def read_record(root: Path) -> Record:
    """Every unsubscribe of the workspace; MediaListError at the first unreadable line (with
    how many there are), since a record that cannot be read cannot be obeyed."""
    path = record_path(root)
    refuse_linked(path)
    if not path.exists():
        return Record(path, ())
    data = read_capped(path, MAX_LIST_BYTES, MediaListError, "unsubscribe record")
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise MediaListError("not UTF-8 text", path=path, line=line) from None
    entries: list[Unsubscribe] = []
    problems: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        content = raw.split(" #", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not content:
            continue
        try:
            found = _parse_line(content)
            if found is None:
                continue
            name, address = found
            if name != EVERY_LIST:
                validate_list_name(name)
            entries.append(Unsubscribe(name, normalize_address(address).lower(), number))
        except UsageError as exc:
            problems.append((number, exc.message))
    if problems:
        number, message = problems[0]
        more = f" (and {len(problems) - 1} more bad line(s))" if len(problems) > 1 else ""
        raise MediaListError(message + more, path=path, line=number)
    return Record(path, tuple(entries))


def unsubscribe(root: Path, list_name: str, address: str) -> tuple[str, bool]:
    """Record that `address` unsubscribed from `list_name` (or every list: "*"); the address
    as recorded and whether it was new (False: it was already unsubscribed)."""
    if list_name != EVERY_LIST:
        validate_list_name(list_name)
    key = normalize_address(address).lower()
    path = record_path(root)
    with locked(lists_dir(root) / ".lock", what="the media lists"):
        record = read_record(root)
        if record.find(list_name, key) is not None:
            return key, False
        text = ""
        if path.exists():
            text = read_capped(path, MAX_LIST_BYTES, MediaListError, "unsubscribe record").decode(
                "utf-8"
            )
        if text and not text.endswith("\n"):
            text += "\n"
        stamp = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        lists_dir(root).mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, f"{text}{list_name} {key} {stamp}\n")
    return key, True
