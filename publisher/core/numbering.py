"""Release numbers: one series per workspace, each number given once and never again.

The pattern comes from `publisher.toml` (`[numbering] pattern =
"MFAIC/{year}/{seq:03d}"`); `{seq}` counts the releases of a year. Every number
handed out is appended to `numbers.jsonl` at the workspace root (tracked with
the releases, so every machine of the office sees it) under an exclusive lock, so
twenty `publisher new` at once get twenty different numbers, and a number whose
release was deleted or never finished is not given again.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from pathlib import Path

from publisher.core.fsutil import append_lines, locked, read_bytes
from publisher.core.history import now_iso

REGISTRY = "numbers.jsonl"
LOCK = ".numbers.lock"


def _taken(registry: Path) -> list[dict[str, object]]:
    try:
        text = read_bytes(registry).decode("utf-8", "replace")
    except FileNotFoundError:
        return []
    entries = []
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a torn line: the numbers around it still count
        if isinstance(entry, dict):
            entries.append(entry)
    return entries


def allocate(
    workspace_root: Path, pattern: str, year: int, slug: str, held: Collection[str] = ()
) -> str:
    """The next number of `year` in the series, recorded as given to `slug`.

    `held`: the numbers releases carry in their release.toml, never given again even
    when the registry lost them (a bad merge) or never had them (numbers given by hand
    before the workspace adopted a pattern).
    """
    registry = workspace_root / REGISTRY
    with locked(workspace_root / LOCK, what="the release numbers"):
        entries = _taken(registry)
        numbers = {str(e.get("number")) for e in entries} | set(held)
        seq = 1 + max(
            (int(str(e["seq"])) for e in entries if e.get("year") == year and "seq" in e),
            default=0,
        )
        number = pattern.format(year=year, seq=seq)
        while number in numbers:  # held, or a pattern without {year}: keep counting
            seq += 1
            number = pattern.format(year=year, seq=seq)
        record = {"number": number, "year": year, "seq": seq, "slug": slug, "at": now_iso()}
        append_lines(registry, [json.dumps(record, ensure_ascii=False)])
    return number


def given(workspace_root: Path) -> dict[str, str]:
    """number -> the slug it was given to."""
    return {str(e.get("number")): str(e.get("slug")) for e in _taken(workspace_root / REGISTRY)}
