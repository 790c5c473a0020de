"""The live rebuild (`publisher preview`) re-plans only the releases a change touched:
the others' plans are taken from the last build without reading their files, and a
change outside the releases (configuration, glossary, templates) re-checks them all."""

from __future__ import annotations

from pathlib import Path

import pytest

from publisher.core.release import iter_releases
from publisher.core.workspace import open_workspace
from publisher.publishing import engine as engine_module
from publisher.publishing.live import LiveSite
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
    original = engine_module.fp.release_files

    def counting(root, stats):  # type: ignore[no-untyped-def]
        read.append(Path(root).name)
        return original(root, stats)

    monkeypatch.setattr(engine_module.fp, "release_files", counting)
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
