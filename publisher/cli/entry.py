"""The `publisher` program: what a command needs started first, then the CLI (cli/app.py).

`publisher site` waits last on its PDF workers' forkserver, which imports WeasyPrint
(0.4 s with the step module, publishing/forkserver.py). Started here, before Typer, Click and the
command's own modules are imported and the command line is parsed (0.1 s), it is ready
that much sooner. Only the command's name is read here, as Click will read it: the
first word that is neither an option nor the value of the one global option that takes
one (`--workspace`/`-w`). A command line this reading gets wrong costs nothing but an
unused process, which the command ends as it exits; everything else is left to the CLI.

The program also collects garbage less often than CPython's default (`GC_THRESHOLDS`).

Invariant: this module imports nothing but the standard library, and the forkserver
module only for `site`; it changes nothing the CLI sees.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence

#: The CLI's global options that take a value (cli/app.py `_options`).
_VALUED = frozenset({"--workspace", "-w"})

#: The program's garbage-collection thresholds (CPython's default: 700, 10, 10). A build
#: keeps what it reads until it ends (at 2,000 releases, the site index and the plans:
#: millions of objects), and the default's older-generation collections walk all of it
#: again and again to find little garbage. One change through `site` at 2,000 releases
#: spent 0.17 s of its ~1.2 s in 424 young, 39 middle and 3 full collections; with these,
#: 0.04 s in one young collection, at the same peak memory (gc.callbacks and the maximum
#: RSS, on benchmarks/archive.py's archive). mypy runs its builds with the same values for the same
#: reason. Cycles are still collected, later: up to 200,000 new objects between two
#: collections. The PDF workers are processes of their own (publishing/forkserver.py),
#: with their own rule (render/pdf_runtime.py, collections_paused).
GC_THRESHOLDS = (200_000, 30, 30)


def main() -> None:
    gc.set_threshold(*GC_THRESHOLDS)
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
