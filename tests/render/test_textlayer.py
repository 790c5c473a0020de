"""The PDF text layer: Khmer extracted from our PDFs must equal the source text.

The render tests need WeasyPrint's system libraries, pdftotext/pdfinfo
(poppler-utils) and the Debian fonts (fonts-khmeros, fonts-noto-cjk); the
fonts come through `publisher.render.fonts`, which falls back to the PyPI
fonts when the Debian ones are missing.
"""

from __future__ import annotations

import difflib
import inspect
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
from pypdf.generic import ContentStream, DictionaryObject

from publisher.errors import RenderError
from publisher.render import fonts, textlayer
from publisher.render.khmer_breaks import ZWSP, insert_break_opportunities

KM_MOTTO = "ព្រះរាជាណាចក្រកម្ពុជា"
KM_TITLE = "សេចក្តីប្រកាសព័ត៌មាន"
KM_PARAGRAPHS = [
    "សម្តេចប្រធានព្រឹទ្ធសភា នឹងដឹកនាំគណៈប្រតិភូជាន់ខ្ពស់ អញ្ជើញបំពេញទស្សនកិច្ចផ្លូវការនៅ"
    "សាធារណរដ្ឋប្រជាមានិតចិន ចាប់ពីថ្ងៃទី២ ដល់ថ្ងៃទី៤ ខែធ្នូ ឆ្នាំ២០២៤ តាមការអញ្ជើញរបស់"
    "ប្រធានគណៈកម្មាធិការអចិន្ត្រៃយ៍នៃសភាប្រជាជនជាតិចិន។",
    "ក្នុងដំណើរទស្សនកិច្ចនេះ សម្តេចនឹងចូលជួបសម្តែងការគួរសម និងពិភាក្សាការងារជាមួយថ្នាក់ដឹកនាំ"
    "កំពូលរបស់ចិន ដើម្បីពង្រឹងទំនាក់ទំនងមិត្តភាព និងកិច្ចសហប្រតិបត្តិការគ្រប់ជ្រុងជ្រោយរវាង"
    "ប្រទេសទាំងពីរ។",
    "ទស្សនកិច្ចនេះ នឹងរួមចំណែកលើកកម្ពស់សហគមន៍វាសនារួមកម្ពុជា-ចិន ក្នុងយុគសម័យថ្មី "
    "ព្រមទាំងជំរុញកិច្ចសហប្រតិបត្តិការលើវិស័យពាណិជ្ជកម្ម វិនិយោគ ទេសចរណ៍ កសិកម្ម "
    "និងការផ្លាស់ប្តូររវាងប្រជាជននិងប្រជាជន។",
]
ZH_PARAGRAPH = (
    "柬埔寨王国参议院主席洪森亲王将于2024年12月2日至4日率团对中华人民共和国进行正式友好访问。"
)
EN_PARAGRAPH = (
    "Samdech Techo Hun Sen will lead a high-level delegation on his official and goodwill "
    "visit to China from December 2-4, 2024."
)
SOURCE = KM_MOTTO + KM_TITLE + "".join(KM_PARAGRAPHS) + ZH_PARAGRAPH + EN_PARAGRAPH

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None,
    reason="poppler-utils (pdftotext, pdfinfo) not installed",
)


def sample_html() -> str:
    """Khmer (ZWSP inserted, Muol Light title, Siemreap body), Chinese and English."""
    sets = fonts.fontsets()
    km, zh, en = sets["km"], sets["zh-Hans"], sets["en"]
    css = "".join(fonts.font_face_css(fontset) for fontset in sets.values())
    css += f"""
        @page {{ size: A5; margin: 15mm }}
        body {{ {en.declarations("body")}; font-size: 11pt; line-height: 1.6 }}
        :lang(km) {{ {km.declarations("body")}; line-height: 1.9 }}
        :lang(zh-Hans) {{ {zh.declarations("body")} }}
        .motto:lang(km) {{ {km.declarations("motto")}; text-align: right }}
        h1:lang(km) {{ {km.declarations("heading")}; font-size: 14pt }}
    """
    ib = insert_break_opportunities
    body = f'<section lang="km"><p class="motto">{ib(KM_MOTTO)}</p><h1>{ib(KM_TITLE)}</h1>'
    body += "".join(f"<p>{ib(paragraph)}</p>" for paragraph in KM_PARAGRAPHS) + "</section>"
    body += f'<p lang="zh-Hans">{ZH_PARAGRAPH}</p><p lang="en">{EN_PARAGRAPH}</p>'
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<style>{css}</style></head><body>{body}</body></html>"
    )


def render(path: Path, **options: object) -> Path:
    import weasyprint

    weasyprint.HTML(string=sample_html()).write_pdf(path, **options)
    return path


def extracted(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def without_whitespace(text: str) -> str:
    return re.sub(r"\s+", "", text)


def similarity(pdf_text: str) -> float:
    return difflib.SequenceMatcher(
        None, without_whitespace(pdf_text), without_whitespace(SOURCE), autojunk=False
    ).ratio()


def content_operations(path: Path) -> list[tuple[list[object], bytes]]:
    reader = pypdf.PdfReader(path, strict=True)
    operations: list[tuple[list[object], bytes]] = []
    for page in reader.pages:
        stream = ContentStream(page.get_contents(), reader)
        operations.extend(stream.operations)
    return operations


def span_properties(operands: list[object], operator: bytes) -> DictionaryObject | None:
    """The property list of a `BDC` (marked content with properties), written inline."""
    if operator == b"BDC" and isinstance(operands[1], DictionaryObject):
        return operands[1]
    return None


def actual_texts(path: Path) -> list[str]:
    texts = []
    for operands, operator in content_operations(path):
        properties = span_properties(operands, operator)
        if properties is not None and operands[0] == "/Span" and "/ActualText" in properties:
            texts.append(str(properties["/ActualText"]))
    return texts


@pytest.fixture(autouse=True)
def pristine_weasyprint() -> Iterator[None]:
    """Each test starts unpatched (the build's own tests leave the hook installed,
    as `publisher.render.pdf` does) and the previous state is restored after."""
    was_installed = textlayer.is_installed()
    mode = textlayer._state.mode
    textlayer.uninstall()
    yield
    textlayer.uninstall()
    if was_installed:
        textlayer.install(mode)


@pytest.fixture
def layer() -> Iterator[None]:
    """The hook installed for one test, whatever the test does."""
    with textlayer.actual_text_layer():
        yield
    assert not textlayer.is_installed()


# ------------------------------------------------------------------------- units


def test_encode_actual_text_is_utf16be_with_bom() -> None:
    assert textlayer.encode_actual_text("A") == b"<FEFF0041>"
    assert textlayer.encode_actual_text("ក") == b"<FEFF1780>"
    assert textlayer.encode_actual_text("😀") == b"<FEFFD83DDE00>"  # surrogate pair
    assert textlayer.begin_span_operator("()") == b"/Span <</ActualText <FEFF00280029>>> BDC"


def test_actual_text_removes_invisible_breaks() -> None:
    assert textlayer.actual_text(f"ព្រះរាជាណាចក្រ{ZWSP}កម្ពុជា") == KM_MOTTO
    assert textlayer.actual_text("co\u00adoperation") == "cooperation"


def test_auto_mode_wraps_only_lines_that_need_it() -> None:
    assert textlayer.needs_actual_text(KM_MOTTO)
    assert textlayer.needs_actual_text("a\u0301")  # combining accent
    assert textlayer.needs_actual_text(f"a{ZWSP}b")
    assert not textlayer.needs_actual_text(EN_PARAGRAPH + " “Déjà vu” — 50 €")
    assert not textlayer.needs_actual_text(ZH_PARAGRAPH + "，。《》")


# ------------------------------------------------------------------------- the hook


def test_hook_still_exists_with_the_expected_signature() -> None:
    """Fails when a WeasyPrint upgrade moves or changes the function we wrap."""
    import weasyprint.draw.text as draw_text_module

    function = getattr(draw_text_module, textlayer.HOOK_NAME)
    assert tuple(inspect.signature(function).parameters) == textlayer.HOOK_PARAMETERS
    # draw_text must still call it through the module global we replace.
    assert textlayer.HOOK_NAME in inspect.getsource(draw_text_module.draw_text)
    assert textlayer.check_weasyprint_version() is None, "WeasyPrint outside the tested range"


def test_install_is_idempotent_and_reversible() -> None:
    import weasyprint.draw.text as draw_text_module

    original = draw_text_module.draw_first_line
    assert not textlayer.is_installed()
    try:
        textlayer.install()
        patched = draw_text_module.draw_first_line
        textlayer.install()  # second call changes nothing
        assert draw_text_module.draw_first_line is patched is not original
        with textlayer.actual_text_layer("always"):
            assert textlayer.is_installed()
        assert textlayer.is_installed()  # stays: it was installed before the block
    finally:
        textlayer.uninstall()
    assert draw_text_module.draw_first_line is original
    textlayer.uninstall()  # harmless when not installed


def test_install_refuses_a_changed_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    import weasyprint.draw.text as draw_text_module

    # a hypothetical new signature
    def draw_first_line(stream: object, textbox: object, matrix: object) -> list[object]:
        return []

    monkeypatch.setattr(draw_text_module, "draw_first_line", draw_first_line)
    with pytest.raises(RenderError, match="draw_first_line"):
        textlayer.install()
    monkeypatch.delattr(draw_text_module, "draw_first_line")
    with pytest.raises(RenderError, match="has no"):
        textlayer.install()


def test_install_warns_outside_the_tested_range(monkeypatch: pytest.MonkeyPatch) -> None:
    import weasyprint

    monkeypatch.setattr(weasyprint, "__version__", "99.0")
    try:
        with pytest.warns(UserWarning, match="outside the range"):
            textlayer.install()
    finally:
        textlayer.uninstall()


# ------------------------------------------------------------------------- rendering


@pytest.mark.slow
@needs_poppler
def test_extracted_text_equals_source(tmp_path: Path, layer: None) -> None:
    pdf = render(tmp_path / "fixed.pdf")
    text = extracted(pdf)
    assert ZWSP not in text
    assert without_whitespace(text) == without_whitespace(SOURCE), similarity(text)
    # Every Khmer line carries ActualText, English and Chinese lines do not ("auto").
    spans = actual_texts(pdf)
    assert spans and all(textlayer.needs_actual_text(span) for span in spans)
    assert without_whitespace("".join(spans)) == without_whitespace(
        KM_MOTTO + KM_TITLE + "".join(KM_PARAGRAPHS)
    )


@pytest.mark.slow
@needs_poppler
def test_without_the_layer_khmer_extracts_wrong(tmp_path: Path) -> None:
    """The bug this module fixes. If this fails, WeasyPrint fixed it upstream:
    the patch may no longer be needed (check before dropping it)."""
    assert not textlayer.is_installed()
    before = similarity(extracted(render(tmp_path / "plain.pdf")))
    assert before < 0.95, f"WeasyPrint now extracts Khmer with similarity {before:.2f}"
    with textlayer.actual_text_layer():
        after = similarity(extracted(render(tmp_path / "fixed.pdf")))
    assert after == 1.0


@pytest.mark.slow
def test_always_mode_wraps_every_line(tmp_path: Path) -> None:
    with textlayer.actual_text_layer("always"):
        spans = actual_texts(render(tmp_path / "always.pdf"))
    assert any("Samdech" in span for span in spans)
    assert any("柬埔寨" in span for span in spans)


def _check_marked_content_nesting(path: Path) -> int:
    """BDC/EMC balance, and each ActualText span opens and closes inside one BT/ET."""
    depth = 0
    in_text = False
    spans = 0
    open_spans_in_text: list[bool] = []
    for operands, operator in content_operations(path):
        if operator == b"BT":
            assert not in_text
            in_text = True
        elif operator == b"ET":
            assert in_text
            assert not any(open_spans_in_text), "ActualText span left open across ET"
            in_text = False
        elif operator in (b"BDC", b"BMC"):
            depth += 1
            properties = span_properties(operands, operator)
            is_actual_text = properties is not None and "/ActualText" in properties
            if is_actual_text:
                assert in_text
                spans += 1
            open_spans_in_text.append(is_actual_text)
        elif operator == b"EMC":
            depth -= 1
            assert depth >= 0
            open_spans_in_text.pop()
    assert depth == 0 and not in_text
    return spans


@pytest.mark.slow
@needs_poppler
@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"pdf_tags": True}, id="tags"),
        pytest.param({"pdf_variant": "pdf/ua-1"}, id="pdf-ua-1"),
        # WeasyPrint 70 opens its sRGB profile for PDF/A's output intent and never closes it
        # (weasyprint/pdf/__init__.py:150, `files(...).open('rb')` handed to Pillow): not a
        # file of ours, and the product writes PDF/UA, never PDF/A. Only that file is excused.
        pytest.param(
            {"pdf_variant": "pdf/a-3b"},
            id="pdf-a-3b",
            marks=pytest.mark.filterwarnings(
                r"ignore:unclosed file <_io.BufferedReader name='[^']*/weasyprint/pdf/"
                r"sRGB2014\.icc'>:ResourceWarning"
            ),
        ),
    ],
)
def test_coexists_with_weasyprint_tagging(
    tmp_path: Path, layer: None, options: dict[str, object]
) -> None:
    pdf = render(tmp_path / "tagged.pdf", **options)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True)
    assert info.returncode == 0 and info.stderr == "", info.stderr
    if "pdf_tags" in options or options.get("pdf_variant") == "pdf/ua-1":
        assert re.search(r"^Tagged:\s+yes", info.stdout, re.MULTILINE)
        reader = pypdf.PdfReader(pdf, strict=True)
        assert "/StructTreeRoot" in reader.root_object
        # Our spans sit inside WeasyPrint's MCID spans: the MCIDs are still there.
        spans = [
            span_properties(operands, operator) for operands, operator in content_operations(pdf)
        ]
        mcids = [span["/MCID"] for span in spans if span is not None and "/MCID" in span]
        assert len(mcids) == len(set(mcids)) > 0
    assert _check_marked_content_nesting(pdf) > 0
    assert without_whitespace(extracted(pdf)) == without_whitespace(SOURCE)


@pytest.mark.slow
def test_ellipsized_lines_never_carry_hidden_text(tmp_path: Path, layer: None) -> None:
    import weasyprint

    family = fonts.fontset("km").css_family("body").replace('"', "'")
    line = f"font-family: {family}; width: 60mm; overflow: hidden"
    html = (
        f'<p lang="km" style="{line}; white-space: nowrap; text-overflow: ellipsis">'
        f"{KM_PARAGRAPHS[0]}</p>"
        f'<p lang="km" style="{line}; max-lines: 1; block-ellipsis: auto">{KM_PARAGRAPHS[1]}</p>'
        f"<style>{fonts.font_face_css(fonts.fontset('km'))}</style>"
    )
    pdf = tmp_path / "ellipsis.pdf"
    weasyprint.HTML(string=html).write_pdf(pdf)
    spans = actual_texts(pdf)
    # Pango's ellipsis keeps the whole text in the line: that line is left unwrapped.
    assert not any(span.startswith(KM_PARAGRAPHS[0][:20]) for span in spans)
    # WeasyPrint's block-ellipsis really truncates the text: wrapped, ending with "…".
    assert len(spans) == 1 and spans[0].endswith("…")
    assert KM_PARAGRAPHS[1].startswith(spans[0][:-1])
