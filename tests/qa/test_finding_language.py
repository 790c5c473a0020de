"""Every QA finding, and every publishing-rule reason, reads in Khmer and in Chinese.

Findings carry a message id and parameters (publisher/core/messages.py); the review
app's catalogs (domain `web`) translate them. Here every check code is produced by a
real fault, each message it carries (nested phrases included) is looked up in the
compiled km and zh_Hans catalogs, and its reading there is checked: translated, not
English, the quoted values kept as they are. The catalogs' placeholders and their
agreement with `pybabel extract` are tests/web/test_review_language.py's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from publisher.core.messages import Joined, Message, Param
from publisher.core.states import State
from publisher.publishing.rule import not_approved_reason
from publisher.qa import CODES, Finding, check_segment
from publisher.web import i18n

GLOSSARY = {"Ministry": "ក្រសួង", "minister": "部长"}

#: (source, target, target language, state): together they raise every code of CODES.
FAULTS = [
    ("Hello there, friends.", "", "km", "untranslated"),
    ("Hello there, friends.", "  ", "zh-Hans", "translated"),
    ("The Ministry met the minister.", "部长会见了外交部长。", "zh-Hans", "stale"),
    ("The Ministry met them.", "The Ministry met them.", "km", "draft"),
    ("Hello.", "你好" * 10_001, "zh-Hans", "translated"),
    (
        "Kingdom of Cambodia, Ministry of Foreign Affairs",
        "RBHraCaNacRkkm<úCa RksYgkarbreTs",
        "km",
        "translated",
    ),
    (
        "See https://example.org and mail a@b.org or call +855 23 216 141.",
        "见 https://example.org/x 和 https://extra.org，写信至 c@d.org 或致电 +855 23 216 999；"
        "另见 x@y.org、+855 12 345 678。",
        "zh-Hans",
        "translated",
    ),
    (
        "Contact press@mfaic.gov.kh or +855 23 216 122.",
        "联系方式：请见官网。",
        "zh-Hans",
        "translated",
    ),
    (
        "Visit [here](javascript:alert(1)) now.",
        "请访问[这里](javascript:alert(1))。",
        "zh-Hans",
        "translated",
    ),
    ("Text ![photo](media/a.jpg) here.", "文字在这里。", "zh-Hans", "translated"),
    ("Hello world today.", "你好\u202e世界今天。", "zh-Hans", "translated"),
    (
        "On 5 May 2024 at 10:30, 15% of 1,500 people, in June.",
        "2024年5月6日11:30，16%的1600人，七月，2025年1月。",
        "zh-Hans",
        "translated",
    ),
    ("**Bold** and *it* and [a](https://a.org)", "粗体和斜体。", "zh-Hans", "translated"),
    (
        "Plain text here.",
        "**粗体** `代码` [链接](https://x.org) [链接](https://x.org)。",
        "zh-Hans",
        "translated",
    ),
    ("The Ministry said, hello...", '外交部说,你好...(测试)"引号"。', "zh-Hans", "translated"),
    ("部长说。", "The minister，said.", "en", "translated"),
    ("The Ministry said.", "ក្រសួង\u17a3 \u179d \u17d8 ក ា \u17d2ក។", "km", "translated"),
    ("The Ministry said.", "ក្រសួង ក្\u17b6 លេីក ស្រ្តី.", "km", "translated"),
    ("The Ministry in February.", "ក្រសួង ខែកុម្ភ:ឆ្នាំនេះ ហើយ ក\u17c6\u17bb។", "km", "translated"),
    ("The Ministry met.", "ក្រសួង ស្\u17b8ត ប្រជុំ។", "km", "translated"),
    ("The party (CPP) met.", " 柬埔寨人民党（CPP开会  了。 ", "zh-Hans", "translated"),
]


def all_findings() -> list[Finding]:
    found: list[Finding] = []
    for number, (source, target, lang, state) in enumerate(FAULTS):
        found += check_segment(
            f"s{number}",
            source,
            target,
            source_lang="zh-Hans" if lang == "en" else "en",
            target_lang=lang,
            state=state,
            glossary=GLOSSARY,
        )
    return found


def messages_in(value: Param) -> Iterator[Message]:
    """`value` and every message nested in its parameters."""
    if isinstance(value, Message):
        yield value
        for _, param in value.params:
            yield from messages_in(param)
    elif isinstance(value, Joined):
        for part in value.parts:
            yield from messages_in(part)


def test_the_faults_raise_every_code() -> None:
    assert {f.code for f in all_findings()} == set(CODES)


@pytest.mark.parametrize("lang", ["km", "zh-Hans"])
def test_every_finding_and_reason_is_translated(lang: str) -> None:
    catalog = i18n.translations(lang)
    refusal = not_approved_reason(
        "Visit 2024", "km", ["s1", "s2", "boilerplate/s1"], State.APPROVED
    )
    for finding in all_findings():
        for message in [*messages_in(finding.text), *messages_in(refusal)]:
            if message.plural is None:
                translated = catalog.gettext(message.msgid)
            else:
                translated = catalog.ngettext(message.msgid, message.plural, 2)
            assert translated != message.msgid, f"{lang}: {message.msgid!r} is not translated"
        text = finding.render(catalog, lang)
        english = finding.message
        # no English sentence left: at most a few Latin words (codes, U+ names, quoted text)
        assert not re.search(r"\b(the|translation|source|is|has)\b", _unquoted(text)), text
        assert text != english


def _unquoted(text: str) -> str:
    """`text` without what it quotes from the segment (between «», “”, "" or backticks)."""
    return re.sub(r"«[^»]*»|“[^”]*”|\"[^\"]*\"|`[^`]*`", "", text)


def test_khmer_findings_write_numbers_and_dates_in_khmer_and_quote_values_as_written() -> None:
    catalog = i18n.translations("km")
    said = {
        f.code: f.render(catalog, "km")
        for f in check_segment(
            "s1",
            "On 5 May 2024, 1,500 people came.",
            "នៅថ្ងៃទី៦ ខែឧសភា ឆ្នាំ២០២៤ មនុស្ស ១៦០០ នាក់បានមក។",
            source_lang="en",
            target_lang="km",
            state="translated",
        )
    }
    assert said["date-missing"] == (
        "ការបកប្រែខ្វះកាលបរិច្ឆេទ ថ្ងៃទី៥ ខែឧសភា ឆ្នាំ២០២៤ (អត្ថបទដើម៖ «5 May 2024») ប៉ុន្តែមាន "
        "ថ្ងៃទី៦ ខែឧសភា ឆ្នាំ២០២៤ («ទី៦ ខែឧសភា ឆ្នាំ២០២៤») ជំនួសវិញ។"
    )
    assert said["number-missing"] == (
        "ការបកប្រែខ្វះលេខ ១៥០០ (អត្ថបទដើម៖ «1,500») ប៉ុន្តែមាន ១៦០០ («១៦០០») ជំនួសវិញ។"
    )
    zh = i18n.translations("zh-Hans")
    finding = check_segment(
        "s1",
        "On 5 May 2024.",
        "2024年5月6日。",
        source_lang="en",
        target_lang="zh-Hans",
        state="translated",
    )[0]
    assert finding.render(zh, "zh-Hans") == (
        "译文缺少日期2024年5月5日（原文：“5 May 2024”），"
        "而是写成了 2024年5月6日（“2024年5月6日”）。"
    )
