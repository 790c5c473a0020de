"""Every page of the review app is accessible, in Khmer and in Chinese, on a phone and a
desktop: axe-core (npm, pinned in the Makefile, used by the tests only) injected into
the real pages in Chromium finds no serious or critical violation.

Beyond axe: a skip link leads to the first segment, landmarks have unique names, and
every text and control has a contrast of at least 4.5:1, disabled controls included
(axe leaves those out). Screenshots of the review page at 390 and 1280 px in both
languages go to the test's tmp folder; nothing is cut off (no horizontal scrolling,
no control whose text overflows it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.support.web import Server
from tests.support.workspace import REPO, SAMPLE_SLUG, Cli

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]

AXE = REPO / ".cache" / "npm-axe" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (390, 1280)
PAGES = {
    "releases": "/",
    "review": f"/r/{SAMPLE_SLUG}/km?filter=all",
    "review-zh": f"/r/{SAMPLE_SLUG}/zh-Hans?filter=all",
    "boilerplate": "/r/boilerplate/km?filter=all",
    "history": f"/r/{SAMPLE_SLUG}/history",
    "segment-history": f"/r/{SAMPLE_SLUG}/km/s/s1/history",
    "name": "/name",
    "preview": f"/r/{SAMPLE_SLUG}/km/preview",
    "not-found": "/r/no-such-release/km",
}

# The contrast of every visible text node's element against its painted background,
# walking up to the first opaque background (the pages use no background images).
CONTRAST = """(selector) => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!el.offsetParent && getComputedStyle(el).position !== 'fixed') continue;
    const fg = rgb(getComputedStyle(el).color).slice(0, 3);
    const [a, b] = [lum(fg), lum(background(el))].sort((x, y) => y - x);
    out.push({text: el.textContent.trim().slice(0, 40), ratio: (a + 0.05) / (b + 0.05)});
  }
  return out;
}"""


# Nothing cut off: no horizontal scrolling, no control whose text is wider than itself.
LAYOUT = """() => ({
  scroll: document.documentElement.scrollWidth,
  width: window.innerWidth,
  clipped: [...document.querySelectorAll('button, .button, .filter')]
    .filter(b => b.offsetParent && b.scrollWidth > b.clientWidth + 1)
    .map(b => b.textContent.trim())})"""


def axe(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            const where = (n) => n.target.join(' ') + ': ' + n.failureSummary;
            return r.violations.map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.slice(0, 3).map(where)}));
        }"""
    )
    found: list[dict[str, Any]] = result
    return found


@pytest.fixture
def served(root: Path, cli: Cli) -> Server:
    # a stale segment, an untranslated one and a draft: every badge and button shows
    cli("reject", SAMPLE_SLUG, "--lang", "km", "--segment", "s2", "--comment", "read again")
    return Server(root)


@pytest.mark.parametrize("ui", ["km", "zh-Hans"])
def test_no_serious_violation_on_any_page_at_both_widths(
    browser: Browser, served: Server, ui: str, tmp_path: Path
) -> None:
    assert AXE.is_file(), f"{AXE} is missing: run `make test` (it installs axe-core)"
    problems: dict[str, Any] = {}
    with served as server:
        for width in WIDTHS:
            # axe is injected by the test, past the app's Content-Security-Policy
            context = browser.new_context(
                viewport={"width": width, "height": 900}, bypass_csp=True, locale="en-GB"
            )
            page = context.new_page()
            page.goto(server.url)
            page.goto(f"{server.base}/language?to={ui}&next=/")
            for name, path in PAGES.items():
                page.goto(server.base + path)
                assert page.get_attribute("html", "lang") == ui
                if name.startswith("review"):
                    page.locator("article.segment button.open-edit").first.click()
                    page.screenshot(path=str(tmp_path / f"{name}-{ui}-{width}.png"), full_page=True)
                    layout = page.evaluate(LAYOUT)
                    assert layout["scroll"] <= layout["width"], (name, width, layout)
                    assert layout["clipped"] == [], (name, width, layout)
                serious = [v for v in axe(page) if v["impact"] in ("serious", "critical")]
                unique = [v for v in axe(page) if v["id"] in ("landmark-unique", "bypass")]
                low = [
                    c
                    for c in page.evaluate(CONTRAST, "button, .button, a, label, .badge, td, p, dd")
                    if c["text"] and c["ratio"] < 4.5
                ]
                if serious or unique or low:
                    problems[f"{name} {width}px"] = {"axe": serious + unique, "contrast": low}
            context.close()
    assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=1)


def test_the_skip_link_leads_to_the_first_segment_and_disabled_buttons_stay_readable(
    browser: Browser, served: Server
) -> None:
    with served as server:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="km-KH")
        page = context.new_page()
        page.goto(server.url)
        page.goto(f"{server.base}/r/{SAMPLE_SLUG}/km?filter=all")
        page.keyboard.press("Tab")
        skip = page.evaluate(
            "[document.activeElement.className, document.activeElement.textContent]"
        )
        assert skip == ["skip-link", "រំលងទៅផ្នែកទីមួយ"]
        assert page.locator(".skip-link").is_visible()  # shown when it has the focus
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "seg-title"
        # landmarks: one banner, one main, navigations with distinct names
        names = page.eval_on_selector_all(
            "nav, main, header.topbar, section[aria-labelledby]",
            "els => els.map(e => e.getAttribute('aria-label') || e.tagName)",
        )
        assert len(names) == len(set(names)), names
        # with every listed segment approved, the bulk buttons are disabled, yet readable
        page.goto(f"{server.base}/r/{SAMPLE_SLUG}/zh-Hans?filter=all")
        assert page.locator("button.approve-all").is_disabled()
        ratios = page.evaluate(CONTRAST, "#bulk button")
        assert ratios and min(c["ratio"] for c in ratios) >= 4.5, ratios
        context.close()
