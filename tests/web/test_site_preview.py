"""`publisher preview` as its user sees it: the site in Chromium, reloaded by itself.

The command runs in its own process (the real watcher, the warm renderer, uvicorn);
the browser opens the site it serves; a translator edits the Chinese in a PO editor
and a reviewer approves it with the CLI, and the open page shows the approved text
without anyone touching the browser. A build that rewrites no page reloads none.
Hostile requests (another Host, a path out of the site) get nothing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage

from publisher.core.catalog import Catalog
from publisher.web.site_preview import MAX_STREAMS
from tests.support.web import SitePreview
from tests.support.workspace import REPO, SAMPLE_SLUG, Cli, copy_repo_workspace

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]

#: s2 in Chinese: "Cambodia's Ministry of Foreign Affairs", then its full name.
MINISTRY_ZH = "柬埔寨外交部"
MINISTRY_FULL_ZH = "柬埔寨外交与国际合作部"


def test_an_approved_edit_reloads_the_open_page_and_a_change_of_nothing_does_not(
    browser: Browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_repo_workspace(tmp_path / "ws")
    monkeypatch.setenv("PUBLISHER_REVIEWER", "Press Secretary")
    release = root / "releases" / SAMPLE_SLUG
    with SitePreview(root) as server:
        context = browser.new_context()
        errors: list[str] = []

        def console(message: ConsoleMessage) -> None:
            if message.type in ("error", "warning"):
                errors.append(message.text)

        chinese, english = context.new_page(), context.new_page()
        for page, lang in ((chinese, "zh-Hans"), (english, "en")):
            page.on("console", console)
            page.goto(f"{server.base}/releases/{SAMPLE_SLUG}/{lang}.html")
            page.evaluate("window.__notReloaded = true")  # gone if the page reloads
        assert MINISTRY_ZH in chinese.inner_text("main")
        assert MINISTRY_FULL_ZH not in chinese.inner_text("main")

        # the translator's edit in a PO editor (the approval no longer holds), then the
        # reviewer's approval from the terminal
        path = release / "translations" / "zh-Hans.po"
        catalog = Catalog.load(path, release=SAMPLE_SLUG)
        entry = catalog.get("s2")
        entry.target = entry.target.replace(MINISTRY_ZH, MINISTRY_FULL_ZH, 1)
        path.write_text(catalog.to_po(), encoding="utf-8")
        Cli(root)("approve", SAMPLE_SLUG, "--lang", "zh-Hans", "--segment", "s2")

        chinese.wait_for_function(
            "text => !window.__notReloaded && document.body.innerText.includes(text)",
            arg=MINISTRY_FULL_ZH,
            timeout=120_000,
        )
        assert chinese.url == f"{server.base}/releases/{SAMPLE_SLUG}/zh-Hans.html"
        assert any("after a change of" in line for line in server.builds())

        # a change that alters no page (the catalog saved again as it is) builds, and
        # reloads nothing
        for page in (chinese, english):
            page.evaluate("window.__notReloaded = true")
        built = len(server.builds())
        os.utime(path)
        deadline = time.monotonic() + 120
        while len(server.builds()) == built:
            assert time.monotonic() < deadline, server.lines
            time.sleep(0.05)
        assert " 0 files written" in server.builds()[-1]
        time.sleep(0.5)  # the event has reached the pages (they poll every 20 ms)
        assert chinese.evaluate("window.__notReloaded") is True
        assert english.evaluate("window.__notReloaded") is True
        # the PDF served is the new one
        pdf = httpx.get(f"{server.base}/releases/{SAMPLE_SLUG}/zh-Hans.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        # the reload script and the site's own inline script run under the CSP (what the
        # console may hold: the 404 of the page while Chinese was not approved, favicon.ico)
        assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e]
        context.close()


def test_the_preview_serves_nothing_outside_the_site_nor_to_another_host(
    tmp_path: Path,
) -> None:
    root = copy_repo_workspace(tmp_path / "ws")
    (root / "secret.txt").write_text("not for the browser", encoding="utf-8")
    with SitePreview(root) as server:
        home = httpx.get(server.base + "/")
        assert home.status_code == 200 and "/_publisher/live.js" in home.text
        assert "connect-src 'self'" in home.headers["content-security-policy"]
        for path in ("/../secret.txt", "/..%2fsecret.txt", "/%2e%2e/publisher.toml"):
            answer = httpx.get(server.base + path)
            assert answer.status_code == 404 and "not for the browser" not in answer.text
        rebinding = httpx.get(server.base + "/", headers={"host": "attacker.example:80"})
        assert rebinding.status_code == 403 and "Ministry" not in rebinding.text
        events = httpx.get(server.base + "/_publisher/events", headers={"host": "evil.test"})
        assert events.status_code == 403
        posted = httpx.post(server.base + "/", content=b"x")
        assert posted.status_code == 405


def test_the_reload_streams_are_bounded_and_given_back(tmp_path: Path) -> None:
    """A program holding event streams open (each one polls for builds) gets a bounded
    number of them; the pages are still served, and a stream closed is given back."""
    root = copy_repo_workspace(tmp_path / "ws")
    limits = httpx.Limits(max_connections=MAX_STREAMS + 10)
    with (
        SitePreview(root) as server,
        httpx.Client(base_url=server.base, limits=limits, timeout=30) as client,
        ExitStack() as held,
    ):
        streams = [
            held.enter_context(client.stream("GET", "/_publisher/events"))
            for _ in range(MAX_STREAMS)
        ]
        assert {s.status_code for s in streams} == {200}
        with client.stream("GET", "/_publisher/events") as refused:
            assert refused.status_code == 503
            assert refused.read().decode() == (
                f"{MAX_STREAMS} pages already listen for reloads: close some and reload this one."
            )
        assert client.get("/").status_code == 200
        streams.pop().close()
        deadline = time.monotonic() + 10
        while True:
            with client.stream("GET", "/_publisher/events") as again:
                if again.status_code == 200:
                    break
            assert time.monotonic() < deadline, "a closed stream was not given back"
            time.sleep(0.1)


@pytest.mark.parametrize("base_url", [None, "https://press.example.org/"])
def test_after_a_site_build_the_preview_starts_without_rendering(
    tmp_path: Path, base_url: str | None
) -> None:
    """`publisher site` then `publisher preview` of the same workspace: the preview's first
    build takes every PDF, page and photo from the cache the site filled (one cache, the
    same keys), and serves the site's own pages."""
    root = copy_repo_workspace(tmp_path / "ws")
    option = ("--base-url", base_url) if base_url else ()
    site = Cli(root)("site", *option)
    assert "Rendered 3 PDFs" in site.stdout
    with SitePreview(root, *option) as server:
        first = server.builds()[0]
        assert "Rendered nothing; 3 PDFs, 3 web pages and" in first, server.lines
        served = httpx.get(f"{server.base}/releases/{SAMPLE_SLUG}/km.pdf").content
    assert served == (root / "site" / "releases" / SAMPLE_SLUG / "km.pdf").read_bytes()


def _inotify_watches(pid: int) -> int:
    """How many inotify watches the process holds (each fd's fdinfo lists one per line)."""
    count = 0
    for info in Path(f"/proc/{pid}/fdinfo").iterdir():
        with contextlib.suppress(OSError):
            count += info.read_text().count("inotify wd:")
    return count


def _wait_for_build(server: SitePreview, built: int, cause: str) -> str:
    deadline = time.monotonic() + 120
    while True:
        builds = server.builds()
        if len(builds) > built and cause in builds[-1]:
            return builds[-1]
        assert time.monotonic() < deadline, server.lines
        time.sleep(0.05)


@pytest.mark.skipif(not Path("/proc/self/fdinfo").is_dir(), reason="reads /proc")
def test_the_preview_watches_its_inputs_not_its_cache_and_a_folder_made_meanwhile(
    tmp_path: Path,
) -> None:
    """A large archive's cache holds a folder per cached step, hundreds of thousands: one
    inotify watch each went beyond the system's limit, and the preview then served without
    rebuilding. The cache is not watched; a top-level folder made while the preview runs
    (the office's first template override) is, from then on."""
    root = copy_repo_workspace(tmp_path / "ws")
    shutil.rmtree(root / "templates")
    steps = root / ".publisher-cache" / "v1" / "steps"
    for n in range(3000):  # a cache of 3,000 entries
        (steps / f"{n % 256:02x}" / f"{n:064x}").mkdir(parents=True)
    css = (REPO / "publisher" / "resources" / "templates" / "web.css").read_text("utf-8")
    page = f"releases/{SAMPLE_SLUG}/en.html"
    with SitePreview(root) as server:
        assert server.process is not None
        watches = _inotify_watches(server.process.pid)
        assert 0 < watches < 300, watches  # the workspace's folders, not the cache's
        built = len(server.builds())
        (root / "templates").mkdir()
        (root / "templates" / "web.css").write_text(css + "\n/* first override */\n", "utf-8")
        _wait_for_build(server, built, "templates")
        deadline = time.monotonic() + 120
        while "first override" not in httpx.get(f"{server.base}/{page}").text:
            assert time.monotonic() < deadline, server.lines
            time.sleep(0.1)
        built = len(server.builds())
        (root / "templates" / "web.css").write_text(css + "\n/* second override */\n", "utf-8")
        _wait_for_build(server, built, "templates/web.css")
        assert "second override" in httpx.get(f"{server.base}/{page}").text
