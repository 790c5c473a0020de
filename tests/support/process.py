"""The `publisher` command run as a process of its own, for what only a process shows."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from tests.support.workspace import REPO


def loaded_modules(
    args: Sequence[str], modules: Sequence[str], cwd: Path = REPO
) -> tuple[list[str], subprocess.CompletedProcess[str]]:
    """Which of `modules` `publisher *args` imported, as the command ends (read by an
    atexit handler: the command leaves with os._exit, cli/app.py), and the process."""
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('LOADED', "
        f"[m for m in {list(modules)!r} if m in sys.modules], file=sys.stderr))\n"
        f"sys.argv = ['publisher', *{list(args)!r}]\n"
        "from publisher.cli.app import main\n"
        "main()\n"
    )
    process = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True)
    line = next(row for row in process.stderr.splitlines() if row.startswith("LOADED "))
    loaded: list[str] = ast.literal_eval(line.removeprefix("LOADED "))
    return loaded, process
