"""The print edition: the publication through print.html and WeasyPrint.

What this adapter adds to WeasyPrint, and nothing else:
* fonts chosen per language (publisher/render/fonts.py), every glyph checked
  before rendering so no tofu reaches a PDF;
* Khmer line-break opportunities (U+200B) in the text given to WeasyPrint only;
* the `/ActualText` text layer (publisher/render/textlayer.py) so Khmer copies
  and searches correctly;
* a URL fetcher that serves only the font files and the workspace folders the
  build names: no network, no other file;
* tagged PDF/UA-1 with title, language, author and the release id, and no
  timestamps, so the same inputs give the same bytes.
"""

from __future__ import annotations

import functools
import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from markupsafe import Markup

from publisher.render import fonts as fontlib
from publisher.render import images, pdf_runtime, textlayer
from publisher.render.khmer_breaks import insert_break_opportunities
from publisher.render.model import Publication
from publisher.render.weasy import load as load_weasyprint

FALLBACK_ORDER = ("en", "km", "zh-Hans")


@dataclass
class PrintFonts:
    """CSS font stacks for one language's PDF, with the @font-face rules they need."""

    body: Markup
    heading: Markup
    motto: Markup
    #: `faces_only_css`, then `bold_css`: every face's rule and this language's bold.
    faces_css: Markup
    font_files: list[Path]
    sets: list[fontlib.FontSet]
    #: The @font-face rules of every language's faces, in FALLBACK_ORDER (the same text in
    #: every language).
    faces_only_css: Markup = field(default_factory=Markup)
    #: Bold from another design, scaled to match the body text ("" when none is needed).
    bold_css: Markup = field(default_factory=Markup)

    @property
    def language_css(self) -> Markup:
        """This language's stacks as the custom properties print.css uses
        (`var(--font-body)`), and its bold."""
        return (
            Markup(
                f":root {{ --font-body: {self.body}; --font-heading: {self.heading}; "
                f"--font-motto: {self.motto}; }}\n"
            )
            + self.bold_css
        )


def print_fonts(lang: str) -> PrintFonts:
    """Stacks led by the language's own faces, then the other languages' as fallback."""
    order = [lang, *(code for code in FALLBACK_ORDER if code != lang)]
    sets = [fontlib.fontset(code) for code in order]

    def stack(role: fontlib.Role) -> Markup:
        families = [sets[0].css_family(role)] + [s.css_family("body") for s in sets[1:]]
        return Markup(", ".join(dict.fromkeys(families)) + ", serif")

    # Each set's faces have families of their own: the order of the rules changes nothing.
    faces = "\n".join(fontlib.font_face_css(fontlib.fontset(code)) for code in FALLBACK_ORDER)
    # Bold from another design (Khmer OS has none; Noto Sans Khmer's letters are smaller)
    # needs its own family, weight and size to match the body text.
    bold = sets[0].bold
    bold_css = ""
    if bold.scale != 1.0:
        bold_css = f"b, strong {{ font-weight: {bold.weight}; font-size: {bold.scale:g}em; }}\n"
    files = [p for s in sets for p in s.paths()]
    return PrintFonts(
        stack("body"),
        stack("heading"),
        stack("motto"),
        Markup(faces + ("\n" + bold_css if bold_css else "")),
        files,
        sets,
        faces_only_css=Markup(faces),
        bold_css=Markup(bold_css),
    )


def text_filter_for(lang: str, keep: frozenset[str] = frozenset()) -> Any:
    """Khmer needs break opportunities for Pango (none inside a name of `keep`); other
    languages pass through."""
    if lang != "km":
        return None
    return (
        functools.partial(insert_break_opportunities, keep=keep)
        if keep
        else (insert_break_opportunities)
    )


def check_glyphs(pub: Publication, fonts: PrintFonts) -> None:
    faces = [face for s in fonts.sets for face in s.faces().values()]
    texts = [
        ("organisation", pub.organisation),
        ("motto", " ".join(pub.motto)),
        ("dateline", pub.dateline),
        ("release line", pub.release_line),
        ("end mark", pub.end_mark),
        ("more information", pub.boilerplate.more_information or ""),
    ]
    texts += [
        (f"contact {c.name}", f"{c.name} {c.phone_text} {c.email}")
        for c in pub.boilerplate.contacts
    ]
    texts += [(f"segment {leaf.segment}", leaf.text) for leaf in pub.leaves()]
    texts += [
        (f"photo credit {leaf.photo.src}", f"{leaf.photo.credit} {leaf.photo.copyright}")
        for leaf in pub.figures()
        if leaf.photo is not None
    ]
    # One pass over every character the publication shows; the texts one by one only when
    # a character is missing, to name the first text that holds one.
    if not fontlib.missing_glyphs("".join(text for _, text in texts), faces):
        return
    for where, text in texts:
        fontlib.check_glyphs(text, faces, where=f"{pub.release_id} {pub.lang} {where}")


def page_label_css(label: str, counter_style: str) -> Markup:
    """`Page {page} of {pages}` as a CSS `content` value with page counters."""
    parts = re.split(r"(\{page\}|\{pages\})", label)
    out: list[str] = []
    for part in parts:
        if part == "{page}":
            out.append(f"counter(page, {counter_style})")
        elif part == "{pages}":
            out.append(f"counter(pages, {counter_style})")
        elif part:
            escaped = re.sub(r'["\\\n]', lambda m: "\\" + format(ord(m.group()), "x") + " ", part)
            out.append(f'"{escaped}"')
    return Markup(" ".join(out) or '""')


COUNTER_STYLES = {"km": "khmer", "zh-Hans": "decimal", "en": "decimal"}


def restricted_fetcher(allowed_dirs: list[Path], allowed_files: list[Path]) -> Any:
    """A WeasyPrint URL fetcher serving only files under the allowed paths.

    Anything else (http, data:, a file elsewhere) is refused and listed in the
    fetcher's `refused` attribute; WeasyPrint then renders without it.
    """
    load_weasyprint()
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    dirs = [d.resolve() for d in allowed_dirs]
    files = {f.resolve() for f in allowed_files}

    # WeasyPrint has no type information: its URLFetcher is Any to mypy.
    class RestrictedFetcher(URLFetcher):  # type: ignore[misc]
        refused: list[str]

        def fetch(self, url: str, headers: Any = None) -> Any:
            parsed = urlparse(url)
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path)).resolve()
                allowed = path in files or any(path.is_relative_to(d) for d in dirs)
                if allowed and path.is_file():
                    return URLFetcherResponse(url, body=path.read_bytes())
            self.refused.append(url)
            raise ValueError(f"refused to fetch {url[:100]}: only workspace files are used")

    fetcher = RestrictedFetcher(allowed_protocols={"file"})
    fetcher.refused = []
    return fetcher


@dataclass
class RenderedPdf:
    data: bytes
    pages: int


def write_pdf(html: str, *, base_dir: Path, fetcher: Any) -> bytes:
    """Render print HTML to PDF bytes (tagged PDF/UA-1, reproducible)."""
    return render_pdf(html, base_dir=base_dir, fetcher=fetcher).data


def render_pdf(
    html: str,
    *,
    base_dir: Path,
    fetcher: Any,
    fonts_scope: str | None = None,
    stylesheets: Sequence[str] = (),
) -> RenderedPdf:
    """Render print HTML to a PDF, with its page count (for listings, no second parse).

    `stylesheets`: CSS texts styling the page beside its own, in cascade order (see
    html.PrintHtml). `fonts_scope`: the build the PDF belongs to; its PDFs rendered in
    this process share one font configuration, and one parse of each stylesheet they
    share (render/pdf_runtime.py). The bytes are the same without it."""
    weasyprint = load_weasyprint()

    # fontTools stamps the instances it makes of variable fonts (Noto Sans Khmer bold) with
    # the time, unless SOURCE_DATE_EPOCH is set: the same inputs must give the same bytes.
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    textlayer.install()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    # dpi: a photo is embedded at no more than 450 dpi at the size it is placed. The build
    # gives it a print rendition at most that at the largest size print.css gives it
    # (images.print_rendition), which WeasyPrint embeds as it is; the option catches a
    # template that places it smaller (WeasyPrint then resizes it to 450 dpi).
    # An option of layout (render), where WeasyPrint loads the images, not of write_pdf.
    with (
        pdf_runtime.shared_font_configuration(fonts_scope) as font_config,
        pdf_runtime.collections_paused(),
    ):
        base_url = base_dir.as_uri() + "/"
        sheets, counter_style, color_profiles = pdf_runtime.parsed_stylesheets(
            stylesheets, base_url=base_url, fetcher=fetcher, font_config=font_config
        )
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
            dpi=images.PRINT_MAX_DPI,
            font_config=font_config,
            counter_style=counter_style,
            color_profiles=color_profiles,
            stylesheets=sheets,
        )
        pdf = document.write_pdf(
            pdf_variant="pdf/ua-1", uncompressed_pdf=False, pdf_identifier=False
        )
        pages = len(document.pages)
        del document  # its cycles are young garbage for the collection that follows
    assert pdf is not None
    return RenderedPdf(bytes(pdf), pages)
