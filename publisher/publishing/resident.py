"""A renderer kept warm for as long as a server runs (`publisher serve`, `publisher preview`).

A build started from nothing pays, before its first PDF, for importing WeasyPrint
(about 1 s), for the fonts' character maps, Pango faces and subsetter (about 1 to 2 s
for the Khmer and Chinese faces) and for the step modules and templates; a draft
preview used to pay all of it on every click. The resident renderer pays it once,
when the server starts and before anyone asks: one worker process (forked from a
forkserver that has imported WeasyPrint) lays out a line in each language's print
fonts, and this process imports what it runs itself (the publishing rule, QA, the
page templates), while the server already answers.

Invariant: a build through it is the build `publisher build` makes from the same files
(the same engine, steps, cache keys and outputs): only where the steps run changes.
One build at a time goes through it (`building()`): WeasyPrint in the worker renders
one document at a time, and two builds writing the same output folder would race.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jinja2 import TemplateError

from publisher.core.languages import LANGUAGES
from publisher.core.workspace import Workspace
from publisher.errors import PublisherError
from publisher.publishing.workers import WorkerPool
from publisher.render.templating import language_environment

#: The templates a preview or a site rebuild renders in this process.
WARM_TEMPLATES = ("web.html", "site_release.html", "index.html")


class ResidentRenderer:
    """`jobs` warm workers (one by default: a preview renders one PDF; None: one per core)
    kept between builds."""

    def __init__(self, root: Path, *, jobs: int | None = 1) -> None:
        self.root = root
        self.pool = WorkerPool(jobs)
        self._lock = threading.Lock()
        self._ready = threading.Event()
        #: seconds the warm-up took (None while it runs): for the server's log and tests
        self.warm_seconds: float | None = None

    def start(self) -> None:
        """Warm the workers and this process in the background; returns at once."""
        threading.Thread(target=self._warm, name="publisher-resident", daemon=True).start()

    def _warm(self) -> None:
        start = time.perf_counter()
        try:
            self.pool.warm_up(languages=tuple(LANGUAGES))
            # What this process runs of a build: the plan and page steps (their modules are
            # imported with this one), with each language's labels and page templates.
            with contextlib.suppress(PublisherError, OSError):  # the build will say it
                ws = Workspace.load(self.root)
                for lang in LANGUAGES:
                    env, _ = language_environment(ws.templates_dir, ws.locales_dir, lang)
                    for name in WARM_TEMPLATES:
                        with contextlib.suppress(TemplateError):
                            env.get_template(name)
            self.pool.wait_warm()
        finally:
            self.warm_seconds = time.perf_counter() - start
            self._ready.set()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Block until the warm-up is over (a build started earlier would only wait anyway)."""
        return self._ready.wait(timeout)

    @contextmanager
    def building(self) -> Iterator[WorkerPool]:
        """The warm workers, for one build (`Builder(..., pool=...)`); one build at a time."""
        with self._lock:
            self.wait_ready()
            yield self.pool

    def close(self) -> None:
        """Stop the workers, after the build under way (a second call does nothing)."""
        with self._lock:
            self.pool.close()
