"""What is left to do, per release and language: segment counts by state.

Whether a language may be published is decided by the publishing rule
(publisher/publishing/rule.py, `readiness`), which also weighs QA errors and
fills in the reasons; this module only counts states and names the segments
below the required one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from publisher.core.approvals import load_catalog
from publisher.core.release import (
    BOILERPLATE,
    Release,
    find_release,
    iter_releases,
    scan_releases,
)
from publisher.core.states import State
from publisher.core.tomlfile import TomlReader, read_toml
from publisher.core.workspace import Workspace
from publisher.errors import PublisherError, ReleaseError, SymlinkRefused


@dataclass
class LanguageStatus:
    lang: str
    counts: dict[State, int]
    required: State
    blocking: list[str]  # segments not yet in the required state
    out_of_sync: bool = False
    #: filled in by the publishing rule (publisher.publishing.rule.readiness): why the
    #: language may not be published, and the segments with QA errors
    refusals: list[str] = field(default_factory=list)
    qa_errors: list[str] = field(default_factory=list)
    judged: bool = False
    #: segment -> its translator's notes (a doubt about the source the press officer must
    #: answer), in reading order: they do not block publishing, so status must say them
    notes: dict[str, list[str]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def publishable(self) -> bool:
        return (
            not self.blocking
            and not self.out_of_sync
            and self.total > 0
            and not self.refusals
            and not self.qa_errors
        )

    @property
    def approved_percent(self) -> float:
        return 100.0 * self.counts[State.APPROVED] / self.total if self.total else 0.0


def language_status(
    release: Release, lang: str, required: State, out_of_sync: bool = False
) -> LanguageStatus:
    catalog = load_catalog(release, lang)
    counts = catalog.counts()
    blocking = [e.id for e in catalog if not e.state.at_least(required)]
    notes = {e.id: lines for e in catalog if (lines := [n.strip() for n in e.notes if n.strip()])}
    return LanguageStatus(catalog.lang, counts, required, blocking, out_of_sync, notes=notes)


def release_status(release: Release, required: State) -> list[LanguageStatus]:
    try:
        _, alignment = release.aligned()
        out_of_sync = not alignment.unchanged
    except SymlinkRefused:
        raise  # a linked source.md or segments.json is named, not taken for "run sync"
    except ReleaseError:
        out_of_sync = True
    return [
        language_status(release, lang, required, out_of_sync)
        for lang in release.meta.target_languages
    ]


def resolve_releases(
    ws: Workspace, names: Iterable[str], *, with_boilerplate: bool = False
) -> list[Release]:
    """The named releases, or all of them (and the boilerplate, for the commands that
    translate and check it: it is never published on its own); a broken one raises."""
    names = list(names)
    if names:
        return [find_release(ws.releases_dir, name) for name in names]
    found = list(iter_releases(ws.releases_dir))
    if with_boilerplate and (ws.boilerplate_dir / "release.toml").is_file():
        found.append(find_release(ws.releases_dir, BOILERPLATE))
    return found


def load_releases(
    ws: Workspace,
    names: Iterable[str],
    *,
    with_boilerplate: bool = False,
    reader: TomlReader = read_toml,
) -> tuple[list[Release], list[PublisherError]]:
    """The named releases (or all, and the boilerplate if asked), and the error of each
    broken one, so that a command can report those and go on with the others. An
    unknown name raises."""
    names = list(names)
    good: list[Release] = []
    broken: list[PublisherError] = []
    if not names:
        good, broken = scan_releases(ws.releases_dir, reader)
        if with_boilerplate and (ws.boilerplate_dir / "release.toml").is_file():
            try:
                good.append(find_release(ws.releases_dir, BOILERPLATE))
            except ReleaseError as error:
                broken.append(error)
        return good, broken
    for name in names:
        try:
            good.append(find_release(ws.releases_dir, name))
        except ReleaseError as error:
            broken.append(error)
    return good, broken
