"""Which review records a release's history backs, and a catalog read with that knowledge.

A review record in a catalog (`approved by ... on ...`, with its seal) counts only when the
release's history holds the event that made it: a record written by hand, or carried in by
an imported file, approves nothing (core/catalog.py `Entry.backed`). Every reader that
decides on approvals (the publishing rule, status, the web review, QA, exports) reads a
catalog through `load_catalog`; it touches only the release's files, so it sits with them
in core, below the workflow that changes them.

An approval event backs nothing:

* once a later decision on its segment (later in the file) withdrew it: a rejection, an
  edit, the source changed, an invalidation. A sealed or signed line counts from the
  place of its first copy, so copying it again after a rejection (a replay) does not
  bring it back. The history has no chain: deleting lines (the rejection itself) is not
  detected here;
* when it says it came through a personal link (`link`) and its MAC, checked with this
  machine's link key, does not match it (core/link_mac.py): written or changed by hand,
  or copied from another segment or release. A `link` record that cannot be checked here
  (no MAC, no key) still backs its record; workflow/evidence.py counts it as `typed`.
"""

from __future__ import annotations

from dataclasses import dataclass

from publisher.core import journal, link_mac
from publisher.core.catalog import Catalog
from publisher.core.fsutil import read_bytes
from publisher.core.history import Event
from publisher.core.history import parse as parse_history
from publisher.core.memos import memo
from publisher.core.release import Release
from publisher.core.states import State
from publisher.errors import CatalogError

#: (language, segment, level, by, at, seal): one approval or review the history records.
ApprovalKey = tuple[str, str, str, str, str, str]
_LEVEL_OF_ACTION = {"approve": State.APPROVED.value, "review": State.REVIEWED.value}


#: Actions that record a decision rather than withdraw one.
_NOT_WITHDRAWING = frozenset({"approve", "review", "note"})
_WITHDRAWN_STATES = frozenset({State.APPROVED.value, State.REVIEWED.value})


@dataclass(frozen=True)
class HistoryApprovals:
    """What a release's history says about its approvals."""

    #: the approvals and reviews that back a catalog record
    backing: frozenset[ApprovalKey]
    #: `link` records whose MAC does not check with this machine's key, with why
    forged: tuple[tuple[Event, str], ...]
    #: `link` records that cannot be checked here (no MAC, no key, another key), with why
    unchecked: tuple[tuple[Event, str], ...]
    #: how many approvals in all say they came through a personal link
    links: int = 0


def recorded_approvals(release: Release) -> set[ApprovalKey]:
    """Every approval and review the release's history records, with its seal, that still
    backs a catalog record (not withdrawn since, not a forged link record)."""
    return set(history_approvals(release).backing)


def history_approvals(release: Release) -> HistoryApprovals:
    """The approvals of the release's history, checked (see the module's docstring)."""
    path = release.history_path
    if not path.exists():
        return HistoryApprovals(frozenset(), (), (), 0)
    return _approvals_recorded_in(read_bytes(path), release.slug, link_mac.load_key())


def forged_links(release: Release) -> tuple[tuple[Event, str], ...]:
    """The `link` records of the release's history whose MAC does not check with this
    machine's key (none can without one): `status` asks it of every release, so a history
    with no link record is not parsed for it."""
    key = link_mac.load_key()
    path = release.history_path
    if key is None or not path.exists():
        return ()
    data = read_bytes(path)
    if b"link" not in data and b"\\u" not in data:  # no link record, even one escaped
        return ()
    return _approvals_recorded_in(data, release.slug, key).forged


def _withdrawing(event: Event) -> bool:
    """A decision that takes a segment's review away (its state after is below reviewed)."""
    if event.action in _NOT_WITHDRAWING or not event.lang or not event.segment:
        return False
    return event.action == "obsolete" or (
        event.after is not None and event.after not in _WITHDRAWN_STATES
    )


@memo(maxsize=16)
def _approvals_recorded_in(
    data: bytes, release: str, key: link_mac.LinkKey | None
) -> HistoryApprovals:
    """The approvals of a history file's bytes, kept for the files read last: a build
    reads each catalog in several steps (plan, pages, every PDF), each time checking its
    records against the whole history (18 parses of it for the sample). Keyed by the
    bytes themselves (an appended event is a new key), the release and the link key."""
    events = parse_history(data)
    # (lang, segment) -> the place of the last decision that withdrew its review
    withdrawn: dict[tuple[str, str], int] = {}
    for index, event in enumerate(events):
        if _withdrawing(event):
            withdrawn[(event.lang or "", event.segment or "")] = index
    # A sealed or signed line counts from the place of its first copy: a copy appended
    # later is a replay of that decision, not a new one (a new decision has a new MAC).
    first_copy: dict[str, int] = {}
    backing: set[ApprovalKey] = set()
    forged: list[tuple[Event, str]] = []
    unchecked: list[tuple[Event, str]] = []
    links = 0
    for index, event in enumerate(events):
        level = _LEVEL_OF_ACTION.get(event.action)
        if not (level and event.lang and event.segment and event.by and event.seal):
            continue
        if event.evidence == "link":
            links += 1
            seal, why = link_mac.check(key, release, event)
            if seal is link_mac.Seal.FORGED:
                forged.append((event, why))
                continue
            if seal is link_mac.Seal.UNCHECKED:
                unchecked.append((event, why))
        mark = event.mac or (
            f"{event.signature}\x00{event.lang}\x00{event.segment}" if event.signature else None
        )
        place = first_copy.setdefault(mark, index) if mark else index
        if place > withdrawn.get((event.lang, event.segment), -1):
            backing.add((event.lang, event.segment, level, event.by, event.at, event.seal))
    return HistoryApprovals(frozenset(backing), tuple(forged), tuple(unchecked), links)


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
