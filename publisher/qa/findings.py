"""The one result type every QA check returns.

A finding is plain data so that the CLI can print it, the build can block on
it and tests can compare it, without any of them knowing which check made it.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem in one segment's translation.

    `code` is stable (scripts and reviewers filter on it); `message` is one
    sentence a translator understands and names the offending value;
    `suggestion`, when present, is the whole target text with the fix applied,
    so that a tool can offer it with one click.
    """

    segment: str
    severity: str  # "error" | "warning"
    code: str
    message: str
    suggestion: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


@dataclass(frozen=True)
class Issue:
    """A problem one checker found, before it is placed in a segment as a Finding."""

    code: str
    severity: str
    message: str
    suggestion: str | None
