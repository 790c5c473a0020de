"""`publisher templates`: which templates the workspace overrides, and copying a default out."""

from __future__ import annotations

from typing import Annotated

import typer

from publisher.cli import params
from publisher.workflow.overrides import copy_template, list_templates

app = typer.Typer()
templates_app = typer.Typer(
    help=(
        "The workspace's template overrides.\n\n"
        "templates/ holds only what the office changed; the rest comes from the package."
    ),
    no_args_is_help=True,
)
app.add_typer(templates_app, name="templates")


@templates_app.command("list")
def templates_list() -> None:
    """Every template, and whether the workspace overrides it."""
    ws = params.workspace()
    for item in list_templates(ws):
        typer.echo(f"{item.name}\t{item.status}")


@templates_app.command("copy")
def templates_copy(
    name: Annotated[str, typer.Argument(help="Template to copy, e.g. print.css")],
    force: Annotated[bool, typer.Option(help="Replace an existing override")] = False,
) -> None:
    """Copy a package default into templates/ for editing."""
    ws = params.workspace()
    target = copy_template(ws, name, force=force)
    typer.echo(f"copied the default {name} to {target.relative_to(ws.root)}; edit it there")
