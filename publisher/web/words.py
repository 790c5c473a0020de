"""The names of things the pages show (states, filters, history actions, origins), as
messages to translate: the release files keep the English codes, reviewers read words.

Each table maps a code to an English message marked with `N_` for `pybabel
extract`; the page translates it when it is shown (`render.word`). A code the
table does not know (an action written by a newer version) is shown as it is.
"""

from __future__ import annotations

from publisher.core.messages import N_

__all__ = ["N_"]


STATES = {
    "untranslated": N_("untranslated"),
    "stale": N_("stale"),
    "draft": N_("draft"),
    "translated": N_("translated"),
    "reviewed": N_("reviewed"),
    "approved": N_("approved"),
}

#: The review page's filters, in the order of their tabs.
FILTERS = {
    "needs-review": N_("Needs review"),
    "stale": N_("Stale"),
    "qa-errors": N_("QA errors"),
    "untranslated": N_("Untranslated"),
    "all": N_("All"),
}

ACTIONS = {
    "import": N_("imported"),
    "sync": N_("source synced"),
    "translate": N_("translated"),
    "edit": N_("edited"),
    "review": N_("marked reviewed"),
    "approve": N_("approved"),
    "reject": N_("rejected"),
    "invalidate": N_("approval withdrawn"),
    "stale": N_("made stale"),
    "note": N_("note"),
    "add": N_("added"),
    "number": N_("numbered"),
    "embargo": N_("embargo changed"),
    "photo-add": N_("photo added"),
    "photo-edit": N_("photo changed"),
    "photo-remove": N_("photo removed"),
    "revert": N_("reverted"),
}

ORIGINS = {
    "memory": N_("memory"),
    "model": N_("machine"),
    "human": N_("human"),
}

KINDS = {
    "title": N_("title"),
    "heading": N_("heading"),
    "paragraph": N_("paragraph"),
    "item": N_("list item"),
    "quote": N_("quote"),
    "cell": N_("table cell"),
    "caption": N_("caption"),
}

SEVERITIES = {
    "error": N_("error"),
    "warning": N_("warning"),
    "info": N_("note"),
}

TABLES = {
    "state": STATES,
    "filter": FILTERS,
    "action": ACTIONS,
    "origin": ORIGINS,
    "kind": KINDS,
    "severity": SEVERITIES,
}

#: Language names, in the reader's language (the switch shows each in itself).
LANGUAGES = {
    "en": N_("English"),
    "km": N_("Khmer"),
    "zh-Hans": N_("Chinese"),
}
