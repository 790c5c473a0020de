"""Suggestions waiting in a catalog, and taking or dropping one.

A segment's suggestions are translations offered but not used: a translator's
text that met a newer catalog edit on `publisher import` (a conflict: the
catalog kept its text) and fuzzy translation-memory matches from `publisher
translate`. They sit in the PO file as `# suggestion: ...` comments, visible to
every PO tool. Accepting one makes it the segment's translation, under the
release lock and recorded in history, and removes it from the file; dropping
one removes it. Nothing else about the segment changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from publisher.core.approvals import load_catalog
from publisher.core.catalog import Entry
from publisher.core.history import Event, now_iso
from publisher.core.release import Release
from publisher.errors import CatalogError, UsageError
from publisher.workflow.session import changing, set_translation

_MEMORY = re.compile(r"^memory (\d{1,3})% \((.*?)\): (.*)$", re.DOTALL)


@dataclass(frozen=True)
class Suggestion:
    """One suggestion of one segment, numbered from 1 as `list` shows it."""

    segment: str
    number: int
    text: str  # the translation it offers
    origin: str  # where it came from, in words
    memory: bool  # a fuzzy memory match (for another source text), not a translation of this one

    @classmethod
    def parse(cls, segment: str, number: int, stored: str) -> Suggestion:
        m = _MEMORY.match(stored)
        if m:
            return cls(
                segment, number, m.group(3), f"memory match {m.group(1)}%, {m.group(2)}", True
            )
        return cls(segment, number, stored, "a translator's file that met a newer edit", False)


@dataclass(frozen=True)
class SegmentSuggestions:
    entry: Entry
    suggestions: list[Suggestion]


def list_suggestions(
    release: Release, lang: str, segments: list[str] | None = None
) -> list[SegmentSuggestions]:
    """Every segment of `lang` with suggestions (or only `segments`), in reading order."""
    code = release.require_target(lang)
    catalog = load_catalog(release, code)
    wanted = [catalog.get(s) for s in segments] if segments else list(catalog)
    return [
        SegmentSuggestions(
            entry, [Suggestion.parse(entry.id, n, s) for n, s in enumerate(entry.suggestions, 1)]
        )
        for entry in wanted
        if entry.suggestions
    ]


def _pick(entry: Entry, number: int | None, lang: str) -> int:
    """The index of the suggestion a command names; without a number, the only one."""
    count = len(entry.suggestions)
    if not count:
        raise CatalogError(f"{entry.id} has no suggestions in the {lang} catalog")
    if number is None:
        if count > 1:
            raise UsageError(
                f"{entry.id} has {count} suggestions; name one with --number 1..{count} "
                "(`publisher suggestions list` shows them)"
            )
        return 0
    if not 1 <= number <= count:
        raise UsageError(
            f"{entry.id} has {count} suggestion{'s' * (count != 1)}; --number must be 1..{count}"
        )
    return number - 1


def accept(release: Release, lang: str, segment: str, number: int | None, *, by: str) -> Entry:
    """Make a suggestion the segment's translation, and take it out of the file.

    A translator's text becomes `translated` (a person wrote it for this source);
    a memory match becomes a `draft` (it translates another sentence), as
    `publisher translate` would have stored it.
    """
    code = release.require_target(lang)
    with changing(release) as session:
        entry = session.catalog(code).get(segment)
        index = _pick(entry, number, code)
        chosen = Suggestion.parse(segment, index + 1, entry.suggestions[index])
        remaining = entry.suggestions[:index] + entry.suggestions[index + 1 :]
        set_translation(
            session,
            code,
            segment,
            chosen.text,
            origin=f"human (suggestion accepted by {by}: {chosen.origin})",
            draft=chosen.memory,
            by=by,
            action="edit",
        )
        entry.suggestions = remaining
        session.changed(code)
    return entry


def drop(
    release: Release, lang: str, segment: str, number: int | None, *, by: str, all_: bool = False
) -> list[str]:
    """Take suggestions out of the file (one, or all of a segment's); returns them."""
    code = release.require_target(lang)
    with changing(release) as session:
        entry = session.catalog(code).get(segment)
        if all_:
            if not entry.suggestions:
                raise CatalogError(f"{segment} has no suggestions in the {code} catalog")
            dropped, entry.suggestions = list(entry.suggestions), []
        else:
            index = _pick(entry, number, code)
            dropped = [entry.suggestions.pop(index)]
        session.events.append(
            Event(
                now_iso(),
                "drop-suggestion",
                code,
                segment,
                by=by,
                detail="; ".join(s[:80] for s in dropped),
            )
        )
        session.changed(code)
    return dropped
