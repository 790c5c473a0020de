"""`publisher proof`, the bilingual proof reviewers read on paper or in a meeting.

The PDF is read back with poppler as a reviewer's eyes would: both texts of
every segment in their own column, each segment's two texts starting on the
same line, DRAFT on every page. The HTML proof is checked to be the same
content in one self-contained file.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest
from lxml import html as lxml_html

from publisher.cli.app import app
from publisher.render.templating import PACKAGE_LOCALES, translations_for
from tests.support.pdf import pdf_pages, pdf_text, squash
from tests.support.releases import po_entries
from tests.support.workspace import REPO, SAMPLE_SLUG, Cli, copy_repo_workspace

REPO_PO = REPO / "releases" / SAMPLE_SLUG / "translations"


# ---------------------------------------------------------------- HTML (fast)


def test_html_proof_shows_every_segment_state_and_finding(
    cli: Cli, workspace: Path, sample: str
) -> None:
    shipped = {e.msgctxt: e.msgstr for e in polib.pofile(str(REPO_PO / "km.po"))}
    po_path = workspace / "releases" / sample / "translations" / "km.po"
    po = polib.pofile(str(po_path))
    for entry in po:
        if entry.msgctxt == "title":
            entry.msgstr = shipped["title"]
        elif entry.msgctxt == "s1":
            entry.msgstr = "គណៈប្រតិភូនឹងធ្វើដំណើរទៅប្រទេសចិន។"  # the visit's dates left out
    po.save()
    cli("approve", sample, "--lang", "km", "--segment", "title")

    result = cli("proof", sample, "--lang", "km", "--format", "html")
    path = workspace / "dist" / sample / "proof-km.html"
    assert path.is_file() and str(path) in result.stdout
    assert "12 segments, " in result.stdout
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"<(link|script|img)\b|src=|url\(|file:", text)  # one file, mailable
    assert "\u200b" not in text  # Khmer break opportunities are for the PDF only
    doc = lxml_html.fromstring(text)
    assert doc.get("lang") == "km"
    assert "DRAFT" in doc.xpath("string(//div[@class='draft-watermark'])")
    rows = doc.xpath("//tbody[contains(@class, 'segment')]")
    entries = po_entries(workspace, "km")
    assert [r.get("id") for r in rows] == [f"seg-{sid}" for sid in entries]
    by_id = {r.get("id")[4:]: r for r in rows}
    title = by_id["title"]
    assert title.xpath("string(.//td[contains(@class,'src')])") == entries["title"].msgid
    assert title.xpath("string(.//td[contains(@class,'tgt')])") == shipped["title"]
    assert title.xpath("string(.//span[contains(@class,'state')])") == "បានអនុម័ត"  # in km
    assert "state-approved" in title.xpath("string(.//span[contains(@class,'state')]/@class)")
    s1 = by_id["s1"]
    assert "state-translated" in s1.xpath("string(.//span[contains(@class,'state')]/@class)")
    assert "date-missing" in s1.xpath("string(.//li[contains(@class,'finding error')])")
    s2 = by_id["s2"]
    # Labels speak the reviewer's (target) language: km for "Not yet translated".
    assert s2.xpath("string(.//td[contains(@class,'missing')])") == "មិនទាន់បានបកប្រែនៅឡើយ"
    assert "untranslated" in s2.xpath("string(.//li[contains(@class,'error')])")
    for label in ("Reviewer", "Date", "Signature"):
        assert _label(label, "km") in doc.xpath("string(//section[@class='signoff'])")


def test_proof_options(cli: Cli, workspace: Path, sample: str, tmp_path: Path) -> None:
    out = tmp_path / "elsewhere" / "zh.html"
    cli("proof", sample, "--lang", "zh", "--format", "html", "--out", str(out))
    assert 'lang="zh-Hans"' in out.read_text(encoding="utf-8")
    bad = cli("proof", sample, "--lang", "km", "--format", "docx", ok=False)
    assert bad.exit_code == 2 and "--format must be pdf or html" in bad.stderr
    bad = cli("proof", sample, "--lang", "fr", ok=False)
    assert bad.exit_code == 2 and bad.stderr.startswith("error: ")


def _label(msgid: str, lang: str) -> str:
    """A proof label as the reviewer reads it (the proof speaks the target language)."""

    return translations_for(lang, [PACKAGE_LOCALES]).gettext(msgid)


# ---------------------------------------------------------------- PDF (slow)


@dataclass
class Block:
    page: int
    x: float
    y: float
    text: str


def blocks(pdf: Path) -> list[Block]:
    """Text blocks as poppler finds them, with the page and top-left corner of each."""
    xml = pdf_text(pdf, None, "-bbox-layout")
    found: list[Block] = []
    for number, page in enumerate(re.findall(r"<page .*?</page>", xml, re.S), start=1):
        for x, y, body in re.findall(
            r'<block xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>(.*?)</block>', page, re.S
        ):
            words = re.findall(r"<word [^>]*>([^<]*)</word>", body)
            found.append(Block(number, float(x), float(y), " ".join(words)))
    return found


def column(found: list[Block], x: float) -> list[Block]:
    """The blocks of one table column, in reading order (the watermark's letters excluded)."""
    return sorted((b for b in found if abs(b.x - x) < 3), key=lambda b: (b.page, b.y))


@pytest.fixture(scope="module")
def proofs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    from typer.testing import CliRunner

    root = copy_repo_workspace(tmp_path_factory.mktemp("proof") / "ws")
    made: dict[str, Path] = {}
    for lang in ("km", "zh-Hans"):
        result = CliRunner().invoke(
            app,
            ["--workspace", str(root), "proof", SAMPLE_SLUG, "--lang", lang],
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.output
        made[lang] = root / "dist" / SAMPLE_SLUG / f"proof-{lang}.pdf"
    return root, made


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["km", "zh-Hans"])
def test_pdf_proof_shows_ids_and_both_texts(
    proofs: tuple[Path, dict[str, Path]], lang: str
) -> None:
    root, made = proofs
    pdf = made[lang]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info)
    assert size, info
    width, height = map(float, size.groups())
    assert (round(width), round(height)) == (842, 595)  # A4 landscape
    pages = pdf_pages(pdf)
    layout = pdf_text(pdf, None, "-layout")
    entries = po_entries(root, lang)
    for sid in entries:
        assert re.search(rf"^\s*{sid}\b", layout, re.M), sid
    # The running head on every page (the rotated watermark extracts as scattered letters).
    heads = [page for page in layout.split("\f")[:pages] if "DRAFT · " in page]
    assert len(heads) == pages > 1
    assert _label("Signature", lang) in layout and _label("Reviewer", lang) in layout

    found = blocks(pdf)
    header = next(b for b in found if b.text.endswith("(en)"))
    target_header = next(b for b in found if b.text.endswith(f"({lang})"))
    source_text = squash("".join(b.text for b in column(found, header.x)), hyphens=False)
    target_text = squash("".join(b.text for b in column(found, target_header.x)), hyphens=False)
    for sid, entry in entries.items():
        assert squash(entry.msgid, hyphens=False) in source_text, sid
        assert squash(entry.msgstr, hyphens=False) in target_text, (
            sid
        )  # Khmer too: the text layer is exact


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["km", "zh-Hans"])
def test_pdf_proof_rows_align_source_and_translation(
    proofs: tuple[Path, dict[str, Path]], lang: str
) -> None:
    root, made = proofs
    found = blocks(made[lang])
    header = next(b for b in found if b.text.endswith("(en)"))
    target_header = next(b for b in found if b.text.endswith(f"({lang})"))
    assert target_header.x - header.x > 250  # two columns side by side, not one under another
    source_col, target_col = column(found, header.x), column(found, target_header.x)
    ids = [b for b in found if b.page == 1 and re.fullmatch(r"title|s\d+", b.text)]
    checked = 0
    for sid, entry in list(po_entries(root, lang).items())[:4]:
        start, translated = (
            squash(entry.msgid, hyphens=False)[:12],
            squash(entry.msgstr, hyphens=False)[:6],
        )
        src = next(b for b in source_col if squash(b.text, hyphens=False).startswith(start))
        tgt = next(b for b in target_col if squash(b.text, hyphens=False).startswith(translated))
        assert src.page == tgt.page, sid
        assert abs(src.y - tgt.y) <= 2, (sid, src.y, tgt.y)
        row = next((b for b in ids if b.text == sid), None)
        if row is not None and src.page == 1:
            assert abs(row.y - src.y) <= 4, (sid, row.y, src.y)  # the id on the same line
        checked += 1
    assert checked == 4
