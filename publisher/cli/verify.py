"""`publisher verify`: every approval signature checked, and what each language rests on."""

from __future__ import annotations

from typing import Annotated

import typer

from publisher.cli import params
from publisher.core.reviewers import Evidence, Register, fingerprint
from publisher.core.wording import counted
from publisher.workflow.evidence import BAD, approval_evidence, check_signatures
from publisher.workflow.status import resolve_releases

app = typer.Typer()

_KINDS = (Evidence.SIGNED.value, Evidence.LINK.value, Evidence.TYPED.value, BAD)


@app.command()
def verify(
    release: Annotated[str | None, typer.Argument(help="Release (default: all)")] = None,
) -> None:
    """Check approval signatures against the register's keys.

    Prints, per language, how many approvals rest on a signature, a personal link
    or a typed name; exit 1 if any signature does not check.
    """
    ws = params.workspace()
    register = Register.load(ws.root)
    keyed = [r for r in register.reviewers if r.key]
    if keyed:
        typer.echo("keys in the register (compare them with the reviewers' own):")
        for r in keyed:
            typer.echo(f"    {r.name}: {fingerprint(r.key)}")
    failed = 0
    for rel in resolve_releases(ws, [release] if release else [], with_boilerplate=True):
        checks = check_signatures(rel, register)
        good = sum(check.problem is None for check in checks)
        line = f"{rel.slug}: {counted(len(checks), 'signature')} checked, {good} good"
        typer.echo(line)
        for check in checks:
            if check.problem is not None:
                failed += 1
                typer.echo(f"  BAD: {check.describe()}: {check.problem}")
        for lang, found in approval_evidence(rel, register, checks=checks).items():
            counts = found.counts
            total = sum(counts.values())
            parts = ", ".join(f"{counts[kind]} {kind}" for kind in _KINDS if counts[kind])
            typer.echo(f"  {lang}: {counted(total, 'approval')}" + (f": {parts}" if parts else ""))
    if failed:
        typer.echo(f"{counted(failed, 'signature')} did not check", err=True)
        raise typer.Exit(1)
