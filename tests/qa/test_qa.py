"""QA checker: planted faults are found, correct translations stay silent.

Both halves matter equally: a reviewer ignores a checker that cries wolf, so
every real sentence pair below must produce no finding at all, in both
translation directions (a release may be written in Khmer or Chinese).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from publisher.qa import CODES, Finding, check_segment
from publisher.qa import khmer as km
from publisher.qa.numbers import compare, extract

# --- clean reference pairs (real sentences of the sample's kind) ------------

EN_VISIT = (
    "In a move that highlights Cambodia’s commitment to its Comprehensive Strategic "
    "Partnership with China, Samdech Akka Moha Sena Padei Techo Hun Sen, the President of "
    "the Senate and General Secretary of the Cambodian People’s Party (CPP), will lead an "
    "official and goodwill visit to the People’s Republic of China from December 2-4, 2024."
)
ZH_VISIT = (
    "柬埔寨参议院主席、柬埔寨人民党（CPP）主席洪森亲王将于2024年12月2日至4日率团对中华人民共和国"
    "进行正式友好访问，此举彰显了柬埔寨对柬中全面战略合作伙伴关系的坚定承诺。"
)
KM_VISIT = (
    "ក្នុងជំហានមួយដែលឆ្លុះបញ្ចាំងពីការប្តេជ្ញាចិត្តរបស់កម្ពុជាចំពោះភាពជាដៃគូយុទ្ធសាស្ត្រគ្រប់ជ្រុងជ្រោយ"
    "ជាមួយប្រទេសចិន សម្តេចអគ្គមហាសេនាបតីតេជោ ហ៊ុន សែន ប្រធានព្រឹទ្ធសភា និងជាប្រធានគណបក្សប្រជាជនកម្ពុជា "
    "នឹងដឹកនាំដំណើរទស្សនកិច្ចផ្លូវការ និងមិត្តភាព ទៅកាន់សាធារណរដ្ឋប្រជាមានិតចិន "
    "ពីថ្ងៃទី២ ដល់ថ្ងៃទី៤ ខែធ្នូ ឆ្នាំ២០២៤។"
)
EN_ANNOUNCED = (
    "On 30 November 2024, the Ministry of Foreign Affairs announced that Samdech Techo Hun Sen "
    "will be accompanied by a high-level delegation. The visit marks the first time a "
    "Cambodian President has traveled to China for an official and goodwill visit."
)
ZH_ANNOUNCED = (
    "2024年11月30日，外交部宣布，洪森亲王此访将由高级别代表团陪同。"
    "此访是柬埔寨参议院主席首次对中国进行正式友好访问。"
)
KM_ANNOUNCED = (
    "នៅថ្ងៃទី៣០ ខែវិច្ឆិកា ឆ្នាំ២០២៤ ក្រសួងការបរទេស បានប្រកាសថា សម្តេចតេជោ ហ៊ុន សែន "
    "នឹងមានការអញ្ជើញអមដំណើរដោយគណៈប្រតិភូជាន់ខ្ពស់។ ទស្សនកិច្ចនេះ ជាលើកទីមួយហើយ "
    "ដែលប្រធានព្រឹទ្ធសភាកម្ពុជាអញ្ជើញទៅបំពេញទស្សនកិច្ចផ្លូវការ និងមិត្តភាព នៅប្រទេសចិន។"
)
EN_SIGNED = (
    "Samdech Techo Hun Sen’s visit is seen as a significant step in strengthening Cambodia-China "
    "relations, which have been a cornerstone of ASEAN foreign policy since its inception. "
    "The Comprehensive Strategic Partnership with China was signed in 2016, aiming to promote "
    "cooperation in areas such as trade, investment, and people-to-people exchanges."
)
ZH_SIGNED = (
    "洪森亲王此访被视为加强柬中关系的重要一步，而柬中关系从一开始就是东盟（ASEAN）外交政策的基石。"
    "柬中全面战略合作伙伴关系于2016年签署，旨在促进双方在贸易、投资和人文交流等领域的合作。"
)
KM_SIGNED = (
    "ទស្សនកិច្ចរបស់សម្តេចតេជោ ហ៊ុន សែន ត្រូវបានចាត់ទុកថាជាជំហានដ៏សំខាន់មួយក្នុងការពង្រឹង"
    "ទំនាក់ទំនងកម្ពុជា-ចិន ដែលជាសសរគ្រឹះនៃគោលនយោបាយការបរទេសរបស់អាស៊ាន តាំងពីដើមដំបូងមក។ "
    "ភាពជាដៃគូយុទ្ធសាស្ត្រគ្រប់ជ្រុងជ្រោយជាមួយប្រទេសចិន ត្រូវបានចុះហត្ថលេខានៅឆ្នាំ២០១៦ "
    "ក្នុងគោលបំណងលើកកម្ពស់កិច្ចសហប្រតិបត្តិការលើវិស័យនានា ដូចជា ពាណិជ្ជកម្ម វិនិយោគ "
    "និងការផ្លាស់ប្តូររវាងប្រជាជន និងប្រជាជន។"
)
# The short forms quoted in the brief, with their ellipses.
EN_SHORT = "… will lead an official and goodwill visit to the People’s Republic of China from December 2-4, 2024."  # noqa: E501
ZH_SHORT = "……将于2024年12月2日至4日对中华人民共和国进行正式友好访问。"
KM_SHORT = (
    "... នឹងដឹកនាំដំណើរទស្សនកិច្ចផ្លូវការ និងមិត្តភាព ទៅកាន់សាធារណរដ្ឋប្រជាមានិតចិន ពីថ្ងៃទី២ ដល់ថ្ងៃទី៤ ខែធ្នូ ឆ្នាំ២០២៤។"
)
EN_SHORT2 = "On 30 November 2024, the Ministry of Foreign Affairs announced …"
ZH_SHORT2 = "2024年11月30日，外交部宣布……"
KM_SHORT2 = "នៅថ្ងៃទី៣០ ខែវិច្ឆិកា ឆ្នាំ២០២៤ ក្រសួងការបរទេស បានប្រកាសថា ..."
EN_SHORT3 = "The Comprehensive Strategic Partnership with China was signed in 2016, …"
ZH_SHORT3 = "……柬中全面战略合作伙伴关系于2016年签署……"
KM_SHORT3 = "... ភាពជាដៃគូយុទ្ធសាស្ត្រគ្រប់ជ្រុងជ្រោយ ... ត្រូវបានចុះហត្ថលេខានៅឆ្នាំ២០១៦ ..."

CSP = "Comprehensive Strategic Partnership"
GLOSSARY = {
    "zh-Hans": {CSP: "全面战略合作伙伴关系", "Senate": "参议院"},
    "km": {CSP: "ភាពជាដៃគូយុទ្ធសាស្ត្រគ្រប់ជ្រុងជ្រោយ", "Senate": "ព្រឹទ្ធសភា"},
}

CLEAN = [
    (EN_VISIT, ZH_VISIT, KM_VISIT),
    (EN_ANNOUNCED, ZH_ANNOUNCED, KM_ANNOUNCED),
    (EN_SIGNED, ZH_SIGNED, KM_SIGNED),
    (EN_SHORT, ZH_SHORT, KM_SHORT),
    (EN_SHORT2, ZH_SHORT2, KM_SHORT2),
    (EN_SHORT3, ZH_SHORT3, KM_SHORT3),
    (
        "Contact: press@mfaic.gov.kh, +855 23 216 122, https://www.mfaic.gov.kh/news?id=12.",
        "联系方式：press@mfaic.gov.kh，+855 23 216 122，https://www.mfaic.gov.kh/news?id=12。",
        "ទំនាក់ទំនង៖ press@mfaic.gov.kh, +៨៥៥ ២៣ ២១៦ ១២២, https://www.mfaic.gov.kh/news?id=12។",
    ),
    (
        "About 1,500 delegates attended; turnout rose by 15% to 2.5 million visitors.",
        "约1500名代表出席；参观人数增长百分之十五，达到250万人次。",
        "ប្រតិភូប្រមាណ ១.៥០០ នាក់បានចូលរួម ហើយចំនួនភ្ញៀវបានកើនឡើង ១៥% ដល់ ២,៥ លាននាក់។",
    ),
    (
        "The talks will be held at 10:30 a.m. on 2 December in Beijing.",
        "会谈将于12月2日上午10:30在北京举行。",
        "កិច្ចពិភាក្សានឹងធ្វើឡើងនៅម៉ោង ១០:៣០ ព្រឹក ថ្ងៃទី២ ខែធ្នូ នៅទីក្រុងប៉េកាំង។",
    ),
    ("ASEAN", "ASEAN", "ASEAN"),
    ("Phnom Penh, 30 November 2024", "2024年11月30日于金边", "រាជធានីភ្នំពេញ ថ្ងៃទី៣០ ខែវិច្ឆិកា ឆ្នាំ២០២៤"),
]


def run(
    source: str,
    target: str,
    target_lang: str,
    *,
    source_lang: str = "en",
    state: str = "approved",
    glossary: dict[str, str] | None = None,
) -> list[Finding]:
    return check_segment(
        "s1",
        source,
        target,
        source_lang=source_lang,
        target_lang=target_lang,
        state=state,
        glossary=glossary,
    )


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def only(findings: list[Finding], code: str) -> Finding:
    matching = [f for f in findings if f.code == code]
    assert matching, f"no {code} in {findings}"
    return matching[0]


@pytest.mark.parametrize("row", range(len(CLEAN)))
@pytest.mark.parametrize("direction", ["en->zh", "en->km", "zh->en", "km->en", "zh->km"])
def test_correct_translations_produce_no_findings(row: int, direction: str) -> None:
    texts = dict(zip(("en", "zh-Hans", "km"), CLEAN[row], strict=True))
    src, tgt = (("zh-Hans" if p == "zh" else p) for p in direction.split("->"))
    glossary = GLOSSARY.get(tgt) if src == "en" else None
    assert run(texts[src], texts[tgt], tgt, source_lang=src, glossary=glossary) == []


# --- planted faults -----------------------------------------------------------


def test_wrong_year_is_an_error_naming_both_values() -> None:
    findings = run(EN_VISIT, ZH_VISIT.replace("2024年", "2023年"), "zh-Hans")
    missing = [f for f in findings if f.code == "date-missing"]
    assert len(missing) == 2 and all(f.severity == "error" for f in missing)
    assert "2 December 2024" in missing[0].message and "2023" in missing[0].message
    assert "date-extra" in codes(findings)


def test_wrong_khmer_year_is_found() -> None:
    findings = run(EN_SIGNED, KM_SIGNED.replace("២០១៦", "២០១៥"), "km")
    assert codes(findings) == ["number-missing", "number-extra"]
    assert "2016" in findings[0].message and "២០១៥" in findings[0].message


def test_missing_date_is_an_error() -> None:
    target = KM_VISIT.replace(" ពីថ្ងៃទី២ ដល់ថ្ងៃទី៤ ខែធ្នូ ឆ្នាំ២០២៤", "")
    findings = run(EN_VISIT, target, "km")
    assert codes(findings) == ["date-missing", "date-missing"]
    assert "4 December 2024" in findings[1].message


def test_missing_end_of_range_is_found() -> None:
    findings = run(EN_SHORT, ZH_SHORT.replace("至4日", ""), "zh-Hans")
    assert codes(findings) == ["date-missing"]
    assert "4 December 2024" in findings[0].message


def test_changed_url_is_an_error_with_the_original_as_suggestion() -> None:
    source = "Read the statement at https://www.mfaic.gov.kh/news/2024/visit-china."
    target = "声明全文见https://www.mfaic.gov.kh/news/2024/visit-chna。"
    finding = only(run(source, target, "zh-Hans"), "url-changed")
    assert finding.severity == "error"
    assert "visit-china" in finding.message and "visit-chna" in finding.message
    assert finding.suggestion == "声明全文见https://www.mfaic.gov.kh/news/2024/visit-china。"


def test_missing_email_and_changed_phone() -> None:
    source = "Contact press@mfaic.gov.kh or +855 23 216 122."
    target = "联系电话：+855 23 216 123。"
    assert codes(run(source, target, "zh-Hans")) == ["email-missing", "phone-changed"]


def test_phone_in_khmer_digits_is_unchanged() -> None:
    assert run("Call +855 23 216 122.", "ទូរស័ព្ទ +៨៥៥ ២៣ ២១៦ ១២២។", "km") == []


def test_missing_glossary_term_is_an_error() -> None:
    target = ZH_VISIT.replace("全面战略合作伙伴关系", "全面战略伙伴关系")
    finding = only(
        run(EN_VISIT, target, "zh-Hans", glossary=GLOSSARY["zh-Hans"]), "glossary-term-missing"
    )
    assert finding.severity == "error"
    assert "全面战略合作伙伴关系" in finding.message and CSP in finding.message


def test_glossary_term_in_khmer_matches_despite_zero_width_spaces() -> None:
    target = KM_SIGNED.replace("ភាពជាដៃគូ", "ភាព\u200bជា\u200bដៃគូ\u200b")
    assert run(EN_SIGNED, target, "km", glossary=GLOSSARY["km"]) == []


def test_glossary_term_not_in_source_is_not_required() -> None:
    assert run(EN_SHORT2, ZH_SHORT2, "zh-Hans", glossary={CSP: "全面战略合作伙伴关系"}) == []


def test_ascii_punctuation_in_chinese_is_an_error_with_fix() -> None:
    target = "2024年11月30日,外交部宣布:洪森亲王将率团访问中国(CPP)."
    finding = only(run(EN_ANNOUNCED[:60], target, "zh-Hans"), "zh-ascii-punctuation")
    assert finding.severity == "error"
    assert finding.suggestion == "2024年11月30日，外交部宣布：洪森亲王将率团访问中国（CPP）。"


def test_ascii_quotes_and_ellipsis_in_chinese() -> None:
    target = '此访恰逢"柬中人文交流年"...'
    finding = only(
        run("The visit coincides with the Exchange Year.", target, "zh-Hans"),
        "zh-ascii-punctuation",
    )
    assert finding.suggestion == "此访恰逢“柬中人文交流年”……"


def test_latin_punctuation_inside_latin_run_in_chinese_is_fine() -> None:
    target = (
        "洪森（Samdech Techo Hun Sen, President）出席，增长3.5%，时间为10:30，见www.mfaic.gov.kh。"
    )
    source = "Hun Sen attended; growth 3.5%, at 10:30, see www.mfaic.gov.kh."
    assert run(source, target, "zh-Hans") == []


def test_misordered_khmer_sign_is_found_with_canonical_suggestion() -> None:
    # nikahit (U+17C6) typed before the vowel U (U+17BB): "កំុ" instead of "កុំ"
    target = "សូម" + "ក\u17c6\u17bb" + "ភ្លេច។"
    finding = only(run("Do not forget.", target, "km"), "km-sign-order")
    assert finding.severity == "error"
    assert finding.suggestion == "សូមកុំភ្លេច។"


def test_vowel_typed_before_subscript_is_found() -> None:
    # ព + ឹ + ្រ: the vowel typed before the subscript RO of ព្រឹទ្ធសភា (Senate)
    wrong = "ព\u17b9\u17d2\u179aទ្ធសភា"
    target = KM_ANNOUNCED.replace("ព្រឹទ្ធសភា", wrong)
    finding = only(run(EN_ANNOUNCED, target, "km"), "km-coeng-order")
    assert wrong in finding.message and "ព្រឹទ្ធសភា" in finding.message
    assert finding.suggestion == KM_ANNOUNCED


def test_register_shifter_after_vowel_is_found() -> None:
    target = "ហ\u17bb\u17caន សែន"  # ហ ុ ៊ instead of ហ ៊ ុ (ហ៊ុន)
    finding = only(run("Hun Sen", target, "km"), "km-sign-order")
    assert finding.suggestion == "ហ៊ុន សែន"


@pytest.mark.parametrize(
    ("target", "fixed"),
    [
        ("ក្", "ក"),  # coeng at the end, nothing to attach
        ("ប្ រទេស", "ប្រទេស"),  # a space between coeng and its consonant
        ("ក្\u17b6រ", "ក្រា"),  # coeng, vowel, consonant
    ],
)
def test_coeng_misuse_is_found(target: str, fixed: str | None) -> None:
    findings = run("x country", target, "km")
    coeng = [f for f in findings if f.code in ("km-coeng", "km-coeng-order")]
    assert coeng and all(f.severity == "error" for f in coeng)
    assert coeng[0].suggestion == fixed


def test_vowel_without_base_is_found() -> None:
    finding = only(run("China", "ប្រទេសចិន \u17b6", "km"), "km-missing-base")
    assert finding.severity == "error"
    assert finding.suggestion == "ប្រទេសចិនា"


def test_two_vowels_in_a_row_suggest_the_composite_vowel() -> None:
    target = "ល\u17c1\u17b8ក"  # េ + ី typed for ើ
    finding = only(run("time", target, "km"), "km-double-vowel")
    assert finding.suggestion == "លើក"


def test_deprecated_and_obsolete_characters() -> None:
    findings = run("I am", "\u17a3ខ្ញុំ ឞ", "km")
    deprecated = only(findings, "km-deprecated-char")
    assert deprecated.severity == "error" and deprecated.suggestion == "អខ្ញុំ ឞ"
    assert only(findings, "km-obsolete-char").severity == "warning"


def test_coeng_ro_is_typed_last() -> None:
    finding = only(run("woman", "ស\u17d2\u179a\u17d2\u178f\u17b8", "km"), "km-coeng-ro-order")
    assert finding.severity == "warning" and finding.suggestion == "ស្ត្រី"


def test_legacy_font_text_is_flagged_not_the_rest() -> None:
    # ព្រះរាជាណាចក្រកម្ពុជា / ក្រសួងការបរទេស typed with the Limon font
    findings = run(
        "Kingdom of Cambodia, Ministry of Foreign Affairs", "RBHraCaNacRkkm<úCa RksYgkarbreTs", "km"
    )
    assert codes(findings) == ["km-legacy-font"]
    assert "Unicode" in findings[0].message and findings[0].severity == "error"


def test_english_left_in_khmer_is_an_error() -> None:
    findings = run(EN_ANNOUNCED, "On 30 November 2024, the Ministry announced the visit.", "km")
    assert codes(findings) == ["not-translated"]


def test_source_copied_into_chinese_is_an_error() -> None:
    assert codes(run(EN_SHORT2, EN_SHORT2, "zh-Hans")) == ["not-translated"]


def test_khmer_left_in_english_target_is_an_error() -> None:
    assert codes(run(KM_SIGNED, KM_SIGNED, "en", source_lang="km")) == ["not-translated"]


def test_mixed_translation_mostly_english_in_chinese() -> None:
    target = "外交部 announced that Samdech Techo Hun Sen will be accompanied by a delegation."
    assert codes(run(EN_ANNOUNCED, target, "zh-Hans")) == ["not-translated"]


# --- workflow states ------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "target", "expected"),
    [
        ("untranslated", "", [("untranslated", "error")]),
        ("translated", "  ", [("empty-target", "error")]),
        ("stale", ZH_SHORT2, [("stale", "error")]),
        ("draft", ZH_SHORT2, [("not-reviewed", "warning")]),
        ("translated", ZH_SHORT2, []),
        ("reviewed", ZH_SHORT2, []),
    ],
)
def test_states(state: str, target: str, expected: list[tuple[str, str]]) -> None:
    findings = run(EN_SHORT2, target, "zh-Hans", state=state)
    assert [(f.code, f.severity) for f in findings] == expected


def test_unknown_state_raises() -> None:
    with pytest.raises(ValueError):
        run("a", "b", "zh-Hans", state="done")


def test_language_aliases_are_accepted() -> None:
    findings = check_segment(
        "s1", EN_SHORT, ZH_SHORT, source_lang="en", target_lang="zh-CN", state="approved"
    )
    assert findings == []


# --- Khmer punctuation and spacing ----------------------------------------------


def test_khmer_ascii_full_stop_at_end_is_an_error() -> None:
    finding = only(run(EN_SHORT3, KM_SIGNED.replace("។", "."), "km"), "km-ascii-full-stop")
    assert finding.severity == "error"
    assert finding.suggestion == KM_SIGNED


def test_khmer_abbreviations_and_ellipses_keep_their_dots() -> None:
    assert run("In 2024 AD ...", "... ឆ្នាំ២០២៤ គ.ស. ...", "km") == []


def test_ascii_colon_inside_khmer_word() -> None:
    finding = only(run("February", "ខែកុម្ភ:ឆ្នាំនេះ", "km"), "km-ascii-colon")
    assert finding.suggestion == "ខែកុម្ភៈឆ្នាំនេះ"


def test_doubled_and_edge_spaces_are_warnings() -> None:
    findings = run(EN_SHORT2, " 2024年11月30日，外交部  宣布…… ", "zh-Hans")
    assert [(f.code, f.severity) for f in findings] == [
        ("whitespace-edges", "warning"),
        ("double-space", "warning"),
    ]
    assert findings[0].suggestion == "2024年11月30日，外交部  宣布……"


def test_unbalanced_brackets_are_a_warning() -> None:
    finding = only(
        run("The party (CPP) met.", "柬埔寨人民党（CPP开会。", "zh-Hans"), "unbalanced-brackets"
    )
    assert finding.severity == "warning" and "（" in finding.message


def test_full_width_punctuation_in_english_target() -> None:
    finding = only(
        run(ZH_SHORT2, "On 30 November 2024，the Ministry announced.", "en", source_lang="zh-Hans"),
        "en-full-width-punctuation",
    )
    assert finding.suggestion == "On 30 November 2024, the Ministry announced."


# --- value extraction --------------------------------------------------------------


def values(text: str) -> list[tuple[object, ...]]:
    return sorted((v.kind, v.readings[0]) for v in extract(text))


@pytest.mark.parametrize(
    "texts",
    [
        [
            "December 2-4, 2024",
            "2–4 December 2024",
            "from December 2 to 4, 2024",
            "2024年12月2日至4日",
            "ពីថ្ងៃទី២ ដល់ថ្ងៃទី៤ ខែធ្នូ ឆ្នាំ២០២៤",
            "ថ្ងៃទី២-៤ ខែធ្នូ ឆ្នាំ២០២៤",
            "二〇二四年十二月二日至四日",
        ],
        [
            "30 November 2024",
            "November 30, 2024",
            "2024年11月30日",
            "ថ្ងៃទី៣០ ខែវិច្ឆិកា ឆ្នាំ២០២៤",
            "2024-11-30",
            "30/11/2024",
        ],
        ["2024", "២០២៤", "2024年", "ឆ្នាំ២០២៤", "二〇二四年"],
        ["15%", "១៥%", "百分之十五", "15 per cent", "១៥ ភាគរយ"],
        ["1.5 million", "150万", "១,៥ លាន"],
        ["December 2024", "2024年12月", "ខែធ្នូ ឆ្នាំ២០២៤"],
        [
            "30 November – 2 December 2024",
            "2024年11月30日至12月2日",
            "ពីថ្ងៃទី៣០ ខែវិច្ឆិកា ដល់ថ្ងៃទី២ ខែធ្នូ ឆ្នាំ២០២៤",
        ],
    ],
)
def test_same_value_in_every_notation(texts: list[str]) -> None:
    reference = extract(texts[0])
    assert reference
    for text in texts[1:]:
        assert compare(reference, extract(text)) == ([], []), text


@pytest.mark.parametrize("text", ["1,500", "១.៥០០", "1500", "1 500".replace(" ", "\u202f")])
def test_thousands_separators(text: str) -> None:
    assert compare(extract("1,500"), extract(text)) == ([], [])


@pytest.mark.parametrize(
    "text",
    [
        "The visit marks the first time.",
        "people-to-people exchanges between the two nations",
        "ASEAN, G20, COVID-19 and the CPP",
        "此访是柬埔寨参议院主席首次对中国进行正式友好访问，两国关系",
        "ជាលើកទីមួយហើយ រវាងប្រទេសទាំងពីរ",
    ],
)
def test_no_numbers_in_words(text: str) -> None:
    assert [v for v in extract(text) if not v.soft] == []


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Article 5 of the 29th summit", "第五条，第二十九届峰会"),
        ("the two nations and three ministers", "两国和三位部长"),
        ("៥ នាក់", "five people"),
        ("in 2016", "于二〇一六年"),
    ],
)
def test_spelled_out_counts_satisfy_digits_but_are_never_reported(source: str, target: str) -> None:
    assert compare(extract(source), extract(target)) == ([], [])
    assert compare(extract(target), extract(source)) == ([], [])


def test_multiset_counts_repeated_values() -> None:
    missing, extra = compare(extract("in 2016 and again in 2016"), extract("于2016年"))
    assert [v.describe() for v in missing] == ["2016"] and extra == []


def test_ambiguous_day_month_matches_either_reading() -> None:
    assert compare(extract("12/02/2024"), extract("2024年12月2日")) == ([], [])
    assert compare(extract("12/02/2024"), extract("2024年2月12日")) == ([], [])


# --- Khmer normalisation --------------------------------------------------------------

KHMER_MARKS = list("\u17b6\u17b7\u17bb\u17c1\u17c6\u17c7\u17c9\u17ca\u17cb\u17d2\u17d0")
KHMER_BASES = list("កខគងចជញដតនបពមយរលវសហអឥ")


@given(st.lists(st.sampled_from(KHMER_BASES + KHMER_MARKS + [" ", "\u200b"]), max_size=30))
def test_normalize_is_idempotent_and_check_never_crashes(chars: list[str]) -> None:
    text = "".join(chars)
    once = km.normalize(text)
    assert km.normalize(once) == once
    for finding in run("Some words here.", text or "ក", "km", state="translated"):
        assert finding.code in CODES
        assert finding.severity in ("error", "warning")


def test_canonical_text_has_no_encoding_issues() -> None:
    for text in (KM_VISIT, KM_ANNOUNCED, KM_SIGNED, "ព័ត៌មាន", "ស្ត្រី", "ប៊ីចេង", "ធម៌"):
        assert km.encoding_issues(text) == []
        assert km.normalize(text) == text


def test_every_code_is_documented() -> None:
    assert all(severity in ("error", "warning") for severity in CODES.values())


def test_english_heading_left_in_khmer() -> None:
    assert codes(run("Conclusion:", "Conclusion:", "km")) == ["not-translated"]


def test_the_sample_release_translations_are_clean() -> None:
    """The approved Khmer and Chinese of the shipped sample: no finding either way."""
    polib = pytest.importorskip("polib")
    files = sorted(Path(__file__).resolve().parents[2].glob("releases/*/translations/*.po"))
    if not files:
        pytest.skip("no sample release in this checkout")
    checked = 0
    for path in files:
        lang = path.stem
        for entry in polib.pofile(str(path)):
            if not entry.msgstr:
                continue
            forward = run(entry.msgid, entry.msgstr, lang)
            backward = run(entry.msgstr, entry.msgid, "en", source_lang=lang)
            assert forward == [] and backward == [], (path.name, entry.msgctxt)
            checked += 1
    assert checked
