"""Publishing commands that go through the incremental engine: build, site, bundle.

They share the progress bar and the --jobs option.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from publisher.cli import _lang, _release, _ws, app

JOBS_HELP = "Render in N processes (default: the number of cores)"


@contextmanager
def _progress_bar() -> Iterator[Callable[[str, int, int], None]]:
    """A rich progress bar on stderr ("PDFs ━━━━━ 123/600"); silent when not a terminal."""
    import sys

    if not sys.stderr.isatty():  # and rich is not even imported: a no-op stays fast
        yield lambda stage, done, total: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(stderr=True)
    if not console.is_terminal:
        yield lambda stage, done, total: None
        return
    tasks: dict[str, Any] = {}
    columns = (TextColumn("{task.description:<18}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=console, transient=True) as bar:

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


def _jobs(value: int | None) -> int | None:
    from publisher.errors import UsageError

    if value is not None and value < 1:
        raise UsageError("--jobs must be at least 1")
    return value


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
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help=JOBS_HELP)] = None,
) -> None:
    """Publish releases as PDF and HTML in every language that is ready."""
    from publisher.build import FORMATS
    from publisher.build import build as do_build
    from publisher.workflow import resolve_releases

    ws = _ws()
    targets = resolve_releases(ws, releases or [])
    out_dir = (out or ws.root / "dist").resolve()
    with _progress_bar() as steps:
        report = do_build(
            ws,
            targets,
            out_dir=out_dir,
            langs=[_lang(x) for x in lang] if lang else None,
            formats=fmt or FORMATS,
            draft=draft,
            progress=lambda name: typer.echo(f"  wrote {name}"),
            jobs=_jobs(jobs),
            steps=steps,
        )
    for refused in report.refused:
        typer.echo(f"not published: {refused.message}", err=True)
    for failed in report.failed:
        typer.echo(f"error: {failed.format()}", err=True)
    total = len(report.written) + len(report.unchanged)
    typer.echo(
        f"{total} files in {out_dir} ({len(report.written)} written; {report.summary})"
    )
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
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help=JOBS_HELP)] = None,
) -> None:
    """Build a static site of every published release: home pages, feeds, sitemap."""
    from publisher.site.builder import build_site

    ws = _ws()
    out_dir = (out or ws.root / "site").resolve()
    with _progress_bar() as steps:
        report = build_site(ws, out_dir=out_dir, base_url=base_url, jobs=_jobs(jobs), steps=steps)
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
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help=JOBS_HELP)] = None,
) -> None:
    """A zip for wire services: PDF, HTML and wire copy per language, with a manifest."""
    from publisher.bundle import make_bundle

    ws = _ws()
    rel = _release(release)
    target = (out or ws.root / "dist" / f"{rel.slug}.zip").resolve()
    with _progress_bar() as steps:
        result = make_bundle(ws, rel, target, jobs=_jobs(jobs), steps=steps)
    for refused in result.refused:
        typer.echo(f"not in the bundle: {refused}", err=True)
    typer.echo(f"wrote {target} ({', '.join(result.languages)}; {result.size} bytes)")
