"""The built site in a real browser (headless Chromium, Debian's /usr/bin/chromium).

Chromium is driven over the DevTools protocol through `--remote-debugging-pipe`
(JSON messages on file descriptors 3 and 4): no websocket library, no browser
download, nothing beyond the standard library. The site is served by
http.server on 127.0.0.1, as any static host would serve it.
"""

from __future__ import annotations

import base64
import functools
import http.server
import json
import os
import queue
import shutil
import subprocess
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.site import BASE_URL, SECOND_SLUG, make_workspace
from tests.support.workspace import SAMPLE_SLUG, Cli

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LANGS = ("en", "km", "zh-Hans")


class Browser:
    """A minimal DevTools-protocol client over Chromium's debugging pipe."""

    def __init__(self, profile: Path) -> None:
        commands_read, self._commands = os.pipe()
        self._replies, replies_write = os.pipe()

        def wire_fds() -> None:  # runs in the child: the pipe must be fds 3 and 4
            os.dup2(commands_read, 3)
            os.dup2(replies_write, 4)

        self.process = subprocess.Popen(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--lang=en-US",
                "--remote-debugging-pipe",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            pass_fds=(3, 4),
            preexec_fn=wire_fds,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(commands_read)
        os.close(replies_write)
        self._next = 0
        self._results: dict[int, queue.Queue[dict[str, Any]]] = {}
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self._lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        buffer = b""
        with os.fdopen(self._replies, "rb", buffering=0) as pipe:
            while chunk := pipe.read(65536):
                buffer += chunk
                *messages, buffer = buffer.split(b"\0")
                for raw in messages:
                    message = json.loads(raw)
                    if "id" in message:
                        self._results[message["id"]].put(message)
                    else:
                        self.events.put(message)

    def send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        with self._lock:
            self._next += 1
            ident = self._next
            self._results[ident] = queue.Queue()
        message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        reply = self._results[ident].get(timeout=30)
        assert "error" not in reply, f"{method}: {reply['error']}"
        result: dict[str, Any] = reply.get("result", {})
        return result

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except Exception:
            self.process.kill()
        self.process.wait(timeout=10)
        os.close(self._commands)


class Page:
    """One tab: load a URL at a width, collect console errors, take screenshots."""

    def __init__(self, browser: Browser, width: int) -> None:
        self.browser = browser
        self.width = width
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable")
        metrics = {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600}
        self.send("Emulation.setDeviceMetricsOverride", metrics)

    def send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.browser.send(method, params, self.session)

    def load(self, url: str) -> list[str]:
        """Navigate and wait for the load event; the console errors seen on the way."""
        while not self.browser.events.empty():
            self.browser.events.get_nowait()
        self.send("Page.navigate", {"url": url})
        errors: list[str] = []
        while True:
            event = self.browser.events.get(timeout=30)
            if event.get("sessionId") != self.session:
                continue
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
                errors.append(" ".join(str(a.get("value", "")) for a in params["args"]))
            elif method == "Runtime.exceptionThrown":
                errors.append(params["exceptionDetails"].get("text", "exception"))
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                entry = params["entry"]
                if entry.get("url", "").endswith("/favicon.ico"):
                    continue  # the browser's own request (possibly the previous page's)
                errors.append(f"{entry.get('text', '')} {entry.get('url', '')}")
            elif method == "Page.loadEventFired":
                return errors

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        return result["result"].get("value")

    def screenshot(self, path: Path) -> None:
        height = min(4000, int(self.evaluate("document.documentElement.scrollHeight")))
        clip = {"x": 0, "y": 0, "width": self.width, "height": height, "scale": 1}
        data = self.send(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
        )
        path.write_bytes(base64.b64decode(data["data"]))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site of the sample + a second release, on http://127.0.0.1:PORT/."""
    root = make_workspace(tmp_path_factory.mktemp("browser") / "ws", second_zh_approved=True)
    out = root / "site"
    Cli(root)("site", "--out", str(out), "--base-url", BASE_URL)
    handler = functools.partial(QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()  # the listening socket (warnings are errors: an open one fails)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "chromium is missing: run `make setup`"
    instance = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield instance
    instance.close()


def _status(url: str) -> int:
    with urllib.request.urlopen(url, timeout=10) as response:
        return int(response.status)


@pytest.mark.parametrize("lang", LANGS)
def test_pages_load_without_console_errors_and_switcher_links_resolve(
    served: str, browser: Browser, lang: str
) -> None:
    page = Page(browser, 1280)
    for path in (
        f"{lang}/index.html",
        f"releases/{SAMPLE_SLUG}/{lang}.html",
        f"releases/{SECOND_SLUG}/{lang}.html",
        f"releases/{SAMPLE_SLUG}/index.html",
    ):
        assert page.load(served + path) == [], path
        assert page.evaluate("document.documentElement.lang") in (lang, "en")
        switcher = page.evaluate(
            "[...document.querySelectorAll('nav.languages a, nav.site-nav a')].map(a => a.href)"
        )
        assert switcher, f"{path}: no language switcher"
        for href in switcher:
            assert _status(href) == 200, f"{path} -> {href}"
    # The thumbnails are real images the browser decoded.
    page.load(served + f"{lang}/index.html")
    widths = page.evaluate("[...document.images].map(i => i.naturalWidth)")
    assert widths and all(w >= 200 for w in widths)


def test_front_door_sends_the_reader_to_their_language(served: str, browser: Browser) -> None:
    page = Page(browser, 1280)
    assert page.load(served) == []
    page.load(served + "index.html#choose")  # no redirect: the plain list of languages
    links = page.evaluate("[...document.querySelectorAll('.choose a')].map(a => a.textContent)")
    assert len(links) == 3 and any("ខ្មែរ" in text for text in links)
    page.load(served)
    assert page.evaluate("location.pathname") == "/en/index.html"  # browser language en-US


@pytest.mark.parametrize("width", [390, 1280])
def test_screenshots(served: str, browser: Browser, width: int, tmp_path: Path) -> None:
    """Home and release pages at phone and desktop widths, saved for a human to look at."""
    page = Page(browser, width)
    for name, path in (
        ("home-km", "km/index.html"),
        ("home-en", "en/index.html"),
        ("release-km", f"releases/{SAMPLE_SLUG}/km.html"),
        ("release-zh", f"releases/{SAMPLE_SLUG}/zh-Hans.html"),
    ):
        assert page.load(served + path) == []
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, f"{path} scrolls sideways at {width}px ({overflow}px wide)"
        shot = tmp_path / f"{name}-{width}.png"
        page.screenshot(shot)
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    if os.environ.get("PUBLISHER_SCREENSHOTS"):
        keep = Path(os.environ["PUBLISHER_SCREENSHOTS"])
        keep.mkdir(parents=True, exist_ok=True)
        for shot in tmp_path.glob("*.png"):
            shutil.copy(shot, keep / shot.name)
