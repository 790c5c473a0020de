"""Decisions say what they did: the toast names the decided and the focused segment.

In Chromium (Playwright) against `publisher serve`: after a decision the live region
(role=status, aria-live=polite) says which segment was decided and which now has the
focus; automatic advance can be turned off (and stays off); a key acts only on the
segment that holds the focus, never on one the reviewer has not reached.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from publisher.core.states import State
from tests.support.releases import catalog
from tests.support.web import Reviewer, Server, toast
from tests.support.workspace import Cli, reopen

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]


def focused_segment(page: Page) -> str | None:
    found: str | None = page.evaluate(
        "() => { const a = document.activeElement.closest('article.segment');"
        " return a ? a.dataset.segment : null; }"
    )
    return found


def test_the_toast_names_the_decided_and_the_focused_segment(
    browser: Browser, root: Path, cli: Cli
) -> None:
    reopen(cli, "s1", "s2", "s4", comment="read again")
    with Server(root) as server:
        dara = Reviewer(browser, server, "Sok Dara")
        dara.review("km")
        page = dara.page
        box = page.locator("#toast")
        assert (box.get_attribute("role"), box.get_attribute("aria-live")) == ("status", "polite")
        # nothing has the focus yet: `a` approves nothing and says why
        page.keyboard.press("a")
        toast(page, "No segment has the focus: press j or n to go to the first one.")
        assert catalog(root).get("s1").state is State.DRAFT
        page.keyboard.press("j")
        assert focused_segment(page) == "s1"
        page.keyboard.press("a")
        page.wait_for_selector("#seg-s1[data-state=approved]")
        toast(page, "Segment s1 approved. Now on segment s2.")
        assert focused_segment(page) == "s2"
        # the next key acts on the segment the toast named, and on no other
        page.keyboard.press("x")
        assert page.evaluate("document.activeElement.id") == "comment-s2"
        page.keyboard.press("Escape")
        assert focused_segment(page) == "s2"
        # automatic advance off: the decision stays on its segment, and the toast says so
        page.uncheck("#auto-advance")
        page.locator("#seg-s2").focus()
        page.keyboard.press("r")
        page.wait_for_selector("#seg-s2[data-state=reviewed]")
        toast(page, "Segment s2 marked reviewed. Still on segment s2.")
        assert focused_segment(page) == "s2"
        page.keyboard.press("a")
        page.wait_for_selector("#seg-s2[data-state=approved]")
        toast(page, "Segment s2 approved. Still on segment s2.")
        assert catalog(root).get("s4").state is State.DRAFT
        # the choice is kept in this browser
        page.reload()
        assert not page.is_checked("#auto-advance")
        assert dara.errors == []
        dara.close()
    states = {e.id: e.state for e in catalog(root)}
    assert (states["s1"], states["s2"], states["s4"]) == (
        State.APPROVED,
        State.APPROVED,
        State.DRAFT,
    )


def test_the_toast_in_khmer_and_a_refusal_keeps_the_focus(
    browser: Browser, root: Path, cli: Cli
) -> None:
    reopen(cli, "s4", comment="read again")
    with Server(root) as server:
        dara = Reviewer(browser, server, "សុខ ដារា", locale="km-KH")
        dara.review("km")
        page = dara.page
        page.keyboard.press("j")
        assert focused_segment(page) == "s4"
        page.keyboard.press("a")
        page.wait_for_selector("#seg-s4[data-state=approved]")
        toast(page, "ផ្នែក s4 បានអនុម័ត។ នេះជាផ្នែកចុងក្រោយក្នុងបញ្ជី នៅតែលើផ្នែក s4។")
        # a rejection without a comment is refused: the toast says so, the focus stays
        page.keyboard.press("x")
        page.keyboard.press("Control+Enter")
        toast(
            page,
            "ផ្នែក s4 មិនបានរក្សាទុកទេ៖ a rejection needs a comment saying what is wrong "
            "នៅតែលើផ្នែក s4។",
        )
        assert focused_segment(page) == "s4"
        assert "error" in (page.locator("#toast").get_attribute("class") or "")
        # the server's own guard refuses (the access cookie is gone): said in Khmer too
        page.keyboard.press("Escape")
        dara.context.clear_cookies()
        page.keyboard.press("r")
        toast(page, "មិនបានរក្សាទុក៖ កម្មវិធីរុករកនេះលែងមានតំណត្រឹមត្រូវទៀតហើយ។ សូមបើកតំណរបស់អ្នកម្តងទៀត។")
        assert dara.refused[-1].startswith("401 POST")
        assert [e for e in dara.errors if "422" not in e and "401" not in e] == []
        dara.close()
    assert catalog(root).get("s4").state is State.APPROVED
