"""`publisher boilerplate`: the About paragraph and contact roles every release carries."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from publisher.cli import params
from publisher.workflow.starter import write_boilerplate

app = typer.Typer()
boilerplate_app = typer.Typer(
    help=(
        "The workspace's boilerplate.\n\n"
        "The About paragraph and media-contact roles every release carries, translated "
        "and approved once (name it `boilerplate` in translate, approve, review, export)."
    ),
    no_args_is_help=True,
)
app.add_typer(boilerplate_app, name="boilerplate")


@boilerplate_app.command("init")
def boilerplate_init(
    source: Annotated[
        Path | None,
        typer.Argument(
            help="A Markdown file: # About ..., the About text, ## Media contacts, then "
            "- one role per item (default: a commented template from publisher.toml)"
        ),
    ] = None,
) -> None:
    """Create boilerplate/ from a Markdown file, or from a commented template.

    The template holds the About paragraph (to replace with the organisation's own
    words) and one role per [[contacts]] entry of publisher.toml, with comments
    saying what each part is.
    """
    ws = params.workspace()
    release = write_boilerplate(ws, source)
    count = len(release.segment_map().segments)
    typer.echo(
        f"created boilerplate/ ({count} segments, languages: "
        f"{', '.join(release.meta.target_languages)}); edit boilerplate/source.md, then "
        "`publisher sync boilerplate` and `publisher translate boilerplate`"
    )
