"""Workspace and release commands: init, new, sync, status, doctor."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

from publisher.cli import params
from publisher.core.release import Release
from publisher.core.states import ORDER
from publisher.core.wording import counted
from publisher.core.workspace import init_workspace
from publisher.errors import PublisherError, UsageError
from publisher.mt.store import list_models
from publisher.publishing.readiness import readiness, workspace_stats
from publisher.render import fonts
from publisher.render.khmer_breaks import icu_version
from publisher.workflow.create import import_release
from publisher.workflow.embargo import parse as parse_embargo
from publisher.workflow.photos import pair_photos
from publisher.workflow.status import LanguageStatus, load_releases, resolve_releases
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
        str | None,
        typer.Option(help="Title (default: the file's `# Title`, or its short first paragraph)"),
    ] = None,
    first_line_title: Annotated[
        bool,
        typer.Option(
            "--first-line-title",
            help="The file's first line is the title, even if its paragraph goes on",
        ),
    ] = False,
    accept_changes: Annotated[
        bool,
        typer.Option(
            "--accept-changes",
            help="Import a Word file's tracked changes as if all were accepted",
        ),
    ] = False,
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
    embargo: Annotated[
        str | None,
        typer.Option(
            help='Embargo: "2024-12-02 08:00" (the workspace\'s zone) or with an offset, '
            "2024-12-02T08:00+07:00; the time is required"
        ),
    ] = None,
    photo: Annotated[
        list[Path] | None,
        typer.Option("--photo", help="A JPEG or PNG photo (repeat; each with --caption, --credit)"),
    ] = None,
    caption: Annotated[
        list[str] | None,
        typer.Option("--caption", help="The caption of each --photo, in order"),
    ] = None,
    credit: Annotated[
        list[str] | None,
        typer.Option("--credit", help="The credit of each --photo (or one for all)"),
    ] = None,
    copyright_line: Annotated[
        list[str] | None,
        typer.Option("--copyright", help="Copyright of each --photo (or one for all)"),
    ] = None,
) -> None:
    """Import a source release into releases/<slug>/.

    Says what it imported, and gives a warning for anything it left out or changed.
    """
    ws = params.workspace()
    day = None
    if date:
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            raise UsageError(f"--date must look like 2024-11-30, not {date!r}") from None
    moment = parse_embargo(ws, embargo) if embargo else None
    photos = pair_photos(photo or [], caption or [], credit or [], copyright_line or [])
    result = import_release(
        ws,
        source,
        title=title,
        first_line_title=first_line_title,
        accept_changes=accept_changes,
        slug=slug,
        date=day,
        place=place,
        target_languages=params.langs(lang),
        source_language=params.lang(source_lang) if source_lang else None,
        embargo=moment,
        photos=photos,
    )
    release = result.release
    for notice in result.notices:
        typer.echo(notice.format(source), err=True)
    count = len(release.segment_map().segments)
    typer.echo(
        f"created {release.root.relative_to(ws.root)} ({count} segments, "
        f"languages: {', '.join(release.meta.target_languages)})"
    )
    warnings = sum(1 for n in result.notices if n.level == "warning")
    typer.echo(
        result.summary()
        + (f"; {counted(warnings, 'warning')} above" if warnings else "; nothing left out")
    )
    if release.meta.number:
        typer.echo(f"number: {release.meta.number}")
    if release.meta.embargo:
        typer.echo(f"embargoed until {release.meta.embargo.isoformat()}")


@app.command()
def sync(releases: params.ReleasesArg = None) -> None:
    """Update the catalogs after the source was edited."""
    for release in resolve_releases(params.workspace(), releases or [], with_boilerplate=True):
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

    Segments per state and language, and whether each language may be published by
    the rule `build` applies (approvals and QA errors), with the reasons why not.
    A broken release is reported and the others are shown (exit 2 at the end).
    """
    ws = params.workspace()
    required = ws.config.required_state
    stats = workspace_stats(ws)
    releases, broken = load_releases(
        ws, [release] if release else [], with_boilerplate=True, reader=stats.toml
    )
    results: list[tuple[Release, list[LanguageStatus]]] = []
    for rel in releases:
        try:
            results.append((rel, readiness(ws, rel, stats)))
        except PublisherError as error:
            broken.append(error)
    stats.save()
    if as_json:
        payload = {
            "releases": [
                {
                    "slug": r.slug,
                    "date": r.meta.date.isoformat(),
                    "number": r.meta.number,
                    "embargo": r.meta.embargo.isoformat() if r.meta.embargo else None,
                    "source_language": r.meta.source_language,
                    "required_state": required.value,
                    "languages": {
                        s.lang: {
                            **{st.value: s.counts[st] for st in ORDER},
                            "total": s.total,
                            "publishable": s.publishable,
                            "blocking": s.blocking,
                            "qa_errors": s.qa_errors,
                            "why_not": s.refusals
                            or (["run `publisher sync` first"] if s.out_of_sync else []),
                            "out_of_sync": s.out_of_sync,
                        }
                        for s in langs
                    },
                    "notes": [
                        {"lang": s.lang, "segment": segment, "text": "\n".join(lines)}
                        for s in langs
                        for segment, lines in s.notes.items()
                    ],
                }
                for r, langs in results
            ],
            "errors": [failure.to_dict() for failure in broken],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        _print_status(results, bool(broken))
    for failure in broken:
        typer.echo(f"error: {failure.format()}", err=True)
    if broken:
        raise typer.Exit(2)


def _print_status(results: list[tuple[Release, list[LanguageStatus]]], broken: bool) -> None:
    from rich import box
    from rich.table import Table

    console = params.console()
    if not results and not broken:
        console.print("no releases yet; import one with `publisher new SOURCE`")
    for rel, langs in results:
        # One column per language: fits a narrow terminal however long the state names.
        extra = f", No. {rel.meta.number}" if rel.meta.number else ""
        if rel.meta.embargo is not None:
            extra += f", embargoed until {rel.meta.embargo.isoformat()}"
        console.print(
            f"[bold]{rel.slug}[/]  {rel.meta.date.isoformat()}, source "
            f"{rel.meta.source_language}{extra}",
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
        reasons = [reason for s in langs for reason in s.refusals]
        for reason in reasons:
            console.print(f"  why not: {reason}", highlight=False, soft_wrap=True, markup=False)
        if reasons:
            console.print(
                f"  `publisher build --draft {rel.slug}` publishes a marked draft meanwhile",
                highlight=False,
                soft_wrap=True,
                markup=False,
            )
        noted = [s for s in langs if s.notes]
        if noted:
            count = sum(len(s.notes) for s in noted)
            where = "; ".join(f"{s.lang} {', '.join(s.notes)}" for s in noted)
            console.print(
                f"  translator notes on {counted(count, 'segment')}: {where} (read them: "
                f"`publisher review {rel.slug} --lang {noted[0].lang} --state notes`)",
                highlight=False,
                soft_wrap=True,
                markup=False,
            )


def _verdict(s: LanguageStatus) -> str:
    if s.publishable:
        return "[green]yes[/]"
    if s.out_of_sync:
        return "[yellow]run sync[/]"
    parts = []
    if s.blocking:
        parts.append(f"{len(s.blocking)} left")
    if s.qa_errors:
        parts.append(counted(len(s.qa_errors), "QA error"))
    return f"[red]no ({', '.join(parts)})[/]" if parts else "[red]no[/]"


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
