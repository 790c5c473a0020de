"""`publisher build`: every publishable language of each release as PDF and HTML.

The publishing rule is enforced here, before any renderer runs: a language
whose segments are not all in the workspace's required state is refused
(named, with the blocking segment ids) unless the build is a marked draft.
Files are written atomically; a refused or failed language leaves whatever
an earlier build put in `dist/` untouched.

The steps (deciding what is publishable, rendering pages and PDFs) run through
`publisher.site.engine`, shared with `publisher site` and `publisher bundle`:
results are cached by a hash of their inputs, so an unchanged release is not
rendered again, and misses render in `jobs` processes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publisher import languages
from publisher.document import Document
from publisher.errors import PublisherError, RenderError
from publisher.publication import (
    Alternate,
    Unpublishable,
    build_publication,
    draft_unapproved,
    native_name,
)
from publisher.release import Release
from publisher.site.engine import StepCounts
from publisher.workspace import Workspace

FORMATS = ("pdf", "html")


@dataclass
class BuildReport(StepCounts):
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    refused: list[Unpublishable] = field(default_factory=list)
    failed: list[PublisherError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused and not self.failed


Progress = Callable[[str], None]


class Refused(Unpublishable):
    """A language refused by the publishing rule, as recorded in a cached plan."""

    def __init__(self, release: str, lang: str, blocking: list[str], message: str) -> None:
        self.release, self.lang, self.blocking = release, lang, blocking
        RenderError.__init__(self, message)


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


def build(
    ws: Workspace,
    releases: Iterable[Release],
    *,
    out_dir: Path,
    langs: list[str] | None = None,
    formats: Iterable[str] = FORMATS,
    draft: bool = False,
    progress: Progress | None = None,
    jobs: int | None = None,
    steps: Callable[[str, int, int], None] | None = None,
) -> BuildReport:
    """Build `releases` into `out_dir`/<slug>/; `progress(name)` hears of each file written,
    `steps(stage, done, total)` of the rendering (for a progress bar)."""
    from publisher.site.cache import OutputState
    from publisher.site.engine import Engine

    report = BuildReport()
    formats = tuple(dict.fromkeys(formats))
    for fmt in formats:
        if fmt not in FORMATS:
            raise RenderError(f"unknown format {fmt!r}; use pdf or html")
    wanted_langs = [languages.canonical(x) for x in langs] if langs else None
    with Engine(ws, jobs=jobs, progress=steps) as engine:
        plans = engine.plans(list(releases), draft=draft)
        for plan in plans:
            if plan.error:
                report.failed.append(RenderError(plan.error))
                continue
            wanted = wanted_langs or plan.languages
            for lang, info in plan.refused.items():
                if lang in wanted:
                    report.refused.append(
                        Refused(plan.slug, lang, info["blocking"], info["message"])
                    )
        good = [p for p in plans if not p.error and p.published]
        html = (
            engine.html(good, draft=draft, variant="build", params={"pdf": "pdf" in formats})
            if "html" in formats
            else {}
        )
        pdf_wanted = [
            (p, lang) for p in good for lang in p.published
            if "pdf" in formats and lang in (wanted_langs or p.languages)
        ]  # fmt: skip
        pdfs = engine.pdfs(pdf_wanted, draft=draft)
        state = OutputState(engine.cache, out_dir)
        for plan in good:
            wanted = wanted_langs or plan.languages
            _write_release(engine, state, plan, wanted, formats, html, pdfs, report, progress)
        state.save()
        report.take_counts(engine)
    return report


def _write_release(
    engine: Any,
    state: Any,
    plan: Any,
    wanted: list[str],
    formats: tuple[str, ...],
    html: dict[str, Any],
    pdfs: dict[tuple[str, str], Any],
    report: BuildReport,
    progress: Progress | None,
) -> None:
    page_step = html.get(plan.slug)
    if page_step is not None and page_step.error:
        report.failed.append(RenderError(page_step.error))
        page_step = None
    for lang in plan.published:
        if lang not in wanted:
            continue
        outputs: list[tuple[str, str, Path]] = []
        if page_step is not None:
            name = f"{lang}.html"
            outputs.append((name, page_step.key, engine.cache.file(page_step.key, name)))
        pdf_step = pdfs.get((plan.slug, lang))
        if pdf_step is not None:
            if pdf_step.error:
                report.failed.append(RenderError(pdf_step.error))
            else:
                outputs.append((f"{lang}.pdf", pdf_step.key, engine.cache.file(pdf_step.key,
                                                                               "out.pdf")))
        for name, key, source in outputs:
            rel = f"{plan.slug}/{name}"
            _record(state, rel, state.copy(rel, key, source), report, progress)
    if "html" in formats and page_step is not None:
        _write_index(engine, state, plan, report, progress)


def _record(
    state: Any, rel: str, written: bool, report: BuildReport, progress: Progress | None
) -> None:
    path = state.out_dir / rel
    if written:
        report.written.append(path)
        if progress:
            progress(rel)
    else:
        report.unchanged.append(path)


def _write_index(
    engine: Any, state: Any, plan: Any, report: BuildReport, progress: Progress | None
) -> None:
    """dist/<slug>/index.html: the release in all its published languages."""
    from publisher.site.fingerprint import digest

    target = state.out_dir / plan.slug
    default = plan.source_lang if plan.source_lang in plan.views else plan.published[0]
    entries = []
    for lang in plan.published:
        view = plan.views[lang]
        pdf_path = target / f"{lang}.pdf"
        size = f"{pdf_path.stat().st_size / 1024:.0f} KB" if pdf_path.exists() else None
        entries.append(
            Alternate(
                lang,
                native_name(lang),
                f"{lang}.html",
                f"{lang}.pdf" if size else None,
                title=view["title"],
                dateline=view["dateline"],
                draft=view["draft"],
                pdf_size=size,
            )
        )
    rel = f"{plan.slug}/index.html"
    key = digest(
        "index", plan.key, engine.templates.key("index.html"), engine.locales(default),
        [vars(e) for e in entries],
    )  # fmt: skip
    if state.up_to_date(rel, key):
        report.unchanged.append(state.out_dir / rel)
        return
    text = render_release_index(engine.ws, plan, default, entries)
    _record(state, rel, state.write(rel, key, text.encode("utf-8")), report, progress)


def render_release_index(
    ws: Workspace, plan: Any, default: str, entries: list[Alternate], site: Any = None
) -> str:
    from publisher.render.html import ReleaseIndex, render_template
    from publisher.render.templating import language_environment

    env, translations = language_environment(ws.templates_dir, ws.locales_dir, default)
    view = plan.views[default]
    index = ReleaseIndex(
        view["title"], view["organisation"], translations.gettext("Press Release"), default,
        entries,
    )  # fmt: skip
    if site is None:
        return render_template(env, "index.html", rel=index)
    return render_template(env, "site_release_index.html", rel=index, site=site)


def render_release_pdf(
    ws: Workspace,
    release: Release,
    document: Document,
    lang: str,
    texts: dict[str, str | None],
    draft: bool,
) -> Any:
    """One language of a release through print.html and WeasyPrint (glyphs checked first)."""
    from publisher.render import pdf
    from publisher.render.html import render_print
    from publisher.render.templating import PACKAGE_TEMPLATES, language_environment

    env, translations = language_environment(ws.templates_dir, ws.locales_dir, lang)
    gettext = translations.gettext
    fonts = pdf.print_fonts(lang)
    pub = build_publication(ws, release, document, lang, texts, draft=draft, gettext=gettext)
    pdf.check_glyphs(pub, fonts)
    pub_for_print = build_publication(
        ws,
        release,
        document,
        lang,
        texts,
        draft=draft,
        gettext=gettext,
        text_filter=pdf.text_filter_for(lang),
        unapproved=draft_unapproved(ws, release, document, lang, draft),
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
    return pdf.render_pdf(html, base_dir=release.root, fetcher=fetcher)
