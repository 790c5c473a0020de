"""The live rebuild (`publisher preview`) re-plans only the releases a change touched:
the others' plans are taken from the last build without reading their files, and a
change outside the releases (configuration, glossary, templates) re-checks them all."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from publisher.core import release as release_module
from publisher.core.release import iter_releases
from publisher.core.tomlfile import TomlReader, read_toml
from publisher.core.workspace import open_workspace
from publisher.publishing import engine as engine_module
from publisher.publishing import fingerprint
from publisher.publishing.live import LiveSite
from publisher.publishing.readiness import workspace_stats
from publisher.publishing.resident import ResidentRenderer
from tests.support.workspace import SAMPLE_SLUG


def test_known_plans_are_taken_without_reading_their_release(
    repo_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = open_workspace(repo_workspace)
    releases = list(iter_releases(ws.releases_dir))
    with engine_module.Engine(ws, jobs=1) as engine:
        first = engine.plans(releases, draft=False)
    read: list[str] = []
    original = fingerprint.release_files

    def counting(root: Path, stats: fingerprint.StatCache) -> dict[str, str]:
        read.append(Path(root).name)
        return original(root, stats)

    monkeypatch.setattr(fingerprint, "release_files", counting)
    with engine_module.Engine(ws, jobs=1) as engine:
        again = engine.plans(releases, draft=False, known={p.slug: p for p in first})
        assert [a is b for a, b in zip(again, first, strict=True)] == [True] * len(first)
        assert SAMPLE_SLUG not in read
        checked = engine.plans(releases, draft=False)
    assert SAMPLE_SLUG in read and [p.key for p in checked] == [p.key for p in first]


def test_only_a_change_inside_a_release_spares_the_others(repo_workspace: Path) -> None:
    live = LiveSite(repo_workspace, base_url=None, renderer=ResidentRenderer(repo_workspace))
    plan = engine_module.Plan(SAMPLE_SLUG, "key", {})
    other = engine_module.Plan("2024-12-05-other", "key2", {})
    live._plans = {plan.slug: plan, other.slug: other}
    inside = [f"releases/{SAMPLE_SLUG}/translations/km.po", f"releases/{SAMPLE_SLUG}/history.jsonl"]
    assert live._unchanged_plans(inside) == {other.slug: other}
    for outside in ("glossary.toml", "publisher.toml", "templates/web.html", "boilerplate/x"):
        assert live._unchanged_plans([*inside, outside]) is None
    assert live._unchanged_plans([]) is None  # the first build: everything is read


def test_a_rebuild_reads_only_the_release_folders_a_change_touched(
    repo_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After each change, the releases the live rebuild takes are those `scan_releases`
    finds on disk (a release added, broken, mended, removed), while the folders no
    change touched are not read again."""
    ws = open_workspace(repo_workspace)
    live = LiveSite(repo_workspace, base_url=None, renderer=ResidentRenderer(repo_workspace))
    stats = workspace_stats(ws)
    read: list[str] = []
    original = release_module.Release.load

    def counting(root: Path, reader: TomlReader = read_toml) -> release_module.Release:
        read.append(root.name)
        return original(root, reader)

    monkeypatch.setattr(release_module.Release, "load", counting)

    def scanned(changes: list[str] | None) -> tuple[list[str], list[str]]:
        releases, broken = live._scan(ws, changes, stats.toml)
        on_disk, errors = release_module.scan_releases(ws.releases_dir)
        assert [r.slug for r in releases] == [r.slug for r in on_disk]
        assert [e.format() for e in broken] == [e.format() for e in errors]
        return [r.slug for r in releases], [e.format() for e in broken]

    assert scanned(None) == ([SAMPLE_SLUG], [])
    new = "2024-12-09-another-release"
    shutil.copytree(ws.releases_dir / SAMPLE_SLUG, ws.releases_dir / new)
    read.clear()
    assert scanned([f"releases/{new}/release.toml", f"releases/{new}/source.md"])[0] == [
        SAMPLE_SLUG,
        new,
    ]
    # each read once by the rebuild and once by scan_releases, the untouched one by the latter
    assert read.count(new) == 2 and read.count(SAMPLE_SLUG) == 1
    toml = ws.releases_dir / new / "release.toml"
    text = toml.read_text("utf-8")
    toml.write_text("date = [broken\n", "utf-8")
    slugs, errors = scanned([f"releases/{new}/release.toml"])
    assert slugs == [SAMPLE_SLUG] and len(errors) == 1 and "release.toml" in errors[0]
    toml.write_text(text, "utf-8")
    assert scanned([f"releases/{new}/release.toml"]) == ([SAMPLE_SLUG, new], [])
    shutil.rmtree(ws.releases_dir / new)
    assert scanned([f"releases/{new}/release.toml"]) == ([SAMPLE_SLUG], [])
    read.clear()
    scanned(["glossary.toml"])  # outside the releases: every folder read again
    assert read.count(SAMPLE_SLUG) == 2


def test_a_watcher_that_cannot_start_is_said_and_the_other_goes_on(
    repo_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The system's limit of inotify watches reached: the preview says which folder it
    cannot watch and why, once, instead of a thread's traceback before "Serving it at"."""
    import watchfiles

    real_watch = watchfiles.watch

    def limited(*paths: Path, **options: Any) -> Any:
        if options.get("recursive", True):
            raise OSError("OS file watch limit reached")
        return real_watch(*paths, **options)

    monkeypatch.setattr(watchfiles, "watch", limited)
    said: list[str] = []
    site = LiveSite(
        repo_workspace,
        base_url=None,
        renderer=ResidentRenderer(repo_workspace),
        on_watch_error=said.append,
    )
    watching = threading.Thread(target=site.watch, daemon=True)
    watching.start()
    deadline = time.monotonic() + 10
    while not said:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    site.stop()
    watching.join(timeout=10)
    assert not watching.is_alive()
    assert said == [
        f"{repo_workspace}: cannot watch for changes (OS file watch limit reached); what "
        "changes there is not built again until the preview is started again (on Linux, "
        "fs.inotify.max_user_watches limits how many folders can be watched)"
    ]
