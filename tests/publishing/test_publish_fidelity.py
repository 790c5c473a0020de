"""What was imported is what is published: numbers, links, tables and pictures in the
real PDFs (read back with pdftotext) and web pages (opened in Chromium) of every
language, after translation and approval."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from lxml import html as lxml_html

from publisher.core.release import Release
from publisher.workflow.session import changing, set_translation
from tests.support.pdf import pdf_text
from tests.support.sources import (
    NUMBERED_MD,
    NUMBERED_TXT,
    numbered_docx,
    png,
    write,
)
from tests.support.workspace import Cli

pytestmark = pytest.mark.slow

LANGS = ("en", "km", "zh-Hans")

#: Faithful translations of every source segment the tests publish.
TRANSLATIONS: dict[str, dict[str, str]] = {
    "Statement on the Official Visit": {
        "km": "សេចក្តីថ្លែងការណ៍ស្តីពីទស្សនកិច្ចផ្លូវការ",
        "zh-Hans": "关于正式访问的声明",
    },
    "The Minister will travel abroad.": {
        "km": "រដ្ឋមន្ត្រីនឹងធ្វើដំណើរទៅក្រៅប្រទេស។",
        "zh-Hans": "部长将出国访问。",
    },
    "He will meet his counterpart.": {
        "km": "លោកនឹងជួបសមភាគីរបស់លោក។",
        "zh-Hans": "他将会见对口官员。",
    },
    "Trade will be discussed.": {"km": "ពាណិជ្ជកម្មនឹងត្រូវពិភាក្សា។", "zh-Hans": "双方将讨论贸易。"},
    "Culture will be discussed.": {"km": "វប្បធម៌នឹងត្រូវពិភាក្សា។", "zh-Hans": "双方将讨论文化。"},
    "A joint statement will follow.": {
        "km": "សេចក្តីថ្លែងការណ៍រួមនឹងត្រូវចេញផ្សាយ។",
        "zh-Hans": "随后将发表联合声明。",
    },
    "The press will be informed.": {
        "km": "សារព័ត៌មាននឹងត្រូវបានជូនដំណឹង។",
        "zh-Hans": "将通报新闻界。",
    },
    "The visit ends with a dinner.": {
        "km": "ទស្សនកិច្ចបញ្ចប់ដោយពិធីលៀងអាហារ។",
        "zh-Hans": "访问以晚宴结束。",
    },
    "Read the [full statement](https://www.mfa.gov.cn/eng/) on the **ministry website**.": {
        "km": "សូមអាន[សេចក្តីថ្លែងការណ៍ពេញលេញ](https://www.mfa.gov.cn/eng/)នៅលើ**គេហទំព័រក្រសួង**។",
        "zh-Hans": "请在[外交部网站](https://www.mfa.gov.cn/eng/)阅读**声明全文**。",
    },
    "![The Minister in Beijing](media/photo.png)": {
        "km": "![រដ្ឋមន្ត្រីនៅទីក្រុងប៉េកាំង](media/photo.png)",
        "zh-Hans": "![部长在北京](media/photo.png)",
    },
    "Prak Sokhonn": {"km": "ប្រាក់ សុខុន", "zh-Hans": "布拉索昆"},
    "Wang Yi": {"km": "វ៉ាង យី", "zh-Hans": "王毅"},
    "Minister of Foreign Affairs": {"km": "រដ្ឋមន្ត្រីការបរទេស", "zh-Hans": "外交部长"},
}


def translate_and_approve(cli: Cli, workspace: Path, slug: str) -> None:
    """Every segment translated (by one person) and approved (by another)."""
    release = Release.load(workspace / "releases" / slug)
    with changing(release) as session:
        for lang in ("km", "zh-Hans"):
            for entry in list(session.catalog(lang)):
                target = TRANSLATIONS[entry.source][lang]
                set_translation(
                    session, lang, entry.id, target, origin="human", draft=False, by="Sok Dara"
                )
    for lang in ("km", "zh-Hans"):
        cli("approve", slug, "--lang", lang, "--all", "--by", "Li Wei")
    result = cli("check", slug)
    assert result.stdout.splitlines()[-1] == "0 errors, 0 warnings", result.stdout


def markers(text: str) -> list[str]:
    """The list markers at the start of the PDF's lines: "1.", "2.", "•"..."""
    return re.findall(r"(?m)^\s*(\d+\.|•)\s", text)


@pytest.mark.parametrize("fmt", ["txt", "md", "docx"])
def test_numbers_are_published_in_every_language(
    cli: Cli, workspace: Path, tmp_path: Path, fmt: str
) -> None:
    path = tmp_path / f"numbered.{fmt}"
    if fmt == "docx":
        numbered_docx(path)
    else:
        write(path, NUMBERED_TXT if fmt == "txt" else NUMBERED_MD)
    cli("new", str(path), "--slug", "r", "--date", "2024-11-30", "--place", "Phnom Penh")
    translate_and_approve(cli, workspace, "r")
    cli("build", "r")
    for lang in LANGS:
        pdf = workspace / "dist" / "r" / f"{lang}.pdf"
        # Khmer numbers its items in Khmer digits ([conventions] list_numbering's default).
        digits = "០១២៣៤៥៦៧៨៩" if lang == "km" else "0123456789"
        expected = [f"{digits[n]}." if n else "•" for n in (1, 2, 0, 0, 3, 4, 7)]
        assert markers(pdf_text(pdf, None, "-layout")) == expected, lang
        page = lxml_html.fromstring((workspace / "dist" / "r" / f"{lang}.html").read_bytes())
        values = [li.get("value") for li in page.xpath("//main//ol/li")]
        assert values == ["1", "2", "3", "4", "7"], lang
        assert len(page.xpath("//main//ul/li")) == 2


def test_chinese_link_sentence_passes_qa_and_publishes_a_working_link(
    cli: Cli, workspace: Path, tmp_path: Path
) -> None:
    import pypdf

    source = write(
        tmp_path / "link.md",
        "# Statement on the Official Visit\n\n"
        "Read the [full statement](https://www.mfa.gov.cn/eng/) on the **ministry website**.\n",
    )
    cli("new", str(source), "--slug", "r", "--date", "2024-11-30", "--place", "Phnom Penh")
    translate_and_approve(cli, workspace, "r")
    cli("build", "r")
    page = lxml_html.fromstring((workspace / "dist" / "r" / "zh-Hans.html").read_bytes())
    (link,) = page.xpath("//main//a[@href='https://www.mfa.gov.cn/eng/']")
    assert link.text_content() == "外交部网站"
    assert page.xpath("//main//strong")[0].text_content() == "声明全文"
    reader = pypdf.PdfReader(workspace / "dist" / "r" / "zh-Hans.pdf")
    uris = [
        annotation.get_object()["/A"]["/URI"]
        for annotation in reader.pages[0].get("/Annots", [])
        if "/A" in annotation.get_object()
    ]
    assert uris == ["https://www.mfa.gov.cn/eng/"]


def test_pictures_and_signature_are_published_and_the_page_fetches_nothing_that_fails(
    cli: Cli, workspace: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import Request, Response, sync_playwright

    png(tmp_path / "photo.png", (120, 80))
    nbsp = "\u00a0" * 30
    source = write(
        tmp_path / "picture.md",
        "# Statement on the Official Visit\n\n![The Minister in Beijing](photo.png)\n\n"
        f"Prak Sokhonn{nbsp}Wang Yi\nMinister of Foreign Affairs{nbsp}"
        "Minister of Foreign Affairs\n",
    )
    cli("new", str(source), "--slug", "r", "--date", "2024-11-30", "--place", "Phnom Penh")
    translate_and_approve(cli, workspace, "r")
    cli("build", "r")
    out = workspace / "dist" / "r"
    for lang in LANGS:
        listed = subprocess.run(
            ["pdfimages", "-list", str(out / f"{lang}.pdf")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()[2:]
        assert [line.split()[3:5] for line in listed] == [["120", "80"]], lang
        names = "王毅" if lang == "zh-Hans" else ("វ៉ាង យី" if lang == "km" else "Wang Yi")
        assert names in pdf_text(out / f"{lang}.pdf", None, "-layout")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"]
        )
        try:
            for lang in LANGS:
                page = browser.new_page()
                failed: list[str] = []

                def request_failed(request: Request, failed: list[str] = failed) -> None:
                    failed.append(request.url)

                def response_failed(response: Response, failed: list[str] = failed) -> None:
                    if response.status >= 400:
                        failed.append(response.url)

                page.on("requestfailed", request_failed)
                page.on("response", response_failed)
                page.goto((out / f"{lang}.html").as_uri())
                page.wait_for_load_state("load")
                assert failed == [], lang
                sizes = page.eval_on_selector_all(
                    "main img", "imgs => imgs.map(i => [i.naturalWidth, i.complete])"
                )
                assert sizes == [[120, True]], lang
                cells = page.eval_on_selector_all(
                    "table.layout td", "cells => cells.map(c => c.textContent)"
                )
                assert len(cells) == 4 and all(cells), lang
                page.close()
        finally:
            browser.close()
