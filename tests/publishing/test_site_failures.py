"""One release that fails to build does not stop the site (issue 20, item 2).

The archive holds the shipped sample and a newer release whose photo is damaged or missing.
`publisher site` publishes the sample (home pages, feeds, sitemap, the front door), names
the failing release and why, and exits 1, as it does for an unreadable release.toml.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.site import BASE_URL, SECOND_SLUG, broken_links, make_workspace
from tests.support.workspace import SAMPLE_SLUG, Cli

PHOTO = "phnom-penh-beijing.jpg"


def _damage(photo: Path) -> str:
    photo.write_bytes(b"these are not pixels\n" * 40)
    return "the photo cannot be read"


def _remove(photo: Path) -> str:
    photo.unlink()
    return f"the photo photos/{PHOTO} is missing"


@pytest.mark.slow
@pytest.mark.parametrize("breakage", [_damage, _remove], ids=["damaged", "missing"])
def test_a_release_whose_step_fails_is_named_and_the_rest_is_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, breakage: object
) -> None:
    monkeypatch.setenv("PUBLISHER_REVIEWER", "Press Officer")
    root = make_workspace(tmp_path / "ws", second_zh_approved=True)
    assert callable(breakage)
    why = breakage(root / "releases" / SECOND_SLUG / "photos" / PHOTO)
    site = tmp_path / "site"

    done = Cli(root)("site", "--out", str(site), "--base-url", BASE_URL, ok=False)

    assert done.exit_code == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, done.stderr
    assert errors[0].startswith(f"error: {SECOND_SLUG} is not on the site: ")
    assert why in errors[0]
    assert "The site has 1 release." in done.stdout
    # the rest of the archive is published: front door, home pages, feeds, sitemap
    assert (site / "index.html").is_file()
    sitemap = (site / "sitemap.xml").read_text("utf-8")
    assert SAMPLE_SLUG in sitemap and SECOND_SLUG not in sitemap
    for lang in ("en", "km", "zh-Hans"):
        home = (site / lang / "index.html").read_text("utf-8")
        assert f"releases/{SAMPLE_SLUG}/{lang}.html" in home
        assert SECOND_SLUG not in home
        feed = (site / lang / "feed.xml").read_text("utf-8")
        assert SAMPLE_SLUG in feed and SECOND_SLUG not in feed
        assert (site / "releases" / SAMPLE_SLUG / f"{lang}.pdf").is_file()
    assert not (site / "releases" / SECOND_SLUG).exists()
    assert broken_links(site) == []

    # the next run says the same (no answer from a record of a clean build)
    again = Cli(root)("site", "--out", str(site), "--base-url", BASE_URL, ok=False)
    assert again.exit_code == 1 and errors[0] in again.stderr
