"""The processes that run a build's steps: this one, forked workers, or a pool.

The engine decides *what* to run (the misses); this module decides *where*: few
light steps run in this process, a few heavy ones (one release's PDFs) in workers
forked from this process once it has warmed the renderer, many in a pool of
`jobs` workers started from a forkserver that has imported WeasyPrint once.

Invariant: whichever way a step runs, its result is what it returned, or the
`PublisherError` it raised (an `OSError` becomes a `StorageError`, a worker that
died a `WorkerDied`), in the order of the calls; one step's failure never stops
the others. A pool can outlive one build (`publisher serve` keeps one warm):
`Engine.close` shuts only a pool it made itself.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from publisher.errors import PublisherError, StorageError, WorkerDied
from publisher.publishing import forkserver, steps

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


class WorkerPool:
    """Where the steps of builds run: `jobs` workers, started on demand and kept."""

    def __init__(self, jobs: int | None = None, progress: ProgressHook | None = None) -> None:
        self.jobs = max(1, jobs or forkserver.default_jobs())
        self.progress = progress
        self._pool: ProcessPoolExecutor | None = None
        self._warming: list[Future[None]] = []
        self._starting: threading.Thread | None = None  # the thread starting the workers
        #: None, the thread loading the renderer here, or False once it is loaded
        self._preparing: threading.Thread | bool | None = None
        self._closing: threading.Thread | None = None  # see `close_soon`

    def run(
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
        if total < POOL_THRESHOLD and not (heavy and self.started()):
            if heavy and self.forks_for(total):
                forked = self.run_forked(stage, fn, calls)
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
        self.started()
        batch = self.jobs * TASKS_PER_WORKER if heavy else total
        for start in range(0, total, batch):
            if start:
                self.recycle()
            chunk = calls[start : start + batch]
            futures = self._submit(fn, chunk) or self._submit(fn, chunk)
            if futures is None:
                results.extend(_died() for _ in chunk)
                continue
            for done, _future in enumerate(_as_completed(futures), start + 1):
                self._report(stage, done, total)
            outcomes = [_outcome(future) for future in futures]
            results.extend(outcomes)
            if any(isinstance(outcome, WorkerDied) for outcome in outcomes):
                self.recycle()  # a broken pool takes no more work: the next batch gets a new one
        return results

    def _submit(
        self, fn: Callable[..., dict[str, Any]], calls: list[tuple[Any, ...]]
    ) -> list[Future[dict[str, Any]]] | None:
        """Give `calls` to the workers; None if their pool is broken (then replaced): a
        worker killed while idle, between two stages (the out-of-memory killer takes the
        process holding the most memory, often a worker that has just rendered), breaks the
        pool before it is given any of them, so new workers can run them all."""
        try:
            pool = self.executor()
            return [pool.submit(fn, *args) for args in calls]
        except BrokenProcessPool:
            self.recycle()
            return None

    def forks_for(self, total: int) -> bool:
        """Whether `run` gives `total` heavy steps to workers forked from this process
        (`run_forked`), which first loads the renderer here: a few, more than one, with
        several cores and no workers started."""
        return 1 < total < POOL_THRESHOLD and self.jobs > 1 and not self.started()

    def run_forked(
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
        self.prepare_renderer(wait=True)
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

    def prepare_renderer(self, *, wait: bool) -> None:
        """Import and warm WeasyPrint in this process (fontconfig, Pango), in a background
        thread while this process does other work, or now (`wait`)."""
        if self._preparing is None:
            if wait:
                _prepare()
                self._preparing = False
                return
            thread = threading.Thread(target=_prepare, name="publisher-renderer", daemon=True)
            thread.start()
            self._preparing = thread
        elif wait and isinstance(self._preparing, threading.Thread):
            self._preparing.join()
            _wait_exited(self._preparing)
            self._preparing = False

    def recycle(self) -> None:
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

    def warm_up(self, languages: tuple[str, ...] = ()) -> None:
        """Start the worker processes in the background, without waiting for them.

        Starting the forkserver blocks until it has imported WeasyPrint (about a
        second): a thread does that wait while this process carries on checking the
        changed releases. `languages`: also load their print fonts (see steps.warm_up).
        """
        if self._pool is not None or self._starting is not None:
            return

        def start() -> None:
            pool = self.executor()
            self._warming = [pool.submit(steps.warm_up, languages) for _ in range(self.jobs)]

        self._starting = threading.Thread(target=start, name="publisher-workers", daemon=True)
        self._starting.start()

    def wait_warm(self) -> None:
        """Wait until the workers started by `warm_up` have warmed up (errors ignored: a
        worker that cannot warm up reports its trouble on its first real step)."""
        self.started()
        wait(self._warming)

    def starting(self) -> bool:
        """Whether workers exist or are starting, without waiting for them."""
        return self._pool is not None or self._starting is not None

    def started(self) -> bool:
        """Whether workers exist or are starting (then wait until they are up)."""
        if self._starting is not None:
            self._starting.join()
            self._starting = None
        return self._pool is not None

    def executor(self) -> ProcessPoolExecutor:
        """`jobs` worker processes (also for --jobs 1: WeasyPrint's memory then grows in a
        worker that is replaced now and then, never in this process)."""
        if self._pool is None:
            # workers fork from a clean process that has imported the renderer once
            # (publishing/forkserver.py), perhaps already started by the command
            self._pool = ProcessPoolExecutor(
                max_workers=self.jobs,
                mp_context=forkserver.context(),
                initializer=steps.init_worker,
                initargs=(os.getpid(),),
            )
        return self._pool

    def close(self) -> None:
        """Stop the workers (after those still starting are up), or wait until `close_soon`
        has stopped them."""
        closing = self._closing
        if closing is not None and closing is not threading.current_thread():
            closing.join()
            self._closing = None
            return
        self.started()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def close_soon(self) -> None:
        """Stop the workers in a thread, for a caller that gives them nothing more: it goes
        on with its own work (a site's listings and records) while each worker process
        exits and is waited for (15 ms at the end of a site build that rendered), and calls
        `close` at its end, which waits for that thread."""
        if self._closing is None:
            self._closing = threading.Thread(
                target=self.close, name="publisher-workers-close", daemon=True
            )
            self._closing.start()


def _thread_count() -> int:
    """Threads in this process, native ones included (a library's thread pool is
    invisible to `threading`); Python's own count where /proc is missing."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def _wait_exited(thread: threading.Thread, timeout: float = 0.1) -> None:
    """Wait until the system no longer lists a joined thread. `join` returns a little
    before the thread has exited (it was still listed after 4 joins in 10 here, for up to
    2 ms), and `run_forked` forks only a process it sees with one thread."""
    task = Path(f"/proc/self/task/{thread.native_id}")
    deadline = time.monotonic() + timeout
    while task.exists() and time.monotonic() < deadline:
        time.sleep(0.0005)


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
        return _died()


def _died() -> WorkerDied:
    return WorkerDied(
        "a worker process stopped before finishing (killed, or out of memory); "
        "build again: what was finished is kept"
    )


def _as_completed(futures: list[Future[dict[str, Any]]]) -> Iterable[Future[dict[str, Any]]]:
    return as_completed(futures)
