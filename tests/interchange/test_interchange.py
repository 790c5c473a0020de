"""Export/import of PO and XLIFF 2.1, checked against the tools translators use.

Every test drives the real CLI. Interop is proven with the tools themselves:
GNU gettext (`msgfmt --check`, `msgcat`), Babel's PO writer and
translate-toolkit's XLIFF 2 reader. translate-toolkit 3.20 reads XLIFF 2 with
`translate.storage.xliff2.Xliff2File`; its `factory` still routes every .xlf
to the XLIFF 1.2 class, which refuses version 2 files, so the tests use the
XLIFF 2 class directly.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from publisher.core.catalog import Catalog
from tests.support.releases import history, po_path, states, status_languages
from tests.support.workspace import SAMPLE_LABEL, SAMPLE_SLUG, Cli, tree_bytes

NS = "urn:oasis:names:tc:xliff:document:2.0"
MDA = "urn:oasis:names:tc:xliff:metadata:2.0"
X = {"x": NS, "mda": MDA}
SLUG = SAMPLE_SLUG
XLIFF_STATES = {"initial", "translated", "reviewed", "final"}


# ---------------------------------------------------------------- helpers


def export(cli: Cli, tmp: Path, lang: str = "km", fmt: str = "xliff") -> Path:
    out = tmp / f"{lang}.{'xlf' if fmt == 'xliff' else 'po'}"
    cli("export", SLUG, "--lang", lang, "--format", fmt, "--out", str(out))
    return out


def units(path: Path) -> dict[str, etree._Element]:
    root = etree.parse(str(path)).getroot()
    return {u.get("id"): u for u in root.iterfind(".//x:unit", X)}


def msgfmt_check(path: Path) -> None:
    result = subprocess.run(
        ["msgfmt", "--check", "-o", os.devnull, str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def assert_refused(cli: Cli, ws: Path, path: Path, *phrases: str) -> str:
    """The import fails with one line naming the file, and nothing in the workspace changed."""
    before = tree_bytes(ws, locks=False)
    result = cli("import", str(path), ok=False)
    assert result.exit_code == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}"), result.stderr
    for phrase in phrases:
        assert phrase in lines[0], lines[0]
    assert "Traceback" not in result.stderr
    assert tree_bytes(ws, locks=False) == before
    return lines[0]


@pytest.fixture
def ws(repo_workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PUBLISHER_REVIEWER", "Test Translator")
    monkeypatch.setenv("PUBLISHER_NOW", "2026-12-01T10:00:00Z")
    return repo_workspace


@pytest.fixture
def cli(ws: Path) -> Cli:
    return Cli(ws)


@pytest.fixture
def mixed(cli: Cli, ws: Path) -> Path:
    """The sample with every state present in km: approved, reviewed, translated, draft,
    stale, untranslated (zh-Hans: approved, stale, untranslated)."""
    km = po_path(ws, "km")
    text = km.read_text(encoding="utf-8")
    km.write_text(text.replace("ប្រតិភូជាន់ខ្ពស់", "ប្រតិភូកម្រិតខ្ពស់", 1), encoding="utf-8")
    source = ws / "releases" / SLUG / "source.md"
    source.write_text(
        source.read_text(encoding="utf-8").replace(
            "visit is seen as a significant step", "visit is widely seen as a significant step"
        )
        + "\nThe Ministry will publish the joint statement after the visit.\n",
        encoding="utf-8",
    )
    cli("sync", SLUG)
    cli("reject", SLUG, "--lang", "km", "--segment", "s3", "--comment", "name the leaders")
    cli("approve", SLUG, "--lang", "km", "--segment", "s6", "--level", "reviewed")
    assert states(ws, "km") == {
        "title": "approved",
        "s1": "approved",
        "s2": "translated",
        "s3": "draft",
        "s4": "approved",
        "s5": "stale",
        "s6": "reviewed",
        "s7": "approved",
        "s8": "approved",
        "s9": "approved",
        "s10": "approved",
        "s11": "approved",
        "s12": "approved",  # the photo's caption
        "s13": "untranslated",
    }
    return ws


# ---------------------------------------------------------------- XLIFF export


def test_xliff_export_is_standard_xliff_2_1(cli: Cli, mixed: Path, tmp_path: Path) -> None:
    path = export(cli, tmp_path)
    root = etree.parse(str(path)).getroot()
    assert root.tag == f"{{{NS}}}xliff"
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == ("2.1", "en", "km")
    files = root.findall("x:file", X)
    assert [f.get("id") for f in files] == [SLUG]
    _structural_check(root)
    got = {
        uid: (seg.get("state"), seg.get("subState"), seg.findtext("x:target", None, X))
        for uid, u in units(path).items()
        for seg in u.findall("x:segment", X)
    }
    assert got["s1"][:2] == ("final", "publisher:approved")
    assert got["s6"][:2] == ("reviewed", "publisher:reviewed")
    assert got["s2"][:2] == ("translated", "publisher:translated")
    assert got["s3"][:2] == ("initial", "publisher:draft")
    assert got["s5"][:2] == ("initial", "publisher:stale")
    assert got["s13"] == ("initial", "publisher:untranslated", None)
    catalog = Catalog.load(po_path(mixed, "km"))
    for entry in catalog:
        unit = units(path)[entry.id]
        assert unit.findtext("x:segment/x:source", None, X) == entry.source
        assert (unit.findtext("x:segment/x:target", None, X) or "") == entry.target
    s1 = units(path)["s1"]
    meta = {m.get("type"): m.text for m in s1.iterfind(".//mda:meta", X)}
    assert meta["review-level"] == "approved" and meta["review-by"] == "Press Secretary"
    assert set(meta) >= {"source-hash", "target-hash", "state", "review-hash"}
    notes = {n.get("category"): n.text for n in units(path)["s5"].iterfind(".//x:note", X)}
    assert "is seen as a significant step" in notes["previous-source"]
    notes = {n.get("category"): n.text for n in units(path)["s3"].iterfind(".//x:note", X)}
    assert "name the leaders" in notes["rejection"]


def _structural_check(root: etree._Element) -> None:
    """The XLIFF 2 core schema's rules for what we write (no XSD is available offline)."""
    allowed_root_attrs = {"version", "srcLang", "trgLang"}
    assert set(root.attrib) <= allowed_root_attrs | {f"{{{NS}}}space"}
    for file in root:
        assert file.tag == f"{{{NS}}}file" and file.get("id")
        ids = []
        for unit in file:
            if unit.tag == f"{{{MDA}}}metadata":
                continue
            assert unit.tag == f"{{{NS}}}unit"
            ids.append(unit.get("id"))
            # module elements first, then notes?, then segment+ (core schema order)
            order = [etree.QName(c).localname for c in unit]
            assert order[-1] == "segment" and order.count("segment") == 1, order
            assert order.index("segment") > (order.index("notes") if "notes" in order else -1)
            if "metadata" in order:
                assert order.index("metadata") == 0
                for group in unit.find("mda:metadata", X):
                    assert group.tag == f"{{{MDA}}}metaGroup"
                    assert all(m.tag == f"{{{MDA}}}meta" and m.get("type") for m in group)
            for note in unit.iterfind("x:notes/x:note", X):
                assert len(note) == 0 and note.text
            segment = unit.find("x:segment", X)
            assert segment.get("state") in XLIFF_STATES
            assert re.fullmatch(r"[^\s:]+:[^\s:]+", segment.get("subState", "a:b"))
            assert [etree.QName(c).localname for c in segment] in (["source"], ["source", "target"])
            if segment.get("state") != "initial":
                assert segment.find("x:target", X) is not None
        assert len(ids) == len(set(ids))


def test_translate_toolkit_reads_sources_targets_and_states(
    cli: Cli, mixed: Path, tmp_path: Path
) -> None:
    from translate.storage import xliff2

    store = xliff2.Xliff2File.parsestring(export(cli, tmp_path).read_bytes())
    assert (store.getsourcelanguage(), store.gettargetlanguage()) == ("en", "km")
    by_id = {u.getid(): u for u in store.units}
    catalog = Catalog.load(po_path(mixed, "km"))
    assert list(by_id) == [e.id for e in catalog]
    for entry in catalog:
        unit = by_id[entry.id]
        assert unit.source == entry.source
        assert (unit.target or "") == entry.target
    assert by_id["s1"].isapproved() and by_id["s6"].isapproved()
    assert by_id["s2"].istranslated() and not by_id["s2"].isapproved()
    assert by_id["s3"].isfuzzy() and by_id["s5"].isfuzzy()
    assert not by_id["s13"].istranslated()


# ---------------------------------------------------------------- XLIFF import


def test_xliff_round_trip_changes_nothing(cli: Cli, mixed: Path, tmp_path: Path) -> None:
    path = export(cli, tmp_path)
    before = tree_bytes(mixed, locks=False)
    result = cli("import", str(path))
    assert result.stdout.strip() == f"{SAMPLE_LABEL} km: 0 updated, 14 unchanged"
    assert tree_bytes(mixed, locks=False) == before


def test_round_trip_through_translate_toolkit_changes_nothing(
    cli: Cli, mixed: Path, tmp_path: Path
) -> None:
    from translate.storage import xliff2

    path = export(cli, tmp_path, "zh-Hans")
    store = xliff2.Xliff2File.parsestring(path.read_bytes())
    resaved = tmp_path / "zh-resaved.xlf"
    resaved.write_bytes(bytes(store))
    before = tree_bytes(mixed, locks=False)
    assert "0 updated" in cli("import", str(resaved)).stdout
    assert tree_bytes(mixed, locks=False) == before


def test_edits_made_in_translate_toolkit_are_imported(
    cli: Cli, mixed: Path, tmp_path: Path
) -> None:
    from translate.storage import xliff2

    store = xliff2.Xliff2File.parsestring(export(cli, tmp_path).read_bytes())
    by_id = {u.getid(): u for u in store.units}
    by_id["s13"].target = "ក្រសួងនឹងផ្សព្វផ្សាយសេចក្តីថ្លែងការណ៍រួម បន្ទាប់ពីទស្សនកិច្ច។"
    by_id["s13"].marktranslated()
    by_id["s3"].marktranslated()  # the translator accepts their draft as done
    by_id["s1"].target = by_id["s1"].target.replace("ក្នុងជំហានមួយ", "ក្នុងជំហានថ្មីមួយ")
    edited = tmp_path / "km-edited.xlf"
    edited.write_bytes(bytes(store))
    history_before = len(history(mixed))

    result = cli("import", str(edited), "--by", "Sokha")
    assert result.stdout.strip() == (
        f"{SAMPLE_LABEL} km: 3 updated, 11 unchanged, 1 approval dropped (s1)"
    )
    after = states(mixed, "km")
    assert after["s13"] == after["s3"] == "translated"
    assert after["s1"] == "translated"  # edited approved text loses its approval
    catalog = Catalog.load(po_path(mixed, "km"))
    assert catalog.get("s1").target.startswith("ក្នុងជំហានថ្មីមួយ")
    assert catalog.get("s1").origin == "human (imported from km-edited.xlf)"
    events = history(mixed)[history_before:]
    assert {(e["segment"], e["before"], e["after"]) for e in events if "segment" in e} == {
        ("s13", "untranslated", "translated"),
        ("s3", "draft", "translated"),
        ("s1", "approved", "translated"),
    }
    assert all(e["action"] == "import" and e["detail"] == "km-edited.xlf" for e in events)
    assert all(e["by"] == "Sokha" for e in events)
    msgfmt_check(po_path(mixed, "km"))
    # importing the same file again finds nothing to do
    assert "0 updated, 14 unchanged" in cli("import", str(edited)).stdout


def _edit_xliff(path: Path, edit: Callable[[etree._Element], None]) -> Path:
    tree = etree.parse(str(path))
    edit(tree.getroot())
    out = path.with_name("edited-" + path.name)
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    return out


OLD_S9 = "High-level discussions are expected"
NEW_S9 = "High-level talks are expected"


def test_source_changed_since_export_makes_the_import_stale(
    cli: Cli, ws: Path, tmp_path: Path
) -> None:
    path = export(cli, tmp_path, "zh-Hans")
    source = ws / "releases" / SLUG / "source.md"
    source.write_text(source.read_text(encoding="utf-8").replace(OLD_S9, NEW_S9), encoding="utf-8")
    cli("sync", SLUG)  # s9 is now stale in the catalog: old translation, new source
    assert states(ws, "zh-Hans")["s9"] == "stale"

    def retranslate(root: etree._Element) -> None:
        root.find(
            ".//x:unit[@id='s9']/x:segment/x:target", X
        ).text = "预计高级别讨论将密切柬中关系。"

    result = cli("import", str(_edit_xliff(path, retranslate)))
    assert (
        result.stdout.strip()
        == f"{SAMPLE_LABEL} zh-Hans: 0 updated, 12 unchanged, 1 became stale (s9)"
    )
    entry = Catalog.load(po_path(ws, "zh-Hans")).get("s9")
    assert entry.previous_source is not None
    assert entry.source.startswith(NEW_S9) and entry.previous_source.startswith(OLD_S9)
    assert (entry.target, entry.state.value) == ("预计高级别讨论将密切柬中关系。", "stale")
    assert cli("check", SLUG, "--json", ok=False).exit_code == 1  # stale blocks publishing


def test_import_never_grants_an_approval_it_cannot_prove(
    cli: Cli, mixed: Path, tmp_path: Path
) -> None:
    path = export(cli, tmp_path)

    def forge(root: etree._Element) -> None:
        s2 = root.find(".//x:unit[@id='s2']", X)
        segment = s2.find("x:segment", X)
        segment.set("state", "final")
        segment.set("subState", "publisher:approved")
        # the approval record of another segment, copied in: it is bound to s1's texts
        group = s2.find("mda:metadata/mda:metaGroup", X)
        for meta in root.iterfind(".//x:unit[@id='s1']//mda:meta", X):
            if meta.get("type").startswith("review-"):
                group.append(etree.fromstring(etree.tostring(meta)))

    result = cli("import", str(_edit_xliff(path, forge)))
    assert "1 approval claim dropped (a file cannot approve" in result.stdout
    assert "(s2)" in result.stdout
    assert states(mixed, "km")["s2"] == "translated"


def test_a_later_catalog_edit_is_never_overwritten(cli: Cli, ws: Path, tmp_path: Path) -> None:
    path = export(cli, tmp_path, "zh-Hans")
    po = po_path(ws, "zh-Hans")
    po.write_text(po.read_text(encoding="utf-8").replace('"结语"', '"总结"'), encoding="utf-8")

    def edit(root: etree._Element) -> None:
        root.find(".//x:unit[@id='s10']/x:segment/x:target", X).text = "结束语"

    unedited = cli("import", str(path))  # the old file does not undo the newer catalog edit
    assert "0 updated" in unedited.stdout
    result = cli("import", str(_edit_xliff(path, edit)))
    assert "1 conflict (s10)" in result.stdout and "(s10)" in result.stdout
    entry = Catalog.load(po).get("s10")
    assert entry.target == "总结" and entry.suggestions == ["结束语"]
    assert "结束语" in po.read_text(encoding="utf-8")  # kept for the reviewer, not lost


# ---------------------------------------------------------------- refusals


XXE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE xliff [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1" srcLang="en" trgLang="km">
  <file id="{slug}"><unit id="s1"><segment state="translated">
    <source>x</source><target>&secret;</target></segment></unit></file>
</xliff>
"""

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE xliff [
 <!ENTITY a "lollollollollollollollollollol">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1" srcLang="en" trgLang="km">
  <file id="{slug}"><unit id="s1"><segment state="translated">
    <source>x</source><target>&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;</target></segment></unit></file>
</xliff>
"""


@pytest.mark.parametrize("payload", [XXE, LAUGHS], ids=["external-entity", "billion-laughs"])
def test_entity_declarations_are_refused(cli: Cli, ws: Path, tmp_path: Path, payload: str) -> None:
    bad = tmp_path / "evil.xlf"
    bad.write_text(payload.format(slug=SLUG), encoding="utf-8")
    line = assert_refused(cli, ws, bad, "DOCTYPE")
    assert f"{bad}:2:" in line  # the DOCTYPE's line


def test_doctype_hidden_behind_a_comment_is_still_refused(
    cli: Cli, ws: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "evil.xlf"
    bad.write_text("<!-- <a> -->\n" + XXE.split("\n", 1)[1].format(slug=SLUG), encoding="utf-8")
    assert_refused(cli, ws, bad, "DOCTYPE")


def _sample_xliff(cli: Cli, tmp_path: Path) -> str:
    return export(cli, tmp_path).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "phrases"),
    [
        (NS, "urn:oasis:names:tc:xliff:document:1.2", ("not an XLIFF 2 document", ":2:")),
        ('version="2.1"', 'version="1.2"', ("version '1.2' is not supported", ":2:")),
        ('trgLang="km"', 'trgLang="en"', ("target language en is not one of",)),
        ('trgLang="km"', 'trgLang="xx"', ("unknown language 'xx'",)),
        (f'<file id="{SLUG}">', '<file id="no-such-release">', ("no release named",)),
        ('<unit id="s4">', '<unit id="s99">', ("unknown segment ids", "s99")),
        ("</target>", "</targ>", ("not well-formed XML",)),
    ],
    ids=["namespace", "version", "language", "bad-language", "release", "segment", "syntax"],
)
def test_malformed_or_foreign_files_are_refused(
    cli: Cli, ws: Path, tmp_path: Path, old: str, new: str, phrases: tuple[str, ...]
) -> None:
    text = _sample_xliff(cli, tmp_path)
    assert old in text
    bad = tmp_path / "bad.xlf"
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert_refused(cli, ws, bad, *phrases)


def test_unknown_segment_error_names_its_line(cli: Cli, ws: Path, tmp_path: Path) -> None:
    text = _sample_xliff(cli, tmp_path).replace('<unit id="s4">', '<unit id="s99">')
    bad = tmp_path / "bad.xlf"
    bad.write_text(text, encoding="utf-8")
    line = assert_refused(cli, ws, bad)
    located = re.match(rf"error: {re.escape(str(bad))}:(\d+):", line)
    assert located, line
    number = int(located.group(1))
    assert 'subState="publisher:approved"' in text.splitlines()[number - 1]
    assert '<unit id="s99">' in "\n".join(text.splitlines()[number - 20 : number])


def test_a_failure_late_in_the_file_writes_nothing(cli: Cli, ws: Path, tmp_path: Path) -> None:
    text = _sample_xliff(cli, tmp_path)
    text = text.replace("ក្នុងជំហានមួយ", "ក្នុងជំហានថ្មីមួយ", 1)  # a real edit in s1 ...
    text = text.replace('<unit id="s11">', '<unit id="s99">')  # ... then a bad unit
    bad = tmp_path / "bad.xlf"
    bad.write_text(text, encoding="utf-8")
    assert_refused(cli, ws, bad, "s99")


# ---------------------------------------------------------------- PO


def test_po_export_is_the_catalog_and_passes_msgfmt(cli: Cli, mixed: Path, tmp_path: Path) -> None:
    for lang in ("km", "zh-Hans"):
        path = export(cli, tmp_path, lang, "po")
        assert path.read_bytes() == po_path(mixed, lang).read_bytes()
        msgfmt_check(path)
    stdout = cli("export", SLUG, "--lang", "km", "--format", "po").stdout
    assert stdout == po_path(mixed, "km").read_text(encoding="utf-8")


def test_po_round_trip_changes_nothing(cli: Cli, mixed: Path, tmp_path: Path) -> None:
    path = export(cli, tmp_path, "km", "po")
    before = tree_bytes(mixed, locks=False)
    assert "0 updated, 14 unchanged" in cli("import", str(path)).stdout
    assert tree_bytes(mixed, locks=False) == before


def test_po_edited_in_a_po_editor_is_imported(cli: Cli, mixed: Path, tmp_path: Path) -> None:
    import polib

    path = export(cli, tmp_path, "km", "po")
    po = polib.pofile(str(path))
    entries = {e.msgctxt: e for e in po}
    entries["s13"].msgstr = "ក្រសួងនឹងផ្សព្វផ្សាយសេចក្តីថ្លែងការណ៍រួម។"
    entries["s4"].flags.append("fuzzy")  # the translator wants another look
    po.save()
    result = cli("import", str(path))
    assert (
        result.stdout.strip()
        == f"{SAMPLE_LABEL} km: 2 updated, 12 unchanged, 1 approval dropped (s4)"
    )
    after = states(mixed, "km")
    assert (after["s13"], after["s4"]) == ("translated", "draft")
    msgfmt_check(po_path(mixed, "km"))


def _resave_babel(path: Path) -> None:
    from babel.messages.pofile import read_po, write_po

    with path.open("rb") as handle:
        catalog = read_po(handle)
    out = io.BytesIO()
    write_po(out, catalog)
    path.write_bytes(out.getvalue())


def _resave_msgcat(path: Path) -> None:
    subprocess.run(["msgcat", "-o", str(path), str(path)], check=True)


@pytest.mark.parametrize("resave", [_resave_babel, _resave_msgcat], ids=["babel", "msgcat"])
def test_po_resaved_by_other_tools_keeps_our_states(
    cli: Cli, mixed: Path, resave: Callable[[Path], None]
) -> None:
    before_status = status_languages(cli)
    before = {lang: states(mixed, lang) for lang in ("km", "zh-Hans")}
    for lang in ("km", "zh-Hans"):
        resave(po_path(mixed, lang))
        msgfmt_check(po_path(mixed, lang))
    after = {lang: states(mixed, lang) for lang in ("km", "zh-Hans")}
    assert after == before  # stale stays stale although Babel drops `#| msgid`
    assert status_languages(cli) == before_status


@pytest.mark.parametrize("resave", [_resave_babel, _resave_msgcat], ids=["babel", "msgcat"])
def test_po_resaved_by_other_tools_imports_as_no_change(
    cli: Cli, mixed: Path, tmp_path: Path, resave: Callable[[Path], None]
) -> None:
    path = export(cli, tmp_path, "km", "po")
    resave(path)
    before = tree_bytes(mixed, locks=False)
    assert "0 updated, 14 unchanged" in cli("import", str(path)).stdout
    assert tree_bytes(mixed, locks=False) == before


def test_po_for_an_unknown_release_is_refused(cli: Cli, ws: Path, tmp_path: Path) -> None:
    path = export(cli, tmp_path, "km", "po")
    path.write_text(path.read_text(encoding="utf-8").replace(SLUG, "no-such-release"))
    assert_refused(cli, ws, path, "no release named 'no-such-release'")


def test_export_refuses_a_source_edited_since_the_last_sync(
    cli: Cli, ws: Path, tmp_path: Path
) -> None:
    source = ws / "releases" / SLUG / "source.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nOne more paragraph.\n")
    result = cli("export", SLUG, "--lang", "km", "--out", str(tmp_path / "km.xlf"), ok=False)
    assert result.exit_code == 2 and f"publisher sync {SLUG}" in result.stderr
    assert not (tmp_path / "km.xlf").exists()
