"""Memos of pure reads: a parse remembered by the text it parsed, never by a file name.

Invariant: every function made a memo here answers from its arguments alone (text or
bytes in, an immutable value out), so a remembered answer is always the one a new call
would give; an edited file is new text, hence a new key. The memos only spare a process
the same parse done again: a build reads each source, catalog and history in several
steps and languages, and a resident renderer (`serve`, `preview`) over many builds.

`forget()` empties them all: what a new process starts with. Benchmarks call it between
rounds so that a round measures what a `publisher build` pays, not what the last round
left behind.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import ParamSpec, TypeVar, cast

P = ParamSpec("P")
R = TypeVar("R")

_forgetters: list[Callable[[], None]] = []


def memo(maxsize: int) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """`functools.lru_cache(maxsize)`, with its cache emptied by `forget()`."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        cached = lru_cache(maxsize=maxsize)(function)
        _forgetters.append(cached.cache_clear)
        return cast(Callable[P, R], cached)

    return decorate


def forget() -> None:
    """Empty every memo (a fresh process's state)."""
    for clear in _forgetters:
        clear()
