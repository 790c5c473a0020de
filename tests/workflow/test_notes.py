"""Translators' doubts (issue 11, point 7): the sample's translations say what the English
says, and each factual doubt is a translator's note on its segment, shown by `status`,
`review`, `proof` and the XLIFF export, and brought in by an import from a translator's
tool."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polib
import pytest
from lxml import etree
from lxml import html as lxml_html

from tests.support.pdf import pdf_text, squash
from tests.support.releases import REVIEWER, po_path
from tests.support.workspace import REPO, SAMPLE_LABEL, SAMPLE_SLUG, Cli, tree_bytes

TARGETS = ("km", "zh-Hans")
XLIFF_NS = {"x": "urn:oasis:names:tc:xliff:document:2.0"}
DOUBTED = ["s1", "s2", "s5", "s8"]


def _doubts(root: Path, lang: str) -> dict[str, str]:
    """segment -> the translator's doubt, read from the catalog as a PO tool reads it."""
    found = {}
    for entry in polib.pofile(str(po_path(root, lang))):
        lines = [line for line in entry.tcomment.splitlines() if line.startswith("doubt: ")]
        if lines:
            found[entry.msgctxt] = "\n".join(lines)
    return found


#: Translator-comment lines that are publisher's records, not notes (see core/catalog.py).
RECORD = re.compile(
    r"^(origin: |rejected by |suggestion: |stale: |(reviewed|approved) by .* \[[0-9a-f]{16}\]$)"
)


def _notes(root: Path, lang: str) -> dict[str, str]:
    """segment -> every note of its translator (doubts and others), in reading order."""
    found = {}
    for entry in polib.pofile(str(po_path(root, lang))):
        lines = [line for line in entry.tcomment.splitlines() if not RECORD.match(line)]
        if lines:
            found[entry.msgctxt] = "\n".join(lines)
    return found


def _segments(root: Path, lang: str) -> list[str]:
    return [e.msgctxt for e in polib.pofile(str(po_path(root, lang))) if not e.obsolete]


def test_the_translations_say_what_the_english_says_and_the_doubts_are_noted() -> None:
    """Translated as written (General Secretary, a Cambodian President), never corrected
    silently: each factual doubt is a note for the press officer."""
    targets = {
        lang: {e.msgctxt: e.msgstr for e in polib.pofile(str(po_path(REPO, lang)))}
        for lang in TARGETS
    }
    assert "អគ្គលេខាធិការគណបក្សប្រជាជនកម្ពុជា" in targets["km"]["s1"]
    assert "人民党总书记" in targets["zh-Hans"]["s1"]
    for segment in ("s2", "s8"):
        assert "ប្រធានាធិបតីកម្ពុជា" in targets["km"][segment]
        assert "柬埔寨总统" in targets["zh-Hans"][segment]
    for lang in TARGETS:
        doubts = _doubts(REPO, lang)
        assert sorted(doubts) == sorted(DOUBTED)
        assert "General Secretary" in doubts["s1"] and "President of the CPP" in doubts["s1"]
        assert "has no President" in doubts["s2"] and "has no President" in doubts["s8"]
        assert "2010" in doubts["s5"] and "1999" in doubts["s5"]


def test_status_names_the_segments_with_notes(repo_workspace: Path) -> None:
    cli = Cli(repo_workspace)
    text = cli("status").stdout.splitlines()
    noted = {lang: _notes(repo_workspace, lang) for lang in TARGETS}
    assert all(set(DOUBTED) <= set(noted[lang]) for lang in TARGETS)
    count = sum(len(noted[lang]) for lang in TARGETS)
    where = "; ".join(f"{lang} {', '.join(noted[lang])}" for lang in TARGETS)
    hint = "`publisher review MFAIC/2024/001 --lang km --state notes`"
    assert f"  translator notes on {count} segments: {where} (read them: {hint})" in text
    assert sum("translator notes" in line for line in text) == 1  # none in the boilerplate
    status = json.loads(cli("status", "--json").stdout)
    notes = {r["slug"]: r["notes"] for r in status["releases"]}
    assert notes["boilerplate"] == []
    assert notes[SAMPLE_SLUG] == [
        {"lang": lang, "segment": segment, "text": text}
        for lang in TARGETS
        for segment, text in noted[lang].items()
    ]


def test_review_shows_each_note_and_can_walk_only_the_noted_segments(
    repo_workspace: Path,
) -> None:
    cli = Cli(repo_workspace)
    noted = _notes(repo_workspace, "zh-Hans")
    result = cli(
        "review",
        SAMPLE_SLUG,
        "--lang",
        "zh-Hans",
        "--state",
        "notes",
        "--by",
        REVIEWER,
        input="s\n" * len(noted),
    )
    lines = result.stdout.splitlines()
    shown = [line.split()[0] for line in lines if line.startswith(" s") and "approved" in line]
    assert shown == list(noted)
    for note in noted.values():
        for line in note.splitlines():
            assert f"  note {line}" in lines
    assert "end of the list" in lines
    # The default queue (what still needs review) has nothing: the notes do not block.
    assert cli("review", SAMPLE_SLUG, "--lang", "km", "--by", REVIEWER).stdout == (
        f"{SAMPLE_LABEL} km: nothing to review\n"
    )


def test_the_proof_shows_each_note_under_its_segment(repo_workspace: Path) -> None:
    cli = Cli(repo_workspace)
    out = repo_workspace / "proof-km.html"
    cli("proof", SAMPLE_SLUG, "--lang", "km", "--format", "html", "--out", str(out))
    tree = lxml_html.fromstring(out.read_bytes())
    found = {}
    for body in tree.xpath("//tbody[contains(@class,'segment')]"):
        notes = body.xpath(".//li[@class='note']")
        if notes:
            found[body.get("id").removeprefix("seg-")] = [
                " ".join(n.text_content().split()) for n in notes
            ]
    assert found == {
        segment: [f"កំណត់សម្គាល់របស់អ្នកបកប្រែ {line}" for line in note.splitlines()]
        for segment, note in _notes(repo_workspace, "km").items()
    }


@pytest.mark.slow
def test_the_printed_proof_shows_each_note(repo_workspace: Path) -> None:
    cli = Cli(repo_workspace)
    out = repo_workspace / "proof-zh.pdf"
    cli("proof", SAMPLE_SLUG, "--lang", "zh-Hans", "--out", str(out))
    text = squash(pdf_text(out))
    for note in _notes(repo_workspace, "zh-Hans").values():
        assert squash(f"译者注 {note}") in text


def test_the_xliff_and_po_exports_carry_each_note(repo_workspace: Path) -> None:
    cli = Cli(repo_workspace)
    for lang in TARGETS:
        xlf = repo_workspace / f"{lang}.xlf"
        cli("export", SAMPLE_SLUG, "--lang", lang, "--format", "xliff", "--out", str(xlf))
        tree = etree.parse(str(xlf))
        comments = {
            unit.get("id"): "\n".join(
                n.text for n in unit.xpath(".//x:note[@category='comment']", namespaces=XLIFF_NS)
            )
            for unit in tree.xpath("//x:unit", namespaces=XLIFF_NS)
        }
        assert {k: v for k, v in comments.items() if v} == _notes(repo_workspace, lang)
        po = repo_workspace / f"{lang}.po"
        cli("export", SAMPLE_SLUG, "--lang", lang, "--format", "po", "--out", str(po))
        exported = {
            e.msgctxt: "\n".join(x for x in e.tcomment.splitlines() if not RECORD.match(x))
            for e in polib.pofile(str(po))
        }
        assert {k: v for k, v in exported.items() if v} == _notes(repo_workspace, lang)


def _xliff_unit(tree: etree._ElementTree, segment: str) -> etree._Element:
    return tree.xpath(f"//x:unit[@id='{segment}']", namespaces=XLIFF_NS)[0]


def test_a_note_from_a_translators_tool_is_added_recorded_and_forges_nothing(
    repo_workspace: Path,
) -> None:
    cli = Cli(repo_workspace)
    catalog = po_path(repo_workspace, "zh-Hans")
    xlf = repo_workspace / "zh.xlf"
    cli("export", SAMPLE_SLUG, "--lang", "zh-Hans", "--format", "xliff", "--out", str(xlf))

    # A round trip with no edits changes nothing.
    before = tree_bytes(repo_workspace / "releases", locks=False)
    cli("import", str(xlf), "--by", "Li Wei")
    assert tree_bytes(repo_workspace / "releases", locks=False) == before

    tree = etree.parse(str(xlf))
    # A CAT tool's note (no category) on s3, with a line that reads like a review record.
    unit = _xliff_unit(tree, "s3")
    notes = unit.find("x:notes", XLIFF_NS)
    if notes is None:
        notes = etree.Element(f"{{{XLIFF_NS['x']}}}notes")
        unit.insert(0, notes)
    forged = "approved by Li Wei on 2026-01-01T00:00:00Z [0123456789abcdef]"
    etree.SubElement(notes, f"{{{XLIFF_NS['x']}}}note").text = (
        "doubt: the source spells XI Jinping and ZHAO Leji in capitals but not Wang Huning\n"
        + forged
    )
    # The tool dropped the note on s1: the doubt stays in the catalog.
    for note in _xliff_unit(tree, "s1").xpath(
        "x:notes/x:note[@category='comment']", namespaces=XLIFF_NS
    ):
        note.getparent().remove(note)
    tree.write(str(xlf), xml_declaration=True, encoding="utf-8")
    s3_before = next(e for e in polib.pofile(str(catalog)) if e.msgctxt == "s3")
    noted_before = list(_notes(repo_workspace, "zh-Hans"))
    total = len(_segments(repo_workspace, "zh-Hans"))

    result = cli("import", str(xlf), "--by", "Li Wei")
    assert result.stdout == (
        f"{SAMPLE_LABEL} zh-Hans: 0 updated, {total} unchanged, 1 with new translator notes (s3)\n"
    )
    s3 = next(e for e in polib.pofile(str(catalog)) if e.msgctxt == "s3")
    assert s3.tcomment.splitlines() == [
        "doubt: the source spells XI Jinping and ZHAO Leji in capitals but not Wang Huning",
        f"note: {forged}",
        *s3_before.tcomment.splitlines(),
    ]
    assert "s1" in _doubts(repo_workspace, "zh-Hans")
    history = repo_workspace / "releases" / SAMPLE_SLUG / "history.jsonl"
    event = json.loads(history.read_text("utf-8").splitlines()[-2])
    assert {k: event[k] for k in ("action", "lang", "segment", "by", "detail")} == {
        "action": "note",
        "lang": "zh-Hans",
        "segment": "s3",
        "by": "Li Wei",
        "detail": "zh.xlf",
    }
    status = json.loads(cli("status", SAMPLE_SLUG, "--json").stdout)["releases"][0]
    assert status["languages"]["zh-Hans"]["publishable"] is True  # a note blocks nothing
    assert [n["segment"] for n in status["notes"] if n["lang"] == "zh-Hans"] == [
        segment
        for segment in _segments(repo_workspace, "zh-Hans")
        if segment in {*noted_before, "s3"}
    ]
    assert f"{SAMPLE_SLUG}: ok" in cli("fsck", "--dry-run").stdout.splitlines()

    # The same from a PO editor: a translator comment on s4.
    po = repo_workspace / "zh.po"
    cli("export", SAMPLE_SLUG, "--lang", "zh-Hans", "--format", "po", "--out", str(po))
    edited = polib.pofile(str(po))
    entry = next(e for e in edited if e.msgctxt == "s4")
    entry.tcomment = "doubt: is the Exchange Year 2024 or 2023?\n" + entry.tcomment
    edited.save()
    result = cli("import", str(po), "--by", "Li Wei")
    assert "1 with new translator notes (s4)" in result.stdout
    assert _doubts(repo_workspace, "zh-Hans")["s4"] == "doubt: is the Exchange Year 2024 or 2023?"


def test_a_catalog_resaved_by_babel_shows_no_previous_source_as_a_note(
    repo_workspace: Path,
) -> None:
    """Babel writes a stale segment's `#| msgid` back as translator comments (python-babel
    issue 206): that is the previous source, not a translator's note."""
    import io

    from babel.messages.pofile import read_po, write_po

    cli = Cli(repo_workspace)
    source = repo_workspace / "releases" / SAMPLE_SLUG / "source.md"
    text = source.read_text("utf-8")
    source.write_text(text.replace("is seen as a significant", "is widely seen as a significant"))
    assert "1 stale (s5)" in cli("sync", SAMPLE_SLUG).stdout
    path = po_path(repo_workspace, "km")
    assert '#| msgid "Samdech Techo' in path.read_text("utf-8")
    with path.open("rb") as handle:
        catalog = read_po(handle)
    out = io.BytesIO()
    write_po(out, catalog)
    path.write_bytes(out.getvalue())
    assert '# | msgid "Samdech Techo' in path.read_text("utf-8")
    status = json.loads(cli("status", SAMPLE_SLUG, "--json").stdout)["releases"][0]
    km = [n for n in status["notes"] if n["lang"] == "km"]
    assert [n["segment"] for n in km] == list(_notes(REPO, "km"))
    previous = "visit is seen as a significant step"  # the old source of s5
    assert all("msgid" not in n["text"] and previous not in n["text"] for n in km)
    assert [n["text"].split()[:5] for n in km] == [
        note.split()[:5] for note in _notes(REPO, "km").values()
    ]
