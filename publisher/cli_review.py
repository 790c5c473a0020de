"""Review commands: check, export, import, review, proof (issue 5)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from publisher.cli import (
    ByOpt,
    ReleaseArg,
    TargetLangOpt,
    _console,
    _lang,
    _release,
    _reviewer,
    _ws,
    app,
)

if TYPE_CHECKING:
    from publisher.checking import ReleaseFinding


@app.command()
def check(
    releases: Annotated[list[str] | None, typer.Argument(help="Releases (default: all)")] = None,
    lang: Annotated[list[str] | None, typer.Option("--lang", help="Language (repeat)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
) -> None:
    """Run the translation QA checks; exit 1 if any error is found."""
    from publisher.checking import check_release, count, workspace_glossary
    from publisher.workflow import resolve_releases

    ws = _ws()
    named = bool(releases)
    langs = [_lang(x) for x in lang] if lang else None
    findings: list[ReleaseFinding] = []
    checked: list[tuple[str, list[str]]] = []
    for release in resolve_releases(ws, releases or []):
        wanted = langs
        if langs is not None and not named:
            # Checking every release: skip languages a release is not translated into.
            wanted = [x for x in langs if x in release.meta.target_languages]
            if not wanted:
                continue
        results = check_release(release, wanted, glossary=workspace_glossary(_ws().root, release))
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
    from rich import box
    from rich.table import Table

    console = _console()
    if not checked:
        console.print("nothing to check: no releases (or none in that language)")
    for slug, langs in checked:
        for code in langs:
            group = [f for f in findings if f.release == slug and f.lang == code]
            if not group:
                console.print(f"{slug} {code}: no findings", highlight=False, soft_wrap=True)
                continue
            console.print(f"[bold]{slug} {code}[/]", highlight=False, soft_wrap=True)
            table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
            table.add_column("segment", no_wrap=True)
            table.add_column("severity", no_wrap=True)
            table.add_column("code", no_wrap=True)
            table.add_column("message", overflow="fold")
            table.add_column("suggestion", overflow="fold")
            for f in group:
                style = "red" if f.is_error else "yellow"
                table.add_row(
                    f.segment,
                    f"[{style}]{f.severity}[/]",
                    f.code,
                    f.message,
                    f.suggestion or "",
                )
            console.print(table)


@app.command()
def export(
    release: ReleaseArg,
    lang: TargetLangOpt,
    fmt: Annotated[str, typer.Option("--format", help="xliff or po")] = "xliff",
    out: Annotated[
        Path | None, typer.Option("--out", help="File to write (default: standard output)")
    ] = None,
) -> None:
    """Write one language of a release as XLIFF 2.1 or PO for a translator's tool."""
    from publisher.errors import UsageError
    from publisher.fsutil import atomic_write_bytes
    from publisher.interchange import FORMATS, export_release

    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of: {', '.join(FORMATS)}")
    rel = _release(release)
    data = export_release(rel, _lang(lang), fmt)
    if out is None:
        typer.echo(data.decode("utf-8"), nl=False)
        return
    atomic_write_bytes(out, data)
    typer.echo(f"wrote {out} ({rel.slug}, {_lang(lang)}, {fmt})", err=True)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A PO or XLIFF file from `publisher export`")],
    by: Annotated[
        str | None, typer.Option(help="Who imports (default: $PUBLISHER_REVIEWER, git user.name)")
    ] = None,
) -> None:
    """Apply a translator's PO or XLIFF file; all or nothing, approvals never forged."""
    from publisher.interchange import import_file

    reports = import_file(_ws(), file, by=_reviewer(by))
    for report in reports:
        typer.echo(f"{report.release} {report.lang}: {report.summary()}")


# ---------------------------------------------------------------- interactive review

STATE_STYLES = {
    "untranslated": "bold red",
    "stale": "bold magenta",
    "draft": "yellow",
    "translated": "cyan",
    "reviewed": "blue",
    "approved": "bold green",
}

REVIEW_KEYS = (
    ("r", "mark reviewed (bound to this exact text)"),
    ("a", "approve"),
    ("e", "edit the translation ($EDITOR on a terminal, otherwise one line here)"),
    ("x", "reject, with a comment saying what is wrong"),
    ("s", "skip to the next segment"),
    ("b", "go back to the previous segment"),
    ("q", "quit (every decision so far is already saved)"),
    ("?", "this help"),
)
_PROMPT = "[r]eviewed [a]pprove [e]dit re[x]ect [s]kip [b]ack [q]uit [?]help > "


class _EndOfInput(Exception):
    """Standard input is closed: the session ends as if the reviewer typed q."""


def _read_line(console: Any, prompt: str) -> str:
    """One line from stdin, so piped input works as well as a keyboard; EOF ends the session."""
    import sys

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


def _show_item(console: Any, item: Any) -> None:
    """The segment as the reviewer needs it: both texts side by side and what to watch for."""
    from rich import box
    from rich.rule import Rule
    from rich.table import Table
    from rich.text import Text

    entry = item.entry
    state = entry.state.value
    head = Text()
    head.append(f" {entry.id} ", style="bold reverse")
    head.append(f"  {item.position}/{item.total}  ")
    head.append(state, style=STATE_STYLES.get(state, ""))
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


def _edited_text(console: Any, current: str) -> str:
    """The reviewer's new translation: $EDITOR on a terminal, else one line from stdin."""
    import os
    import shlex
    import subprocess
    import sys
    import tempfile

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
    release: ReleaseArg,
    lang: TargetLangOpt,
    by: ByOpt = None,
    state: Annotated[
        str | None,
        typer.Option(
            "--state",
            help="Segments to show: translated, draft, stale, reviewed, untranslated, approved "
            "or all (default: draft, translated, reviewed and stale ones)",
        ),
    ] = None,
) -> None:
    """Review a language segment by segment in the terminal; each decision is saved at once."""
    from rich.text import Text

    from publisher import reviewing as rv
    from publisher.checking import workspace_glossary
    from publisher.errors import PublisherError

    ws = _ws()
    rel = _release(release)
    code = rel.require_target(_lang(lang))
    reviewer = _reviewer(by)
    queue = rv.review_queue(rel, code, state)
    console = _console()

    def say(message: str, style: str = "") -> None:
        """One message line, never wrapped or read as markup (it may quote a translation)."""
        console.print(Text(message, style=style), soft_wrap=True)

    if not queue:
        say(f"{rel.slug} {code}: nothing to review")
        return
    glossary = workspace_glossary(ws.root, rel)
    memory = rv.memory_lookup(ws.root, rel, code)
    tally = rv.Tally()
    actions = {
        "a": rv.Decision.APPROVE,
        "r": rv.Decision.REVIEW,
        "x": rv.Decision.REJECT,
        "e": rv.Decision.EDIT,
    }
    index = 0
    interrupted = False
    reached_end = False
    try:
        while index < len(queue):
            item = rv.load_item(
                rel,
                code,
                queue[index],
                position=index + 1,
                total=len(queue),
                glossary=glossary,
                memory=memory,
            )
            _show_item(console, item)
            step = 0  # -1 back, 0 show again, 1 next
            while True:
                key = _read_line(console, _PROMPT).strip().lower()
                if key in ("", "?", "h", "help"):
                    if key:
                        for letter, meaning in REVIEW_KEYS:
                            say(f"  {letter}  {meaning}")
                    continue
                if key in ("q", "quit"):
                    raise _EndOfInput
                if key == "s":
                    tally.add(rv.Decision.SKIP)
                    step = 1
                    break
                if key == "b":
                    if index == 0:
                        say("this is the first segment", "yellow")
                        continue
                    step = -1
                    break
                decision = actions.get(key)
                if decision is None:
                    say(f"unknown key {key!r}; type ? for the list of keys", "yellow")
                    continue
                comment = text = None
                if decision is rv.Decision.REJECT:
                    comment = _read_line(console, "what is wrong? ")
                elif decision is rv.Decision.EDIT:
                    text = _edited_text(console, item.entry.target)
                    if not text:
                        say("translation unchanged", "yellow")
                        continue
                try:
                    stored = rv.decide(
                        rel,
                        code,
                        item.entry.id,
                        decision,
                        by=reviewer,
                        shown_target=item.entry.target,
                        comment=comment,
                        text=text,
                    )
                except PublisherError as exc:
                    say(f"not saved: {exc.message}", "bold red")
                    if decision is rv.Decision.EDIT:
                        break  # show the segment as it is now
                    continue
                if stored is None:
                    say(
                        f"{item.entry.id}: "
                        + (
                            "translation unchanged"
                            if decision is rv.Decision.EDIT
                            else f"already {item.state.value}, nothing to save"
                        )
                    )
                else:
                    tally.add(decision)
                    say(f"{item.entry.id}: {decision.value}, now {stored.state.value}", "green")
                    errors = sum(f.is_error for f in item.findings)
                    if errors and decision in (rv.Decision.APPROVE, rv.Decision.REVIEW):
                        say(f"note: {errors} QA error(s) remain; the build refuses them", "yellow")
                # After an edit the reviewer sees the new text and decides on it.
                step = 0 if decision is rv.Decision.EDIT else 1
                break
            index += step
        reached_end = True
    except _EndOfInput:
        pass
    except KeyboardInterrupt:
        interrupted = True
    console.print()
    if reached_end:
        say("end of the list")
    left = len(rv.review_queue(rel, code))
    say(
        f"{rel.slug} {code}: {tally.summary()}; {left} segment{'s' * (left != 1)} "
        f"still need{'s' * (left == 1)} review"
    )
    if interrupted:
        say("interrupted; every decision above is saved")
        raise typer.Exit(130)


# ---------------------------------------------------------------- proof


@app.command()
def proof(
    release: ReleaseArg,
    lang: TargetLangOpt,
    fmt: Annotated[str, typer.Option("--format", help="pdf or html")] = "pdf",
    out: Annotated[
        Path | None,
        typer.Option("--out", help="File to write (default: dist/<release>/proof-<lang>.<format>)"),
    ] = None,
) -> None:
    """Print a bilingual proof (source | translation, states, QA) marked DRAFT, for reviewers."""
    from publisher.proof import write_proof

    ws = _ws()
    rel = _release(release)
    path, made = write_proof(ws, rel, _lang(lang), fmt=fmt, out=out)
    typer.echo(
        f"wrote {path} ({len(made.rows)} segments, {made.errors} QA errors, "
        f"{made.warnings} warnings)"
    )
