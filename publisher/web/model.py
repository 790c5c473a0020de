"""What the pages show, read from the release files through the workflow's functions.

Nothing here writes: the data of the releases page (counts, the publishing
rule's verdict) and of the review page (each segment with its state, QA
findings, glossary terms, what changed, who edited it last). Two things are
kept in memory because they cost more than the page may: QA findings per
segment text (1-2 ms a segment; a 200-segment page would spend 300 ms on
them) and the publishing rule's verdict per release content. Both are keyed by
the content they were computed from, so a change in any tool is seen at once.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from publisher.core import boilerplate, history, languages
from publisher.core.approvals import load_catalog
from publisher.core.catalog import Entry, approval_hash
from publisher.core.document import plain_text
from publisher.core.history import Event
from publisher.core.messages import Message
from publisher.core.release import BOILERPLATE, Release, iter_releases
from publisher.core.states import ORDER, State
from publisher.core.workspace import CONFIG_NAME, Workspace
from publisher.errors import PublisherError
from publisher.publishing import fingerprint as fp
from publisher.publishing.rule import judge
from publisher.qa import Finding, check_segment, glossary_terms
from publisher.web.diff import Piece, word_diff
from publisher.workflow.checking import workspace_glossary
from publisher.workflow.decisions import NEEDS_REVIEW
from publisher.workflow.memory import MEMORY_DIR, Memory, build_memory
from publisher.workflow.revert import ApprovedText, previous_approved
from publisher.workflow.review import editors_in, four_eyes_applies, same_person
from publisher.workflow.status import release_status

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Lru(Generic[K, V]):
    """A bounded, thread-safe memo (the server answers requests in several threads)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K, make: Callable[[], V]) -> V:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


@dataclass
class Caches:
    """The server's memos; one per running app."""

    findings: Lru[tuple[object, ...], list[Finding]] = field(default_factory=lambda: Lru(100_000))
    verdicts: Lru[tuple[object, ...], dict[str, Refusal | None]] = field(
        default_factory=lambda: Lru(2_000)
    )
    memories: Lru[tuple[object, ...], Memory] = field(default_factory=lambda: Lru(2))
    #: histories and titles by file identity (inode, size, time): most page views follow
    #: no change (catalogs are memoised by content where they are parsed, core/catalog.py)
    files: Lru[tuple[object, ...], object] = field(default_factory=lambda: Lru(64))


def _identity(path: Path) -> tuple[object, ...]:
    """What changes whenever the file does: any tool's atomic rename, an append, an edit."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return (str(path), None)
    return (str(path), info.st_ino, info.st_size, info.st_mtime_ns)


def cached_history(release: Release, caches: Caches) -> list[Event]:
    key = ("history", *_identity(release.history_path))
    found = caches.files.get(key, lambda: history.read(release.history_path))
    assert isinstance(found, list)
    return found


# ---------------------------------------------------------------- the releases page


@dataclass
class LanguageSummary:
    lang: str
    name: str  # English name
    native: str
    counts: dict[State, int]
    total: int
    to_review: int
    #: None when the publishing rule lets the language be published, else why not (a
    #: message to read in the reviewer's language, or an error's English sentence)
    refusal: Message | str | None
    #: the refusal names segments of the workspace's boilerplate
    held_by_boilerplate: bool = False

    @property
    def approved(self) -> int:
        return self.counts[State.APPROVED]

    @property
    def approved_percent(self) -> int:
        return round(100 * self.approved / self.total) if self.total else 0


@dataclass
class ReleaseSummary:
    slug: str
    title: str
    number: str | None
    date: dt.date
    place: str
    embargo: dt.datetime | None
    embargo_local: dt.datetime | None
    embargo_zone: str
    source_lang: str
    languages: list[LanguageSummary]
    error: str | None = None

    @property
    def embargoed(self) -> bool:
        return self.embargo is not None and self.embargo > dt.datetime.now(dt.UTC)


def release_title(release: Release, caches: Caches | None = None) -> str:
    """The title as readers see it (the source parsed: 20 ms for 200 segments, so memoised
    by the file's identity when `caches` is given)."""

    def parse() -> str:
        try:
            title = release.document().title
        except PublisherError:
            return release.slug
        return plain_text(title.text) if title is not None and title.text else release.slug

    if caches is None:
        return parse()
    found = caches.files.get(("title", *_identity(release.source_path)), parse)
    assert isinstance(found, str)
    return found


def _verdict_key(ws: Workspace, release: Release) -> tuple[object, ...]:
    """What the rule's verdict depends on: the release's files and the boilerplate's (an
    approval of the About paragraph changes every release's verdict), the settings."""
    files = fp.release_files(release.root)
    shared = ws.boilerplate_dir
    shared_files = fp.release_files(shared) if (shared / "release.toml").is_file() else {}
    return (
        release.slug,
        tuple(sorted(files.items())),
        tuple(sorted(shared_files.items())),
        fp.file_hash(ws.root / CONFIG_NAME),
        fp.file_hash(ws.root / "glossary.toml"),
    )


@dataclass(frozen=True)
class Refusal:
    """Why the publishing rule refuses a language, and whether the boilerplate is why.

    `reason` is the rule's reason to read in the reviewer's language; a refusal made of
    another error (a release that cannot be read) has only its English `message`.
    """

    message: str
    by_boilerplate: bool = False
    reason: Message | None = None

    @property
    def shown(self) -> Message | str:
        return self.reason if self.reason is not None else self.message


def refusals(ws: Workspace, release: Release, caches: Caches) -> dict[str, Refusal | None]:
    """lang -> why the publishing rule refuses it (None: publishable), as `build` decides."""

    def compute() -> dict[str, Refusal | None]:
        try:
            document = release.synced_document()
            verdict = judge(ws, release, document, draft=False)
        except PublisherError as exc:
            return dict.fromkeys(release.meta.target_languages, Refusal(exc.message))
        out: dict[str, Refusal | None] = {}
        for lang in release.meta.target_languages:
            refused = verdict.refused.get(lang) if lang not in verdict.texts else None
            out[lang] = (
                None
                if refused is None
                else Refusal(
                    refused.message,
                    any(seg.startswith(boilerplate.PREFIX) for seg in refused.blocking),
                    None if refused.reason is None else Message.from_json(refused.reason),
                )
            )
        return out

    return caches.verdicts.get(_verdict_key(ws, release), compute)


def release_summary(ws: Workspace, release: Release, caches: Caches) -> ReleaseSummary:
    """One release (or the boilerplate): its facts and each language's progress."""
    zone = ZoneInfo(ws.config.time_zone)
    meta = release.meta
    summary = ReleaseSummary(
        release.slug,
        release_title(release, caches),
        meta.number,
        meta.date,
        meta.place,
        meta.embargo,
        meta.embargo.astimezone(zone) if meta.embargo else None,
        ws.config.time_zone,
        meta.source_language,
        [],
    )
    try:
        statuses = release_status(release, ws.config.required_state)
        refused = refusals(ws, release, caches)
    except PublisherError as exc:
        summary.error = exc.format()
        return summary
    for status in statuses:
        lang = languages.get(status.lang)
        refusal = refused.get(status.lang)
        summary.languages.append(
            LanguageSummary(
                status.lang,
                lang.english_name,
                languages.native_name(status.lang),
                dict(status.counts),
                status.total,
                sum(status.counts[s] for s in NEEDS_REVIEW),
                refusal.shown if refusal else None,
                refusal is not None and refusal.by_boilerplate,
            )
        )
    return summary


def release_summaries(ws: Workspace, caches: Caches) -> list[ReleaseSummary]:
    """Every release of the workspace, newest first."""
    out = [release_summary(ws, release, caches) for release in iter_releases(ws.releases_dir)]
    out.sort(key=lambda r: (r.date, r.slug), reverse=True)
    return out


def boilerplate_summary(ws: Workspace, caches: Caches) -> ReleaseSummary | None:
    """The workspace's boilerplate as a release to review, or None when it has none."""
    try:
        shared = boilerplate.load(ws)
    except PublisherError as exc:
        return ReleaseSummary(
            BOILERPLATE,
            BOILERPLATE,
            None,
            dt.date.today(),
            "",
            None,
            None,
            "",
            "en",
            [],
            exc.format(),
        )
    return release_summary(ws, shared, caches) if shared is not None else None


def held_back(releases: list[ReleaseSummary]) -> dict[str, list[ReleaseSummary]]:
    """lang -> the releases whose language the boilerplate's unapproved segments hold back."""
    out: dict[str, list[ReleaseSummary]] = {}
    for summary in releases:
        for lang in summary.languages:
            if lang.held_by_boilerplate:
                out.setdefault(lang.lang, []).append(summary)
    return out


# ---------------------------------------------------------------- the review page

#: The review page's filters, in the order of their tabs (labels: words.FILTERS).
FILTERS: tuple[str, ...] = ("needs-review", "stale", "qa-errors", "untranslated", "all")
DEFAULT_FILTER = "needs-review"

#: How many recent history events each segment shows (the segment's history page has all).
RECENT_EVENTS = 3


def origin_kind(origin: str | None) -> str:
    """memory, model or human: where a translation came from, as reviewers ask it."""
    first = (origin or "").split(" ", 1)[0]
    if first == "memory":
        return "memory"
    if first == "machine":
        return "model"
    return "human" if origin else "—"


@dataclass
class SegmentView:
    entry: Entry
    findings: list[Finding]
    #: (source term, required target term, whether the translation uses it)
    terms: list[tuple[str, str, bool]]
    #: previous source -> current source, for a stale segment
    source_diff: list[Piece] | None
    #: the latest approved translation other than the current one, and what changed since
    approved: ApprovedText | None
    approved_diff: list[Piece] | None
    last_editor: str | None
    #: the four-eyes rule applies and the reviewer made the current translation
    own_edit: bool
    events: list[Event]

    @property
    def id(self) -> str:
        return self.entry.id

    @property
    def state(self) -> State:
        return self.entry.state

    @property
    def approval_hash(self) -> str:
        """The optimistic check's token: the exact source and translation shown."""
        return approval_hash(self.entry.id, self.entry.source, self.entry.target)

    @property
    def errors(self) -> int:
        return sum(f.is_error for f in self.findings)

    @property
    def origin_kind(self) -> str:
        return origin_kind(self.entry.origin)

    @property
    def approvable(self) -> bool:
        return self.state not in (State.UNTRANSLATED, State.STALE)

    def matches(self, name: str) -> bool:
        return _selects(name, self.state, self.errors)


def _selects(name: str, state: State, errors: int) -> bool:
    """Whether the filter `name` lists a segment in `state` with `errors` QA errors."""
    if name == "needs-review":
        return state in NEEDS_REVIEW
    if name == "stale":
        return state is State.STALE
    if name == "qa-errors":
        return errors > 0
    if name == "untranslated":
        return state is State.UNTRANSLATED
    return True


@dataclass
class ReviewPage:
    release: Release
    title: str
    lang: str
    lang_name: str
    source_lang: str
    filter: str
    segments: list[SegmentView]  # the filtered ones, in reading order
    counts: dict[State, int]
    filter_counts: dict[str, int]
    four_eyes: bool

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def approved_percent(self) -> int:
        return round(100 * self.counts[State.APPROVED] / self.total) if self.total else 0

    @property
    def states(self) -> tuple[State, ...]:
        return ORDER


class _Reader:
    """One language of one release read once: catalog, history, glossary, rules."""

    def __init__(
        self, ws: Workspace, release: Release, lang: str, reviewer: str | None, caches: Caches
    ) -> None:
        self.release = release
        self.lang = release.require_target(lang)
        self.catalog = load_catalog(release, self.lang)
        self.source_lang = self.catalog.source_lang or release.meta.source_language
        self.events: dict[str, list[Event]] = {}
        for event in cached_history(release, caches):
            if event.lang == self.lang and event.segment:
                self.events.setdefault(event.segment, []).append(event)
        self.glossary = dict(workspace_glossary(ws.root, release).get(self.lang, {}))
        self._glossary_key = tuple(self.glossary.items())
        self.four_eyes = four_eyes_applies(release)
        self.editors = {
            segment: editors_in(events, self.lang).get(segment)
            for segment, events in self.events.items()
        }
        self.reviewer = reviewer
        self.caches = caches

    def findings(self, entry: Entry) -> list[Finding]:
        key = (
            entry.id,
            entry.source,
            entry.target,
            self.source_lang,
            self.lang,
            entry.state.value,
            self._glossary_key,
        )
        return self.caches.findings.get(
            key,
            lambda: check_segment(
                entry.id,
                entry.source,
                entry.target,
                source_lang=self.source_lang,
                target_lang=self.lang,
                state=entry.state.value,
                glossary=self.glossary,
            ),
        )

    def view(self, entry: Entry) -> SegmentView:
        mine = self.events.get(entry.id, [])
        approved = previous_approved(mine, self.lang, entry.id, entry.target)
        editor = self.editors.get(entry.id)
        return SegmentView(
            entry,
            self.findings(entry),
            glossary_terms(entry.source, entry.target, self.source_lang, self.lang, self.glossary),
            word_diff(entry.previous_source, entry.source)
            if entry.previous_source is not None
            else None,
            approved,
            word_diff(approved.text, entry.target) if approved and entry.target else None,
            editor,
            self.four_eyes and same_person(editor, self.reviewer),
            mine[-RECENT_EVENTS:],
        )


def _page(reader: _Reader, filter_name: str, segments: list[SegmentView]) -> ReviewPage:
    counts: dict[str, int] = dict.fromkeys(FILTERS, 0)
    for entry in reader.catalog:
        errors = sum(f.is_error for f in reader.findings(entry))
        for name in FILTERS:
            counts[name] += _selects(name, entry.state, errors)
    return ReviewPage(
        reader.release,
        release_title(reader.release, reader.caches),
        reader.lang,
        languages.get(reader.lang).english_name,
        reader.source_lang,
        filter_name,
        segments,
        reader.catalog.counts(),
        counts,
        reader.four_eyes,
    )


def review_page(
    ws: Workspace,
    release: Release,
    lang: str,
    filter_name: str,
    reviewer: str | None,
    caches: Caches,
) -> ReviewPage:
    """The review page of one language: every segment the filter selects."""
    if filter_name not in FILTERS:
        filter_name = DEFAULT_FILTER
    reader = _Reader(ws, release, lang, reviewer, caches)
    views = [reader.view(entry) for entry in reader.catalog]
    return _page(reader, filter_name, [v for v in views if v.matches(filter_name)])


def decision_answer(
    ws: Workspace,
    release: Release,
    lang: str,
    segment: str,
    filter_name: str,
    reviewer: str | None,
    caches: Caches,
) -> tuple[ReviewPage, SegmentView]:
    """After a decision: the page's counts (no list) and the segment as it is now."""
    if filter_name not in FILTERS:
        filter_name = DEFAULT_FILTER
    reader = _Reader(ws, release, lang, reviewer, caches)
    return _page(reader, filter_name, []), reader.view(reader.catalog.get(segment))


def warm_up(root: Path, caches: Caches) -> None:
    """Check every release's translations once, so that the first page a reviewer opens
    is as fast as the next (run in the background when the server starts)."""
    try:
        ws = Workspace.load(root)
        releases = list(iter_releases(ws.releases_dir))
    except PublisherError:
        return
    for release in releases:
        for lang in release.meta.target_languages:
            try:
                review_page(ws, release, lang, DEFAULT_FILTER, None, caches)
            except PublisherError:
                continue  # the page will say what is wrong when it is opened


# ---------------------------------------------------------------- memory suggestions


@dataclass(frozen=True)
class Suggestion:
    score: int
    origin: str
    text: str


def _memory_key(root: Path) -> tuple[object, ...]:
    """The files the memory is built from, with their sizes and times."""
    paths = sorted((root / "releases").glob("*/translations/*.po"))
    paths += sorted((root / MEMORY_DIR).glob("*.tmx"))
    out: list[tuple[str, int, int]] = []
    for path in paths:
        try:
            info = path.stat()
        except OSError:
            continue
        out.append((str(path), info.st_mtime_ns, info.st_size))
    return (str(root), tuple(out))


def suggestions(
    ws: Workspace, release: Release, lang: str, segment: str, caches: Caches
) -> list[Suggestion]:
    """Fuzzy translation-memory matches for a segment (other releases and TMX files)."""
    code = release.require_target(lang)
    entry = load_catalog(release, code).get(segment)
    stored = [Suggestion(0, "catalog", text) for text in entry.suggestions]
    memory = caches.memories.get(_memory_key(ws.root), lambda: build_memory(ws.root))
    found = memory.fuzzy(
        entry.source,
        release.meta.source_language,
        code,
        exclude_origin_prefix=f"{release.slug}/",
    )
    return stored + [Suggestion(m.score, m.unit.origin, m.unit.target) for m in found]


def segment_history(release: Release, lang: str | None, segment: str | None) -> list[Event]:
    """The release's history, newest first, for one language and segment if given."""
    events = history.read(release.history_path)
    return [
        e
        for e in reversed(events)
        if (lang is None or e.lang == lang) and (segment is None or e.segment == segment)
    ]


def segment_source(
    ws: Workspace, release: Release, lang: str, segment: str
) -> tuple[str, list[str]]:
    """A segment's source and the glossary's terms for its translation (the editor's
    preview marks them): read from the catalog alone, not the history another request
    may be appending to."""
    code = release.require_target(lang)
    catalog = load_catalog(release, code)
    entry = catalog.get(segment)
    source_lang = catalog.source_lang or release.meta.source_language
    glossary = dict(workspace_glossary(ws.root, release).get(code, {}))
    terms = glossary_terms(entry.source, entry.target, source_lang, code, glossary)
    return entry.source, [required for _, required, _ in terms]
