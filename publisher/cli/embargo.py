"""`publisher embargo`: set, move or lift a release's embargo."""

from __future__ import annotations

from typing import Annotated

import typer

from publisher.cli import params
from publisher.errors import UsageError
from publisher.workflow import embargo as embargoes

app = typer.Typer()


@app.command()
def embargo(
    release: params.ReleaseArg,
    moment: Annotated[
        str | None,
        typer.Argument(
            help='"2024-12-02 08:00" (in the workspace\'s zone) or 2024-12-02T08:00+07:00'
        ),
    ] = None,
    lift: Annotated[bool, typer.Option("--lift", help="Remove the embargo")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Lift or bring forward an embargo still in force")
    ] = False,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why, recorded in the history (with --force)")
    ] = None,
    by: params.ByOpt = None,
    now: Annotated[
        str | None, typer.Option("--now", help="Judge the embargo at this time (previews)")
    ] = None,
) -> None:
    """Set, move or lift a release's embargo.

    Nothing of an embargoed release appears on the site before its time. The time
    is required; a time without an offset takes the workspace's zone.
    """
    ws = params.workspace()
    rel = params.release(release, ws)
    if lift == (moment is not None):
        raise UsageError("give the embargo time, or --lift to remove the embargo (not both)")
    if reason is not None and not force:
        raise UsageError("--reason goes with --force (lifting an embargo before its time)")
    target = None if lift else embargoes.parse(ws, moment or "")
    at = embargoes.now(now, ws.config.time_zone)
    # Refused before asking who acts (the workflow checks again under the release's lock).
    embargoes.check_change(rel.slug, rel.meta.embargo, target, at=at, force=force, reason=reason)
    change = embargoes.set_embargo(
        ws, rel, target, by=params.reviewer(by), at=at, force=force, reason=reason
    )
    if change.after is None:
        typer.echo(f"{rel.label}: no embargo" + (" (lifted)" if change.before else ""))
    else:
        state = "in force" if change.after > at else "already passed"
        typer.echo(f"{rel.label}: embargoed until {change.after.isoformat()} ({state})")
