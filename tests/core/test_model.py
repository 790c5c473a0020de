"""Direct tests of the model under every command: the document tree and segment alignment."""

from __future__ import annotations

from pathlib import Path

from publisher.core.document import parse_markdown, plain_text
from publisher.core.segments import Segment, SegmentMap, align

SOURCE = """\
# The title

First paragraph with *emphasis* and a [link](https://example.org/).

- bullet one
- bullet two

3. third point
4. fourth point

> A quoted sentence.

## A heading

Last paragraph.
"""


def _kinds(markdown: str) -> list[tuple[str, str]]:
    return [(leaf.kind, leaf.text or "") for leaf in parse_markdown(markdown).leaves()]


def test_document_leaves_are_the_segments_in_reading_order() -> None:
    assert _kinds(SOURCE) == [
        ("title", "The title"),
        ("paragraph", "First paragraph with *emphasis* and a [link](https://example.org/)."),
        ("item", "bullet one"),
        ("item", "bullet two"),
        ("item", "third point"),
        ("item", "fourth point"),
        ("quote", "A quoted sentence."),
        ("heading", "A heading"),
        ("paragraph", "Last paragraph."),
    ]


def test_document_keeps_list_kinds_and_start_numbers() -> None:
    blocks = parse_markdown(SOURCE).blocks
    lists = [(b.kind, b.start) for b in blocks if b.kind.endswith("_list")]
    assert lists == [("bullet_list", None), ("ordered_list", 3)]


def test_soft_line_breaks_join_and_text_is_nfc() -> None:
    doc = parse_markdown("# T\n\nA sentence\nwrapped over\nthree lines.\n\nCafe\u0301.\n")
    texts = [leaf.text for leaf in doc.leaves()]
    assert texts == ["T", "A sentence wrapped over three lines.", "Café."]


def test_raw_html_is_text_not_markup() -> None:
    doc = parse_markdown("# T\n\nBefore <script>alert(1)</script> after.\n")
    (paragraph,) = [leaf for leaf in doc.leaves() if leaf.kind == "paragraph"]
    assert plain_text(paragraph.text or "") == "Before <script>alert(1)</script> after."


def test_plain_text_drops_markup_keeps_words() -> None:
    assert plain_text("A *b* and [c](https://x.org/) &amp; d") == "A b and c & d"


# ---------------------------------------------------------------- alignment


def _map(markdown: str) -> tuple[SegmentMap, list[Segment]]:
    alignment = align(SegmentMap([]), parse_markdown(markdown))
    return SegmentMap(alignment.segments, alignment.next_number), alignment.segments


def test_first_alignment_numbers_segments_in_order() -> None:
    _, segments = _map("# T\n\nOne.\n\nTwo.\n\nThree.\n")
    assert [(s.id, s.source) for s in segments] == [
        ("title", "T"),
        ("s1", "One."),
        ("s2", "Two."),
        ("s3", "Three."),
    ]


def test_edit_keeps_id_and_reports_previous_source() -> None:
    old, _ = _map("# T\n\nThe visit is on 2 December.\n\nSecond.\n")
    result = align(old, parse_markdown("# T\n\nThe visit is on 3 December.\n\nSecond.\n"))
    assert [s.id for s in result.segments] == ["title", "s1", "s2"]
    assert result.changed == {"s1": "The visit is on 2 December."}
    assert result.added == [] and result.removed == []


def test_insertion_gets_a_fresh_id_and_never_reuses_one() -> None:
    old, _ = _map("# T\n\nOne.\n\nTwo.\n")
    result = align(old, parse_markdown("# T\n\nOne.\n\nNew between.\n\nTwo.\n"))
    assert [(s.id, s.source) for s in result.segments] == [
        ("title", "T"),
        ("s1", "One."),
        ("s3", "New between."),
        ("s2", "Two."),
    ]
    assert result.added == ["s3"] and not result.changed
    removed = align(
        SegmentMap(result.segments, result.next_number), parse_markdown("# T\n\nOne.\n")
    )
    assert [s.id for s in removed.removed] == ["s3", "s2"]
    again = align(
        SegmentMap(removed.segments, removed.next_number), parse_markdown("# T\n\nOne.\n\nX.\n")
    )
    assert again.added == ["s4"]  # s2 and s3 are never handed out again


def test_rewrite_is_a_removal_plus_an_addition() -> None:
    old, _ = _map("# T\n\nThe minister will travel to Beijing on Monday.\n")
    result = align(old, parse_markdown("# T\n\nTrade figures rose sharply in 2024.\n"))
    assert [s.id for s in result.removed] == ["s1"]
    assert result.added == ["s2"] and not result.changed


def test_title_keeps_its_id_when_rewritten() -> None:
    old, _ = _map("# Old title\n\nBody.\n")
    result = align(old, parse_markdown("# A completely different headline\n\nBody.\n"))
    assert [s.id for s in result.segments] == ["title", "s1"]
    assert result.changed == {"title": "Old title"}


def test_identical_sentences_stay_two_segments() -> None:
    _, segments = _map("# T\n\nSame.\n\nSame.\n")
    assert [s.id for s in segments] == ["title", "s1", "s2"]


def test_segment_map_round_trips_through_json(tmp_path: Path) -> None:
    seg_map, _ = _map(SOURCE)
    path = tmp_path / "segments.json"
    seg_map.save(path)
    again = SegmentMap.load(path)
    assert again == seg_map
    assert align(again, parse_markdown(SOURCE)).unchanged


# ---------------------------------------------------------------- numbers, tables, non-content


def test_ordered_items_keep_their_own_numbers() -> None:
    doc = parse_markdown("# T\n\n1. a\n2. b\n\n- x\n\n3. c\n4. d\n7. e\n")
    lists = [b for b in doc.blocks if b.kind.endswith("_list")]
    assert [(b.kind, b.start) for b in lists] == [
        ("ordered_list", 1),
        ("bullet_list", None),
        ("ordered_list", 3),
    ]
    assert [item.number for item in lists[2].children] == [3, 4, 7]
    assert [item.number for item in lists[1].children] == [None]


def test_one_number_on_every_item_counts_up_from_it() -> None:
    (ordered,) = parse_markdown("# T\n\n5. a\n5. b\n5. c\n").blocks[1:]
    assert [item.number for item in ordered.children] == [5, 6, 7]


def test_table_rows_and_cells_are_blocks_and_cells_are_segments() -> None:
    doc = parse_markdown("# T\n\n| A | *B* |\n|:--|--:|\n| 1 \\| 2 | |\n")
    (table,) = doc.blocks[1:]
    assert table.kind == "table"
    rows = [(row.header, [(c.text, c.align) for c in row.children]) for row in table.children]
    assert rows == [
        (True, [("A", "left"), ("*B*", "right")]),
        (False, [("1 | 2", "left"), (None, "right")]),
    ]
    assert _kinds("# T\n\n| A | B |\n|---|---|\n| 1 | |\n") == [
        ("title", "T"),
        ("cell", "A"),
        ("cell", "B"),
        ("cell", "1"),
    ]
    result = align(SegmentMap([]), doc)
    assert [(s.id, s.kind) for s in result.segments] == [
        ("title", "title"),
        ("s1", "cell"),
        ("s2", "cell"),
        ("s3", "cell"),
    ]


def test_an_edited_cell_is_stale_not_a_new_segment() -> None:
    old, _ = _map("# T\n\n| Minister | Prak Sokhonn |\n|---|---|\n")
    result = align(old, parse_markdown("# T\n\n| Minister | H.E. Prak Sokhonn |\n|---|---|\n"))
    assert result.changed == {"s2": "Prak Sokhonn"} and not result.added


def test_empty_items_and_lone_comments_are_not_segments() -> None:
    assert _kinds("# T\n\n- a\n-\n- b\n\n<!-- note to self -->\n\n1.\n") == [
        ("title", "T"),
        ("item", "a"),
        ("item", "b"),
    ]
