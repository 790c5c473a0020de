"""Counts and lists in the sentences the tool prints: "1 file", "2 files", "a, b and c".

Every summary goes through here so that no message says "1 files" or "0 written;
rendered nothing".
"""

from __future__ import annotations

from collections.abc import Sequence


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """`1 file`, `2 files`, `0 files`; `plural` for irregular nouns (`entry`, `entries`)."""
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def listing(parts: Sequence[str], conjunction: str = "and") -> str:
    """`a`, `a and b`, `a, b and c`."""
    items = [p for p in parts if p]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"
