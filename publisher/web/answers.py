"""What the review app answers to a decision: which decision a form's action asks for, the
answer's status and words in the reviewer's language, and why a visitor may not decide.

Kept apart from the routes (web/app.py) so that every sentence a reviewer reads after a
click is in one place, each through gettext (web/i18n.py serves Khmer and Chinese).
"""

from __future__ import annotations

from dataclasses import dataclass
from gettext import NullTranslations

from publisher.web.security import Visitor
from publisher.workflow.decisions import Decision

#: The form's `action` -> the decision it asks for ("revert" is its own use case).
ACTIONS = {
    "approve": Decision.APPROVE,
    "review": Decision.REVIEW,
    "reject": Decision.REJECT,
    "edit": Decision.EDIT,
    "keep": Decision.EDIT,
}


def done(t: NullTranslations, action: str, segment: str) -> str:
    """What a decision did, naming its segment, in the reviewer's language."""
    messages = {
        "approve": t.gettext("Segment %(segment)s approved."),
        "review": t.gettext("Segment %(segment)s marked reviewed."),
        "reject": t.gettext("Segment %(segment)s rejected: back to draft."),
        "edit": t.gettext("Segment %(segment)s saved."),
        "keep": t.gettext(
            "Segment %(segment)s kept: the translation now stands for the new source."
        ),
        "revert": t.gettext("Segment %(segment)s is back to the approved text (approve it again)."),
    }
    return messages[action] % {"segment": segment}


@dataclass
class Answer:
    """What a decision on one segment gives back: the status, a message, its tone."""

    status: int
    message: str
    tone: str
    kept: str | None = None  # the reviewer's text that was not saved


def not_yours(t: NullTranslations, visitor: Visitor, lang: str) -> str | None:
    """Why this visitor may not decide on `lang`, or None (in the reviewer's language)."""
    if visitor.reviewer is not None:
        if visitor.reviewer.may_review(lang):
            return None
        return t.gettext(
            "Not saved: you review %(langs)s; %(lang)s is decided by its own reviewers."
        ) % {"langs": ", ".join(visitor.reviewer.langs), "lang": lang}
    if visitor.registered:
        return t.gettext(
            "Not saved: this is the office link, which views everything and decides nothing. "
            "Reviewers decide through their personal links (publisher reviewers invite NAME)."
        )
    return None


def form_text(text: str) -> str:
    """Form text with the browser's CRLF line ends made LF, as the catalogs keep them."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
