"""`publisher reviewers`: the register of reviewers, and their personal links."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from publisher.cli import params
from publisher.core.fsutil import read_utf8
from publisher.core.reviewers import Register, fingerprint, iso, now_utc
from publisher.errors import UsageError
from publisher.workflow import register as registering

app = typer.Typer()
reviewers_app = typer.Typer(
    help="The register of reviewers and their personal links.", no_args_is_help=True
)
app.add_typer(reviewers_app, name="reviewers")

NameArg = Annotated[str, typer.Argument(help="The reviewer's name (or one of their aliases)")]


@reviewers_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The name decisions are recorded under")],
    lang: Annotated[list[str], typer.Option("--lang", help="A language they approve (repeat)")],
    alias: Annotated[
        list[str] | None,
        typer.Option("--alias", help="Another way their name is written (repeat)"),
    ] = None,
    email: Annotated[str, typer.Option("--email", help="Their e-mail address")] = "",
    key: Annotated[
        Path | None,
        typer.Option(
            "--key", help="Their SSH public key (.pub): their CLI approvals are then signed"
        ),
    ] = None,
) -> None:
    """Register a reviewer of one or more languages."""
    ws = params.workspace()
    key_text = read_utf8(key, UsageError, "public key") if key is not None else ""
    entry = registering.add_reviewer(
        ws.root, name, lang, aliases=alias or [], email=email, key_text=key_text
    )
    also = f" (also {', '.join(entry.aliases)})" if entry.aliases else ""
    signed = f"; signs with {fingerprint(entry.key)}" if entry.key else ""
    typer.echo(f"added {entry.name}{also}: reviews {', '.join(entry.langs)}{signed}")


@reviewers_app.command("list")
def list_reviewers() -> None:
    """The reviewers, their languages, keys and links."""
    ws = params.workspace()
    register = Register.load(ws.root)
    if not register:
        typer.echo(
            "no reviewers registered: approvals are by typed name "
            "(publisher reviewers add NAME --lang km)"
        )
        return
    now = now_utc()
    for r in register.reviewers:
        parts = [f"{r.name}: {', '.join(r.langs)}"]
        if r.aliases:
            parts.append(f"also {', '.join(r.aliases)}")
        if r.email:
            parts.append(r.email)
        parts.append(f"key {fingerprint(r.key)}" if r.key else "no key")
        if r.link is None:
            parts.append("no link")
        elif r.link.expires <= now:
            parts.append(f"link expired {iso(r.link.expires)}")
        else:
            parts.append(f"link until {iso(r.link.expires)}")
        typer.echo("; ".join(parts))


@reviewers_app.command("remove")
def remove(name: NameArg) -> None:
    """Take a reviewer out of the register (their link stops at once)."""
    entry = registering.remove_reviewer(params.workspace().root, name)
    typer.echo(f"removed {entry.name}; their past decisions stay in the histories")


@reviewers_app.command("invite")
def invite(
    name: NameArg,
    expires: Annotated[
        str, typer.Option("--expires", help="How long the link opens: 30d, 12h, 2w")
    ] = registering.DEFAULT_EXPIRY,
    url: Annotated[
        str | None,
        typer.Option(
            "--url",
            help="The address reviewers reach `publisher serve` at (default: [review] url in "
            "publisher.toml, else this machine's)",
        ),
    ] = None,
) -> None:
    """Print a personal link to the web review app for one reviewer."""
    from publisher.core.workspace import check_review_url

    ws = params.workspace()
    base = check_review_url(url, "--url") if url else ws.config.review_url
    made = registering.invite(ws.root, name, base=base or registering.LOCAL_URL, expires=expires)
    typer.echo(
        f"Personal link for {made.reviewer.name} ({', '.join(made.reviewer.langs)}), until "
        f"{iso(made.expires)}; send it to them alone (whoever holds it decides as them):"
    )
    typer.echo(f"    {made.url}")
    if base is None:
        typer.echo(
            "(this address works on this machine only; give --url or set [review] url for "
            "colleagues on the network)",
            err=True,
        )


@reviewers_app.command("revoke")
def revoke(name: NameArg) -> None:
    """End a reviewer's personal link at once."""
    entry, had = registering.revoke(params.workspace().root, name)
    typer.echo(
        f"{entry.name}'s link is revoked" if had else f"{entry.name} had no link; nothing to revoke"
    )
