"""The terminal prompt of `publisher review`: keys, their help, and a walk through a language.

The walk keeps the reviewer's place (a queue fixed when they start, `back`
returns to what they just saw) and turns each key into a decision of
publisher/workflow/decisions.py, which saves it at once in its own change
(so quitting or Ctrl-C never loses a decision already made). Drawing the
segments and reading the keyboard is cli/review.py's; this module can be
driven without a terminal (the tests do).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from publisher.core.release import Release
from publisher.errors import PublisherError
from publisher.workflow.checking import Glossary
from publisher.workflow.decisions import (
    Decision,
    MemoryLookup,
    ReviewItem,
    decide,
    load_item,
    review_queue,
)
from publisher.workflow.review import Signer, identify, register_for


@dataclass
class Tally:
    """Decisions taken in one walk through a language, for the closing summary."""

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


class Key(StrEnum):
    """What a reviewer can type at the prompt."""

    APPROVE = "a"
    REVIEW = "r"
    EDIT = "e"
    REJECT = "x"
    SKIP = "s"
    BACK = "b"
    QUIT = "q"
    HELP = "?"


KEY_HELP: tuple[tuple[Key, str], ...] = (
    (Key.REVIEW, "mark reviewed (bound to this exact text)"),
    (Key.APPROVE, "approve"),
    (Key.EDIT, "edit the translation ($EDITOR on a terminal, otherwise one line here)"),
    (Key.REJECT, "reject, with a comment saying what is wrong"),
    (Key.SKIP, "skip to the next segment"),
    (Key.BACK, "go back to the previous segment"),
    (Key.QUIT, "quit (every decision so far is already saved)"),
    (Key.HELP, "this help"),
)
PROMPT = "[r]eviewed [a]pprove [e]dit re[x]ect [s]kip [b]ack [q]uit [?]help > "
_ALIASES = {"quit": Key.QUIT, "h": Key.HELP, "help": Key.HELP}
_DECISIONS = {
    Key.APPROVE: Decision.APPROVE,
    Key.REVIEW: Decision.REVIEW,
    Key.REJECT: Decision.REJECT,
    Key.EDIT: Decision.EDIT,
}


def parse_key(typed: str) -> Key | None:
    """The key a reviewer typed (case and spaces ignored), None if it means nothing."""
    value = typed.strip().lower()
    if value in _ALIASES:
        return _ALIASES[value]
    try:
        return Key(value)
    except ValueError:
        return None


@dataclass
class Message:
    """A line the interface shows the reviewer; `tone` is ok, warning, error or info."""

    text: str
    tone: str = "info"


class ReviewWalk:
    """One reviewer going through one language at the prompt: position, decisions, the end.

    The interface shows `item`, reads a key, asks for a comment (reject) or a
    new text (edit) when `needs_comment`/`needs_text` say so, and calls `press`;
    it draws the returned messages and stops when `finished` is true. Every
    decision is saved by `decide` at once.
    """

    def __init__(
        self,
        release: Release,
        lang: str,
        *,
        by: str,
        state_filter: str | None = None,
        glossary: Glossary | None = None,
        memory: MemoryLookup | None = None,
        sign: Signer | None = None,
    ) -> None:
        self.release = release
        self.lang = release.require_target(lang)
        self.by = identify(register_for(release.root), by, self.lang)
        self.sign = sign
        self.glossary = glossary
        self.memory = memory
        self.queue = review_queue(release, self.lang, state_filter)
        self.index = 0
        self.tally = Tally()
        self.finished = not self.queue
        self.reached_end = False
        self._item: ReviewItem | None = None

    @property
    def item(self) -> ReviewItem:
        """The segment shown now, read fresh from the release after each move or edit."""
        if self._item is None:
            self._item = load_item(
                self.release,
                self.lang,
                self.queue[self.index],
                position=self.index + 1,
                total=len(self.queue),
                glossary=self.glossary,
                memory=self.memory,
            )
        return self._item

    @property
    def shown(self) -> ReviewItem | None:
        """The item last returned by `item`, or None once the walk moved on from it."""
        return self._item

    @staticmethod
    def needs_comment(key: Key) -> bool:
        return key is Key.REJECT

    @staticmethod
    def needs_text(key: Key) -> bool:
        return key is Key.EDIT

    def press(
        self, key: Key, *, comment: str | None = None, text: str | None = None
    ) -> list[Message]:
        """Apply a key; the messages to show. `comment`/`text` answer a reject/edit."""
        if key is Key.HELP:
            return [Message(f"  {k.value}  {meaning}") for k, meaning in KEY_HELP]
        if key is Key.QUIT:
            self.finished = True
            return []
        if key is Key.SKIP:
            self.tally.add(Decision.SKIP)
            self._move(1)
            return []
        if key is Key.BACK:
            if self.index == 0:
                return [Message("this is the first segment", "warning")]
            self._move(-1)
            return []
        decision = _DECISIONS[key]
        item = self.item
        if decision is Decision.EDIT and not (text or "").strip():
            return [Message("translation unchanged", "warning")]
        try:
            stored = decide(
                self.release,
                self.lang,
                item.entry.id,
                decision,
                by=self.by,
                shown_target=item.entry.target,
                comment=comment,
                text=text,
                sign=self.sign,
            )
        except PublisherError as exc:
            if decision is Decision.EDIT:
                self._item = None  # show the segment as it is now
            return [Message(f"not saved: {exc.message}", "error")]
        messages: list[Message] = []
        if stored is None:
            messages.append(
                Message(
                    f"{item.entry.id}: translation unchanged"
                    if decision is Decision.EDIT
                    else f"{item.entry.id}: already {item.state.value}, nothing to save"
                )
            )
        else:
            self.tally.add(decision)
            messages.append(
                Message(f"{item.entry.id}: {decision.value}, now {stored.state.value}", "ok")
            )
            errors = sum(f.is_error for f in item.findings)
            if errors and decision in (Decision.APPROVE, Decision.REVIEW):
                messages.append(
                    Message(f"note: {errors} QA error(s) remain; the build refuses them", "warning")
                )
        # After an edit the reviewer sees the new text and decides on it.
        self._move(0 if decision is Decision.EDIT else 1)
        return messages

    def _move(self, step: int) -> None:
        self._item = None
        self.index += step
        if self.index >= len(self.queue):
            self.index = len(self.queue) - 1
            self.finished = self.reached_end = True

    def left(self) -> int:
        """Segments of the language that still need review, now."""
        return len(review_queue(self.release, self.lang))

    def summary(self) -> str:
        left = self.left()
        return (
            f"{self.release.slug} {self.lang}: {self.tally.summary()}; {left} "
            f"segment{'s' * (left != 1)} still need{'s' * (left == 1)} review"
        )
