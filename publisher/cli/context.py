"""The options of the `publisher` group itself (`--workspace`), on the root click context.

A module of its own, importing nothing of the project: `publisher --help` loads it
and no more (the commands' helpers in params.py load the model).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click


@dataclass
class Options:
    """The options of the `publisher` group itself, kept on the root context."""

    workspace: Path | None = None


def options() -> Options:
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return Options()
    root = ctx.find_root()
    if not isinstance(root.obj, Options):
        root.obj = Options()
    return root.obj
