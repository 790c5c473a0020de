"""`publisher status`: what is left to do, and what can be published."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from publisher.cli import params
from publisher.cli.text_table import Cell, TextTable
from publisher.core.approvals import forged_links
from publisher.core.release import BOILERPLATE, Release
from publisher.core.reviewers import Register
from publisher.core.states import ORDER
from publisher.core.wording import counted
from publisher.errors import MissingSetup, PublisherError
from publisher.publishing.readiness import cached_contact_roles, readiness, workspace_stats
from publisher.workflow.setup_check import Gap, setup_gaps
from publisher.workflow.status import LanguageStatus, load_releases, release_status

if TYPE_CHECKING:
    from rich.console import RenderableType

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
    gaps = setup_gaps(ws, cached_contact_roles(ws, stats))
    stats.save()
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
                    "forged_link_approvals": [
                        {"lang": e.lang, "segment": e.segment, "by": e.by, "at": e.at, "why": why}
                        for e, why in forged_links(r)
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
        for rel, _ in results:
            forged = forged_links(rel)
            if forged:
                shown = ", ".join(f"{e.lang} {e.segment} by {e.by}" for e, _ in forged[:8])
                more = " ..." if len(forged) > 8 else ""
                typer.echo(
                    f"{rel.label}: {counted(len(forged), 'link approval')} not counted, "
                    f"{forged[0][1]}: {shown}{more} (see `publisher verify {rel.short_name}`)"
                )
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
    """The report as text: built with string formatting (`TextTable`), rich drawing only a
    table too wide for the terminal; 200 releases take milliseconds, not a second."""
    console = params.console()
    colour = console.color_system is not None
    out: list[str] = []  # written at once: one write, not thousands
    say = out.append

    def styled(text: str, **style: bool) -> str:
        return typer.style(text, **style) if colour else text

    if gaps:
        say(styled("the workspace still lacks", bold=True))
        for gap in gaps:
            say(f"  {gap.format()}")
    if not any(rel.slug != BOILERPLATE for rel, _ in results) and not broken:
        say("no releases yet; import one with `publisher new SOURCE.docx`")
    for rel, langs in results:
        # One column per language: fits a narrow terminal however long the state names.
        is_boilerplate = rel.slug == BOILERPLATE
        extra = ""
        if rel.meta.embargo is not None:
            extra += f", embargoed until {rel.meta.embargo.isoformat()}"
        where = "boilerplate/" if is_boilerplate else f"releases/{rel.slug}/"
        heading = "boilerplate (About paragraph, contact roles)" if is_boilerplate else rel.label
        say(
            f"{styled(heading, bold=True)}  {rel.meta.date.isoformat()}, source "
            f"{rel.meta.source_language}{extra}  {styled(where, dim=True)}"
        )
        table = TextTable(["state", *(s.lang for s in langs)])
        for st in ORDER:
            table.add_row(st.value, *(str(s.counts[st]) for s in langs))
        table.add_row("total", *(str(s.total) for s in langs), end_section=True)
        table.add_row("approved", *(f"{s.approved_percent:.0f}%" for s in langs))
        table.add_row("publishable", *(_verdict(s) for s in langs))
        if table.fits(console.width):
            out.extend(table.lines(colour))
        else:
            with console.capture() as drawn:
                console.print(_rich_table(table))
            out.append(drawn.get().rstrip("\n"))
        reasons = [reason for s in langs for reason in s.refusals]
        for reason in reasons:
            say(f"  why not: {reason}")
        if reasons and not is_boilerplate:
            say(f"  `publisher build --draft {rel.short_name}` publishes a marked draft meanwhile")
        noted = [s for s in langs if s.notes]
        if noted:
            count = sum(len(s.notes) for s in noted)
            where = "; ".join(f"{s.lang} {', '.join(s.notes)}" for s in noted)
            say(
                f"  translator notes on {counted(count, 'segment')}: {where} (read them: "
                f"`publisher review {rel.short_name} --lang {noted[0].lang} --state notes`)"
            )
    if out:
        typer.echo("\n".join(out), color=colour)


def _rich_table(table: TextTable) -> RenderableType:
    """The table drawn by rich, which wraps its cells to a terminal too narrow for it."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    drawn = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    drawn.add_column(table.headers[0])
    for header in table.headers[1:]:
        drawn.add_column(header, justify="right")
    for i, row in enumerate(table.rows):
        drawn.add_row(
            *(Text(c.text, style=c.colour or "") for c in row), end_section=i in table.section_ends
        )
    return drawn


def _verdict(s: LanguageStatus) -> Cell:
    if s.publishable:
        return Cell("yes", "green")
    if s.out_of_sync:
        return Cell("run sync", "yellow")
    parts = []
    if s.blocking:
        parts.append(f"{len(s.blocking)} left")
    if s.qa_errors:
        parts.append(counted(len(s.qa_errors), "QA error"))
    return Cell(f"no ({', '.join(parts)})" if parts else "no", "red")
