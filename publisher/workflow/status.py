"""What is left to do, per release and language: segment counts by state.

Whether a language may be published is decided by the publishing rule
(publisher/publishing/rule.py), which also weighs QA errors; this module only
counts states and names the segments below the required one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from publisher.core.release import Release, find_release, iter_releases
from publisher.core.states import State
from publisher.core.workspace import Workspace
from publisher.errors import ReleaseError
from publisher.workflow.session import load_catalog


@dataclass
class LanguageStatus:
    lang: str
    counts: dict[State, int]
    required: State
    blocking: list[str]  # segments not yet in the required state
    out_of_sync: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def publishable(self) -> bool:
        return not self.blocking and not self.out_of_sync and self.total > 0

    @property
    def approved_percent(self) -> float:
        return 100.0 * self.counts[State.APPROVED] / self.total if self.total else 0.0


def language_status(
    release: Release, lang: str, required: State, out_of_sync: bool = False
) -> LanguageStatus:
    catalog = load_catalog(release, lang)
    counts = catalog.counts()
    blocking = [e.id for e in catalog if not e.state.at_least(required)]
    return LanguageStatus(catalog.lang, counts, required, blocking, out_of_sync)


def release_status(release: Release, required: State) -> list[LanguageStatus]:
    try:
        _, alignment = release.aligned()
        out_of_sync = not alignment.unchanged
    except ReleaseError:
        out_of_sync = True
    return [
        language_status(release, lang, required, out_of_sync)
        for lang in release.meta.target_languages
    ]


def resolve_releases(ws: Workspace, names: Iterable[str]) -> list[Release]:

    names = list(names)
    if not names:
        return list(iter_releases(ws.releases_dir))
    return [find_release(ws.releases_dir, name) for name in names]
