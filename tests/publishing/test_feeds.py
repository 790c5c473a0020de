"""Atom feeds when nothing can be listed yet (issue 20, item 14).

Every release is embargoed: each language's feed is empty, and its `<updated>` is the time
of the build, not 1 January 1970 (a feed reader would file it as 56 years old).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import feedparser
import pytest

from tests.support.site import BASE_URL
from tests.support.workspace import SAMPLE_SLUG, Cli, copy_repo_workspace


def test_a_feed_with_every_release_embargoed_is_updated_at_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PUBLISHER_REVIEWER", "Press Officer")
    root = copy_repo_workspace(tmp_path / "ws")
    toml = root / "releases" / SAMPLE_SLUG / "release.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            'number = "MFAIC/2024/001"',
            'number = "MFAIC/2024/001"\nembargo = 2099-12-02T08:00:00+07:00',
        ),
        encoding="utf-8",
    )
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    done = Cli(root)("site", "--out", str(tmp_path / "site"), "--base-url", BASE_URL)
    after = dt.datetime.now(dt.UTC)
    assert "1 release held back by embargo" in done.stdout
    for lang in ("en", "km", "zh-Hans"):
        feed = feedparser.parse((tmp_path / "site" / lang / "feed.xml").read_bytes())
        assert feed.bozo == 0 and feed.entries == []
        updated = dt.datetime.fromisoformat(feed.feed.updated)
        assert before <= updated <= after, feed.feed.updated
