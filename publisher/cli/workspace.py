"""Workspace and release commands: init, new, sync."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from publisher.cli import params
from publisher.core.wording import counted
from publisher.core.workspace import init_workspace
from publisher.errors import UsageError
from publisher.workflow.create import import_release
from publisher.workflow.embargo import parse as parse_embargo
from publisher.workflow.photos import pair_photos
from publisher.workflow.status import resolve_releases
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
