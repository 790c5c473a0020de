"""A no-op `publisher site` answered from one record, as make and ninja answer a no-op
from timestamps: the whole-tree short-circuit in front of the per-release engine.

Invariant: the record answers only when nothing the site build could read or wrote
differs from when a clean build left it, so its answer ("nothing to write") is the one
the full build would give. Compared, entry by entry by `lstat` (path, kind, size,
mtime, ctime, inode): every file of the workspace but the hidden ones at its top (.git,
.venv) and the output and cache folders (a release's journal counts: an unfinished
change must reach the engine, which refuses to build over it), the package's code,
templates and labels, the folders of the installed libraries (pip changes them), plus
the fonts' fingerprint and the command's options; a symbolic link anywhere among them
makes it answer nothing. The output folder is compared as the full build compares it:
every file the build wrote or found up to date (its `OutputState`: path, key, size,
mtime), each `stat`ed, so that the build's end needs no second walk of its thousands of
files (a file the site never wrote is no concern of either).

Recorded only after a build that nothing failed in (a broken or failed release makes the
command exit 1: it runs in full until mended), without `--now` or `--force` (a build at
a time the user chose). The warnings and refused languages it printed are kept and
printed again. The embargo is the only input that is a time, not a file: a build that
held releases back is answered only before the earliest of their embargoes lifts (judged
at the answering command's own time), as passing time can only lift an embargo, never
set one; from that moment the next run builds in full and publishes the lifted release.
Not recorded either when an input changed within `RACY_NS` before the build started (a
second edit in the same clock tick would keep its stat: git's "racily clean" case); the
next no-op then records it. The inputs are recorded as they were stamped before the
build: one changed while the build ran differs from that stamp, and the next run builds.
The outputs have no such window (they were all written just now): an edit of an output
file that keeps its size within the clock tick of our own write (a few milliseconds)
would go unseen, as it would by the engine's own `OutputState`. Losing the record (the
cache deleted) costs one full no-op. The same walk stamps each release folder on its own
(`SiteMemo.releases`): when the record does not answer, the build that follows takes
those stamps for its index (publishing/site_index.py) instead of walking the releases
again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import stat
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publisher.core.fsutil import atomic_write_text
from publisher.core.workspace import Workspace
from publisher.publishing.cache import CACHE_DIRNAME, Cache, OutputState
from publisher.publishing.fingerprint import PACKAGE_ROOT, RACY_NS, digest
from publisher.render import fonts

FORMAT = 3


@dataclass(frozen=True)
class TreeStamp:
    """One folder tree by `lstat`: a digest of every entry, and its newest change."""

    digest: str
    newest_ns: int


@dataclass(frozen=True)
class NoOpAnswer:
    """What a no-op site build reports: its releases, files and cached outputs, what it
    warned about and refused, and the releases it held back and when the first lifts."""

    releases: int
    files: int
    totals: dict[str, int]
    warnings: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    held: int = 0
    next_lift: dt.datetime | None = None
    #: the summary line ("Rendered nothing; 600 PDFs ... came from the cache.")
    summary: str = ""


def tree_stamp(
    root: Path,
    *,
    skip: frozenset[str] = frozenset(),
    hidden: bool = True,
    split: str | None = None,
    parts: dict[str, TreeStamp] | None = None,
) -> TreeStamp | None:
    """The stamp of everything under `root`; None when a symbolic link is in it.

    `skip`: paths (absolute) not to enter; `hidden`: whether to include the hidden names
    at the top (a workspace's .git, .venv, its cache; deeper ones, a release's journal,
    always count). `split`, `parts`: each folder inside the folder `split` (absolute: the
    releases) is stamped on its own, its stamp kept in `parts` by name and counted in the
    whole (the site index takes them: publishing/site_index.py)."""
    h = hashlib.sha256()
    newest = 0
    top = str(root)
    pending = [top]
    base = len(top)
    is_link, is_folder = stat.S_ISLNK, stat.S_ISDIR
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=_name)
        except FileNotFoundError:
            h.update(f"missing {folder[base:]}\n".encode())
            continue
        # one line per entry, hashed once per folder: 20,000 entries of an archive of
        # 2,000 releases are walked by every `publisher site`
        lines = []
        for entry in entries:
            name = entry.name
            if name == "__pycache__" or (not hidden and folder == top and name[0] == "."):
                continue
            path = entry.path
            if path in skip:
                continue
            st = entry.stat(follow_symlinks=False)
            mode = st.st_mode
            if is_link(mode):
                return None
            mtime, ctime = st.st_mtime_ns, st.st_ctime_ns
            if is_folder(mode):
                lines.append(f"{path[base:]}\0d\0{mtime}\0{ctime}\0{st.st_ino}\n")
                if parts is not None and folder == split:
                    h.update("".join(lines).encode("utf-8", "surrogateescape"))
                    lines = []
                    part = tree_stamp(Path(path))
                    if part is None:
                        return None
                    parts[name] = part
                    h.update(part.digest.encode())
                    newest = max(newest, part.newest_ns)
                else:
                    pending.append(path)
            else:
                lines.append(f"{path[base:]}\0f\0{st.st_size}\0{mtime}\0{ctime}\0{st.st_ino}\n")
            if mtime > newest or ctime > newest:
                newest = max(mtime, ctime)
        h.update("".join(lines).encode("utf-8", "surrogateescape"))
    return TreeStamp(h.hexdigest(), newest)


class SiteMemo:
    """The record of the last clean `publisher site` into one output folder."""

    def __init__(self, ws: Workspace, out_dir: Path, options: Mapping[str, Any]) -> None:
        self.ws = ws
        self.out_dir = out_dir
        self.options = dict(options)
        self.root = ws.root.resolve()
        cache = self.root / CACHE_DIRNAME
        self.path = Cache(cache).root / "site-memo" / f"{digest(str(out_dir))[:24]}.json"
        self._skip = frozenset({str(cache), str(out_dir.resolve())})
        self._before: TreeStamp | None = None
        self._started = 0
        #: each release folder's stamp, from the last walk of the inputs (by slug)
        self.releases: dict[str, TreeStamp] = {}
        #: after `answer`: the release folders whose stamp differs from the record's, or
        #: None when there is no record to compare with (see `renders_expected`)
        self.changed: set[str] | None = None

    def answer(self, now: dt.datetime) -> NoOpAnswer | None:
        """The no-op report, if nothing changed since the record and no embargo it held
        back has lifted by `now`; else None.

        Stamps the inputs first, as the build that follows a miss begins (see `record`):
        a changed input is found without walking the output folder."""
        self._started = time.time_ns()
        self._before = inputs = self._inputs()
        self.changed = None
        try:
            record = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or record.get("format") != FORMAT:
            return None
        context = record.get("context") == self._context()
        stamps = record.get("release_stamps")
        if isinstance(stamps, dict) and context:
            self.changed = {
                slug
                for slug, stamp in self.releases.items()
                if stamps.get(slug) != _short(stamp.digest)
            }
        if inputs is None or record.get("inputs") != inputs.digest:
            return None
        if not context:
            return None
        state = OutputState(Cache(self.root / CACHE_DIRNAME), self.out_dir)
        if record.get("outputs") != state.stamp() or not state.on_disk():
            return None
        try:
            lift = record["next_lift"]
            answer = NoOpAnswer(
                int(record["releases"]),
                int(record["files"]),
                dict(record["totals"]),
                tuple(str(w) for w in record["warnings"]),
                tuple(str(s) for s in record["skipped"]),
                int(record["held"]),
                dt.datetime.fromisoformat(lift) if lift is not None else None,
                str(record["summary"]),
            )
        except (KeyError, TypeError, ValueError):
            return None
        if answer.held and (answer.next_lift is None or answer.next_lift.tzinfo is None):
            return None
        if answer.next_lift is not None and now >= answer.next_lift:
            return None  # an embargo has lifted since: the release must be published now
        return answer

    def record(self, answer: NoOpAnswer, outputs: str) -> bool:
        """Keep the answer for the next no-op, unless an input changed just before the
        build; True when kept. Write errors only cost the record.

        The inputs recorded are the stamps `answer` took before the build read anything,
        not a second walk after it: an input changed while the build ran has another
        stamp by then (a new mtime and ctime, more than `RACY_NS` after the old ones, which
        the racy rule checked), so the next run finds it changed and builds, as it must.
        """
        before = self._before
        if before is None:
            return False
        if self._started - before.newest_ns <= RACY_NS:
            return False
        record = {
            "format": FORMAT,
            "inputs": before.digest,
            "release_stamps": {slug: _short(stamp.digest) for slug, stamp in self.releases.items()},
            "outputs": outputs,
            "context": self._context(),
            "releases": answer.releases,
            "files": answer.files,
            "totals": answer.totals,
            "warnings": list(answer.warnings),
            "skipped": list(answer.skipped),
            "held": answer.held,
            "next_lift": answer.next_lift.isoformat() if answer.next_lift else None,
            "summary": answer.summary,
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.path, json.dumps(record, sort_keys=True))
        except OSError:
            return False
        return True

    def renders_expected(self) -> bool:
        """Whether the build that follows a miss will likely render PDFs: a release folder
        changed since the record (or there is no record to tell). A hint for starting the
        workers early, never a decision: the engine renders exactly what its keys miss."""
        return self.changed is None or bool(self.changed)

    def forget(self) -> None:
        """Drop the record (a build that was not clean must run in full next time)."""
        with contextlib.suppress(OSError):
            self.path.unlink()

    def _inputs(self) -> TreeStamp | None:
        self.releases = {}
        workspace = tree_stamp(
            self.root,
            skip=self._skip,
            hidden=False,
            split=str(self.ws.releases_dir.resolve()),
            parts=self.releases,
        )
        package = tree_stamp(PACKAGE_ROOT)
        if workspace is None or package is None:
            return None
        return TreeStamp(
            digest(workspace.digest, package.digest),
            max(workspace.newest_ns, package.newest_ns),
        )

    def _context(self) -> str:
        """What is not a file of the tree: options, fonts, Python and its libraries."""
        libraries = []
        for entry in sys.path:
            try:
                st = os.stat(entry or ".")
            except OSError:
                continue
            libraries.append([entry, st.st_mtime_ns, st.st_ino])
        return digest(self.options, str(self.out_dir), fonts.fingerprint(), sys.version, libraries)


def _short(digest: str) -> str:
    """A release's stamp as the record keeps it: enough to tell a change, for a hint."""
    return digest[:16]


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name
