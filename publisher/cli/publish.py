"""Publishing commands that go through the incremental engine: build, site, bundle."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from publisher.cli import params
from publisher.core.release import iter_releases
from publisher.publishing.builders.base import PAGE_FORMATS
from publisher.publishing.builders.bundle import BundleBuilder
from publisher.publishing.builders.dist import DistBuilder
from publisher.publishing.builders.site import SiteBuilder
from publisher.workflow.status import resolve_releases

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
    ws = params.workspace()
    targets = resolve_releases(ws, releases or [])
    out_dir = (out or ws.root / "dist").resolve()
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
        report = builder.build(targets)
    for refused in report.refused:
        typer.echo(f"not published: {refused.message}", err=True)
    for failed in report.failed:
        typer.echo(f"error: {failed.format()}", err=True)
    total = len(report.written) + len(report.unchanged)
    typer.echo(f"{total} files in {out_dir} ({len(report.written)} written; {report.summary})")
    if not report.ok:
        raise typer.Exit(1)


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
    jobs: params.JobsOpt = None,
) -> None:
    """Build a static site of every published release.

    Home pages, Atom feeds and a sitemap per language, every release's pages and PDFs.
    """
    ws = params.workspace()
    out_dir = (out or ws.root / "site").resolve()
    builder = SiteBuilder(ws, out_dir=out_dir, base_url=base_url, jobs=params.jobs(jobs))
    with params.progress_bar() as builder.progress:
        report = builder.build(list(iter_releases(ws.releases_dir)))
    for warning in report.warnings:
        typer.echo(f"warning: {warning}", err=True)
    for skipped in report.skipped:
        typer.echo(f"not on the site: {skipped}", err=True)
    typer.echo(
        f"{len(report.releases)} releases in {out_dir}: {len(report.written)} files written, "
        f"{report.unchanged} unchanged"
        + (f", {len(report.removed)} removed" if report.removed else "")
        + f" ({report.summary})"
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
    ws = params.workspace()
    rel = params.release(release, ws)
    target = (out or ws.root / "dist" / f"{rel.slug}.zip").resolve()
    builder = BundleBuilder(ws, target=target, jobs=params.jobs(jobs))
    with params.progress_bar() as builder.progress:
        result = builder.build([rel])
    for refused in result.refused:
        typer.echo(f"not in the bundle: {refused}", err=True)
    typer.echo(f"wrote {target} ({', '.join(result.languages)}; {result.size} bytes)")
