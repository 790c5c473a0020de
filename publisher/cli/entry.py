"""The `publisher` program: what a command needs started first, then the CLI (cli/app.py).

`publisher site` waits last on its PDF workers' forkserver, which imports WeasyPrint
(half a second, publishing/forkserver.py). Started here, before Typer, Click and the
command's own modules are imported and the command line is parsed (0.1 s), it is ready
that much sooner. Only the command's name is read here, as Click will read it: the
first word that is neither an option nor the value of the one global option that takes
one (`--workspace`/`-w`). A command line this reading gets wrong costs nothing but an
unused process, which the command ends as it exits; everything else is left to the CLI.

Invariant: this module imports nothing but the standard library, and the forkserver
module only for `site`; it changes nothing the CLI sees.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

#: The CLI's global options that take a value (cli/app.py `_options`).
_VALUED = frozenset({"--workspace", "-w"})


def main() -> None:
    if renders_at_once(sys.argv[1:]):
        from publisher.publishing import forkserver

        forkserver.start()
    from publisher.cli.app import main as run

    run()


def renders_at_once(args: Sequence[str]) -> bool:
    """Whether the command line is a `site` build on several cores (not its help)."""
    return command_name(args) == "site" and "--help" not in args and _jobs(args) != 1


def command_name(args: Sequence[str]) -> str | None:
    """The command a command line runs (None: none, only options)."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg == "--":
            return None
        elif arg in _VALUED:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def _jobs(args: Sequence[str]) -> int | None:
    """The value of `--jobs`/`-j` if the command line gives a number."""
    for i, arg in enumerate(args):
        name, equals, attached = arg.partition("=")
        value = None
        if name in ("--jobs", "-j"):
            value = attached if equals else (args[i + 1] if i + 1 < len(args) else None)
        elif name.startswith("-j") and not equals:  # -j2
            value = name[2:]
        if value is not None and value.isdigit():
            return int(value)
    return None
