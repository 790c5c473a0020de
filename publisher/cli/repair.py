"""`publisher fsck`: report and repair what a crash or a hand edit left inconsistent."""

from __future__ import annotations

from typing import Annotated

import typer

from publisher.cli import params
from publisher.core.release import Release
from publisher.workflow.fsck import check_release, check_workspace, release_roots

app = typer.Typer()


@app.command()
def fsck(
    releases: params.ReleasesArg = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only report; change nothing")] = False,
) -> None:
    """Check releases for interrupted changes and inconsistencies, and repair them.

    Finishes or removes interrupted changes, brings catalogs in line with
    segments.json, removes review records the history does not back and the
    leftovers of interrupted writes. Exit 1 if a problem remains.
    """
    ws = params.workspace()
    roots = [params.release(name, ws).root for name in releases] if releases else release_roots(ws)
    reports = [] if releases else [check_workspace(ws, repair=not dry_run)]
    for root in roots:
        reports.append(check_release(Release.load(root), repair=not dry_run))
    remaining = 0
    for report in reports:
        name = report.slug or "workspace"
        if report.clean:
            if report.slug:
                typer.echo(f"{name}: ok")
            continue
        for problem in report.found:
            typer.echo(f"{name}: found {problem}")
        for action in report.repaired:
            typer.echo(f"{name}: repaired: {action}")
        if dry_run or not report.repaired:
            remaining += 1
    if remaining:
        typer.echo(
            f"{remaining} release(s) with problems left"
            + ("; run without --dry-run to repair" if dry_run else ""),
            err=True,
        )
        raise typer.Exit(1)
