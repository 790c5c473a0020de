"""The `publisher` command: the Typer app, its commands, and how errors reach the user.

Every command is registered here, explicitly, in `COMMANDS`: its name, the
module that implements it, the help panel and the one-line summary that
`publisher --help` prints. A command's module is imported only when that
command runs (as pip registers its commands), so `publisher --help` and
`publisher status` never import what `build` or `translate` need; a test keeps
each summary equal to its command's own docstring.

A `PublisherError` from any command is printed as one line,
`error: path:line: message`, with its exit code (2), never as a traceback.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any, NoReturn

import click
import typer
from typer.core import TyperCommand, TyperGroup

from publisher.cli.context import options
from publisher.cli.help_imports import import_lean
from publisher.errors import PublisherError, StorageError


@dataclass(frozen=True)
class CommandRef:
    module: str  # the module whose `app` (a Typer app) defines the command
    panel: str  # the heading it is listed under in `publisher --help`
    summary: str  # its one-line help, shown without importing the module


_WORKSPACE = "Workspace and releases"
_TRANSLATE = "Translation"
_REVIEW = "Review"
_PUBLISH = "Publishing"
_DISTRIBUTE = "Distribution"

COMMANDS: dict[str, CommandRef] = {
    "init": CommandRef("publisher.cli.workspace", _WORKSPACE, "Create a workspace."),
    "new": CommandRef(
        "publisher.cli.workspace", _WORKSPACE, "Import a source release into releases/<slug>/."
    ),
    "sync": CommandRef(
        "publisher.cli.workspace", _WORKSPACE, "Update the catalogs after the source was edited."
    ),
    "status": CommandRef(
        "publisher.cli.status", _WORKSPACE, "What is left to do, and what can be published."
    ),
    "embargo": CommandRef(
        "publisher.cli.embargo", _WORKSPACE, "Set, move or lift a release's embargo."
    ),
    "photo": CommandRef("publisher.cli.photos", _WORKSPACE, "A release's photos."),
    "boilerplate": CommandRef(
        "publisher.cli.boilerplate", _WORKSPACE, "The workspace's boilerplate."
    ),
    "templates": CommandRef(
        "publisher.cli.templates", _WORKSPACE, "The workspace's template overrides."
    ),
    "fsck": CommandRef(
        "publisher.cli.repair",
        _WORKSPACE,
        "Check releases for interrupted changes and inconsistencies, and repair them.",
    ),
    "doctor": CommandRef(
        "publisher.cli.doctor", _WORKSPACE, "What this machine gives the publisher."
    ),
    "translate": CommandRef(
        "publisher.cli.translate", _TRANSLATE, "Fill untranslated and stale segments with drafts."
    ),
    "export": CommandRef(
        "publisher.cli.interchange", _TRANSLATE, "Write one language of a release as XLIFF or PO."
    ),
    "import": CommandRef(
        "publisher.cli.interchange", _TRANSLATE, "Apply a translator's PO or XLIFF file."
    ),
    "models": CommandRef(
        "publisher.cli.translate", _TRANSLATE, "Offline machine-translation models."
    ),
    "memory": CommandRef("publisher.cli.translate", _TRANSLATE, "The translation memory."),
    "glossary": CommandRef("publisher.cli.translate", _TRANSLATE, "The protocol glossary."),
    "suggestions": CommandRef(
        "publisher.cli.suggestions",
        _TRANSLATE,
        "Suggestions waiting in a catalog: list, accept, drop.",
    ),
    "check": CommandRef("publisher.cli.review", _REVIEW, "Run the translation QA checks."),
    "review": CommandRef(
        "publisher.cli.review", _REVIEW, "Review a language segment by segment in the terminal."
    ),
    "approve": CommandRef("publisher.cli.review", _REVIEW, "Mark segments reviewed or approved."),
    "reject": CommandRef(
        "publisher.cli.review", _REVIEW, "Send a translation back to draft with a comment."
    ),
    "proof": CommandRef("publisher.cli.review", _REVIEW, "Print a bilingual proof for reviewers."),
    "serve": CommandRef(
        "publisher.cli.serve", _REVIEW, "Start the web review app on this machine."
    ),
    "reviewers": CommandRef(
        "publisher.cli.reviewers",
        _REVIEW,
        "The register of reviewers and their personal links.",
    ),
    "verify": CommandRef(
        "publisher.cli.verify", _REVIEW, "Check approval signatures and personal links' seals."
    ),
    "build": CommandRef("publisher.cli.publish", _PUBLISH, "Publish releases as PDF and HTML."),
    "site": CommandRef(
        "publisher.cli.publish", _PUBLISH, "Build a static site of every published release."
    ),
    "preview": CommandRef(
        "publisher.cli.preview",
        _PUBLISH,
        "Serve the site on this machine and rebuild it whenever a file changes.",
    ),
    "bundle": CommandRef("publisher.cli.publish", _PUBLISH, "A zip for wire services."),
    "lists": CommandRef(
        "publisher.cli.lists", _DISTRIBUTE, "Media lists: who gets a release by e-mail."
    ),
    "send": CommandRef(
        "publisher.cli.send", _DISTRIBUTE, "Send a release to a media list by e-mail."
    ),
}


@cache
def _module_group(module: str) -> click.Group:
    """The click group of a command module's Typer app (imported on first use)."""
    return typer.main.get_group(importlib.import_module(module).app)


def real_command(name: str) -> click.Command | None:
    """The command as its module defines it (imports the module)."""
    ref = COMMANDS.get(name)
    if ref is None:
        return None
    ctx = click.Context(click.Group())
    return _module_group(ref.module).get_command(ctx, name)


class PublisherGroup(TyperGroup):
    """Lazily loaded commands, and user errors as one line on stderr with exit code 2."""

    _listing = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        ref = COMMANDS.get(cmd_name)
        if ref is None:
            return None
        if self._listing:  # `publisher --help`: the summaries, no imports
            return TyperCommand(
                cmd_name, help=ref.summary, short_help=ref.summary, rich_help_panel=ref.panel
            )
        return real_command(cmd_name)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        if not args or "--help" in args:  # help will be drawn: its formatter, lean
            import_lean()
        return super().make_context(info_name, args, parent, **extra)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PublisherError as exc:
            typer.echo(f"error: {exc.format()}", err=True)
            ctx.exit(exc.exit_code)
        except OSError as exc:  # a full disk, a read-only folder: not a bug, not a traceback
            error = StorageError.from_os_error(exc)
            typer.echo(f"error: {error.format()}", err=True)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            typer.echo("interrupted; nothing half-written was kept", err=True)
            ctx.exit(130)


app = typer.Typer(
    cls=PublisherGroup,
    help="Publish one press release in English, Khmer and Chinese, every translation reviewed.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _print_version(value: bool) -> None:
    if value:
        from publisher import __version__

        typer.echo(f"publisher {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace",
            "-w",
            help="Workspace folder (default: found upwards from the current folder)",
            file_okay=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the version and exit",
            is_eager=True,
            callback=_print_version,
        ),
    ] = False,
) -> None:
    options().workspace = workspace


def main() -> None:
    try:
        app(prog_name="publisher")
        code = 0
    except SystemExit as done:  # how Click ends every command, failed or not
        code = _exit_status(done.code)
    finally:
        # A command that started a forkserver (a pool's, or `site`'s early one) ends it
        # with the process (see publishing/forkserver.py `end`), not after it.
        forkserver = sys.modules.get("publisher.publishing.forkserver")
        if forkserver is not None:
            forkserver.end()
    _exit_now(code)


def _exit_status(code: object) -> int:
    """The process's exit status for `SystemExit(code)`, as Python gives it."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def _exit_now(code: int) -> NoReturn:
    """Leave as Python's own exit does (other threads joined, atexit handlers run, the
    output flushed) but without tearing the interpreter down: freeing every object the
    command made, module by module, took 0.06 s after `publisher site` over 2,000
    releases had finished (its index and plans), time a script or a reader of the output
    waited for nothing. (Instagram's `os._exit` at exit, for the same reason.) Under a
    profiler or a tracer (cProfile, a debugger, coverage) it leaves as Python does: they
    write what they measured once the program has returned."""
    if sys.getprofile() is not None or sys.gettrace() is not None:
        raise SystemExit(code)
    shutdown: Callable[[], None] | None = getattr(threading, "_shutdown", None)
    if shutdown is not None:
        shutdown()  # joins the other threads and runs their atexit hooks (thread pools)
    atexit._run_exitfuncs()
    if sys.stdout is not None:
        try:
            sys.stdout.flush()
        except (OSError, ValueError):  # a reader gone (`| head`): Python exits 120 then
            code = code or 120
    if sys.stderr is not None:
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
