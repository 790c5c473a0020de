"""Translation workflow states and the order between them.

They mirror XLIFF 2 segment states: `untranslated`/`draft`/`stale` ~ initial,
`translated`, `reviewed`, `approved` ~ final. The order is what publishing
checks against the workspace's required state.
"""

from __future__ import annotations

from enum import StrEnum

from publisher.errors import UsageError


class State(StrEnum):
    UNTRANSLATED = "untranslated"
    STALE = "stale"
    DRAFT = "draft"
    TRANSLATED = "translated"
    REVIEWED = "reviewed"
    APPROVED = "approved"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def at_least(self, other: State) -> bool:
        return self.rank >= other.rank

    @classmethod
    def parse(cls, value: str) -> State:
        try:
            return cls(value.strip().lower())
        except ValueError:
            known = ", ".join(s.value for s in cls)
            raise UsageError(f"unknown state {value!r}; known states: {known}") from None


_RANK = {
    State.UNTRANSLATED: 0,
    State.STALE: 1,
    State.DRAFT: 2,
    State.TRANSLATED: 3,
    State.REVIEWED: 4,
    State.APPROVED: 5,
}

# Display order for status tables and JSON.
ORDER: tuple[State, ...] = (
    State.UNTRANSLATED,
    State.DRAFT,
    State.TRANSLATED,
    State.REVIEWED,
    State.APPROVED,
    State.STALE,
)
PUBLISHABLE_LEVELS = (State.TRANSLATED, State.REVIEWED, State.APPROVED)
REVIEW_LEVELS = (State.REVIEWED, State.APPROVED)
