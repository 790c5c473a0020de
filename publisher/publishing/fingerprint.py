"""Content hashes of everything a build step reads, so a cache key changes exactly
when an input does.

Why hashes rather than timestamps: a release folder copied, checked out again or
restored from a zip keeps its content but not its mtimes, and must not be
rendered again. Fonts are the exception (tens of megabytes each, and they only
change when packages are installed): their paths, sizes and mtimes stand in.

Hashing every input of a large archive on every build would make a no-op cost
seconds, so a file is hashed again only when its `lstat` changed (`StatCache`,
like git's index and ninja's log): size, mtime, inode and ctime are kept beside
each hash. A copied, restored or checked-out file has a new inode and ctime (a
copy that keeps mtimes keeps neither), an edit in place changes mtime and ctime
(`touch -d` can set mtime back, not ctime), so any of them is hashed again; the
hash, not the stat, then decides whether anything must be rendered. A file
changed within two seconds of being recorded is not trusted (the clock's
granularity, git's "racily clean" case): it is hashed again next time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
import time
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from publisher import __version__
from publisher.core import jsonbytes
from publisher.core.fsutil import atomic_write_bytes, read_bytes, refuse_link_out
from publisher.core.tomlfile import from_json_value, read_toml, to_json_value
from publisher.errors import PublisherError, SymlinkRefused

PACKAGE_ROOT = Path(__file__).resolve().parents[1]

#: Files of a release folder that are not inputs of any rendered output.
RELEASE_IGNORED = frozenset({".lock", "sends.jsonl"})
#: The release's history: an input of the publishing rule (it backs the approvals), not of
#: the pages themselves; a page's key takes its language's approvals from the plan instead.
HISTORY = "history.jsonl"


_REFERENCE = re.compile(r"""\{%-?\s*(?:include|extends|import|from)\s+["']([^"']+)["']""")


def digest(*parts: Any) -> str:
    """A stable SHA-256 of JSON-serialisable parts (the cache key of a step)."""
    if all(type(part) is str for part in parts):
        # keys made of keys (a thumbnail's, a page's): no JSON needed, and never equal to
        # the JSON form of other parts (that starts with "[")
        payload = "\0".join(parts)
    else:
        payload = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def file_hash(path: Path | str) -> str:
    """SHA-256 of a file's bytes; "missing" when there is no such file, "symlink" for a link
    (never followed: the step that reads it refuses it, see core/fsutil.py)."""
    try:
        return hashlib.sha256(read_bytes(path)).hexdigest()
    except (FileNotFoundError, IsADirectoryError):
        return "missing"
    except SymlinkRefused:
        return "symlink"


@lru_cache(maxsize=1)
def tool_fingerprint() -> str:
    """The version plus the package's own code: a developer's edit invalidates the cache
    even without a version bump (about 2 ms: ~60 small files)."""
    h = hashlib.sha256(__version__.encode())
    for path in sorted(PACKAGE_ROOT.rglob("*.py")):
        h.update(str(path.relative_to(PACKAGE_ROOT)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


#: A file recorded less than this after its last change is hashed again next time.
RACY_NS = 2_000_000_000


class StatCache:
    """File hashes kept with the `lstat` they were computed under (see the module
    docstring): `hash(path)` reads a file only when its size, mtime, inode or ctime
    changed. Stored as one JSON file in the build cache; losing it costs one re-hash."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, list[Any]] = {}
        #: Parsed TOML files (release.toml), as JSON values, under the same rule.
        self.parsed: dict[str, list[Any]] = {}
        self.changed = False
        self.started = time.time_ns()
        if path is not None:
            try:
                stored = jsonbytes.loads(path.read_bytes())
                self.entries, self.parsed = dict(stored["hashes"]), dict(stored["toml"])
            except (OSError, ValueError, KeyError, TypeError):
                self.entries, self.parsed = {}, {}

    def _signature(self, path: Path) -> list[int] | None:
        """size, mtime, inode, ctime of a regular file (not followed), or None."""
        try:
            st = os.lstat(path)
        except OSError:
            return None
        if not stat.S_ISREG(st.st_mode):
            return None
        return [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]

    def _trusted(self, signature: list[int]) -> bool:
        return self.started - max(signature[1], signature[3]) > RACY_NS

    def toml(self, path: Path, error: type[PublisherError]) -> dict[str, Any]:
        """A TOML file parsed (`tomlfile.read_toml`), or remembered while its stat holds:
        release.toml of thousands of releases are read at every build."""
        if self.path is None:
            return read_toml(path, error)
        key = str(path)
        signature = self._signature(path)
        known = self.parsed.get(key)
        if signature is not None and known is not None and known[:4] == signature:
            data: dict[str, Any] = from_json_value(known[4])
            return data
        data = read_toml(path, error)
        if signature is not None and self._trusted(signature):
            self.parsed[key] = [*signature, to_json_value(data)]
            self.changed = True
        return data

    def hash(self, path: Path | str) -> str:
        """The content hash of `path` ("missing", "symlink" as `file_hash` says them)."""
        if self.path is None:
            return file_hash(path)
        key = str(path)
        try:
            st = os.lstat(path)
        except OSError:
            return file_hash(path)
        if stat.S_ISLNK(st.st_mode):
            return "symlink"
        if not stat.S_ISREG(st.st_mode):
            return file_hash(path)
        signature = [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]
        known = self.entries.get(key)
        if known is not None and known[:4] == signature:
            return str(known[4])
        value = file_hash(path)
        if self._trusted(signature):
            self.entries[key] = [*signature, value]
            self.changed = True
        elif known is not None:
            del self.entries[key]
            self.changed = True
        return value

    def save(self) -> None:
        if self.changed and self.path is not None:
            stored = {"hashes": self.entries, "toml": self.parsed}
            # Not fsynced (a build waited for the disk twice for it): what a power cut can
            # leave, the old file or an empty one, only means files are hashed again.
            with contextlib.suppress(OSError):  # a read-only cache: hashed again next time
                atomic_write_bytes(self.path, jsonbytes.dumps(stored), durable=False)
            self.changed = False


#: Without a StatCache: every file hashed (tests, one-off callers).
NO_STATS = StatCache(None)


def release_files(root: Path, stats: StatCache = NO_STATS) -> dict[str, str]:
    """Relative path -> content hash of every input file of a release folder.

    history.jsonl is an input of the plan (it backs the approvals) but not of the
    pages (see `files_for_language`): appending to it re-judges the release and
    renders again only a page whose approvals changed.
    """
    out: dict[str, str] = {}
    prefix = len(str(root)) + 1
    for folder, dirs, names in os.walk(root):  # links to folders are not followed
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            if name.startswith(".") or name in RELEASE_IGNORED:
                continue
            path = os.path.join(folder, name)
            out[path[prefix:].replace(os.sep, "/")] = stats.hash(path)
    return dict(sorted(out.items()))


def files_for_language(files: dict[str, str], lang: str) -> dict[str, str]:
    """The release inputs one language's PDF depends on: everything but the other
    languages' catalogs (approving a Khmer segment must not re-render the Chinese PDF)."""
    mine = f"translations/{lang}.po"
    return {
        name: value
        for name, value in files.items()
        if (not name.startswith("translations/") or name == mine) and name != HISTORY
    }


def _stat(path: Path) -> list[Any]:
    try:
        st = path.stat()
    except OSError:
        return [str(path), None, None]
    return [str(path), st.st_size, st.st_mtime_ns]


class TemplateHasher:
    """Hash of a template and everything it includes, imports or extends.

    A workspace's `templates/` overrides the package's, so each name is hashed as
    the file the loader would pick. Dependencies are read from the parsed template
    (`jinja2.meta`), so editing print.css re-renders the PDFs but not the web pages.
    """

    def __init__(self, dirs: Iterable[Path]) -> None:
        self.dirs = [d for d in dirs if d.is_dir()]
        self._closure: dict[str, dict[str, str]] = {}

    def resolve(self, name: str) -> Path | None:
        for folder in self.dirs:
            path = folder / name
            if folder != self.dirs[-1]:  # the package's own templates come last
                refuse_link_out(path, folder.parent, "a template override")
            if path.is_file():
                return path
        return None

    def _references(self, name: str, source: str) -> list[str]:
        """Templates `name` includes, extends or imports by a literal name.

        A regular expression, not Jinja's parser: parsing every template on each
        build cost more than the rest of a no-op rebuild. Names built at render
        time are not followed (none of the shipped templates does that).
        """
        if not name.endswith((".html", ".xml", ".txt")):
            return []  # CSS is included as text, not parsed
        return sorted(set(_REFERENCE.findall(source)))

    def closure(self, name: str) -> dict[str, str]:
        """{template name: content hash} of `name` and its dependencies."""
        if name in self._closure:
            return self._closure[name]
        out: dict[str, str] = {}
        pending = [name]
        while pending:
            current = pending.pop()
            if current in out:
                continue
            path = self.resolve(current)
            if path is None:
                out[current] = "missing"
                continue
            data = path.read_bytes()
            out[current] = hashlib.sha256(data).hexdigest()
            pending.extend(self._references(current, data.decode("utf-8", "replace")))
        self._closure[name] = out
        return out

    def key(self, *names: str) -> str:
        merged: dict[str, str] = {}
        for name in names:
            merged.update(self.closure(name))
        return digest(merged)
