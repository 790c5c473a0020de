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

import multiprocessing
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, cast

from publisher.core import journal
from publisher.core.photos import PHOTOS_DIR
from publisher.core.release import Release
from publisher.core.wording import counted, listing
from publisher.core.workspace import CONFIG_NAME, Workspace
from publisher.errors import (
    PublisherError,
    StorageError,
    UnfinishedChange,
    Unpublishable,
    WorkerDied,
)
from publisher.publishing import fingerprint as fp
from publisher.publishing import steps
from publisher.publishing.cache import CACHE_DIRNAME, Cache
from publisher.render import fonts as font_files
from publisher.render import templating
from publisher.render.templating import catalog_paths, locale_dirs, template_dirs

#: What a step gives back: its meta (also cached as meta.json), or the error it raised.
StepResult = dict[str, Any] | PublisherError

#: progress(stage, done, total): drives the CLI's progress bar.
ProgressHook = Callable[[str, int, int], None]

#: Fewer misses than this are run in this process (unless the workers are already
#: up): starting workers and importing WeasyPrint costs more than it saves.
POOL_THRESHOLD = 4

#: Workers are replaced after about this many steps each: WeasyPrint's memory (fonts,
#: layout caches, malloc fragmentation) only grows, and fresh workers fork in
#: milliseconds from the forkserver, which has already imported it.
TASKS_PER_WORKER = 100


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


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
    _views: dict[str, dict[str, Any]] | None = None
    #: Reads the views from the plan's cache entry when they are not at hand.
    _load_views: Callable[[], dict[str, dict[str, Any]]] | None = None
    #: lang -> each photo's caption as published in it, and whether it is translated
    captions: dict[str, list[list[Any]]] = field(default_factory=dict)
    #: lang -> digest of its approved segments (a draft page marks the others)
    approvals: dict[str, str] = field(default_factory=dict)
    #: the release's photos: file, credit, copyright (captions: see `captions`)
    photos: list[dict[str, Any]] = field(default_factory=list)

    @property
    def views(self) -> dict[str, dict[str, Any]]:
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


class Engine:
    def __init__(
        self,
        ws: Workspace,
        *,
        jobs: int | None = None,
        progress: ProgressHook | None = None,
        eager: bool = False,
        stats: fp.StatCache | None = None,
    ) -> None:
        """`eager`: start the workers as soon as any release changed, even for a few PDFs
        (the site: its no-op and one-change rebuilds are the common case, and the workers
        start while the changed release is checked). Otherwise a few PDFs render in this
        process, which costs less than starting workers when nothing else runs meanwhile."""

        # A build in a long-lived process (tests, the web review) sees the templates as
        # they are now.
        templating.forget_compiled_templates()
        self.ws = ws
        self.jobs = max(1, jobs or default_jobs())
        self.progress = progress
        self.eager = eager
        self.cache = Cache(ws.root / CACHE_DIRNAME, indexed=True)
        self.stats = stats or fp.StatCache(self.cache.stats_path)
        self.templates = fp.TemplateHasher(template_dirs(ws.templates_dir))
        self._locale_dirs = locale_dirs(ws.locales_dir)
        self._locales: dict[str, str] = {}
        self._fonts: str | None = None
        self._pool: ProcessPoolExecutor | None = None
        self._warming: list[Future[None]] = []
        self._starting: Any = None  # the thread starting the workers, see warm_up()
        #: None, the thread loading the renderer here, or False once it is loaded
        self._preparing: threading.Thread | bool | None = None
        #: rendered / cached per step kind: what tests and the CLI report.
        self.rendered: Counter[str] = Counter()
        self.cached: Counter[str] = Counter()
        self.rendered_items: list[str] = []
        # Inputs of every release: the configuration, the glossary (QA), and the boilerplate
        # (About and contact roles, with its history: its approvals).
        self.config = fp.digest(
            fp.tool_fingerprint(),
            fp.file_hash(ws.root / CONFIG_NAME),
            fp.file_hash(ws.root / "glossary.toml"),
            fp.release_files(ws.boilerplate_dir, self.stats) if ws.boilerplate_dir.is_dir() else {},
        )

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

    def plans(self, releases: Iterable[Release], *, draft: bool) -> list[Plan]:
        plans: list[Plan] = []
        misses: list[tuple[Plan, tuple[Any, ...]]] = []
        expected_pdfs = 0
        for release in releases:
            files = fp.release_files(release.root, self.stats)
            locales = {lang: self.locales(lang) for lang in release.languages}
            key = fp.digest("plan", release.slug, self.config, files, locales, draft)
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
                    plan._load_views = partial(_full_views, self.cache, key)
                self.cached["plan"] += 1
            plans.append(plan)
        if expected_pdfs >= POOL_THRESHOLD:
            # Changed releases mean PDFs to render: start the workers (and their WeasyPrint
            # import) on the other cores now, while this process checks the releases.
            self.warm_up()
        elif misses and self.eager:
            # One release changed: its few PDFs are rendered by workers forked from this
            # process (see _run_forked), which loads the renderer meanwhile.
            self._prepare_renderer(wait=False)
        results = self._run("checking releases", steps.plan_step, [a for _, a in misses])
        for (plan, _), outcome in zip(misses, results, strict=True):
            self._fill(plan, outcome)
            self.rendered["plan"] += 1
        return plans

    @staticmethod
    def _fill(plan: Plan, meta: dict[str, Any] | PublisherError) -> None:
        if isinstance(meta, PublisherError):
            plan.error = meta
            return
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

    def photos(self, plans: list[Plan]) -> dict[str, list[PhotoFiles]]:
        """Each published plan's photos: renditions (keyed by the image alone, so a caption
        edit does not resize it again) and the original with the captions of the languages
        published; slug -> one PhotoFiles per photo, in order."""
        found: dict[str, list[PhotoFiles]] = {}
        rendition_misses: list[tuple[Step, tuple[Any, ...]]] = []
        original_misses: list[tuple[Step, tuple[Any, ...]]] = []
        cache_root = str(self.cache.root.parent)
        seen: dict[str, Step] = {}
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
                r_key = fp.digest("renditions", image, name, fp.tool_fingerprint())
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
                            self.cached["photo"] += len(meta.get("files", []))
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
        self, wanted: list[tuple[Plan, str]], *, draft: bool, thumbnails: bool = False
    ) -> dict[tuple[str, str], Step]:
        """One PDF per (plan, language); (slug, lang) -> Step (files out.pdf, thumb.png)."""
        if not wanted:
            return {}
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
                )
                misses.append(((plan.slug, lang), args))
                found[(plan.slug, lang)] = Step(key, {})
            else:
                found[(plan.slug, lang)] = Step(key, meta)
                self.cached["pdf"] += 1
        # Chinese PDFs take longest: start them first so no worker idles at the end.
        misses.sort(key=lambda item: item[0][1] != "zh-Hans")
        results = self._run("PDFs", steps.pdf_step, [a for _, a in misses], heavy=True)
        for (ident, _), outcome in zip(misses, results, strict=True):
            if isinstance(outcome, PublisherError):
                found[ident].error = outcome
            else:
                found[ident].meta = outcome
                self.rendered["pdf"] += 1
                self.rendered_items.append(f"{ident[0]}/{ident[1]}.pdf")
        return found

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
        """Run `fn(*args)` for each call; `heavy` steps (PDFs) go to warm workers even when few.

        A step that raises a `PublisherError` yields that error, as itself (a worker's
        error is pickled with its type, path and line); the other steps go on.
        """
        total = len(calls)
        if not total:
            return []
        self._report(stage, 0, total)
        results: list[StepResult] = []
        if total < POOL_THRESHOLD and not (heavy and self._started()):
            if heavy and total > 1 and self.jobs > 1:
                forked = self._run_forked(stage, fn, calls)
                if forked is not None:
                    return forked
            for done, args in enumerate(calls, 1):
                try:
                    results.append(fn(*args))
                except PublisherError as error:
                    results.append(error)
                except OSError as exc:
                    results.append(StorageError.from_os_error(exc))
                self._report(stage, done, total)
            return results
        self._started()
        batch = self.jobs * TASKS_PER_WORKER if heavy else total
        for start in range(0, total, batch):
            if start:
                self._recycle()
            pool = self._executor()
            futures = [pool.submit(fn, *args) for args in calls[start : start + batch]]
            for done, _future in enumerate(_as_completed(futures), start + 1):
                self._report(stage, done, total)
            outcomes = [_outcome(future) for future in futures]
            results.extend(outcomes)
            if any(isinstance(outcome, WorkerDied) for outcome in outcomes):
                self._recycle()  # a broken pool takes no more work: the next batch gets a new one
        return results

    def _run_forked(
        self, stage: str, fn: Callable[..., dict[str, Any]], calls: list[tuple[Any, ...]]
    ) -> list[StepResult] | None:
        """A few heavy steps (one release's PDFs) on the other cores too: workers forked
        from this process once it has loaded and warmed the renderer, so they start in
        milliseconds instead of the second a fresh worker needs to import WeasyPrint.

        None (the caller runs them here, one by one) where forking is not safe: another
        thread is running, Python's or a library's own (a lock held at the fork would
        never be released in the child), or the system has no fork; and also when a
        forked worker died: the steps write atomically, so running them again here
        is safe, and a step that kills its process is then reported here as itself.
        """
        if "fork" not in multiprocessing.get_all_start_methods():
            return None
        self._prepare_renderer(wait=True)
        if _thread_count() > 1:
            return None
        context = multiprocessing.get_context("fork")
        workers = min(self.jobs, len(calls))
        results: list[StepResult]
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                # the longest first (Chinese), so that no worker idles at the end
                futures = [pool.submit(fn, *args) for args in calls]
                for done, _future in enumerate(_as_completed(futures), 1):
                    self._report(stage, done, len(calls))
                results = [_outcome(future) for future in futures]
        except BrokenProcessPool:
            return None
        if any(isinstance(result, WorkerDied) for result in results):
            return None
        return results

    def _prepare_renderer(self, *, wait: bool) -> None:
        """Import and warm WeasyPrint in this process (fontconfig, Pango), in a background
        thread while this process does other work, or now (`wait`)."""
        if self._preparing is None:
            if wait:
                steps.init_worker()
                steps.warm_up()
                self._preparing = False
                return
            thread = threading.Thread(target=_prepare, name="publisher-renderer", daemon=True)
            thread.start()
            self._preparing = thread
        elif wait and isinstance(self._preparing, threading.Thread):
            self._preparing.join()
            self._preparing = False

    def _recycle(self) -> None:
        """Replace the workers (see TASKS_PER_WORKER); the forkserver makes this cheap.

        Not `max_tasks_per_child`: on Python 3.11 a pool whose workers all retire that
        way waits forever for replacements that never start.
        """
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
            self._warming = []

    def _report(self, stage: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(stage, done, total)

    def warm_up(self) -> None:
        """Start the worker processes in the background, without waiting for them.

        Starting the forkserver blocks until it has imported WeasyPrint (about a
        second): a thread does that wait while this process carries on checking the
        changed releases.
        """
        if self._pool is not None or self._starting is not None:
            return

        def start() -> None:
            pool = self._executor()
            self._warming = [pool.submit(steps.warm_up) for _ in range(self.jobs)]

        self._starting = threading.Thread(target=start, name="publisher-workers", daemon=True)
        self._starting.start()

    def _started(self) -> bool:
        """Whether workers exist or are starting (then wait until they are up)."""
        if self._starting is not None:
            self._starting.join()
            self._starting = None
        return self._pool is not None

    def _executor(self) -> ProcessPoolExecutor:
        """`jobs` worker processes (also for --jobs 1: WeasyPrint's memory then grows in a
        worker that is replaced now and then, never in this process)."""
        if self._pool is None:
            # forkserver: workers start from a clean process (no threads of ours, no
            # half-held locks) that has imported the renderer once, and fork from it.
            method = (
                "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
            )
            context = multiprocessing.get_context(method)
            if method == "forkserver":
                context.set_forkserver_preload(["publisher.publishing.steps", "weasyprint"])
            self._pool = ProcessPoolExecutor(
                max_workers=self.jobs,
                mp_context=context,
                initializer=steps.init_worker,
            )
        return self._pool

    def close(self) -> None:
        self.stats.save()
        self.cache.save_index()
        self._started()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

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


def _full_views(cache: Cache, key: str) -> dict[str, dict[str, Any]]:
    meta = cache.get(key, full=True) or {}
    views: dict[str, dict[str, Any]] = meta.get("views", {})
    return views


def print_photo_key(image_hash: str, name: str) -> str:
    """The cache key of a photo's print rendition: its content, the name it is stored
    under in the cache, and the tool's code."""
    return fp.digest("print-photo", image_hash, name, fp.tool_fingerprint())


def _thread_count() -> int:
    """Threads in this process, native ones included (a library's thread pool is
    invisible to `threading`); Python's own count where /proc is missing."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def _prepare() -> None:
    steps.init_worker()
    steps.warm_up()


def _outcome(future: Future[dict[str, Any]]) -> StepResult:
    """A finished step's result, or the user error it raised (anything else is a bug)."""
    try:
        return future.result()
    except PublisherError as error:
        return error
    except OSError as exc:
        return StorageError.from_os_error(exc)
    except BrokenProcessPool:
        # killed (the kernel's out-of-memory killer, a signal) or crashed in a library:
        # the step's output was never written, and the ones that finished are cached
        return WorkerDied(
            "a worker process stopped before finishing (killed, or out of memory); "
            "build again: what was finished is kept"
        )


def _as_completed(futures: list[Future[dict[str, Any]]]) -> Iterable[Future[dict[str, Any]]]:
    return as_completed(futures)


def cache_dir(ws: Workspace) -> Path:
    return ws.root / CACHE_DIRNAME
