"""Review commands: check, export, import, review, proof (issue 5)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from publisher.cli import _console, _lang, _release, _reviewer, _ws, app

if TYPE_CHECKING:
    from publisher.checking import ReleaseFinding


@app.command()
def check(
    releases: Annotated[list[str] | None, typer.Argument(help="Releases (default: all)")] = None,
    lang: Annotated[list[str] | None, typer.Option("--lang", help="Language (repeat)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
) -> None:
    """Run the translation QA checks; exit 1 if any error is found."""
    from publisher.checking import check_release, count, workspace_glossary
    from publisher.workflow import resolve_releases

    ws = _ws()
    named = bool(releases)
    langs = [_lang(x) for x in lang] if lang else None
    findings: list[ReleaseFinding] = []
    checked: list[tuple[str, list[str]]] = []
    for release in resolve_releases(ws, releases or []):
        wanted = langs
        if langs is not None and not named:
            # Checking every release: skip languages a release is not translated into.
            wanted = [x for x in langs if x in release.meta.target_languages]
            if not wanted:
                continue
        results = check_release(
            release, wanted, glossary=workspace_glossary(_ws().root, release)
        )
        findings.extend(results)
        checked.append((release.slug, wanted or list(release.meta.target_languages)))
    errors, warnings = count(findings)
    if as_json:
        payload = {
            "findings": [f.to_json() for f in findings],
            "errors": errors,
            "warnings": warnings,
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        _print_findings(findings, checked)
        typer.echo(
            f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
        )
    if errors:
        raise typer.Exit(1)


def _print_findings(findings: list[ReleaseFinding], checked: list[tuple[str, list[str]]]) -> None:
    from rich import box
    from rich.table import Table

    console = _console()
    if not checked:
        console.print("nothing to check: no releases (or none in that language)")
    for slug, langs in checked:
        for code in langs:
            group = [f for f in findings if f.release == slug and f.lang == code]
            if not group:
                console.print(f"{slug} {code}: no findings", highlight=False, soft_wrap=True)
                continue
            console.print(f"[bold]{slug} {code}[/]", highlight=False, soft_wrap=True)
            table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
            table.add_column("segment", no_wrap=True)
            table.add_column("severity", no_wrap=True)
            table.add_column("code", no_wrap=True)
            table.add_column("message", overflow="fold")
            table.add_column("suggestion", overflow="fold")
            for f in group:
                style = "red" if f.is_error else "yellow"
                table.add_row(
                    f.segment,
                    f"[{style}]{f.severity}[/]",
                    f.code,
                    f.message,
                    f.suggestion or "",
                )
            console.print(table)


@app.command()
def export(
    release: Annotated[str, typer.Argument(help="Release")],
    lang: Annotated[str, typer.Option("--lang", help="Target language")],
    fmt: Annotated[str, typer.Option("--format", help="xliff or po")] = "xliff",
    out: Annotated[
        Path | None, typer.Option("--out", help="File to write (default: standard output)")
    ] = None,
) -> None:
    """Write one language of a release as XLIFF 2.1 or PO for a translator's tool."""
    from publisher.errors import UsageError
    from publisher.fsutil import atomic_write_bytes
    from publisher.interchange import FORMATS, export_release

    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of: {', '.join(FORMATS)}")
    rel = _release(release)
    data = export_release(rel, _lang(lang), fmt)
    if out is None:
        typer.echo(data.decode("utf-8"), nl=False)
        return
    atomic_write_bytes(out, data)
    typer.echo(f"wrote {out} ({rel.slug}, {_lang(lang)}, {fmt})", err=True)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A PO or XLIFF file from `publisher export`")],
    by: Annotated[
        str | None, typer.Option(help="Who imports (default: $PUBLISHER_REVIEWER, git user.name)")
    ] = None,
) -> None:
    """Apply a translator's PO or XLIFF file; all or nothing, approvals never forged."""
    from publisher.interchange import import_file

    reports = import_file(_ws(), file, by=_reviewer(by))
    for report in reports:
        typer.echo(f"{report.release} {report.lang}: {report.summary()}")
