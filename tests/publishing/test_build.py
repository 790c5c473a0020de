"""Publishing the sample as PDF and HTML in three languages."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from lxml import html as lxml_html
from pypdf import PdfReader

from publisher.core.dates import khmer_digits
from publisher.core.document import plain_text
from tests.support.pdf import pdf_pages, pdf_text, squash
from tests.support.workspace import SAMPLE_SLUG, Cli

pytestmark = pytest.mark.slow
LANGS = ("en", "km", "zh-Hans")
# The A4 page less its running header and footer (points), so that a paragraph broken
# across pages reads as one in the extracted text.
BODY_AREA = ("-x", "0", "-y", "58", "-W", "595", "-H", "718")


def segment_texts(root: Path, lang: str) -> dict[str, str]:

    release = root / "releases" / SAMPLE_SLUG
    if lang == "en":
        data = json.loads((release / "segments.json").read_text())
        return {s["id"]: plain_text(s["source"]) for s in data["segments"]}
    catalog = polib.pofile(str(release / "translations" / f"{lang}.po"))
    return {e.msgctxt: plain_text(e.msgstr) for e in catalog if not e.obsolete}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The shipped sample built once for the module: (workspace, dist/<slug>)."""
    from tests.support.workspace import copy_repo_workspace

    root = copy_repo_workspace(tmp_path_factory.mktemp("built") / "ws")
    Cli(root)("build", "--out", str(root / "dist"))
    return root, root / "dist" / SAMPLE_SLUG


def test_build_writes_every_language(built: tuple[Path, Path]) -> None:
    _, out = built
    for lang in LANGS:
        assert (out / f"{lang}.pdf").stat().st_size > 10_000
        assert (out / f"{lang}.html").stat().st_size > 2_000
    index = (out / "index.html").read_text()
    for lang in LANGS:
        assert f'href="{lang}.pdf"' in index and f'href="{lang}.html"' in index


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_text_layer_contains_every_segment(built: tuple[Path, Path], lang: str) -> None:
    root, out = built
    text = squash(pdf_text(out / f"{lang}.pdf", None, *BODY_AREA), hyphens=False)
    for seg, expected in segment_texts(root, lang).items():
        assert squash(expected, hyphens=False) in text, f"{lang} {seg} not found in the PDF text"


def test_khmer_text_layer_equals_source(built: tuple[Path, Path]) -> None:
    """Copy/paste and search: the Khmer PDF's text is the catalog's text, in order."""
    root, out = built
    text = squash(pdf_text(out / "km.pdf", None, *BODY_AREA), hyphens=False)
    position = 0
    for seg, expected in segment_texts(root, "km").items():
        found = text.find(squash(expected, hyphens=False), position)
        assert found >= position, f"km {seg} missing or out of order in the PDF text"
        position = found + len(squash(expected, hyphens=False))


def test_official_labels_dates_and_page_numbers(built: tuple[Path, Path]) -> None:
    _, out = built
    pages = {lang: len(PdfReader(out / f"{lang}.pdf").pages) for lang in LANGS}
    km = pdf_text(out / "km.pdf")
    for expected in (
        "ព្រះរាជាណាចក្រកម្ពុជា",
        "ជាតិ សាសនា ព្រះមហាក្សត្រ",
        "សេចក្តីប្រកាសព័ត៌មាន",
        "ថ្ងៃទី៣០ ខែវិច្ឆិកា ឆ្នាំ២០២៤",
        f"ទំព័រ ១ នៃ {khmer_digits(str(pages['km']))}",
        "ក្រសួងការបរទេស",
    ):
        assert squash(expected, hyphens=False) in squash(km, hyphens=False), expected
    zh = pdf_text(out / "zh-Hans.pdf")
    for expected in (
        "柬埔寨王国",
        "新闻公报",
        "2024年11月30日于金边",
        f"第1页，共{pages['zh-Hans']}页",
    ):
        assert squash(expected, hyphens=False) in squash(zh, hyphens=False), expected
    en = pdf_text(out / "en.pdf")
    for expected in (
        "Kingdom of Cambodia",
        "PRESS RELEASE",
        "Phnom Penh, 30 November 2024",
        f"Page 1 of {pages['en']}",
    ):
        assert squash(expected, hyphens=False) in squash(en, hyphens=False), expected


@pytest.mark.parametrize("lang", LANGS)
def test_fonts_embedded_and_text_inside_pages(built: tuple[Path, Path], lang: str) -> None:
    _, out = built
    pdf = out / f"{lang}.pdf"
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts
    for row in fonts:
        emb, sub = row.split()[-5:-3]
        assert (emb, sub) == ("yes", "yes"), row
    if lang == "km":
        assert any("km-text" in row or "Khmer" in row for row in fonts)
    bbox = pdf_text(pdf, None, "-bbox")
    page = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', bbox)
    assert page
    width, height = float(page.group(1)), float(page.group(2))
    for x_max, y_max in re.findall(r'xMax="([\d.]+)" yMax="([\d.]+)"', bbox):
        assert float(x_max) <= width - 30 and float(y_max) <= height - 20


def test_pdf_metadata_tagged_and_titled(built: tuple[Path, Path]) -> None:
    _, out = built
    info = subprocess.run(
        ["pdfinfo", str(out / "km.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "Tagged:          yes" in info
    assert "សម្តេចតេជោ ហ៊ុន សែន" in info  # Title
    assert "ក្រសួងការបរទេស" in info  # Author = organisation
    assert SAMPLE_SLUG in info  # Keywords = release id
    from pypdf import PdfReader
    from pypdf.generic import Destination

    reader = PdfReader(out / "km.pdf")
    assert str(reader.root_object["/Lang"]) == "km"
    assert "/StructTreeRoot" in reader.root_object
    title, children = reader.outline
    assert isinstance(title, Destination) and isinstance(children, list)
    assert (title.title or "").startswith("សម្តេចតេជោ ហ៊ុន សែន")
    first = children[0]
    assert isinstance(first, Destination)
    assert first.title == "សេចក្តីសន្និដ្ឋាន"  # no U+200B in bookmarks


def test_html_pages(built: tuple[Path, Path]) -> None:
    root, out = built
    for lang in LANGS:
        page = (out / f"{lang}.html").read_text()
        assert "\u200b" not in page
        tree = lxml_html.fromstring(page.encode())
        assert tree.get("lang") == lang
        alternates = {
            link.get("hreflang"): link.get("href")
            for link in tree.xpath("//link[@rel='alternate']")
        }
        assert alternates == {
            "en": "en.html",
            "km": "km.html",
            "zh-Hans": "zh-Hans.html",
            "x-default": "index.html",
        }
        switcher = tree.xpath("//nav[contains(@class,'languages')]//a/@href")
        assert sorted(switcher) == sorted(f"{x}.html" for x in LANGS if x != lang)
        assert tree.xpath("//meta[@name='viewport']")
        body = squash(tree.text_content(), hyphens=False)
        for seg, text in segment_texts(root, lang).items():
            assert squash(text, hyphens=False) in body, f"{lang} {seg}"
        assert "DRAFT" not in page
    # Khmer words are kept whole in browsers: one unbreakable span per ICU word, and a
    # short run between spaces (the title and name "សម្តេចតេជោ") one span, never cut.
    km = lxml_html.fromstring((out / "km.html").read_bytes())
    words = [w.text_content() for w in km.xpath("//p[@id='s2']//span[@class='w']")]
    assert "សម្តេចតេជោ" in words and "ប្រកាស" in words
    assert "សម្តេច" not in words
    assert "".join(km.xpath("//p[@id='s2']")[0].itertext()) == segment_texts(root, "km")["s2"]


def test_build_is_reproducible(built: tuple[Path, Path], tmp_path: Path) -> None:
    root, out = built
    Cli(root)("build", "--out", str(tmp_path / "again"))
    for name in [f"{x}.{ext}" for x in LANGS for ext in ("pdf", "html")] + ["index.html"]:
        first = hashlib.sha256((out / name).read_bytes()).hexdigest()
        second = hashlib.sha256((tmp_path / "again" / SAMPLE_SLUG / name).read_bytes()).hexdigest()
        assert first == second, name


def test_unapproved_segment_refused_then_published_as_draft(repo_workspace: Path) -> None:
    cli = Cli(repo_workspace)
    po_path = repo_workspace / "releases" / SAMPLE_SLUG / "translations" / "zh-Hans.po"
    catalog = polib.pofile(str(po_path))
    entry = next(e for e in catalog if e.msgctxt == "s4")
    entry.msgstr = entry.msgstr.replace("。", "！", 1)  # a hand edit: approval gone
    catalog.save()
    out = repo_workspace / "dist"
    result = cli("build", "--out", str(out), ok=False)
    assert result.exit_code == 1
    assert "zh-Hans not published" in result.stderr and "s4" in result.stderr
    assert not (out / SAMPLE_SLUG / "zh-Hans.pdf").exists()
    assert (out / SAMPLE_SLUG / "km.pdf").exists()  # the publishable languages are written

    cli("build", "--draft", "--lang", "zh-Hans", "--out", str(out))
    pdf = out / SAMPLE_SLUG / "zh-Hans.pdf"
    for number in range(1, pdf_pages(pdf) + 1):
        assert "DRAFT" in pdf_text(pdf, number)
    assert "DRAFT" in (out / SAMPLE_SLUG / "zh-Hans.html").read_text()


def test_draft_shows_untranslated_segments_as_such(cli: Cli, workspace: Path, sample: str) -> None:
    out = workspace / "dist"
    result = cli("build", "--lang", "km", "--out", str(out), ok=False)
    assert result.exit_code == 1 and "12 segments not approved" in result.stderr
    cli("build", "--draft", "--lang", "km", "--format", "html", "--out", str(out))
    tree = lxml_html.fromstring((out / sample / "km.html").read_bytes())
    marked = tree.xpath("//*[contains(concat(' ', @class, ' '), ' untranslated ')]")
    assert len(marked) == 12  # every segment, the title included, marked as untranslated
    assert all(m.get("lang") == "en" for m in marked)
    assert "DRAFT" in tree.xpath("//p[@class='draft-banner']")[0].text_content()


def test_missing_glyph_fails_naming_character_and_segment(
    cli: Cli, workspace: Path, tmp_path: Path
) -> None:
    src = tmp_path / "r.txt"
    src.write_text("Glyph Test\n\nAncient sign \U00010000 here.\n", encoding="utf-8")
    cli("new", str(src), "--slug", "glyphs", "--date", "2025-01-01", "--lang", "km")
    result = cli(
        "build", "glyphs", "--lang", "en", "--format", "pdf", "--out", str(tmp_path / "d"), ok=False
    )
    assert result.exit_code != 0
    assert "U+10000" in result.stderr and "s1" in result.stderr
    assert not (tmp_path / "d" / "glyphs" / "en.pdf").exists()


def test_qa_error_blocks_an_approved_language(repo_workspace: Path) -> None:
    """A wrong year slipped past the reviewer: approved, but `check` finds it; not published."""
    cli = Cli(repo_workspace)
    po_path = repo_workspace / "releases" / SAMPLE_SLUG / "translations" / "zh-Hans.po"
    catalog = polib.pofile(str(po_path))
    entry = next(e for e in catalog if e.msgctxt == "s5")
    entry.msgstr = entry.msgstr.replace("2016年", "2017年")
    catalog.save()
    cli("approve", SAMPLE_SLUG, "--lang", "zh-Hans", "--segment", "s5", "--by", "Reviewer")
    out = repo_workspace / "dist"
    result = cli("build", "--lang", "zh-Hans", "--format", "html", "--out", str(out), ok=False)
    assert result.exit_code == 1
    assert "zh-Hans not published" in result.stderr and "s5 number-missing" in result.stderr
    assert not (out / SAMPLE_SLUG / "zh-Hans.html").exists()
    cli("build", "--lang", "zh-Hans", "--format", "html", "--draft", "--out", str(out))
    assert "DRAFT" in (out / SAMPLE_SLUG / "zh-Hans.html").read_text()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_build_leaves_no_font_folders_behind(
    repo_workspace: Path, tmp_path: Path, jobs: str
) -> None:
    """WeasyPrint copies the fonts a PDF declares (2.2 MB for the sample's) into a folder
    of the system's temporary directory, deleted only when its font configuration is
    freed: a build whose processes exit first (forked workers end without collecting)
    left three behind each time."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    command = [sys.executable, "-m", "publisher", "--workspace", str(repo_workspace), "build"]
    done = subprocess.run(
        [*command, "--jobs", jobs, "--format", "pdf", "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env={**os.environ, "TMPDIR": str(scratch)},
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "out" / SAMPLE_SLUG).glob("*.pdf"))) == 3
    assert not list(scratch.glob("weasyprint-*"))


def test_a_print_html_override_with_its_own_style_element_keeps_the_fonts(
    repo_workspace: Path,
) -> None:
    """An override of print.html written before print.html gave its stylesheets beside
    the page: a <style> of its own that includes print.css, which now names the fonts as
    variables (`var(--font-body)`). The build still gives it the language's fonts."""
    (repo_workspace / "templates" / "print.html").write_text(
        '<!DOCTYPE html>\n<html lang="{{ pub.lang }}"><head><meta charset="utf-8">'
        "<title>{{ pub.title_text }}</title>\n"
        '<style>\n{{ font_faces }}\n{% include "print.css" %}\n</style></head>\n'
        '<body><h1 class="title">{{ pub.title_text }}</h1><p>{{ pub.summary }}</p></body>'
        "</html>\n",
        encoding="utf-8",
    )
    out = repo_workspace / "dist"
    Cli(repo_workspace)("build", "--lang", "km", "--out", str(out))
    fonts = subprocess.run(
        ["pdffonts", str(out / SAMPLE_SLUG / "km.pdf")], capture_output=True, text=True, check=True
    ).stdout
    # the body's and the title's faces of the Khmer PDF (print.css: the title in the motto's)
    assert "publisher-km-text" in fonts and "publisher-km-heading" in fonts, fonts
