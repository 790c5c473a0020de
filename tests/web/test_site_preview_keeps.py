"""`publisher preview` keeps a release a rebuild fails as `publisher site` does: its files,
and its place in every listing (home pages, feeds, the sitemap), as the last build that
published it made them (publishing/site_kept.py, `PublishedReleases`).

Through the real command (its watcher, its renderer, uvicorn) and HTTP, as a browser asks:
the workspace of two releases (tests/support/site.py), an edit of the newer one that
builds (a rebuild of that release only, the live path that keeps no index on disk), then
its photo damaged, which fails it.
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from tests.support.site import BASE_URL, SECOND_SLUG, make_workspace
from tests.support.web import SitePreview
from tests.support.workspace import SAMPLE_SLUG

pytestmark = [pytest.mark.slow]

LANGS = ("en", "km", "zh-Hans")


def _after(server: SitePreview, builds: int, seconds: float = 120) -> str:
    """The line of the build after the `builds` first, with the error lines it printed."""
    deadline = time.monotonic() + seconds
    while len(server.builds()) <= builds:
        assert time.monotonic() < deadline, server.lines
        time.sleep(0.05)
    time.sleep(0.3)  # its error lines follow it
    line = server.builds()[builds]
    return "\n".join(server.lines[server.lines.index(line) :])


def _listed(server: SitePreview, slug: str) -> dict[str, bool]:
    """Where the release is listed: each language's home page and feed, the sitemap."""
    found = {}
    for lang in LANGS:
        home = httpx.get(f"{server.base}/{lang}/index.html")
        found[f"{lang}/index.html"] = f"../releases/{slug}/" in home.text
        feed = httpx.get(f"{server.base}/{lang}/feed.xml")
        found[f"{lang}/feed.xml"] = f"releases/{slug}/" in feed.text
    sitemap = httpx.get(f"{server.base}/sitemap.xml").text
    found["sitemap.xml"] = f"releases/{slug}/" in sitemap
    return found


def test_a_release_a_rebuild_fails_stays_listed_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PUBLISHER_REVIEWER", "Press Officer")
    root = make_workspace(tmp_path / "ws", second_zh_approved=True)
    release = root / "releases" / SECOND_SLUG
    everywhere = dict.fromkeys(_listed_keys(), True)
    with SitePreview(root, "--base-url", BASE_URL) as server:
        assert _listed(server, SECOND_SLUG) == everywhere, server.lines
        # an edit of the release that builds: its number, on its pages and listings
        meta = release / "release.toml"
        meta.write_text(
            meta.read_text("utf-8").replace("MFAIC/2024/001", "MFAIC/2025/002"), "utf-8"
        )
        built = _after(server, 1)
        assert "after a change of releases/" in built and "failed" not in built, built
        page = httpx.get(f"{server.base}/releases/{SECOND_SLUG}/en.html").text
        assert "MFAIC/2025/002" in page

        # its photo damaged: the rebuild fails the release
        photo = next((release / "photos").glob("*.jpg"))
        original = photo.read_bytes()
        photo.write_bytes(b"these are not pixels\n" * 40)
        failed = _after(server, 2)

        # its pages as the last build made them, and its place in every listing
        for lang in LANGS:
            answer = httpx.get(f"{server.base}/releases/{SECOND_SLUG}/{lang}.html")
            assert answer.status_code == 200 and "MFAIC/2025/002" in answer.text
        assert _listed(server, SECOND_SLUG) == everywhere, failed
        assert _listed(server, SAMPLE_SLUG) == everywhere
        assert httpx.get(f"{server.base}/releases/{SECOND_SLUG}/").status_code == 200
        assert f"{SECOND_SLUG} failed: " in failed, failed
        assert "the version published before is kept" in failed, failed

        # repaired, it builds and is listed from this build
        photo.write_bytes(original)
        fixed = _after(server, 3)
        assert "failed" not in fixed and "not on the site" not in fixed, fixed
        assert _listed(server, SECOND_SLUG) == everywhere


def _listed_keys() -> list[str]:
    keys = [f"{lang}/{name}" for lang in LANGS for name in ("index.html", "feed.xml")]
    return [*keys, "sitemap.xml"]
