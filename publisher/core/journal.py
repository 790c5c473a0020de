"""All or nothing for a change that touches several files of a release.

A change (a sync writes segments.json and every catalog; an import several
catalogs; each appends to history.jsonl) is written in three steps:

1. prepare: every new file's bytes go into `<release>/.journal/` (fsync'd),
   then `manifest.json` names them and the history lines to append, and is
   written last, atomically: until it exists nothing has happened;
2. apply: each prepared file replaces its target (rename), the files the change
   deletes are deleted, then the history lines are appended (once: the manifest
   records the log's size before);
3. the journal is removed.

A crash before the manifest leaves the old files, and a stray `.journal/`
that is rolled back (deleted). A crash after it leaves a change that can be
finished exactly: `recover` rolls it forward. Commands that change a release
recover first, under the release's lock; commands that only read refuse a
release with an unfinished change (`UnfinishedChange`) and name `publisher
fsck`, so status, build and export never see half of one.

`PUBLISHER_CRASH_AT=<point>` kills the process at a named point of the
protocol (`prepared`, `manifest`, `applying`, `applied`, `logged`; `new`, which
assembles a hidden folder and renames it into place instead, has `numbered`
and `staged`): the crash tests use it to land a SIGKILL exactly between two
steps.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publisher.core.fsutil import append_lines, atomic_write_bytes, fsync_dir, refuse_symlink
from publisher.errors import ReleaseError, UnfinishedChange

JOURNAL = ".journal"
MANIFEST = "manifest.json"


@dataclass
class Change:
    """The files a change writes (path relative to the release -> bytes) and its log lines."""

    files: dict[str, bytes] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)
    what: str = "change"
    #: Files the change deletes (a photo removed), relative to the release.
    removed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.files and not self.log and not self.removed


def crash_point(name: str) -> None:
    """Kill this process here if the crash tests asked for it (see the module docstring)."""
    if os.environ.get("PUBLISHER_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


def write(root: Path, change: Change, log_name: str = "history.jsonl") -> None:
    """Write `change` into the release folder `root`: all of it, or (after a crash) none of it
    until `recover` finishes it. The caller holds the release's lock."""
    if change.empty:
        return
    for rel in [*change.files, *change.removed, log_name]:
        refuse_symlink(root / rel)
    journal = root / JOURNAL
    refuse_symlink(journal)
    if journal.exists():
        shutil.rmtree(journal)
    journal.mkdir()
    try:
        manifest = _prepare(root, journal, change, log_name)
    except BaseException:
        # Nothing was committed: the release stays exactly as it was.
        shutil.rmtree(journal, ignore_errors=True)
        raise
    crash_point("manifest")
    _apply(root, manifest)
    shutil.rmtree(journal)
    fsync_dir(root)


def _prepare(root: Path, journal: Path, change: Change, log_name: str) -> dict[str, Any]:
    """Stage every new file, then write the manifest last (the commit point)."""
    entries = []
    for number, (rel, data) in enumerate(sorted(change.files.items())):
        staged = journal / f"{number}.new"
        atomic_write_bytes(staged, data)
        entries.append(
            {"target": rel, "staged": staged.name, "sha256": hashlib.sha256(data).hexdigest()}
        )
    crash_point("prepared")
    log = root / log_name
    manifest: dict[str, Any] = {
        "what": change.what,
        "files": entries,
        "removed": sorted(change.removed),
        "log": {"name": log_name, "size_before": _size(log), "lines": change.log},
    }
    atomic_write_bytes(journal / MANIFEST, json.dumps(manifest, ensure_ascii=False).encode())
    return manifest


def _apply(root: Path, manifest: dict[str, Any]) -> None:
    journal = root / JOURNAL
    for index, entry in enumerate(manifest["files"]):
        staged = journal / entry["staged"]
        target = root / entry["target"]
        if staged.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)
            fsync_dir(target.parent)
        if index == 0:
            crash_point("applying")
    for rel in manifest.get("removed", []):
        target = root / rel
        if target.is_file() and not target.is_symlink():
            target.unlink()
            fsync_dir(target.parent)
    crash_point("applied")
    log = manifest["log"]
    path = root / log["name"]
    if _size(path) == log["size_before"]:
        append_lines(path, list(log["lines"]))
    crash_point("logged")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def state(root: Path) -> str | None:
    """ "unfinished" (a committed change to finish), "abandoned" (to delete), or None."""
    journal = root / JOURNAL
    if (journal / MANIFEST).is_file():
        return "unfinished"
    if journal.exists():
        return "abandoned"
    return None


def recover(root: Path) -> str | None:
    """Finish or drop an interrupted change (the caller holds the lock); what was done."""
    found = state(root)
    journal = root / JOURNAL
    if found == "unfinished":
        try:
            manifest = json.loads((journal / MANIFEST).read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise ReleaseError(
                f"the journal of an interrupted change is unreadable: {exc}",
                path=journal / MANIFEST,
            ) from None
        _apply(root, manifest)
        shutil.rmtree(journal)
        fsync_dir(root)
        return f"finished an interrupted {manifest.get('what', 'change')}"
    if found == "abandoned":
        shutil.rmtree(journal)
        return "removed an interrupted change that had not been committed (nothing to undo)"
    return None


def refuse_unfinished(root: Path) -> None:
    """For readers: a release whose last change was interrupted cannot be read consistently."""
    if state(root) == "unfinished":
        raise UnfinishedChange(
            f"an interrupted change to release {root.name} was not finished; run "
            f"`publisher fsck {root.name}` (or any command that changes it) to finish it",
            path=root,
        )
