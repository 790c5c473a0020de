"""The site's index: what the last `publisher site` made of each release, found again by
`lstat` alone, so that a build after one change reads, keys and copies only that release.

Per release it keeps the stamp of its folder (every entry's path, kind, size, mtime,
ctime and inode, a release's journal included: `site_memo.tree_stamp`) and what the build
took from it: its plan (the publishing rule's verdict, dates, photos' credits), the keys
and records of its web pages, PDFs, thumbnails and photo files, and the files it wrote in
the output folder with their keys. The whole index holds under one context: the
configuration, glossary, boilerplate and register (`Engine.config`, `Engine.register`),
the templates, labels and fonts, the base URL and the tool's code. Every key of a release's
steps is a function of its files and of that context (publishing/engine.py), so an
unchanged stamp under an unchanged context means unchanged keys: the build takes the
release as the index says, after one `stat` of each file it wrote (an output edited or
deleted sends the release through the full path, which repairs it).

Invariant: an entry is used only when its stamp and the context are what they were when
a build that published the release in full recorded them, and every output file it
recorded is where that build left it; anything else (no index, a damaged or foreign
one, another format) means the full path for that release, which is always right.
Listings, feeds and the sitemap are still made from every release's facts, the indexed
ones' taken from the index (their listing texts from the cache entry of their plan).
An entry without a stamp (its folder changed within the racy window, or a release a
build failed and kept: `carry`) never answers `lookup`; `published` reads any entry,
whatever its stamp or context: what a release a build fails keeps of what an earlier
build published (publishing/site_kept.py), its files checked there.

What the stamp proves, and what it does not (as make and ninja): an edit that keeps a
file's size, mtime, ctime and inode is not seen. A folder stamped within `RACY_NS` of
the build's start is not recorded (a second edit in the same clock tick would keep its
stamp). The embargo is judged on every build, from release.toml (or from the entry of a
release left unread, which the same release.toml made), so a release held back appears at
the first build after its embargo lifts.

A release whose folder's stamp, taken by the no-op record's walk before the build reads
anything, is its entry's is not even loaded (`unread`, publishing/site_scan.py): its
release.toml is the one the recording build read, so its languages (the context's
locales) and its embargo (judged at the build's time) are the entry's. The stored entries
are read before the context is known (`bind` then gives it): the context takes those
languages, and when it is not the stored one the unread releases are read after all and
the context is made again from them as read (builders/site.py `_index`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Collection, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

from publisher.core import jsonbytes
from publisher.core.fsutil import atomic_write_bytes
from publisher.errors import PublisherError, Unpublishable
from publisher.publishing.cache import Cache, OutputState
from publisher.publishing.engine import Engine, PhotoFiles, Plan, Step
from publisher.publishing.fingerprint import RACY_NS, digest
from publisher.publishing.records import PhotoCredits
from publisher.publishing.site_memo import TreeStamp, tree_stamp

FORMAT = 1


@dataclass(frozen=True)
class UnreadRelease:
    """A release folder a build leaves unread: as its index entry recorded it (`unread`)."""

    slug: str
    #: its folder's stamp, taken before the build read anything
    stamp: TreeStamp
    #: its languages and embargo, from the release.toml the entry's build read
    languages: list[str]
    embargo: dt.datetime | None


@dataclass
class IndexedRelease:
    """One release as the last build made it: its plan, its steps, the files it wrote."""

    plan: Plan
    page: Step | None
    pdfs: dict[str, Step]  # lang -> PDF
    thumbs: dict[str, Step]  # lang -> thumbnail
    photos: list[PhotoFiles]
    #: the languages on the site (the plan's published languages that made it)
    langs: list[str]
    #: output path -> the key it was written under
    outputs: dict[str, str]


@dataclass
class Made:
    """What a site build made of the releases it took in full, by slug."""

    pages: dict[str, Step]
    pdfs: dict[tuple[str, str], Step]
    thumbs: dict[tuple[str, str], Step]
    photos: dict[str, list[PhotoFiles]]
    #: slug -> output path -> key
    outputs: dict[str, dict[str, str]]


class SiteIndex:
    """The index of one output folder (see the module docstring)."""

    def __init__(self, cache: Cache, out_dir: Path, started_ns: int) -> None:
        """Read the stored index; no entry answers `lookup` before `bind` gives the context
        (`unread` may be asked before: the releases are read before the context is known)."""
        self.path = cache.root / "site-index" / f"{digest(str(out_dir.resolve()))[:24]}.json"
        self.context = ""
        self.started = started_ns
        self._stamps: dict[str, str] = {}
        self._entries: dict[str, dict[str, Any]] = {}
        self._kept: dict[str, dict[str, Any]] = {}
        #: every entry of the stored index, whatever its context: what an earlier build
        #: published of a release, kept on the site when this build fails it (`published`)
        self._published: dict[str, dict[str, Any]] = {}
        self._stored_context: str | None = None
        self.changed = False
        try:
            stored = jsonbytes.loads(self.path.read_bytes())
            if stored["format"] == FORMAT:
                self._published = dict(stored["releases"])
                self._stored_context = str(stored["context"])
        except (OSError, ValueError, KeyError, TypeError):
            self._published, self._stored_context = {}, None

    def bind(self, context: str) -> bool:
        """Take this build's context (see the module docstring); whether the stored index
        was recorded under it (else no entry answers `lookup`)."""
        self.context = context
        same = self._stored_context == context
        self._entries = self._published if same else {}
        return same

    def unread(self, slug: str, stamp: TreeStamp) -> UnreadRelease | None:
        """The release as its entry has it, without reading its folder, when `stamp` (taken
        before the build reads anything) is the stamp its entry recorded and not within the
        racy window: its release.toml is then the one that build read, so its languages and
        embargo are the entry's (publishing/site_scan.py). Whatever the context: `bind`
        decides whether the entry answers `lookup`; None if it does not read."""
        entry = self._published.get(slug)
        if entry is None or not stamp.digest or entry.get("stamp") != stamp.digest:
            return None
        if self.started - stamp.newest_ns <= RACY_NS:
            return None
        try:
            plan = entry["plan"]
            embargo = plan["embargo"]
            moment = dt.datetime.fromisoformat(embargo) if embargo is not None else None
            languages = [str(lang) for lang in plan["languages"]]
        except (KeyError, TypeError, ValueError):
            return None
        if moment is not None and moment.tzinfo is None:
            return None
        return UnreadRelease(slug, stamp, languages, moment)

    def stamp(self, slug: str, folder: Path, known: TreeStamp | None = None) -> None:
        """Stamp a release's folder before the build reads it (see `keep`); `known`: its
        stamp taken a moment ago (the no-op record's walk of the workspace)."""
        found = known or tree_stamp(folder)
        if found is not None and self.started - found.newest_ns > RACY_NS:
            self._stamps[slug] = found.digest

    def stale(self, slug: str) -> bool:
        """Whether `lookup` cannot answer for the release, whatever its output files: no
        entry under this context, or its folder's stamp is not the recorded one. Costs
        no `stat`: a build can start such a release's renders before it looks up the
        others."""
        entry = self._entries.get(slug)
        stamp = self._stamps.get(slug)
        return entry is None or not stamp or entry.get("stamp") != stamp

    def lookup(self, slug: str, state: OutputState) -> IndexedRelease | None:
        """The release as the index has it, if its stamp is the recorded one and every
        file it wrote is as it was left (each `state.up_to_date`, which also keeps the
        file from being pruned); else None."""
        if self.stale(slug):
            return None
        entry = self._entries[slug]
        try:
            indexed = _restore(slug, entry)
        except (KeyError, TypeError, ValueError, AttributeError):
            return None
        if not all(state.up_to_date(rel, key) for rel, key in indexed.outputs.items()):
            return None
        self._kept[slug] = entry
        return indexed

    def published(self, slug: str) -> IndexedRelease | None:
        """What an earlier build published of a release in full, as it recorded it, under
        this context or another (its files are on the site as that build wrote them),
        whatever its folder's stamp; None if no build did or its entry does not read.
        For a release this build fails (publishing/site_kept.py), which checks its files."""
        entry = self._published.get(slug)
        if entry is None:
            return None
        try:
            return _restore(slug, entry)
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    def carry(self, slug: str, kept: IndexedRelease) -> None:
        """Record a release kept as an earlier build published it, so that a build that
        fails it again still finds it (`published`); never answers `lookup` (no stamp): the
        next build takes the release in full."""
        self._put(slug, kept, "")

    def keep(self, slug: str, made: IndexedRelease) -> None:
        """Record what this build made of a release it took in full: what `lookup` answers
        if its folder was stamped (not within the racy window), and in any case what
        `published` finds if a later build fails the release."""
        self._put(slug, made, self._stamps.get(slug, ""))

    def _put(self, slug: str, made: IndexedRelease, stamp: str) -> None:
        entry = jsonbytes.loads(jsonbytes.dumps(_record(made)))  # as it reads back, to compare
        entry["stamp"] = stamp
        self._kept[slug] = entry
        if self._entries.get(slug) != entry:
            self.changed = True

    def keep_built(
        self,
        plans: list[Plan],
        indexed: dict[str, IndexedRelease],
        available: dict[str, list[str]],
        made: Made,
        failed: Collection[str] = (),
    ) -> None:
        """Record each release this build took in full and published whole (see
        `built_in_full`)."""
        for slug, release in built_in_full(plans, indexed, available, made, failed):
            self.keep(slug, release)

    def save(self) -> None:
        """Write the index of this build's releases (an unreadable cache: none kept).
        Without fsync (megabytes at 2,000 releases, after every change): a power cut soon
        after may leave the old index, whose entries' stamps or output files then differ
        for what changed, or an empty one, which reads as none; either way the build takes
        those releases in full, as the invariant wants."""
        if not self.changed and self._kept.keys() == self._entries.keys():
            return
        stored = {"format": FORMAT, "context": self.context, "releases": self._kept}
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(self.path, jsonbytes.dumps(stored), durable=False)


def built_in_full(
    plans: list[Plan],
    indexed: dict[str, IndexedRelease],
    available: dict[str, list[str]],
    made: Made,
    failed: Collection[str] = (),
) -> Iterator[tuple[str, IndexedRelease]]:
    """Each release a build took in full and published whole (every language the rule
    allows on the site), or that has nothing to publish, as the build made it; a release
    that failed, whole or in one language, is not one (`failed`: the slugs of releases a
    step failed for, kept or not): it is taken in full again next time."""
    for plan in plans:
        slug = plan.slug
        if (
            slug in indexed
            or slug in failed
            or plan.error
            or available.get(slug, []) != plan.published
        ):
            continue
        langs = plan.published
        thumbs = made.thumbs
        yield (
            slug,
            IndexedRelease(
                plan,
                made.pages.get(slug),
                {lang: made.pdfs[(slug, lang)] for lang in langs},
                {lang: thumbs[(slug, lang)] for lang in langs if (slug, lang) in thumbs},
                made.photos.get(slug, []),
                list(langs),
                made.outputs.get(slug, {}),
            ),
        )


class PublishedReleases:
    """What the builds of one process published of each release in full, held in memory
    from build to build: the live preview's (publishing/live.py), which keeps no index on
    disk between its rebuilds, so that a release a rebuild fails is still listed as the
    last build that published it listed it (publishing/site_kept.py). `fallback`: the
    index on disk, asked for a release no build of this process published."""

    def __init__(self) -> None:
        self._entries: dict[str, IndexedRelease] = {}
        self.fallback: SiteIndex | None = None

    def published(self, slug: str) -> IndexedRelease | None:
        """The release as the last build of this process that published it in full made
        it (a copy: a build that keeps it changes its own); else what the index says."""
        found = self._entries.get(slug)
        if found is None:
            return self.fallback.published(slug) if self.fallback is not None else None
        return replace(
            found,
            plan=replace(found.plan),
            pdfs=dict(found.pdfs),
            thumbs=dict(found.thumbs),
            photos=list(found.photos),
            langs=list(found.langs),
            outputs=dict(found.outputs),
        )

    def keep_built(
        self,
        plans: list[Plan],
        indexed: dict[str, IndexedRelease],
        available: dict[str, list[str]],
        made: Made,
        failed: Collection[str] = (),
    ) -> None:
        """Record each release this build took in full and published whole; forget the
        releases no longer on the site (withdrawn, embargoed, refused in every language)."""
        listed = {plan.slug for plan in plans}
        for slug in [slug for slug in self._entries if slug not in listed]:
            del self._entries[slug]
        self._entries.update(built_in_full(plans, indexed, available, made, failed))

    def carry(self, slug: str, kept: IndexedRelease) -> None:
        """Record a release kept as an earlier build published it (see SiteIndex.carry)."""
        self._entries[slug] = kept


def index_context(engine: Engine, base: str | None, langs: list[str], more: list[str]) -> str:
    """What every entry of the index holds under (see the module docstring): the engine's
    inputs of every release, the site's templates, fonts and base URL, the site's languages
    (`langs`) and the labels of those and of the releases' (`more`)."""
    languages = sorted({*langs, *more})
    return digest(
        "site-index",
        engine.config,
        engine.register,
        engine.templates.key("site_release.html", "print.html", "site_release_index.html"),
        engine.fonts(),
        [[lang, engine.locales(lang)] for lang in languages],
        base,
        langs,
    )


def _step(data: list[Any]) -> Step:
    key, meta = data
    return Step(str(key), dict(meta))


def _restore(slug: str, entry: dict[str, Any]) -> IndexedRelease:
    p = entry["plan"]
    plan = Plan(
        slug,
        str(p["key"]),
        dict(p["files"]),
        date=str(p["date"]),
        source_lang=str(p["source_lang"]),
        languages=list(p["languages"]),
        published=list(p["published"]),
        refused={
            lang: cast(Unpublishable, PublisherError.from_dict(data))
            for lang, data in p["refused"].items()
        },
        captions=dict(p["captions"]),
        approvals=dict(p["approvals"]),
        photos=cast(list[PhotoCredits], list(p["photos"])),
        number=p["number"],
        embargo=p["embargo"],
        headline=str(p["headline"]),
    )
    page = entry["page"]
    return IndexedRelease(
        plan,
        _step(page) if page is not None else None,
        {lang: _step(step) for lang, step in entry["pdfs"].items()},
        {lang: _step(step) for lang, step in entry["thumbs"].items()},
        [
            PhotoFiles(str(name), _step(renditions), _step(original))
            for name, renditions, original in entry["photos"]
        ],
        list(entry["langs"]),
        {str(rel): str(key) for rel, key in entry["outputs"].items()},
    )


def _record(made: IndexedRelease) -> dict[str, Any]:
    plan = made.plan
    return {
        "plan": {
            "key": plan.key,
            "files": plan.files,
            "date": plan.date,
            "source_lang": plan.source_lang,
            "languages": plan.languages,
            "published": plan.published,
            "refused": {lang: error.to_dict() for lang, error in plan.refused.items()},
            "captions": plan.captions,
            "approvals": plan.approvals,
            "photos": plan.photos,
            "number": plan.number,
            "embargo": plan.embargo,
            "headline": plan.headline,
        },
        "page": [made.page.key, made.page.meta] if made.page is not None else None,
        "pdfs": {lang: [s.key, s.meta] for lang, s in made.pdfs.items()},
        "thumbs": {lang: [s.key, s.meta] for lang, s in made.thumbs.items()},
        "photos": [
            [p.file, [p.renditions.key, p.renditions.meta], [p.original.key, p.original.meta]]
            for p in made.photos
        ],
        "langs": made.langs,
        "outputs": made.outputs,
    }


def take_indexed(
    engine: Engine, indexed: dict[str, IndexedRelease]
) -> tuple[
    dict[str, Step], dict[tuple[str, str], Step], dict[tuple[str, str], Step], dict[str, Step]
]:
    """The indexed releases' steps, counted as taken from the cache as the engine counts
    them: their pages by slug, PDFs and thumbnails by slug and language, and their photo
    steps by key (shared with other releases' photos: see Engine.photos `known`)."""
    pages: dict[str, Step] = {}
    pdfs: dict[tuple[str, str], Step] = {}
    thumbs: dict[tuple[str, str], Step] = {}
    photo_steps: dict[str, Step] = {}
    for slug, found in indexed.items():
        engine.cached["plan"] += 1
        if found.page is not None:
            pages[slug] = found.page
            engine.cached["html"] += len(found.page.meta.get("files", []))
        for lang, step in found.pdfs.items():
            pdfs[(slug, lang)] = step
            engine.cached["pdf"] += 1
        for lang, step in found.thumbs.items():
            thumbs[(slug, lang)] = step
        for photo in found.photos:
            for step in (photo.renditions, photo.original):
                if step.key not in photo_steps:
                    photo_steps[step.key] = step
                    engine.cached["photo"] += len(step.meta.get("files", []))
    return pages, pdfs, thumbs, photo_steps
