"""SIGKILL in the middle of the commands that change releases: afterwards every command agrees
on what the release is (status, build and export), at once or after `publisher fsck`.

Kills land at random times and, to be sure every step of the commit protocol is hit, at each
named point of it (`PUBLISHER_CRASH_AT`, see publisher/core/journal.py).
"""

from __future__ import annotations

import json
import os
import random
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
KILLS = int(os.environ.get("PUBLISHER_CRASH_KILLS", "200"))
POINTS = ("prepared", "manifest", "applying", "applied", "logged")


def _command(ws: Path, rng: random.Random, n: int, tmp: Path) -> list[str]:
    """The next command to kill, with its input prepared so that it has work to do."""
    kind = ("sync", "new", "import", "approve", "translate")[n % 5]
    if kind == "sync":
        source = ws / "releases" / SAMPLE_SLUG / "source.md"
        text = source.read_text(encoding="utf-8")
        extra = "\nA sentence added to the source.\n"
        source.write_text(text.replace(extra, "") if extra in text else text + extra, "utf-8")
        return ["sync", SAMPLE_SLUG]
    if kind == "new":
        return ["new", str(SAMPLE_TXT), "--slug", f"2024-12-02-new-{n}", "--title", "A visit",
                "--date", "2024-12-02"]  # fmt: skip
    if kind == "import":
        path = tmp / f"import-{n}.po"
        catalog = ws / "releases" / COPY / "translations" / "zh-Hans.po"
        po = polib.pofile(str(catalog), wrapwidth=0)
        entry = next(e for e in po if e.msgctxt == "s10")
        entry.msgstr = "结语" if entry.msgstr != "结语" else "总结"
        entry.tcomment = ""
        po.save(str(path))
        return ["import", str(path), "--by", "Li Wei"]
    if kind == "approve":
        if rng.random() < 0.5:
            return ["reject", SAMPLE_SLUG, "--lang", "km", "--segment", rng.choice(["s1", "s2"]),
                    "--comment", "check", "--by", "Chief"]  # fmt: skip
        return ["approve", SAMPLE_SLUG, "--lang", "km", "--all", "--by", "Sok Dara"]
    if rng.random() < 0.5:
        return ["translate", COPY, "--lang", "km", "--engine", "memory", "--force"]
    return ["approve", COPY, "--lang", "km", "--all", "--by", "Sok Dara"]


def _kill(ws: Path, args: list[str], rng: random.Random, point: str | None) -> None:
    env = {**os.environ, "PUBLISHER_REVIEWER": "Sok Dara"}
    if point:
        env["PUBLISHER_CRASH_AT"] = point
    proc = subprocess.Popen(
        [sys.executable, "-m", "publisher", "--workspace", str(ws), *args],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    if point:
        proc.wait(timeout=60)  # it kills itself there (or finishes, if it never gets there)
    else:
        time.sleep(rng.uniform(0.05, 0.7))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    stderr = proc.stderr.read() if proc.stderr else ""
    assert "Traceback" not in stderr, stderr


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
    repaired = Counter[str]()
    for n in range(KILLS):
        point = POINTS[(n // 5) % len(POINTS)] if n < 5 * len(POINTS) * 2 else None
        _kill(ws, _command(ws, rng, n, tmp_path), rng, point)
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
