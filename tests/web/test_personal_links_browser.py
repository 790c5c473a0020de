"""Personal links in a real browser: Playwright driving Debian's Chromium (headless).

A reviewer opens the link the press office sent; the page knows who they are
(no name to type), their decisions are recorded under their register entry with
`link` evidence, another language's decisions and the office link's are refused
on the page, and a revoked link stops the very next request.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.support.releases import history
from tests.support.web import Server, invite
from tests.support.workspace import SAMPLE_SLUG, Cli, copy_repo_workspace, reopen

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]

KM_PAGE = f"/r/{SAMPLE_SLUG}/km"


def open_page(browser: Browser, url: str) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(url)
    return page


def test_a_reviewer_decides_through_their_personal_link(
    browser: Browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_repo_workspace(tmp_path / "ws")
    monkeypatch.setenv("PUBLISHER_REVIEWER", "Sok Dara")
    cli = Cli(root)
    cli("reviewers", "add", "Sok Dara", "--lang", "km", "--alias", "សុខ ដារា")
    cli("reviewers", "add", "Li Wei", "--lang", "zh-Hans")
    reopen(cli, "s3", by="Sok Dara")
    with Server(root) as server:
        dara = open_page(browser, invite(cli, server, "សុខ ដារា"))
        assert dara.url == server.base + "/"  # the token left the address bar
        # the page speaks Sok Dara's first language (km in the register), not the browser's
        assert dara.locator("html").get_attribute("lang") == "km"
        assert dara.locator(".who").inner_text() == "អ្នកពិនិត្យ៖ Sok Dara"
        assert dara.locator("a.reviewer").count() == 0  # no name to give or change
        dara.goto(server.base + KM_PAGE)
        dara.locator("#seg-s3 button[value=approve]").click()
        dara.wait_for_function(
            "() => document.querySelector('#seg-s3 .flash')?.textContent.includes('បានអនុម័ត')"
        )
        last = history(root)[-1]
        assert (last["segment"], last["by"], last["evidence"]) == ("s3", "Sok Dara", "link")
        dara.screenshot(path=str(tmp_path / "personal-link-1280.png"), full_page=True)

        # Another language: shown, but the decision is refused on the segment.
        before = (root / "releases" / SAMPLE_SLUG / "translations" / "zh-Hans.po").read_bytes()
        dara.goto(server.base + f"/r/{SAMPLE_SLUG}/zh-Hans?filter=all")
        dara.locator("#seg-s2 button[value=review]").click()
        refused = dara.locator("#seg-s2 .flash")
        refused.wait_for()
        assert refused.inner_text() == (
            "មិនបានរក្សាទុក៖ អ្នកពិនិត្យភាសា km ចំណែក zh-Hans ត្រូវសម្រេចដោយអ្នកពិនិត្យរបស់ភាសានោះ។"
        )
        assert (root / "releases" / SAMPLE_SLUG / "translations" / "zh-Hans.po").read_bytes() == (
            before
        )

        # The office link, in another browser: everything to read, nothing to decide.
        reopen(cli, "s4", by="Sok Dara")
        office = open_page(browser, server.url)
        office.goto(server.base + KM_PAGE)
        assert office.locator(".who").inner_text() == "Office link: view only"
        assert "This is the office link: it shows everything and decides nothing." in (
            office.locator("main").inner_text()
        )
        assert office.locator("button.approve-all").count() == 0
        office.locator("#seg-s4 button[value=approve]").click()
        office.locator("#seg-s4 .flash").wait_for()
        assert (
            office.locator("#seg-s4 .flash")
            .inner_text()
            .startswith("Not saved: this is the office link")
        )
        assert history(root)[-1]["action"] == "reject"  # s4's reopening, nothing after

        # Revoked: the reviewer's next page is refused.
        cli("reviewers", "revoke", "Sok Dara")
        dara.goto(server.base + KM_PAGE)
        assert dara.locator("body").inner_text().strip() == (
            "Your personal link was revoked or has expired: ask the press office for a new one."
        )
