"""`publisher photo`: the photos of a release, with their captions, credits and copyright."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from publisher.cli import params
from publisher.core.photos import PHOTOS_DIR
from publisher.core.wording import counted
from publisher.errors import UsageError
from publisher.workflow.photos import NewPhoto, PhotoReport, add_photo, edit_photo, remove_photo
from publisher.workflow.sync import SyncReport

app = typer.Typer()
photo_app = typer.Typer(
    help=(
        "A release's photos.\n\n"
        "JPEG or PNG files kept in the release's photos/ folder; each caption is a segment, "
        "translated and approved like the text, credit and copyright are printed as given."
    ),
    no_args_is_help=True,
)
app.add_typer(photo_app, name="photo")

CaptionOpt = Annotated[
    str, typer.Option("--caption", help="What the photo shows, in the source language")
]
CreditOpt = Annotated[str, typer.Option("--credit", help="Who took or supplied the photo")]
CopyrightOpt = Annotated[
    str | None, typer.Option("--copyright", help='Copyright line, e.g. "© 2024 MFAIC"')
]
PhotoArg = Annotated[str, typer.Argument(help="The photo's file name in photos/ (photo list)")]
CreditInOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--credit-in", help='The credit as a language writes it: km="..." (repeat per language)'
    ),
]
CopyrightInOpt = Annotated[
    list[str] | None,
    typer.Option("--copyright-in", help='The copyright line in a language: zh-Hans="..."'),
]


def by_language(values: list[str] | None, option: str) -> dict[str, str]:
    """`LANG=TEXT` options as a dict (the language checked by the workflow)."""
    out: dict[str, str] = {}
    for value in values or []:
        lang, equals, text = value.partition("=")
        if not equals or not lang.strip():
            raise UsageError(f'{option} takes LANG=TEXT, like km="...", not {value!r}')
        out[lang.strip()] = text
    return out


def _echo_sync(report: SyncReport) -> None:
    if report.added:
        typer.echo(
            f"new {counted(len(report.added), 'segment')} {', '.join(report.added)}: "
            f"untranslated in every language (publisher translate {report.slug})"
        )
    if report.changed:
        changed = ", ".join(report.changed)
        typer.echo(f"{counted(len(report.changed), 'segment')} to review again: {changed}")
    if report.removed:
        typer.echo(f"kept as obsolete: {', '.join(report.removed)}")


def _said(report: PhotoReport, verb: str) -> None:
    facts = report.facts
    kind = {"jpg": "JPEG", "png": "PNG"}.get(facts.extension, "") if facts else ""
    size = f" ({facts.width} x {facts.height} {kind})" if facts else ""
    typer.echo(f"{report.slug}: {verb} {PHOTOS_DIR}/{report.photo.file}{size}")
    _echo_sync(report.sync)


@photo_app.command("add")
def photo_add(
    release: params.ReleaseArg,
    file: Annotated[Path, typer.Argument(help="A JPEG or PNG file", dir_okay=False)],
    caption: CaptionOpt,
    credit: CreditOpt,
    copyright_line: CopyrightOpt = None,
    credit_in: CreditInOpt = None,
    copyright_in: CopyrightInOpt = None,
    by: params.ByOpt = None,
) -> None:
    """Add a photo to a release.

    The file is checked (JPEG or PNG, at most 40 MB and 120 megapixels, not damaged)
    and copied into photos/; its caption becomes a new segment to translate.
    """
    ws = params.workspace()
    rel = params.release(release, ws)
    new = NewPhoto(
        file,
        caption,
        credit,
        copyright_line,
        by_language(credit_in, "--credit-in"),
        by_language(copyright_in, "--copyright-in"),
    )
    report = add_photo(rel, new, by=params.reviewer(by))
    _said(report, "added")


@photo_app.command("edit")
def photo_edit(
    release: params.ReleaseArg,
    name: PhotoArg,
    caption: Annotated[str | None, typer.Option("--caption", help="A new caption")] = None,
    credit: Annotated[str | None, typer.Option("--credit", help="A new credit")] = None,
    copyright_line: CopyrightOpt = None,
    credit_in: CreditInOpt = None,
    copyright_in: CopyrightInOpt = None,
    by: params.ByOpt = None,
) -> None:
    """Change a photo's caption, credit or copyright.

    A new caption is a source edit: its translations must be reviewed again.
    """
    ws = params.workspace()
    rel = params.release(release, ws)
    report = edit_photo(
        rel,
        name,
        caption=caption,
        credit=credit,
        copyright_line=copyright_line,
        credits=by_language(credit_in, "--credit-in"),
        copyrights=by_language(copyright_in, "--copyright-in"),
        by=params.reviewer(by),
    )
    _said(report, "changed")


@photo_app.command("remove")
def photo_remove(release: params.ReleaseArg, name: PhotoArg, by: params.ByOpt = None) -> None:
    """Remove a photo from a release (its caption's translations are kept as obsolete)."""
    ws = params.workspace()
    rel = params.release(release, ws)
    _said(remove_photo(rel, name, by=params.reviewer(by)), "removed")


@photo_app.command("list")
def photo_list(release: params.ReleaseArg, as_json: params.JsonOpt = False) -> None:
    """List a release's photos with their captions, credits and copyright."""
    ws = params.workspace()
    rel = params.release(release, ws)
    segments = {
        leaf.photo: leaf.children[0].segment
        for leaf in rel.synced_document().blocks
        if leaf.kind == "figure" and leaf.children
    }
    rows = [
        {
            "file": f"{PHOTOS_DIR}/{p.file}",
            "segment": segments.get(p.file),
            "caption": p.caption,
            "credit": p.credit,
            "credits": p.credits,
            "copyright": p.copyright,
            "copyrights": p.copyrights,
        }
        for p in rel.meta.photos
    ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo(
            f"{rel.label}: no photos (add one with `publisher photo add {rel.short_name} FILE`)"
        )
    for row in rows:
        typer.echo(f"{row['file']}  [{row['segment']}]  {row['caption']}")
        credit = f"  credit: {row['credit']}"
        typer.echo(credit + (f"; {row['copyright']}" if row["copyright"] else ""))
