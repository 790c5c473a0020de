"""The one interface every output implements (as Sphinx's `Builder`).

A builder is configured once (workspace, options) and then `build(releases)`
returns its report. It asks the publishing rule what may be published (never
deciding that itself), renders through the shared incremental engine, and
writes its output atomically. A new output (e-mail, say) is one new subclass.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import ClassVar, Generic, TypeVar

from publisher.core.release import Release
from publisher.core.workspace import Workspace
from publisher.publishing.engine import Engine
from publisher.publishing.fingerprint import StatCache
from publisher.publishing.workers import ProgressHook, WorkerPool

#: The page formats a release is published in (what `build --format` takes).
PAGE_FORMATS = ("pdf", "html")


R = TypeVar("R")


class Builder(ABC, Generic[R]):
    """Turns releases into one kind of output and reports what it did."""

    #: The builder's name, as the CLI command that runs it.
    name: ClassVar[str]
    #: Start the engine's workers as soon as anything changed (see Engine).
    eager: ClassVar[bool] = False

    def __init__(
        self,
        ws: Workspace,
        *,
        jobs: int | None = None,
        progress: ProgressHook | None = None,
        stats: StatCache | None = None,
        pool: WorkerPool | None = None,
    ) -> None:
        """`stats`: the file hashes the caller read the releases with (see fingerprint);
        `pool`: warm workers that outlive the build (see publishing/resident.py)."""
        self.ws = ws
        self.jobs = jobs
        self.progress = progress
        self.stats = stats
        self.pool = pool

    def engine(self) -> Engine:
        """The incremental engine, to be used as a context manager (it owns worker processes)."""
        return Engine(
            self.ws,
            jobs=self.jobs,
            progress=self.progress,
            eager=self.eager,
            stats=self.stats,
            pool=self.pool,
        )

    @abstractmethod
    def build(self, releases: Sequence[Release]) -> R:
        """Build the output of `releases`; the report says what was written and refused."""
