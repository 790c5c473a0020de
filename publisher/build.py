"""`publisher build`: every publishable language of each release as PDF and HTML.

The publishing rule is enforced here, before any renderer runs: a language
whose segments are not all in the workspace's required state is refused
(named, with the blocking segment ids) unless the build is a marked draft.
Files are written atomically; a refused or failed language leaves whatever
an earlier build put in `dist/` untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from publisher import languages
from publisher.document import Document
from publisher.errors import PublisherError, RenderError
from publisher.fsutil import atomic_write_bytes, atomic_write_text
from publisher.publication import (
    Alternate,
    Publication,
    Unpublishable,
    build_publication,
    native_name,
    translated_texts,
)
from publisher.release import Release
from publisher.workflow import load_catalog
from publisher.workspace import Workspace

FORMATS = ("pdf", "html")


@dataclass
class BuildReport:
    written: list[Path] = field(default_factory=list)
    refused: list[Unpublishable] = field(default_factory=list)
    failed: list[PublisherError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused and not self.failed


Progress = Callable[[str], None]


def build(
    ws: Workspace,
    releases: Iterable[Release],
    *,
    out_dir: Path,
    langs: list[str] | None = None,
    formats: Iterable[str] = FORMATS,
    draft: bool = False,
    progress: Progress | None = None,
) -> BuildReport:
    report = BuildReport()
    formats = tuple(dict.fromkeys(formats))
    for fmt in formats:
        if fmt not in FORMATS:
            raise RenderError(f"unknown format {fmt!r}; use pdf or html")
    for release in releases:
        try:
            _build_release(ws, release, out_dir, langs, formats, draft, report, progress)
        except Unpublishable as exc:
            report.refused.append(exc)
        except PublisherError as exc:
            report.failed.append(exc)
    return report


def _build_release(
    ws: Workspace,
    release: Release,
    out_dir: Path,
    langs: list[str] | None,
    formats: tuple[str, ...],
    draft: bool,
    report: BuildReport,
    progress: Progress | None,
) -> None:
    from publisher.render.templating import (
        locale_dirs,
        make_environment,
        template_dirs,
        translations_for,
    )

    document = release.synced_document()
    wanted = [languages.canonical(x) for x in langs] if langs else release.languages
    texts: dict[str, dict[str, str | None]] = {}
    for lang in release.languages:
        catalog = None if lang == release.meta.source_language else load_catalog(release, lang)
        try:
            texts[lang] = translated_texts(
                document,
                catalog,
                ws.config.required_state,
                draft=draft,
                release=release.slug,
                lang=lang,
            )
        except Unpublishable as exc:
            if lang in wanted:
                report.refused.append(exc)
    if not draft:
        _refuse_qa_errors(ws, release, texts, wanted, report)
    published = [lang for lang in release.languages if lang in texts]
    target = out_dir / release.slug
    alternates = [
        Alternate(
            lang,
            native_name(lang),
            f"{lang}.html",
            f"{lang}.pdf" if "pdf" in formats else None,
            draft=draft,
        )
        for lang in published
    ]
    views: dict[str, Publication] = {}
    for lang in published:
        translations = translations_for(lang, locale_dirs(ws.locales_dir))
        env = make_environment(template_dirs(ws.templates_dir), translations)
        gettext = translations.gettext
        if lang in wanted and "html" in formats:
            pub = build_publication(
                ws,
                release,
                document,
                lang,
                texts[lang],
                draft=draft,
                gettext=gettext,
                alternates=alternates,
                pdf_href=f"{lang}.pdf" if "pdf" in formats else None,
            )
            from publisher.render.html import render_web

            path = target / f"{lang}.html"
            atomic_write_text(path, render_web(env, pub))
            report.written.append(path)
            if progress:
                progress(f"{release.slug}/{lang}.html")
        if lang in wanted and "pdf" in formats:
            path = target / f"{lang}.pdf"
            atomic_write_bytes(
                path,
                _pdf(ws, release, document, lang, texts[lang], draft, gettext, env, alternates),
            )
            report.written.append(path)
            if progress:
                progress(f"{release.slug}/{lang}.pdf")
        views[lang] = build_publication(
            ws, release, document, lang, texts[lang], draft=draft, gettext=gettext
        )
    if views and "html" in formats:
        _write_index(ws, release, target, views, alternates, report)


def _refuse_qa_errors(
    ws: Workspace,
    release: Release,
    texts: dict[str, dict[str, str | None]],
    wanted: list[str],
    report: BuildReport,
) -> None:
    """The QA errors `publisher check` reports block publishing, as approvals do."""
    from publisher.checking import check_release, workspace_glossary

    langs = [lang for lang in texts if lang != release.meta.source_language]
    if not langs:
        return
    findings = check_release(release, langs, glossary=workspace_glossary(ws.root, release))
    for lang in langs:
        errors = [f for f in findings if f.lang == lang and f.is_error]
        if errors:
            del texts[lang]
            if lang in wanted:
                report.refused.append(QaBlocked(release.slug, lang, errors))


class QaBlocked(Unpublishable):
    """An approved language whose translations still have QA errors."""

    def __init__(self, release: str, lang: str, errors: list) -> None:  # type: ignore[type-arg]
        self.release, self.lang = release, lang
        self.blocking = list(dict.fromkeys(f.segment for f in errors))
        shown = "; ".join(f"{f.segment} {f.code}" for f in errors[:8])
        RenderError.__init__(
            self,
            f"{release}: {lang} not published: {len(errors)} QA "
            f"error(s): {shown} (see `publisher check`; --draft publishes anyway)",
        )


def _pdf(
    ws: Workspace,
    release: Release,
    document: Document,
    lang: str,
    texts: dict[str, str | None],
    draft: bool,
    gettext: Callable[[str], str],
    env: object,
    alternates: list[Alternate],
) -> bytes:
    from publisher.render import pdf
    from publisher.render.html import render_print
    from publisher.render.templating import PACKAGE_TEMPLATES

    fonts = pdf.print_fonts(lang)
    pub = build_publication(
        ws, release, document, lang, texts, draft=draft, gettext=gettext, alternates=alternates
    )
    pdf.check_glyphs(pub, fonts)
    pub_for_print = build_publication(
        ws,
        release,
        document,
        lang,
        texts,
        draft=draft,
        gettext=gettext,
        alternates=alternates,
        text_filter=pdf.text_filter_for(lang),
    )
    label = gettext("Page %(page)s of %(pages)s") % {"page": "{page}", "pages": "{pages}"}
    html = render_print(
        env,
        pub_for_print,
        fonts=fonts,
        font_faces=fonts.faces_css,  # type: ignore[arg-type]
        page_label_css=pdf.page_label_css(label, pdf.COUNTER_STYLES[lang]),
    )
    fetcher = pdf.restricted_fetcher(
        [ws.templates_dir, PACKAGE_TEMPLATES, release.root], fonts.font_files
    )
    return pdf.write_pdf(html, base_dir=release.root, fetcher=fetcher)


def _write_index(
    ws: Workspace,
    release: Release,
    target: Path,
    views: dict[str, Publication],
    alternates: list[Alternate],
    report: BuildReport,
) -> None:
    from publisher.render.html import ReleaseIndex, render_index
    from publisher.render.templating import (
        locale_dirs,
        make_environment,
        template_dirs,
        translations_for,
    )

    source = release.meta.source_language
    default = source if source in views else next(iter(views))
    translations = translations_for(default, locale_dirs(ws.locales_dir))
    env = make_environment(template_dirs(ws.templates_dir), translations)
    entries = []
    for alt in alternates:
        view = views[alt.lang]
        pdf_path = target / f"{alt.lang}.pdf"
        size = f"{pdf_path.stat().st_size / 1024:.0f} KB" if pdf_path.exists() else None
        entries.append(
            Alternate(
                alt.lang,
                alt.native_name,
                alt.html_href,
                alt.pdf_href if pdf_path.exists() else None,
                title=view.title_text,
                dateline=view.dateline,
                draft=view.draft,
                pdf_size=size,
            )
        )
    index = ReleaseIndex(
        views[default].title_text,
        views[default].organisation,
        translations.gettext("Press Release"),
        default,
        entries,
    )
    path = target / "index.html"
    atomic_write_text(path, render_index(env, index))
    report.written.append(path)
