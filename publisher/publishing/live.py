"""The site kept up to date while its files change (`publisher preview`).

`LiveSite` builds the site into a scratch folder of the cache with the warm renderer
(publishing/resident.py), then waits for the workspace to change (`watchfiles`:
inotify, with a short debounce that gathers an editor's several writes into one
change) and builds again. It stays up between builds, so it keeps what a new
process would read again: the file hashes and release.toml parses (`StatCache`), the
releases themselves (a change inside a release's folder reads that folder only), the
imported renderer, the fonts, the compiled templates, and the last build's plans: a
change inside one release's folder re-plans that release only (the watcher saw nothing
change in the others; a change anywhere else re-checks every release). A rebuild then
renders that release's pages and PDFs and the listings that show it; the engine's cache
answers for the rest, as in `publisher site`.

Invariant: what is in the folder after a build is what `publisher site` writes from the
same files at the same time (the same builder, embargoes judged now; a release a rebuild
fails kept and listed as the last build published it, from the record the builds of this
process hold in memory, where `site` reads its index); readers learn of
a finished build only (`version` moves after the last file is written), with the list
of files it wrote, so that a browser reloads only a page that changed.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import watchfiles

from publisher.core.journal import JOURNAL
from publisher.core.release import (
    Release,
    load_release_folder,
    scan_release_folders,
    split_releases,
)
from publisher.core.tomlfile import TomlReader
from publisher.core.workspace import Workspace
from publisher.errors import PublisherError
from publisher.publishing import fingerprint as fp
from publisher.publishing.builders.site import SiteBuilder, SiteReport
from publisher.publishing.cache import CACHE_DIRNAME
from publisher.publishing.engine import Plan
from publisher.publishing.readiness import workspace_stats
from publisher.publishing.resident import ResidentRenderer
from publisher.publishing.site_index import PublishedReleases

#: Where the preview's site is written (inside the cache: a preview is not a publication).
LIVE_DIRNAME = "live-site"
#: Top-level folders whose changes are not inputs: the cache (where the preview itself
#: writes), version control, and the usual output folders of `build` and `site`.
IGNORED_TOP = frozenset({CACHE_DIRNAME, ".git", "dist", "site", "__pycache__"})
#: Editors' scratch files, and a release's lock: never an input.
IGNORED_SUFFIXES = (".swp", ".swx", "~", ".tmp", ".part", ".lock")
#: How long a build waits for a change under way to finish before it builds anyway.
SETTLE_SECONDS = 5.0
#: watchfiles' settings for both watchers: a 50 ms debounce gathers an editor's writes;
#: with nothing seen for 200 ms a watcher yields an empty set: it is then watching (its
#: folders' inotify watches are all added, which takes a while for thousands of folders).
_WATCHING: dict[str, Any] = {
    "debounce": 50,
    "step": 20,
    "rust_timeout": 200,
    "yield_on_timeout": True,
}

#: on_build(build): hears of each finished build (the CLI prints a line).
BuildHook = Callable[["Build"], None]


@dataclass
class Build:
    """One finished build: its number, what it wrote and how long it took."""

    version: int
    seconds: float
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    summary: str = ""
    #: the changed paths that started it (relative to the workspace), empty for the first
    changes: list[str] = field(default_factory=list)


def live_dir(root: Path) -> Path:
    return root / CACHE_DIRNAME / LIVE_DIRNAME


class LiveSite:
    """The workspace's site, built now and again on every change, until `stop()`."""

    def __init__(
        self,
        root: Path,
        *,
        base_url: str | None,
        renderer: ResidentRenderer,
        on_build: BuildHook | None = None,
        on_watch_error: Callable[[str], None] | None = None,
    ) -> None:
        self.root = root
        self.on_watch_error = on_watch_error
        #: set to start the folders' watcher again (the top-level folders changed)
        self._restart = threading.Event()
        #: the folders the folders' watcher watches (`input_folders` when it started)
        self._watching: list[Path] = []
        #: set once each watcher watches (or has said it cannot: `wait_watching`)
        self._top_ready = threading.Event()
        self._folders_ready = threading.Event()
        self.out_dir = live_dir(root)
        self.base_url = base_url
        self.renderer = renderer
        self.on_build = on_build
        self.last: Build | None = None
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._stats: fp.StatCache | None = None
        #: the last build's plans (see Engine.plans: `known`)
        self._plans: dict[str, Plan] = {}
        #: the releases folder as the last build read it: each entry's release, or the
        #: error that kept it from loading (see `_scan`)
        self._folders: dict[str, Release | PublisherError] | None = None
        #: what this process's builds published of each release in full: a release a
        #: rebuild fails is kept and listed as the last one published it (site_kept.py)
        self._published = PublishedReleases()

    @property
    def version(self) -> int:
        return self.last.version if self.last is not None else 0

    def build(self, changes: list[str] | None = None) -> Build:
        """Build the site now (the watcher calls this on each change)."""
        start = time.perf_counter()
        version = self.version + 1
        try:
            ws = Workspace.load(self.root)
            if self._stats is None:
                self._stats = workspace_stats(ws)
            # the racy window is the build's, not the process's: see fingerprint.StatCache
            self._stats.started = time.time_ns()
            releases, broken = self._scan(ws, changes, self._stats.toml)
            with self.renderer.building() as pool:
                builder = SiteBuilder(
                    ws,
                    out_dir=self.out_dir,
                    base_url=self.base_url,
                    pool=pool,
                    stats=self._stats,
                    known_plans=self._unchanged_plans(changes),
                    unreadable=broken,
                    published=self._published,
                )
                report = builder.build(releases)
            self._plans = builder.plans
            errors = report.failed + report.warnings  # the unreadable releases' included
            build = _finished(version, start, report, errors)
        except PublisherError as error:
            build = Build(version, time.perf_counter() - start, errors=[error.format()])
        build.changes = changes or []
        with self._changed:
            self.last = build
            self._changed.notify_all()
        if self.on_build is not None:
            self.on_build(build)
        return build

    def _scan(
        self, ws: Workspace, changes: list[str] | None, reader: TomlReader
    ) -> tuple[list[Release], list[PublisherError]]:
        """The workspace's releases, as `scan_releases` gives them: read again only in the
        folders these changes touched when every change is inside a release's folder
        (a release added or removed is such a change: its folder is read, or found gone);
        otherwise, and on the first build, every folder. 2,000 release.toml files cost
        0.1 s to take again even from the parse cache, on every edit."""
        touched = _touched_releases(changes)
        if touched is None or self._folders is None:
            folders = scan_release_folders(ws.releases_dir, reader)
        else:
            folders = dict(self._folders)
            for slug in touched:
                found = load_release_folder(ws.releases_dir / slug, reader)
                if found is None:
                    folders.pop(slug, None)
                else:
                    folders[slug] = found
        self._folders = folders
        return split_releases(folders)

    def _unchanged_plans(self, changes: list[str] | None) -> dict[str, Plan] | None:
        """The last build's plans of the releases these changes did not touch, when every
        change is inside a release's folder (anything else, the configuration, glossary,
        boilerplate, templates or labels, may change every plan: None, all are checked)."""
        touched = _touched_releases(changes)
        if not self._plans or touched is None:
            return None
        return {slug: plan for slug, plan in self._plans.items() if slug not in touched}

    def wait_for(self, version: int, timeout: float) -> Build | None:
        """The first build after `version`, or None when `timeout` passed first."""
        with self._changed:
            self._changed.wait_for(lambda: self.version > version, timeout)
            return self.last if self.version > version else None

    def watch(self) -> None:
        """Build again on each change of the workspace's inputs, until `stop()`.

        Two watchers feed the builds: one of the workspace's own folder, not recursive
        (its files: configuration, glossary, numbers; a folder made or removed there), and
        one of each top-level folder that can hold an input, recursive (`input_folders`;
        started again when that list changes). Not one recursive watcher of the whole
        workspace: its cache holds a folder per cached step (hundreds of thousands in an
        archive of 2,000 releases), each an inotify watch, beyond the system's limit
        (fs.inotify.max_user_watches: the watcher then failed and the preview served
        without rebuilding), and every file a preview build writes there woke it. A
        watcher that cannot start is said once (`on_watch_error`), and the other goes on.
        """
        found: queue.Queue[list[str]] = queue.Queue()
        watchers = [
            threading.Thread(target=self._watch_top, args=(found,), daemon=True),
            threading.Thread(target=self._watch_folders, args=(found,), daemon=True),
        ]
        for watcher in watchers:
            watcher.start()
        while not self._stop.is_set():
            try:
                changed = set(found.get(timeout=0.2))
            except queue.Empty:
                continue
            with contextlib.suppress(queue.Empty):  # what the other watcher saw meanwhile
                while True:
                    changed.update(found.get(timeout=0.05))
            paths = sorted(changed)
            self._settle(paths)
            self.build(paths)

    def input_folders(self) -> list[Path]:
        """The workspace's top-level folders that can hold an input (`releases`,
        `templates`, `locales`, `boilerplate`, ...): not the cache, output folders or
        version control (IGNORED_TOP), nor a hidden one (a virtual environment)."""
        try:
            entries = sorted(self.root.iterdir())
        except OSError:
            return []
        return [
            entry
            for entry in entries
            if entry.name not in IGNORED_TOP
            and not entry.name.startswith(".")
            and entry.is_dir()
            and not entry.is_symlink()
        ]

    def _watch_top(self, found: queue.Queue[list[str]]) -> None:
        try:
            for changes in watchfiles.watch(
                self.root,
                watch_filter=self._is_input,
                recursive=False,
                **_WATCHING,
                stop_event=self._stop,
            ):
                self._top_ready.set()
                if changes:
                    found.put(self._relative(changes))
                    if self.input_folders() != self._watching:
                        self._restart.set()
        except OSError as exc:
            self._cannot_watch(self.root, exc)
            self._top_ready.set()

    def _watch_folders(self, found: queue.Queue[list[str]]) -> None:
        while not self._stop.is_set():
            self._restart.clear()
            self._watching = folders = self.input_folders()
            if not folders:
                self._folders_ready.set()
                self._restart.wait()
                continue
            try:
                for changes in watchfiles.watch(
                    *folders, watch_filter=self._is_input, **_WATCHING, stop_event=self._restart
                ):
                    self._folders_ready.set()
                    if changes:
                        found.put(self._relative(changes))
            except OSError as exc:
                self._cannot_watch(folders[0].parent, exc)
                self._folders_ready.set()
                return

    def wait_watching(self, timeout: float) -> bool:
        """Wait until both watchers watch (a change before that is not seen; `watch` is
        started in a thread); whether they do within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        return self._top_ready.wait(timeout) and self._folders_ready.wait(
            max(0.0, deadline - time.monotonic())
        )

    def _relative(self, changes: set[tuple[watchfiles.Change, str]]) -> list[str]:
        return sorted({Path(path).relative_to(self.root).as_posix() for _, path in changes})

    def _cannot_watch(self, where: Path, exc: OSError) -> None:
        message = (
            f"{where}: cannot watch for changes ({exc}); what changes there is not built "
            "again until the preview is started again (on Linux, fs.inotify.max_user_watches "
            "limits how many folders can be watched)"
        )
        if self.on_watch_error is not None:
            self.on_watch_error(message)

    def _settle(self, paths: list[str]) -> None:
        """Wait while a changed release is in the middle of a change (its journal is there):
        a build now would find it unfinished and leave it out of the site until the next
        change. Its last write (the journal's removal) starts the build that follows."""
        deadline = time.monotonic() + SETTLE_SECONDS
        slugs = {p.split("/")[1] for p in paths if p.startswith("releases/") and p.count("/") > 1}
        for slug in sorted(slugs):
            journal = self.root / "releases" / slug / JOURNAL  # a change under way
            while journal.exists() and time.monotonic() < deadline:
                time.sleep(0.02)

    def _is_input(self, change: watchfiles.Change, path: str) -> bool:
        try:
            parts = Path(path).relative_to(self.root).parts
        except ValueError:
            return False
        if not parts or parts[0] in IGNORED_TOP:
            return False
        return not parts[-1].endswith(IGNORED_SUFFIXES)

    def stop(self) -> None:
        self._stop.set()
        self._restart.set()


def _touched_releases(changes: list[str] | None) -> set[str] | None:
    """The release folders these changes are in, or None when one is elsewhere (the
    configuration, glossary, boilerplate, templates or labels: any release may change) or
    there are none to tell (the first build)."""
    if not changes:
        return None
    touched = set()
    for path in changes:
        parts = path.split("/")
        if len(parts) < 3 or parts[0] != "releases":
            return None
        touched.add(parts[1])
    return touched


def _finished(version: int, start: float, report: SiteReport, errors: list[str]) -> Build:
    return Build(
        version,
        time.perf_counter() - start,
        written=list(report.written),
        removed=list(report.removed),
        errors=errors,
        summary=report.summary,
    )
