"""`publisher preview`'s web server: the site as last built, and a reload when it changes.

The pages are the files `LiveSite` wrote (publishing/live.py), served as they are
but for one line: a script (`/_publisher/live.js`) that listens to
`/_publisher/events` (server-sent events) and reloads the page when a build wrote
its file, or when builds were missed. The Content-Security-Policy allows exactly that:
scripts from this server and the page's own inline scripts by their hash, and
connections back to this server.

Invariant: nothing but files inside the built site's folder is ever served (a path is
looked up under that folder, resolved, and must still be inside it), only to requests
naming this server by its loopback address (a page of another site cannot reach it
through DNS rebinding), and only for GET and HEAD. At most `MAX_STREAMS` event
streams are open at once (each polls for builds): the next is refused with a 503.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import mimetypes
import re
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from publisher.core.wording import counted
from publisher.publishing.live import Build, LiveSite
from publisher.publishing.resident import ResidentRenderer
from publisher.web.server import StoppingServer, bind, uvicorn_config

LOOPBACK = "127.0.0.1"

SCRIPT_PATH = "/_publisher/live.js"
EVENTS_PATH = "/_publisher/events"
#: How often the event stream looks for a new build, and sends a comment to keep it open.
POLL_SECONDS = 0.02
KEEPALIVE_SECONDS = 15.0
#: A build that wrote more files than this tells pages to reload without the list.
MAX_LISTED = 500
#: Event streams open at once (one per open page): each polls for builds, so a program
#: opening thousands would take the machine's CPU; the one after the last is told why.
MAX_STREAMS = 64

LIVE_JS = """\
(function () {
  "use strict";
  var script = document.currentScript;
  var version = Number(script.dataset.version);
  var here = script.dataset.path;
  var events = new EventSource("/_publisher/events");
  events.onmessage = function (message) {
    var build = JSON.parse(message.data);
    if (build.version <= version) return;
    var missed = build.version > version + 1;
    if (missed || build.all || build.written.indexOf(here) >= 0 ||
        build.removed.indexOf(here) >= 0) {
      events.close();
      location.reload();
    } else {
      version = build.version;
    }
  };
})();
"""

NOT_FOUND = (
    b'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Not in the site'
    b"</title></head><body><h1>Not in the site</h1><p>The last build wrote no such file: "
    b"the terminal running <code>publisher preview</code> says what it did. This page "
    b"reloads when a build writes it.</p></body></html>"
)

_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)
_BODY_END = re.compile(rb"</body>", re.IGNORECASE)


def csp_for(page: bytes) -> str:
    """The policy of one page: this server's scripts and the page's own inline ones."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(page)
    )
    return (
        f"default-src 'self'; script-src 'self' {hashes}".rstrip()
        + "; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'none'"
    )


def with_reload(page: bytes, version: int, path: str) -> bytes:
    """The page with the reload script before its last `</body>` (at its end if none)."""
    tag = (
        f'<script src="{SCRIPT_PATH}" data-version="{version}" '
        f'data-path="{_attribute(path)}"></script>'
    ).encode()
    ends = list(_BODY_END.finditer(page))
    if not ends:
        return page + tag
    at = ends[-1].start()
    return page[:at] + tag + page[at:]


def _attribute(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def build_event(build: Build) -> str:
    """What the pages hear of a build: its number and the files it wrote or removed."""
    listed = len(build.written) + len(build.removed) <= MAX_LISTED
    data = {
        "version": build.version,
        "all": not listed,
        "written": build.written if listed else [],
        "removed": build.removed if listed else [],
    }
    return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"


class _CountedStream(StreamingResponse):
    """A stream that calls `ended` once it is over, however it ends (the client left before
    its first byte included: a generator never started would never run a `finally`)."""

    def __init__(
        self,
        ended: Callable[[], None],
        content: AsyncIterator[str],
        *,
        media_type: str,
        headers: dict[str, str],
    ) -> None:
        super().__init__(content, media_type=media_type, headers=headers)
        self._ended = ended

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._ended()


class SitePreview:
    """The endpoints: the site's files, the reload script and the build events."""

    def __init__(self, live: LiveSite, port: int, closing: threading.Event) -> None:
        self.live = live
        self.root = live.out_dir
        self.hosts = {f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"}
        self.closing = closing
        #: Event streams open now (the endpoints run on one event loop: no lock needed).
        self.streams = 0

    def _allowed(self, request: Request) -> bool:
        return request.headers.get("host", "") in self.hosts

    async def script(self, request: Request) -> Response:
        if not self._allowed(request):
            return PlainTextResponse("Unknown host.", status_code=403)
        return Response(
            LIVE_JS,
            media_type="text/javascript",
            headers={"cache-control": "no-store", "x-content-type-options": "nosniff"},
        )

    async def events(self, request: Request) -> Response:
        if not self._allowed(request):
            return PlainTextResponse("Unknown host.", status_code=403)
        if self.streams >= MAX_STREAMS:
            return PlainTextResponse(
                f"{MAX_STREAMS} pages already listen for reloads: close some and reload this one.",
                status_code=503,
            )
        self.streams += 1

        async def stream() -> AsyncIterator[str]:
            sent = -1
            quiet = 0.0
            while not self.closing.is_set():
                build = self.live.last
                if build is not None and build.version != sent:
                    sent = build.version
                    quiet = 0.0
                    yield build_event(build)
                elif quiet >= KEEPALIVE_SECONDS:
                    quiet = 0.0
                    yield ": still here\n\n"
                await asyncio.sleep(POLL_SECONDS)
                quiet += POLL_SECONDS

        def ended() -> None:
            self.streams -= 1

        return _CountedStream(
            ended,
            stream(),
            media_type="text/event-stream",
            headers={"cache-control": "no-store", "x-accel-buffering": "no"},
        )

    async def page(self, request: Request) -> Response:
        if not self._allowed(request):
            return PlainTextResponse("Unknown host.", status_code=403)
        requested = request.path_params.get("path", "")
        found = self.find(requested)
        headers = {"cache-control": "no-store", "x-content-type-options": "nosniff"}
        if found is None:
            # A page the last build removed (a language no longer approved) comes back by
            # itself when a build writes it again: the answer carries the reload script.
            name = requested.lstrip("/")
            name = name + "index.html" if not name or name.endswith("/") else name
            body = with_reload(NOT_FOUND, self.live.version, name)
            headers["content-security-policy"] = csp_for(body)
            return Response(
                body, status_code=404, media_type="text/html; charset=utf-8", headers=headers
            )
        path, name = found
        if path.suffix == ".html":
            page = await asyncio.to_thread(path.read_bytes)
            body = with_reload(page, self.live.version, name)
            headers["content-security-policy"] = csp_for(body)
            return Response(body, media_type="text/html; charset=utf-8", headers=headers)
        media, _ = mimetypes.guess_type(path.name)
        return FileResponse(path, media_type=media or "application/octet-stream", headers=headers)

    def find(self, requested: str) -> tuple[Path, str] | None:
        """The file for a URL path (a folder's index.html) inside the site, and its name
        relative to the site's folder; None for anything else."""
        root = self.root.resolve()
        if "\\" in requested or "\0" in requested:
            return None
        try:
            target = (root / requested.lstrip("/")).resolve()
        except (OSError, RuntimeError):
            return None
        if target.is_dir():
            target = target / "index.html"
        if not target.is_relative_to(root) or not target.is_file():
            return None
        return target, target.relative_to(root).as_posix()


def create_site_app(live: LiveSite, port: int, closing: threading.Event) -> Starlette:
    preview = SitePreview(live, port, closing)
    return Starlette(
        routes=[
            Route(SCRIPT_PATH, preview.script, methods=["GET", "HEAD"]),
            Route(EVENTS_PATH, preview.events, methods=["GET"]),
            Route("/", preview.page, methods=["GET", "HEAD"]),
            Route("/{path:path}", preview.page, methods=["GET", "HEAD"]),
        ]
    )


#: How long the preview waits for its watchers to watch before it says it serves anyway.
WATCH_START_SECONDS = 60.0


def run_preview(
    root: Path,
    *,
    port: int,
    jobs: int | None,
    base_url: str | None,
    echo: Callable[[str], None],
) -> None:
    """Build the site, serve it on this machine and rebuild it on each change, until
    interrupted; prints the address, then a line per build. `base_url`: the address the
    site will have (its feeds, sitemap and canonical links), as `publisher site` takes it:
    the pages are then the ones `site` builds, from the same cache."""
    sock = bind(LOOPBACK, port)
    port = sock.getsockname()[1]
    renderer = ResidentRenderer(root, jobs=jobs)
    renderer.start()

    def told(build: Build) -> None:
        what = f"{', '.join(build.changes[:3])}{' ...' if len(build.changes) > 3 else ''}"
        cause = f" after a change of {what}" if build.changes else ""
        echo(
            f"Build {build.version}{cause}: {counted(len(build.written), 'file')} written in "
            f"{build.seconds:.2f} s. {build.summary}".rstrip()
        )
        for error in build.errors:
            echo(f"  {error}")

    live = LiveSite(
        root,
        base_url=base_url,
        renderer=renderer,
        on_build=told,
        on_watch_error=lambda message: echo(f"error: {message}"),
    )
    closing = threading.Event()
    server = StoppingServer(
        uvicorn_config(create_site_app(live, port, closing)), renderer.close, closing.set
    )
    echo(f"Building the site of {root} ...")
    try:
        live.build()
        watcher = threading.Thread(target=live.watch, name="publisher-watch", daemon=True)
        watcher.start()
        # "Serving" once a change is seen: watching thousands of folders takes a moment
        live.wait_watching(timeout=WATCH_START_SECONDS)
        echo(f"Serving it at http://{LOOPBACK}:{port}/ (this machine only); it is built again")
        echo("when a file of the workspace changes, and open pages reload. Ctrl-C to stop.")
        server.run(sockets=[sock])
    finally:
        closing.set()
        live.stop()
        sock.close()
        renderer.close()
