"""`publisher lists`: the media lists in lists/<name>.csv (see publisher/core/medialists.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from publisher.cli import params
from publisher.core.fsutil import atomic_write_bytes
from publisher.core.list_import import export_list, import_list, text_of_export
from publisher.core.medialists import (
    MediaList,
    add_recipient,
    list_names,
    list_path,
    new_recipient,
    read_list,
    remove_recipient,
)
from publisher.core.unsubscribes import record_path, unsubscribe
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


@lists_app.command("import")
def import_(
    source: Annotated[Path, typer.Argument(help="A CSV file exported from a spreadsheet")],
    name: Annotated[str, typer.Option("--list", help="The list to write (lists/<name>.csv)")],
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace the list if it exists")
    ] = False,
    encoding: Annotated[
        str | None,
        typer.Option("--encoding", help="The file's encoding, if detection gets it wrong"),
    ] = None,
) -> None:
    """Import a media list from a spreadsheet's CSV export.

    The encoding (UTF-8, UTF-16, a Windows code page) and the delimiter (comma, semicolon,
    tab) are detected. Every bad line is printed as file:line: message and then nothing is
    written (exit 2); addresses in the unsubscribe record are left out.
    """
    ws = params.workspace()
    report = import_list(ws.root, name, source, _allowed(ws), replace=replace, encoding=encoding)
    if report.media.problems:
        for problem in report.media.problems:
            typer.echo(problem.format(), err=True)
        typer.echo(
            f"{source}: {len(report.media.problems)} problem(s); nothing was imported", err=True
        )
        raise typer.Exit(2)
    for address, where in report.unsubscribed:
        typer.echo(f"left out {address}: unsubscribed ({where})", err=True)
    delimiter = {",": "comma", ";": "semicolon", "\t": "tab", "|": "|"}[report.delimiter]
    extra = (
        f"; columns not kept: {', '.join(report.media.ignored_columns)}"
        if report.media.ignored_columns
        else ""
    )
    path = list_path(ws.root, name).relative_to(ws.root)
    typer.echo(
        f"imported {len(report.media.recipients)} recipient(s) into {path} "
        f"({report.encoding}, {delimiter}-separated{extra})"
    )


@lists_app.command("export")
def export(
    name: ListArg,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to this file (default: print)")
    ] = None,
) -> None:
    """Export a media list as CSV UTF-8 for a spreadsheet (unsubscribed addresses left out)."""
    ws = params.workspace()
    data, media, left = export_list(ws.root, name, _allowed(ws))
    media.require_valid()
    for address, where in left:
        typer.echo(f"left out {address}: unsubscribed ({where})", err=True)
    if out is None:
        typer.echo(text_of_export(data), nl=False)
        return
    target = ws.check_output(out, folder=False)
    atomic_write_bytes(target, data)
    typer.echo(f"exported {len(media.recipients) - len(left)} recipient(s) to {target}")


@lists_app.command("unsubscribe")
def unsubscribe_(
    name: Annotated[str, typer.Argument(help="The list, or * for every list")],
    email: Annotated[str, typer.Argument(help="The address that unsubscribed")],
) -> None:
    """Record that an address unsubscribed: it is never mailed from that list again.

    The record is lists/unsubscribed.txt (one `LIST ADDRESS` per line; the office may also
    paste the lines the one-click unsubscribe endpoint logged). It outlives edits and
    re-imports of the list.
    """
    ws = params.workspace()
    address, new = unsubscribe(ws.root, name, email)
    path = record_path(ws.root).relative_to(ws.root)
    if new:
        typer.echo(f"unsubscribed {address} from {name} (recorded in {path})")
    else:
        typer.echo(f"{address} was already unsubscribed from {name} ({path})")
