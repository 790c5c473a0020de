"""Khmer line-break opportunities: ZWSP inserted only between Khmer characters."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET

import lxml.etree
import lxml.html
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.render.khmer_breaks import (
    ZWSP,
    insert_break_opportunities,
    insert_break_opportunities_in_tree,
    is_khmer,
    strip_break_opportunities,
)

KINGDOM = "ព្រះរាជាណាចក្រកម្ពុជា"
SENTENCE = (
    "សម្តេចប្រធានព្រឹទ្ធសភា នឹងដឹកនាំគណៈប្រតិភូជាន់ខ្ពស់ អញ្ជើញបំពេញទស្សនកិច្ចផ្លូវការ"
    "នៅសាធារណរដ្ឋប្រជាមានិតចិន ចាប់ពីថ្ងៃទី២ ដល់ថ្ងៃទី៤ ខែធ្នូ ឆ្នាំ២០២៤។"
)


def _zwsp_neighbours(text: str) -> list[tuple[str, str]]:
    """(character before, character after) each ZWSP; "" at the ends of the text."""
    padded = f"\0{text}\0"
    return [
        (padded[i - 1].strip("\0"), padded[i + 1].strip("\0"))
        for i, char in enumerate(padded)
        if char == ZWSP
    ]


def test_breaks_khmer_words_at_dictionary_boundaries() -> None:
    assert insert_break_opportunities(KINGDOM) == f"ព្រះរាជាណាចក្រ{ZWSP}កម្ពុជា"
    result = insert_break_opportunities("សម្តេចប្រធានព្រឹទ្ធសភា")
    assert result.split(ZWSP) == ["សម្តេច", "ប្រធាន", "ព្រឹទ្ធសភា"]


def test_long_sentence_gets_many_opportunities_only_between_khmer_letters() -> None:
    result = insert_break_opportunities(SENTENCE)
    assert result.count(ZWSP) >= 12
    assert strip_break_opportunities(result) == SENTENCE
    for before, after in _zwsp_neighbours(result):
        assert before and after and is_khmer(before) and is_khmer(after)


def test_no_zwsp_next_to_spaces_or_existing_zwsp() -> None:
    text = f"ជាតិ សាសនា ព្រះមហាក្សត្រ ព្រះរាជាណាចក្រ{ZWSP}កម្ពុជា"
    result = insert_break_opportunities(text)
    assert " " + ZWSP not in result and ZWSP + " " not in result
    assert ZWSP + ZWSP not in result
    assert result.startswith("ជាតិ សាសនា ព្រះ")  # spaces already break: nothing added there
    assert result.endswith(f"ព្រះរាជាណាចក្រ{ZWSP}កម្ពុជា")  # the existing ZWSP kept, not doubled
    assert strip_break_opportunities(result) == text.replace(ZWSP, "")


def test_text_without_khmer_is_returned_unchanged() -> None:
    for text in ("", "Press Release, 2 December 2024", "柬埔寨王国参议院主席", "—  \n"):
        assert insert_break_opportunities(text) == text


def test_nothing_between_khmer_and_other_scripts() -> None:
    result = insert_break_opportunities("កម្ពុជា-ចិន ASEANកម្ពុជា (ចិន) 中国កម្ពុជា")
    for before, after in _zwsp_neighbours(result):
        assert before and after and is_khmer(before) and is_khmer(after)


def test_characters_outside_the_bmp_do_not_shift_positions() -> None:
    # ICU counts UTF-16 units: an emoji or a maths letter before Khmer must not
    # move the insertion points (that would split a cluster and break shaping).
    for prefix in ("𝐀 ", "😀", "𠀀𠀁 "):
        result = insert_break_opportunities(prefix + KINGDOM)
        assert result == prefix + f"ព្រះរាជាណាចក្រ{ZWSP}កម្ពុជា"


def test_idempotent() -> None:
    once = insert_break_opportunities(SENTENCE)
    assert insert_break_opportunities(once) == once


_ALPHABET = st.sampled_from(
    list("កខគឃងចជញដណតថទធនបពមយរលវសហឡអ")
    + list("ាិីុូេែៃោៅំះ៉់្")
    + list("០១២៤។៕")
    + list(" a1-(),\u200b\n")
    + ["中", "😀"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_ALPHABET, max_size=60).map("".join))
def test_property_only_adds_zwsp_between_khmer(text: str) -> None:
    result = insert_break_opportunities(text)
    assert strip_break_opportunities(result) == strip_break_opportunities(text)
    assert result.replace(ZWSP, "") == text.replace(ZWSP, "")
    added = result.count(ZWSP) - text.count(ZWSP)
    assert added >= 0
    if added:
        original = set(_zwsp_neighbours(text))
        for pair in _zwsp_neighbours(result):
            assert pair in original or (all(pair) and is_khmer(pair[0]) and is_khmer(pair[1]))


def test_tree_helper_with_lxml_keeps_markup_and_skips_code() -> None:
    root = lxml.html.fragment_fromstring(
        f"<div><p lang='km'>{KINGDOM} <b>{KINGDOM}</b> {KINGDOM}<!--{KINGDOM}--></p>"
        f"<pre>{KINGDOM}</pre><code>{KINGDOM}<i>{KINGDOM}</i></code>{KINGDOM}</div>"
    )
    insert_break_opportunities_in_tree(root)
    paragraph, pre, code = list(root)
    broken = f"ព្រះរាជាណាចក្រ{ZWSP}កម្ពុជា"
    assert paragraph.text == broken + " "
    assert paragraph[0].text == broken  # <b>
    assert paragraph[0].tail == " " + broken
    assert paragraph[1].text == KINGDOM  # comment untouched
    assert pre.text == KINGDOM
    assert code.text == KINGDOM and code[0].text == KINGDOM  # descendants of skipped tags
    assert code.tail == broken  # the tail belongs to the div's running text


def test_tree_helper_with_elementtree_and_namespaces() -> None:
    root = ET.fromstring(
        f'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>{KINGDOM}</p>'
        f"<script>var s = '{KINGDOM}';</script></body></html>"
    )
    insert_break_opportunities_in_tree(root)
    body = root[0]
    assert body[0].text == f"ព្រះរាជាណាចក្រ{ZWSP}កម្ពុជា"
    assert body[1].text == f"var s = '{KINGDOM}';"


def test_tree_helper_custom_skip_tags() -> None:
    root = lxml.etree.fromstring(f"<doc><name>{KINGDOM}</name><p>{KINGDOM}</p></doc>")
    insert_break_opportunities_in_tree(root, skip_tags={"NAME"})
    assert root[0].text == KINGDOM
    assert ZWSP in root[1].text


def test_speed_per_10k_characters() -> None:
    text = (SENTENCE + " ") * (10_000 // len(SENTENCE) + 1)
    text = text[:10_000]
    insert_break_opportunities(text)  # warm up ICU's dictionary
    start = time.perf_counter()
    runs = 5
    for _ in range(runs):
        insert_break_opportunities(text)
    per_10k_ms = (time.perf_counter() - start) / runs * 1000
    # Measured ~1-3 ms here; the bound only catches an accidental quadratic loop.
    assert per_10k_ms < 100, f"{per_10k_ms:.1f} ms per 10k characters"


def test_a_short_run_between_spaces_is_never_broken() -> None:
    """A personal name ICU's dictionary does not know, written as Khmer writes names."""
    text = "ឯកឧត្តម ប្រាក់ សុខុន ឧបនាយករដ្ឋមន្ត្រី លោក សុខ ដារា លោកស្រី ជា ម៉ាលីស"
    broken = insert_break_opportunities(text)
    for name in ("សុខុន", "ដារា", "ម៉ាលីស"):
        assert name in broken  # no U+200B inside
    assert f"ឧបនាយក{ZWSP}រដ្ឋមន្ត្រី" in broken  # a longer run still breaks between words


def test_a_known_name_inside_a_run_is_kept_whole_with_breaks_around_it() -> None:
    text = "ជួបជាមួយឯកឧត្តមប្រាក់សុខុននៅភ្នំពេញ"
    assert f"សុ{ZWSP}ខុន" in insert_break_opportunities(text)  # ICU cuts the unknown name
    kept = insert_break_opportunities(text, keep={"សុខុន"})
    assert f"ប្រាក់{ZWSP}សុខុន{ZWSP}នៅ" in kept
    assert insert_break_opportunities(kept, keep={"សុខុន"}) == kept  # stable
