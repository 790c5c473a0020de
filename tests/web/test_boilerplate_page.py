"""The boilerplate (About paragraph, contact roles) reviewed on the web like a release.

It holds back every release's Khmer PDF until approved, so the home page lists it
with the releases it holds back; `/r/boilerplate/km` is its review page. In Chromium
against `publisher serve`, then read back with the CLI.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from publisher.core.release import Release
from publisher.core.states import State
from publisher.workflow.session import load_catalog
from tests.support.web import Reviewer, Server, toast
from tests.support.workspace import SAMPLE_SLUG, Cli

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]


def boilerplate_state(root: Path, segment: str) -> State:
    return load_catalog(Release.load(root / "boilerplate"), "km").get(segment).state


def test_the_boilerplate_is_listed_with_what_it_holds_back_and_approved_on_the_web(
    browser: Browser, root: Path, cli: Cli
) -> None:
    cli(
        "reject", "boilerplate", "--lang", "km", "--segment", "s1", "--comment", "name the Ministry"
    )
    assert (
        "boilerplate/s1"
        in cli("build", "--lang", "km", "--out", str(root / "dist"), ok=False).stderr
    )
    with Server(root) as server:
        dara = Reviewer(browser, server, "Sok Dara")
        page = dara.page
        section = page.locator("section.boilerplate")
        assert section.locator("h2").inner_text().startswith("Boilerplate")
        held = section.locator(".held")
        assert held.locator("strong").inner_text() == "Holds back Khmer in:"
        release = held.locator(f"a[href='/r/{SAMPLE_SLUG}/km']")
        assert release.inner_text().startswith("Samdech Techo Hun Sen to Pay Official")
        # the release's own row says why it is not publishable
        assert (
            "boilerplate/s1"
            in page.locator("section.release:not(.boilerplate) .why").first.inner_text()
        )
        section.locator("a.button[href='/r/boilerplate/km']").click()
        page.wait_for_selector("#summary")
        assert page.locator("h1 .lang-title").inner_text() == "Boilerplate, Khmer review"
        assert [e for e in dara.listed()] == ["s1"]
        about = page.locator("#seg-s1 .source .text")
        assert about.locator("mark.ph-url").inner_text() == "https://www.mfaic.gov.kh"
        page.locator("#seg-s1 button.approve").click()
        page.wait_for_selector("#seg-s1[data-state=approved]")
        toast(page, "Segment s1 approved.", starts=True)
        page.goto(server.base + "/")
        assert page.locator("section.boilerplate .held").count() == 0
        history = server.client().get("/r/boilerplate/history").text
        assert "Sok Dara" in history and "name the Ministry" in history
        assert dara.errors == []
        dara.close()
    assert boilerplate_state(root, "s1") is State.APPROVED
    assert "boilerplate" not in cli("status", SAMPLE_SLUG).stdout.split("publishable")[-1]
