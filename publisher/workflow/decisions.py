"""Review decisions on shown segments: which segments to show and what each decision does.

`publisher review` (the terminal prompt, cli/review_prompt.py) and the web
review app take their decisions here, one segment at a time or many shown at
once; here is everything a decision means, so that it can be tested without a
terminal or a browser and so that the rules stay those of `publisher approve`
/ `reject`:

* every decision is its own `changing()` session (lock, validate, write,
  history), so quitting or Ctrl-C never loses a decision already made, and
  never leaves half of one;
* a decision is bound to the translation the reviewer was shown: if another
  command changed the segment meanwhile, the decision is refused rather than
  approving text nobody read;
* untranslated and stale segments cannot be reviewed or approved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from publisher.core import history
from publisher.core.approvals import load_catalog
from publisher.core.catalog import Entry, approval_hash
from publisher.core.history import Event, now_iso
from publisher.core.limits import check_segment_length
from publisher.core.link_mac import LinkKey
from publisher.core.release import Release
from publisher.core.reviewers import Evidence, Register
from publisher.core.states import State
from publisher.errors import ReviewRefused, SegmentChanged, UsageError
from publisher.qa import Finding, check_segment
from publisher.workflow.checking import Glossary
from publisher.workflow.memory import Memory, build_memory
from publisher.workflow.review import (
    Signer,
    confirm_review,
    four_eyes_applies,
    four_eyes_message,
    identify,
    last_editors,
    record_review,
    register_for,
    same_person,
    seal_link_approvals,
    sign_approvals,
)
from publisher.workflow.session import Session, changing, set_translation

# What `publisher review` shows by default: everything a reviewer still has to look at.
NEEDS_REVIEW: frozenset[State] = frozenset(
    {State.DRAFT, State.TRANSLATED, State.REVIEWED, State.STALE}
)
#: `--state notes`: the segments whose translators left a note (a doubt about the source),
#: whatever their state, for the press officer who must answer them.
NOTES = "notes"
FILTERS = ("needs-review", "all", NOTES, *(s.value for s in State))
EDIT_ORIGIN = "human"


class Decision(StrEnum):
    """What a reviewer can do to a segment; the values are the summary's words."""

    APPROVE = "approved"
    REVIEW = "reviewed"
    REJECT = "rejected"
    EDIT = "edited"
    SKIP = "skipped"


def wanted_states(state_filter: str | None) -> frozenset[State]:
    """The states `--state` selects: a state name, `all` (or `notes`), or the default
    (needs review)."""
    value = (state_filter or "needs-review").strip().lower()
    if value == "needs-review":
        return NEEDS_REVIEW
    if value in ("all", NOTES):
        return frozenset(State)
    if value not in FILTERS:
        raise UsageError(f"--state must be one of: {', '.join(FILTERS)} (not {state_filter!r})")
    return frozenset({State(value)})


def review_queue(release: Release, lang: str, state_filter: str | None = None) -> list[str]:
    """Segment ids to review, in reading order, fixed when the reviewer starts.

    Fixing the list up front means approving a segment does not make the
    queue shift under the reviewer, and `back` returns to what they just saw.
    """
    states = wanted_states(state_filter)
    notes_only = (state_filter or "").strip().lower() == NOTES
    return [
        e.id
        for e in load_catalog(release, lang)
        if e.state in states and (e.notes or not notes_only)
    ]


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
    events = (
        [e for e in history.read(release.history_path) if e.segment == segment and e.lang == code][
            -history_events:
        ]
        if history_events
        else []
    )
    suggestions = list(entry.suggestions)
    if memory is not None and entry.state is not State.APPROVED:
        suggestions += [s for s in memory(entry.source) if s not in suggestions]
    return ReviewItem(entry, position, total, source_lang, code, findings, events, suggestions)


@dataclass(frozen=True)
class Shown:
    """What the reviewer was shown of a segment when they decided (an optimistic check).

    `target` is the translation (the terminal review); `approval_hash` binds the
    segment's id, source and translation, as a review record does; `state` is
    the state shown. A decision is refused when what it was based on changed,
    unless the change already is that decision (another reviewer approved the
    same text meanwhile: both approvals are recorded).
    """

    target: str | None = None
    approval_hash: str | None = None
    state: State | None = None


class Outcome(StrEnum):
    """What a review decision did to one segment."""

    DECIDED = "decided"
    CONFIRMED = "confirmed"  # already at that level by another person; history records both
    UNCHANGED = "unchanged"


def check_shown(entry: Entry, shown: Shown, agrees: bool) -> None:
    """Refuse a decision taken on a segment that changed since it was shown."""
    text_changed = (shown.target is not None and entry.target != shown.target) or (
        shown.approval_hash is not None
        and approval_hash(entry.id, entry.source, entry.target) != shown.approval_hash
    )
    if text_changed:
        raise SegmentChanged(
            f"{entry.id} was changed by someone else while you were reading it; "
            "look at it again before deciding"
        )
    if shown.state is not None and entry.state is not shown.state and not agrees:
        who = ""
        if entry.review is not None:
            who = f" by {entry.review.by}"
        elif entry.rejection:
            who = f" ({entry.rejection})"
        raise SegmentChanged(
            f"{entry.id} is now {entry.state.value}{who}; it was {shown.state.value} when you "
            "read it: look at it again before deciding"
        )


def _review(
    session: Session,
    lang: str,
    segment: str,
    level: State,
    *,
    by: str,
    shown: Shown,
    comment: str | None,
    now: str,
    editors: dict[str, str | None] | None,
    evidence: Evidence,
    register: Register,
) -> Outcome:
    """Mark one segment reviewed or approved inside an open session (see `decide`).

    `editors` (segment -> last editor) is given when the four-eyes rule applies.
    """
    entry = session.catalog(lang).get(segment)
    before = entry.state
    check_shown(entry, shown, agrees=before.at_least(level))
    if before in (State.UNTRANSLATED, State.STALE):
        verb = "approve" if level is State.APPROVED else "mark as reviewed"
        hint = (
            "translate it first (e to edit)"
            if before is State.UNTRANSLATED
            else "the source changed; edit or confirm the translation first (e)"
        )
        raise ReviewRefused(f"cannot {verb} {segment}: it is {before.value}; {hint}")
    editor = editors.get(segment) if editors is not None else None
    if level is State.APPROVED and same_person(editor, by, register):
        raise ReviewRefused(four_eyes_message(segment, by, editor))
    if before.at_least(level):
        # Already there; a review never downgrades an approval. Another person's
        # approval of the same text is recorded in the history.
        if before is level and confirm_review(
            session, lang, entry, by, comment, now, evidence, register
        ):
            return Outcome.CONFIRMED
        return Outcome.UNCHANGED
    record_review(session, lang, entry, level, by, comment, now, evidence)
    return Outcome.DECIDED


def decide(
    release: Release,
    lang: str,
    segment: str,
    decision: Decision,
    *,
    by: str,
    shown_target: str | None = None,
    shown: Shown | None = None,
    comment: str | None = None,
    text: str | None = None,
    evidence: Evidence = Evidence.TYPED,
    sign: Signer | None = None,
    link_key: LinkKey | None = None,
) -> Entry | None:
    """Apply one decision in its own session and return the segment as stored.

    `shown_target` (or `shown`) is what the reviewer was shown; a decision on a
    segment that changed since is refused (`SegmentChanged`). Returns None for a
    skip (nothing is written) and for a decision that changes nothing (approving
    an approved segment, an edit that keeps the text). An approval of a segment
    another person approved meanwhile returns the entry with their record, and
    the history holds both approvals. `by`, `evidence` and `sign` are as for
    `review.approve`; `link_key` seals the `link` approvals (the web app's).
    """
    if decision is Decision.SKIP:
        return None
    code = release.require_target(lang)
    register = register_for(release.root)
    by = identify(register, by, code)
    if shown is None:
        shown = Shown(target=shown_target)
    elif shown_target is not None:
        shown = Shown(shown_target, shown.approval_hash, shown.state)
    if decision is Decision.REJECT and not (comment or "").strip():
        raise ReviewRefused("a rejection needs a comment saying what is wrong")
    if decision is Decision.EDIT and not (text or "").strip():
        raise ReviewRefused("an empty translation was not saved; the segment is unchanged")
    if decision is Decision.EDIT:
        check_segment_length((text or "").strip(), ReviewRefused, f"the translation of {segment}")
    with changing(release) as session:
        now = now_iso()
        if decision in (Decision.APPROVE, Decision.REVIEW):
            level = State.APPROVED if decision is Decision.APPROVE else State.REVIEWED
            editors = (
                last_editors(session.release, code)
                if level is State.APPROVED and four_eyes_applies(release)
                else None
            )
            outcome = _review(
                session,
                code,
                segment,
                level,
                by=by,
                shown=shown,
                comment=comment,
                now=now,
                editors=editors,
                evidence=evidence,
                register=register,
            )
            if outcome is Outcome.UNCHANGED:
                return None
            if sign is not None:
                sign_approvals(session, by, sign)
            if link_key is not None:
                seal_link_approvals(session, by, link_key)
            return session.catalog(code).get(segment)
        entry = session.catalog(code).get(segment)
        check_shown(entry, shown, agrees=False)
        before = entry.state
        if decision is Decision.REJECT:
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
class BatchReport:
    """What a decision on many shown segments did, segment by segment."""

    decided: list[str] = field(default_factory=list)
    #: already at that level (another person's approval is recorded in `confirmed` too)
    unchanged: list[str] = field(default_factory=list)
    confirmed: list[str] = field(default_factory=list)
    #: segment -> why it was not decided (changed meanwhile, stale, four-eyes...)
    refused: dict[str, str] = field(default_factory=dict)


def decide_shown(
    release: Release,
    lang: str,
    shown: dict[str, Shown],
    decision: Decision,
    *,
    by: str,
    comment: str | None = None,
    evidence: Evidence = Evidence.TYPED,
    sign: Signer | None = None,
    link_key: LinkKey | None = None,
) -> BatchReport:
    """Approve (or mark reviewed) every segment the reviewer was shown, in one session.

    Each segment is held to what was shown of it, as in `decide`; one that
    cannot take the decision is reported and the others are decided (one write,
    one lock: approving 200 segments costs one catalog write, not 200).
    """
    if decision not in (Decision.APPROVE, Decision.REVIEW):
        raise UsageError("only approve and review apply to many segments at once")
    level = State.APPROVED if decision is Decision.APPROVE else State.REVIEWED
    code = release.require_target(lang)
    register = register_for(release.root)
    by = identify(register, by, code)
    report = BatchReport()
    with changing(release) as session:
        now = now_iso()
        editors = (
            last_editors(session.release, code)
            if level is State.APPROVED and four_eyes_applies(release)
            else None
        )
        for segment, seen in shown.items():
            try:
                outcome = _review(
                    session,
                    code,
                    segment,
                    level,
                    by=by,
                    shown=seen,
                    comment=comment,
                    now=now,
                    editors=editors,
                    evidence=evidence,
                    register=register,
                )
            except ReviewRefused as exc:
                report.refused[segment] = exc.message
                continue
            if outcome is Outcome.DECIDED:
                report.decided.append(segment)
            else:
                report.unchanged.append(segment)
                if outcome is Outcome.CONFIRMED:
                    report.confirmed.append(segment)
        if sign is not None:
            sign_approvals(session, by, sign)
        if link_key is not None:
            seal_link_approvals(session, by, link_key)
    return report
