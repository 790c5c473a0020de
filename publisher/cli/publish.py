"""Publishing commands that go through the incremental engine: build, site, bundle.

The engine and the builders are imported by the command that runs them: a no-op
`publisher site` is answered from its record (publishing/site_memo.py) before either
is imported, which is most of what such a run would cost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from publisher.cli import params
from publisher.core.wording import counted, listing
from publisher.publishing.site_folder import claim_output, mark_output
from publisher.publishing.site_memo import SiteMemo
from publisher.workflow import embargo as embargoes

if TYPE_CHECKING:
    from publisher.core.workspace import Workspace
    from publisher.errors import PublisherError
    from publisher.publishing.builders.site import SiteBuilder, SiteReport

app = typer.Typer()


@app.command()
def build(
    releases: Annotated[list[str] | None, typer.Argument(help="Releases (default: all)")] = None,
    lang: Annotated[list[str] | None, typer.Option("--lang", help="Language (repeat)")] = None,
    fmt: Annotated[
        list[str] | None, typer.Option("--format", help="pdf or html (repeat; default both)")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Output folder (default dist/)")] = None,
    draft: Annotated[
        bool, typer.Option("--draft", help="Publish unapproved text, marked DRAFT on every page")
    ] = False,
    jobs: params.JobsOpt = None,
) -> None:
    """Publish releases as PDF and HTML.

    Every language that the publishing rule allows (all segments approved, no QA
    errors), or everything marked DRAFT with --draft.
    """
    from publisher.publishing.builders.base import PAGE_FORMATS
    from publisher.publishing.builders.dist import DistBuilder
    from publisher.publishing.readiness import workspace_stats
    from publisher.workflow.status import load_releases

    ws = params.workspace()
    stats = workspace_stats(ws)  # hashes and release.toml parses kept from the last build
    targets, broken = load_releases(ws, releases or [], reader=stats.toml)
    out_dir = ws.check_output(out or ws.root / "dist", folder=True)
    with params.progress_bar() as progress:
        builder = DistBuilder(
            ws,
            out_dir=out_dir,
            langs=params.langs(lang),
            formats=fmt or PAGE_FORMATS,
            draft=draft,
            on_write=lambda name: typer.echo(f"  wrote {name}"),
            jobs=params.jobs(jobs),
            progress=progress,
        )
        builder.stats = stats
        report = builder.build(targets)
    report.failed[:0] = broken
    for refused in report.refused:
        typer.echo(f"not published: {refused.message}", err=True)
    if report.refused:
        typer.echo(
            "hint: `publisher build --draft` publishes them anyway, marked DRAFT on every page",
            err=True,
        )
    for failed in report.failed:
        typer.echo(f"error: {failed.format()}", err=True)
    typer.echo(files_written(len(report.written), len(report.unchanged), out_dir))
    typer.echo(report.summary)
    if not report.ok:
        raise typer.Exit(1)


def files_written(written: int, unchanged: int, folder: Path, removed: int = 0) -> str:
    """ "Wrote 2 files in dist; 5 were already up to date." """
    if not written and not unchanged:
        text = f"Wrote nothing in {folder}"
    elif not written:
        text = (
            f"Nothing to write: {'the' if unchanged > 1 else 'its'} {counted(unchanged, 'file')} "
        )
        text += f"in {folder} {'are' if unchanged > 1 else 'is'} up to date"
    else:
        text = f"Wrote {counted(written, 'file')} in {folder}"
        if unchanged:
            text += f"; {unchanged} {'was' if unchanged == 1 else 'were'} already up to date"
    if removed:
        text += f"; removed {counted(removed, 'file')} no longer published"
    return text + "."


@app.command()
def site(
    out: Annotated[Path | None, typer.Option("--out", help="Output folder (default site/)")] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            help="Where the site is served, e.g. https://example.org/press/ (for feeds, sitemap)",
        ),
    ] = None,
    now: Annotated[
        str | None,
        typer.Option("--now", help='Judge embargoes at this time, e.g. "2024-12-02 09:00"'),
    ] = None,
    force: Annotated[
        list[str] | None,
        typer.Option("--force", help="Publish this embargoed release before its time (repeat)"),
    ] = None,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why, recorded in its history (with --force)")
    ] = None,
    overwrite: Annotated[
        bool,
        typer.Option(
            "--overwrite", help="Write into an --out folder that no `publisher site` made"
        ),
    ] = False,
    by: params.ByOpt = None,
    jobs: params.JobsOpt = None,
) -> None:
    """Build a static site of every published release.

    Home pages, Atom feeds and a sitemap per language, every release's pages and PDFs.
    An embargoed release is left out of every file until its time.
    """
    ws = params.workspace()
    out_dir = ws.check_output(out or ws.root / "site", folder=True)
    at = embargoes.now(now, ws.config.time_zone)
    claim_output(ws, out_dir, overwrite=overwrite)
    clocked = now is not None or bool(force)
    memo = SiteMemo(ws, out_dir, {"base_url": base_url})
    answer = None if clocked else memo.answer(at)
    if answer is not None:
        _say_site(
            out_dir,
            releases=answer.releases,
            written=0,
            unchanged=answer.files,
            removed=0,
            summary=answer.summary,
            warnings=answer.warnings,
            skipped=answer.skipped,
            held=answer.held,
            next_lift=answer.next_lift,
        )
        return
    from publisher.publishing.builders.site import SiteBuilder

    builder = SiteBuilder(
        ws,
        out_dir=out_dir,
        base_url=base_url,
        now=at,
        clocked=clocked,
        jobs=params.jobs(jobs),
        memo=memo,
    )
    builder.start_workers()  # while the releases are read (see SiteBuilder.start_workers)
    try:
        report, broken = _build_site(builder, ws, out_dir, force, reason, at, by)
    finally:
        builder.stop_workers()
    for failed in report.failed:
        typer.echo(f"error: {failed}", err=True)
    if report.untouched:
        typer.echo(f"Nothing in {out_dir} was written or removed.")
        typer.echo(report.summary)
        builder.remember(report, broken=broken)
        raise typer.Exit(1)
    _say_site(
        out_dir,
        releases=len(report.releases),
        written=len(report.written),
        unchanged=report.unchanged,
        removed=len(report.removed),
        summary=report.summary,
        warnings=report.warnings,
        skipped=report.skipped,
        held=len(report.embargoed),
        next_lift=report.next_lift,
    )
    builder.remember(report, broken=broken)
    if broken or report.failed:
        raise typer.Exit(1)


def _build_site(
    builder: SiteBuilder,
    ws: Workspace,
    out_dir: Path,
    force: list[str] | None,
    reason: str | None,
    at: dt.datetime,
    by: str | None,
) -> tuple[SiteReport, list[PublisherError]]:
    """Read the releases, publish those forced early, and build the site."""
    from publisher.publishing.readiness import workspace_stats

    builder.stats = workspace_stats(ws)  # hashes and release.toml parses of the last build
    # those the site index answers for are left unread; the broken ones (`unreadable`) are
    # reported with the failed releases and kept as published
    releases = builder.read_releases(builder.stats.toml)
    builder.early = set(
        embargoes.publish_early(
            releases,
            force or [],
            reason,
            at,
            find=lambda slug: params.release(slug, ws),
            reviewer=lambda: params.reviewer(by),
        )
    )
    mark_output(out_dir)
    with params.progress_bar() as builder.progress:
        report = builder.build(releases)
    return report, builder.unreadable  # those read after all included


def _say_site(
    out_dir: Path,
    *,
    releases: int,
    written: int,
    unchanged: int,
    removed: int,
    summary: str,
    warnings: Sequence[str],
    skipped: Sequence[str],
    held: int,
    next_lift: dt.datetime | None,
) -> None:
    """What `site` prints about a build, whether it ran or was answered from its record
    (the same lines: a no-op reads as the full build would)."""
    for warning in warnings:
        typer.echo(f"warning: {warning}", err=True)
    for refused in skipped:
        typer.echo(f"not on the site: {refused}", err=True)
    if skipped:
        typer.echo(
            "hint: the site shows approved languages only; `publisher status` says what is left",
            err=True,
        )
    typer.echo(
        f"The site has {counted(releases, 'release')}. "
        + files_written(written, unchanged, out_dir, removed)
    )
    typer.echo(summary)
    if next_lift is not None:
        typer.echo(
            f"{held} release{'s' * (held != 1)} held back by embargo; the next lifts at "
            f"{next_lift.isoformat()}: build the site again then"
        )


@app.command()
def bundle(
    release: Annotated[str, typer.Argument(help="Release")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Zip file (default dist/<release>.zip)")
    ] = None,
    jobs: params.JobsOpt = None,
) -> None:
    """A zip for wire services.

    PDF, HTML and wire copy per language, with a manifest of checksums and approvals.
    """
    from publisher.publishing.builders.bundle import BundleBuilder

    ws = params.workspace()
    rel = params.release(release, ws)
    target = ws.check_output(out or ws.root / "dist" / f"{rel.slug}.zip")
    builder = BundleBuilder(ws, target=target, jobs=params.jobs(jobs))
    with params.progress_bar() as builder.progress:
        result = builder.build([rel])
    for refused in result.refused:
        typer.echo(f"not in the bundle: {refused}", err=True)
    if result.refused:
        typer.echo(
            "hint: a bundle carries approved languages only; "
            f"`publisher status {rel.short_name}` says what is left",
            err=True,
        )
    typer.echo(f"Wrote {target} ({listing(result.languages)}; {counted(result.size, 'byte')}).")
