"""What stands between the review app and anything else that can reach its port.

The app runs on a reviewer's machine and changes release files, so every
request must come from the reviewer's own browser, through the link
`publisher serve` printed:

* **Host header** checked against the address the server is bound to: a web
  page whose DNS name is re-pointed at 127.0.0.1 (DNS rebinding) sends its own
  name as Host and is refused before anything else.
* **Access token** (random, 256 bits) required on every request: in the query of
  the printed link once, then in an HttpOnly, SameSite=Strict cookie named for
  the port (two servers on one machine keep separate cookies; browsers still send
  them to every port of the host, SECURITY.md). The link's token
  is taken out of the address bar by a redirect, so it stays out of history
  and Referer headers.
* **Who is asking** (`Visitor`): the office link `publisher serve` prints, or a
  reviewer's personal link (`publisher reviewers invite`), whose token is
  checked against the register's SHA-256 of it on every request, so that a
  revoked or expired link stops at once, cookie or not. With a register, only
  a personal link decides (app.py); the office link views. A register that
  cannot be read (damaged, a symbolic link) lets no link in (503) until repaired.
* **CSRF token** on every state-changing request (a header from htmx or a form
  field), bound to the visitor (one reviewer's page cannot post as another),
  plus the browser's Origin and Sec-Fetch-Site when it sends them; only POST
  with a form body is accepted.
* **Bodies capped** (`MAX_BODY_BYTES`), read in chunks that stop at the cap.
* **Headers** on every response: a strict Content-Security-Policy (scripts and
  styles only from the app's own static files, no inline script or style, no
  frames), no MIME sniffing, no referrer sent to other sites, no caching of pages.

This module knows nothing of releases; it wraps the ASGI app (see app.py).
Served over HTTPS (`--tls-cert`, or a reverse proxy at `[review] url`), the
cookies are marked Secure and the origins checked are https ones.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import ipaddress
import secrets
import socket
import sys
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from starlette.requests import cookie_parser

from publisher.core.fsutil import read_bytes
from publisher.core.limits import MAX_SEGMENTS
from publisher.core.reviewers import REGISTER_NAME, Register, Reviewer, iso, now_utc
from publisher.errors import PublisherError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: A form body: the longest translation (20,000 Khmer characters percent-encoded is
#: about 180 KB) or the shown state of every segment of the largest release.
MAX_BODY_BYTES = 1024 * 1024
#: Form fields in one request: one per segment of the largest release, and a few more.
MAX_FORM_FIELDS = MAX_SEGMENTS + 50
#: Where the parsed form of a POST waits for the endpoint (the body is read once, here).
FORM_KEY = "publisher.form"
#: Where the endpoint finds who is asking (a `Visitor`).
VISITOR_KEY = "publisher.visitor"

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
#: A built preview page is the publisher's own HTML (an inline <style>, no script):
#: shown sandboxed, so even a template override with a script could not run it.
PREVIEW_CSP = (
    "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; "
    "style-src 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:"
)
_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _with_port(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """The Host header values a browser sends for this server, and nothing else.

    Bound to a loopback address: that address and `localhost`. Bound to a named
    address: that address. Bound to every interface (0.0.0.0, ::): this
    machine's name and addresses, which is what colleagues type.
    """
    names = {host}
    if is_loopback(host):
        names |= {"127.0.0.1", "localhost", "::1"}
    elif host in ("0.0.0.0", "::", ""):
        names |= {"127.0.0.1", "localhost", "::1", socket.gethostname(), socket.getfqdn()}
        try:
            for info in socket.getaddrinfo(socket.gethostname(), None):
                names.add(str(info[4][0]))
        except OSError:
            pass
    return frozenset(_with_port(name.lower(), port) for name in names if name)


def public_hosts(url: str) -> frozenset[str]:
    """The Host header values (and origins, after the scheme) browsers send for the address
    `url` (`[review] url`): its name lower case and in ASCII (`bücher.example` is sent as
    `xn--bcher-kva.example`), without the port when it is the scheme's default (browsers
    leave `:443` out even when the address writes it) and with it (a proxy may pass it on)."""
    parts = urlsplit(url)
    name = parts.hostname or ""
    with contextlib.suppress(UnicodeError):  # else left as written (matches nothing sent)
        name = name.encode("idna").decode("ascii")
    name = f"[{name}]" if ":" in name else name
    default = 443 if parts.scheme.lower() == "https" else 80
    port = parts.port or default
    return frozenset({f"{name}:{port}", *([name] if port == default else [])})


@dataclass(frozen=True)
class Settings:
    """One running server: the workspace it serves and its secrets (never stored)."""

    root: Path
    host: str
    port: int
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    max_body: int = MAX_BODY_BYTES
    #: Served over HTTPS by uvicorn itself (`--tls-cert`, `--tls-key`).
    tls: bool = False
    #: The address reviewers reach the server at (`[review] url`, e.g. a reverse proxy's).
    public_url: str | None = None

    @property
    def scheme(self) -> str:
        return "https" if self.tls else "http"

    @property
    def hosts(self) -> frozenset[str]:
        hosts = set(allowed_hosts(self.host, self.port))
        if self.public_url:
            hosts |= public_hosts(self.public_url)
        return frozenset(hosts)

    @property
    def origins(self) -> frozenset[str]:
        found = {f"{self.scheme}://{h}" for h in allowed_hosts(self.host, self.port)}
        if self.public_url:
            scheme = urlsplit(self.public_url).scheme.lower()
            found |= {f"{scheme}://{h}" for h in public_hosts(self.public_url)}
        return frozenset(found)

    @property
    def secure_cookies(self) -> bool:
        return self.tls or (self.public_url or "").startswith("https:")

    @property
    def link_cookie(self) -> str:
        return f"publisher_link_{self.port}"

    @property
    def token_cookie(self) -> str:
        return f"publisher_token_{self.port}"

    @property
    def reviewer_cookie(self) -> str:
        return f"publisher_reviewer_{self.port}"

    @property
    def base(self) -> str:
        """The address of the first page: `[review] url`, else this machine's."""
        if self.public_url:
            return self.public_url.rstrip("/")
        shown = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        shown = "::1" if shown == "::" else shown
        return f"{self.scheme}://{_with_port(shown, self.port)}"

    @property
    def url(self) -> str:
        """The office link to print: the first page, with the access token."""
        return f"{self.base}/?token={self.token}"


@dataclass(frozen=True)
class Visitor:
    """Who a request comes from: the office link (`reviewer` None) or a reviewer's
    personal link (the register's entry, as it is now)."""

    reviewer: Reviewer | None
    #: What the CSRF token is bound to: the link's token digest, or "office".
    session: str
    #: The workspace has a register of reviewers: only personal links decide.
    registered: bool = False

    @property
    def by_link(self) -> bool:
        return self.reviewer is not None


def csrf_token(settings: Settings, visitor: Visitor | None) -> str:
    """The CSRF token of this visitor's pages (a keyed hash: one visitor's page cannot
    post as another)."""
    session = visitor.session if visitor is not None else "office"
    mac = hmac.new(settings.csrf.encode(), session.encode(), hashlib.sha256)
    return mac.hexdigest()


class RegisterCache:
    """The register of reviewers, parsed again only when its bytes changed: every request
    checks its link against it, so a revocation counts at once (the file is a few hundred
    bytes; comparing them is safer than trusting times and inodes, which a quick rewrite
    can reuse)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._data: bytes | None = None
        self._register = Register(root / REGISTER_NAME)
        self._lock = threading.Lock()

    def get(self) -> Register:
        """The register as the file is now; PublisherError if it cannot be read (damaged,
        or a symbolic link, dangling or not: never followed, as the CLI never does)."""
        path = self.root / REGISTER_NAME
        try:
            data = read_bytes(path)
        except FileNotFoundError:
            data = b""
        with self._lock:
            if data != self._data:
                self._register = Register.load(self.root) if data else Register(path)
                self._data = data
            return self._register


NO_TOKEN = "Open the link that `publisher serve` printed: it carries the access token."
UNREADABLE_REGISTER = (
    f"The register of reviewers ({REGISTER_NAME}) cannot be read, so no link is let in until "
    "it is repaired: the terminal running `publisher serve` says why."
)


def local_path(target: str) -> str:
    """A page of this app to go to, never another site: `//evil` and `/\\evil` (which
    browsers read as `//evil`) and `https:` become `/`."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_secret(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def cookies(scope: Scope) -> dict[str, str]:
    """The request's cookies, read leniently as browsers send them: another local app's
    odd cookie on 127.0.0.1 must not hide ours (http.cookies gives up on the first)."""
    found: dict[str, str] = {}
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            found.update(cookie_parser(value.decode("latin-1")))
    return found


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


class TooLarge(Exception):
    """The request body is over the cap."""


async def read_body(receive: Receive, cap: int) -> bytes:
    """The whole body, refusing at the first chunk that passes `cap`."""
    chunks: list[bytes] = []
    total = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise TooLarge("client went away")
        chunk = message.get("body", b"")
        total += len(chunk)
        if total > cap:
            raise TooLarge(f"request body over {cap} bytes")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def parse_form(body: bytes) -> dict[str, list[str]]:
    """An application/x-www-form-urlencoded body; ValueError if it is not one."""
    text = body.decode("utf-8")  # UnicodeDecodeError is a ValueError
    return parse_qs(text, keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)


class Guard:
    """ASGI middleware: the checks above, before any endpoint runs."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.hosts = settings.hosts
        self.origins = settings.origins
        self.register = RegisterCache(settings.root)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":  # no websockets here
            await send({"type": "websocket.close", "code": 1008})
            return
        send = _secured(send)
        host = (header(scope, b"host") or "").lower()
        if host not in self.hosts:
            await _plain(send, 400, "This server answers only to the address it printed.")
            return
        method = scope["method"]
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        given = query.pop("token", None)
        try:
            if given is not None:
                visitor, refusal = self._from_link(given[-1])
            else:
                visitor, refusal = self._from_cookies(scope)
        except PublisherError as exc:
            # Fail closed, in a sentence: the visitor is not told where the workspace is.
            print(f"error: {exc.format()}", file=sys.stderr, flush=True)
            await _plain(send, 503, UNREADABLE_REGISTER)
            return
        if visitor is None:
            await _plain(send, 401 if refusal == NO_TOKEN else 403, refusal)
            return
        if given is not None and method in ("GET", "HEAD"):
            await self._welcome(scope, send, query, visitor, given[-1])
            return
        scope[VISITOR_KEY] = visitor
        if method not in ("GET", "HEAD"):
            refused = self._refuse_change(scope)
            if refused:
                await _plain(send, *refused)
                return
            try:
                body = await read_body(receive, self.settings.max_body)
                form = parse_form(body)
            except TooLarge:
                await _plain(send, 413, "The request is too large.")
                return
            except ValueError:
                await _plain(send, 400, "The form could not be read.")
                return
            fields = form.get("csrf") or [""]
            token = header(scope, b"x-csrf-token") or fields[-1]
            if not same_secret(token, csrf_token(self.settings, visitor)):
                await _plain(send, 403, "This form is out of date: reload the page and try again.")
                return
            scope[FORM_KEY] = form
            receive = _replay(body, receive)
        await self.app(scope, receive, send)

    def _from_link(self, token: str) -> tuple[Visitor | None, str]:
        """The visitor a link's token opens for: the office, or a reviewer."""
        register = self.register.get()
        if same_secret(token, self.settings.token):
            return Visitor(None, "office", bool(register)), ""
        now = now_utc()
        for reviewer in register.reviewers:
            link = reviewer.link
            if link is not None and link.opens(token, now):
                return Visitor(reviewer, link.digest, True), ""
            if link is not None and same_secret(token_hash(token), link.digest):
                return None, (
                    f"This personal link expired on {iso(link.expires)}: ask the press office "
                    "for a new one."
                )
        return None, "This link's access token is wrong or out of date."

    def _from_cookies(self, scope: Scope) -> tuple[Visitor | None, str]:
        """The visitor of a request without a token in its address: a personal link's
        cookie (still valid), else the office link's."""
        jar = cookies(scope)
        link = jar.get(self.settings.link_cookie)
        if link:
            visitor, _ = self._from_link(link)
            if visitor is None or visitor.reviewer is None:
                return None, (
                    "Your personal link was revoked or has expired: ask the press office for a "
                    "new one."
                )
            return visitor, ""
        if same_secret(jar.get(self.settings.token_cookie), self.settings.token):
            return Visitor(None, "office", bool(self.register.get())), ""
        return None, NO_TOKEN

    def _refuse_change(self, scope: Scope) -> tuple[int, str] | None:
        """Why a state-changing request is refused before its body is read, or None."""
        if scope["method"] != "POST":
            return 405, "Only GET and POST are used here."
        if (header(scope, b"sec-fetch-site") or "same-origin") not in ("same-origin", "none"):
            return 403, "Requests from other sites are refused."
        origin = header(scope, b"origin")
        if origin is not None and origin.lower() not in self.origins:
            return 403, "Requests from other sites are refused."
        kind = (header(scope, b"content-type") or "").split(";")[0].strip().lower()
        if kind != "application/x-www-form-urlencoded":
            return 415, "Only forms are accepted."
        length = header(scope, b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.settings.max_body):
            return 413, "The request is too large."
        return None

    async def _welcome(
        self,
        scope: Scope,
        send: Send,
        query: dict[str, list[str]],
        visitor: Visitor,
        token: str,
    ) -> None:
        """Swap the link's token for a cookie and take it out of the address bar.

        A personal link's cookie lasts until the link expires; the office link's one
        replaces any personal link's (the browser is the office's again)."""
        raw = scope.get("raw_path", b"/").decode("latin-1").split("?")[0]
        path = local_path("/" + raw.lstrip("/"))
        rest = urlencode(query, doseq=True)
        location = path + (f"?{rest}" if rest else "")
        flags = "; Path=/; HttpOnly; SameSite=Strict" + (
            "; Secure" if self.settings.secure_cookies else ""
        )
        reviewer = visitor.reviewer
        if reviewer is not None and reviewer.link is not None:
            seconds = max(0, int((reviewer.link.expires - now_utc()).total_seconds()))
            set_cookies = [f"{self.settings.link_cookie}={token}{flags}; Max-Age={seconds}"]
        else:
            set_cookies = [
                f"{self.settings.token_cookie}={self.settings.token}{flags}",
                f"{self.settings.link_cookie}={flags}; Max-Age=0",
            ]
        headers = [(b"location", location.encode())]
        headers += [(b"set-cookie", cookie.encode()) for cookie in set_cookies]
        await send({"type": "http.response.start", "status": 303, "headers": headers})
        await send({"type": "http.response.body", "body": b""})


def _secured(send: Send) -> Send:
    """`send` that adds the security headers a response does not set itself."""

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            present = {key.lower() for key, _ in headers}
            extra = {"content-security-policy": CSP, "cache-control": "no-store", **_HEADERS}
            for key, value in extra.items():
                if key.encode() not in present:
                    headers.append((key.encode(), value.encode()))
            message["headers"] = headers
        await send(message)

    return wrapped


def _replay(body: bytes, original: Receive) -> Receive:
    """A `receive` that hands the already-read body to the app, then the real one's news
    (a disconnect)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await original()

    return receive


async def _plain(send: Send, status: int, text: str) -> None:
    body = (text + "\n").encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
