"""Personal links to the review app, against the real server (`publisher serve`).

Reviewers are registered and invited with the CLI, as a press office would; each
test then opens links with an HTTP client that keeps cookies as a browser does,
and reads the release files afterwards. The forged requests are those someone
on the office network could try: another reviewer's language, a token that is
not theirs, an expired or revoked link replayed, another visitor's CSRF token,
the office link used to decide. The browser itself: test_personal_links_browser.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import tomlkit

from tests.support.releases import history
from tests.support.smtp_server import make_certificate
from tests.support.web import (
    Client,
    Server,
    decide,
    flash,
    invite,
    raw_get,
    registered_cli,  # noqa: F401 (fixture `cli`)
    registered_server,  # noqa: F401 (fixture `server`)
    shown,
)
from tests.support.workspace import SAMPLE_SLUG, Cli, reopen, set_review

KM_PO = Path("releases") / SAMPLE_SLUG / "translations" / "km.po"
ZH_PO = Path("releases") / SAMPLE_SLUG / "translations" / "zh-Hans.po"
KM_PAGE = f"/r/{SAMPLE_SLUG}/km"
ZH_PAGE = f"/r/{SAMPLE_SLUG}/zh-Hans"
REVOKED = "Your personal link was revoked or has expired: ask the press office for a new one.\n"
WRONG = "This link's access token is wrong or out of date.\n"


def test_serve_prints_the_office_link_as_view_only(server: Server) -> None:
    assert server.lines[1] == (
        "Office link (views everything, decides nothing: reviewers decide through their "
        "personal links, `publisher reviewers invite NAME`):"
    )


def test_invite_prints_a_personal_link_with_a_256_bit_token_stored_as_a_hash(
    cli: Cli, root: Path
) -> None:
    out = cli("reviewers", "invite", "សុខ ដារា", "--expires", "2w").stdout
    lines = out.splitlines()
    assert re.fullmatch(
        r"Personal link for Sok Dara \(km\), until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ; send it to "
        r"them alone \(whoever holds it decides as them\):",
        lines[0],
    )
    token = re.fullmatch(r"    http://127\.0\.0\.1:8765/\?token=([A-Za-z0-9_-]{43})", lines[1])
    assert token, lines[1]
    stored = (root / "reviewers.toml").read_text(encoding="utf-8")
    assert token.group(1) not in stored
    import hashlib

    assert hashlib.sha256(token.group(1).encode()).hexdigest() in stored
    set_review(root, url="https://review.example.org/")
    again = cli("reviewers", "invite", "Li Wei").stdout
    assert "    https://review.example.org/?token=" in again
    bad = cli("reviewers", "invite", "Li Wei", "--expires", "forever", ok=False)
    assert bad.stderr == (
        "error: --expires must be a duration such as 30d, 12h or 2w (not 'forever')\n"
    )


def test_a_personal_link_decides_as_its_reviewer(cli: Cli, server: Server, root: Path) -> None:
    reopen(cli, "s3", by="Sok Dara")
    dara = server.link_client(invite(cli, server, "Sok Dara"), KM_PAGE + "?filter=all")
    page = dara.get(KM_PAGE).text
    # the page speaks the first language of Sok Dara's register entry: Khmer
    assert '<html lang="km">' in page
    assert (
        '<span class="reviewer-label">អ្នកពិនិត្យ៖</span> <span class="reviewer">Sok Dara</span>'
        in (page)
    )
    assert 'href="/name' not in page  # no name form: the link says who this is
    assert dara.get("/name").status_code == 403
    status, fragment = decide(dara, "s3", "approve")
    assert (status, flash(fragment)) == (200, "ផ្នែក s3 បានអនុម័ត។")
    last = history(root)[-1]
    assert (last["action"], last["segment"], last["by"], last["evidence"]) == (
        "approve",
        "s3",
        "Sok Dara",
        "link",
    )
    # A name typed into the form changes nothing: identity is the link's.
    response = dara.post(
        f"{KM_PAGE}/s/s3",
        {**shown(dara, "s3"), "action": "reject", "comment": "x", "name": "Li Wei", "by": "Li Wei"},
        htmx=True,
    )
    assert response.status_code == 200
    assert history(root)[-1]["by"] == "Sok Dara"


def test_verify_counts_approvals_made_through_a_link(cli: Cli, server: Server) -> None:
    reopen(cli, "s4", by="Sok Dara")
    dara = server.link_client(invite(cli, server, "Sok Dara"), KM_PAGE + "?filter=all")
    assert decide(dara, "s4", "approve")[0] == 200
    assert "  km: 13 approvals: 1 link, 12 typed\n" in cli("verify", SAMPLE_SLUG).stdout


def test_a_language_outside_the_reviewers_is_refused(cli: Cli, server: Server, root: Path) -> None:
    dara = server.link_client(invite(cli, server, "Sok Dara"), KM_PAGE + "?filter=all")
    before = (root / ZH_PO).read_bytes()
    assert dara.get(ZH_PAGE).status_code == 200  # every language can be read
    for action in ("reject", "approve", "edit"):
        status, fragment = decide(dara, "s1", action, lang="zh-Hans", comment="x", text="x")
        assert status == 422
        assert flash(fragment) == (  # in Khmer, Sok Dara's first language
            "មិនបានរក្សាទុក៖ អ្នកពិនិត្យភាសា km ចំណែក zh-Hans ត្រូវសម្រេចដោយអ្នកពិនិត្យរបស់ភាសានោះ។"
        )
    bulk = dara.post(f"{ZH_PAGE}/all", {"action": "approve", "filter": "all"}, htmx=True)
    assert "មិនបានរក្សាទុក៖ អ្នកពិនិត្យភាសា km ចំណែក zh-Hans" in bulk.text
    assert (root / ZH_PO).read_bytes() == before


def test_the_office_link_views_but_decides_nothing(cli: Cli, server: Server, root: Path) -> None:
    reopen(cli, "s5", by="Sok Dara")
    office = server.track(Client(server, KM_PAGE + "?filter=all"))
    assert office.http.get(server.url).status_code == 200
    page = office.get(KM_PAGE + "?filter=all").text
    assert "This is the office link: it shows everything and decides nothing." in page
    assert 'class="bulk"' not in page
    assert "Office link: view only" in page
    # The office's pages carry the CSRF token, in a segment's form (the client reads it there).
    assert office.csrf
    before = (root / KM_PO).read_bytes()
    status, fragment = decide(office, "s5", "approve")
    assert status == 422
    assert flash(fragment).startswith("Not saved: this is the office link, which views")
    assert office.post("/name", {"name": "Sok Dara", "next": "/"}).status_code == 403
    bulk = office.post(f"{KM_PAGE}/all", {"action": "approve", "filter": "all"}, htmx=True)
    assert "this is the office link" in bulk.text
    assert (root / KM_PO).read_bytes() == before
    # Without a register, the office link is today's: a typed name decides.
    (root / "reviewers.toml").unlink()
    typed = server.client(reviewer="Anyone")
    assert decide(typed, "s5", "approve")[0] == 200
    assert history(root)[-1]["evidence"] == "typed"


def test_a_revoked_link_is_refused_at_once_and_cannot_be_replayed(
    cli: Cli, server: Server, root: Path
) -> None:
    reopen(cli, "s6", by="Sok Dara")
    link = invite(cli, server, "Sok Dara")
    dara = server.link_client(link, KM_PAGE + "?filter=all")
    form = {**shown(dara, "s6"), "action": "approve", "filter": "all"}
    assert dara.csrf  # the page's CSRF token, read while the link opened
    assert cli("reviewers", "revoke", "Sok Dara").stdout == "Sok Dara's link is revoked\n"
    before = (root / KM_PO).read_bytes()
    replay = dara.post(f"{KM_PAGE}/s/s6", form, htmx=True)
    assert (replay.status_code, replay.text) == (403, REVOKED)
    assert dara.get(KM_PAGE).text == REVOKED
    assert httpx.get(link, follow_redirects=False).text == WRONG
    assert (root / KM_PO).read_bytes() == before
    # A new invitation opens again; the old link stays dead.
    fresh = server.link_client(invite(cli, server, "Sok Dara"), KM_PAGE + "?filter=all")
    assert decide(fresh, "s6", "approve")[0] == 200
    assert httpx.get(link, follow_redirects=False).status_code == 403


def test_an_expired_link_is_refused(cli: Cli, server: Server, root: Path) -> None:
    link = invite(cli, server, "Li Wei", "--expires", "1h")
    li = server.link_client(link, ZH_PAGE + "?filter=all")
    # An hour later (the register's expiry moved back, as time would).
    register = tomlkit.parse((root / "reviewers.toml").read_text(encoding="utf-8"))
    for entry in register["reviewer"]:
        if entry["name"] == "Li Wei":
            entry["link"]["expires"] = "2020-01-01T00:00:00Z"
    (root / "reviewers.toml").write_text(tomlkit.dumps(register), encoding="utf-8")
    assert (li.get(ZH_PAGE).status_code, li.get(ZH_PAGE).text) == (403, REVOKED)
    opened = httpx.get(link, follow_redirects=False)
    assert (opened.status_code, opened.text) == (
        403,
        "This personal link expired on 2020-01-01T00:00:00Z: ask the press office for a new one.\n",
    )


def test_a_token_is_its_own_reviewers_only(cli: Cli, server: Server, root: Path) -> None:
    """Li Wei holds his own link and Sok Dara's CSRF token: he cannot decide km as Sok Dara."""
    dara = server.link_client(invite(cli, server, "Sok Dara"), KM_PAGE + "?filter=all")
    li = server.link_client(invite(cli, server, "Li Wei"), ZH_PAGE + "?filter=all")
    before = (root / KM_PO).read_bytes()
    form = {**shown(li, "s1"), "action": "reject", "comment": "forged", "csrf": dara.csrf}
    forged = li.http.post(f"{KM_PAGE}/s/s1", data=form, headers={"HX-Request": "true"})
    assert (forged.status_code, forged.text) == (
        403,
        "This form is out of date: reload the page and try again.\n",
    )
    with_his_csrf = li.post(f"{KM_PAGE}/s/s1", {**form, "csrf": li.csrf}, htmx=True)
    assert with_his_csrf.status_code == 422  # km is not his language
    assert "未保存：您审核的是 zh-Hans；km 由该语言的审核人决定。" in (  # Li Wei reads Chinese
        with_his_csrf.text
    )
    # A token made up, or another reviewer's token with one character changed.
    token = dara.http.cookies[f"publisher_link_{server.port}"]
    for fake in ("x" * 43, token[:-1] + ("A" if token[-1] != "A" else "B")):
        cookie = {"Cookie": f"publisher_link_{server.port}={fake}"}
        response = httpx.post(
            f"{server.base}{KM_PAGE}/s/s1",
            data={**form, "csrf": dara.csrf},
            headers={**cookie, "HX-Request": "true"},
        )
        assert (response.status_code, response.text) == (403, REVOKED)
        assert httpx.get(f"{server.base}/?token={fake}").text == WRONG
    # Cross-site: the right cookie and token, sent from another site's page.
    cross = dara.http.post(
        f"{KM_PAGE}/s/s1",
        data={**form, "csrf": dara.csrf},
        headers={"Origin": "http://evil.example", "HX-Request": "true"},
    )
    assert cross.status_code == 403
    assert (root / KM_PO).read_bytes() == before


def test_serve_over_https_with_its_own_certificate(cli: Cli, root: Path, tmp_path: Path) -> None:
    cert, key = make_certificate(tmp_path / "tls")
    with Server(
        root, "--host", "0.0.0.0", "--tls-cert", str(cert), "--tls-key", str(key), ca=cert
    ) as secure:
        assert not any(line.startswith("warning") for line in secure.lines)
        assert secure.url.startswith("https://127.0.0.1:")
        dara = secure.link_client(invite(cli, secure, "Sok Dara"), KM_PAGE + "?filter=all")
        assert dara.get(KM_PAGE).status_code == 200
        welcome = httpx.get(invite(cli, secure, "Li Wei"), verify=secure.verify)
        assert "; Secure" in welcome.headers["set-cookie"]
        with pytest.raises(httpx.TransportError):  # plain HTTP is not spoken on that port
            httpx.get(secure.url.replace("https://", "http://"), timeout=5)
    refused = Cli(root)("serve", "--tls-cert", str(cert), "--port", "0", ok=False)
    assert refused.stderr == (
        "error: --tls-cert and --tls-key go together (the certificate and its key)\n"
    )
    wrong = Cli(root)("serve", "--tls-cert", str(cert), "--tls-key", str(cert), ok=False)
    assert wrong.exit_code == 2 and "not a PEM certificate and its private key" in wrong.stderr


def test_a_reverse_proxy_at_the_review_url_is_an_allowed_host_and_origin(
    cli: Cli, root: Path
) -> None:
    set_review(root, url="https://review.example.org")
    with Server(root) as proxied:
        assert proxied.url.startswith("https://review.example.org/?token=")
        token = proxied.token
        local = proxied.base
        assert local == f"http://127.0.0.1:{proxied.port}"
        # What Caddy or nginx forwards: the public Host, the browser's https Origin.
        headers = {"Host": "review.example.org"}
        first = httpx.get(f"{local}/?token={token}", headers=headers, follow_redirects=False)
        assert first.status_code == 303 and "; Secure" in first.headers["set-cookie"]
        evil = httpx.get(f"{local}/", headers={"Host": "evil.example"})
        assert evil.status_code == 400


def test_four_eyes_across_aliases_between_the_web_and_the_cli(
    cli: Cli, server: Server, root: Path
) -> None:
    """Sok Dara edits a translation through his link; approving it from the CLI under his
    Khmer-script name is approving his own work."""
    set_review(root, four_eyes=True)
    dara = server.link_client(invite(cli, server, "Sok Dara"), KM_PAGE + "?filter=all")
    status, fragment = decide(dara, "s2", "edit", text="ការបកប្រែថ្មីរបស់ដារា")
    assert (status, flash(fragment)) == (200, "ផ្នែក s2 បានរក្សាទុក។")  # Dara reads Khmer
    refused = cli(
        "approve", SAMPLE_SLUG, "--lang", "km", "--segment", "s2", "--by", "សុខ ដារា", ok=False
    )
    assert refused.stderr == (
        "error: s2 cannot be approved by Sok Dara: Sok Dara made its current translation, and "
        "this workspace requires another person to approve it ([review] four_eyes = true)\n"
    )
    status, fragment = decide(dara, "s2", "approve")
    assert status == 422 and "four_eyes = true" in flash(fragment)


def test_a_link_cannot_send_the_browser_to_another_site(cli: Cli, server: Server) -> None:
    """The token's redirect keeps the path of the link; a path browsers read as another
    site (`/\\evil`, which Chrome and Firefox take for `//evil`) goes to the first page."""
    token = parse_qs(urlsplit(invite(cli, server, "Sok Dara")).query)["token"][0]
    for path in ("/\\evil.example/", "/\\/evil.example/", "/a\\b"):
        assert raw_get(server, f"{path}?token={token}")[::2] == (303, "/"), path
    assert raw_get(server, f"//evil.example/?token={token}")[::2] == (303, "/evil.example/")
    assert raw_get(server, f"{KM_PAGE}?filter=all&token={token}")[::2] == (
        303,
        f"{KM_PAGE}?filter=all",
    )


def test_a_damaged_or_linked_register_lets_no_link_in_and_says_why(
    cli: Cli, server: Server, root: Path, tmp_path: Path
) -> None:
    """Fails closed, in a sentence (503, no traceback, the workspace's path not shown to the
    visitor); the terminal says which line; repaired, the same link opens again."""
    link = invite(cli, server, "Sok Dara")
    dara = server.link_client(link, KM_PAGE)
    register = root / "reviewers.toml"
    good = register.read_bytes()
    unreadable = (
        "The register of reviewers (reviewers.toml) cannot be read, so no link is let in until "
        "it is repaired: the terminal running `publisher serve` says why.\n"
    )
    register.write_text('[[reviewer]]\nname = "Sok Dara\n', encoding="utf-8")
    for response in (dara.get(KM_PAGE), httpx.get(link, follow_redirects=False)):
        assert (response.status_code, response.text) == (503, unreadable)
    elsewhere = tmp_path / "elsewhere.toml"
    elsewhere.write_bytes(good)
    register.unlink()
    register.symlink_to(elsewhere)  # the same entries, through a link: refused as the CLI does
    assert (dara.get(KM_PAGE).status_code, dara.get(KM_PAGE).text) == (503, unreadable)
    register.unlink()
    register.symlink_to(tmp_path / "missing.toml")  # dangling: not "no register" either
    assert dara.get(KM_PAGE).status_code == 503
    assert httpx.get(server.url, follow_redirects=False).status_code == 503
    assert cli("reviewers", "list", ok=False).exit_code == 2
    register.unlink()
    register.write_bytes(good)
    assert dara.get(KM_PAGE).status_code == 200
    said = server.wait_for(f"error: {register}: is a symbolic link")
    assert f"error: {register}:2: invalid TOML" in said
    assert f"error: {register}: is a symbolic link (to {elsewhere})" in said
    assert "Traceback" not in said


def test_the_review_url_is_matched_as_browsers_send_it(cli: Cli, root: Path) -> None:
    """`[review] url` written with its default port, or with a non-ASCII name: browsers
    send `Host: review.example.org` (no `:443`) and the name in its ASCII form, and the
    same in `Origin`; the app answers them. A port that is not one, or a user and
    password in the address, is refused before any link is printed."""
    for url, host in (
        ("https://review.example.org:443", "review.example.org"),
        ("https://bücher.example", "xn--bcher-kva.example"),
    ):
        set_review(root, url=url)
        with Server(root) as proxied:
            local, port, token = proxied.base, proxied.port, proxied.token
            first = httpx.get(f"{local}/?token={token}", headers={"Host": host})
            assert first.status_code == 303, (url, first.text)
            posted = httpx.post(
                f"{local}/name",
                data={"csrf": "not-this-pages", "name": "x"},
                headers={
                    "Host": host,
                    "Origin": f"https://{host}",
                    "Cookie": f"publisher_token_{port}={token}",
                },
            )
            # Past the Origin check: only the (wrong) CSRF token stops it.
            assert (posted.status_code, posted.text) == (
                403,
                "This form is out of date: reload the page and try again.\n",
            )
    for url, why in (
        ("https://review.example.org:99999", "must be an http(s) address"),
        ("https://press:secret@review.example.org", "must not hold a user name or password"),
    ):
        refused = cli("reviewers", "invite", "Li Wei", "--url", url, ok=False)
        assert refused.exit_code == 2 and why in refused.stderr, refused.stderr
