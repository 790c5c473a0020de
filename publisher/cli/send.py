"""`publisher send`: a release to a media list by e-mail (see publishing/builders/send.py)."""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from publisher.cli import params
from publisher.mail.settings import password_from_environment
from publisher.publishing.builders.send import SendBuilder
from publisher.publishing.builders.send_run import (
    ALREADY,
    DEFERRED,
    FAILED,
    HELD,
    NOT_SENT,
    SENT,
    SKIPPED,
    UNKNOWN,
    WRITTEN,
    SendReport,
)

app = typer.Typer()


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM stops a send as Ctrl-C does: the message in flight is logged, then exit."""

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@app.command()
def send(
    release: params.ReleaseArg,
    list_name: Annotated[str, typer.Option("--list", help="The media list (lists/<name>.csv)")],
    tag: Annotated[
        list[str] | None, typer.Option("--tag", help="Only journalists with this tag (repeat)")
    ] = None,
    lang: Annotated[
        list[str] | None, typer.Option("--lang", help="Only these languages (repeat)")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Write each message as a .eml file; send nothing")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for the .eml files of --dry-run")
    ] = None,
    test_to: Annotated[
        str | None,
        typer.Option("--test-to", help="Send one copy of each language version here, only"),
    ] = None,
    resend: Annotated[
        bool, typer.Option("--resend", help="Send a changed release to those who had the old one")
    ] = False,
    resend_unconfirmed: Annotated[
        bool,
        typer.Option(
            "--resend-unconfirmed",
            help="Send again to those whose earlier message was never confirmed",
        ),
    ] = False,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes", help="Send a release under embargo without asking (needed off a terminal)"
        ),
    ] = False,
    as_json: params.JsonOpt = False,
    jobs: params.JobsOpt = None,
) -> None:
    """Send a release to a media list by e-mail.

    One message per journalist, in the languages they read that are approved, with the
    PDFs attached. The send log (releases/<slug>/sends.jsonl) makes a second run send
    only to those not yet confirmed. SMTP settings: [smtp] in publisher.toml; the
    password: the environment variable PUBLISHER_SMTP_PASSWORD.

    A release still under embargo is sent only once confirmed: the command shows the
    embargo, the list and the number of recipients and asks on a terminal; elsewhere it
    needs --yes. The same summary heads --dry-run.
    """
    ws = params.workspace()
    rel = params.release(release, ws)
    if dry_run and out is None:
        out = ws.root / "outbox"
    if out is not None and not dry_run:
        raise typer.BadParameter("--out is for --dry-run")
    say = (lambda text: None) if as_json else (lambda text: typer.echo(text, err=True))
    builder = SendBuilder(
        ws,
        list_name=list_name,
        tags=tag or [],
        langs=params.langs(lang) or [],
        dry_run_dir=ws.check_output(out, folder=True) if out is not None else None,
        test_to=test_to,
        resend=resend,
        resend_unconfirmed=resend_unconfirmed,
        password=password_from_environment(),
        on_start=say,
        jobs=params.jobs(jobs),
        confirm=_ask if _on_terminal() and not as_json else None,
        yes=yes,
    )
    with params.progress_bar() as builder.progress, _sigterm_interrupts():
        report = builder.build([rel])
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print(report)
    if report.interrupted:
        raise typer.Exit(130)
    if not report.ok:
        raise typer.Exit(1)


def _on_terminal() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()


def _ask(summary: str) -> bool:
    """The summary and the question, on the terminal itself: the progress bar holds
    sys.stderr and would keep a line without its newline (the question) from showing."""
    out = sys.__stderr__ or sys.stderr
    out.write(f"{summary}\nSend it now, under embargo? [y/N] ")
    out.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")


_LABELS = {
    SKIPPED: "skipped",
    FAILED: "failed",
    DEFERRED: "deferred",
    UNKNOWN: "unconfirmed",
    HELD: "held back",
    NOT_SENT: "not sent",
}


def _print(report: SendReport) -> None:
    for outcome in report.outcomes:
        label = _LABELS.get(outcome.status)
        if label:
            typer.echo(f"{label}: {outcome.address}: {outcome.reason}", err=True)
    if report.mode == "test":
        for outcome in report.outcomes:
            if outcome.subject:
                typer.echo(f"test copy: {outcome.subject}\n  holds: {outcome.contents}", err=True)
    for lang, reason in sorted(report.not_approved.items()):
        typer.echo(f"not approved: {lang}: {reason}", err=True)
    counts = report.counts()
    if report.mode == "dry-run":
        head = f"wrote {counts.get(WRITTEN, 0)} message(s) to {report.out_dir}; sent nothing"
    elif report.mode == "test":
        head = f"sent {counts.get(SENT, 0)} test message(s); the list was not sent to"
    else:
        head = f"sent {counts.get(SENT, 0)}"
    parts = [head]
    for status, label in (
        (ALREADY, "already had it"),
        (SKIPPED, "skipped"),
        (FAILED, "failed"),
        (DEFERRED, "deferred"),
        (UNKNOWN, "unconfirmed"),
        (HELD, "held back"),
        (NOT_SENT, "not sent"),
    ):
        if counts.get(status):
            parts.append(f"{counts[status]} {label}")
    line = ", ".join(parts)
    if report.stopped:
        line += f" (stopped: {report.stopped})"
    typer.echo(f"{report.release} to {report.list_name}: {line}")
