"""`publisher lists`: the media lists in lists/<name>.csv (see publisher/core/medialists.py)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from publisher.cli import params
from publisher.core.medialists import (
    MediaList,
    add_recipient,
    list_names,
    list_path,
    new_recipient,
    read_list,
    remove_recipient,
)
from publisher.core.workspace import Workspace
from publisher.errors import MediaListError, UsageError

app = typer.Typer()
lists_app = typer.Typer(help="Media lists: who gets a release by e-mail.", no_args_is_help=True)
app.add_typer(lists_app, name="lists")

ListArg = Annotated[str, typer.Argument(help="List name (the file is lists/<name>.csv)")]
OptionalListArg = Annotated[str | None, typer.Argument(help="List name (default: every list)")]


def _allowed(ws: Workspace) -> list[str]:
    return [ws.config.source_language, *ws.config.target_languages]


def _lists(ws: Workspace, name: str | None) -> list[str]:
    if name is not None:
        return [name]
    names = list_names(ws.root)
    if not names:
        raise UsageError(
            "there are no media lists yet; create one with "
            "`publisher lists add LIST EMAIL --name NAME --lang LANG`"
        )
    return names


@lists_app.command("show")
def show(name: OptionalListArg = None, as_json: params.JsonOpt = False) -> None:
    """Show a media list: each journalist with languages, outlet and tags."""
    ws = params.workspace()
    found = [read_list(ws.root, n, _allowed(ws)) for n in _lists(ws, name)]
    if as_json:
        typer.echo(json.dumps([_as_dict(m) for m in found], ensure_ascii=False, indent=2))
        return
    for media in found:
        counts: dict[str, int] = {}
        for r in media.recipients:
            for lang in r.languages:
                counts[lang] = counts.get(lang, 0) + 1
        by_lang = ", ".join(f"{lang} {n}" for lang, n in sorted(counts.items()))
        problems = (
            f"; {len(media.problems)} problem(s): run `publisher lists check {media.name}`"
            if media.problems
            else ""
        )
        typer.echo(
            f"{media.name}: {len(media.recipients)} recipient(s) ({by_lang or 'none'}){problems}"
        )
        for r in media.recipients:
            outlet = f" ({r.outlet})" if r.outlet else ""
            tags = f"  [{' '.join(r.tags)}]" if r.tags else ""
            typer.echo(f"  {r.email}\t{r.name}{outlet}\t{' '.join(r.languages)}{tags}")


def _as_dict(media: MediaList) -> dict[str, object]:
    return {
        "list": media.name,
        "path": str(media.path),
        "recipients": [
            {
                "email": r.email,
                "name": r.name,
                "outlet": r.outlet,
                "languages": list(r.languages),
                "tags": list(r.tags),
                "line": r.line,
            }
            for r in media.recipients
        ],
        "problems": [{"line": p.line, "message": p.message} for p in media.problems],
    }


@lists_app.command("check")
def check(name: OptionalListArg = None, as_json: params.JsonOpt = False) -> None:
    """Check media lists: invalid addresses, duplicates, unknown languages, unsafe cells.

    Every problem is printed as file:line: message; the exit code is 2 if there is one.
    """
    ws = params.workspace()
    found = []
    for list_name in _lists(ws, name):
        try:
            found.append(read_list(ws.root, list_name, _allowed(ws)))
        except MediaListError as exc:  # the whole file is unreadable: one problem
            if name is not None:
                raise
            typer.echo(f"error: {exc.format()}", err=True)
            raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps([_as_dict(m) for m in found], ensure_ascii=False, indent=2))
    total = 0
    for media in found:
        for problem in media.problems:
            if not as_json:
                typer.echo(problem.format(), err=True)
        total += len(media.problems)
        if not as_json:
            extra = (
                f" (columns not used: {', '.join(media.ignored_columns)})"
                if media.ignored_columns
                else ""
            )
            verdict = "ok" if media.ok else f"{len(media.problems)} problem(s)"
            typer.echo(
                f"{media.name}: {len(media.recipients)} valid recipient(s), {verdict}{extra}"
            )
    if total:
        raise typer.Exit(2)


@lists_app.command("add")
def add(
    name: ListArg,
    email: Annotated[str, typer.Argument(help="The journalist's e-mail address")],
    person: Annotated[str, typer.Option("--name", help="The journalist's name")],
    lang: Annotated[
        list[str], typer.Option("--lang", help="A language they read (repeat: --lang km --lang en)")
    ],
    outlet: Annotated[str, typer.Option("--outlet", help="Newspaper, agency or channel")] = "",
    tag: Annotated[
        list[str] | None, typer.Option("--tag", help="A tag such as wire, tv (repeat)")
    ] = None,
) -> None:
    """Add a journalist to a media list (the list is created if new)."""
    ws = params.workspace()
    recipient = new_recipient(
        email, person, lang, outlet=outlet, tags=tag or [], allowed_languages=_allowed(ws)
    )
    if not add_recipient(ws.root, name, recipient, _allowed(ws)):
        raise UsageError(f"{recipient.email} is already on the list {name}")
    path = list_path(ws.root, name).relative_to(ws.root)
    typer.echo(f"added {recipient.email} ({' '.join(recipient.languages)}) to {path}")


@lists_app.command("remove")
def remove(
    name: ListArg,
    email: Annotated[str, typer.Argument(help="The address to remove")],
) -> None:
    """Remove a journalist from a media list."""
    ws = params.workspace()
    removed = remove_recipient(ws.root, name, email)
    if removed is None:
        raise UsageError(f"{email} is not on the list {name}")
    path = list_path(ws.root, name).relative_to(ws.root)
    typer.echo(f"removed {removed.email} ({removed.name}) from {path}")
