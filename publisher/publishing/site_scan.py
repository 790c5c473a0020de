"""The releases a `publisher site` build reads: every release folder of the workspace but
those the site index can answer for by `lstat` alone.

After one change to an archive of 2,000 releases, loading every release.toml to find the
one that changed cost about a tenth of a second of the build's time (parsing, then each
release's metadata and photos made into objects); the no-op record's walk of the
workspace (publishing/site_memo.py) has by then stamped each release folder anyway.

Invariant: a release folder is left unread only when the stamp that walk took of it,
before the build read anything, is the stamp its index entry recorded (not within the
racy window), and the embargo its entry recorded is not in force at the build's time.
Its release.toml is then the one the build that recorded the entry read (its path, size,
mtime, ctime and inode unchanged), so loading it would give the languages and embargo the
entry holds, and nothing else of it is needed unless the index cannot answer for the
release (another context, an output file changed or deleted on the site: `SiteIndex.lookup`),
in which case the build loads it then and takes it in full (builders/site.py), as it
takes a release it read here. A folder with no stamp (no walk: a clocked build, `--now`
or `--force`), no entry, another stamp or a symbolic link is read, as is every folder
when the releases folder itself is a link (each load refuses it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Protocol, TypeVar

from publisher.core.release import Release, load_release_folder, split_releases
from publisher.core.tomlfile import TomlReader
from publisher.errors import PublisherError
from publisher.publishing.site_index import SiteIndex, UnreadRelease
from publisher.publishing.site_memo import TreeStamp


def read_releases(
    releases_dir: Path,
    reader: TomlReader,
    index: SiteIndex | None,
    stamps: Mapping[str, TreeStamp],
    now: dt.datetime,
) -> tuple[list[Release], dict[str, UnreadRelease], list[PublisherError]]:
    """The releases read (in folder-name order), those left unread by slug, and the error
    of each folder that does not load (see core/release.py `scan_releases`). `now`: the
    time the build judges embargoes at (a release its entry says is held is read)."""
    loaded: dict[str, Release | PublisherError] = {}
    unread: dict[str, UnreadRelease] = {}
    if releases_dir.is_dir():
        usable = index is not None and bool(stamps) and not releases_dir.is_symlink()
        for folder in releases_dir.iterdir():
            name = folder.name
            stamp = stamps.get(name) if usable and name[:1] != "." else None
            known = index.unread(name, stamp) if index is not None and stamp else None
            if known is not None and (known.embargo is None or known.embargo <= now):
                unread[name] = known
                continue
            found = load_release_folder(folder, reader)
            if found is not None:
                loaded[name] = found
    releases, broken = split_releases(loaded)
    return releases, unread, broken


def load_unread(
    releases_dir: Path, unread: UnreadRelease, reader: TomlReader
) -> Release | PublisherError | None:
    """Read a release left unread after all (the index could not answer for it): the
    release, the error that keeps it from loading, or None if its folder is gone."""
    return load_release_folder(releases_dir / unread.slug, reader)


class _Slugged(Protocol):
    @property
    def slug(self) -> str: ...


_Named = TypeVar("_Named", bound=_Slugged)


def by_slug(releases: Iterable[_Named]) -> list[_Named]:
    """Releases, read or not, in folder-name order (as `scan_releases` gives them)."""
    return sorted(releases, key=lambda release: release.slug)
