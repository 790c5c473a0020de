"""Protected content: found, rendered for the target language, and intact after translation."""

from __future__ import annotations

from pathlib import Path

import pytest

from publisher.mt import argos, store
from publisher.mt.protect import Protected, protect, translate_protected
from tests.support.argos_model import build_test_package

CONTACT = (
    "Visit https://www.mfaic.gov.kh/news/2024-11-30. Journalists may write to "
    "press@mfaic.gov.kh or call +855 23 216 122 before 2 December 2024."
)
KEPT_VERBATIM = [
    "https://www.mfaic.gov.kh/news/2024-11-30",
    "press@mfaic.gov.kh",
    "+855 23 216 122",
]


def spans(
    text: str, lang: str, glossary: dict[str, str] | None = None
) -> list[tuple[str, str, str]]:
    item = protect(text, lang, glossary)
    return [(span.kind, text[span.start : span.end], span.rendering) for span in item.spans]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("on 2 December 2024.", "zh-Hans", ("2 December 2024", "2024年12月2日")),
        ("on 2 December 2024.", "km", ("2 December 2024", "ថ្ងៃទី២ ខែធ្នូ ឆ្នាំ២០២៤")),
        ("Phnom Penh, 30 November 2024", "zh-Hans", ("30 November 2024", "2024年11月30日")),
        ("Phnom Penh, 30 November 2024", "km", ("30 November 2024", "ថ្ងៃទី៣០ ខែវិច្ឆិកា ឆ្នាំ២០២៤")),
        ("from December 2-4, 2024.", "zh-Hans", ("December 2-4, 2024", "2024年12月2日至4日")),
        (
            "from December 2–4, 2024.",
            "km",
            ("December 2–4, 2024", "ពីថ្ងៃទី២ ដល់ថ្ងៃទី៤ ខែធ្នូ ឆ្នាំ២០២៤"),
        ),
        ("from 2-4 December 2024.", "zh-Hans", ("2-4 December 2024", "2024年12月2日至4日")),
        ("on December 2, 2024.", "zh-Hans", ("December 2, 2024", "2024年12月2日")),
    ],
)
def test_dates_are_rendered_for_the_target_language(
    text: str, lang: str, expected: tuple[str, str]
) -> None:
    assert spans(text, lang) == [("date", *expected)]


def test_urls_emails_and_phones_are_kept_verbatim() -> None:
    found = spans(CONTACT, "km")
    assert [(kind, source) for kind, source, _ in found] == [
        ("url", KEPT_VERBATIM[0]),
        ("email", KEPT_VERBATIM[1]),
        ("phone", KEPT_VERBATIM[2]),
        ("date", "2 December 2024"),
    ]
    assert [rendering for _, _, rendering in found[:3]] == KEPT_VERBATIM


def test_url_stops_before_sentence_punctuation() -> None:
    assert spans("See www.mfaic.gov.kh.", "zh-Hans")[0][1] == "www.mfaic.gov.kh"
    assert spans("(see https://example.org/a?b=1).", "zh-Hans")[0][1] == "https://example.org/a?b=1"


def test_numbers_and_currency_amounts() -> None:
    text = "Trade reached USD 15.3 billion in 2024, up 12.5 percent; 1,234,567 people; $1,200."
    assert spans(text, "km") == [
        ("currency", "USD 15.3 billion", "USD ១៥.៣ billion"),
        ("number", "2024", "២០២៤"),  # a year: never "2,024"
        ("number", "12.5", "១២.៥"),
        ("number", "1,234,567", "១,២៣៤,៥៦៧"),
        ("currency", "$1,200", "$១,២០០"),
    ]
    assert [rendering for _, _, rendering in spans(text, "zh-Hans")] == [
        "USD 15.3 billion",
        "2024",
        "12.5",
        "1,234,567",
        "$1,200",
    ]


def test_numbers_inside_words_are_left_to_translation() -> None:
    assert spans("The 66th anniversary of A4 paper, 3.14159.", "km") == [
        ("number", "3.14159", "៣.១៤១៥៩")
    ]


def test_an_impossible_date_is_only_numbers() -> None:
    assert [kind for kind, _, _ in spans("on 31 February 2024", "zh-Hans")] == ["number", "number"]


def test_glossary_longest_match_first_and_case_sensitive() -> None:
    glossary = {"Ministry": "部", "Ministry of Foreign Affairs": "外交部", "ASEAN": "东盟"}
    text = "The Ministry of Foreign Affairs, the Ministry, the ministry, ASEANs and ASEAN."
    assert spans(text, "zh-Hans", glossary) == [
        ("term", "Ministry of Foreign Affairs", "外交部"),
        ("term", "Ministry", "部"),
        ("term", "ASEAN", "东盟"),
    ]


def test_placeholders_round_trip_only_when_each_is_kept_once() -> None:
    item = protect("Call +855 23 216 122 on 2 December 2024.", "zh-Hans")
    assert item.with_placeholders() == "Call [1] on [2]."
    assert item.restore_placeholders("请于[2]致电[1]。") == "请于2024年12月2日致电+855 23 216 122。"
    for broken in ("请致电[1]。", "请于[2]致电[1][1]。", "请于[2]致电[1][3]。", "请致电。"):
        assert item.restore_placeholders(broken) is None


def test_no_placeholders_when_the_source_has_bracketed_numbers() -> None:
    assert protect("See note [1] of 2 December 2024.", "zh-Hans").with_placeholders() is None
    assert protect("Nothing protected here.", "zh-Hans").with_placeholders() is None


def test_fallback_rejoins_translated_pieces_around_renderings() -> None:
    item = protect(CONTACT, "zh-Hans")
    assert item.to_translate() == ["Visit", ". Journalists may write to", "or call", "before"]
    restored = item.restore(["访问", "。记者可写信至", "或致电", "之前"])
    assert restored == (
        "访问 https://www.mfaic.gov.kh/news/2024-11-30。记者可写信至 press@mfaic.gov.kh "
        "或致电 +855 23 216 122 之前 2024年12月2日."
    )
    with pytest.raises(ValueError, match="4 translations needed"):
        item.restore(["too few"])


def test_text_of_protected_spans_only_needs_no_translation() -> None:
    item = protect("+855 23 216 122", "km")
    assert item.to_translate() == [] and item.restore([]) == "+855 23 216 122"


class FakeEngine:
    """A batch translator that upper-cases, optionally dropping placeholders like a bad model."""

    def __init__(self, keep_placeholders: bool) -> None:
        self.keep_placeholders = keep_placeholders
        self.batches: list[list[str]] = []

    def __call__(self, texts: list[str]) -> list[str]:
        self.batches.append(texts)
        out = [text.upper() for text in texts]
        return out if self.keep_placeholders else [t.replace("[1]", "") for t in out]


@pytest.mark.parametrize("keep_placeholders", [True, False])
def test_translate_protected_uses_at_most_two_batches(keep_placeholders: bool) -> None:
    engine = FakeEngine(keep_placeholders)
    texts = [CONTACT, "Plain text.", "", "Phnom Penh, 30 November 2024"]
    out = translate_protected(texts, "zh-Hans", engine, {"Phnom Penh": "金边"})
    assert len(engine.batches) == (1 if keep_placeholders else 2)
    assert out[1:3] == ["PLAIN TEXT.", ""]
    assert out[3] == "金边, 2024年11月30日"
    for kept in [*KEPT_VERBATIM, "2024年12月2日"]:
        assert out[0].count(kept) == 1
    assert "VISIT" in out[0] and "2 December" not in out[0]


@pytest.fixture(scope="module")
def km_translator(tmp_path_factory: pytest.TempPathFactory) -> argos.Translator:
    """A generated en->km model: no real one exists, but the plumbing is the same."""
    root = tmp_path_factory.mktemp("argos-km")
    archive = build_test_package(root / "archive", "en", "km")
    store.install_model(archive, root / "packages")
    return argos.load_translator("en", "km", root / "packages", workers=1)


def _assert_protected_intact(drafts: list[str], source: list[str], renderings: list[str]) -> None:
    for kept in renderings:
        assert drafts[0].count(kept) == 1, (kept, drafts[0])
    assert drafts != source and all(drafts)


def test_real_translation_keeps_protected_content_zh(argos_translator: argos.Translator) -> None:
    texts = [CONTACT, "The visit was announced on 30 November 2024."]
    drafts = translate_protected(texts, "zh-Hans", argos_translator.translate_batch)
    _assert_protected_intact(drafts, texts, [*KEPT_VERBATIM, "2024年12月2日"])
    assert "2024年11月30日" in drafts[1] and "November" not in drafts[1]


def test_real_translation_keeps_protected_content_km(km_translator: argos.Translator) -> None:
    drafts = translate_protected([CONTACT], "km", km_translator.translate_batch)
    _assert_protected_intact(drafts, [CONTACT], [*KEPT_VERBATIM, "ថ្ងៃទី២ ខែធ្នូ ឆ្នាំ២០២៤"])


def test_protected_is_a_plain_value() -> None:
    item = protect("on 2 December 2024", "zh-Hans")
    assert item == Protected(item.text, item.spans) and item.pieces == ["on ", ""]


def test_real_translation_without_placeholders_is_the_piecewise_draft(
    argos_translator: argos.Translator, argos_packages_dir: Path
) -> None:
    item = protect(CONTACT, "zh-Hans")
    pieces = argos.reference_translate(item.to_translate(), "en", "zh-Hans", argos_packages_dir)
    expected = item.restore(pieces)
    draft = translate_protected(
        [CONTACT], "zh-Hans", argos_translator.translate_batch, use_placeholders=False
    )
    assert draft == [expected]
