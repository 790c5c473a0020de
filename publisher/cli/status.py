"""`publisher status`: what is left to do, and what can be published."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from publisher.cli import params
from publisher.core.release import BOILERPLATE, Release
from publisher.core.reviewers import Register
from publisher.core.states import ORDER
from publisher.core.wording import counted
from publisher.errors import MissingSetup, PublisherError
from publisher.publishing.readiness import readiness, workspace_stats
from publisher.workflow.setup_check import Gap, setup_gaps
from publisher.workflow.status import LanguageStatus, load_releases, release_status

app = typer.Typer()


@app.command()
def status(
    release: Annotated[str | None, typer.Argument(help="Release (default: all)")] = None,
    as_json: params.JsonOpt = False,
) -> None:
    """What is left to do, and what can be published.

    Segments per state and language, and whether each language may be published by
    the rule `build` applies (approvals and QA errors), with the reasons why not.
    A broken release is reported and the others are shown (exit 2 at the end).
    """
    ws = params.workspace()
    required = ws.config.required_state
    stats = workspace_stats(ws)
    releases, broken = load_releases(
        ws, [release] if release else [], with_boilerplate=True, reader=stats.toml
    )
    results: list[tuple[Release, list[LanguageStatus]]] = []
    for rel in releases:
        try:
            results.append((rel, readiness(ws, rel, stats)))
        except MissingSetup as missing:  # the workspace's gap, said as the reason
            langs = release_status(rel, required)
            for lang in langs:
                lang.refusals = [f"{rel.label}: {lang.lang} not published: {missing.message}"]
                lang.judged = True
            results.append((rel, langs))
        except PublisherError as error:
            broken.append(error)
    stats.save()
    gaps = setup_gaps(ws)
    register = Register.load(ws.root)
    approvals_by = (
        f"the register's reviewers ({counted(len(register.reviewers), 'entry', 'entries')})"
        if register
        else "typed name (no register of reviewers: publisher reviewers add NAME --lang km)"
    )
    if as_json:
        payload = {
            "approvals_by": "register" if register else "typed name",
            "releases": [
                {
                    "slug": r.slug,
                    "date": r.meta.date.isoformat(),
                    "number": r.meta.number,
                    "embargo": r.meta.embargo.isoformat() if r.meta.embargo else None,
                    "source_language": r.meta.source_language,
                    "required_state": required.value,
                    "languages": {
                        s.lang: {
                            **{st.value: s.counts[st] for st in ORDER},
                            "total": s.total,
                            "publishable": s.publishable,
                            "blocking": s.blocking,
                            "qa_errors": s.qa_errors,
                            "why_not": s.refusals
                            or (["run `publisher sync` first"] if s.out_of_sync else []),
                            "out_of_sync": s.out_of_sync,
                        }
                        for s in langs
                    },
                    "notes": [
                        {"lang": s.lang, "segment": segment, "text": "\n".join(lines)}
                        for s in langs
                        for segment, lines in s.notes.items()
                    ],
                }
                for r, langs in results
            ],
            "errors": [failure.to_dict() for failure in broken],
            "missing": [{"what": gap.what, "how": gap.how} for gap in gaps],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        _print_status(results, bool(broken), gaps)
        typer.echo(f"approvals are by {approvals_by}")
        if ws.config.require:
            typer.echo(f'[review] require = "{ws.config.require}" (see `publisher verify`)')
    for failure in broken:
        typer.echo(f"error: {failure.format()}", err=True)
    if broken:
        raise typer.Exit(2)


def _print_status(
    results: list[tuple[Release, list[LanguageStatus]]], broken: bool, gaps: list[Gap]
) -> None:
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    console = params.console()
    if gaps:
        console.print("[bold]the workspace still lacks[/]")
        for gap in gaps:
            console.print(f"  {gap.format()}", highlight=False, soft_wrap=True, markup=False)
    if not any(rel.slug != BOILERPLATE for rel, _ in results) and not broken:
        console.print("no releases yet; import one with `publisher new SOURCE.docx`", markup=False)
    for rel, langs in results:
        # One column per language: fits a narrow terminal however long the state names.
        is_boilerplate = rel.slug == BOILERPLATE
        extra = ""
        if rel.meta.embargo is not None:
            extra += f", embargoed until {rel.meta.embargo.isoformat()}"
        where = "boilerplate/" if is_boilerplate else f"releases/{rel.slug}/"
        heading = "boilerplate (About paragraph, contact roles)" if is_boilerplate else rel.label
        console.print(
            f"[bold]{escape(heading)}[/]  {rel.meta.date.isoformat()}, source "
            f"{rel.meta.source_language}{extra}  [dim]{escape(where)}[/]",
            highlight=False,
            soft_wrap=True,
        )
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column("state")
        for s in langs:
            table.add_column(s.lang, justify="right")
        for st in ORDER:
            table.add_row(st.value, *(str(s.counts[st]) for s in langs))
        table.add_row("total", *(str(s.total) for s in langs), end_section=True)
        table.add_row("approved", *(f"{s.approved_percent:.0f}%" for s in langs))
        table.add_row("publishable", *(_verdict(s) for s in langs))
        console.print(table)
        reasons = [reason for s in langs for reason in s.refusals]
        for reason in reasons:
            console.print(f"  why not: {reason}", highlight=False, soft_wrap=True, markup=False)
        if reasons and not is_boilerplate:
            console.print(
                f"  `publisher build --draft {rel.short_name}` publishes a marked draft meanwhile",
                highlight=False,
                soft_wrap=True,
                markup=False,
            )
        noted = [s for s in langs if s.notes]
        if noted:
            count = sum(len(s.notes) for s in noted)
            where = "; ".join(f"{s.lang} {', '.join(s.notes)}" for s in noted)
            console.print(
                f"  translator notes on {counted(count, 'segment')}: {where} (read them: "
                f"`publisher review {rel.short_name} --lang {noted[0].lang} --state notes`)",
                highlight=False,
                soft_wrap=True,
                markup=False,
            )


def _verdict(s: LanguageStatus) -> str:
    if s.publishable:
        return "[green]yes[/]"
    if s.out_of_sync:
        return "[yellow]run sync[/]"
    parts = []
    if s.blocking:
        parts.append(f"{len(s.blocking)} left")
    if s.qa_errors:
        parts.append(counted(len(s.qa_errors), "QA error"))
    return f"[red]no ({', '.join(parts)})[/]" if parts else "[red]no[/]"
