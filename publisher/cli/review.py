"""Review commands: check, approve, reject, review (interactive), proof.

The interactive review's keys and walk live in publisher/cli/review_prompt.py, what
each decision does in publisher/workflow/decisions.py; this module draws the
segments in a terminal and reads the reviewer's keys.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from publisher.cli import params
from publisher.cli import review_prompt as prompt
from publisher.core.states import State
from publisher.publishing.builders.proof import ProofBuilder
from publisher.workflow import decisions
from publisher.workflow.checking import ReleaseFinding, check_release, count, workspace_glossary
from publisher.workflow.review import approve as approve_segments
from publisher.workflow.review import reject as reject_segment
from publisher.workflow.status import resolve_releases

if TYPE_CHECKING:
    from rich.console import Console

app = typer.Typer()


@app.command()
def check(
    releases: Annotated[list[str] | None, typer.Argument(help="Releases (default: all)")] = None,
    lang: Annotated[list[str] | None, typer.Option("--lang", help="Language (repeat)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
) -> None:
    """Run the translation QA checks.

    Numbers, dates, links, glossary terms, punctuation and Khmer encoding; exit 1 on errors.
    """
    ws = params.workspace()
    named = bool(releases)
    langs = [params.lang(x) for x in lang] if lang else None
    findings: list[ReleaseFinding] = []
    checked: list[tuple[str, list[str]]] = []
    for release in resolve_releases(ws, releases or [], with_boilerplate=True):
        wanted = langs
        if langs is not None and not named:
            # Checking every release: skip languages a release is not translated into.
            wanted = [x for x in langs if x in release.meta.target_languages]
            if not wanted:
                continue
        results = check_release(
            release, wanted, glossary=workspace_glossary(params.workspace().root, release)
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
    """A table per release and language; texts printed as they are (a suggestion holding
    `[www.mfaic.gov.kh]` is not rich markup), each suggestion on a line of its own so
    that copying it never picks up a table's folds or padding."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    console = params.console()
    if not checked:
        console.print("nothing to check: no releases (or none in that language)")
    for slug, langs in checked:
        for code in langs:
            group = [f for f in findings if f.release == slug and f.lang == code]
            if not group:
                console.print(
                    f"{slug} {code}: no findings", highlight=False, soft_wrap=True, markup=False
                )
                continue
            console.print(Text(f"{slug} {code}", style="bold"), highlight=False, soft_wrap=True)
            table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
            table.add_column("segment", no_wrap=True)
            table.add_column("severity", no_wrap=True)
            table.add_column("code", no_wrap=True)
            table.add_column("message", overflow="fold")
            for f in group:
                style = "red" if f.is_error else "yellow"
                table.add_row(
                    Text(f.segment), Text(f.severity, style=style), Text(f.code), Text(f.message)
                )
            console.print(table)
            for f in group:
                if f.suggestion:
                    console.print(
                        f"  {f.segment} suggestion: {f.suggestion}",
                        highlight=False,
                        soft_wrap=True,
                        markup=False,
                    )


@app.command()
def approve(
    release: params.ReleaseArg,
    lang: params.TargetLangOpt,
    by: params.ByOpt = None,
    segment: Annotated[
        list[str] | None, typer.Option("--segment", help="Segment id (repeat)")
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every translated segment")] = False,
    level: Annotated[str, typer.Option(help="reviewed or approved")] = "approved",
    comment: Annotated[str | None, typer.Option(help="Why, for the record")] = None,
    key_file: params.KeyFileOpt = None,
) -> None:
    """Mark segments reviewed or approved.

    An approval is bound to the exact source and translation it was given for;
    a reviewer whose SSH key is in the register signs it.
    """
    ws = params.workspace()
    rel = params.release(release, ws)
    name = params.reviewer(by)
    report = approve_segments(
        rel,
        params.lang(lang),
        by=name,
        segments=segment or [],
        all_segments=all_,
        level=State.parse(level),
        comment=comment,
        sign=params.signer(ws, name, params.lang(lang), key_file),
    )
    verb = State.parse(level).value
    typer.echo(
        f"{rel.label} {params.lang(lang)}: {len(report.changed)} {verb}"
        + (f", {len(report.unchanged)} already {verb}" if report.unchanged else "")
    )
    if report.skipped:
        listed = ", ".join(f"{k} ({v.value})" for k, v in report.skipped.items())
        typer.echo(f"skipped, translate these first: {listed}", err=True)
    if report.own_edits:
        typer.echo(
            f"skipped under the four-eyes rule (you made their current translation): "
            f"{', '.join(report.own_edits)}",
            err=True,
        )


@app.command()
def reject(
    release: params.ReleaseArg,
    lang: params.TargetLangOpt,
    segment: Annotated[str, typer.Option("--segment", help="Segment id")],
    comment: Annotated[str, typer.Option(help="What is wrong")],
    by: params.ByOpt = None,
) -> None:
    """Send a translation back to draft with a comment."""
    rel = params.release(release)
    entry = reject_segment(
        rel, params.lang(lang), segment=segment, by=params.reviewer(by), comment=comment
    )
    typer.echo(f"{rel.label} {params.lang(lang)} {entry.id}: back to {entry.state.value}")


# ---------------------------------------------------------------- interactive review

STATE_STYLES = {
    State.UNTRANSLATED: "bold red",
    State.STALE: "bold magenta",
    State.DRAFT: "yellow",
    State.TRANSLATED: "cyan",
    State.REVIEWED: "blue",
    State.APPROVED: "bold green",
}
TONE_STYLES = {"ok": "green", "warning": "yellow", "error": "bold red", "info": ""}


class _EndOfInput(Exception):
    """Standard input is closed: the walk ends as if the reviewer typed q."""


def _read_line(console: Console, prompt: str) -> str:
    """One line from stdin, so piped input works as well as a keyboard; EOF ends the walk."""
    console.print(prompt, end="", markup=False, highlight=False, soft_wrap=True)
    console.file.flush()
    line = sys.stdin.readline()
    if not line:
        console.print()
        raise _EndOfInput
    line = line.rstrip("\r\n")
    if not sys.stdin.isatty():
        # A transcript of piped input shows what was typed.
        console.print(line, markup=False, highlight=False, soft_wrap=True)
    return line


def _show_item(console: Console, item: decisions.ReviewItem) -> None:
    """The segment as the reviewer needs it: both texts side by side and what to watch for."""
    from rich import box
    from rich.rule import Rule
    from rich.table import Table
    from rich.text import Text

    entry = item.entry
    state = entry.state
    head = Text()
    head.append(f" {entry.id} ", style="bold reverse")
    head.append(f"  {item.position}/{item.total}  ")
    head.append(state.value, style=STATE_STYLES[state])
    head.append(f"  origin: {entry.origin or '-'}  ({entry.kind})", style="dim")
    console.print()
    console.print(Rule(style="dim"))
    console.print(head)
    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False, show_edge=False)
    table.add_column(f"source ({item.source_lang})", ratio=1, overflow="fold")
    table.add_column(f"translation ({item.lang})", ratio=1, overflow="fold")
    target = Text(entry.target) if entry.target else Text("(not translated)", style="red italic")
    table.add_row(Text(entry.source), target)
    console.print(table)
    if entry.previous_source is not None:
        previous = Text("previous source: ", style="magenta") + Text(entry.previous_source)
        console.print(previous, soft_wrap=True)
    if entry.rejection:
        console.print(Text(entry.rejection, style="yellow"), soft_wrap=True)
    for note in entry.notes:  # the translator's own comments: doubts about the source
        console.print(Text("  note ", style="bold magenta") + Text(note.strip()), soft_wrap=True)
    for finding in item.findings:
        style = "bold red" if finding.is_error else "yellow"
        line = Text(f"  {finding.severity} ", style=style)
        line.append(f"{finding.code}: ", style=style)
        line.append(finding.message)
        console.print(line, soft_wrap=True)
        if finding.suggestion:
            fix = Text("    fix: ", style="dim") + Text(finding.suggestion)
            console.print(fix, soft_wrap=True)
    for suggestion in item.suggestions:
        console.print(Text("  suggestion ", style="cyan") + Text(suggestion), soft_wrap=True)
    for event in item.events:
        text = f"  {event.at} {event.action}"
        if event.by:
            text += f" by {event.by}"
        if event.before or event.after:
            text += f" ({event.before or '-'} -> {event.after or '-'})"
        if event.comment:
            text += f": {event.comment}"
        console.print(Text(text, style="dim"), soft_wrap=True)


def _edited_text(console: Console, current: str) -> str:
    """The reviewer's new translation: $EDITOR on a terminal, else one line from stdin."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if editor and sys.stdin.isatty():
        with tempfile.NamedTemporaryFile(
            "w", suffix=".txt", prefix="publisher-review-", delete=False, encoding="utf-8"
        ) as handle:
            handle.write(current + "\n")
            path = Path(handle.name)
        try:
            subprocess.run([*shlex.split(editor), str(path)], check=False)
            return path.read_text(encoding="utf-8").strip()
        finally:
            path.unlink(missing_ok=True)
    return _read_line(console, "new translation (one line; empty keeps it as it is):\n").strip()


@app.command()
def review(
    release: params.ReleaseArg,
    lang: params.TargetLangOpt,
    by: params.ByOpt = None,
    state: Annotated[
        str | None,
        typer.Option(
            "--state",
            help="Segments to show: translated, draft, stale, reviewed, untranslated, approved, "
            "all, or notes (those with a translator's note) (default: draft, translated, "
            "reviewed and stale ones)",
        ),
    ] = None,
    key_file: params.KeyFileOpt = None,
) -> None:
    """Review a language segment by segment in the terminal.

    Each decision is saved at once; quitting or Ctrl-C loses nothing.
    """
    from rich.text import Text

    ws = params.workspace()
    rel = params.release(release, ws)
    code = rel.require_target(params.lang(lang))
    name = params.reviewer(by)
    walk = prompt.ReviewWalk(
        rel,
        code,
        by=name,
        sign=params.signer(ws, name, code, key_file),
        state_filter=state,
        glossary=workspace_glossary(ws.root, rel),
        memory=decisions.memory_lookup(ws.root, rel, code),
    )
    console = params.console()

    def say(message: str, style: str = "") -> None:
        """One message line, never wrapped or read as markup (it may quote a translation)."""
        console.print(Text(message, style=style), soft_wrap=True)

    if walk.finished:
        say(f"{rel.label} {code}: nothing to review")
        return
    interrupted = False
    try:
        while not walk.finished:
            item = walk.item
            _show_item(console, item)
            while not walk.finished and walk.shown is item:
                typed = _read_line(console, prompt.PROMPT)
                key = prompt.parse_key(typed)
                if key is None:
                    if typed.strip():
                        say(
                            f"unknown key {typed.strip().lower()!r}; type ? for the list of keys",
                            "yellow",
                        )
                    continue
                comment = text = None
                if walk.needs_comment(key):
                    comment = _read_line(console, "what is wrong? ")
                elif walk.needs_text(key):
                    text = _edited_text(console, walk.item.entry.target)
                for message in walk.press(key, comment=comment, text=text):
                    say(message.text, TONE_STYLES[message.tone])
    except _EndOfInput:
        pass
    except KeyboardInterrupt:
        interrupted = True
    console.print()
    if walk.reached_end:
        say("end of the list")
    say(walk.summary())
    if interrupted:
        say("interrupted; every decision above is saved")
        raise typer.Exit(130)


@app.command()
def proof(
    release: params.ReleaseArg,
    lang: params.TargetLangOpt,
    fmt: Annotated[str, typer.Option("--format", help="pdf or html")] = "pdf",
    out: Annotated[
        Path | None,
        typer.Option("--out", help="File to write (default: dist/<release>/proof-<lang>.<format>)"),
    ] = None,
) -> None:
    """Print a bilingual proof for reviewers.

    Source and translation side by side with states and QA findings, marked DRAFT.
    """
    ws = params.workspace()
    rel = params.release(release, ws)
    target = ws.check_output(out) if out is not None else None
    path, made = ProofBuilder(ws, lang=params.lang(lang), fmt=fmt, out=target).build([rel])
    typer.echo(
        f"wrote {path} ({len(made.rows)} segments, {made.errors} QA errors, "
        f"{made.warnings} warnings)"
    )
