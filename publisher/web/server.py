"""Run the review app with uvicorn on a socket this module binds itself.

Binding first (rather than letting uvicorn bind) gives a clear error for a port
already in use, allows `--port 0` (any free port: tests, two servers side by
side) and lets the printed link carry the real port before the first request.
With `--tls-cert` and `--tls-key`, uvicorn serves HTTPS itself (the pair is
loaded once before anything listens, so a wrong file is a one-line error).
"""

from __future__ import annotations

import asyncio
import errno
import socket
import ssl
import threading
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path

import uvicorn
from starlette.types import ASGIApp

from publisher.core.reviewers import Register
from publisher.core.workspace import Workspace
from publisher.errors import UsageError
from publisher.publishing.resident import ResidentRenderer
from publisher.web.app import create_app
from publisher.web.model import Caches, warm_up
from publisher.web.security import Settings, is_loopback

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765

Echo = Callable[[str], None]


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, or a one-line error."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit it: without it a response written in two parts (head,
    # body) waits 40 ms for the client's delayed ACK (Nagle), on every request.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(
                f"port {port} is in use on {host}; choose another with --port"
            ) from None
        if exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT) or isinstance(
            exc, socket.gaierror
        ):
            raise UsageError(f"cannot listen on {host}: not an address of this machine") from None
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(128)
    return sock


def warning_for(host: str, tls: bool = False) -> str | None:
    """What a reviewer must know before the app listens beyond this machine."""
    if is_loopback(host) or tls:
        return None
    return (
        f"warning: listening on {host} over plain HTTP: the links (the office's and every "
        "reviewer's personal link) and their access tokens cross the network unencrypted, "
        "readable by anyone on it, who could then view and decide as that link's holder. "
        "Serve HTTPS with --tls-cert FILE --tls-key FILE, or behind a reverse proxy that "
        "does (README: serving on an office network); without --host the app is reachable "
        "only from this machine."
    )


def check_tls(cert: Path | None, key: Path | None) -> bool:
    """Whether to serve HTTPS; the certificate and key must both be given and load."""
    if cert is None and key is None:
        return False
    if cert is None or key is None:
        raise UsageError("--tls-cert and --tls-key go together (the certificate and its key)")
    for path, what in ((cert, "--tls-cert"), (key, "--tls-key")):
        if not path.is_file():
            raise UsageError(f"{what} {path}: no such file")
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(cert, key)
    except ssl.SSLError as exc:
        raise UsageError(
            f"--tls-cert {cert} / --tls-key {key}: not a PEM certificate and its private key "
            f"({exc.reason or exc})"
        ) from None
    return True


class StoppingServer(uvicorn.Server):
    """uvicorn's server, stopping what the app started (the renderer's workers) with it:
    on SIGTERM uvicorn raises the signal again once it has shut down, and the process
    ends there, before any `finally` of the caller would run (the workers would be left
    behind). `on_close` runs before the connections are closed (an endless response
    ends then), `on_shutdown` after."""

    def __init__(
        self,
        config: uvicorn.Config,
        on_shutdown: Callable[[], None],
        on_close: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(config)
        self.on_shutdown = on_shutdown
        self.on_close = on_close

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if self.on_close is not None:
            self.on_close()
        await super().shutdown(sockets)
        await asyncio.to_thread(self.on_shutdown)


def uvicorn_config(
    app: ASGIApp, *, tls_cert: Path | None = None, tls_key: Path | None = None
) -> uvicorn.Config:
    """How both servers run: quiet, no proxy headers, no lifespan, a bounded request head;
    HTTPS by uvicorn itself given a certificate and its key."""
    return uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        server_header=False,
        proxy_headers=False,
        lifespan="off",
        timeout_graceful_shutdown=5,
        h11_max_incomplete_event_size=64 * 1024,
        ssl_certfile=str(tls_cert) if tls_cert is not None else None,
        ssl_keyfile=str(tls_key) if tls_key is not None else None,
    )


def serve(
    root: Path,
    *,
    host: str,
    port: int,
    open_browser: bool,
    echo: Echo,
    tls_cert: Path | None = None,
    tls_key: Path | None = None,
) -> None:
    """Serve the workspace at `root` until interrupted; prints the link first."""
    tls = check_tls(tls_cert, tls_key)
    public_url = Workspace.load(root).config.review_url
    sock = bind(host, port)
    settings = Settings(
        root=root, host=host, port=sock.getsockname()[1], tls=tls, public_url=public_url
    )
    caches = Caches()
    threading.Thread(target=warm_up, args=(root, caches), daemon=True).start()
    # The draft preview's renderer: warmed now, while the reviewer opens the link.
    renderer = ResidentRenderer(root)
    renderer.start()

    def announce() -> None:
        renderer.wait_ready()
        echo(f"Draft previews are ready (renderer warmed in {renderer.warm_seconds or 0:.1f} s).")

    threading.Thread(target=announce, daemon=True).start()
    config = uvicorn_config(
        create_app(settings, caches, renderer),
        tls_cert=tls_cert if tls else None,
        tls_key=tls_key if tls else None,
    )
    server = StoppingServer(config, renderer.close)
    warning = warning_for(host, tls)
    if warning:
        echo(warning)
    echo(f"Reviewing the workspace {root}")
    if Register.load(root):
        echo(
            "Office link (views everything, decides nothing: reviewers decide through their "
            "personal links, `publisher reviewers invite NAME`):"
        )
    else:
        echo("Open this link in your browser (it carries the access token; keep it to yourself):")
    echo(f"    {settings.url}")
    if public_url:
        local = f"{settings.scheme}://{sock.getsockname()[0]}:{settings.port}"
        echo(f"Listening on {local} (the address [review] url forwards to)")
    echo("Press Ctrl-C to stop.")
    if open_browser:

        def opener() -> None:
            while not server.started and not server.should_exit:
                time.sleep(0.05)
            if server.started:
                webbrowser.open(settings.url)

        threading.Thread(target=opener, daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        renderer.close()  # after Ctrl-C; a SIGTERM has closed it already (see StoppingServer)
