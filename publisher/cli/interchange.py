"""Exchange commands: export a language for a translator's tool, import their file back."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from publisher.cli import params
from publisher.core.fsutil import atomic_write_bytes
from publisher.errors import UsageError
from publisher.interchange import EXCHANGE_FORMATS
from publisher.workflow.exchange import export_release, import_file

app = typer.Typer()


@app.command()
def export(
    release: params.ReleaseArg,
    lang: params.TargetLangOpt,
    fmt: Annotated[str, typer.Option("--format", help="xliff or po")] = "xliff",
    out: Annotated[
        Path | None, typer.Option("--out", help="File to write (default: standard output)")
    ] = None,
) -> None:
    """Write one language of a release as XLIFF or PO.

    XLIFF 2.1 for CAT tools, PO for Poedit, Weblate or a text editor.
    """
    fmt = fmt.strip().lower()
    if fmt not in EXCHANGE_FORMATS:
        raise UsageError(f"--format must be one of: {', '.join(EXCHANGE_FORMATS)}")
    ws = params.workspace()
    rel = params.release(release, ws)
    target = ws.check_output(out) if out is not None else None
    data = export_release(rel, params.lang(lang), fmt)
    if target is None:
        typer.echo(data.decode("utf-8"), nl=False)
        return
    atomic_write_bytes(target, data)
    typer.echo(f"wrote {out} ({rel.slug}, {params.lang(lang)}, {fmt})", err=True)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A PO or XLIFF file from `publisher export`")],
    by: Annotated[
        str | None, typer.Option(help="Who imports (default: $PUBLISHER_REVIEWER, git user.name)")
    ] = None,
) -> None:
    """Apply a translator's PO or XLIFF file.

    All or nothing; newer work in the catalogs is never overwritten.
    """
    who = params.reviewer(by)
    with params.progress_bar() as progress:
        reports = import_file(params.workspace(), file, by=who, progress=progress)
    for note in dict.fromkeys(note for report in reports for note in report.notes):
        typer.echo(f"note: {file}: {note}", err=True)
    for report in reports:
        typer.echo(f"{report.label or report.release} {report.lang}: {report.summary()}")
