"""The review app's defences, against the real server (`publisher serve` in its own process).

Each test is one thing an attacker on the same machine or a hostile web page in the
reviewer's browser could try: no token, a wrong token, a rebound DNS name, a forged
form, a cross-site post, a huge body, a path out of the workspace, markup in a
translation or a name. Every refusal is checked by its status and its message, and
the files of the release by their bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from publisher.web.security import CSP
from tests.support.smtp_server import make_certificate
from tests.support.web import Server, raw_get
from tests.support.workspace import REPO, SAMPLE_SLUG, Cli, copy_repo_workspace

KM_PO = Path("releases") / SAMPLE_SLUG / "translations" / "km.po"
NO_TOKEN = "Open the link that `publisher serve` printed: it carries the access token.\n"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = copy_repo_workspace(tmp_path_factory.mktemp("web") / "ws")
    with Server(root) as server:
        yield server


def cookie_header(server: Server) -> dict[str, str]:
    return {"Cookie": f"publisher_token_{server.port}={server.token}"}


PAGES = [
    "/",
    f"/r/{SAMPLE_SLUG}/km",
    f"/r/{SAMPLE_SLUG}/km?filter=all",
    f"/r/{SAMPLE_SLUG}/history",
    f"/r/{SAMPLE_SLUG}/zh-Hans/s/s1/history",
    f"/r/{SAMPLE_SLUG}/km/preview",
    "/name",
]


@pytest.mark.parametrize(
    "path", [*PAGES, "/static/app.js", f"/preview/{SAMPLE_SLUG}/km.pdf", "/no-such-page"]
)
def test_every_request_without_the_token_is_refused(served: Server, path: str) -> None:
    response = httpx.get(served.base + path)
    assert (response.status_code, response.text) == (401, NO_TOKEN)


def test_a_post_without_the_token_is_refused_and_changes_nothing(served: Server) -> None:
    before = (served.root / KM_PO).read_bytes()
    response = httpx.post(
        f"{served.base}/r/{SAMPLE_SLUG}/km/s/s1",
        data={"action": "reject", "comment": "forged", "hash": "0" * 16, "state": "approved"},
    )
    assert (response.status_code, response.text) == (401, NO_TOKEN)
    assert (served.root / KM_PO).read_bytes() == before


def test_a_wrong_token_is_refused(served: Server) -> None:
    response = httpx.get(f"{served.base}/?token={served.token[:-2]}xx")
    assert response.status_code == 403
    assert response.text == "This link's access token is wrong or out of date.\n"


def test_the_printed_link_sets_a_cookie_and_leaves_the_address_bar(served: Server) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?token=[A-Za-z0-9_-]{43}", served.url)
    response = httpx.get(served.url, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    # The office link's cookie, and any personal link's cookie in this browser removed.
    assert response.headers.get_list("set-cookie") == [
        f"publisher_token_{served.port}={served.token}; Path=/; HttpOnly; SameSite=Strict",
        f"publisher_link_{served.port}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
    ]
    deep = httpx.get(
        f"{served.base}/r/{SAMPLE_SLUG}/km?filter=stale&token={served.token}",
        follow_redirects=False,
    )
    assert deep.headers["location"] == f"/r/{SAMPLE_SLUG}/km?filter=stale"
    page = httpx.get(served.base + "/", headers=cookie_header(served))
    assert page.status_code == 200
    assert '<h1>Releases <span class="workspace">in ws</span></h1>' in page.text


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:{port}", "127.0.0.1:1", "localhost", "", "[::2]:{port}"]
)
def test_a_foreign_host_header_is_refused_even_with_the_token(served: Server, host: str) -> None:
    headers = {**cookie_header(served)}
    status, body, _ = raw_get(served, "/", {**headers, "Host": host.format(port=served.port)})
    assert (status, body) == (400, "This server answers only to the address it printed.\n")


def test_another_apps_odd_cookie_does_not_hide_the_token(served: Server) -> None:
    odd = 'jupyter="2|1:0|10:x; other={"k": 1}; ' + cookie_header(served)["Cookie"]
    status, body, _ = raw_get(served, "/", {"Cookie": odd})
    assert status == 200 and "<h1>Releases" in body


def test_localhost_is_the_same_server(served: Server) -> None:
    status, _, _ = raw_get(
        served, "/", {**cookie_header(served), "Host": f"localhost:{served.port}"}
    )
    assert status == 200


def test_a_form_without_the_csrf_token_is_refused(served: Server) -> None:
    client = served.client()
    before = (served.root / KM_PO).read_bytes()
    fields = {"action": "reject", "comment": "forged", "hash": "0" * 16, "state": "approved"}
    for extra in ({}, {"csrf": "wrong"}, {"csrf": ""}):
        refused = client.post(f"/r/{SAMPLE_SLUG}/km/s/s1", {**fields, **extra}, csrf=False)
        assert refused.status_code == 403
        assert refused.text == "This form is out of date: reload the page and try again.\n"
    assert (served.root / KM_PO).read_bytes() == before
    by_header = client.http.post(
        "/name",
        data={"name": "Sok Dara", "next": "/"},
        headers={"X-CSRF-Token": client.csrf},
        follow_redirects=False,
    )
    assert by_header.status_code == 303


@pytest.mark.parametrize(
    ("headers", "status", "message"),
    [
        ({"Origin": "http://evil.example"}, 403, "Requests from other sites are refused."),
        ({"Origin": "null"}, 403, "Requests from other sites are refused."),
        ({"Sec-Fetch-Site": "cross-site"}, 403, "Requests from other sites are refused."),
        ({"Sec-Fetch-Site": "same-site"}, 403, "Requests from other sites are refused."),
        ({"Content-Type": "application/json"}, 415, "Only forms are accepted."),
        ({"Content-Type": "multipart/form-data; boundary=x"}, 415, "Only forms are accepted."),
    ],
)
def test_cross_site_and_non_form_posts_are_refused(
    served: Server, headers: dict[str, str], status: int, message: str
) -> None:
    client = served.client()
    body = f"csrf={client.csrf}&name=Mallory&next=/"
    sent = {"Content-Type": "application/x-www-form-urlencoded", **headers}
    response = client.http.post("/name", content=body, headers=sent, follow_redirects=False)
    assert (response.status_code, response.text) == (status, message + "\n")


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_only_get_and_post(served: Server, method: str) -> None:
    client = served.client()
    response = client.http.request(method, "/name", headers={"X-CSRF-Token": client.csrf})
    assert (response.status_code, response.text) == (405, "Only GET and POST are used here.\n")


def test_request_bodies_are_capped(served: Server) -> None:
    client = served.client()
    big = "name=" + "a" * (1024 * 1024 + 10)
    declared = client.http.post(
        "/name",
        content=big,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert (declared.status_code, declared.text) == (413, "The request is too large.\n")

    def chunks() -> Iterator[bytes]:  # no Content-Length: the cap holds while reading
        yield f"csrf={client.csrf}&name=".encode()
        for _ in range(40):
            yield b"a" * 65536

    streamed = client.http.post(
        "/name",
        content=chunks(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert (streamed.status_code, streamed.text) == (413, "The request is too large.\n")


@pytest.mark.parametrize("path", PAGES)
def test_pages_carry_a_strict_csp_and_no_inline_code(served: Server, path: str) -> None:
    client = served.client(reviewer="Sok Dara")
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == CSP
    assert "unsafe" not in CSP and "script-src 'self';" in CSP and "style-src 'self';" in CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"
    html = response.text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert not re.search(r"\sstyle\s*=", html), "inline style attribute"
    assert not re.search(r"<style", html), "inline style element"
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"
    assert "javascript:" not in html


TRAVERSALS = [
    "/static/../publisher.toml",
    "/static/..%2fpublisher.toml",
    "/static/%2e%2e%2f%2e%2e%2fpublisher.toml",
    "/static/..%5cpublisher.toml",
    "/static/htmx.json",
    f"/preview/{SAMPLE_SLUG}/..%2f..%2f..%2fpublisher.toml",
    f"/preview/{SAMPLE_SLUG}/%2e%2e/release.toml",
    f"/preview/..%2f..%2freleases%2f{SAMPLE_SLUG}/km.pdf",
    "/preview/..%2f/km.pdf",
    f"/preview/{SAMPLE_SLUG}/source.md",
    f"/preview/{SAMPLE_SLUG}/km.po",
    f"/preview/{SAMPLE_SLUG}/..pdf",
    "/r/..%2f..%2fetc/km",
    f"/r/{SAMPLE_SLUG}/..%2f..%2fpublisher.toml",
    f"/r/{SAMPLE_SLUG}/km/s/..%2fsegments.json/history",
    f"/r/{SAMPLE_SLUG}/km/s/..%2f..%2fsource.md/suggestions",
    "/r/%2fetc%2fpasswd/km",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_request_path_reaches_files_outside_the_fixed_folders(served: Server, path: str) -> None:
    status, body, _ = raw_get(served, path, cookie_header(served))
    assert status == 404, (path, status)
    for secret in ("[workspace]", "root:x:", "msgctxt", "# Samdech", "target_languages"):
        assert secret not in body


def test_a_symlink_planted_in_the_preview_folder_leads_nowhere(served: Server) -> None:
    folder = served.root / ".publisher-cache" / "preview" / SAMPLE_SLUG
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "km.html").symlink_to(served.root / "publisher.toml")
    (folder / "en.html").symlink_to("/etc/passwd")
    try:
        for name in ("km.html", "en.html"):
            status, body, _ = raw_get(
                served, f"/preview/{SAMPLE_SLUG}/{name}", cookie_header(served)
            )
            assert status == 404
            assert "[workspace]" not in body and "root:" not in body
    finally:
        (folder / "km.html").unlink()
        (folder / "en.html").unlink()


def test_static_files_are_a_fixed_list(served: Server) -> None:
    client = served.client()
    js = client.get("/static/app.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert client.get("/static/htmx.min.js").status_code == 200
    assert client.get("/static/nothing.js").status_code == 404


def test_htmx_is_the_vendored_pinned_version() -> None:
    static = REPO / "publisher" / "web" / "static"
    record = json.loads((static / "htmx.json").read_text(encoding="utf-8"))
    script = (REPO / "scripts" / "vendor_htmx.py").read_text(encoding="utf-8")
    assert f'HTMX_VERSION = "{record["version"]}"' in script
    data = (static / "htmx.min.js").read_bytes()
    assert hashlib.sha256(data).hexdigest() == record["sha256"]
    assert f'version:"{record["version"]}"'.encode() in data
    templates = (REPO / "publisher" / "web" / "templates").glob("*.html")
    for template in templates:  # no CDN, no other origin
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"(src|href)=\"(https?:)?//", text), template.name


def test_listening_beyond_this_machine_needs_host_and_warns(served: Server, tmp_path: Path) -> None:
    assert served.lines[0] == f"Reviewing the workspace {served.root}"
    assert not any(line.startswith("warning") for line in served.lines)
    with Server(served.root, "--host", "0.0.0.0") as wide:
        assert wide.lines[0] == (
            "warning: listening on 0.0.0.0 over plain HTTP: the links (the office's and every "
            "reviewer's personal link) and their access tokens cross the network unencrypted, "
            "readable by anyone on it, who could then view and decide as that link's holder. "
            "Serve HTTPS with --tls-cert FILE --tls-key FILE, or behind a reverse proxy that "
            "does (README: serving on an office network); without --host the app is reachable "
            "only from this machine."
        )
        assert wide.url.startswith("http://127.0.0.1:")
        refused = raw_get(wide, "/", {"Host": "evil.example", **cookie_header(wide)})
        assert refused[:2] == (400, "This server answers only to the address it printed.\n")


def test_a_port_in_use_is_one_line(cli: Cli) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = cli("serve", "--port", str(port), ok=False)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: port {port} is in use on 127.0.0.1; choose another with --port\n"
    )


def test_over_https_every_cookie_is_secure(tmp_path: Path) -> None:
    """Served over HTTPS, the name and language cookies are Secure like the token's: a
    plain-HTTP page on the same host (a man in the middle) cannot read or replace them."""
    root = copy_repo_workspace(tmp_path / "ws")
    cert, key = make_certificate(tmp_path / "tls")
    with Server(root, "--tls-cert", str(cert), "--tls-key", str(key), ca=cert) as secure:
        client = secure.client()
        named = client.post("/name", {"name": "Press Secretary", "next": "/"}, expect=303)
        language = client.get("/language?to=km&next=/", follow_redirects=False)
        for response in (named, language):
            cookie = response.headers["set-cookie"]
            assert "; secure" in cookie.lower(), cookie
