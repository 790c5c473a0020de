"""Suggestions waiting in a catalog: list them, accept one, drop one."""

from __future__ import annotations

from typing import Annotated

import typer

from publisher.cli import params
from publisher.core.wording import counted
from publisher.workflow.suggestions import accept, drop, list_suggestions

app = typer.Typer()
suggestions_app = typer.Typer(
    help="Suggestions waiting in a catalog: list, accept, drop.\n\n"
    "Translations offered but not used: a translator's text that met a newer edit on "
    "`publisher import`, and fuzzy memory matches from `publisher translate`.",
    no_args_is_help=True,
)
app.add_typer(suggestions_app, name="suggestions")

NumberOpt = Annotated[
    int | None,
    typer.Option("--number", "-n", help="Which suggestion (1, 2, ...), if the segment has several"),
]
SegmentOpt = Annotated[str, typer.Option("--segment", help="Segment id")]


@suggestions_app.command("list")
def list_(
    release: params.ReleaseArg,
    lang: params.TargetLangOpt,
    segment: Annotated[
        list[str] | None, typer.Option("--segment", help="Segment id (repeat)")
    ] = None,
) -> None:
    """Every suggestion of a language, with the segment's current translation."""
    rel = params.release(release)
    code = params.lang(lang)
    found = list_suggestions(rel, code, segment or None)
    path = rel.catalog_path(code).relative_to(rel.root.parent.parent)
    if not found:
        typer.echo(f"{rel.slug} {code}: no suggestions in {path}")
        return
    total = sum(len(s.suggestions) for s in found)
    typer.echo(f"{rel.slug} {code}: {counted(total, 'suggestion')} in {path}")
    for item in found:
        current = item.entry.target or "(untranslated)"
        typer.echo(f"{item.entry.id} ({item.entry.state.value}): {current}")
        for suggestion in item.suggestions:
            typer.echo(f"  {suggestion.number}. {suggestion.text}")
            typer.echo(f"     from {suggestion.origin}")
    typer.echo(
        f"take one with `publisher suggestions accept {rel.short_name} --lang {code} --segment ID"
        " [--number N]`, or drop it with `publisher suggestions drop ...`"
    )


@suggestions_app.command("accept")
def accept_(
    release: params.ReleaseArg,
    lang: params.TargetLangOpt,
    segment: SegmentOpt,
    number: NumberOpt = None,
    by: params.ByOpt = None,
) -> None:
    """Make a suggestion the segment's translation (and take it out of the catalog)."""
    rel = params.release(release)
    code = params.lang(lang)
    entry = accept(rel, code, segment, number, by=params.reviewer(by))
    typer.echo(f"{rel.label} {code} {entry.id}: {entry.state.value}: {entry.target}")


@suggestions_app.command("drop")
def drop_(
    release: params.ReleaseArg,
    lang: params.TargetLangOpt,
    segment: SegmentOpt,
    number: NumberOpt = None,
    all_: Annotated[bool, typer.Option("--all", help="Every suggestion of the segment")] = False,
    by: params.ByOpt = None,
) -> None:
    """Take a suggestion out of the catalog without using it."""
    rel = params.release(release)
    code = params.lang(lang)
    dropped = drop(rel, code, segment, number, by=params.reviewer(by), all_=all_)
    typer.echo(f"{rel.label} {code} {segment}: dropped {counted(len(dropped), 'suggestion')}")
