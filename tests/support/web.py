"""The review app as its users run it: `publisher serve` in its own process, on a free port.

`Server` starts the real command (uvicorn, the real socket), reads the link it
prints and stops it with SIGTERM by its process id. `Client` is an HTTP client
that has followed the link (so it holds the token cookie) and knows the CSRF
token of the pages, as a browser would.
"""

from __future__ import annotations

import html
import http.client
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page

from tests.support.workspace import REPO, SAMPLE_SLUG, Cli

CHROMIUM = "/usr/bin/chromium"
#: How the browser tests launch Debian's Chromium through Playwright (never a download).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
_URL = re.compile(r"https?://\S+/\?token=\S+")
#: Printed when reviewers reach the server through a reverse proxy ([review] url).
_LOCAL = re.compile(r"^Listening on (https?://\S+) ")
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Server:
    """`publisher --workspace ROOT serve --port 0 [args]`, until the block ends."""

    #: the command, and the link it prints once it listens
    command = "serve"
    link = _URL

    def __init__(
        self,
        root: Path,
        *args: str,
        env: dict[str, str] | None = None,
        ca: Path | None = None,
    ) -> None:
        self.root = root
        self.args = args
        #: The certificate that signs the server's own (with --tls-cert): clients trust it.
        self.verify: ssl.SSLContext | bool = (
            ssl.create_default_context(cafile=str(ca)) if ca is not None else True
        )
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.lines: list[str] = []
        self.url = ""
        self.local = ""
        self.process: subprocess.Popen[str] | None = None
        self._drainer: threading.Thread | None = None
        #: The clients made by `client()`, `link_client()` or given to `track()`, closed with
        #: the server (no socket left open).
        self._clients: list[Client] = []

    def __enter__(self) -> Self:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "publisher",
                "--workspace",
                str(self.root),
                self.command,
                "--port",
                "0",
                *self.args,
            ],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=self.env,
        )
        assert self.process.stdout is not None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            self.lines.append(line.rstrip("\n"))
            found = self.link.search(line)
            if found:
                self.url = found.group(0)
            local = _LOCAL.match(line)
            if local:
                self.local = local.group(1)
            if "Ctrl-C" in line and self.url:  # the last line printed before it listens
                break
        if not self.url:
            self.stop()
            raise AssertionError("publisher serve printed no link:\n" + "\n".join(self.lines))
        # Keep reading what the server prints (a full pipe would block it).
        self._drainer = threading.Thread(target=self._drain, daemon=True)
        self._drainer.start()
        self._wait_until_listening()
        return self

    def _drain(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                httpx.get(self.base + "/", timeout=1, verify=self.verify)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        raise AssertionError("publisher serve does not answer")

    def wait_for(self, text: str, seconds: float = 15) -> str:
        """All the server printed, once a line holding `text` has been read: its output
        is read by a thread, so a line printed before a response may be read after it."""
        deadline = time.monotonic() + seconds
        while not any(text in line for line in self.lines):
            assert time.monotonic() < deadline, f"never printed {text!r}:\n" + "\n".join(self.lines)
            time.sleep(0.05)
        return "\n".join(self.lines)

    @property
    def base(self) -> str:
        """Where the server answers (behind a reverse proxy: its local address)."""
        return self.local or self.url.split("/?", 1)[0]

    @property
    def port(self) -> int:
        return int(self.base.rsplit(":", 1)[1])

    @property
    def token(self) -> str:
        return self.url.split("token=", 1)[1]

    def stop(self) -> None:
        for client in self._clients:
            client.close()
        self._clients.clear()
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self._drainer is not None:
            self._drainer.join(timeout=5)
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def client(self, reviewer: str | None = None) -> Client:
        """A client that followed the printed link (and gave its name, if `reviewer`)."""
        client = Client(self)
        self._clients.append(client)
        response = client.http.get(self.url)
        assert response.status_code == 200, response.text
        if reviewer is not None:
            client.post("/name", {"name": reviewer, "next": "/"}, expect=303)
        return client

    def track(self, client: Client) -> Client:
        """Close `client` with the server."""
        self._clients.append(client)
        return client

    def link_client(self, link: str, csrf_page: str) -> Client:
        """A client that followed a reviewer's personal link; its CSRF token is read from
        `csrf_page` (a review page of one of their languages: there is no name form)."""
        client = Client(self, csrf_page)
        self._clients.append(client)
        response = client.http.get(link)
        assert response.status_code == 200, response.text
        return client


class SitePreview(Server):
    """`publisher --workspace ROOT preview --port 0 [args]`: the site, rebuilt as files change
    (the link is printed once the first build is done)."""

    command = "preview"
    link = re.compile(r"http://127\.0\.0\.1:\d+/")

    @property
    def base(self) -> str:
        return self.url.rstrip("/")

    def builds(self) -> list[str]:
        """The lines the command printed for its builds ("Build 2 after a change of ...")."""
        return [line for line in self.lines if line.startswith("Build ")]


class Client:
    """An HTTP client holding the app's cookies and its pages' CSRF token."""

    def __init__(self, server: Server, csrf_page: str = "/name") -> None:
        self.server = server
        self.csrf_page = csrf_page
        # As browsers do: without TCP_NODELAY a form post (head, then body) waits 40 ms
        # for the server's delayed ACK.
        transport = httpx.HTTPTransport(
            socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
        )
        if server.verify is not True:
            transport = httpx.HTTPTransport(
                socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
                verify=server.verify,
            )
        self.http = httpx.Client(
            base_url=server.base,
            follow_redirects=True,
            timeout=60,
            transport=transport,
            verify=server.verify,
        )
        self._csrf: str | None = None

    @property
    def csrf(self) -> str:
        if self._csrf is None:
            page = self.get(self.csrf_page)
            found = _CSRF.search(page.text)
            assert found, page.text
            self._csrf = found.group(1)
        return self._csrf

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.get(path, **kwargs)

    def post(
        self,
        path: str,
        data: dict[str, Any],
        *,
        expect: int | None = None,
        htmx: bool = False,
        csrf: bool = True,
    ) -> httpx.Response:
        fields = {**({"csrf": self.csrf} if csrf else {}), **data}
        headers = {"HX-Request": "true"} if htmx else {}
        response = self.http.post(path, data=fields, headers=headers, follow_redirects=False)
        if expect is not None:
            assert response.status_code == expect, (response.status_code, response.text)
        return response

    def close(self) -> None:
        self.http.close()


class Reviewer:
    """One browser tab of a reviewer, with every console error it saw.

    `locale` is the browser's language (its Accept-Language header): the review app
    answers in Khmer to `km-KH`, in Chinese to `zh-CN`. `name=None` gives no name.
    """

    def __init__(
        self,
        browser: Browser,
        server: Server,
        name: str | None,
        width: int = 1280,
        locale: str = "en-GB",
        height: int = 900,
    ) -> None:
        self.context = browser.new_context(
            viewport={"width": width, "height": height}, locale=locale
        )
        self.page: Page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("dialog", self._dialog)
        #: every answer of 400 or more, as "STATUS METHOD URL" (what a console error means)
        self.refused: list[str] = []
        self.page.on(
            "response",
            lambda r: (
                self.refused.append(f"{r.status} {r.request.method} {r.url}")
                if r.status >= 400
                else None
            ),
        )
        self.page.goto(server.url)
        if name is not None:
            self.page.click("a.reviewer")  # "Give your name"
            self.page.fill("#name", name)
            self.page.click("button[type=submit]")
            self.page.wait_for_url(server.base + "/")

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.accept()

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            self.errors.append(message.text)

    def review(self, lang: str = "km") -> None:
        self.page.click(f"a.button[href='/r/{SAMPLE_SLUG}/{lang}']")
        self.page.wait_for_selector("#summary")

    def listed(self) -> list[str]:
        listed: list[str] = self.page.eval_on_selector_all(
            "article.segment", "els => els.map(e => e.dataset.segment)"
        )
        return listed

    def flash(self, segment: str) -> str:
        return self.page.locator(f"#seg-{segment} .flash").inner_text()

    def close(self) -> None:
        self.context.close()


# ------------------------------------------------ the review page, as a reviewer uses it


def toast(page: Page, expected: str, *, starts: bool = False) -> None:
    """Wait until the review page's toast says `expected` (or, `starts`, begins with it):
    the page writes it after the decision's answer, a moment after the segment's state."""
    test = "startsWith(text)" if starts else "valueOf() === text"
    page.wait_for_function(
        f"text => document.getElementById('toast').textContent.{test}", arg=expected
    )


def article(page: str, segment: str) -> str:
    found = re.search(rf'<article[^>]* id="seg-{segment}".*?</article>', page, re.S)
    assert found, f"no segment {segment} on the page"
    return found.group(0)


def shown(client: Client, segment: str, lang: str = "km") -> dict[str, str]:
    """What the review page shows of a segment, as its form would send it."""
    block = article(client.get(f"/r/{SAMPLE_SLUG}/{lang}?filter=all").text, segment)
    value: dict[str, str] = {}
    for name in ("hash", "state"):
        found = re.search(rf'name="{name}" value="([^"]*)"', block)
        assert found, f"no {name} in the form of segment {segment}"
        value[name] = found.group(1)
    return value


def shown_texts(block: str, lang: str) -> list[str]:
    """The texts in `lang` of a page or segment, as read (highlighting and markup taken off)."""
    found = re.findall(rf'<p class="text" lang="{lang}">(.*?)</p>', block, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", text)) for text in found]


def decide(
    client: Client, segment: str, action: str, lang: str = "km", **fields: str
) -> tuple[int, str]:
    response = client.post(
        f"/r/{SAMPLE_SLUG}/{lang}/s/{segment}",
        {**shown(client, segment, lang), "action": action, "filter": "all", **fields},
        htmx=True,
    )
    return response.status_code, response.text


def flash(fragment: str) -> str:
    found = re.search(r'<p class="flash [a-z]+" role="[a-z]+">(.*?)</p>', fragment, re.S)
    assert found, fragment[:500]
    return html.unescape(found.group(1))


def register_reviewers(cli: Cli) -> Cli:
    """The sample's two reviewers in the register, one per language (Khmer: Sok Dara, also
    សុខ ដារា; Chinese: Li Wei, also 李伟), as the press office adds them."""
    cli("reviewers", "add", "Sok Dara", "--lang", "km", "--alias", "សុខ ដារា")
    cli("reviewers", "add", "Li Wei", "--lang", "zh-Hans", "--alias", "李伟")
    return cli


@pytest.fixture(name="cli")
def registered_cli(root: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """Fixture `cli` of the modules that import it: the CLI as Sok Dara, with a register of
    the two reviewers (`register_reviewers`)."""
    monkeypatch.setenv("PUBLISHER_REVIEWER", "Sok Dara")
    return register_reviewers(Cli(root))


@pytest.fixture(name="server")
def registered_server(root: Path, cli: Cli) -> Iterator[Server]:
    """Fixture `server` of the modules that import it: `publisher serve` on that workspace,
    started once the register is written."""
    with Server(root) as running:
        yield running


def invite(cli: Cli, server: Server, name: str, *extra: str) -> str:
    """`publisher reviewers invite NAME`: the personal link it prints."""
    out = cli("reviewers", "invite", name, "--url", server.base, *extra).stdout
    found = re.search(r"^    (http\S+)$", out, re.M)
    assert found, out
    return found.group(1)


def raw_get(
    server: Server, path: str, headers: dict[str, str] | None = None
) -> tuple[int, str, str | None]:
    """A request exactly as written (no client normalises `..`, `%2e` or a backslash away):
    the status, the body and the Location header."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        sent = {"Host": f"127.0.0.1:{server.port}", **(headers or {})}
        for key, value in sent.items():
            conn.putheader(key, value)
        conn.endheaders()
        response = conn.getresponse()
        body = response.read().decode("utf-8", "replace")
        return response.status, body, response.getheader("location")
    finally:
        conn.close()
