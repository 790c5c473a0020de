"""`publisher status` over unchanged releases reads their whole answer (counts, notes,
verdicts) from the cache, and any change of a release's files is seen at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from publisher.core.approvals import load_catalog
from publisher.core.catalog import Catalog
from publisher.core.release import Release
from publisher.workflow import status as status_module
from tests.support.workspace import SAMPLE_SLUG, Cli, reopen


def test_status_parses_no_catalog_of_an_unchanged_release_and_sees_a_change(
    repo_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = Cli(repo_workspace)
    first = json.loads(cli("status", "--json").stdout)
    parsed: list[str] = []

    def counting(release: Release, lang: str) -> Catalog:
        parsed.append(f"{release.slug}/{lang}")
        return load_catalog(release, lang)

    monkeypatch.setattr(status_module, "load_catalog", counting)
    again = json.loads(cli("status", "--json").stdout)
    assert again == first
    assert parsed == []  # every answer came from the cache

    reopen(cli, "s2", by="Press Secretary", comment="the ministry's full name")
    changed = json.loads(cli("status", "--json").stdout)
    km = next(r for r in changed["releases"] if r["slug"] == SAMPLE_SLUG)["languages"]["km"]
    assert km["publishable"] is False and "s2" in km["blocking"]
    assert parsed == [f"{SAMPLE_SLUG}/km", f"{SAMPLE_SLUG}/zh-Hans"]  # that release only
