"""A content-addressed store of build-step results in `<workspace>/.publisher-cache/`.

Each entry is a folder named by the step's key, holding the step's files and a
`meta.json`. An entry is written in a temporary folder and renamed into place,
so a crash or an interrupted build never leaves a half entry that a later build
would trust; two builds racing for the same key both produce the same bytes and
the second rename simply loses.

The output folders (`dist/`, `site/`) are copies: editing or deleting a file
there is repaired by the next build, and the cache itself can be deleted at any
time (everything is rendered again).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from publisher.core import jsonbytes
from publisher.core.fsutil import atomic_write_bytes
from publisher.publishing.fingerprint import digest

CACHE_DIRNAME = ".publisher-cache"
LAYOUT = "v1"


#: Parts of a meta the index leaves out: read from the entry when wanted (a plan's views,
#: what listings show, are most of its size and only listings that change need them).
HEAVY = frozenset({"views"})
#: Entries the index of metas keeps at most (a few hundred bytes each): beyond it, only
#: those the last build used.
INDEX_LIMIT = 200_000


#: Lookups an indexed cache answers from the entries' own files before it reads its index:
#: a build after one change (the site index answers for the other releases) asks for a
#: dozen entries, which cost less than reading and rewriting the index of thousands.
LAZY_GETS = 64


class Cache:
    """`indexed`: the metas of the entries the last builds used are kept in one file too
    (`index.json`), read once a build has asked for more than `LAZY_GETS` entries: a
    no-op build of thousands of releases then opens one file instead of one per step
    (tens of thousands)."""

    def __init__(self, root: Path, *, indexed: bool = False) -> None:
        self.root = root / LAYOUT
        self._steps = str(self.root / "steps")
        self._index: dict[str, dict[str, Any]] | None = None
        self._used: set[str] = set()
        self._index_changed = False
        #: Folders of entries (steps/00 .. steps/ff) unchanged since the index was written:
        #: their entries are all still there, no need to look for each.
        self._intact: set[str] = set()
        #: Entries seen on disk by this build (the others are kept only in intact folders).
        self._verified: set[str] = set()
        self._indexed = indexed
        self._gets = 0

    def _load_index(self) -> None:
        try:
            loaded = jsonbytes.loads((self.root / "index.json").read_bytes())
            self._index = dict(loaded["metas"])
            stamps: dict[str, list[int]] = loaded["folders"]
        except (OSError, ValueError, KeyError, TypeError):
            self._index, stamps = {}, {}
        self._intact = {
            name for name, stamp in stamps.items() if _folder_stamp(self._steps, name) == stamp
        }

    def entry(self, key: str) -> Path:
        return Path(self._entry(key))

    def _entry(self, key: str) -> str:
        # strings, not Path joins: a no-op build over thousands of releases asks this
        # tens of thousands of times
        return f"{self._steps}/{key[:2]}/{key}"

    def get(self, key: str, *, full: bool = False) -> dict[str, Any] | None:
        """The meta.json of a finished entry, or None (a miss). From the index, without its
        bulky parts (HEAVY), unless `full`."""
        if self._indexed and self._index is None and not full:
            self._gets += 1
            if self._gets > LAZY_GETS:
                self._load_index()
        if self._index is not None and not full:
            self._used.add(key)
            known = self._index.get(key)
            # the entry must still be there (a cache cleaned by hand): certain when its
            # folder did not change since the index was written, else one stat
            if known is not None:
                if key[:2] in self._intact:
                    return known
                if os.path.isdir(self._entry(key)):
                    self._verified.add(key)
                    return known
        try:
            meta = json.loads((self.entry(key) / "meta.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict):  # not what `put` writes: as good as missing
            return None
        if self._index is not None:
            self._index[key] = {k: v for k, v in meta.items() if k not in HEAVY}
            self._verified.add(key)
            self._index_changed = True
        return meta

    def save_index(self) -> None:
        """Write the index if this build added to it (atomically; a lost race is harmless:
        an entry missing from the index is read from its folder)."""
        if self._index is None or not self._index_changed:
            return
        index = {
            key: meta
            for key, meta in self._index.items()
            if key[:2] in self._intact or key in self._verified
        }
        if len(index) > INDEX_LIMIT:
            index = {key: meta for key, meta in index.items() if key in self._used}
        folders = sorted({key[:2] for key in index})
        stamps = {name: _folder_stamp(self._steps, name) for name in folders}
        stored = {"metas": index, "folders": stamps}
        with contextlib.suppress(OSError):
            atomic_write_bytes(self.root / "index.json", jsonbytes.dumps(stored))
        self._index_changed = False

    def put(self, key: str, files: dict[str, bytes], meta: Mapping[str, Any]) -> dict[str, Any]:
        """Store a step's files and meta atomically; returns the meta."""
        final = self.entry(key)
        if final.is_dir():
            return dict(meta)
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{key[:12]}.", dir=final.parent))
        try:
            for name, data in files.items():
                (tmp / name).write_bytes(data)
            (tmp / "meta.json").write_text(
                json.dumps(meta, ensure_ascii=False, sort_keys=True), "utf-8"
            )
            os.replace(tmp, final)
        except OSError:
            if not final.is_dir():
                raise
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
        return dict(meta)

    def file(self, key: str, name: str) -> Path:
        return Path(self.location(key, name))

    def location(self, key: str, name: str) -> str:
        """`file` as a string: what a no-op build passes around tens of thousands of times."""
        return f"{self._entry(key)}/{name}"

    @property
    def stats_path(self) -> Path:
        """Where the file hashes and the stats they were made under are kept (StatCache)."""
        return self.root / "stat.json"


def _folder_stamp(steps: str, name: str) -> list[int]:
    """What changes when an entry is added to or removed from a folder of entries."""
    try:
        st = os.stat(f"{steps}/{name}")
    except OSError:
        return []
    return [st.st_mtime_ns, st.st_ino, st.st_nlink]


#: The key of a file an interrupted build named in its journal but did not record: never
#: the key wanted, so the file is written again if a build still makes it, else pruned.
INTERRUPTED = "interrupted"


class OutputState:
    """What the last build wrote into an output folder: path -> (key, size, mtime).

    A file whose recorded key is the one wanted now, and whose size and mtime are
    what we left, is not copied again: that is what makes a no-op rebuild cost a
    `stat` per file. Kept in the cache (not in the output folder, which gets
    deployed as is).

    The record is saved once, at the build's end. So that a build killed or interrupted
    before then (Ctrl-C, a crash, the OOM killer) cannot leave files that no record
    names, and that `prune` would then never remove (a release withdrawn since would
    stay on the deployed site), each file is named in a journal beside the record before
    it is written, and the journal is removed once the record is saved. The next build
    takes a journal it finds as part of the record (`INTERRUPTED`), and `sweep` removes
    the temporary files the killed writes left beside them. The journal is not fsynced
    (a line per file written): after a power cut, as the output files themselves (see
    `write`), it may have lost its last lines.
    """

    def __init__(self, cache: Cache, out_dir: Path) -> None:

        self.out_dir = out_dir
        self._out = str(out_dir)
        # Named by the folder's place relative to the workspace when it is inside it, so a
        # workspace moved or copied with its cache and site/ still knows what it wrote.
        workspace = cache.root.parent.parent.resolve()
        where = out_dir.resolve()
        name = (
            where.relative_to(workspace).as_posix()
            if where.is_relative_to(workspace)
            else str(where)
        )
        self.path = cache.root / "outputs" / f"{digest(name)[:24]}.json"
        try:
            self.files: dict[str, list[Any]] = jsonbytes.loads(self.path.read_bytes())
        except (OSError, ValueError):
            self.files = {}
        self.touched: set[str] = set()
        self.changed = False
        self.journal = self.path.with_suffix(".writing")
        #: Whether there is a journal (an interrupted build's, or this build's).
        self._journal_found = False
        #: The files an interrupted build's journal names (see the class docstring).
        self.interrupted = self._read_journal()

    def _read_journal(self) -> list[str]:
        try:
            lines = self.journal.read_bytes().decode("utf-8", "replace").splitlines()
        except OSError:
            return []
        self._journal_found = self.changed = True
        named = [rel for rel in dict.fromkeys(lines) if _inside(rel)]
        for rel in named:
            if rel not in self.files:
                self.files[rel] = [INTERRUPTED, -1, -1]
        return named

    def sweep(self) -> list[str]:
        """Remove the temporary files (`.<name>.*.tmp`, core/fsutil.py) that an interrupted
        build's writes left beside the files its journal names; the ones removed."""
        removed = []
        for rel in self.interrupted:
            folder, _, name = f"{self._out}/{rel}".rpartition("/")
            try:
                with os.scandir(folder) as entries:
                    leftovers = [
                        entry.path
                        for entry in entries
                        if entry.name.startswith(f".{name}.") and entry.name.endswith(".tmp")
                    ]
            except OSError:
                continue
            for path in leftovers:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(path)
                removed.append(os.path.relpath(path, self._out))
        return removed

    def _name_in_journal(self, rel: str) -> None:
        """One line, given to the system before the file is written (a killed process
        loses nothing it wrote); opened for each line (about 10 us), so that a build that
        fails leaves no open file behind."""
        if not self._journal_found:
            self.journal.parent.mkdir(parents=True, exist_ok=True)
            self._journal_found = True
        fd = os.open(self.journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        try:
            os.write(fd, rel.encode("utf-8") + b"\n")
        finally:
            os.close(fd)

    def up_to_date(self, rel: str, key: str) -> bool:
        self.touched.add(rel)
        recorded = self.files.get(rel)
        if recorded is None or recorded[0] != key:
            return False
        return self._as_left(rel, recorded)

    def _as_left(self, rel: str, recorded: list[Any]) -> bool:
        """Whether the file is there with the size and mtime recorded when it was left."""
        try:
            st = os.stat(f"{self._out}/{rel}")
        except OSError:
            return False
        return [st.st_size, st.st_mtime_ns] == recorded[1:]

    def stamp(self) -> str:
        """A digest of every file recorded (path, key, size, mtime): after a build, what
        its output folder is (publishing/site_memo.py keeps it, so as not to walk the
        folder's thousands of files again)."""
        return hashlib.sha256(jsonbytes.dumps(self.files, sort_keys=True)).hexdigest()

    def on_disk(self) -> bool:
        """Whether every file recorded is there with the size and mtime recorded: the check
        `up_to_date` makes of each file, made of all of them (one `stat` each)."""
        return all(self._as_left(rel, recorded) for rel, recorded in self.files.items())

    def record(self, rel: str, key: str) -> None:
        st = (self.out_dir / rel).stat()
        self.files[rel] = [key, st.st_size, st.st_mtime_ns]
        self.touched.add(rel)
        self.changed = True

    def write(self, rel: str, key: str, data: bytes) -> bool:
        """Write `data` at `rel` unless it is already there; True when written."""
        if self.up_to_date(rel, key):
            return False
        target = self.out_dir / rel
        try:
            same = target.read_bytes() == data
        except OSError:
            same = False
        if not same:
            self._name_in_journal(rel)
            # Not fsynced (two waits for the disk a file, for thousands of files in a
            # site): a power cut may leave the old file or an empty one, whose size and
            # mtime then differ from the record, so the next build writes it again.
            atomic_write_bytes(target, data, durable=False)
        self.record(rel, key)
        return not same

    def copy(self, rel: str, key: str, source: Path | str) -> bool:
        """Copy a cached file to `rel` unless it is already there; True when copied."""
        if self.up_to_date(rel, key):
            return False
        return self.write(rel, key, Path(source).read_bytes())

    def under(self, folder: str) -> list[str]:
        """The files an earlier build wrote under `folder` ("releases/<slug>/")."""
        return [rel for rel in self.files if rel.startswith(folder)]

    def keep(self, rels: Iterable[str]) -> None:
        """Leave files an earlier build wrote as they are: `prune` does not remove them
        (a release this build failed keeps what was published of it)."""
        self.touched.update(rel for rel in rels if rel in self.files)

    def live(self) -> set[str]:
        """The files this build wrote, found up to date or kept: what `prune` leaves."""
        return {rel for rel in self.files if rel in self.touched}

    def read(self, rel: str) -> bytes:
        """A file of the output folder as it is."""
        return (self.out_dir / rel).read_bytes()

    def prune(self) -> list[str]:
        """Delete files an earlier build wrote that this build no longer produces, and the
        folders they leave empty: a folder named after a withdrawn or embargoed release
        would still name it on the deployed site."""
        gone = []
        for rel in sorted(set(self.files) - self.touched):
            with contextlib.suppress(FileNotFoundError):
                (self.out_dir / rel).unlink()
            del self.files[rel]
            gone.append(rel)
            self.changed = True
        # Folders left empty (a withdrawn release's, its photos/) go too; others stay.
        for rel in gone:
            folder = (self.out_dir / rel).parent
            while folder != self.out_dir and folder.is_relative_to(self.out_dir):
                try:
                    folder.rmdir()
                except OSError:
                    break
                folder = folder.parent
        return gone

    def save(self) -> None:
        """Save the record, then remove the journal it now includes."""
        if self.changed:
            atomic_write_bytes(self.path, jsonbytes.dumps(self.files, sort_keys=True))
        if self._journal_found:
            with contextlib.suppress(FileNotFoundError):
                self.journal.unlink()
            self._journal_found = False
            self.interrupted = []


def _inside(rel: str) -> bool:
    """Whether a path read back from a journal names a file inside the output folder."""
    parts = rel.split("/")
    return bool(rel) and not rel.startswith("/") and ".." not in parts and "" not in parts
