"""`publisher doctor`: what this machine gives the publisher (renderer, fonts, ICU, models)."""

from __future__ import annotations

import typer

from publisher.cli import params
from publisher.errors import PublisherError
from publisher.mt.store import list_models
from publisher.render import fonts
from publisher.render.khmer_breaks import icu_version

app = typer.Typer()


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
