"""Font selection per language, @font-face CSS, glyph coverage and `doctor` facts."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from publisher.errors import RenderError, UsageError
from publisher.render import fonts, textlayer
from publisher.render.khmer_breaks import ZWSP, insert_break_opportunities

KM = "ព្រះរាជាណាចក្រកម្ពុជា ជាតិ សាសនា ព្រះមហាក្សត្រ សេចក្តីប្រកាសព័ត៌មាន ថ្ងៃទី២ ខែធ្នូ ឆ្នាំ២០២៤ ៕"
ZH = "柬埔寨王国 民族 宗教 国王 新闻公报 2024年12月2日至4日，洪森亲王对中华人民共和国进行正式访问。"
EN = "Press Release — “Phnom Penh”, 30 November 2024: Samdech Techo Hun Sen’s visit…"


def system_family(family: str) -> bool:
    return fonts.find_system_face(family) is not None


needs_khmer_os = pytest.mark.skipif(
    not system_family("Khmer OS Siemreap"), reason="Debian fonts-khmeros not installed"
)
needs_noto_cjk = pytest.mark.skipif(
    not system_family("Noto Serif CJK SC"), reason="Debian fonts-noto-cjk not installed"
)


# ------------------------------------------------------------------------- selection


@needs_khmer_os
def test_khmer_prefers_khmer_os_fonts() -> None:
    km = fonts.fontset("km")
    assert km.body.family == "Khmer OS Siemreap"
    assert km.heading.family == km.motto.family == "Khmer OS Muol Light"
    assert km.body.path.is_file() and km.heading.path.is_file()
    # Khmer OS has no bold: the bold face is a real bold, scaled to match Siemreap.
    assert km.bold.weight == 700 and km.bold.path != km.body.path
    assert 1.1 < km.bold.scale < 1.4
    assert "font-size: 1.25em" in km.declarations("bold")


@needs_noto_cjk
def test_chinese_uses_the_simplified_chinese_face_of_the_collection() -> None:
    """`.ttc` face 0 is Japanese: the SC face must be chosen, and by family name."""
    from fontTools.ttLib import TTFont

    zh = fonts.fontset("zh-CN")  # an alias
    assert zh.language == "zh-Hans"
    for role, expected in (("body", 400), ("bold", 700), ("heading", 700)):
        face = getattr(zh, role)
        assert face.weight == expected and not face.variable
        with TTFont(face.path, fontNumber=face.index, lazy=True) as font:
            assert font["name"].getDebugName(1).endswith("SC"), role
    assert zh.body.family == "Noto Serif CJK SC" and zh.heading.family == "Noto Sans CJK SC"
    css = fonts.font_face_css(zh)
    assert ".ttc" not in css and "@font-face" not in css
    assert zh.css_family("body") == '"Noto Serif CJK SC"'


def test_english_has_bold_and_italic_when_the_system_has_them() -> None:
    en = fonts.fontset("en")
    if en.body.origin != "fontconfig":
        pytest.skip("no Latin serif font installed")
    assert en.bold.weight == 700
    assert en.italic is not None and en.italic.style == "italic"
    css = fonts.font_face_css(en)
    assert css.count("@font-face") == 4  # heading and motto reuse the bold text face
    assert en.declarations("heading").startswith(
        'font-family: "publisher-en-text"; font-weight: 700'
    )


def test_pypi_fallback_renders_every_language_without_system_fonts() -> None:
    sets = fonts.fontsets(system=False)
    assert sets["km"].body.origin == "fontpkg-noto-sans-khmer" and sets["km"].body.variable
    assert sets["zh-Hans"].body.origin == "pylopdf-fonts-zh-cn"
    assert sets["zh-Hans"].notes  # says that Chinese bold is drawn regular
    for code, text in (("km", KM), ("zh-Hans", ZH), ("en", EN)):
        fontset = sets[code]
        for face in fontset.faces().values():
            assert face.path.is_file() and not face.in_collection
        assert fonts.missing_glyphs(text, list(fontset.faces().values())) == [], code


def test_font_face_css_points_at_existing_files() -> None:
    for fontset in fonts.fontsets().values():
        css = fonts.font_face_css(fontset)
        for url in re.findall(r'url\("([^"]+)"\)', css):
            assert url.startswith("file:///")
            from urllib.parse import unquote, urlparse

            path = Path(unquote(urlparse(url).path))
            assert path.is_file(), url
            assert path in fontset.paths()
        assert css.count("{") == css.count("}")


def test_no_variable_cjk_font_is_ever_chosen() -> None:
    for system in (True, False):
        for face in fonts.fontset("zh-Hans", system=system).faces().values():
            assert not face.variable


def test_find_system_face_does_not_substitute() -> None:
    assert fonts.find_system_face("No Such Family 12345") is None
    body = fonts.find_system_face("Khmer OS Siemreap")
    if body is not None:
        assert fonts.find_system_face("Khmer OS Siemreap", weight=700) is None  # no bold face


def test_unknown_language_is_a_usage_error() -> None:

    with pytest.raises(UsageError):
        fonts.fontset("xx")


# ------------------------------------------------------------------------- glyphs


def test_missing_glyphs_names_characters_no_font_has() -> None:
    km = fonts.fontset("km")
    faces = list(km.faces().values())
    text = insert_break_opportunities(KM) + "\u200c\u200d\n\t\u00a0" + ZWSP
    assert fonts.missing_glyphs(text, faces) == []
    missing = fonts.missing_glyphs(KM + "中国中" + "\U0001f600", faces)
    assert missing == ["中", "国", "\U0001f600"]


def test_missing_glyphs_accepts_paths_and_whole_collections() -> None:
    zh = fonts.fontset("zh-Hans")
    assert fonts.missing_glyphs(ZH, zh.paths()) == []
    assert fonts.missing_glyphs(ZH + "ក", zh.paths()) == ["ក"]


def test_check_glyphs_raises_a_one_line_render_error() -> None:
    fonts.check_glyphs(KM, fonts.fontset("km"))
    with pytest.raises(RenderError) as error:
        fonts.check_glyphs(KM + "\U0001f600", fonts.fontset("km"), where="km segment 3")
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith("km segment 3: no glyph for")
    assert "U+1F600" in message


# ------------------------------------------------------------------------- doctor


def test_describe_reports_versions_fonts_and_subsetting() -> None:
    lines = dict(fonts.describe())
    import weasyprint

    assert lines["WeasyPrint"] == weasyprint.__version__
    assert re.match(r"\d+\.\d+", lines["Pango"])
    assert "fonts km body" in lines and "fonts zh-Hans heading" in lines
    assert lines["HarfBuzz subsetting"].startswith("yes"), (
        "libharfbuzz-subset0 missing: PDFs render 20-40x slower"
    )


def test_importing_the_render_helpers_is_cheap() -> None:
    """No WeasyPrint, fontTools or ICU at import time: `publisher --help` stays fast."""
    code = (
        "import sys; import publisher.render.fonts, publisher.render.textlayer, "
        "publisher.render.khmer_breaks; "
        "heavy = [m for m in ('weasyprint', 'fontTools', 'icu4py.breakers') if m in sys.modules]; "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ------------------------------------------------------------------------- rendering

needs_poppler = pytest.mark.skipif(
    shutil.which("pdffonts") is None, reason="poppler-utils (pdffonts) not installed"
)


def trilingual_html(system: bool = True) -> str:
    """About two A4 pages: motto, title, body with bold, for each language."""
    sets = fonts.fontsets(system=system)
    km, zh, en = sets["km"], sets["zh-Hans"], sets["en"]
    css = "".join(fonts.font_face_css(fontset) for fontset in sets.values())
    css += f"""
        @page {{ size: A4; margin: 18mm }}
        body {{ {en.declarations("body")}; font-size: 11pt; line-height: 1.5 }}
        :lang(km) {{ {km.declarations("body")}; line-height: 1.9 }}
        :lang(zh-Hans) {{ {zh.declarations("body")} }}
        .motto {{ text-align: right }}
        .motto:lang(km) {{ {km.declarations("motto")} }}
        .motto:lang(zh-Hans) {{ {zh.declarations("motto")} }}
        h1:lang(km) {{ {km.declarations("heading")}; font-size: 14pt }}
        h1:lang(zh-Hans) {{ {zh.declarations("heading")} }}
        h1:lang(en) {{ {en.declarations("heading")} }}
        b:lang(km) {{ {km.declarations("bold")} }}
    """
    km_body = insert_break_opportunities(KM * 3)
    zh_body = ZH * 3
    body = (
        f'<section lang="km"><p class="motto">{insert_break_opportunities(KM[:21])}</p>'
        f"<h1>{insert_break_opportunities('សេចក្តីប្រកាសព័ត៌មាន')}</h1>"
        + f"<p>{km_body}</p><p><b>{km_body}</b></p>" * 4
        + '</section><section lang="zh-Hans"><p class="motto">柬埔寨王国</p><h1>新闻公报</h1>'
        + f"<p>{zh_body}</p><p><b>{zh_body}</b></p>" * 3
        + '</section><section lang="en"><h1>Press Release</h1>'
        + f"<p>{EN * 4}</p><p><b>{EN}</b> <i>{EN}</i></p>" * 3
        + "</section>"
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<style>{css}</style></head><body>{body}</body></html>"
    )


def pdffonts(path: Path) -> list[list[str]]:
    output = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return [line.split() for line in output.splitlines()[2:] if line.strip()]


@pytest.mark.slow
@needs_poppler
@pytest.mark.parametrize("system", [True, False], ids=["debian-fonts", "pypi-fonts"])
def test_trilingual_pdf_embeds_subsets_of_the_chosen_fonts(tmp_path: Path, system: bool) -> None:
    import weasyprint

    html = trilingual_html(system)
    pdf = tmp_path / "trilingual.pdf"
    with textlayer.actual_text_layer():
        weasyprint.HTML(string=html).write_pdf(pdf)  # warm-up: fontconfig, font files
        start = time.perf_counter()
        document = weasyprint.HTML(string=html).render()
        document.write_pdf(pdf)
        seconds = time.perf_counter() - start
    assert len(document.pages) >= 2
    rows = pdffonts(pdf)
    assert rows
    for row in rows:
        name, emb, sub, uni = row[0], row[-5], row[-4], row[-3]
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row
        assert "JP" not in name, f"Japanese CJK face embedded: {name}"
    names = " ".join(row[0] for row in rows)
    if system:
        # Expected ~0.35 s with HarfBuzz subsetting; 9-17 s means libharfbuzz-subset0 is missing.
        assert seconds < 4, f"{seconds:.1f} s for a 2-page PDF: is libharfbuzz-subset0 installed?"
        if system_family("Khmer OS Siemreap"):
            assert "publisher-km-heading" in names and "publisher-km-text" in names
        if system_family("Noto Serif CJK SC"):
            assert "Noto-Serif-CJK-SC" in names and "Noto-Sans-CJK-SC-Bold" in names
    else:
        # Every glyph came from our own files: no system fallback font crept in.
        assert all(row[0].split("+", 1)[-1].startswith("publisher-") for row in rows), names
