"""Two people at once, and a crash in the middle of a write.

Workers are separate Python processes calling the same domain functions the
CLI calls, so the release lock and the atomic writes are exercised for real.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import polib
import pytest

from publisher.core.catalog import Catalog
from publisher.core.release import Release
from publisher.core.states import State
from publisher.workflow.fsck import check_release
from publisher.workflow.review import approve
from tests.support.releases import catalog, history
from tests.support.workspace import REPO, SAMPLE_SLUG

WORKER = """
import sys
from pathlib import Path
from publisher.core.release import Release
from publisher.workflow.review import approve, reject
from publisher.workflow.session import changing, set_translation

root, action, lang, segments = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4].split(",")
release = Release.load(root)
if action == "approve":
    for seg in segments:
        approve(release, lang, by=f"worker {lang}", segments=[seg])
elif action == "edit":
    for seg in segments:
        with changing(release) as session:
            entry = session.catalog(lang).get(seg)
            set_translation(session, lang, seg, entry.target + " ", origin="human",
                            draft=False, by="editor")
elif action == "flip":  # forever: reject and approve again, until killed
    n = 0
    while True:
        seg = segments[n % len(segments)]
        reject(release, lang, segment=seg, by="chief", comment=f"round {n}")
        approve(release, lang, by="chief", segments=[seg])
        n += 1
"""


def _translated_release(repo_workspace: Path) -> Path:
    """The sample with every km translation present but not approved (hand-edited)."""
    release = repo_workspace / "releases" / SAMPLE_SLUG
    for lang in ("km", "zh-Hans"):
        path = release / "translations" / f"{lang}.po"
        po = polib.pofile(str(path))
        for entry in po:
            entry.tcomment = ""  # drop the review records: every segment is `translated`
        po.save()
    return release


def _run(root: Path, action: str, lang: str, segments: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, str(root), action, lang, ",".join(segments)],
        cwd=REPO,
        stderr=subprocess.PIPE,
        text=True,
    )


def _repaired_states(release: Path, lang: str) -> dict[str, State]:
    """The states as every command sees them, after fsck finished any interrupted change."""
    check_release(Release.load(release), repair=True)
    return {e.id: e.state for e in catalog(release.parents[1], lang, release.name)}


def test_concurrent_commands_lose_no_decision(repo_workspace: Path) -> None:
    release = _translated_release(repo_workspace)
    ids = list(_repaired_states(release, "km"))
    first, second = ids[: len(ids) // 2], ids[len(ids) // 2 :]
    for round_number in range(3):
        if round_number:
            _translated_release(repo_workspace)
        before = len(history(release.parents[1], release.name))
        workers = [
            _run(release, "approve", "km", first),
            _run(release, "approve", "km", second),
            _run(release, "edit", "zh-Hans", ids),
        ]
        for worker in workers:
            _, err = worker.communicate(timeout=120)
            assert worker.returncode == 0, err
        assert set(_repaired_states(release, "km").values()) == {State.APPROVED}
        zh = Catalog.load(release / "translations" / "zh-Hans.po")
        assert all(e.target.endswith(" " * (round_number + 1)) for e in zh)
        events = history(release.parents[1], release.name)[before:]
        assert sorted(e["segment"] for e in events if e["action"] == "approve") == sorted(ids)
        assert len([e for e in events if e["action"] == "edit"]) == len(ids)


@pytest.mark.parametrize("seed", range(3))
def test_killed_writer_leaves_old_or_new_state(repo_workspace: Path, seed: int) -> None:
    release = repo_workspace / "releases" / SAMPLE_SLUG
    rng = random.Random(seed)
    segments = ["s1", "s2", "s3"]
    for _ in range(6):
        worker = _run(release, "flip", "km", segments)
        time.sleep(rng.uniform(0.4, 1.2))  # start-up is ~0.3 s; then kill mid-loop
        os.kill(worker.pid, signal.SIGKILL)
        worker.communicate(timeout=30)  # reaped, its pipe closed
        states = _repaired_states(release, "km")  # parses: never half a file
        for seg in segments:
            assert states[seg] in (State.APPROVED, State.DRAFT)
        assert all(states[seg] is State.APPROVED for seg in states if seg not in segments)
        records = history(release.parents[1], release.name)  # every line parses
        assert records[-1]["action"] in ("approve", "reject", "import")
        # Bring the flipped segments back for the next round.

        approve(Release.load(release), "km", by="chief", segments=segments)
