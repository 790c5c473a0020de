"""What every interchange format reads into, and the export entry point.

Readers (xliff.py, po.py) only parse and validate a file's own structure; they
return `IncomingFile`s. Deciding what an import changes happens once, in
apply.py, whatever the format.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from publisher.core.catalog import Review
from publisher.core.states import State

FORMATS = ("xliff", "po")


def text_hash(segment: str, text: str) -> str:
    """Fingerprint of a segment's source or target at export time.

    Stored in the exported file so the import can tell what changed since:
    the source in the catalog (-> stale), the target in the catalog (-> a
    conflict, never overwritten), or the target in the file (the translator's work).
    """
    return hashlib.sha256(f"{segment}\x00{text}".encode()).hexdigest()[:16]


@dataclass
class IncomingUnit:
    """One segment as a translator's file gives it back."""

    id: str
    source: str  # the source text the translator saw
    target: str
    state: State  # the file's state, mapped to ours (a non-empty target is never untranslated)
    line: int | None = None
    # Present only in files we exported (XLIFF metadata): the catalog at export time.
    source_hash: str | None = None
    target_hash: str | None = None
    exported_state: State | None = None
    review: Review | None = None  # the file's review record, not yet verified
    # PO files cannot say "translated, not reviewed" apart from "no opinion": a PO
    # entry without a review record leaves an unchanged reviewed segment alone.
    review_implicit: bool = False
    #: the translator's notes the file gives (a doubt about the source), one per line
    notes: list[str] = field(default_factory=list)


@dataclass
class IncomingFile:
    """One release and language in a file (an XLIFF document may hold several)."""

    path: Path
    release: str
    source_lang: str
    lang: str
    units: list[IncomingUnit] = field(default_factory=list)
    line: int | None = None
    #: what the reader accepted with a remark (a byte-order mark), for the import's report
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Declared:
    """What a quick scan of a file's bytes says it holds for one release and language.

    Found before the file is parsed (a linear pass over the bytes), so that a file with
    far more entries than its release has segments is refused at once; the parse that
    follows still checks everything for real.
    """

    release: str
    lang: str  # as the file writes it (not yet canonical)
    count: int
    what: str  # "entries" (PO) or "units" (XLIFF)


@dataclass(frozen=True)
class TranslationUnit:
    """A source text and its approved translation, as a translation memory holds them."""

    source_lang: str
    target_lang: str
    source: str
    target: str
    origin: str  # "<release>/<segment>" or "<file>.tmx:<tuid>"
