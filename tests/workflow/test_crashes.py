"""SIGKILL in the middle of the commands that change releases: afterwards every command agrees
on what the release is (status, build and export), at once or after `publisher fsck`.

Every command that changes a release is killed at every named step of its commit
(`PUBLISHER_CRASH_AT`): sync, import, approve, reject and translate at the five steps of the
journal (publisher/core/journal.py), `new`, which assembles a hidden folder and renames it
into place, once its number is recorded and once the folder is complete. Each of these 27
kills is checked to have happened (the command died of SIGKILL there, with work to do).
Together they leave the commit protocol in every state a crash can leave it in: before the
manifest nothing has happened, after it the change must be finished exactly, and no other
state exists. Then each command is killed twice at a random moment (12 kills) for what lies
outside the named steps: start-up, the lock, a temporary file half written. A further kill at
a step already hit runs the same recovery again: it adds minutes (200 random kills held a
worker for about six), not cases.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import polib
import pytest

from publisher.core.segments import SegmentMap
from tests.support.workspace import REPO, SAMPLE_SLUG, SAMPLE_TXT, Cli

COPY = "2024-12-01-copy-of-the-visit"
COMMANDS = ("sync", "new", "import", "approve", "reject", "translate")
#: The named steps of each command's commit (publisher/core/journal.py, workflow/create.py).
JOURNAL_STEPS = ("prepared", "manifest", "applying", "applied", "logged")
STEPS = {command: JOURNAL_STEPS for command in COMMANDS} | {"new": ("numbered", "staged")}
RANDOM_KILLS = 2  # per command


def _command(cli: Cli, ws: Path, kind: str, n: int, tmp: Path) -> list[str]:
    """The command to kill, with its input prepared (in-process) so that it has work to do."""
    if kind == "sync":
        source = ws / "releases" / SAMPLE_SLUG / "source.md"
        text = re.sub(
            r"\nA sentence added to the source \(\d+\)\.\n", "", source.read_text("utf-8")
        )
        source.write_text(f"{text}\nA sentence added to the source ({n}).\n", "utf-8")
        return ["sync", SAMPLE_SLUG]  # a sentence no sync has seen: always a change
    if kind == "new":
        return ["new", str(SAMPLE_TXT), "--slug", f"2024-12-02-new-{n}", "--title", "A visit",
                "--date", "2024-12-02"]  # fmt: skip
    if kind == "import":
        path = tmp / f"import-{n}.po"
        # the sample's catalog as it stands, s10 changed (an import names its release)
        catalog = ws / "releases" / SAMPLE_SLUG / "translations" / "zh-Hans.po"
        po = polib.pofile(str(catalog), wrapwidth=0)
        entry = next(e for e in po if e.msgctxt == "s10")
        entry.msgstr = "结语" if entry.msgstr != "结语" else "总结"
        entry.tcomment = ""
        po.save(str(path))
        return ["import", str(path), "--by", "Li Wei"]
    if kind == "approve":  # one segment sent back first, so there is one to approve
        cli("reject", SAMPLE_SLUG, "--lang", "km", "--segment", "s1", "--comment", "check",
            "--by", "Chief")  # fmt: skip
        return ["approve", SAMPLE_SLUG, "--lang", "km", "--all", "--by", "Sok Dara"]
    if kind == "reject":  # everything approved first, so the rejection changes a decision
        cli("approve", SAMPLE_SLUG, "--lang", "km", "--all", "--by", "Sok Dara")
        return ["reject", SAMPLE_SLUG, "--lang", "km", "--segment", "s2", "--comment", "check",
                "--by", "Chief"]  # fmt: skip
    # translate: approved first, so that the memory's drafts replace approved texts
    cli("approve", COPY, "--lang", "km", "--all", "--by", "Sok Dara")
    return ["translate", COPY, "--lang", "km", "--engine", "memory", "--force"]


def _kill(ws: Path, args: list[str], rng: random.Random, step: str | None) -> None:
    """Run `publisher *args` and kill it: at `step`, or at a random moment."""
    env = {**os.environ, "PUBLISHER_REVIEWER": "Sok Dara"}
    if step:
        env["PUBLISHER_CRASH_AT"] = step
    with subprocess.Popen(
        [sys.executable, "-m", "publisher", "--workspace", str(ws), *args],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    ) as proc:  # fmt: skip
        if not step:
            time.sleep(rng.uniform(0.05, 0.7))
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
        _, stderr = proc.communicate(timeout=60)
    assert "Traceback" not in stderr, stderr
    if step:  # it got there, with work to do, and died there
        assert proc.returncode == -signal.SIGKILL, (args, step, proc.returncode, stderr)


def _views(cli: Cli, ws: Path) -> tuple[dict[tuple[str, str], bool], list[str]]:
    """What status says is publishable, or the one line every command refuses with."""
    status = cli("status", "--json", ok=False)
    if status.exit_code:
        return {}, [status.stderr.strip()]
    verdict = {
        (release["slug"], lang): counts["publishable"]
        for release in json.loads(status.stdout)["releases"]
        for lang, counts in release["languages"].items()
        if release["slug"] != "boilerplate"  # never published on its own
    }
    return verdict, []


def _agree(cli: Cli, ws: Path) -> bool:
    """status, build and export see the same releases; False if they all refuse alike."""
    verdict, refusals = _views(cli, ws)
    out = ws / "check-dist"
    shutil.rmtree(out, ignore_errors=True)
    build = cli("build", "--format", "html", "--out", str(out), ok=False)
    if refusals:
        assert refusals[0] in build.stderr, (refusals, build.stderr)
        return False
    for (slug, lang), publishable in verdict.items():
        assert (out / slug / f"{lang}.html").exists() == publishable, (slug, lang, build.stderr)
        exported = cli("export", slug, "--lang", lang, "--format", "po", ok=False)
        if exported.exit_code:
            # a source edited since its last sync: every command says so
            assert "run `publisher sync" in exported.stderr and not publishable
            continue
        sources = {e.msgctxt: e.msgid for e in polib.pofile(exported.stdout) if not e.obsolete}
        segments = SegmentMap.load(ws / "releases" / slug / "segments.json").segments
        assert sources == {s.id: s.source for s in segments}, (slug, lang)
    return True


@pytest.mark.slow
def test_sigkill_anywhere_leaves_releases_every_command_agrees_on(
    repo_workspace: Path, tmp_path: Path
) -> None:
    ws = repo_workspace
    cli = Cli(ws)
    shutil.copytree(ws / "releases" / SAMPLE_SLUG, ws / "releases" / COPY)
    cli("sync")
    rng = random.Random(20261201)
    kills: list[tuple[str, str | None]] = [
        (command, step) for command in COMMANDS for step in STEPS[command]
    ]
    kills += [(command, None) for _ in range(RANDOM_KILLS) for command in COMMANDS]
    assert len(kills) == 5 * 5 + 2 + 2 * 6
    repaired = Counter[str]()
    for n, (command, step) in enumerate(kills):
        _kill(ws, _command(cli, ws, command, n, tmp_path), rng, step)
        if not _agree(cli, ws):
            fsck = cli("fsck", ok=False)
            assert fsck.exit_code == 0, fsck.stdout + fsck.stderr
            repaired["fsck finished a change"] += 1
            assert _agree(cli, ws), "after fsck, every command must agree"
        else:
            report = cli("fsck", ok=False)  # whatever a kill left is repairable, and repaired
            assert report.exit_code == 0, report.stdout + report.stderr
            if "repaired" in report.stdout:
                repaired["fsck tidied leftovers"] += 1
                assert _agree(cli, ws)
    # The campaign must have hit unfinished changes, not only kills before any write.
    assert repaired["fsck finished a change"] > 0, repaired
