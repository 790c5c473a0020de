"""Which review records a release's history backs, and a catalog read with that knowledge.

A review record in a catalog (`approved by ... on ...`, with its seal) counts only when the
release's history holds the event that made it: a record written by hand, or carried in by
an imported file, approves nothing (core/catalog.py `Entry.backed`). Every reader that
decides on approvals (the publishing rule, status, the web review, QA, exports) reads a
catalog through `load_catalog`; it touches only the release's files, so it sits with them
in core, below the workflow that changes them.
"""

from __future__ import annotations

from publisher.core import journal
from publisher.core.catalog import Catalog
from publisher.core.fsutil import read_bytes
from publisher.core.history import parse as parse_history
from publisher.core.memos import memo
from publisher.core.release import Release
from publisher.core.states import State
from publisher.errors import CatalogError

#: (language, segment, level, by, at, seal): one approval or review the history records.
ApprovalKey = tuple[str, str, str, str, str, str]
_LEVEL_OF_ACTION = {"approve": State.APPROVED.value, "review": State.REVIEWED.value}


def recorded_approvals(release: Release) -> set[ApprovalKey]:
    """Every approval and review the release's history records, with its seal."""
    path = release.history_path
    if not path.exists():
        return set()
    return set(_approvals_recorded_in(read_bytes(path)))


@memo(maxsize=16)
def _approvals_recorded_in(data: bytes) -> frozenset[ApprovalKey]:
    """The approvals of a history file's bytes, kept for the files read last: a build
    reads each catalog in several steps (plan, pages, every PDF), each time checking its
    records against the whole history (18 parses of it for the sample). Keyed by the
    bytes themselves, so an appended event is a new key."""
    found: set[ApprovalKey] = set()
    for event in parse_history(data):
        level = _LEVEL_OF_ACTION.get(event.action)
        if level and event.lang and event.segment and event.by and event.seal:
            found.add((event.lang, event.segment, level, event.by, event.at, event.seal))
    return frozenset(found)


def load_catalog(release: Release, lang: str, approvals: set[ApprovalKey] | None = None) -> Catalog:
    """A target language's catalog, each review record marked as backed by history or not."""
    journal.refuse_unfinished(release.root)
    code = release.require_target(lang)
    path = release.catalog_path(code)
    catalog = Catalog.load(path, release=release.slug)
    if catalog.lang and catalog.lang != code:
        raise CatalogError(f"this catalog is for {catalog.lang}, expected {code}", path=path)
    catalog.lang = code
    catalog.release = release.slug
    if approvals is None and any(entry.review for entry in catalog):
        approvals = recorded_approvals(release)
    for entry in catalog:
        review = entry.review
        entry.backed = review is not None and (
            (code, entry.id, review.level.value, review.by, review.at, review.hash)
            in (approvals or ())
        )
    return catalog
