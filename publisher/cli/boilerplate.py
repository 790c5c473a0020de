"""`publisher boilerplate`: the About paragraph and contact roles every release carries."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from publisher.cli import params
from publisher.workflow.create import init_boilerplate

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
        Path,
        typer.Argument(
            help="A Markdown file: # About ..., text, ## Media contacts, - one role per item"
        ),
    ],
) -> None:
    """Create boilerplate/ from a Markdown file."""
    ws = params.workspace()
    release = init_boilerplate(ws, source)
    count = len(release.segment_map().segments)
    typer.echo(
        f"created boilerplate/ ({count} segments, languages: "
        f"{', '.join(release.meta.target_languages)}); translate it with "
        "`publisher translate boilerplate --lang km` or export it like a release"
    )
