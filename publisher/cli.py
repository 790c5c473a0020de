"""The command line: parse arguments, call the domain, print results.

Heavy libraries (WeasyPrint, Argos, python-docx) are imported inside the
commands that need them, so `publisher --help` and `publisher status` start
in a fraction of a second.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any

import click
import typer
from typer.core import TyperGroup

from publisher.errors import PublisherError, UsageError


class _Group(TyperGroup):
    """Turns user errors into one line on stderr and exit code 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PublisherError as exc:
            typer.echo(f"error: {exc.format()}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            typer.echo("interrupted; nothing half-written was kept", err=True)
            ctx.exit(130)


app = typer.Typer(
    cls=_Group,
    help="Publish one press release in English, Khmer and Chinese, every translation reviewed.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


# Parameters shared by many commands.
ReleaseArg = Annotated[str, typer.Argument(help="Release (its folder name under releases/)")]
TargetLangOpt = Annotated[str, typer.Option("--lang", help="Target language (km, zh-Hans, ...)")]
ByOpt = Annotated[
    str | None, typer.Option("--by", help="Your name (default: $PUBLISHER_REVIEWER, git user.name)")
]


class State_:
    workspace: Path | None = None


@app.callback()
def _main(
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace",
            "-w",
            help="Workspace folder (default: found upwards from the current folder)",
            file_okay=False,
        ),
    ] = None,
) -> None:
    State_.workspace = workspace


def _ws() -> Any:
    from publisher.workspace import open_workspace

    return open_workspace(State_.workspace)


def _release(name: str) -> Any:
    from publisher.release import find_release

    return find_release(_ws().releases_dir, name)


def _lang(code: str) -> str:
    from publisher import languages

    return languages.canonical(code)


def _reviewer(by: str | None) -> str:
    name = by or os.environ.get("PUBLISHER_REVIEWER")
    if not name:
        try:
            name = subprocess.run(
                ["git", "config", "user.name"], capture_output=True, text=True, timeout=5
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            name = ""
    if any(ord(c) < 32 or 0x202A <= ord(c) <= 0x202E for c in name or ""):
        raise UsageError("--by must be a plain name, without line breaks or control characters")
    name = " ".join((name or "").split())
    if not name:
        raise UsageError("say who you are with --by NAME (or set PUBLISHER_REVIEWER)")
    if len(name) > 100 or any(c in name for c in "[]\n"):
        raise UsageError("--by must be a plain name of at most 100 characters")
    return name


def _console() -> Any:
    from rich.console import Console

    return Console()


# ---------------------------------------------------------------- workspace


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the workspace in")] = Path(
        "."
    ),
) -> None:
    """Create a workspace: publisher.toml, releases/, templates/, locales/."""
    from publisher.workspace import init_workspace

    ws = init_workspace(directory)
    typer.echo(f"created workspace {ws.root}")
    typer.echo(
        "next: publisher new SOURCE.txt --title '...' --date YYYY-MM-DD --place 'Phnom Penh'"
    )


@app.command()
def new(
    source: Annotated[Path, typer.Argument(help="The release: .txt, .md or .docx", dir_okay=False)],
    title: Annotated[
        str | None, typer.Option(help="Title (default: the file's first line)")
    ] = None,
    slug: Annotated[
        str | None, typer.Option(help="Folder name (default: date + title words)")
    ] = None,
    date: Annotated[
        str | None, typer.Option(help="Release date, YYYY-MM-DD (default: today)")
    ] = None,
    place: Annotated[
        str | None, typer.Option(help="Place in the dateline, e.g. 'Phnom Penh'")
    ] = None,
    lang: Annotated[
        list[str] | None, typer.Option("--lang", help="Target language (repeat)")
    ] = None,
    source_lang: Annotated[str | None, typer.Option(help="Language of the source")] = None,
) -> None:
    """Import a source release into releases/<slug>/ with empty catalogs."""
    from publisher.workflow import create_release

    ws = _ws()
    day = None
    if date:
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            raise UsageError(f"--date must look like 2024-11-30, not {date!r}") from None
    release = create_release(
        ws,
        source,
        title=title,
        slug=slug,
        date=day,
        place=place,
        target_languages=[_lang(x) for x in lang] if lang else None,
        source_language=_lang(source_lang) if source_lang else None,
    )
    count = len(release.segment_map().segments)
    typer.echo(
        f"created {release.root.relative_to(ws.root)} ({count} segments, "
        f"languages: {', '.join(release.meta.target_languages)})"
    )


@app.command()
def sync(
    releases: Annotated[list[str] | None, typer.Argument(help="Releases (default: all)")] = None,
) -> None:
    """Update the catalogs after the source was edited."""
    from publisher.workflow import resolve_releases, sync_release

    for release in resolve_releases(_ws(), releases or []):
        report = sync_release(release)
        if report.nothing:
            typer.echo(f"{report.slug}: up to date")
            continue
        parts = []
        for label, ids in (
            ("new", report.added),
            ("stale", report.changed),
            ("removed", report.removed),
        ):
            if ids:
                parts.append(f"{len(ids)} {label} ({', '.join(ids)})")
        if report.invalidated:
            parts.append(f"{report.invalidated} reviews invalidated by hand edits")
        typer.echo(f"{report.slug}: " + "; ".join(parts))


@app.command()
def status(
    release: Annotated[str | None, typer.Argument(help="Release (default: all)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
) -> None:
    """Segments per state and language, and what can be published."""
    from publisher.states import ORDER
    from publisher.workflow import release_status, resolve_releases

    ws = _ws()
    required = ws.config.required_state
    results = [
        (r, release_status(r, required)) for r in resolve_releases(ws, [release] if release else [])
    ]
    if as_json:
        payload = {
            "releases": [
                {
                    "slug": r.slug,
                    "date": r.meta.date.isoformat(),
                    "source_language": r.meta.source_language,
                    "required_state": required.value,
                    "languages": {
                        s.lang: {
                            **{st.value: s.counts[st] for st in ORDER},
                            "total": s.total,
                            "publishable": s.publishable,
                            "blocking": s.blocking,
                            "out_of_sync": s.out_of_sync,
                        }
                        for s in langs
                    },
                }
                for r, langs in results
            ]
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    from rich import box
    from rich.table import Table

    console = _console()
    if not results:
        console.print("no releases yet; import one with `publisher new SOURCE`")
    for rel, langs in results:
        # One column per language: fits a narrow terminal however long the state names.
        console.print(
            f"[bold]{rel.slug}[/]  {rel.meta.date.isoformat()}, source {rel.meta.source_language}",
            highlight=False,
            soft_wrap=True,
        )
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column("state")
        for s in langs:
            table.add_column(s.lang, justify="right")
        for st in ORDER:
            table.add_row(st.value, *(str(s.counts[st]) for s in langs))
        table.add_row("total", *(str(s.total) for s in langs), end_section=True)
        table.add_row("approved", *(f"{s.approved_percent:.0f}%" for s in langs))
        table.add_row("publishable", *(_verdict(s) for s in langs))
        console.print(table)


def _verdict(s: Any) -> str:
    if s.publishable:
        return "[green]yes[/]"
    if s.out_of_sync:
        return "[yellow]run sync[/]"
    return f"[red]no ({len(s.blocking)} left)[/]"


@app.command()
def approve(
    release: ReleaseArg,
    lang: TargetLangOpt,
    by: ByOpt = None,
    segment: Annotated[
        list[str] | None, typer.Option("--segment", help="Segment id (repeat)")
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every translated segment")] = False,
    level: Annotated[str, typer.Option(help="reviewed or approved")] = "approved",
    comment: Annotated[str | None, typer.Option(help="Why, for the record")] = None,
) -> None:
    """Mark segments reviewed or approved (bound to their exact text)."""
    from publisher.states import State
    from publisher.workflow import approve as do_approve

    rel = _release(release)
    report = do_approve(
        rel,
        _lang(lang),
        by=_reviewer(by),
        segments=segment or [],
        all_segments=all_,
        level=State.parse(level),
        comment=comment,
    )
    verb = State.parse(level).value
    typer.echo(
        f"{rel.slug} {_lang(lang)}: {len(report.changed)} {verb}"
        + (f", {len(report.unchanged)} already {verb}" if report.unchanged else "")
    )
    if report.skipped:
        listed = ", ".join(f"{k} ({v.value})" for k, v in report.skipped.items())
        typer.echo(f"skipped, translate these first: {listed}", err=True)


@app.command()
def reject(
    release: ReleaseArg,
    lang: TargetLangOpt,
    segment: Annotated[str, typer.Option("--segment", help="Segment id")],
    comment: Annotated[str, typer.Option(help="What is wrong")],
    by: ByOpt = None,
) -> None:
    """Send a translation back to draft with a comment."""
    from publisher.workflow import reject as do_reject

    rel = _release(release)
    entry = do_reject(rel, _lang(lang), segment=segment, by=_reviewer(by), comment=comment)
    typer.echo(f"{rel.slug} {_lang(lang)} {entry.id}: back to {entry.state.value}")


# ---------------------------------------------------------------- publishing
# `build`, `site` and `bundle` live in cli_site.py (the incremental build engine).


@app.command()
def doctor() -> None:
    """What this machine gives the publisher: renderer, fonts, ICU, translation models."""
    from rich.table import Table

    from publisher.render import fonts

    lines = fonts.describe()
    try:
        import icu4py

        lines.append(("ICU (Khmer line breaks)", f"icu4py {getattr(icu4py, '__version__', '')}"))
    except ImportError:
        lines.append(("ICU (Khmer line breaks)", "MISSING: pip install icu4py"))
    lines.extend(_model_lines())
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for label, value in lines:
        style = "red" if value.startswith(("NO", "MISSING", "not")) else ""
        table.add_row(label, f"[{style}]{value}[/]" if style else value)
    _console().print(table)


def _model_lines() -> list[tuple[str, str]]:
    try:
        ws = _ws()
    except PublisherError:
        return [("Argos models", "(not in a workspace)")]
    try:
        from publisher.mt import argos

        models = argos.list_models(ws.models_dir)
    except PublisherError as exc:
        return [("Argos models", exc.message)]
    if not models:
        return [("Argos models", f"none installed in {ws.models_dir}")]
    return [("Argos model", f"{m.name} {m.from_code}->{m.to_code} {m.version}") for m in models]


def main() -> None:
    app(prog_name="publisher")


if __name__ == "__main__":
    sys.exit(main())


# Command groups kept in their own modules register themselves on `app` when imported.
# They import heavy libraries inside their commands only (start-up stays fast).
from publisher import cli_review, cli_site, cli_translate  # noqa: E402, F401
