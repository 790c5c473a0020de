"""Interactive review, the domain half: which segments to show and what each decision does.

`publisher review` walks a reviewer through one language of a release one
segment at a time. The terminal I/O lives in the CLI; here is everything a
decision means, so that it can be tested without a terminal and so that the
rules stay those of `publisher approve` / `reject`:

* every decision is its own `changing()` session (lock, validate, write,
  history), so quitting or Ctrl-C never loses a decision already made, and
  never leaves half of one;
* a decision is bound to the translation the reviewer was shown: if another
  command changed the segment meanwhile, the decision is refused rather than
  approving text nobody read;
* untranslated and stale segments cannot be reviewed or approved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from publisher import history
from publisher.catalog import Entry
from publisher.checking import Glossary
from publisher.errors import CatalogError, UsageError
from publisher.history import Event, now_iso
from publisher.qa import Finding, check_segment
from publisher.release import Release
from publisher.states import State
from publisher.workflow import Session, changing, load_catalog, set_translation

# What `publisher review` shows by default: everything a reviewer still has to look at.
NEEDS_REVIEW: frozenset[State] = frozenset(
    {State.DRAFT, State.TRANSLATED, State.REVIEWED, State.STALE}
)
FILTERS = ("needs-review", "all", *(s.value for s in State))
EDIT_ORIGIN = "human"


class Decision(StrEnum):
    """What a reviewer can do to a segment; the values are the summary's words."""

    APPROVE = "approved"
    REVIEW = "reviewed"
    REJECT = "rejected"
    EDIT = "edited"
    SKIP = "skipped"


class ReviewRefused(CatalogError):
    """A decision the segment cannot take; the reviewer stays on it and may choose again."""


def wanted_states(state_filter: str | None) -> frozenset[State]:
    """The states `--state` selects: a state name, `all`, or the default (needs review)."""
    value = (state_filter or "needs-review").strip().lower()
    if value == "needs-review":
        return NEEDS_REVIEW
    if value == "all":
        return frozenset(State)
    if value not in FILTERS:
        raise UsageError(f"--state must be one of: {', '.join(FILTERS)} (not {state_filter!r})")
    return frozenset({State(value)})


def review_queue(release: Release, lang: str, state_filter: str | None = None) -> list[str]:
    """Segment ids to review, in reading order, fixed at the start of the session.

    Fixing the list up front means approving a segment does not make the
    queue shift under the reviewer, and `back` returns to what they just saw.
    """
    states = wanted_states(state_filter)
    return [e.id for e in load_catalog(release, lang) if e.state in states]


@dataclass
class ReviewItem:
    """Everything the reviewer sees for one segment, read fresh from the release."""

    entry: Entry
    position: int  # 1-based, within the queue
    total: int
    source_lang: str
    lang: str
    findings: list[Finding]
    events: list[Event]  # the latest history events of this segment and language
    suggestions: list[str] = field(default_factory=list)

    @property
    def state(self) -> State:
        return self.entry.state


MemoryLookup = Callable[[str], list[str]]


def memory_lookup(workspace_root: Path, release: Release, lang: str) -> MemoryLookup:
    """Fuzzy translation-memory suggestions for a source text, built on first use.

    Building the memory reads every release, so it is deferred until a segment
    is shown; the release's own segments are excluded (they would suggest the
    segment to itself).
    """
    from publisher.memory import Memory, build_memory

    cache: list[Memory] = []

    def lookup(source: str) -> list[str]:
        if not cache:
            cache.append(build_memory(workspace_root))
        matches = cache[0].fuzzy(
            source, release.meta.source_language, lang, exclude_origin_prefix=f"{release.slug}/"
        )
        return [f"memory {m.score}% ({m.unit.origin}): {m.unit.target}" for m in matches]

    return lookup


def load_item(
    release: Release,
    lang: str,
    segment: str,
    *,
    position: int,
    total: int,
    glossary: Glossary | None = None,
    memory: MemoryLookup | None = None,
    history_events: int = 3,
) -> ReviewItem:
    """The segment as it is now, its QA findings, recent history and suggestions."""
    code = release.require_target(lang)
    catalog = load_catalog(release, code)
    entry = catalog.get(segment)
    source_lang = catalog.source_lang or release.meta.source_language
    findings = check_segment(
        entry.id,
        entry.source,
        entry.target,
        source_lang=source_lang,
        target_lang=code,
        state=entry.state.value,
        glossary=dict((glossary or {}).get(code, {})),
    )
    events = [
        e for e in history.read(release.history_path) if e.segment == segment and e.lang == code
    ][-history_events:] if history_events else []
    suggestions = list(entry.suggestions)
    if memory is not None and entry.state is not State.APPROVED:
        suggestions += [s for s in memory(entry.source) if s not in suggestions]
    return ReviewItem(entry, position, total, source_lang, code, findings, events, suggestions)


def _current(session: Session, lang: str, segment: str, shown_target: str | None) -> Entry:
    entry = session.catalog(lang).get(segment)
    if shown_target is not None and entry.target != shown_target:
        raise ReviewRefused(
            f"{segment} was changed by someone else while you were reading it; "
            "look at it again before deciding"
        )
    return entry


def decide(
    release: Release,
    lang: str,
    segment: str,
    decision: Decision,
    *,
    by: str,
    shown_target: str | None = None,
    comment: str | None = None,
    text: str | None = None,
) -> Entry | None:
    """Apply one decision in its own session and return the segment as stored.

    `shown_target` is the translation the reviewer was shown; a decision on
    a segment whose translation changed since is refused. Returns None for a
    skip (nothing is written) and for a decision that changes nothing (approving
    an approved segment, an edit that keeps the text).
    """
    if decision is Decision.SKIP:
        return None
    code = release.require_target(lang)
    if decision is Decision.REJECT and not (comment or "").strip():
        raise ReviewRefused("a rejection needs a comment saying what is wrong")
    if decision is Decision.EDIT and not (text or "").strip():
        raise ReviewRefused("an empty translation was not saved; the segment is unchanged")
    with changing(release) as session:
        entry = _current(session, code, segment, shown_target)
        before = entry.state
        now = now_iso()
        if decision in (Decision.APPROVE, Decision.REVIEW):
            level = State.APPROVED if decision is Decision.APPROVE else State.REVIEWED
            if before in (State.UNTRANSLATED, State.STALE):
                verb = "approve" if level is State.APPROVED else "mark as reviewed"
                hint = (
                    "translate it first (e to edit)"
                    if before is State.UNTRANSLATED
                    else "the source changed; edit or confirm the translation first (e)"
                )
                raise ReviewRefused(f"cannot {verb} {segment}: it is {before.value}; {hint}")
            if before.at_least(level):
                return None  # already there; a review never downgrades an approval
            entry.set_review(level, by, now)
            action = "approve" if level is State.APPROVED else "review"
            session.events.append(
                Event(now, action, code, segment, before.value, level.value, by, comment)
            )
        elif decision is Decision.REJECT:
            if before is State.UNTRANSLATED:
                raise ReviewRefused(f"{segment} is untranslated; there is nothing to reject")
            assert comment is not None
            entry.reject(by, now, comment)
            session.events.append(
                Event(now, "reject", code, segment, before.value, entry.state.value, by, comment)
            )
        elif decision is Decision.EDIT:
            assert text is not None
            new = text.strip()
            if not set_translation(
                session, code, segment, new, origin=EDIT_ORIGIN, draft=False, by=by
            ):
                return None
            entry = session.catalog(code).get(segment)
        session.changed(code)
    return entry


@dataclass
class Tally:
    """Decisions taken in one review session, for the closing summary."""

    counts: dict[Decision, int] = field(default_factory=lambda: dict.fromkeys(Decision, 0))

    def add(self, decision: Decision) -> None:
        self.counts[decision] += 1

    def summary(self) -> str:
        return ", ".join(f"{self.counts[d]} {d.value}" for d in _SUMMARY_ORDER)


_SUMMARY_ORDER: Iterable[Decision] = (
    Decision.APPROVE,
    Decision.REVIEW,
    Decision.REJECT,
    Decision.EDIT,
    Decision.SKIP,
)
