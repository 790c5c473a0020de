"""`publisher verify`: every approval signature and link seal checked, and what each language
rests on."""

from __future__ import annotations

from typing import Annotated

import typer

from publisher.cli import params
from publisher.core import link_mac
from publisher.core.approvals import history_approvals
from publisher.core.reviewers import Evidence, Register, fingerprint
from publisher.core.wording import counted
from publisher.workflow.evidence import BAD, approval_evidence, check_links, check_signatures
from publisher.workflow.status import resolve_releases

app = typer.Typer()

_KINDS = (Evidence.SIGNED.value, Evidence.LINK.value, Evidence.TYPED.value, BAD)


@app.command()
def verify(
    release: Annotated[str | None, typer.Argument(help="Release (default: all)")] = None,
) -> None:
    """Check approval signatures and personal links' seals.

    Signatures against the register's keys, the seals of approvals made through
    personal links against this machine's link key. Prints, per language, how many
    approvals rest on a signature, a personal link or a typed name; exit 1 if any
    signature or link seal does not check.
    """
    ws = params.workspace()
    register = Register.load(ws.root)
    keyed = [r for r in register.reviewers if r.key]
    if keyed:
        typer.echo("keys in the register (compare them with the reviewers' own):")
        for r in keyed:
            typer.echo(f"    {r.name}: {fingerprint(r.key)}")
    releases = resolve_releases(ws, [release] if release else [], with_boilerplate=True)
    if any(history_approvals(rel).links for rel in releases):
        key, problem = link_mac.load_key(), link_mac.key_problem()
        if key is not None:
            typer.echo(f"link approvals checked with the link key {key.ident} ({key.path})")
        else:
            why = problem or f"none at {link_mac.key_path()}"
            typer.echo(f"no link key on this machine ({why}): link approvals count as typed")
    failed = forged_links = 0
    for rel in releases:
        checks = check_signatures(rel, register)
        good = sum(check.problem is None for check in checks)
        line = f"{rel.slug}: {counted(len(checks), 'signature')} checked, {good} good"
        typer.echo(line)
        for check in checks:
            if check.problem is not None:
                failed += 1
                typer.echo(f"  BAD: {check.describe()}: {check.problem}")
        for link in check_links(rel):
            forged_links += link.forged
            label = "BAD LINK" if link.forged else "UNCHECKED LINK"
            typer.echo(f"  {label}: {link.describe()}: {link.problem}; {link.counted_as}")
        for lang, found in approval_evidence(rel, register, checks=checks).items():
            counts = found.counts
            total = sum(counts.values())
            parts = ", ".join(f"{counts[kind]} {kind}" for kind in _KINDS if counts[kind])
            typer.echo(f"  {lang}: {counted(total, 'approval')}" + (f": {parts}" if parts else ""))
    if failed:
        typer.echo(f"{counted(failed, 'signature')} did not check", err=True)
    if forged_links:
        typer.echo(f"{counted(forged_links, 'link seal')} did not check", err=True)
    if failed or forged_links:
        raise typer.Exit(1)
