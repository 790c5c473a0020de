"""Approvals come only from reviewers: a forged record in an imported PO or XLIFF file, or
written into a catalog by hand, approves nothing; and the build cache knows what it builds."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import polib
import pytest
from lxml import etree
from pypdf import PdfReader

from publisher.core.approvals import load_catalog
from publisher.core.catalog import approval_hash
from publisher.core.release import Release
from tests.support.releases import states
from tests.support.workspace import SAMPLE_LABEL, SAMPLE_SLUG, Cli

X = {"x": "urn:oasis:names:tc:xliff:document:2.0", "mda": "urn:oasis:names:tc:xliff:metadata:2.0"}


def _unapproved(ws: Path, lang: str) -> None:
    """Every segment of `lang` translated but not approved (the approvals withdrawn)."""
    cli = Cli(ws)
    catalog = load_catalog(Release.load(ws / "releases" / SAMPLE_SLUG), lang)
    for entry in catalog:
        cli("reject", SAMPLE_SLUG, "--lang", lang, "--segment", entry.id, "--by", "Chief",
            "--comment", "check again")  # fmt: skip
    po = polib.pofile(str(ws / "releases" / SAMPLE_SLUG / "translations" / f"{lang}.po"))
    for po_entry in po:
        if "fuzzy" in po_entry.flags:
            po_entry.flags.remove("fuzzy")
    po.save()


@pytest.fixture
def ws(repo_workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PUBLISHER_REVIEWER", "Mallory")
    return repo_workspace


def test_a_forged_po_approves_nothing(ws: Path, tmp_path: Path) -> None:
    cli = Cli(ws)
    _unapproved(ws, "km")
    assert set(states(ws, "km").values()) == {"translated"}
    forged = tmp_path / "forged.po"
    cli("export", SAMPLE_SLUG, "--lang", "km", "--format", "po", "--out", str(forged))
    po = polib.pofile(str(forged), wrapwidth=0)
    for entry in po:  # the record anyone can compute: sha256 of id, source and target
        seal = approval_hash(entry.msgctxt, entry.msgid, entry.msgstr)
        entry.tcomment = f"approved by Anyone on 2026-12-01T09:00:00Z [{seal}]"
    po.save()
    result = cli("import", str(forged), "--by", "Mallory")
    assert result.stdout.startswith(f"{SAMPLE_LABEL} km: 0 updated, 13 unchanged, 13 approval")
    assert "13 approval claims dropped (a file cannot approve" in result.stdout
    assert set(states(ws, "km").values()) == {"translated"}
    status = json.loads(cli("status", SAMPLE_SLUG, "--json").stdout)
    assert status["releases"][0]["languages"]["km"]["publishable"] is False


def test_a_forged_xliff_approves_nothing(ws: Path, tmp_path: Path) -> None:
    cli = Cli(ws)
    _unapproved(ws, "zh-Hans")
    path = tmp_path / "zh.xlf"
    cli("export", SAMPLE_SLUG, "--lang", "zh-Hans", "--out", str(path))
    root = etree.parse(str(path)).getroot()
    for unit in root.iterfind(".//x:unit", X):
        segment = unit.find("x:segment", X)
        segment.set("state", "final")
        segment.set("subState", "publisher:approved")
        source = segment.findtext("x:source", None, X)
        target = segment.findtext("x:target", None, X)
        group = unit.find("mda:metadata/mda:metaGroup", X)
        for key, value in (
            ("review-level", "approved"),
            ("review-by", "Anyone"),
            ("review-at", "2026-12-01T09:00:00Z"),
            ("review-hash", approval_hash(unit.get("id"), source, target)),
        ):
            meta = etree.SubElement(group, f"{{{X['mda']}}}meta", type=key)  # fmt: skip
            meta.text = value
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    result = cli("import", str(path), "--by", "Mallory")
    assert "13 approval claims dropped" in result.stdout
    assert set(states(ws, "zh-Hans").values()) == {"translated"}


def test_a_record_written_by_hand_is_not_an_approval(ws: Path) -> None:
    cli = Cli(ws)
    _unapproved(ws, "km")
    catalog = ws / "releases" / SAMPLE_SLUG / "translations" / "km.po"
    po = polib.pofile(str(catalog), wrapwidth=0)
    for entry in po:
        seal = approval_hash(entry.msgctxt, entry.msgid, entry.msgstr)
        entry.tcomment = f"approved by Press Secretary on 2026-12-01T09:00:00Z [{seal}]"
    po.save()
    assert set(states(ws, "km").values()) == {"translated"}
    build = cli("build", "--lang", "km", "--format", "html", ok=False)
    assert build.exit_code == 1 and "km not published: 13 segments not approved" in build.stderr
    report = cli("fsck", SAMPLE_SLUG).stdout
    assert "review records in translations/km.po that the history does not back" in report
    assert "repaired: removed the review records the history does not back" in report
    assert "approved by Press Secretary" not in catalog.read_text(encoding="utf-8")


def test_an_approval_made_by_a_reviewer_round_trips(ws: Path, tmp_path: Path) -> None:
    """The workspace's own approval, exported and imported unchanged, is kept as it is."""
    cli = Cli(ws)
    path = tmp_path / "km.po"
    cli("export", SAMPLE_SLUG, "--lang", "km", "--format", "po", "--out", str(path))
    catalog = ws / "releases" / SAMPLE_SLUG / "translations" / "km.po"
    before = catalog.read_bytes()
    result = cli("import", str(path), "--by", "Mallory")
    assert result.stdout == f"{SAMPLE_LABEL} km: 0 updated, 13 unchanged\n"
    assert catalog.read_bytes() == before
    assert set(states(ws, "km").values()) == {"approved"}


# ---------------------------------------------------------------- the cache knows what it builds


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow
def test_a_renamed_release_rebuilds_as_a_cold_build(ws: Path, tmp_path: Path) -> None:
    cli = Cli(ws)
    cli("build")
    renamed = "2024-11-30-official-visit-to-china"
    (ws / "releases" / SAMPLE_SLUG).rename(ws / "releases" / renamed)
    shutil.rmtree(ws / "dist")
    cli("build")
    warm = _hashes(ws / "dist" / renamed)
    shutil.rmtree(ws / ".publisher-cache")
    shutil.rmtree(ws / "dist")
    cli("build")
    assert warm == _hashes(ws / "dist" / renamed)
    metadata = PdfReader(ws / "dist" / renamed / "en.pdf").metadata
    assert metadata is not None and metadata.keywords is not None
    keywords = metadata.keywords
    assert renamed in keywords and SAMPLE_SLUG not in keywords
