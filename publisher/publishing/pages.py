"""The pages of one release in one language: print HTML to PDF, and the index page.

Called by the build steps (publisher/publishing/steps.py), in worker processes
or in this one; kept apart from the builders so that the steps never import
the builders that drive them.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from publisher.core.document import Document
from publisher.core.release import Release
from publisher.core.workspace import Workspace
from publisher.publishing.records import ListingView
from publisher.publishing.rule import Choice
from publisher.publishing.view import build_publication, khmer_names
from publisher.render import pdf
from publisher.render.html import render_print, render_template
from publisher.render.model import Alternate, ReleaseIndex
from publisher.render.templating import PACKAGE_TEMPLATES, language_environment


def render_release_index(
    ws: Workspace,
    view: ListingView,
    default: str,
    entries: list[Alternate],
    site: Mapping[str, Any] | None = None,
) -> str:
    """A release's index page in all its published languages (`entries`), headed in the
    `default` language as its listing `view` shows it; `site`: the site's navigation."""
    env, translations = language_environment(ws.templates_dir, ws.locales_dir, default)
    index = ReleaseIndex(
        view["title"],
        view["organisation"],
        translations.gettext("Press Release"),
        default,
        entries,
    )
    if site is None:
        return render_template(env, "index.html", rel=index)
    return render_template(env, "site_release_index.html", rel=index, site=site)


def render_release_pdf(
    ws: Workspace,
    release: Release,
    document: Document,
    choice: Choice,
    draft: bool,
    print_photos: dict[str, Path] | None = None,
    fonts_scope: str | None = None,
) -> pdf.RenderedPdf:
    """One language of a release through print.html and WeasyPrint (glyphs checked first):
    the rule's `choice` for it gives the texts and, in a draft, the segments to mark;
    `print_photos`: each photo's print rendition (file in photos/ -> prepared file);
    `fonts_scope`: the build, whose PDFs share a font configuration (pdf.render_pdf)."""

    lang = choice.lang
    texts = choice.publishable(release, ws.config.required_state, draft=draft)
    env, translations = language_environment(ws.templates_dir, ws.locales_dir, lang)
    gettext = translations.gettext
    fonts = pdf.print_fonts(lang)
    # The glyph check reads what a reader sees (each leaf's plain text, the letterhead,
    # contacts, credits), which the Khmer break filter and the draft marks leave as they
    # are: the printed publication itself is checked, before its print HTML is made.
    pub_for_print = build_publication(
        ws,
        release,
        document,
        lang,
        texts,
        draft=draft,
        gettext=gettext,
        pictures="files",
        print_photos=print_photos,
        text_filter=pdf.text_filter_for(lang, khmer_names(ws) if lang == "km" else frozenset()),
        unapproved=choice.unapproved(draft=draft),
    )
    pdf.check_glyphs(pub_for_print, fonts)
    label = gettext("Page %(page)s of %(pages)s") % {"page": "{page}", "pages": "{pages}"}
    page = render_print(
        env,
        pub_for_print,
        fonts=fonts,
        font_faces=fonts.faces_css,
        font_variables=fonts.variables_css,
        page_label_css=pdf.page_label_css(label, pdf.COUNTER_STYLES[lang]),
    )
    fetcher = pdf.restricted_fetcher(
        [ws.templates_dir, PACKAGE_TEMPLATES, release.root],
        [*fonts.font_files, *(print_photos or {}).values()],
    )
    return pdf.render_pdf(
        page.html,
        base_dir=release.root,
        fetcher=fetcher,
        fonts_scope=fonts_scope,
        # an override of print.html styling the page in a <style> of its own still gets
        # the language's fonts as the variables print.css uses
        stylesheets=page.stylesheets or (fonts.variables_css,),
    )
