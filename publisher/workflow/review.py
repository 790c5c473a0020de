"""Review decisions: approve (or mark reviewed) and reject, by a named reviewer.

An approval is bound to the exact source and translation it was given for,
recorded in the catalog and in the release's history, with how its reviewer
was identified (typed, link, signed: the evidence) and, when signed, the
reviewer's SSH signature of the change's approvals (core/statement.py).
Untranslated and stale segments cannot be approved. A second person approving
a segment that is already approved changes nothing in the catalog, but their
approval is recorded in the history: two reviewers deciding at once (one in a
terminal, one in the web app) both find their decision there.

Once the workspace has a register of reviewers (core/reviewers.py), a decision
names a reviewer of that language (`identify`), recorded under the entry's
name whatever alias was typed, and "the same person" means the same entry
(`same_person`); without one, names are as typed, and names that read alike
(case, spacing, punctuation, look-alike letters) still count as one person for
the four-eyes rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from publisher.core import history, link_mac
from publisher.core.catalog import Entry
from publisher.core.history import Event, now_iso
from publisher.core.release import Release
from publisher.core.reviewers import Evidence, Register, confusable
from publisher.core.statement import signable, statement
from publisher.core.states import REVIEW_LEVELS, State
from publisher.core.workspace import CONFIG_NAME, config_for
from publisher.errors import CatalogError, NotAReviewer, ReviewRefused, UsageError
from publisher.workflow.session import Session, changing


@dataclass
class ReviewReport:
    changed: list[str]
    unchanged: list[str]
    skipped: dict[str, State]  # segment -> its state, when it cannot take this decision
    #: segments the reviewer last edited themselves, refused under the four-eyes rule
    own_edits: list[str] = field(default_factory=list)
    #: segments already approved by someone else: the catalog keeps the first record,
    #: the history records this approval too
    confirmed: list[str] = field(default_factory=list)


#: History actions that set a translation's text (a person's when `by` is given).
_EDITS = frozenset({"edit", "import", "translate"})


def editors_in(events: Iterable[Event], lang: str) -> dict[str, str | None]:
    """segment -> who last set its translation (None: a machine or memory draft)."""
    editors: dict[str, str | None] = {}
    for event in events:
        if event.lang == lang and event.segment and event.action in _EDITS:
            editors[event.segment] = event.by
    return editors


def last_editors(release: Release, lang: str) -> dict[str, str | None]:
    """segment -> who last set its translation, from the release's history."""
    return editors_in(history.read(release.history_path), lang)


def four_eyes_applies(release: Release) -> bool:
    """Whether the release's workspace enables `[review] four_eyes`."""
    config = config_for(release.root)
    return config is not None and config.four_eyes


#: Signs the statement of a change's approvals (bytes) and returns the armored signature.
Signer = Callable[[bytes], str]


def register_for(path: Path) -> Register:
    """The register of the workspace that holds `path` (empty outside any workspace)."""
    here = path.resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return Register.load(folder)
    return Register(here / "reviewers.toml")


def identify(register: Register, by: str, lang: str) -> str:
    """The name a decision on `lang` is recorded under: with a register, the entry's
    name of a reviewer of that language (any of their names may be given); without
    one, the name as given."""
    if not register:
        return by
    entry = register.find(by)
    if entry is not None and entry.may_review(lang):
        return entry.name
    allowed = register.of_lang(lang)
    listed = "; ".join(
        r.name + (f" (also {', '.join(r.aliases)})" if r.aliases else "") for r in allowed
    )
    why = "is not in the register of reviewers" if entry is None else f"does not review {lang}"
    raise NotAReviewer(
        f"{by} {why}; {lang} is approved by: {listed or 'nobody yet'} "
        f"(publisher reviewers add NAME --lang {lang})"
    )


def same_person(a: str | None, b: str | None, register: Register | None = None) -> bool:
    """Two records name the same person; a machine is nobody.

    The same entry of the register (any of its names), or names that read alike:
    equal after normalisation or made of look-alike letters ("Trans.", "trans",
    "Trаns" with a Cyrillic а)."""
    if not a or not b:
        return False
    names_a, names_b = [a], [b]
    if register:
        entry_a, entry_b = register.find(a), register.find(b)
        if entry_a is not None and entry_a is entry_b:
            return True
        names_a = entry_a.names if entry_a is not None else names_a
        names_b = entry_b.names if entry_b is not None else names_b
    return any(confusable(x, y) for x in names_a for y in names_b)


def four_eyes_message(segment: str, by: str, editor: str | None = None) -> str:
    made = by if not editor or editor == by else f"{by} (as {editor})"
    return (
        f"{segment} cannot be approved by {by}: {made} made its current translation, and this "
        "workspace requires another person to approve it ([review] four_eyes = true)"
    )


def sign_approvals(session: Session, by: str, sign: Signer) -> None:
    """Mark the approvals `by` made in this change as signed, and sign their statement."""
    events = [e for e in session.events if signable(e) and e.by == by and not e.signature]
    if not events:
        return
    signature = sign(statement(session.release.slug, events))
    for event in events:
        event.evidence = Evidence.SIGNED.value
        event.signature = signature


def seal_link_approvals(session: Session, by: str, key: link_mac.LinkKey) -> None:
    """Give the `link` approvals `by` made in this change the server's MAC (the web app,
    for a personal link's visitor)."""
    for event in session.events:
        if (
            signable(event)
            and event.by == by
            and event.evidence == Evidence.LINK.value
            and not event.mac
        ):
            event.mac = link_mac.mac(key, session.release.slug, event)


def approve(
    release: Release,
    lang: str,
    *,
    by: str,
    segments: Iterable[str] = (),
    all_segments: bool = False,
    level: State = State.APPROVED,
    comment: str | None = None,
    evidence: Evidence = Evidence.TYPED,
    sign: Signer | None = None,
) -> ReviewReport:
    """Mark segments reviewed or approved; untranslated and stale ones are refused.

    `by` must be a reviewer of `lang` when the workspace has a register (recorded under
    the entry's name); `sign` signs the approvals (their evidence is then `signed`).
    """
    if level not in REVIEW_LEVELS:
        raise UsageError("--level must be reviewed or approved")
    wanted = list(dict.fromkeys(segments))
    if not wanted and not all_segments:
        raise UsageError("name the segments with --segment ID, or approve everything with --all")
    code = release.require_target(lang)
    register = register_for(release.root)
    by = identify(register, by, code)
    with changing(release) as session:
        catalog = session.catalog(code)
        targets = list(catalog) if all_segments else [catalog.get(s) for s in wanted]
        refused = {e.id: e.state for e in targets if e.state in (State.UNTRANSLATED, State.STALE)}
        if refused and not all_segments:
            listed = ", ".join(f"{k} ({v.value})" for k, v in refused.items())
            raise CatalogError(
                f"cannot approve {listed}: translate it first"
                if level is State.APPROVED
                else f"cannot mark {listed} as reviewed: translate it first"
            )
        report = ReviewReport([], [], dict(refused))
        editors = last_editors(session.release, code) if four_eyes_applies(release) else {}
        own = [
            e.id
            for e in targets
            if e.id not in refused and same_person(editors.get(e.id), by, register)
        ]
        if own and not all_segments:
            raise ReviewRefused(four_eyes_message(", ".join(own), by, editors.get(own[0])))
        report.own_edits = own
        now = now_iso()
        for entry in targets:
            if entry.id in refused or entry.id in own:
                continue
            if entry.state is level:
                if confirm_review(session, code, entry, by, comment, now, evidence, register):
                    report.confirmed.append(entry.id)
                report.unchanged.append(entry.id)
                continue
            record_review(session, code, entry, level, by, comment, now, evidence)
            report.changed.append(entry.id)
        if sign is not None:
            sign_approvals(session, by, sign)
    return report


def _review_action(level: State) -> str:
    return "approve" if level is State.APPROVED else "review"


def record_review(
    session: Session,
    lang: str,
    entry: Entry,
    level: State,
    by: str,
    comment: str | None,
    now: str,
    evidence: Evidence = Evidence.TYPED,
) -> None:
    """Bind a review to the entry's texts, and record it with the text it was given for."""
    before = entry.state
    entry.set_review(level, by, now)
    session.events.append(
        Event(
            now,
            _review_action(level),
            lang,
            entry.id,
            before.value,
            level.value,
            by,
            comment,
            text=entry.target,
            seal=entry.review.hash if entry.review else None,
            evidence=evidence.value,
        )
    )
    session.changed(lang)


def confirm_review(
    session: Session,
    lang: str,
    entry: Entry,
    by: str,
    comment: str | None,
    now: str,
    evidence: Evidence = Evidence.TYPED,
    register: Register | None = None,
) -> bool:
    """A second person's review of a segment already at that level: recorded in the
    history only (the catalog keeps the first record). False if it is the same person."""
    review = entry.review
    if review is None or same_person(review.by, by, register):
        return False
    session.events.append(
        Event(
            now,
            _review_action(review.level),
            lang,
            entry.id,
            review.level.value,
            review.level.value,
            by,
            comment,
            detail=f"also {review.level.value} by {review.by}",
            text=entry.target,
            seal=review.hash,
            evidence=evidence.value,
        )
    )
    return True


def reject(release: Release, lang: str, *, segment: str, by: str, comment: str) -> Entry:
    """Send a translation back to draft with the reviewer's reason."""
    if not comment.strip():
        raise UsageError("a rejection needs a --comment saying what is wrong")
    code = release.require_target(lang)
    by = identify(register_for(release.root), by, code)
    with changing(release) as session:
        entry = session.catalog(code).get(segment)
        if entry.state is State.UNTRANSLATED:
            raise CatalogError(f"{segment} is untranslated; there is nothing to reject")
        before = entry.state
        now = now_iso()
        entry.reject(by, now, comment)
        session.events.append(
            Event(now, "reject", code, segment, before.value, entry.state.value, by, comment)
        )
        session.changed(code)
    return entry
