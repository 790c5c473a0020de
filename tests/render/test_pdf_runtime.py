"""WeasyPrint as our build runs it (publisher/render/pdf_runtime.py), on the sample's real
print pages: a build's PDFs sharing one font configuration come out byte for byte as
each rendered alone; a process rendering again and again (a pool worker, `publisher
serve`) keeps its memory: no render's garbage waits for a full collection, one font
configuration and one temporary font folder at most between renders; print.css, the
same text in every language, parsed once a build, and drawing what it drew inside the page."""

from __future__ import annotations

import gc
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from publisher.core.document import Document
from publisher.core.release import Release
from publisher.core.workspace import Workspace
from publisher.publishing import steps
from publisher.publishing.cache import Cache
from publisher.publishing.fingerprint import digest
from publisher.publishing.pages import render_release_pdf
from publisher.publishing.rule import choose
from publisher.render import pdf, pdf_runtime
from tests.support.workspace import SAMPLE_SLUG, copy_repo_workspace


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, Release, Document]:
    root = copy_repo_workspace(tmp_path_factory.mktemp("runtime") / "ws")
    ws = Workspace.load(root)
    release = Release.load(ws.releases_dir / SAMPLE_SLUG)
    return ws, release, release.synced_document()


@pytest.fixture
def font_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """WeasyPrint's temporary font folders made in `tmp_path` (where mkdtemp puts them)."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    pdf_runtime.release_fonts()  # none lent from an earlier test
    yield tmp_path
    pdf_runtime.release_fonts()


@pytest.fixture
def configurations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ids of the WeasyPrint FontConfigurations made while the test runs (counted,
    not kept: keeping one would keep its temporary folder)."""
    from weasyprint.text.fonts import FontConfiguration

    made: list[int] = []
    original = FontConfiguration.__init__

    def counted(self: FontConfiguration) -> None:
        made.append(id(self))
        original(self)

    monkeypatch.setattr(FontConfiguration, "__init__", counted)
    return made


def render(sample: tuple[Workspace, Release, Document], lang: str, scope: str | None) -> bytes:
    ws, release, document = sample
    choice = choose(ws, release, document, lang)
    return render_release_pdf(ws, release, document, choice, False, fonts_scope=scope).data


@pytest.mark.slow
def test_shared_font_configuration_gives_the_same_bytes(
    sample: tuple[Workspace, Release, Document], font_folders: Path, configurations: list[int]
) -> None:
    shared = {lang: render(sample, lang, "build-1") for lang in ("zh-Hans", "en", "km")}
    assert len(configurations) == 1  # the three PDFs of the build shared one
    for lang in ("km", "en", "zh-Hans"):  # each alone, in a fresh configuration
        assert render(sample, lang, None) == shared[lang], lang
    assert len(configurations) == 4


@pytest.mark.slow
def test_repeated_renders_leave_no_garbage_and_one_font_folder(
    sample: tuple[Workspace, Release, Document],
    font_folders: Path,
    configurations: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pdf_runtime, "SHARED_FONT_RENDERS", 4)
    gc.collect()
    tracked = []
    for number in range(10):
        render(sample, "en", f"build-{number // 5}")  # two builds of five PDFs
        # the render's cycles were freed by the young collection that followed it
        assert gc.collect() < 1_000, number
        tracked.append(len(gc.get_objects()))
        assert len(list(font_folders.glob("weasyprint-*"))) <= 1
    # a new configuration every 4 renders of a build, and one for each new build
    assert len(configurations) == 4
    assert max(tracked[2:]) - min(tracked[2:]) < 2_000, tracked
    pdf_runtime.release_fonts()  # as a build does at its end
    assert not list(font_folders.glob("weasyprint-*"))
    assert gc.isenabled()


def test_overlapping_renders_enable_the_collector_after_the_last() -> None:
    """Renders in two threads (the web app's) overlap: the collector stays paused until
    both have ended, and a process that disabled it itself keeps it disabled."""
    first_in, first_may_end = threading.Event(), threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with pdf_runtime.collections_paused():
            first_in.set()
            first_may_end.wait(10)
        seen.append(gc.isenabled())

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(10)
    with pdf_runtime.collections_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()  # the first render is still under way
    first_may_end.set()
    thread.join(10)
    assert seen == [True] and gc.isenabled()

    gc.disable()
    try:
        with pdf_runtime.collections_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def _print_page(
    sample: tuple[Workspace, Release, Document], lang: str, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """What render_release_pdf gives pdf.render_pdf for `lang` (its page, stylesheets,
    folder and fetcher), from a draft (every running head drawn)."""
    given: dict[str, Any] = {}

    def keep(html: str, **options: Any) -> pdf.RenderedPdf:
        given.update(options, html=html)
        return pdf.RenderedPdf(b"", 0)

    monkeypatch.setattr(pdf, "render_pdf", keep)
    ws, release, document = sample
    render_release_pdf(ws, release, document, choose(ws, release, document, lang), True)
    monkeypatch.undo()
    return given


@pytest.mark.slow
def test_a_build_parses_print_css_once(
    sample: tuple[Workspace, Release, Document],
    font_folders: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """print.css is the same text in every language (print.html sets the language's
    fonts in a sheet of its own): the three PDFs of a build parse it once, and each PDF
    its own language's sheet (fonts, bold, running heads)."""
    import weasyprint

    parsed: list[str] = []
    original = weasyprint.CSS.__init__

    def counted(self: Any, *args: Any, **kwargs: Any) -> None:
        parsed.append(str(kwargs.get("string", "")))
        original(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.CSS, "__init__", counted)
    for lang in ("en", "km", "zh-Hans"):
        render(sample, lang, "build-1")
    layout = [text for text in parsed if "Print layout of an official" in text]
    assert len(layout) == 1, len(layout)
    assert "{{" not in layout[0] and "var(--font-body)" in layout[0]
    assert sum(":root { --font-body:" in text for text in parsed) == 3
    parsed.clear()
    render(sample, "en", "build-2")  # another build: parsed again, as a new process would
    assert sum("Print layout of an official" in text for text in parsed) == 1


@pytest.mark.slow
def test_the_stylesheets_beside_the_page_draw_what_one_style_element_drew(
    sample: tuple[Workspace, Release, Document],
    font_folders: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """The page's two sheets given beside it (print.css shared) draw every page of
    the three languages' drafts exactly as the same sheets inside one <style> element of
    the page did (print.html's form until the sheets were shared): same pixels, same text."""
    for lang in ("en", "km", "zh-Hans"):
        given = _print_page(sample, lang, monkeypatch)
        sheets = given["stylesheets"]
        assert len(sheets) == 2 and "<style" not in given["html"]
        inline = given["html"].replace(
            "</head>", "<style>\n" + "".join(sheets) + "</style>\n</head>", 1
        )
        options = {"base_dir": given["base_dir"], "fetcher": given["fetcher"]}
        pages: dict[str, list[bytes]] = {}
        for way, rendered in (
            ("beside", pdf.render_pdf(given["html"], stylesheets=sheets, **options)),
            ("inside", pdf.render_pdf(inline, **options)),
        ):
            path = tmp_path / f"{lang}-{way}.pdf"
            path.write_bytes(rendered.data)
            subprocess.run(["pdftoppm", "-r", "50", "-png", path, path.with_suffix("")], check=True)
            pngs = sorted(tmp_path.glob(f"{lang}-{way}-*.png"))
            text = subprocess.run(["pdftotext", path, "-"], capture_output=True, check=True).stdout
            pages[way] = [text, *(png.read_bytes() for png in pngs)]
        assert len(pages["beside"]) > 2, lang  # text and at least two pages
        assert pages["beside"] == pages["inside"], lang


@pytest.mark.slow
def test_a_pool_worker_keeps_one_font_configuration_from_build_to_build(
    sample: tuple[Workspace, Release, Document],
    font_folders: Path,
    configurations: list[int],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """A worker that stays up (the warm preview's, the live site's) renders each build's
    PDFs in one font configuration while the font files stay the same: a fresh one cost a
    warm preview 50 to 60 ms a PDF. The same PDFs as in a build's own configuration; a
    new fingerprint of the fonts, a new configuration. A build's own process keeps one
    per build."""
    ws, release, _ = sample
    cache = str(tmp_path / "cache")

    def pdf(number: int, build: str, fonts: str) -> bytes:
        key = digest("pdf", number)
        steps.pdf_step(str(ws.root), release.slug, "en", False, key, cache, "", {}, build, fonts)
        return Cache(Path(cache)).file(key, "out.pdf").read_bytes()

    monkeypatch.setattr(steps, "_pool_worker", True)
    first = pdf(1, "build-1", "fonts-a")
    assert pdf(2, "build-2", "fonts-a") == first  # the next build: the same configuration
    assert len(configurations) == 1
    pdf(3, "build-3", "fonts-b")  # a font file changed
    assert len(configurations) == 2
    monkeypatch.setattr(steps, "_pool_worker", False)  # `publisher build`'s own process
    assert pdf(4, "build-4", "fonts-b") == first
    pdf(5, "build-5", "fonts-b")
    assert len(configurations) == 4
