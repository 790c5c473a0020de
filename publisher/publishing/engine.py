"""Plan, render and cache the steps of a build; run the misses in parallel.

A build is three rounds of steps, each a pure function of its inputs:

1. plan (per release): which languages may be published, and the listing data;
2. web pages (per release and page variant);
3. PDFs (per release and language), with page count and thumbnail.

For each step the engine computes its key (a hash of its inputs, see
`fingerprint`), takes the result from the cache when it is there, and runs the
misses: in this process when there are few, else in a pool of `jobs` worker
processes that each import WeasyPrint once. Nothing is imported or spawned when
every key hits, which is what keeps a no-op rebuild well under a second.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, cast

from publisher.core import journal
from publisher.core.photos import PHOTOS_DIR
from publisher.core.release import Release
from publisher.core.reviewers import REGISTER_NAME
from publisher.core.wording import counted, listing
from publisher.core.workspace import CONFIG_NAME, Workspace
from publisher.errors import PublisherError, UnfinishedChange, Unpublishable
from publisher.publishing import fingerprint as fp
from publisher.publishing import steps
from publisher.publishing.cache import CACHE_DIRNAME, Cache
from publisher.publishing.records import ListingView, PhotoCredits, plan_meta
from publisher.publishing.workers import (
    POOL_THRESHOLD,
    ProgressHook,
    StepResult,
    WorkerPool,
)
from publisher.render import fonts as font_files
from publisher.render import pdf_runtime, templating
from publisher.render.templating import catalog_paths, locale_dirs, template_dirs


@dataclass
class Plan:
    """The cached verdict on one release (see steps.plan_step)."""

    slug: str
    key: str
    files: dict[str, str]
    error: PublisherError | None = None
    date: str = ""
    source_lang: str = ""
    languages: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    refused: dict[str, Unpublishable] = field(default_factory=dict)
    #: What listings show of each published language (see `views`), when at hand.
    _views: dict[str, ListingView] | None = None
    #: Reads the views from the plan's cache entry when they are not at hand.
    _load_views: Callable[[], dict[str, ListingView]] | None = None
    #: lang -> each photo's caption as published in it, and whether it is translated
    captions: dict[str, list[list[Any]]] = field(default_factory=dict)
    #: lang -> digest of its approved segments (a draft page marks the others)
    approvals: dict[str, str] = field(default_factory=dict)
    #: the release's photos: file, credit, copyright (captions: see `captions`)
    photos: list[PhotoCredits] = field(default_factory=list)

    @property
    def views(self) -> dict[str, ListingView]:
        """Title, summary, dateline... of each published language, for listings: read from
        the cache only when a listing needs them (a no-op build of thousands never does)."""
        if self._views is None:
            self._views = self._load_views() if self._load_views is not None else {}
        return self._views

    number: str | None = None
    embargo: str | None = None
    #: the title in the first published language (photo metadata)
    headline: str = ""


@dataclass
class PhotoFiles:
    """One photo's published files: its web renditions and the original with metadata."""

    file: str
    renditions: Step
    original: Step

    @property
    def error(self) -> PublisherError | None:
        return self.renditions.error or self.original.error

    def outputs(self, cache: Cache) -> list[tuple[str, str, str]]:
        """(name in photos/, cache key, cached file) of every file, the original first."""
        out = [(self.file, self.original.key, cache.location(self.original.key, self.file))]
        out += [
            (name, self.renditions.key, cache.location(self.renditions.key, name))
            for name in self.renditions.meta.get("files", [])
        ]
        return out


@dataclass
class Step:
    """A rendered step: its key and meta, or the error that stopped it."""

    key: str
    meta: dict[str, Any]
    error: PublisherError | None = None


@dataclass(kw_only=True)
class StepCounts:
    """What a build rendered now and took from the cache, for its summary line."""

    #: steps rendered now / taken from the cache, by kind ("pdf", "html", "plan")
    rendered: dict[str, int] = field(default_factory=dict)
    cached: dict[str, int] = field(default_factory=dict)
    #: "<slug>/<lang>.pdf" for every output actually rendered (not from the cache)
    rendered_items: list[str] = field(default_factory=list)
    summary: str = ""

    def take_counts(self, engine: Engine) -> None:
        self.rendered = dict(engine.rendered)
        self.cached = dict(engine.cached)
        self.rendered_items = list(engine.rendered_items)
        self.summary = engine.summary()


class PendingPdfs:
    """PDFs started by `Engine.start_pdfs`: `result` waits for the renders still running
    (a thread waits on the workers meanwhile, holding no lock this process needs) and
    gives what `Engine.pdfs` gives; an error of the engine's own (a bug) is raised there."""

    def __init__(
        self,
        found: dict[tuple[str, str], Step],
        outcome: Future[list[StepResult]] | list[StepResult],
        took: Callable[[list[StepResult]], None],
    ) -> None:
        self._found = found
        self._outcome = outcome
        self._took: Callable[[list[StepResult]], None] | None = took

    def result(self) -> dict[tuple[str, str], Step]:
        if self._took is not None:
            outcome = self._outcome
            results = outcome.result() if isinstance(outcome, Future) else outcome
            took, self._took = self._took, None
            took(results)
        return self._found


class Engine:
    def __init__(
        self,
        ws: Workspace,
        *,
        jobs: int | None = None,
        progress: ProgressHook | None = None,
        eager: bool = False,
        stats: fp.StatCache | None = None,
        pool: WorkerPool | None = None,
    ) -> None:
        """`eager`: start the workers as soon as any release changed, even for a few PDFs
        (the site: its no-op and one-change rebuilds are the common case, and the workers
        start while the changed release is checked). Otherwise a few PDFs render in this
        process, which costs less than starting workers when nothing else runs meanwhile.

        `pool`: workers that outlive this build (the server's resident renderer); the
        engine then leaves them running when it closes. Its `jobs` win over `jobs`."""

        # A build in a long-lived process (tests, the web review) sees the templates as
        # they are now.
        templating.forget_compiled_templates()
        self.ws = ws
        self._own_pool = pool is None
        self.pool = pool if pool is not None else WorkerPool(jobs)
        self.pool.progress = progress
        self.jobs = self.pool.jobs
        self.progress = progress
        self.eager = eager
        self.cache = Cache(ws.root / CACHE_DIRNAME, indexed=True)
        self.stats = stats or fp.StatCache(self.cache.stats_path)
        self.templates = fp.TemplateHasher(template_dirs(ws.templates_dir))
        self._locale_dirs = locale_dirs(ws.locales_dir)
        self._locales: dict[str, str] = {}
        self._fonts: str | None = None
        #: rendered / cached per step kind: what tests and the CLI report.
        self.rendered: Counter[str] = Counter()
        self.cached: Counter[str] = Counter()
        self.rendered_items: list[str] = []
        #: Web renditions made before the PDFs, with the print renditions (see `pdfs`):
        #: `photos` finds them in the cache and counts them as rendered by this build.
        self._renditions_made: set[str] = set()
        #: This build, for the PDF steps: those rendered in one process share a font
        #: configuration for the build, never beyond it (render/pdf_runtime.py).
        self.build_id = secrets.token_hex(8)
        # Inputs of every release: the configuration, the glossary (QA), and the boilerplate
        # (About and contact roles, with its history: its approvals).
        self.config = fp.digest(
            fp.tool_fingerprint(),
            fp.file_hash(ws.root / CONFIG_NAME),
            fp.file_hash(ws.root / "glossary.toml"),
            fp.release_files(ws.boilerplate_dir, self.stats) if ws.boilerplate_dir.is_dir() else {},
        )
        # The register's keys decide the rule's answer when [review] require asks for
        # evidence (a removed key fails its signatures): an input of the plans only.
        self.register = fp.file_hash(ws.root / REGISTER_NAME) if ws.config.require else ""

    # ------------------------------------------------------------------ inputs

    def locales(self, lang: str) -> str:
        if lang not in self._locales:
            # Positions, not absolute paths: a workspace moved or copied keeps its cache.
            found = [
                [index, p.relative_to(d).as_posix(), fp.file_hash(p)]
                for index, d in enumerate(self._locale_dirs)
                for p in catalog_paths(d, lang)
            ]
            self._locales[lang] = fp.digest(found)
        return self._locales[lang]

    def fonts(self) -> str:
        if self._fonts is None:
            self._fonts = font_files.fingerprint()
        return self._fonts

    # ------------------------------------------------------------------ steps

    def plans(
        self, releases: Iterable[Release], *, draft: bool, known: Mapping[str, Plan] | None = None
    ) -> list[Plan]:
        """Each release's plan. `known`: plans of releases whose files the caller knows
        unchanged since it got them (a watcher saw no event there), taken as they are
        without reading the release's files (see publishing/live.py)."""
        plans: list[Plan] = []
        misses: list[tuple[Plan, tuple[Any, ...]]] = []
        expected_pdfs = 0
        for release in releases:
            same = known.get(release.slug) if known is not None else None
            if same is not None and same.error is None:
                plans.append(same)
                self.cached["plan"] += 1
                continue
            files = fp.release_files(release.root, self.stats)
            locales = {lang: self.locales(lang) for lang in release.languages}
            key = fp.digest("plan", release.slug, self.config, self.register, files, locales, draft)
            plan = Plan(release.slug, key, files)
            try:  # a release with an unfinished change is read by nobody, cache or not
                journal.refuse_unfinished(release.root)
            except UnfinishedChange as error:
                plan.error = error
                plans.append(plan)
                continue
            meta = self.cache.get(key)
            if meta is None:
                args = (str(self.ws.root), release.slug, draft, key, str(self.cache.root.parent))
                misses.append((plan, args))
                expected_pdfs += len(release.languages)
            else:
                self._fill(plan, meta)
                if plan._views is None:
                    plan._load_views = partial(full_views, self.cache, key)
                self.cached["plan"] += 1
            plans.append(plan)
        if expected_pdfs >= POOL_THRESHOLD:
            # Changed releases mean PDFs to render: start the workers (and their WeasyPrint
            # import) on the other cores now, while this process checks the releases.
            self.pool.warm_up()
        elif misses and self.eager and not self.pool.starting():
            # One release changed: its few PDFs are rendered by workers forked from this
            # process (see _run_forked), which loads the renderer meanwhile.
            self.pool.prepare_renderer(wait=False)
        results = self._run("checking releases", steps.plan_step, [a for _, a in misses])
        for (plan, _), outcome in zip(misses, results, strict=True):
            self._fill(plan, outcome)
            self.rendered["plan"] += 1
        return plans

    @staticmethod
    def _fill(plan: Plan, outcome: dict[str, Any] | PublisherError) -> None:
        if isinstance(outcome, PublisherError):
            plan.error = outcome
            return
        meta = plan_meta(outcome)
        plan.date = meta["date"]
        plan.source_lang = meta["source_lang"]
        plan.languages = meta["languages"]
        plan.published = meta["published"]
        plan.refused = {
            lang: cast(Unpublishable, PublisherError.from_dict(data))
            for lang, data in meta["refused"].items()
        }
        if "views" in meta:
            plan._views = meta["views"]
        plan.captions = meta.get("captions", {})
        plan.approvals = meta.get("approvals", {})
        plan.photos = meta.get("photos", [])
        plan.number = meta.get("number")
        plan.embargo = meta.get("embargo")
        plan.headline = meta.get("headline", "")

    def html(
        self, plans: list[Plan], *, draft: bool, variant: str, params: dict[str, Any]
    ) -> dict[str, Step]:
        """Web pages of each plan's published languages; slug -> Step (files `<lang>.html`)."""
        root = "site_release.html" if variant == "site" else "web.html"
        template_key = self.templates.key(root)
        found: dict[str, Step] = {}
        misses: list[tuple[str, tuple[Any, ...]]] = []
        for plan in plans:
            if plan.error or not plan.published:
                continue
            key = fp.digest("html", variant, plan.key, template_key, plan.published, params)
            meta = self.cache.get(key)
            if meta is None:
                args = (
                    str(self.ws.root),
                    plan.slug,
                    draft,
                    plan.published,
                    variant,
                    params,
                    key,
                    str(self.cache.root.parent),
                )
                misses.append((plan.slug, args))
                found[plan.slug] = Step(key, {})
            else:
                found[plan.slug] = Step(key, meta)
                self.cached["html"] += len(meta.get("files", []))
        results = self._run("web pages", steps.html_step, [a for _, a in misses])
        for (slug, _), outcome in zip(misses, results, strict=True):
            if isinstance(outcome, PublisherError):
                found[slug].error = outcome
                continue
            found[slug].meta = outcome
            count = len(outcome.get("files", []))
            self.rendered["html"] += count
            self.rendered_items += [f"{slug}/{name}" for name in outcome.get("files", [])]
        return found

    def photos(
        self, plans: list[Plan], known: Mapping[str, Step] | None = None
    ) -> dict[str, list[PhotoFiles]]:
        """Each published plan's photos: renditions (keyed by the image alone, so a caption
        edit does not resize it again) and the original with the captions of the languages
        published; slug -> one PhotoFiles per photo, in order. `known`: steps by key that
        the caller already has (and counted), shared with these plans' photos."""
        found: dict[str, list[PhotoFiles]] = {}
        rendition_misses: list[tuple[Step, tuple[Any, ...]]] = []
        original_misses: list[tuple[Step, tuple[Any, ...]]] = []
        cache_root = str(self.cache.root.parent)
        seen: dict[str, Step] = dict(known or {})
        for plan in plans:
            if plan.error or not plan.published or not plan.photos:
                continue
            root = self.ws.releases_dir / plan.slug
            files: list[PhotoFiles] = []
            for index, photo in enumerate(plan.photos):
                name = photo["file"]
                rel = f"{PHOTOS_DIR}/{name}"
                image = plan.files.get(rel, "")
                path = str(root / rel)
                # Every key holds the file name: the cache stores a step's files under the
                # names they are published as, so two entries with the same bytes (ok.jpg,
                # ok-2.jpg) are two steps, each writing the names its pages reference.
                p_key = print_photo_key(image, name)
                r_key = renditions_key(image, name)
                metadata = {
                    # a draft shows an untranslated caption in the source language: not a
                    # caption of that language
                    "captions": {
                        lang: shown[index][0]
                        for lang in plan.published
                        if index < len(shown := plan.captions.get(lang, [])) and shown[index][1]
                    },
                    "credit": photo["credit"],
                    "copyright": photo.get("copyright"),
                    "copyrights": {
                        lang: text
                        for lang, text in (photo.get("copyrights") or {}).items()
                        if lang in plan.published and text
                    },
                    "embargo": plan.embargo,
                    "reference": plan.number or plan.slug,
                    "headline": plan.headline,
                }
                o_key = fp.digest("photo", image, name, metadata, fp.tool_fingerprint())
                pair = []
                for key, args, misses in (
                    (r_key, (path, name, r_key, cache_root, p_key), rendition_misses),
                    (o_key, (path, name, metadata, o_key, cache_root), original_misses),
                ):
                    step = seen.get(key)
                    if step is None:  # releases sharing a photo (bytes and name) share its files
                        step = seen[key] = Step(key, {})
                        meta = self.cache.get(key)
                        if meta is None:
                            misses.append((step, args))
                        else:
                            step.meta = meta
                            made = self.rendered if key in self._renditions_made else self.cached
                            made["photo"] += len(meta.get("files", []))
                    pair.append(step)
                files.append(PhotoFiles(name, pair[0], pair[1]))
            found[plan.slug] = files
        for stage, fn, misses in (
            ("photos", steps.renditions_step, rendition_misses),
            ("photo metadata", steps.photo_step, original_misses),
        ):
            results = self._run(stage, fn, [a for _, a in misses])
            for (step, _), outcome in zip(misses, results, strict=True):
                if isinstance(outcome, PublisherError):
                    step.error = outcome
                else:
                    step.meta = outcome
                    self.rendered["photo"] += len(outcome.get("files", []))
        return found

    def pdfs(
        self,
        wanted: list[tuple[Plan, str]],
        *,
        draft: bool,
        thumbnails: bool = False,
        web_photos: bool = False,
    ) -> dict[tuple[str, str], Step]:
        """One PDF per (plan, language); (slug, lang) -> Step (files out.pdf, thumb.png).

        `web_photos`: the build publishes web pages too (`photos` follows): each photo's
        web renditions are made with its print rendition, before the PDFs, from it."""
        return self.start_pdfs(
            wanted, draft=draft, thumbnails=thumbnails, web_photos=web_photos
        ).result()

    def start_pdfs(
        self,
        wanted: list[tuple[Plan, str]],
        *,
        draft: bool,
        thumbnails: bool = False,
        web_photos: bool = False,
    ) -> PendingPdfs:
        """`pdfs`, the renders left running in the workers when they are up or starting
        (`WorkerPool.starting`): this process goes on with other work until it asks for the
        `result`. Keys, cache lookups and print photos are done here, now."""
        if not wanted:
            return PendingPdfs({}, [], lambda _results: None)
        template_key = self.templates.key("print.html")
        found: dict[tuple[str, str], Step] = {}
        misses: list[tuple[tuple[str, str], tuple[Any, ...]]] = []
        for plan, lang in wanted:
            files = fp.files_for_language(plan.files, lang)
            key = fp.digest(
                "pdf",
                plan.slug,
                self.config,
                files,
                plan.approvals.get(lang, ""),
                self.locales(lang),
                template_key,
                self.fonts(),
                draft,
                lang,
            )
            meta = self.cache.get(key)
            if meta is None:
                # The site's thumbnail is made while the PDF is at hand (see `thumbnails`).
                thumb_key = fp.digest("thumbnail", key) if thumbnails else ""
                photo_keys = {
                    photo["file"]: print_photo_key(
                        plan.files.get(f"{PHOTOS_DIR}/{photo['file']}", ""), photo["file"]
                    )
                    for photo in plan.photos
                }
                args = (
                    str(self.ws.root),
                    plan.slug,
                    lang,
                    draft,
                    key,
                    str(self.cache.root.parent),
                    thumb_key,
                    photo_keys,
                    self.build_id,
                    self.fonts(),
                )
                misses.append(((plan.slug, lang), args))
                found[(plan.slug, lang)] = Step(key, {})
            else:
                found[(plan.slug, lang)] = Step(key, meta)
                self.cached["pdf"] += 1
        web: dict[str, str] = {}
        if web_photos:
            for plan, _lang in wanted:
                for photo in plan.photos:
                    image = plan.files.get(f"{PHOTOS_DIR}/{photo['file']}", "")
                    web[print_photo_key(image, photo["file"])] = renditions_key(
                        image, photo["file"]
                    )
        self._print_photos([args for _, args in misses], web)
        # Chinese PDFs take longest: start them first so no worker idles at the end.
        misses.sort(key=lambda item: item[0][1] != "zh-Hans")
        calls = [args for _, args in misses]
        outcome: Future[list[StepResult]] | list[StepResult]
        if calls and self.pool.starting():
            running = ThreadPoolExecutor(1, thread_name_prefix="publisher-pdfs")
            outcome = running.submit(self._run, "PDFs", steps.pdf_step, calls, heavy=True)
            running.shutdown(wait=False)  # its one task goes on; the thread ends after it
        else:
            outcome = self._run("PDFs", steps.pdf_step, calls, heavy=True)
        return PendingPdfs(found, outcome, partial(self._took_pdfs, found, misses))

    def _took_pdfs(
        self,
        found: dict[tuple[str, str], Step],
        misses: list[tuple[tuple[str, str], tuple[Any, ...]]],
        results: list[StepResult],
    ) -> None:
        for (ident, _), outcome in zip(misses, results, strict=True):
            if isinstance(outcome, PublisherError):
                found[ident].error = outcome
            else:
                found[ident].meta = outcome
                self.rendered["pdf"] += 1
                self.rendered_items.append(f"{ident[0]}/{ident[1]}.pdf")

    def _print_photos(self, pdf_calls: list[tuple[Any, ...]], web: dict[str, str]) -> None:
        """Each photo's print rendition that the PDFs to render need and the cache lacks,
        made once now (a PDF step whose photo failed here makes it again, and says why).

        `web`: print key -> key of the web renditions the build publishes too. Those the
        cache lacks are made in the same step, from the print rendition just made (the
        original decoded once): while WeasyPrint loads for the PDFs (below) they cost no
        wall time. One that fails here is made again by `photos`, which reports why."""
        wanted: dict[str, tuple[Any, ...]] = {}
        for root, slug, _lang, _draft, _key, cache_root, _thumb, photo_keys, *_ in pdf_calls:
            for name, key in photo_keys.items():
                if key not in wanted and self.cache.get(key) is None:
                    r_key = web.get(key, "")
                    if r_key and self.cache.get(r_key) is not None:
                        r_key = ""
                    wanted[key] = (root, slug, name, key, cache_root, r_key)
        if wanted and self.pool.forks_for(len(pdf_calls)):
            # The PDFs render in workers forked from this process once it has loaded
            # WeasyPrint (about a second of Python): it loads in a thread meanwhile, on the
            # other core, while Pillow (which lets go of the GIL) decodes and encodes here.
            self.pool.prepare_renderer(wait=False)
        calls = list(wanted.values())
        results = self._run("photos for print", steps.print_photo_step, calls)
        for args, outcome in zip(calls, results, strict=True):
            if args[-1] and not isinstance(outcome, PublisherError):
                self._renditions_made.add(args[-1])

    def thumbnails(self, pdfs: dict[tuple[str, str], Step]) -> dict[tuple[str, str], Step]:
        """A first-page PNG per rendered PDF (only the site lists them); keyed by the PDF's key."""
        found: dict[tuple[str, str], Step] = {}
        misses: list[tuple[tuple[str, str], tuple[Any, ...]]] = []
        for ident, pdf in pdfs.items():
            if pdf.error:
                found[ident] = pdf
                continue
            key = fp.digest("thumbnail", pdf.key)
            meta = self.cache.get(key)
            if meta is None:
                source = str(self.cache.file(pdf.key, "out.pdf"))
                misses.append((ident, (source, key, str(self.cache.root.parent))))
                found[ident] = Step(key, {})
            else:
                found[ident] = Step(key, meta)
        results = self._run("thumbnails", steps.thumbnail_step, [a for _, a in misses])
        for (ident, _), outcome in zip(misses, results, strict=True):
            if isinstance(outcome, PublisherError):
                found[ident].error = outcome
            else:
                found[ident].meta = outcome
        return found

    # ------------------------------------------------------------------ running

    def _run(
        self,
        stage: str,
        fn: Callable[..., dict[str, Any]],
        calls: list[tuple[Any, ...]],
        *,
        heavy: bool = False,
    ) -> list[StepResult]:
        """The steps' results in order (see `WorkerPool.run`)."""
        return self.pool.run(stage, fn, calls, heavy=heavy)

    def close(self) -> None:
        self.stats.save()
        self.cache.save_index()
        if self.rendered["pdf"]:
            pdf_runtime.release_fonts()  # the build's, if its PDFs rendered here
        if self._own_pool:
            self.pool.close()
        else:
            self.pool.progress = None

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def summary(self) -> str:
        """ "Rendered 3 PDFs and 3 web pages; 597 PDFs came from the cache." for the CLI."""
        return summary_line(self.rendered, self.cached)


#: The kinds of output a summary counts, with their names.
OUTPUT_KINDS = {"pdf": "PDF", "html": "web page", "photo": "photo file"}


def summary_line(rendered: Mapping[str, int], cached: Mapping[str, int]) -> str:
    """A build's summary from its counts of outputs by kind, rendered and from the cache."""

    def kinds(counts: Mapping[str, int]) -> list[str]:
        return [
            counted(counts[kind], label) for kind, label in OUTPUT_KINDS.items() if counts.get(kind)
        ]

    made, kept = kinds(rendered), kinds(cached)
    text = f"Rendered {listing(made) or 'nothing'}"
    if kept:
        text += f"; {listing(kept)} came from the cache"
    return text + "."


def full_views(cache: Cache, key: str) -> dict[str, ListingView]:
    """What listings show of each published language of the plan under `key`, read from
    its cache entry (the index of metas leaves them out)."""
    meta = cache.get(key, full=True)
    return plan_meta(meta).get("views", {}) if meta is not None else {}


def renditions_key(image_hash: str, name: str) -> str:
    """The cache key of a photo's web renditions: its content, its name, the tool's code."""
    return fp.digest("renditions", image_hash, name, fp.tool_fingerprint())


def print_photo_key(image_hash: str, name: str) -> str:
    """The cache key of a photo's print rendition: its content, the name it is stored
    under in the cache, and the tool's code."""
    return fp.digest("print-photo", image_hash, name, fp.tool_fingerprint())


def cache_dir(ws: Workspace) -> Path:
    return ws.root / CACHE_DIRNAME
