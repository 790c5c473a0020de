"""`publisher site`: a static site of every publishable release, in every language.

Layout (all links relative, so it works opened from disk and from any server):

    index.html                       the front door: one link per language
    <lang>/index.html                home page: every release, newest first
    <lang>/feed.xml                  Atom feed (needs --base-url)
    sitemap.xml                      with hreflang alternates (needs --base-url)
    releases/<slug>/<lang>.html      the build's web page plus site navigation
    releases/<slug>/<lang>.pdf       the build's PDF
    releases/<slug>/<lang>.png       its first page, for the listings
    releases/<slug>/index.html       the release in all languages (x-default)

A release appears when at least one language passes the build's publishing
rule (required state reached, no QA errors). Files an earlier run wrote that are
no longer produced (a release withdrawn or embargoed, a language refused) are
removed. A failure is not a verdict: a release or language whose step fails (a
damaged or missing photo, a PDF that does not render) keeps what an earlier build
published of it, its files and, where the site index has its record, its listing
entries (publishing/site_kept.py says what is kept, and what not); it is named in
`failed`, and the rest of the archive is published all the same (home pages, feeds,
sitemap), so one bad release never holds back the others.

A dead worker (the out-of-memory killer, a signal, a crash in a library) says nothing
about any release, and the steps it took down are whichever happened to be queued: the
build then writes and removes nothing in the output folder (`untouched`), and says so.
The steps that finished are in the cache, so the next build continues from them. Simpler
and safer than publishing part of it: the site stays one whole build's, even for the
releases no earlier build recorded, and the web server's copy is not churned.

The output folder is the site's own (publishing/site_folder.py: `claim_output`).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from babel.support import NullTranslations

from publisher.core.languages import native_name
from publisher.core.photos import PHOTOS_DIR
from publisher.core.release import Release
from publisher.core.tomlfile import TomlReader, read_toml
from publisher.core.workspace import Workspace
from publisher.errors import PublisherError, StorageError, Unpublishable
from publisher.publishing.builders import feeds
from publisher.publishing.builders.base import Builder
from publisher.publishing.builders.site_listings import (
    Sitemap,
    listing_key,
    size_text,
    write_listings,
)
from publisher.publishing.cache import CACHE_DIRNAME, Cache, OutputState
from publisher.publishing.engine import (
    OUTPUT_KINDS,
    Engine,
    PhotoFiles,
    Plan,
    Step,
    StepCounts,
    full_views,
    summary_line,
)
from publisher.publishing.fingerprint import StatCache, digest
from publisher.publishing.pages import render_release_index
from publisher.publishing.records import pdf_meta, thumb_meta
from publisher.publishing.site_folder import (
    normalise_base_url,
)
from publisher.publishing.site_index import (
    IndexedRelease,
    Made,
    PublishedReleases,
    SiteIndex,
    UnreadRelease,
    index_context,
    take_indexed,
)
from publisher.publishing.site_kept import (
    Failure,
    Kept,
    failure_lines,
    keep_published,
    relink,
    step_failures,
    unreadable_plans,
    worker_died,
)
from publisher.publishing.site_memo import NoOpAnswer, SiteMemo
from publisher.publishing.site_scan import by_slug, load_unread, read_releases
from publisher.publishing.workers import ProgressHook, WorkerPool
from publisher.render.html import render_template
from publisher.render.model import Alternate
from publisher.render.templating import (
    locale_dirs,
    make_environment,
    template_dirs,
    translations_for,
)
from publisher.workflow import embargo as embargoes

#: At most this many changed releases have their PDFs started before the others are
#: looked up (`_build`): a few releases' PDFs are one batch for the workers, which no
#: other step of the build then waits on or replaces (workers.TASKS_PER_WORKER).
EARLY_RELEASES = 8


@dataclass
class SiteReport(StepCounts):
    out_dir: Path
    releases: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # languages the publishing rule refused
    #: per failed release and cause (an error: the command exits 1), "<slug> failed: why; the
    #: version published before is kept" (or "<slug>/<lang> failed: ..."), or "<slug> is
    #: not on the site: why" when nothing of it is listed (site_kept.py `failure_lines`)
    failed: list[str] = field(default_factory=list)
    #: a worker died: nothing in the output folder was written or removed
    untouched: bool = False
    #: slug -> embargo time, for releases held back (nothing of them is in the site)
    embargoed: dict[str, dt.datetime] = field(default_factory=dict)

    @property
    def next_lift(self) -> dt.datetime | None:
        """When the next held-back release may appear (rebuild the site then)."""
        return min(self.embargoed.values(), default=None)


def site_languages(ws: Workspace) -> list[str]:
    return list(dict.fromkeys([ws.config.source_language, *ws.config.target_languages]))


def on_the_site(plan: Plan, langs: list[str]) -> Plan:
    """The plan as the site publishes it: only the site's languages (the workspace's). A
    release language the workspace no longer has is refused, said as the rule's refusals
    are: the site has no home page or feed for it to link to."""
    outside = [lang for lang in plan.published if lang not in langs]
    if not outside:
        return plan
    refused = dict(plan.refused)
    for lang in outside:
        refused[lang] = Unpublishable(
            f"{plan.slug}: {lang} not published on the site: not a language of the "
            "workspace ([workspace] target_languages in publisher.toml)",
            release=plan.slug,
            lang=lang,
            blocking=[],
        )
    published = [lang for lang in plan.published if lang in langs]
    return replace(plan, published=published, refused=refused)


class SiteBuilder(Builder[SiteReport]):
    """The static site of every publishable release (see the module docstring)."""

    name = "site"
    # A site's no-op and one-change rebuilds are the common case: start the workers while
    # the changed release is checked.
    eager = True

    def __init__(
        self,
        ws: Workspace,
        *,
        out_dir: Path,
        base_url: str | None = None,
        now: dt.datetime | None = None,
        early: Sequence[str] = (),
        clocked: bool = False,
        jobs: int | None = None,
        progress: ProgressHook | None = None,
        pool: WorkerPool | None = None,
        stats: StatCache | None = None,
        known_plans: dict[str, Plan] | None = None,
        memo: SiteMemo | None = None,
        unreadable: Sequence[PublisherError] = (),
        published: PublishedReleases | None = None,
    ) -> None:
        """`unreadable`: why releases could not be loaded (core/release.py `scan_releases`),
        each reported, and kept as published before (site_kept.py);
        `now`: the time embargoes are judged at (default: now); `early`: embargoed
        releases to publish anyway (recorded by workflow/embargo.py `publish_early`);
        `clocked`: judged at a time the caller chose or forcing releases, a build the
        site record (publishing/site_memo.py) never answers nor keeps; `pool` and `stats`:
        see Builder; `known_plans`: see Engine.plans (the live rebuild's); `memo`: the record
        the command asked before it built (publishing/site_memo.py); `published`: what
        earlier builds of this process published (the live rebuild's, which keeps no
        index), from which a release a build fails is kept and listed as it was."""
        super().__init__(ws, jobs=jobs, progress=progress, pool=pool, stats=stats)
        self.out_dir = out_dir
        self.base = normalise_base_url(base_url)
        self.now = now or dt.datetime.now(dt.UTC)
        self.early = set(early)
        self.clocked = clocked
        self.known_plans = known_plans
        #: every release's plan after `build`, by slug (the next live rebuild's known plans)
        self.plans: dict[str, Plan] = {}
        self.memo = memo or SiteMemo(ws, out_dir, {"base_url": base_url})
        #: the output folder's stamp after the build wrote it (`OutputState.stamp`)
        self._outputs: str | None = None
        #: the workers `start_workers` started (this builder stops them)
        self._own_workers: WorkerPool | None = None
        self.unreadable = list(unreadable)
        self.published = published
        #: the releases `read_releases` left unread, by slug (the site index has them)
        self.unread: dict[str, UnreadRelease] = {}
        #: the index `read_releases` read (`_index` binds it to the build's context)
        self._site_index: SiteIndex | None = None
        self._reader: TomlReader = read_toml

    def start_workers(self) -> None:
        """Start the PDF workers now, before the releases are read, when a release folder
        changed since the last build (`SiteMemo.renders_expected`) and several cores are
        used: their forkserver imports WeasyPrint (half a second) on another core while
        this process reads 2,000 release.toml files, the site index and the changed
        release. `build` stops them at its end; `stop_workers` if it never runs."""
        if self.pool is not None or not self.memo.renders_expected():
            return
        pool = WorkerPool(self.jobs, self.progress)
        if pool.jobs > 1:
            pool.warm_up()
            self.pool = self._own_workers = pool

    def stop_workers(self) -> None:
        """Stop the workers `start_workers` started (after they are up)."""
        if self._own_workers is not None:
            self._own_workers.close()
            self.pool = self._own_workers = None

    def recorded_answer(self) -> NoOpAnswer | None:
        """The last build's report, when nothing it read or wrote has changed since and no
        embargo it held back has lifted (publishing/site_memo.py): a no-op answered without
        scanning a release. None when the build must run, and always for a clocked one."""
        return None if self.clocked else self.memo.answer(self.now)

    def remember(self, report: SiteReport, *, broken: Sequence[PublisherError] = ()) -> None:
        """Keep this build as the answer to the next no-op if nothing failed in it (no broken
        or failed release) and it was not clocked; otherwise forget the record, so that the
        next build runs in full."""
        if broken or report.failed or self.clocked:
            self.memo.forget()
            return
        totals = {
            kind: report.rendered.get(kind, 0) + report.cached.get(kind, 0) for kind in OUTPUT_KINDS
        }
        files = len(report.written) + report.unchanged
        answer = NoOpAnswer(
            len(report.releases),
            files,
            totals,
            tuple(report.warnings),
            tuple(report.skipped),
            len(report.embargoed),
            report.next_lift,
            summary_line({}, totals),
        )
        if self._outputs is not None:
            self.memo.record(answer, self._outputs)

    def build(self, releases: Sequence[Release]) -> SiteReport:
        try:
            return self._build(releases)
        finally:
            self.stop_workers()

    def _build(self, releases: Sequence[Release]) -> SiteReport:
        base, ws, out_dir = self.base, self.ws, self.out_dir
        report = SiteReport(out_dir)
        if base is None:
            report.warnings.append(
                "no --base-url: feeds and sitemap.xml need absolute URLs and were not written"
            )
        # Embargoed releases are not even looked at: nothing of them can reach a page, a
        # feed, the sitemap, a listing or a thumbnail, and files an earlier build wrote
        # for them (the embargo set later) are removed with the others no longer produced.
        # Releases left unread (publishing/site_scan.py) are public: their entries say so;
        # one forced out early is read, as the releases under embargo are.
        unread = {slug: u for slug, u in self.unread.items() if slug not in self.early}
        forced = [self._read_late(u) for slug, u in self.unread.items() if slug not in unread]
        public = []
        for release in by_slug([*releases, *(r for r in forced if r is not None)]):
            if embargoes.in_force(release, self.now) and release.slug not in self.early:
                assert release.meta.embargo is not None
                report.embargoed[release.slug] = release.meta.embargo
            else:
                public.append(release)
        with self.engine() as engine:
            if engine.jobs > 1 and self.memo.renders_expected():
                # A release folder changed since the last build: its PDFs will render.
                # The workers' forkserver imports WeasyPrint on another core while this
                # process reads the index and checks the release (0.3-0.5 s at 2,000
                # releases), instead of this process importing it later in a thread,
                # which shares its interpreter lock with that work.
                engine.pool.warm_up()
            state = OutputState(engine.cache, out_dir)
            report.removed = state.sweep()
            index, read_after_all = self._index(engine, public, unread)
            public = by_slug([*public, *read_after_all])
            # What earlier builds published of each release: the index, or what this
            # process's builds published (the live rebuild), the index behind it.
            record: SiteIndex | PublishedReleases | None = index
            if self.published is not None:
                self.published.fallback = index
                record = self.published
            # The releases whose folder changed since the index recorded them are taken in
            # full whatever the lookups find: their PDFs start now, in the workers, while
            # this process looks the others up (a stat of each file they wrote, 0.2 s at
            # 2,000 releases). Only a few: many would share the workers with later steps.
            stale = [r for r in public if index is not None and index.stale(r.slug)]
            if len(stale) > EARLY_RELEASES:
                stale = []
            early = engine.plans(stale, draft=False, known=self.known_plans)
            early_pdfs = engine.start_pdfs(_pdfs_of(early), draft=False, thumbnails=True)
            started = frozenset(plan.slug for plan in early)
            taken = {plan.slug: plan for plan in early}
            indexed: dict[str, IndexedRelease] = {}
            fresh: list[Release] = []
            read_now: list[Release] = []  # unread, but the index could not answer for them
            items: list[Release | UnreadRelease] = [*public, *unread.values()]
            for item in by_slug(items):
                if item.slug in taken:
                    continue
                found = index.lookup(item.slug, state) if index is not None else None
                if found is not None:
                    found.plan._load_views = partial(full_views, engine.cache, found.plan.key)
                    indexed[item.slug] = found
                    continue
                if isinstance(item, Release):
                    fresh.append(item)
                elif (read := self._read_late(item)) is not None:
                    fresh.append(read)
                    read_now.append(read)
            if read_now:
                public = by_slug([*public, *read_now])
            taken.update(
                (plan.slug, plan)
                for plan in engine.plans(fresh, draft=False, known=self.known_plans)
            )
            langs = site_languages(ws)
            taken = {slug: on_the_site(plan, langs) for slug, plan in taken.items()}
            plans = [taken[r.slug] for r in public if r.slug in taken]  # the releases' order
            plans += [found.plan for found in indexed.values()]
            broken, others = unreadable_plans(self.unreadable, ws.releases_dir)
            plans += broken
            report.failed += [error.format() for error in others]
            self.plans = {plan.slug: plan for plan in plans}
            for plan in plans:
                for refusal in plan.refused.values():
                    report.skipped.append(refusal.message)
            listed = [p for p in plans if not p.error and p.published]
            listed.sort(key=lambda p: (p.date, p.slug), reverse=True)
            new = [p for p in listed if p.slug not in indexed]
            site_params = {"base_url": base}
            pages = engine.html(
                new, draft=False, variant="site", params={"pdf": True, "site": site_params}
            )
            # While the workers start and render: the indexed releases' steps, and the
            # sitemap as it is if every release publishes what its plan says.
            indexed_pages, indexed_pdfs, indexed_thumbs, photo_steps = take_indexed(engine, indexed)
            sitemap = Sitemap(base, site_languages(ws))
            if new:
                written = state.files.get("sitemap.xml", [""])[0]
                sitemap.prepare(listed, {slug: r.langs for slug, r in indexed.items()}, written)
            pdfs = early_pdfs.result()
            rest = _pdfs_of([p for p in new if p.slug not in started])
            pdfs |= engine.pdfs(rest, draft=False, thumbnails=True)
            thumbs = engine.thumbnails(pdfs)
            died = worker_died(plans, [*pages.values(), *thumbs.values()], [])
            pages |= indexed_pages
            pdfs |= indexed_pdfs
            thumbs |= indexed_thumbs
            photos = engine.photos(new, known=photo_steps)
            if self._own_workers is not None:  # no step runs after the photos
                self._own_workers.close_soon()
            died = died or worker_died([], [], photos.values())
            report.take_counts(engine)
            if died is not None:
                # Nothing written, nothing removed: see the module docstring.
                report.untouched = True
                report.failed.append(f"the site was left as it was: {died.format()}")
                return report
            site = _Site(engine, state, base, site_languages(ws), report)
            site.thumbs = thumbs
            site.now = self.now
            # Published when the embargo lifted (one forced out early: its date, as before).
            site.embargoes = {
                r.slug: r.meta.embargo
                for r in public
                if r.meta.embargo is not None and r.slug not in self.early
            }
            site.embargoes |= {
                slug: u.embargo
                for slug, u in unread.items()
                if u.embargo is not None and slug in indexed
            }
            # A release a step failed for keeps what was published of it (site_kept.py).
            failed: dict[str, list[Failure]] = {}
            for plan in (p for p in plans if p.slug not in indexed):
                failures = step_failures(plan, pages.get(plan.slug), pdfs, photos.get(plan.slug))
                if failures:
                    failed[plan.slug] = failures
            kept: dict[str, Kept] = {}

            def keep(slugs: Iterable[str]) -> None:
                for slug in slugs:
                    if slug not in kept:
                        earlier = keep_published(
                            ws, self.plans[slug], state, record, engine.cache, site.langs
                        )
                        if earlier is not None:
                            kept[slug] = earlier
                            report.skipped += earlier.refused

            keep(failed)
            available: dict[str, list[str]] = {}
            for plan in listed:
                if plan.slug in indexed:  # its files checked by the index's lookup
                    available[plan.slug] = indexed[plan.slug].langs
                    report.unchanged += len(indexed[plan.slug].outputs)
                    continue
                if plan.slug in kept:
                    continue
                site.current = plan.slug
                try:  # one release's failure is reported; the others are published
                    page = pages[plan.slug]
                    langs = [] if page.error else site.copy_release(plan, page, pdfs)
                    if langs and site.copy_photos(plan, photos.get(plan.slug, [])):
                        available[plan.slug] = langs
                except PublisherError as error:
                    failed.setdefault(plan.slug, []).append((None, error))
                except OSError as exc:
                    failed.setdefault(plan.slug, []).append((None, StorageError.from_os_error(exc)))
            keep(list(failed))  # those that failed while their files were copied
            for slug, failures in failed.items():
                report.failed += failure_lines(slug, failures, kept=slug in kept)
            for slug, keeping in kept.items():  # listed as published before
                keeping.take(pdfs, thumbs)
                available[slug] = keeping.release.langs
                report.unchanged += len(keeping.release.outputs)
            listed = [kept[p.slug].release.plan if p.slug in kept else p for p in plans]
            listed.sort(key=lambda p: (p.date, p.slug), reverse=True)
            shown = [p for p in listed if p.slug in available]
            report.releases = [p.slug for p in shown]
            for plan in shown:
                if plan.slug not in indexed and (plan.slug not in kept or kept[plan.slug].shrunk):
                    site.current = plan.slug
                    site.release_index(plan, available[plan.slug], pdfs)
            site.current = None
            site.homes(shown, available, pdfs)
            if base is not None:
                site.feeds(shown, available, pdfs)
                sitemap.write(site, shown, available)
            site.root()
            for keeping in kept.values():  # no kept page links to a file not on the site
                report.written += relink(keeping, state, base)
            report.removed += state.prune()
            state.save()
            self._outputs = state.stamp()
            made = Made(pages, pdfs, thumbs, photos, site.outputs)
            for slug, keeping in kept.items():
                keeping.release.outputs.update(site.outputs.get(slug, {}))
            for records in (index, self.published):
                if records is not None:
                    records.keep_built(plans, indexed, available, made, failed)
                    for slug, keeping in kept.items():
                        records.carry(slug, keeping.release)
            if index is not None:
                index.save()
        return report

    def read_releases(self, reader: TomlReader) -> list[Release]:
        """The releases to build, but those left unread (`unread`) because the site index
        answers for them by their folders' stamps (publishing/site_scan.py); the errors of
        the folders that do not load are `unreadable`. Ask `recorded_answer` first: its
        walk stamps the folders (without it, every folder is read)."""
        self._reader = reader
        cache = Cache(self.ws.root / CACHE_DIRNAME)
        index = self._site_index = SiteIndex(cache, self.out_dir, time.time_ns())
        releases, self.unread, broken = read_releases(
            self.ws.releases_dir, reader, index, self.memo.releases, self.now
        )
        self.unreadable = list(broken)
        return releases

    def _read_late(self, unread: UnreadRelease) -> Release | None:
        """A release left unread, read after all; None if it no longer loads (its error is
        then reported with the unreadable ones) or its folder is gone."""
        found = load_unread(self.ws.releases_dir, unread, self._reader)
        if isinstance(found, PublisherError):
            self.unreadable.append(found)
            return None
        return found

    def _index(
        self, engine: Engine, public: Sequence[Release], unread: dict[str, UnreadRelease]
    ) -> tuple[SiteIndex | None, list[Release]]:
        """The site index of this output folder (publishing/site_index.py), each public
        release's folder stamped now (None for the live rebuild, which knows from its
        watcher which releases changed); and the releases left unread that had to be read
        after all, since the index was recorded under another context (`unread` is then
        emptied): the context is the one of the releases as read."""
        if self.known_plans is not None:
            return None, []
        index = self._site_index or SiteIndex(engine.cache, self.out_dir, time.time_ns())
        late: list[Release] = []
        langs = site_languages(self.ws)
        theirs = [lang for u in unread.values() for lang in u.languages]
        theirs += [lang for release in public for lang in release.languages]
        if not index.bind(index_context(engine, self.base, langs, theirs)) and unread:
            late = [r for u in unread.values() if (r := self._read_late(u)) is not None]
            unread.clear()
            theirs = [lang for release in (*public, *late) for lang in release.languages]
            index.bind(index_context(engine, self.base, langs, theirs))
        walked = self.memo.releases  # the record's walk of the inputs, when it was asked
        for release in (*public, *late):
            index.stamp(release.slug, release.root, walked.get(release.slug))
        for slug, known in unread.items():
            index.stamp(slug, self.ws.releases_dir / slug, known.stamp)
        return index, late


class _Site:
    """Writes the site's files; each page is rendered only when its inputs' key changed."""

    def __init__(
        self,
        engine: Engine,
        state: OutputState,
        base: str | None,
        langs: list[str],
        report: SiteReport,
    ) -> None:
        self.engine = engine
        self.ws = engine.ws
        self.state = state
        self.base = base
        self.langs = langs
        self.report = report
        self.thumbs: dict[tuple[str, str], Step] = {}
        self.embargoes: dict[str, dt.datetime] = {}  # slug -> its (lifted) embargo
        #: the time the site is built at (embargoes judged then): an empty feed's `updated`
        #: (kept while its key is: the feed changed then)
        self.now = dt.datetime.now(dt.UTC)
        self._translations: dict[str, NullTranslations] = {}
        self._homes: dict[str, list[dict[str, str]]] = {}
        #: the release whose files are being written (None: the listings)
        self.current: str | None = None
        #: slug -> output path -> key, of the files written or found up to date for it
        self.outputs: dict[str, dict[str, str]] = {}

    # ------------------------------------------------------------------ helpers

    def _owned(self, rel: str, key: str) -> None:
        if self.current is not None:
            self.outputs.setdefault(self.current, {})[rel] = key

    def _put(self, rel: str, key: str, make: Any) -> None:
        """Write `rel` from `make()` (str or bytes) unless its key says it is current."""
        self._owned(rel, key)
        if self.state.up_to_date(rel, key):
            self.report.unchanged += 1
            return
        data = make()
        if isinstance(data, str):
            data = data.encode("utf-8")
        if self.state.write(rel, key, data):
            self.report.written.append(rel)
        else:
            self.report.unchanged += 1

    def _copy(self, rel: str, key: str, source: Path | str) -> None:
        self._owned(rel, key)
        if self.state.copy(rel, key, source):
            self.report.written.append(rel)
        else:
            self.report.unchanged += 1

    def env(self, lang: str) -> tuple[Any, Any]:
        """The templates speaking `lang`. Its labels are looked up once per build (the
        workspace's catalogs checked, then compiled once per process): a build writes
        dozens of listing pages per language."""
        translations = self._translations.get(lang)
        if translations is None:
            translations = translations_for(lang, locale_dirs(self.ws.locales_dir))
            self._translations[lang] = translations
        return make_environment(template_dirs(self.ws.templates_dir), translations), translations

    def render(self, lang: str, template: str, **context: Any) -> str:

        env, _ = self.env(lang)
        return render_template(env, template, **context)

    def label(self, lang: str, text: str) -> str:
        label: str = self.env(lang)[1].gettext(text)
        return label

    def organisation(self, lang: str) -> str:
        orgs = self.ws.config.organisation
        return orgs.get(lang) or orgs.get(self.ws.config.source_language, "")

    def templates_key(self, *names: str) -> str:
        return self.engine.templates.key(*names)

    # ------------------------------------------------------------------ releases

    def copy_release(self, plan: Plan, page: Step, pdfs: dict[tuple[str, str], Step]) -> list[str]:
        """Copy a release's pages, PDFs and thumbnails (its page made: see `build`); the
        languages that made it (a PDF that failed is reported by `build`)."""
        langs = []
        for lang in plan.published:
            pdf = pdfs[(plan.slug, lang)]
            if pdf.error:
                continue
            folder = f"releases/{plan.slug}"
            cache = self.engine.cache
            self._copy(f"{folder}/{lang}.html", page.key, cache.location(page.key, f"{lang}.html"))
            self._copy(f"{folder}/{lang}.pdf", pdf.key, cache.location(pdf.key, "out.pdf"))
            thumb = self.thumbs.get((plan.slug, lang))
            if thumb is not None and thumb_meta(thumb.meta).get("thumb"):
                self._copy(
                    f"{folder}/{lang}.png", thumb.key, cache.location(thumb.key, "thumb.png")
                )
            langs.append(lang)
        return langs

    def copy_photos(self, plan: Plan, photos: list[PhotoFiles]) -> bool:
        """Copy a release's photos (renditions, originals with metadata); False if one failed
        (reported by `build`): its pages show them, so the release waits for the next build."""
        if any(photo.error for photo in photos):
            return False
        for photo in photos:
            for name, key, source in photo.outputs(self.engine.cache):
                self._copy(f"releases/{plan.slug}/{PHOTOS_DIR}/{name}", key, source)
        return True

    def homes_for(self, prefix: str) -> list[dict[str, str]]:
        """Each language's home page seen from `prefix` (the links of every page's language
        menu): made once per prefix and build, as every page shows the same."""
        if prefix not in self._homes:
            self._homes[prefix] = self._make_homes(prefix)
        return self._homes[prefix]

    def _make_homes(self, prefix: str) -> list[dict[str, str]]:
        return [
            {
                "lang": lang,
                "href": f"{prefix}{lang}/index.html",
                "native_name": native_name(lang),
                "label": self.label(lang, "Press releases"),
                "organisation": self.organisation(lang),
            }
            for lang in self.langs
        ]

    def release_index(
        self, plan: Plan, langs: list[str], pdfs: dict[tuple[str, str], Step]
    ) -> None:

        rel = f"releases/{plan.slug}/index.html"
        sizes = {lang: pdf_meta(pdfs[(plan.slug, lang)].meta)["size"] for lang in langs}
        key = digest(
            "site-release-index",
            plan.key,
            langs,
            sizes,
            self.langs,
            self.templates_key("site_release_index.html"),
            [self.engine.locales(lang) for lang in self.langs],
        )
        default = plan.source_lang if plan.source_lang in langs else langs[0]

        def make() -> str:
            entries = [
                Alternate(
                    lang,
                    native_name(lang),
                    f"{lang}.html",
                    f"{lang}.pdf",
                    title=plan.views[lang]["title"],
                    dateline=plan.views[lang]["dateline"],
                    pdf_size=size_text(sizes[lang], lang),
                )
                for lang in langs
            ]
            return render_release_index(
                self.ws,
                plan.views[default],
                default,
                entries,
                site={"homes": self.homes_for("../../")},
            )

        self._put(rel, key, make)

    # ------------------------------------------------------------------ listings

    def homes(
        self,
        plans: list[Plan],
        available: dict[str, list[str]],
        pdfs: dict[tuple[str, str], Step],
    ) -> None:
        """The listing pages (builders/site_listings.py)."""
        write_listings(self, plans, available, pdfs)

    def root(self) -> None:
        key = digest(
            "root",
            self.langs,
            self.templates_key("site_root.html"),
            self.engine.config,
            [self.engine.locales(lang) for lang in self.langs],
        )
        source = self.ws.config.source_language

        def make() -> str:
            homes = self.homes_for("")
            root = {
                "lang": source,
                "organisation": self.organisation(source),
                "homes": homes,
                "script_homes": [[h["lang"].lower(), h["href"]] for h in homes],
            }
            return self.render(source, "site_root.html", root=root)

        self._put("index.html", key, make)

    def feeds(
        self,
        plans: list[Plan],
        available: dict[str, list[str]],
        pdfs: dict[tuple[str, str], Step],
    ) -> None:
        assert self.base is not None
        for lang in self.langs:
            newest = [p for p in plans if lang in available[p.slug]][:FEED_LIMIT]
            key = listing_key(self, "feed", newest, available, pdfs)

            def make(lang: str = lang, mine: list[Plan] = newest) -> bytes:
                return feeds.atom(
                    base=self.base or "",
                    lang=lang,
                    title=f"{self.organisation(lang)} – {self.label(lang, 'Press releases')}",
                    author=self.organisation(lang),
                    entries=[
                        feeds.FeedEntry(
                            slug=p.slug,
                            date=p.date,
                            title=p.views[lang]["title"],
                            summary=p.views[lang]["summary"],
                            pdf_length=pdf_meta(pdfs[(p.slug, lang)].meta)["size"],
                            alternates=available[p.slug],
                            embargo=_utc(self.embargoes.get(p.slug)),
                        )
                        for p in mine
                    ],
                    built=_utc(self.now) or "",
                )

            self._put(f"{lang}/feed.xml", digest(key, lang, feeds.FEEDS_VERSION), make)


#: Entries an Atom feed carries (the newest): readers poll it for what is new.
FEED_LIMIT = 50


def _pdfs_of(plans: Sequence[Plan]) -> list[tuple[Plan, str]]:
    """The PDFs the site publishes of these releases: each published language of each
    release with a verdict (the releases the listings show)."""
    return [(p, lang) for p in plans if not p.error for lang in p.published]


def _utc(moment: dt.datetime | None) -> str | None:
    """An instant as Atom writes it: "2024-12-02T01:00:00Z"."""
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
