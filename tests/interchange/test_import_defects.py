"""Imports as an attacker and a careless tool meet them (issue 20, items 3, 6 and 11).

Every test drives the CLI on a fresh workspace holding the sample release (12 segments,
untranslated): a file far larger than the release is refused before it is parsed, a
claimed approval is named as dropped whatever the format, and a byte-order mark inside
a translation never reaches the catalog.
"""

from __future__ import annotations

from pathlib import Path

import polib
from lxml import etree

from publisher.core.catalog import approval_hash
from tests.support.releases import catalog
from tests.support.workspace import SAMPLE_SHORT_TITLE, SAMPLE_SLUG, Cli, tree_bytes

NS = "urn:oasis:names:tc:xliff:document:2.0"
MDA = "urn:oasis:names:tc:xliff:metadata:2.0"
X = {"x": NS, "mda": MDA}


def _targets_and_states(ws: Path, lang: str) -> dict[str, tuple[str, str]]:
    return {e.id: (e.target, e.state.value) for e in catalog(ws, lang)}


def _translate_three(cli: Cli, tmp: Path) -> None:
    """title, s1 and s2 translated in km through a PO round trip, as a translator does."""
    path = tmp / "km.po"
    cli("export", SAMPLE_SLUG, "--lang", "km", "--format", "po", "--out", str(path))
    po = polib.pofile(str(path), wrapwidth=0)
    for entry in po:
        if entry.msgctxt in ("title", "s1", "s2"):
            entry.msgstr = f"ការបកប្រែ {entry.msgctxt}"
    po.save()
    cli("import", str(path))


def _big_po(cli: Cli, tmp: Path, entries: int) -> Path:
    """The release's own PO header followed by `entries` entries of made-up segments."""
    exported = tmp / "exported.po"
    cli("export", SAMPLE_SLUG, "--lang", "km", "--format", "po", "--out", str(exported))
    header = exported.read_text(encoding="utf-8").split("\n\n")[0]
    body = "\n\n".join(
        f'msgctxt "x{i}"\nmsgid "Source sentence {i}."\nmsgstr "ប្រយោគ {i}"' for i in range(entries)
    )
    path = tmp / "huge.po"
    path.write_text(f"{header}\n\n{body}\n", encoding="utf-8")
    return path


# ------------------------------------------------------------- item 3: a file far too big


def test_a_po_file_far_larger_than_the_release_is_refused_before_it_is_parsed(
    cli: Cli, sample: str, workspace: Path, tmp_path: Path
) -> None:
    path = _big_po(cli, tmp_path, 5_000)
    before = tree_bytes(workspace, locks=False)
    result = cli("import", str(path), ok=False)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.stderr == (
        f"error: {path}: the file has 5,000 entries but {SAMPLE_SLUG} has 12 segments in km; "
        "was it exported from another release?\n"
    )
    assert tree_bytes(workspace, locks=False) == before


def test_an_xliff_file_far_larger_than_the_release_is_refused_before_it_is_parsed(
    cli: Cli, sample: str, workspace: Path, tmp_path: Path
) -> None:
    path = tmp_path / "km.xlf"
    cli("export", SAMPLE_SLUG, "--lang", "km", "--out", str(path))
    text = path.read_text(encoding="utf-8")
    units = "".join(
        f'<unit id="x{i}"><segment><source>S {i}</source><target>T {i}</target></segment></unit>'
        for i in range(5_000)
    )
    path.write_text(text.replace("</file>", units + "</file>"), encoding="utf-8")
    result = cli("import", str(path), ok=False)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {path}: the file has 5,012 units but {SAMPLE_SLUG} has 12 segments in km; "
        "was it exported from another release?\n"
    )


def test_a_duplicate_segment_id_is_named_with_both_lines(
    cli: Cli, sample: str, tmp_path: Path
) -> None:
    path = tmp_path / "km.po"
    cli("export", SAMPLE_SLUG, "--lang", "km", "--format", "po", "--out", str(path))
    text = path.read_text(encoding="utf-8")
    first = text.splitlines().index('msgctxt "s1"')  # the entry starts at its "#." line
    path.write_text(text + '\nmsgctxt "s1"\nmsgid "Other text"\nmsgstr "x"\n', encoding="utf-8")
    last = len(path.read_text(encoding="utf-8").splitlines()) - 2
    result = cli("import", str(path), ok=False)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {path}:{last}: invalid PO file: segment 's1' already exists "
        f"(first on line {first})\n"
    )


# ------------------------------------------------------------- item 6: claims in XLIFF


def test_an_xliff_import_names_the_approval_claims_it_drops(
    cli: Cli, sample: str, workspace: Path, tmp_path: Path
) -> None:
    _translate_three(cli, tmp_path)
    path = tmp_path / "km.xlf"
    cli("export", SAMPLE_SLUG, "--lang", "km", "--out", str(path))
    root = etree.parse(str(path)).getroot()
    for unit in root.iterfind(".//x:unit", X):
        if unit.get("id") not in ("title", "s1", "s2"):
            continue
        segment = unit.find("x:segment", X)
        segment.set("state", "final")
        segment.set("subState", "publisher:approved")
        source = segment.findtext("x:source", None, X)
        target = segment.findtext("x:target", None, X)
        group = unit.find("mda:metadata/mda:metaGroup", X)
        # the metadata too says "approved at export": a forger writes whatever helps
        next(m for m in group if m.get("type") == "state").text = "approved"
        for key, value in (
            ("review-level", "approved"),
            ("review-by", "Anyone"),
            ("review-at", "2026-12-01T09:00:00Z"),
            ("review-hash", approval_hash(unit.get("id"), source, target)),
        ):
            etree.SubElement(group, f"{{{MDA}}}meta", type=key).text = value
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    result = cli("import", str(path))
    assert result.stdout == (
        f"{SAMPLE_SHORT_TITLE} km: 0 updated, 12 unchanged, 3 approval claims dropped "
        "(a file cannot "
        "approve: use publisher approve, review or the web review) (title, s1, s2)\n"
    )
    assert {_targets_and_states(workspace, "km")[s][1] for s in ("title", "s1", "s2")} == {
        "translated"
    }


def test_po_and_xliff_name_a_dropped_claim_the_same_way(
    cli: Cli, sample: str, tmp_path: Path
) -> None:
    _translate_three(cli, tmp_path)
    po_path = tmp_path / "claim.po"
    cli("export", SAMPLE_SLUG, "--lang", "km", "--format", "po", "--out", str(po_path))
    po = polib.pofile(str(po_path), wrapwidth=0)
    s1 = next(e for e in po if e.msgctxt == "s1")
    seal = approval_hash("s1", s1.msgid, s1.msgstr)
    s1.tcomment = f"approved by Anyone on 2026-12-01T09:00:00Z [{seal}]"
    po.save()
    xlf_path = tmp_path / "claim.xlf"
    cli("export", SAMPLE_SLUG, "--lang", "km", "--out", str(xlf_path))
    root = etree.parse(str(xlf_path)).getroot()
    unit = next(u for u in root.iterfind(".//x:unit", X) if u.get("id") == "s1")
    unit.find("x:segment", X).set("state", "final")
    unit.find("x:segment", X).set("subState", "publisher:approved")
    next(m for m in unit.iterfind(".//mda:meta", X) if m.get("type") == "state").text = "approved"
    xlf_path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    said = {cli("import", str(p)).stdout for p in (po_path, xlf_path)}
    assert said == {
        f"{SAMPLE_SHORT_TITLE} km: 0 updated, 12 unchanged, 1 approval claim dropped "
        "(a file cannot "
        "approve: use publisher approve, review or the web review) (s1)\n"
    }


# ------------------------------------------------------------- item 11: U+FEFF


def test_a_byte_order_mark_inside_a_po_translation_is_removed(
    cli: Cli, sample: str, workspace: Path, tmp_path: Path
) -> None:
    path = tmp_path / "km.po"
    cli("export", SAMPLE_SLUG, "--lang", "km", "--format", "po", "--out", str(path))
    po = polib.pofile(str(path), wrapwidth=0)
    next(e for e in po if e.msgctxt == "s1").msgstr = "កម្ពុជា\ufeffនិង\u200bចិន\u200c\u200d"
    po.save()
    assert "1 updated" in cli("import", str(path)).stdout
    assert _targets_and_states(workspace, "km")["s1"][0] == "កម្ពុជានិង\u200bចិន\u200c\u200d"
    assert "1 updated" not in cli("import", str(path)).stdout  # the same file again: no change


def test_a_byte_order_mark_inside_an_xliff_translation_is_removed(
    cli: Cli, sample: str, workspace: Path, tmp_path: Path
) -> None:
    path = tmp_path / "zh.xlf"
    cli("export", SAMPLE_SLUG, "--lang", "zh-Hans", "--out", str(path))
    root = etree.parse(str(path)).getroot()
    unit = next(u for u in root.iterfind(".//x:unit", X) if u.get("id") == "title")
    segment = unit.find("x:segment", X)
    segment.set("state", "translated")
    del segment.attrib["subState"]
    etree.SubElement(segment, f"{{{NS}}}target").text = "洪森\ufeff访华"
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    cli("import", str(path))
    assert _targets_and_states(workspace, "zh-Hans")["title"] == ("洪森访华", "translated")
