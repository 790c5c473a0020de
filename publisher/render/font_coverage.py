"""Which code points a font file maps, read once per machine rather than once per process.

Why: the glyph check (`fonts.missing_glyphs`) needs each print font's character map.
fontTools reads it in Python: about 0.4 s for the Noto CJK collections, paid again by
every process that renders a Chinese PDF (each forked worker of `publisher site`,
each `publisher build`), when the fonts themselves change only when packages are
installed. fontconfig keeps its own per-user cache of what fonts cover for the same
reason; its charsets leave out blank glyphs, so they are not the exact character map
the check needs, and this module keeps that beside it.

Invariant: a stored map is used only for the file it was read from, unchanged: the
entry's name is a hash of the file's path, face index, size, modification time and
inode, so a font replaced by an upgrade is read again. A missing, unreadable or damaged
entry is read again from the font (never an error); an entry is written atomically, so
processes that read the same font at once each write a whole one. Where no cache folder
can be written (a read-only home), every process reads the fonts itself, as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path

from publisher.core.fsutil import atomic_write_bytes
from publisher.errors import PublisherError

_COLLECTION_SUFFIXES = (".ttc", ".otc")
#: Bumped when the stored form changes.
_FORMAT = 1


def cache_folder() -> Path:
    """`$XDG_CACHE_HOME/publisher/font-coverage` (by default under `~/.cache`), as
    fontconfig keeps its own cache of what fonts cover."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "publisher" / "font-coverage"


def code_points(path: Path, index: int | None) -> frozenset[int]:
    """The code points `path` maps: face `index`'s, or every face's of a collection when
    `index` is None."""
    entry = _entry(path, index)
    if entry is not None:
        stored = _load(entry)
        if stored is not None:
            return stored
    points = _read_font(path, index)
    if entry is not None:
        _store(entry, points)
    return points


def _entry(path: Path, index: int | None) -> Path | None:
    try:
        info = path.stat()
        folder = cache_folder()
    except (OSError, RuntimeError):  # RuntimeError: no home directory to be found
        return None
    stamp = f"{_FORMAT}\0{path.resolve()}\0{index}\0{info.st_size}\0{info.st_mtime_ns}\0"
    stamp += f"{info.st_ino}"
    return folder / (hashlib.sha256(stamp.encode("utf-8", "surrogateescape")).hexdigest() + ".json")


def _load(entry: Path) -> frozenset[int] | None:
    """The stored code points, or None when the entry is missing or not one of ours."""
    try:
        ranges = json.loads(entry.read_bytes())
        return frozenset(
            point for first, last in ranges for point in range(int(first), int(last) + 1)
        )
    except (OSError, ValueError, TypeError):
        return None


def _store(entry: Path, points: frozenset[int]) -> None:
    """Keep `points` as ranges of consecutive code points (a few thousand for a CJK font)."""
    ranges: list[list[int]] = []
    for point in sorted(points):
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])
    with contextlib.suppress(OSError, PublisherError):  # a link, a read-only home: not kept
        entry.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(entry, json.dumps(ranges, separators=(",", ":")).encode("ascii"))


def _read_font(path: Path, index: int | None) -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont

    if index is None and path.suffix.lower() in _COLLECTION_SUFFIXES:
        points: set[int] = set()
        with TTCollection(str(path), lazy=True) as collection:  # the file is closed after
            for font in collection.fonts:
                points.update(font.getBestCmap() or {})
        return frozenset(points)
    with TTFont(str(path), fontNumber=index or 0, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})
