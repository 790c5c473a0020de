"""What every command shares: argument types, the workspace, reviewers, output helpers.

The workspace given with `--workspace` travels on click's context (the root
context's `obj`), never in a module global, so two invocations in one process
(the tests, an editor plug-in) cannot see each other's workspace.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from publisher.cli.context import options
from publisher.core import languages
from publisher.core.history import person_name
from publisher.core.release import Release, find_release
from publisher.core.workspace import Workspace, open_workspace
from publisher.errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import TaskID

    from publisher.workflow.review import Signer

ReleaseArg = Annotated[str, typer.Argument(help="Release (its folder name under releases/)")]
ReleasesArg = Annotated[list[str] | None, typer.Argument(help="Releases (default: all)")]
TargetLangOpt = Annotated[str, typer.Option("--lang", help="Target language (km, zh-Hans, ...)")]
LangsOpt = Annotated[list[str] | None, typer.Option("--lang", help="Language (repeat)")]
ByOpt = Annotated[
    str | None, typer.Option("--by", help="Your name (default: $PUBLISHER_REVIEWER, git user.name)")
]
KeyFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--key-file",
        help="Your SSH private key, to sign approvals when the register holds your key "
        "(default: $PUBLISHER_SIGNING_KEY, else ssh-agent)",
        dir_okay=False,
    ),
]
JobsOpt = Annotated[
    int | None,
    typer.Option("--jobs", "-j", help="Render in N processes (default: the number of cores)"),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object")]


def workspace() -> Workspace:
    """The workspace of this invocation (--workspace, or found upwards from here)."""
    return open_workspace(options().workspace)


def release(name: str, ws: Workspace | None = None) -> Release:
    return find_release((ws or workspace()).releases_dir, name)


def lang(code: str) -> str:
    """The canonical code of a language the user typed (`zh-CN` -> `zh-Hans`)."""
    return languages.canonical(code)


def langs(codes: list[str] | None) -> list[str] | None:
    return [languages.canonical(code) for code in codes] if codes else None


def jobs(value: int | None) -> int | None:
    if value is not None and value < 1:
        raise UsageError("--jobs must be at least 1")
    return value


def reviewer(by: str | None) -> str:
    """Who is acting: --by, else $PUBLISHER_REVIEWER, else git's user.name.

    A name taken from git (which may be a machine's or a project's) is said on
    stderr, so nobody is recorded as the approver of a ministry's text without
    seeing it; `--by ''` is refused.
    """
    source = None
    if by is not None:
        if not by.strip():
            raise UsageError("--by is empty: give the name to record, e.g. --by 'Sok Dara'")
        name = by
    else:
        name = os.environ.get("PUBLISHER_REVIEWER", "")
        if not name.strip():
            source = "git config user.name"
            try:
                name = subprocess.run(
                    ["git", "config", "user.name"], capture_output=True, text=True, timeout=5
                ).stdout.strip()
            except (OSError, subprocess.SubprocessError):
                name = ""
    name = person_name(name)
    if source is not None:
        typer.echo(f"recorded as {name} (from {source}; --by NAME records another name)", err=True)
    return name


def signer(ws: Workspace, name: str, lang: str, key_file: Path | None) -> Signer | None:
    """How `name`'s approvals of `lang` are signed: None when the register holds no key for
    them (their approvals are `typed`); refused when it does and no key can sign."""
    from publisher.core.reviewers import Register
    from publisher.workflow.evidence import ssh_signer
    from publisher.workflow.review import identify

    register = Register.load(ws.root)
    entry = register.find(identify(register, name, lang)) if register else None
    if entry is None or not entry.key:
        if key_file is not None:
            raise UsageError(
                f"--key-file: the register holds no key for {name}, so nothing would check "
                "the signature (publisher reviewers add NAME --key FILE.pub)"
            )
        return None
    return ssh_signer(register, entry, key_file)


def console(stderr: bool = False) -> Console:
    """A rich console (imported on use: `publisher --help` does not need it)."""
    from rich.console import Console

    return Console(stderr=stderr)


#: How long a command runs before its progress bar appears: a step done sooner shows none
#: (as cargo and uv do), so quick commands stay quiet on a terminal too.
PROGRESS_DELAY = 1.0
#: The environment variable that sets another delay, in seconds (0: the bar at once).
PROGRESS_DELAY_VARIABLE = "PUBLISHER_PROGRESS_DELAY"


def progress_delay() -> float:
    """PROGRESS_DELAY, or the seconds `PUBLISHER_PROGRESS_DELAY` gives (a value that is
    not a number of seconds, or is negative, is ignored: a bar is never worth an error)."""
    given = os.environ.get(PROGRESS_DELAY_VARIABLE, "")
    try:
        seconds = float(given)
    except ValueError:
        return PROGRESS_DELAY
    return seconds if 0 <= seconds < float("inf") else PROGRESS_DELAY


@contextmanager
def progress_bar(delay: float | None = None) -> Iterator[Callable[[str, int, int], None]]:
    """Progress of a command's long steps, on stderr ("PDFs ━━━━━ 123/600"): the shared
    reporter every long command passes down as its ProgressHook (stage, done, total).

    On a terminal a rich bar appears once the command has run `delay` seconds (by default
    `progress_delay()`), and goes
    when it ends; elsewhere it prints nothing (the command's own last line is the
    summary). Never on stdout, so `--json` output stays one JSON object.
    """
    if delay is None:
        delay = progress_delay()
    if not sys.stderr.isatty():  # and rich is not even imported: a no-op stays fast
        yield lambda stage, done, total: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    err = console(stderr=True)
    if not err.is_terminal:
        yield lambda stage, done, total: None
        return
    tasks: dict[str, TaskID] = {}
    latest: dict[str, tuple[int, int]] = {}
    columns = (
        TextColumn("{task.description:<18}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    # No refresh thread (auto_refresh): the build forks workers from this process, which
    # is safe only while no other thread runs (see publishing/engine.py, _run_forked).
    bar = Progress(*columns, console=err, transient=True, auto_refresh=False)
    started = time.monotonic()
    shown = False

    def update(stage: str, done: int, total: int) -> None:
        nonlocal shown
        latest[stage] = (done, total)
        if not shown:
            if time.monotonic() - started < delay:
                return
            bar.start()
            shown = True
        for name, (finished, count) in latest.items():
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=count)
            bar.update(tasks[name], completed=finished, total=count)
        latest.clear()
        bar.refresh()

    try:
        yield update
    finally:
        if shown:
            bar.stop()
