"""Segments shown as readers will see them: Markdown rendered, placeables marked,
untrusted text escaped before anything is marked up.

The renderer (publisher/web/inline.py) is checked on hostile input directly, then the
page in Chromium: bold, italics, a link with its address beside it, no raw Markdown,
the editor's live preview, and the markup QA finding on the segment.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from publisher.core.release import find_release
from publisher.qa import check_segment
from publisher.web.inline import render
from publisher.workflow import decisions
from tests.support.web import Reviewer, Server
from tests.support.workspace import SAMPLE_SLUG

RENDERED_KM = (
    "**ភ្នំពេញ ថ្ងៃទី៧ ខែធ្នូ ឆ្នាំ២០២៦** សូមចូលមើល [គេហទំព័រក្រសួង](https://www.mfaic.gov.kh) សម្រាប់*ព័ត៌មានបន្ថែម*។"
)
HOSTILE = (
    "<script>window.__x = 1</script>[click](javascript:window.__x=2) "
    '[again](JaVaScRiPt:window.__x=3) <a href="javascript:window.__x=4">raw</a> '
    '[img](data:text/html,<script>window.__x=5</script>) **<img src=x onerror="window.__x=6">**'
)


def test_the_renderer_escapes_first_and_keeps_only_its_own_tags() -> None:
    out = str(render(HOSTILE))
    assert "<script" not in out and "<img" not in out and '<a href="javascript' not in out
    assert not re.search(r'href="(?!https?:|mailto:)', out)
    tags = set(re.findall(r"</?([a-z]+)", out))
    assert tags <= {"strong", "em", "code", "a", "span", "mark", "br", "s"}, tags
    assert "&lt;script&gt;" in out and "&lt;img src=x onerror=" in out
    link = str(render('[site](https://www.mfaic.gov.kh/en) and [x](https://a.b/?q="><b>)'))
    assert '<a class="md-link" href="https://www.mfaic.gov.kh/en"' in link
    assert '<span class="href">‹https://www.mfaic.gov.kh/en›</span>' in link
    assert "<b>" not in link and "%22%3E%3Cb%3E" in link
    # a link whose text is its address shows the address once
    once = str(render("<https://www.mfaic.gov.kh>"))
    assert once.count("mfaic") == 2  # href and text, no second copy beside it


def test_placeables_are_marked_in_each_language() -> None:
    out = str(
        render("On 2 December 2024, 3 ministers; see https://www.mfaic.gov.kh.", ["minister"])
    )
    assert '<mark class="ph ph-date">2 December 2024</mark>' in out
    assert '<mark class="ph ph-number">3</mark>' in out
    assert '<mark class="ph ph-url">https://www.mfaic.gov.kh</mark>.' in out
    assert '<mark class="ph ph-term">minister</mark>s' in out
    km = str(render("ពីថ្ងៃទី២ ដល់ថ្ងៃទី៤ ខែធ្នូ ឆ្នាំ២០២៤"))
    assert km == '<mark class="ph ph-date">ពីថ្ងៃទី២ ដល់ថ្ងៃទី៤ ខែធ្នូ ឆ្នាំ២០២៤</mark>'
    zh = str(render("2024年12月2日至4日，访问中国"))
    assert zh.startswith('<mark class="ph ph-date">2024年12月2日至4日</mark>')


def test_markup_the_translation_lacks_or_adds_is_a_qa_finding() -> None:
    source = "Read the **full statement** on [the website](https://www.mfaic.gov.kh)."
    lacking = check_segment(
        "s1",
        source,
        "សូមអានសេចក្តីថ្លែងការណ៍ពេញលេញ នៅលើគេហទំព័រ។",
        source_lang="en",
        target_lang="km",
        state="translated",
    )
    codes = {f.code: f.message for f in lacking}
    assert codes["markup-missing"] == (
        "The source has markup the translation lacks: bold, the link to https://www.mfaic.gov.kh."
    )
    adding = check_segment(
        "s1",
        "Read the statement.",
        "请阅读**声明**。",
        source_lang="en",
        target_lang="zh-Hans",
        state="translated",
    )
    assert [f.code for f in adding] == ["markup-extra"]
    assert all(f.severity == "warning" for f in lacking + adding if f.code.startswith("markup"))


@pytest.mark.slow
@pytest.mark.xdist_group("browser")
def test_the_page_shows_rendered_markdown_and_escapes_hostile_links(
    browser: Browser, root: Path
) -> None:
    release = find_release(root / "releases", SAMPLE_SLUG)
    decisions.decide(release, "km", "s8", decisions.Decision.EDIT, by="Li Wei", text=RENDERED_KM)
    decisions.decide(release, "km", "s9", decisions.Decision.EDIT, by="Mallory", text=HOSTILE)
    with Server(root) as server:
        dara = Reviewer(browser, server, "Sok Dara", locale="km-KH")
        dara.review("km")
        page = dara.page
        shown = page.locator("#seg-s8 .target > .text")
        text = shown.inner_text()
        assert "**" not in text and "](" not in text and "*ព័" not in text
        assert shown.locator("strong").inner_text() == "ភ្នំពេញ ថ្ងៃទី៧ ខែធ្នូ ឆ្នាំ២០២៦"
        assert shown.locator("em").inner_text() == "ព័ត៌មានបន្ថែម"
        link = shown.locator("a.md-link")
        assert (link.inner_text(), link.get_attribute("href")) == (
            "គេហទំព័រក្រសួង",
            "https://www.mfaic.gov.kh",
        )
        address = shown.locator(".href")
        assert address.inner_text() == "‹https://www.mfaic.gov.kh›" and address.is_visible()
        assert shown.locator("mark.ph-date").inner_text() == "ថ្ងៃទី៧ ខែធ្នូ ឆ្នាំ២០២៦"
        # the source has no markup: the segment says what the translation added, in the
        # reviewer's language (bold: អក្សរដិត), the address as written
        finding = page.locator('#seg-s8 li.finding[data-code="markup-extra"]').inner_text()
        assert "អក្សរដិត" in finding and "https://www.mfaic.gov.kh" in finding
        assert "bold" not in finding
        # hostile text: shown as text, no script ran, no link but http(s)
        hostile = page.locator("#seg-s9 .target > .text")
        assert "<script>window.__x = 1</script>" in hostile.inner_text()
        assert page.evaluate("window.__x") is None
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        assert not [h for h in hrefs if not h.startswith(("http://", "https://", "mailto:"))]
        assert hostile.locator("img, script, a").count() == 0
        for fake in hostile.locator(".md-link").all():
            fake.click()
        assert page.evaluate("window.__x") is None and dara.dialogs == []
        # the editor's live preview renders what is typed, with the markup check
        page.locator("#seg-s8 button.open-edit").click()
        page.fill("#text-s8", "**ដិត** [តំណ](https://example.org/km)")
        page.wait_for_function(
            "() => document.querySelector('#preview-s8 strong').textContent === 'ដិត'"
        )
        preview = page.locator("#preview-s8")
        assert preview.locator("strong").inner_text() == "ដិត"
        assert preview.locator(".href").inner_text() == "‹https://example.org/km›"
        assert "**" not in preview.inner_text()
        assert "អក្សរដិត, តំណភ្ជាប់ទៅ https://example.org/km" in preview.inner_text()
        page.fill("#text-s8", "<script>window.__x = 7</script>")
        page.wait_for_function(
            "() => document.querySelector('#preview-s8 .text').textContent.includes('<script>')"
        )
        assert page.evaluate("window.__x") is None
        assert dara.errors == []
        dara.close()
