"""Workspace and release commands: init, new, sync."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer

from publisher.cli import params
from publisher.core.wording import counted
from publisher.errors import UsageError
from publisher.workflow import starter
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
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Ask nothing: the defaults and the flags given")
    ] = False,
    organisation: Annotated[
        list[str] | None,
        typer.Option(
            "--organisation",
            help="The organisation's name (repeat with LANG=NAME for each language: km=ក្រសួង...)",
        ),
    ] = None,
    time_zone: Annotated[
        str | None,
        typer.Option("--time-zone", help="IANA time zone of embargo times (Asia/Phnom_Penh)"),
    ] = None,
    numbering: Annotated[
        str | None,
        typer.Option(
            "--numbering",
            help='Release numbers, e.g. "MFAIC/{year}/{seq:03d}"; "none" for none',
        ),
    ] = None,
    contact: Annotated[
        str | None,
        typer.Option(
            "--contact",
            help='One media contact: "Name; Role; e-mail; phone" (role, e-mail, phone optional)',
        ),
    ] = None,
) -> None:
    """Create a workspace.

    Writes publisher.toml with every section commented, the boilerplate (About
    paragraph, contact roles) from a template, lists/press.csv and releases/. On a
    terminal it asks for what no flag gave (--yes: the defaults); the templates and
    label catalogs stay the package's until you override one (`publisher templates copy`).
    """
    answers = starter.Answers()
    if organisation:
        starter.parse_organisation(organisation, answers)
    if time_zone is not None:
        answers.time_zone = time_zone
    flagged = bool(organisation or time_zone or numbering or contact)
    ask = not yes and not flagged and _on_terminal()
    if ask:
        _ask(answers)
    else:
        if numbering is None:
            answers.numbering = starter.default_numbering(
                answers.organisation.get(starter.SOURCE_LANGUAGE, "")
            )
        elif numbering.strip().lower() != "none":
            answers.numbering = numbering
        if contact:
            answers.contact = starter.parse_contact(contact)
    ws = starter.create_workspace(directory, answers)
    typer.echo(f"created workspace {ws.root}")
    numbered = f" (numbers {answers.numbering})" if answers.numbering else " (no numbers)"
    typer.echo(f"  publisher.toml{numbered}, boilerplate/source.md, lists/press.csv, releases/")
    where = "" if ws.root == Path.cwd().resolve() else f"cd {directory} && "
    typer.echo("next:")
    typer.echo(f"  {where}publisher new SOURCE.docx --date YYYY-MM-DD --place 'Phnom Penh'")
    typer.echo("  publisher translate")
    typer.echo("  publisher status")


def _on_terminal() -> bool:
    """Whether someone can answer questions: stdin is a terminal."""
    return sys.stdin.isatty()


def _ask(answers: starter.Answers) -> None:
    """The questions of a terminal `init`, each with its default."""
    for lang in starter.LANGUAGES:
        answers.organisation[lang] = typer.prompt(
            f"Organisation's name ({lang})", default=answers.organisation.get(lang, "")
        ).strip()
    answers.time_zone = typer.prompt("Time zone of embargo times", default=answers.time_zone)
    pattern = typer.prompt(
        "Release numbers ({year}, {seq}; 'none' for none)",
        default=starter.default_numbering(answers.organisation.get(starter.SOURCE_LANGUAGE, "")),
    )
    answers.numbering = None if pattern.strip().lower() == "none" else pattern
    line = typer.prompt(
        "A media contact: Name; Role; e-mail; phone (empty: none yet)",
        default="",
        show_default=False,
    )
    if line.strip():
        answers.contact = starter.parse_contact(line)


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
            typer.echo(f"{release.label}: up to date")
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
        typer.echo(f"{release.label}: " + "; ".join(parts))
