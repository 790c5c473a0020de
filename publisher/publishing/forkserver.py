"""The process the PDF workers fork from: one per command, started early, ended with it.

A worker pool (publishing/workers.py) starts its workers from multiprocessing's
forkserver, a clean process (no threads of ours, no half-held locks) that has imported
WeasyPrint (render/weasy.py) and the build's step module once (0.4 s), so that each worker forks
ready in milliseconds. The `publisher` program starts it for `site` before anything
else (`start`, from cli/entry.py): the import then runs on another core while the CLI
loads and the command stamps the inputs, reads the releases and the site index.

Invariant: this module imports nothing of the renderer (`publisher site` imports it before
it knows whether anything will render); there is at most one forkserver per command, and
`end` ends it, and the resource tracker it started, before the command's process exits.
A forkserver started for a build that turns out to be a no-op is ended unused: it cost
a process start on the other core, and holds no state (only the modules it imported).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.forkserver
import multiprocessing.resource_tracker
import os
import signal
from multiprocessing.context import BaseContext

#: What the forkserver imports before it forks a worker (the workers' step functions).
PRELOAD = ["publisher.publishing.steps", "publisher.render.weasy_forkserver"]


def context() -> BaseContext:
    """The start method of the workers: the forkserver, with `PRELOAD` (spawn where the
    platform has no forkserver)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    forking = multiprocessing.get_context("forkserver")
    forking.set_forkserver_preload(PRELOAD)
    return forking


def default_jobs() -> int:
    """How many workers a pool has unless told (`--jobs`): the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def start() -> None:
    """Start the forkserver now, without waiting for its imports, if the pool would have
    several workers by default (`default_jobs`): a pool made later forks its workers from
    it as soon as it is ready. A few milliseconds in this process. (The caller has checked
    that `--jobs 1` was not asked: one worker runs few PDFs in this process,
    publishing/workers.py.)"""
    if default_jobs() > 1 and context().get_start_method() == "forkserver":
        multiprocessing.forkserver.ensure_running()


def end() -> None:
    """End the forkserver, at once, once a command is done with its workers: it inherited
    the command's standard output, and its interpreter's teardown (WeasyPrint and its
    libraries loaded) kept a reader of that output (a CI log, `| tee`, a script) waiting a
    tenth of a second after the command had finished. A later pool starts another."""
    server = getattr(multiprocessing.forkserver, "_forkserver", None)
    pid = getattr(server, "_forkserver_pid", None)
    if server is None or pid is None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        server._stop()  # closes its pipe, reaps it, removes its socket
    # The resource tracker the forkserver started (it inherited the output too) is asked
    # to stop and waited for: it frees what a dead worker may have left (a small process,
    # quick to end), then the output has no other holder.
    tracker = getattr(multiprocessing.resource_tracker, "_resource_tracker", None)
    with contextlib.suppress(OSError, AttributeError):
        if tracker is not None:
            tracker._stop()
