"""QA findings and the publishing rule's reasons on the review app's pages, in the
reviewer's language (issue 22's gap): Khmer and Chinese through the real server
(`publisher serve`), English word for word as before.

A glossary term the translations lack gives a glossary finding in km and zh-Hans (and
a QA refusal); a Khmer year changed in a PO editor gives a number finding (and takes
the approval back: a not-approved refusal). The pages read them in the language the
browser asks for, numbers and dates in that language's forms.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import polib
import pytest

from tests.support.web import Server, article
from tests.support.workspace import SAMPLE_LABEL, SAMPLE_NUMBER, SAMPLE_SLUG

GLOSSARY = (
    '[[term]]\nen = "Ministry of Foreign Affairs"\n'
    'km = "ក្រសួងការបរទេស និងសហប្រតិបត្តិការអន្តរជាតិ"\n'
    'zh-Hans = "柬埔寨王国外交与国际合作部"\n'
)


@pytest.fixture
def faults(root: Path) -> None:
    (root / "glossary.toml").write_text(GLOSSARY, encoding="utf-8")
    path = root / "releases" / SAMPLE_SLUG / "translations" / "km.po"
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgctxt == "s5")
    assert "២០១៦" in entry.msgstr
    entry.msgstr = entry.msgstr.replace("២០១៦", "២០១៥")  # as a PO editor would save it
    po.save()


def findings(page: str, segment: str) -> dict[str, str]:
    """code -> the finding's sentence, as the segment shows it."""
    found = re.findall(
        r'<li class="finding \w+" data-code="([\w-]+)">.*?<code>[\w-]+</code> '
        r'<span lang="([\w-]+)">(.*?)</span>',
        article(page, segment),
        re.S,
    )
    return {code: html.unescape(text) for code, _, text in found}


def refusals(home: str) -> list[str]:
    """Why the sample's languages are not publishable, as the releases page says it (the
    boilerplate's own row, which lacks the Chinese term too, left aside)."""
    found = [html.unescape(text) for text in re.findall(r'<span class="why">(.*?)</span>', home)]
    return [text for text in found if text.startswith(SAMPLE_LABEL)]


@pytest.mark.usefixtures("faults")
def test_khmer_reviewers_read_findings_and_reasons_in_khmer(server: Server) -> None:
    client = server.client(reviewer="សុខ ដារា")
    km = {"accept-language": "km"}
    page = client.get(f"/r/{SAMPLE_SLUG}/km?filter=all", headers=km).text
    assert '<span lang="km">' in article(page, "s2")
    assert findings(page, "s2") == {
        "glossary-term-missing": "សទ្ទានុក្រមតម្រូវឱ្យប្រើ «ក្រសួងការបរទេស និងសហប្រតិបត្តិការអន្តរជាតិ» "
        "សម្រាប់ «Ministry of Foreign Affairs» ប៉ុន្តែការបកប្រែមិនបានប្រើពាក្យនេះទេ។"
    }
    # the years described in Khmer digits; what the source and translation say, quoted as written
    assert findings(page, "s5")["number-missing"] == (
        "ការបកប្រែខ្វះលេខ ២០១៦ (អត្ថបទដើម៖ «2016») ប៉ុន្តែមាន ២០១៥ («២០១៥») ជំនួសវិញ។"
    )
    home = client.get("/", headers=km).text
    assert refusals(home) == [
        f"{SAMPLE_LABEL}៖ ភាសា km មិនត្រូវបានផ្សាយទេ៖ ផ្នែក ១ មិនទាន់បានអនុម័ត៖ s5",
        f"{SAMPLE_LABEL}៖ ភាសា zh-Hans មិនត្រូវបានផ្សាយទេ៖ កំហុសគុណភាព ៣៖ s2 glossary-term-missing; "
        "boilerplate/s3 glossary-term-missing; boilerplate/s4 glossary-term-missing "
        f"(សូមមើល `publisher check {SAMPLE_NUMBER}`)",
    ]


@pytest.mark.usefixtures("faults")
def test_chinese_reviewers_read_findings_and_reasons_in_chinese(server: Server) -> None:
    client = server.client(reviewer="李伟")
    zh = {"accept-language": "zh-CN"}
    page = client.get(f"/r/{SAMPLE_SLUG}/zh-Hans?filter=all", headers=zh).text
    assert findings(page, "s2") == {
        "glossary-term-missing": "术语表要求“Ministry of Foreign Affairs”使用"
        "“柬埔寨王国外交与国际合作部”，但译文没有使用。"
    }
    khmer_page = client.get(f"/r/{SAMPLE_SLUG}/km?filter=all", headers=zh).text
    assert findings(khmer_page, "s5")["number-missing"] == (
        "译文缺少数字2016（原文：“2016”），而是写成了 2015（“២០១៥”）。"
    )
    home = client.get("/", headers=zh).text
    assert refusals(home)[0] == f"{SAMPLE_LABEL}：km 不予发布：1 个句段未达到“已批准”：s5"
    assert refusals(home)[1].startswith(
        f"{SAMPLE_LABEL}：zh-Hans 不予发布：3 个质量检查错误：s2 glossary-term-missing; "
    )


@pytest.mark.usefixtures("faults")
def test_the_english_pages_say_what_they_said(server: Server) -> None:
    client = server.client(reviewer="Sok Dara")
    en = {"accept-language": "en"}
    page = client.get(f"/r/{SAMPLE_SLUG}/km?filter=all", headers=en).text
    assert '<code>glossary-term-missing</code> <span lang="en">The glossary requires' in page
    assert findings(page, "s5")["number-missing"] == (
        'The translation is missing the number 2016 (source: "2016"); it has 2015 ("២០១៥") instead.'
    )
    assert refusals(client.get("/", headers=en).text) == [
        f"{SAMPLE_LABEL}: km not published: 1 segment not approved: s5",
        f"{SAMPLE_LABEL}: zh-Hans not published: 3 QA errors: s2 glossary-term-missing; "
        "boilerplate/s3 glossary-term-missing; boilerplate/s4 glossary-term-missing "
        f"(see `publisher check {SAMPLE_NUMBER}`)",
    ]


def test_a_draft_that_cannot_be_made_says_so_in_the_reviewers_language(
    root: Path, server: Server
) -> None:
    """A draft preview whose build fails (the photo damaged since it was added) says so
    in Khmer; what the build reported follows as it wrote it, marked as English text."""
    photo = root / "releases" / SAMPLE_SLUG / "photos" / "phnom-penh-beijing.jpg"
    photo.write_bytes(photo.read_bytes()[:4000])
    client = server.client(reviewer="សុខ ដារា")
    client.http.headers["accept-language"] = "km"
    client.csrf_page = f"/r/{SAMPLE_SLUG}/km/preview"
    page = client.post(f"/r/{SAMPLE_SLUG}/km/preview", {}, expect=200).text
    alert = re.search(r'<div class="flash error" role="alert">(.*?)</div>', page, re.S)
    assert alert, page
    said = [html.unescape(text) for text in re.findall(r"<p>(.*?)</p>", alert.group(1))]
    assert said == ["មិនអាចបង្កើតសេចក្តីព្រាងបានពេញលេញទេ។ អ្វីដែលការបង្កើតបានរាយការណ៍ ជាភាសាអង់គ្លេស៖"]
    reported = re.findall(r'<li lang="en">(.*?)</li>', alert.group(1), re.S)
    assert reported == [
        f"releases/{SAMPLE_SLUG}/photos/phnom-penh-beijing.jpg: the image is damaged or "
        "incomplete (the image data has no end marker); export or copy it again"
    ]
