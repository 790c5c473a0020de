"""`publisher build`: every publishable language of each release as PDF and HTML.

The publishing rule (publisher/publishing/rule.py) decides, before any
renderer runs, which languages may be published: a refused language is named
with its blocking segments, unless the build is a marked draft. Files are
written atomically; a refused or failed language leaves whatever an earlier
build put in `dist/` untouched.

The steps (judging each release, rendering pages and PDFs) run through the
incremental engine shared with `site` and `bundle`: results are cached by a
hash of their inputs, so an unchanged release is not rendered again, and
misses render in `jobs` processes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from publisher.core import languages
from publisher.core.languages import native_name
from publisher.core.photos import PHOTOS_DIR
from publisher.core.release import Release
from publisher.core.workspace import Workspace
from publisher.errors import PublisherError, RenderError, Unpublishable
from publisher.publishing.builders.base import PAGE_FORMATS, Builder
from publisher.publishing.cache import OutputState
from publisher.publishing.engine import Engine, PhotoFiles, Plan, Step, StepCounts
from publisher.publishing.fingerprint import digest
from publisher.publishing.pages import render_release_index
from publisher.publishing.workers import ProgressHook, WorkerPool
from publisher.render.model import Alternate

#: on_write(path relative to the output folder): hears of each file written.
WriteHook = Callable[[str], None]


@dataclass
class BuildReport(StepCounts):
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    refused: list[Unpublishable] = field(default_factory=list)
    failed: list[PublisherError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused and not self.failed

    def fail(self, error: PublisherError) -> None:
        """Report `error` once: a photo that cannot be read fails its print rendition,
        its web renditions and each PDF that embeds it with the same error."""
        if all(error.format() != known.format() for known in self.failed):
            self.failed.append(error)


class DistBuilder(Builder[BuildReport]):
    """Writes `out_dir/<slug>/<lang>.pdf`, `<lang>.html`, `index.html` and `photos/`."""

    name = "build"

    def __init__(
        self,
        ws: Workspace,
        *,
        out_dir: Path,
        langs: list[str] | None = None,
        formats: Iterable[str] = PAGE_FORMATS,
        draft: bool = False,
        on_write: WriteHook | None = None,
        jobs: int | None = None,
        progress: ProgressHook | None = None,
        pool: WorkerPool | None = None,
    ) -> None:
        super().__init__(ws, jobs=jobs, progress=progress, pool=pool)
        self.out_dir = out_dir
        self.formats = tuple(dict.fromkeys(formats))
        for fmt in self.formats:
            if fmt not in PAGE_FORMATS:
                raise RenderError(f"unknown format {fmt!r}; use pdf or html")
        self.langs = [languages.canonical(x) for x in langs] if langs else None
        self.draft = draft
        self.on_write = on_write

    def build(self, releases: Sequence[Release]) -> BuildReport:
        report = BuildReport()
        with self.engine() as engine:
            plans = engine.plans(list(releases), draft=self.draft)
            for plan in plans:
                if plan.error:
                    report.fail(plan.error)
                    continue
                wanted = self.langs or plan.languages
                report.refused += [r for lang, r in plan.refused.items() if lang in wanted]
            good = [p for p in plans if not p.error and p.published]
            html = (
                engine.html(
                    good, draft=self.draft, variant="build", params={"pdf": "pdf" in self.formats}
                )
                if "html" in self.formats
                else {}
            )
            pdf_wanted = [
                (p, lang)
                for p in good
                for lang in p.published
                if "pdf" in self.formats and lang in (self.langs or p.languages)
            ]
            pdfs = engine.pdfs(pdf_wanted, draft=self.draft, web_photos="html" in self.formats)
            # The web pages show the photos' renditions and offer the originals.
            photos = engine.photos(good) if "html" in self.formats else {}
            state = OutputState(engine.cache, self.out_dir)
            state.sweep()  # an interrupted build's temporary files
            for plan in good:
                self._write_release(engine, state, plan, html, pdfs, report)
                self._write_photos(engine, state, plan, photos.get(plan.slug, []), report)
            state.save()
            report.take_counts(engine)
        return report

    def _write_release(
        self,
        engine: Engine,
        state: OutputState,
        plan: Plan,
        html: dict[str, Step],
        pdfs: dict[tuple[str, str], Step],
        report: BuildReport,
    ) -> None:
        wanted = self.langs or plan.languages
        page_step = html.get(plan.slug)
        if page_step is not None and page_step.error:
            report.fail(page_step.error)
            page_step = None
        for lang in plan.published:
            if lang not in wanted:
                continue
            outputs: list[tuple[str, str, str]] = []
            if page_step is not None:
                name = f"{lang}.html"
                outputs.append((name, page_step.key, engine.cache.location(page_step.key, name)))
            pdf_step = pdfs.get((plan.slug, lang))
            if pdf_step is not None:
                if pdf_step.error:
                    report.fail(pdf_step.error)
                else:
                    pdf_file = engine.cache.location(pdf_step.key, "out.pdf")
                    outputs.append((f"{lang}.pdf", pdf_step.key, pdf_file))
            for name, key, source in outputs:
                rel = f"{plan.slug}/{name}"
                self._record(state, rel, state.copy(rel, key, source), report)
        if "html" in self.formats and page_step is not None:
            self._write_index(engine, state, plan, report)

    def _write_photos(
        self,
        engine: Engine,
        state: OutputState,
        plan: Plan,
        photos: list[PhotoFiles],
        report: BuildReport,
    ) -> None:
        """dist/<slug>/photos/: each photo's renditions and its original with metadata."""
        for photo in photos:
            if photo.error:
                report.fail(photo.error)
                continue
            for name, key, source in photo.outputs(engine.cache):
                rel = f"{plan.slug}/{PHOTOS_DIR}/{name}"
                self._record(state, rel, state.copy(rel, key, source), report)

    def _record(self, state: OutputState, rel: str, written: bool, report: BuildReport) -> None:
        path = state.out_dir / rel
        if written:
            report.written.append(path)
            if self.on_write:
                self.on_write(rel)
        else:
            report.unchanged.append(path)

    def _write_index(
        self, engine: Engine, state: OutputState, plan: Plan, report: BuildReport
    ) -> None:
        """dist/<slug>/index.html: the release in all its published languages."""
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
            "index",
            plan.key,
            engine.templates.key("index.html"),
            engine.locales(default),
            [vars(e) for e in entries],
        )
        if state.up_to_date(rel, key):
            report.unchanged.append(state.out_dir / rel)
            return
        text = render_release_index(engine.ws, plan.views[default], default, entries)
        self._record(state, rel, state.write(rel, key, text.encode("utf-8")), report)
