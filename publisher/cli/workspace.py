"""Workspace and release commands: init, new, sync, status, doctor."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

from publisher.cli import params
from publisher.core.states import ORDER
from publisher.core.workspace import init_workspace
from publisher.errors import PublisherError, UsageError
from publisher.mt.store import list_models
from publisher.render import fonts
from publisher.render.khmer_breaks import icu_version
from publisher.workflow.create import create_release
from publisher.workflow.status import LanguageStatus, release_status, resolve_releases
from publisher.workflow.sync import sync_release

app = typer.Typer()


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the workspace in")] = Path(
        "."
    ),
) -> None:
    """Create a workspace.

    Writes publisher.toml and an empty releases/; the templates and label
    catalogs are the package's until you override one (`publisher templates copy`).
    """
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
    """Import a source release into releases/<slug>/."""
    ws = params.workspace()
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
        target_languages=params.langs(lang),
        source_language=params.lang(source_lang) if source_lang else None,
    )
    count = len(release.segment_map().segments)
    typer.echo(
        f"created {release.root.relative_to(ws.root)} ({count} segments, "
        f"languages: {', '.join(release.meta.target_languages)})"
    )


@app.command()
def sync(releases: params.ReleasesArg = None) -> None:
    """Update the catalogs after the source was edited."""
    for release in resolve_releases(params.workspace(), releases or []):
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
    as_json: params.JsonOpt = False,
) -> None:
    """What is left to do, and what can be published.

    Segments per state and language, and whether each language may be published.
    """
    ws = params.workspace()
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

    console = params.console()
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


def _verdict(s: LanguageStatus) -> str:
    if s.publishable:
        return "[green]yes[/]"
    if s.out_of_sync:
        return "[yellow]run sync[/]"
    return f"[red]no ({len(s.blocking)} left)[/]"


@app.command()
def doctor() -> None:
    """What this machine gives the publisher.

    The renderer, the fonts chosen per language, ICU and the installed
    translation models.
    """
    from rich.table import Table

    lines = fonts.describe()
    lines.append(("ICU (Khmer line breaks)", icu_version() or "MISSING: pip install icu4py"))
    lines.extend(_model_lines())
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for label, value in lines:
        style = "red" if value.startswith(("NO", "MISSING", "not")) else ""
        table.add_row(label, f"[{style}]{value}[/]" if style else value)
    params.console().print(table)


def _model_lines() -> list[tuple[str, str]]:
    try:
        ws = params.workspace()
    except PublisherError:
        return [("Translation models", "(not in a workspace)")]
    try:
        models = list_models(ws.models_dir)
    except PublisherError as exc:
        return [("Translation models", exc.message)]
    if not models:
        return [("Translation models", f"none installed in {ws.models_dir}")]
    return [("Translation model", f"{m.pair} {m.name} ({m.description})") for m in models]
