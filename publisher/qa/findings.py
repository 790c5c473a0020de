"""The one result type every QA check returns.

A finding is plain data so that the CLI can print it, the build can block on
it and tests can compare it, without any of them knowing which check made it.
Its words are a `Message` (a message id and its parameters), not an English
sentence: the review page reads it in the reviewer's language, the CLI in
English (`message`), from the same finding.
"""

from __future__ import annotations

from dataclasses import dataclass

from publisher.core.messages import Message, Translator

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem in one segment's translation.

    `code` is stable (scripts and reviewers filter on it); `text` is one
    sentence a translator understands and names the offending value (read in
    English as `message`, in a reader's language with `render`);
    `suggestion`, when present, is the whole target text with the fix applied,
    so that a tool can offer it with one click.
    """

    segment: str
    severity: str  # "error" | "warning"
    code: str
    text: Message
    suggestion: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def message(self) -> str:
        """The sentence in English, as the CLI and the JSON reports print it."""
        return self.text.english()

    def render(self, translations: Translator, lang: str) -> str:
        """The sentence in the reader's language (the catalog `translations` of `lang`)."""
        return self.text.render(translations, lang)


@dataclass(frozen=True)
class Issue:
    """A problem one checker found, before it is placed in a segment as a Finding."""

    code: str
    severity: str
    text: Message
    suggestion: str | None
