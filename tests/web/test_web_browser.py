"""The review app in a real browser: Playwright driving Debian's Chromium (headless).

The server is `publisher serve` in its own process; the browser follows the link it
printed, as a reviewer would. After the clicks, the tests read what other tools
see: the PO catalog (with its review hashes), `publisher status`, `publisher build`.
Screenshots of the review page at phone and desktop widths go to the test's tmp
folder (tests/... never in git); the layout is also checked by measurement.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from publisher.core.approvals import load_catalog
from publisher.core.catalog import approval_hash
from publisher.core.release import Release, find_release
from publisher.core.states import State
from publisher.workflow import decisions as reviewing
from tests.support.releases import catalog, history, reviewed_by
from tests.support.web import Reviewer, Server
from tests.support.workspace import REPO, SAMPLE_LABEL, SAMPLE_SLUG, Cli, reopen

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]

S7_EN_OLD = "on his official and goodwill visit to China from December 2-4, 2024."
S7_EN_NEW = (
    "on his official and goodwill visit to the People’s Republic of China from December 2-4, 2024."
)
S6_EN_OLD = "The Cambodian government views China"
S6_EN_NEW = "The Royal Government of Cambodia views China"
# s7 now names the People's Republic of China: the Khmer says so, as s1 does.
CHINA_KM = "នៅប្រទេសចិន"
PRC_KM = "នៅសាធារណរដ្ឋប្រជាមានិតចិន"


def change_source(root: Path, cli: Cli) -> None:
    """The press officer corrects two sentences of the English and syncs: s6, s7 go stale."""
    source = root / "releases" / SAMPLE_SLUG / "source.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(
        text.replace(S7_EN_OLD, S7_EN_NEW).replace(S6_EN_OLD, S6_EN_NEW), encoding="utf-8"
    )
    assert cli("sync", SAMPLE_SLUG).stdout == f"{SAMPLE_LABEL}: 2 stale (s6, s7)\n"


def font_used(page: Page, family: str, sample: str) -> bool:
    """Whether the browser has `family` (text measures differently than with the fallback)."""
    used: bool = page.evaluate(
        """([family, sample]) => {
            const ctx = document.createElement('canvas').getContext('2d');
            ctx.font = `32px "${family}", monospace`;
            const withFont = ctx.measureText(sample).width;
            ctx.font = '32px monospace';
            return withFont !== ctx.measureText(sample).width;
        }""",
        [family, sample],
    )
    return used


def layout(page: Page, segment: str) -> dict[str, float]:
    boxes: dict[str, float] = page.evaluate(
        """(id) => {
            const box = (sel) =>
                document.querySelector(`#seg-${id} ${sel}`).getBoundingClientRect();
            const s = box('.source'), t = box('.target');
            return {sourceTop: s.top, sourceBottom: s.bottom, targetTop: t.top,
                    targetLeft: t.left, sourceRight: s.right,
                    scrollWidth: document.documentElement.scrollWidth,
                    viewport: window.innerWidth};
        }""",
        segment,
    )
    return boxes


def test_a_reviewer_fixes_stale_segments_and_approves_all(
    browser: Browser, root: Path, cli: Cli, tmp_path: Path
) -> None:
    change_source(root, cli)
    with Server(root) as server:
        dara = Reviewer(browser, server, "Sok Dara")
        page = dara.page
        dara.review("km")
        assert page.locator(".pct").inner_text() == "11 of 13 approved (85%)"
        page.click("a.filter[data-filter=stale]")
        page.wait_for_url(re.compile(r"\?filter=stale$"))
        assert dara.listed() == ["s6", "s7"]
        s7 = page.locator("#seg-s7")
        assert s7.locator(".changed ins").inner_text() == "the People’s Republic of "
        assert s7.locator(".badge").inner_text() == "stale"
        assert page.locator("button.approve-all").is_disabled()  # stale: nothing to approve

        # s7: the new source names the People's Republic; the reviewer edits the Khmer
        s7.locator("button.open-edit").click()
        editor = s7.locator("textarea[name=text]")
        assert editor.is_visible()
        old = editor.input_value()
        assert CHINA_KM in old
        editor.fill(old.replace(CHINA_KM, PRC_KM))
        s7.locator("button[value=edit]").click()
        page.wait_for_selector("#seg-s7[data-state=translated]")
        assert dara.flash("s7") == "Segment s7 saved."
        # s6: "Royal Government of Cambodia" is what the Khmer already says: kept as it is
        page.locator("#seg-s6 button[value=keep]").click()
        page.wait_for_selector("#seg-s6[data-state=translated]")
        assert dara.flash("s6") == "Segment s6 kept: the translation now stands for the new source."
        assert page.locator(".pct").inner_text() == "11 of 13 approved (85%)"
        assert page.locator("button.approve-all").is_enabled()

        # the page as it is now, on a desktop and on a phone
        assert font_used(page, "Khmer OS Siemreap", "សម្តេចតេជោ")
        assert font_used(page, "Khmer OS Muol Light", "សម្តេចតេជោ")
        family = page.eval_on_selector(
            "#seg-s7 .target .text", "e => getComputedStyle(e).fontFamily"
        )
        assert family.startswith('"Khmer OS Siemreap"')
        page.screenshot(path=tmp_path / "review-1280.png", full_page=True)
        wide = layout(page, "s7")
        assert abs(wide["targetTop"] - wide["sourceTop"]) < 2  # side by side
        assert wide["targetLeft"] >= wide["sourceRight"]
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=tmp_path / "review-390.png", full_page=True)
        narrow = layout(page, "s7")
        assert narrow["targetTop"] >= narrow["sourceBottom"] - 1  # one above the other
        assert narrow["scrollWidth"] <= narrow["viewport"]  # nothing wider than the phone
        buttons = page.eval_on_selector_all(
            "#seg-s7 .decide > .buttons button",
            "els => els.map(e => e.getBoundingClientRect().right)",
        )
        assert buttons and max(buttons) <= 390
        page.set_viewport_size({"width": 1280, "height": 900})

        page.click("button.approve-all")  # a confirmation dialog, accepted
        page.wait_for_selector("#main > .flash")
        assert page.locator("#main > .flash").inner_text() == "2 segments approved."
        assert page.locator(".pct").inner_text() == "13 of 13 approved (100%)"
        assert dara.errors == [], dara.refused  # no CSP violation, no script error
        dara.close()

    km = catalog(root)
    for entry in km:
        assert entry.state is State.APPROVED, entry.id
        assert entry.review is not None
        assert entry.review.hash == approval_hash(entry.id, entry.source, entry.target)
    s7_entry = km.get("s7")
    assert PRC_KM in s7_entry.target and s7_entry.source.endswith(S7_EN_NEW)
    assert reviewed_by(s7_entry) == "Sok Dara"
    assert reviewed_by(km.get("s6")) == "Sok Dara"

    table = cli("status", SAMPLE_SLUG).stdout
    approved_row = next(
        line for line in table.splitlines() if line.split()[:1] == ["approved"] and "%" in line
    )
    assert approved_row.split()[1] == "100%"
    status = json.loads(cli("status", SAMPLE_SLUG, "--json").stdout)["releases"][0]
    assert status["languages"]["km"]["approved"] == 13 and status["languages"]["km"]["publishable"]

    out = root / "dist"
    built = cli("build", "--lang", "km", "--out", str(out))
    assert built.exit_code == 0 and "not published" not in built.stderr
    assert (out / SAMPLE_SLUG / "km.pdf").read_bytes().startswith(b"%PDF")
    page_html = (out / SAMPLE_SLUG / "km.html").read_text(encoding="utf-8")
    words = re.sub(r"<[^>]+>", "", page_html)  # Khmer words come wrapped for line breaking
    assert PRC_KM in words and "DRAFT" not in words
    for name in ("review-390.png", "review-1280.png"):
        assert (tmp_path / name).stat().st_size > 10_000


def test_a_cli_approval_and_a_browser_approval_at_once_lose_nothing(
    browser: Browser, root: Path, cli: Cli
) -> None:
    reopen(cli, "s3", by="Press Secretary", comment="check the leaders' titles")
    release = find_release(root / "releases", SAMPLE_SLUG)
    with Server(root) as server:
        dara = Reviewer(browser, server, "Sok Dara")
        dara.review("km")
        assert dara.listed() == ["s3"]
        with release.lock():  # both wait for the release, then race for it
            terminal = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "publisher",
                    "--workspace",
                    str(root),
                    "approve",
                    SAMPLE_SLUG,
                    "--lang",
                    "km",
                    "--segment",
                    "s3",
                    "--by",
                    "Li Wei",
                ],
                cwd=REPO,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
            dara.page.locator("#seg-s3 button[value=approve]").click()
            time.sleep(1.0)
            assert terminal.poll() is None  # still waiting for the lock
        out, err = terminal.communicate(timeout=60)
        assert terminal.returncode == 0, err
        dara.page.wait_for_selector("#seg-s3[data-state=approved] .flash")
        shown = dara.flash("s3")
        assert dara.errors == []
        dara.close()

    approvals = [
        e
        for e in history(root)
        if e.get("segment") == "s3" and e["action"] == "approve" and e["lang"] == "km"
    ][-2:]
    assert sorted(e["by"] for e in approvals) == ["Li Wei", "Sok Dara"]
    first, second = approvals
    assert (first["before"], first["after"]) == ("draft", "approved")
    assert (second["before"], second["after"]) == ("approved", "approved")
    assert second["detail"] == f"also approved by {first['by']}"
    entry = catalog(root).get("s3")
    assert entry.state is State.APPROVED
    assert entry.review is not None and entry.review.by == first["by"]
    if first["by"] == "Li Wei":
        assert out == f"{SAMPLE_LABEL} km: 1 approved\n"
        assert shown == (
            "Segment s3: Li Wei approved it meanwhile; your approval is recorded in the history "
            "too."
        )
    else:
        assert out == f"{SAMPLE_LABEL} km: 0 approved, 1 already approved\n"
        assert shown == "Segment s3 approved."
    po = root / "releases" / SAMPLE_SLUG / "translations" / "km.po"
    subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(po)], check=True)


def test_keyboard_approve_next_previous_and_edit(browser: Browser, root: Path, cli: Cli) -> None:
    reopen(cli, "s1", "s2", "s4", comment="read again")
    with Server(root) as server:
        dara = Reviewer(browser, server, "Sok Dara")
        dara.review("km")
        page = dara.page
        assert dara.listed() == ["s1", "s2", "s4"]

        def current() -> str:
            segment: str = page.eval_on_selector(
                "article.segment.current", "e => e.dataset.segment"
            )
            return segment

        assert current() == "s1"
        page.keyboard.press("j")  # nothing had the focus: the highlighted segment takes it
        assert current() == "s1"
        page.keyboard.press("j")
        assert current() == "s2"
        page.keyboard.press("n")
        assert current() == "s4"
        page.keyboard.press("k")
        page.keyboard.press("p")
        assert current() == "s1"
        page.keyboard.press("a")  # approve s1, then on to s2
        page.wait_for_selector("#seg-s1[data-state=approved]")
        page.wait_for_selector('article.current[data-segment="s2"]')
        page.keyboard.press("e")  # the editor opens with the caret in it
        assert page.evaluate("document.activeElement.id") == "text-s2"
        page.keyboard.press("a")  # typing, not a shortcut
        assert page.locator("#seg-s2").get_attribute("data-state") == "draft"
        page.keyboard.press("Escape")
        assert not page.locator("#text-s2").is_visible()
        page.keyboard.press("a")
        page.wait_for_selector("#seg-s2[data-state=approved]")
        page.wait_for_selector('article.current[data-segment="s4"]')
        assert dara.errors == []
        dara.close()
    states = {e.id: e.state for e in catalog(root)}
    assert (states["s1"], states["s2"], states["s4"]) == (
        State.APPROVED,
        State.APPROVED,
        State.DRAFT,
    )


def test_a_script_in_a_translation_is_shown_as_text(browser: Browser, root: Path) -> None:
    release = find_release(root / "releases", SAMPLE_SLUG)
    hostile = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">'
    reviewing.decide(release, "km", "s8", reviewing.Decision.EDIT, by="Mallory", text=hostile)
    with Server(root) as server:
        dara = Reviewer(browser, server, "Sok Dara")
        dara.review("km")
        page = dara.page
        assert page.locator("#seg-s8 .target .text:not(.diff)").inner_text() == hostile
        # the change against the approved text is shown too, as text
        assert "<script>" in (page.locator("#seg-s8 .target .text.diff").text_content() or "")
        page.locator("#seg-s8 button.open-edit").click()
        assert page.locator("#text-s8").input_value() == hostile
        assert page.evaluate("window.__xss") is None
        assert page.locator("#seg-s8 img").count() == 0
        dara.close()


def test_the_draft_preview_is_built_and_opened(browser: Browser, root: Path, cli: Cli) -> None:
    reopen(cli, "s2", by="Press Secretary", comment="the ministry's name")
    with Server(root) as server:
        dara = Reviewer(browser, server, "Sok Dara")
        dara.review("km")
        page = dara.page
        page.click("text=Draft preview")
        page.click("button:has-text('Build the draft')")
        page.wait_for_selector("a:has-text('Open the PDF')", timeout=120_000)
        pdf_href = page.get_attribute("a:has-text('Open the PDF')", "href")
        assert pdf_href == f"/preview/{SAMPLE_SLUG}/km.pdf"
        pdf = page.request.get(server.base + pdf_href)
        assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
        pdf_bytes = pdf.body()
        assert pdf_bytes.startswith(b"%PDF")
        html_href = page.get_attribute("a:has-text('Open the web page')", "href")
        assert html_href is not None
        with dara.context.expect_page() as opened:
            page.click("a:has-text('Open the web page')")
        tab = opened.value
        tab.wait_for_load_state()
        assert tab.url == server.base + html_href
        assert "DRAFT" in tab.locator(".draft-banner").inner_text()
        assert tab.locator("html").get_attribute("lang") == "km"
        dara.close()
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf_bytes, capture_output=True, check=True
    ).stdout.decode("utf-8")
    assert "DRAFT" in text
    assert not (root / "dist").exists()  # a preview is not a publication


def test_a_memory_suggestion_is_clicked_into_the_editor(
    browser: Browser, root: Path, cli: Cli
) -> None:
    source = root / "visit.md"
    source.write_text(
        "# The Cambodian government and China\n\nThe Cambodian government views China as an "
        "important partner in regional affairs, and this visit is expected to enhance the "
        "country's role in regional and international diplomacy.\n",  # ' not ’: not exact
        encoding="utf-8",
    )
    cli(
        *("new", str(source), "--slug", "2024-12-05-partner", "--date", "2024-12-05"),
        *("--place", "Phnom Penh"),
    )
    approved = catalog(root).get("s6").target
    with Server(root) as server:
        dara = Reviewer(browser, server, "Sok Dara")
        page = dara.page
        page.goto(f"{server.base}/r/2024-12-05-partner/km?filter=untranslated")
        assert dara.listed() == ["title", "s1"]
        page.locator("#seg-s1 button.open-edit").click()
        suggestion = page.locator("#seg-s1 .memory button.suggestion")
        suggestion.wait_for()
        assert suggestion.inner_text().endswith(f"{SAMPLE_SLUG}/s6")
        suggestion.click()
        assert page.locator("#text-s1").input_value() == approved
        page.locator("#seg-s1 button[value=edit]").click()
        page.wait_for_selector("#seg-s1[data-state=translated]")
        assert dara.errors == []
        dara.close()
    partner = Release.load(root / "releases" / "2024-12-05-partner")
    assert load_catalog(partner, "km").get("s1").target == approved


MINISTRY_KM = "ក្រសួងការបរទេស"
MINISTRY_FULL_KM = "ក្រសួងការបរទេស និងសហប្រតិបត្តិការអន្តរជាតិ"


def test_the_warm_preview_shows_each_edit_and_is_rendered_by_the_resident_worker(
    browser: Browser, root: Path
) -> None:
    """`publisher serve` warms one renderer when it starts (publishing/resident.py): a
    reviewer's edit, then "Build the draft", gives a PDF with the edit in it, rendered by
    that worker (the server process itself never loads WeasyPrint's libraries). The time
    from the click to the PDF's last byte is printed (benchmarks/serve.py measures it)."""
    with Server(root) as server:
        server.wait_for("Draft previews are ready", seconds=120)
        dara = Reviewer(browser, server, "Sok Dara")
        page = dara.page
        counts = []
        for old, new in ((MINISTRY_KM, MINISTRY_FULL_KM), (MINISTRY_FULL_KM, MINISTRY_KM)):
            page.goto(f"{server.base}/r/{SAMPLE_SLUG}/km?filter=all")
            s2 = page.locator("#seg-s2")
            s2.locator("button.open-edit").click()
            editor = s2.locator("textarea[name=text]")
            editor.fill(editor.input_value().replace(old, new, 1))
            s2.locator("button[value=edit]").click()
            page.wait_for_selector("#seg-s2[data-state=translated]")
            page.goto(f"{server.base}/r/{SAMPLE_SLUG}/km/preview")
            start = time.perf_counter()
            page.click("button:has-text('Build')")
            page.wait_for_selector("a:has-text('Open the PDF')")
            href = page.get_attribute("a:has-text('Open the PDF')", "href")
            pdf = page.request.get(server.base + str(href)).body()
            elapsed = time.perf_counter() - start
            print(f"warm preview, click to the PDF's last byte: {elapsed:.2f} s")
            text = subprocess.run(
                ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
            ).stdout.decode("utf-8")
            assert "DRAFT" in text
            counts.append("".join(text.split()).count("សហប្រតិបត្តិការអន្តរជាតិ"))
        assert counts[0] == counts[1] + 1  # each PDF shows the edit made just before it
        assert dara.errors == []
        dara.close()
        assert server.process is not None
        maps = Path(f"/proc/{server.process.pid}/maps").read_text(encoding="utf-8")
        assert "libpango" not in maps  # rendered by the warm worker, not in the server
