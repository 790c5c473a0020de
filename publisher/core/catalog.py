"""A target language's translations of one release, stored as a standard PO file.

Translators open `translations/<lang>.po` in Poedit, Weblate or a text editor,
so the states must be expressed in ways every PO tool understands and, where a
tool does not understand us, degrade to a *less* reviewed state:

* untranslated: empty msgstr.
* draft: msgstr with the standard `fuzzy` flag (tools treat it as unfinished).
* stale: `fuzzy` plus the standard previous-source lines (`#| msgid`) and a
  `# stale` note, the old translation kept in msgstr.
* translated: msgstr, no fuzzy flag.
* reviewed / approved: translated plus a translator-comment record
  `# approved by NAME on TIME [HASH]`; the hash covers the segment id, source
  and target, so any edit of either by any tool silently drops the segment
  back to `translated`.

A record in the file is only a claim. It is an approval when the release's
history holds the event that made it (`publisher approve`, `review` or the web
review record one, with the same reviewer, time and hash): the workflow sets
`Entry.backed` from the history when it loads a catalog. A record written by
hand or carried in by an imported file is not backed, so it approves nothing.

Each entry's msgctxt is the segment id, so two identical sentences stay two
segments. polib is used because Babel's reader drops `#| msgid`.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import polib

from publisher.core import languages
from publisher.core.fsutil import atomic_write_text, read_utf8
from publisher.core.limits import MAX_IMPORT_BYTES, check_segment_length, megabytes
from publisher.core.states import State
from publisher.core.text import clean_text
from publisher.errors import CatalogError

_REVIEW = re.compile(r"^(reviewed|approved) by (.+) on (\S+) \[([0-9a-f]{16})\]$")
_ORIGIN = re.compile(r"^origin: (.+)$")
_REJECTED = re.compile(r"^rejected by (.+?) on (\S+?): (.*)$")
_STALE = "stale: the source changed; check the translation against the new source"
_BABEL_PREVIOUS = re.compile(r"^\| (msgctxt|msgid|msgid_plural) ")
_OURS = (_REVIEW, _ORIGIN, _REJECTED)


def approval_hash(segment: str, source: str, target: str) -> str:
    """Binds a review to the exact texts it was given for."""
    digest = hashlib.sha256(f"{segment}\x00{source}\x00{target}".encode()).hexdigest()
    return digest[:16]


@dataclass
class Review:
    level: State
    by: str
    at: str
    hash: str


@dataclass
class Entry:
    id: str
    source: str
    target: str = ""
    kind: str = "paragraph"
    fuzzy: bool = False
    stale: bool = False
    previous_source: str | None = None
    origin: str | None = None
    review: Review | None = None
    rejection: str | None = None
    notes: list[str] = field(default_factory=list)  # the translators' own comments
    suggestions: list[str] = field(default_factory=list)  # e.g. fuzzy memory matches
    obsolete: bool = False
    #: The review record is backed by an approval event in the release's history.
    backed: bool = False

    @property
    def claimed_state(self) -> State:
        """The state the file claims (its review record matching the texts, backed or not)."""
        if not self.target.strip():
            return State.UNTRANSLATED
        if self.fuzzy:
            return State.STALE if self.stale or self.previous_source is not None else State.DRAFT
        if self.review and self.review.hash == approval_hash(self.id, self.source, self.target):
            return self.review.level
        return State.TRANSLATED

    @property
    def state(self) -> State:
        """The state: a review counts only when the history backs its record."""
        claimed = self.claimed_state
        if claimed in (State.REVIEWED, State.APPROVED) and not self.backed:
            return State.TRANSLATED
        return claimed

    @property
    def review_unbacked(self) -> bool:
        """A review record that matches the texts but that no approval in history made."""
        return self.claimed_state in (State.REVIEWED, State.APPROVED) and not self.backed

    @property
    def review_invalidated(self) -> bool:
        """A review record exists but no longer matches the texts (edited by hand)."""
        return (
            self.review is not None
            and bool(self.target.strip())
            and not self.fuzzy
            and self.review.hash != approval_hash(self.id, self.source, self.target)
        )

    def copy(self) -> Entry:
        # Review is replaced, never changed in place, so it can be shared.
        return replace(self, notes=list(self.notes), suggestions=list(self.suggestions))

    # State changes. Each returns nothing; the caller records history.

    def set_translation(self, target: str, *, origin: str, draft: bool) -> None:
        """Store a new translation, cleaned of control characters and within the length cap."""
        target = clean_text(target)
        check_segment_length(target, CatalogError, f"the translation of {self.id}")
        self.target = target
        self.origin = origin
        self.fuzzy = draft
        self.stale = False
        self.previous_source = None
        self.review = None
        self.rejection = None

    def mark_stale(self, old_source: str) -> None:
        if self.state is State.UNTRANSLATED:
            return
        if self.previous_source is None:
            self.previous_source = old_source
        self.fuzzy = True
        self.stale = True
        self.review = None

    def set_review(self, level: State, by: str, at: str) -> None:
        self.fuzzy = False
        self.stale = False
        self.previous_source = None
        self.rejection = None
        self.review = Review(level, by, at, approval_hash(self.id, self.source, self.target))
        self.backed = True  # the caller records the approval event in the same change

    def reject(self, by: str, at: str, comment: str) -> None:
        self.fuzzy = True
        self.stale = False
        self.previous_source = None
        self.review = None
        self.rejection = f"rejected by {by} on {at}: {' '.join(comment.split())}"


@dataclass
class Catalog:
    lang: str
    source_lang: str
    release: str
    entries: dict[str, Entry]
    obsolete: list[Entry] = field(default_factory=list)
    revision: str = ""
    #: The line of each entry in the text it was parsed from (for messages about a file).
    lines: dict[str, int] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries.values())

    def get(self, segment: str) -> Entry:
        try:
            return self.entries[segment]
        except KeyError:
            raise CatalogError(
                f"no segment {segment!r} in the {self.lang} catalog of {self.release}"
            ) from None

    def counts(self) -> dict[State, int]:
        counts = dict.fromkeys(State, 0)
        for entry in self:
            counts[entry.state] += 1
        return counts

    # ---------------------------------------------------------------- PO I/O

    @classmethod
    def load(cls, path: Path, *, release: str = "") -> Catalog:
        size = path.stat().st_size if path.is_file() and not path.is_symlink() else 0
        if size > MAX_IMPORT_BYTES:
            raise CatalogError(
                f"the catalog is {megabytes(size)}; the limit is {megabytes(MAX_IMPORT_BYTES)}",
                path=path,
            )
        text = read_utf8(path, CatalogError, "catalog")
        return cls.parse(text, path=path, release=release)

    @classmethod
    def parse(cls, text: str, *, path: Path | None = None, release: str = "") -> Catalog:
        """The catalog in `text`; each caller gets its own copy to change.

        Parsing is pure, so it is memoised by content: a long-lived process (the web
        review app) reads a 200-segment catalog at every request and decision, and
        polib takes ~30 ms to parse it, a hash and a copy ~1 ms. A changed file is a
        new key, whoever changed it.
        """
        key = (hashlib.sha256(text.encode("utf-8")).digest(), str(path), release)
        with _PARSED_LOCK:
            parsed = _PARSED.get(key)
            if parsed is not None:
                _PARSED.move_to_end(key)
        if parsed is None:
            parsed = cls._parse(text, path=path, release=release)
            with _PARSED_LOCK:
                _PARSED[key] = parsed
                while len(_PARSED) > _PARSED_SIZE:
                    _PARSED.popitem(last=False)
        return parsed.copy()

    def copy(self) -> Catalog:
        """A copy whose entries can be changed without touching this catalog's."""
        return Catalog(
            self.lang,
            self.source_lang,
            self.release,
            {key: entry.copy() for key, entry in self.entries.items()},
            [entry.copy() for entry in self.obsolete],
            self.revision,
            self.lines,
        )

    @classmethod
    def _parse(cls, text: str, *, path: Path | None, release: str) -> Catalog:
        text = text.removeprefix("\ufeff")  # a byte-order mark from an editor: not PO syntax
        _check_syntax(text, path)
        try:
            # polib's own duplicate check compares each entry with every earlier one
            # (a 30,000-entry file took 81 s); ids are checked below, once each.
            po = polib.pofile(text, wrapwidth=0)
        except (OSError, ValueError) as exc:
            message = str(exc)
            m = re.search(r"\(line (\d+)\)", message)
            line = int(m.group(1)) if m else None
            message = re.sub(r"\s*\(line \d+\)", "", message)
            raise CatalogError(f"invalid PO file: {message}", path=path, line=line) from None
        meta = po.metadata
        plural = meta.get("Plural-Forms")
        if plural is not None and not _PLURAL_FORMS.match(plural.strip()):
            raise CatalogError(f"invalid Plural-Forms header {plural[:60]!r}", path=path)
        lang_header = meta.get("Language", "")
        try:
            lang = languages.canonical(lang_header) if lang_header else ""
            source_lang = languages.canonical(meta.get("X-Source-Language", "en"))
        except Exception as exc:
            raise CatalogError(getattr(exc, "message", str(exc)), path=path) from None
        entries: dict[str, Entry] = {}
        obsolete: list[Entry] = []
        lines: dict[str, int] = {}
        for po_entry in po:
            if not po_entry.msgctxt:
                raise CatalogError(
                    f"entry {po_entry.msgid[:40]!r} has no msgctxt (segment id)",
                    path=path,
                    line=po_entry.linenum,
                )
            if po_entry.msgid_plural:
                raise CatalogError(
                    "plural entries are not used in release catalogs",
                    path=path,
                    line=po_entry.linenum,
                )
            entry = _entry_from_po(po_entry)
            if po_entry.obsolete:
                obsolete.append(entry)
                continue
            if entry.id in entries:
                raise CatalogError(
                    f"invalid PO file: segment {entry.id!r} already exists "
                    f"(first on line {lines[entry.id]})",
                    path=path,
                    line=po_entry.linenum,
                )
            entries[entry.id] = entry
            lines[entry.id] = po_entry.linenum or 0
        return cls(
            lang,
            source_lang,
            release or meta.get("X-Release", ""),
            entries,
            obsolete,
            meta.get("PO-Revision-Date", ""),
            lines,
        )

    def to_po(self) -> str:
        po = polib.POFile(wrapwidth=0)
        po.metadata = {
            "Project-Id-Version": self.release,
            "Report-Msgid-Bugs-To": "",
            "POT-Creation-Date": "",
            "PO-Revision-Date": self.revision,
            "Last-Translator": "",
            "Language-Team": languages.get(self.lang).english_name,
            "Language": self.lang.replace("-", "_"),
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Plural-Forms": languages.get(self.lang).plural_forms,
            "X-Source-Language": self.source_lang,
            "X-Release": self.release,
            "X-Generator": "publisher",
        }
        po.header = (
            f"Translations of release {self.release} into "
            f"{languages.get(self.lang).english_name}.\n"
            "Segment states: empty = untranslated, fuzzy = draft (or stale when the source\n"
            "changed), otherwise translated; reviewed and approved segments carry a record\n"
            "that stays valid only while source and translation are unchanged."
        )
        for entry in self.entries.values():
            po.append(_entry_to_po(entry))
        for entry in self.obsolete:
            po_entry = _entry_to_po(entry)
            po_entry.obsolete = True
            po.append(po_entry)
        return str(po) + "\n"

    def save(self, path: Path) -> None:
        atomic_write_text(path, self.to_po())


#: Parsed catalogs by content (see `Catalog.parse`): a few releases' languages.
_PARSED: OrderedDict[tuple[bytes, str, str], Catalog] = OrderedDict()
_PARSED_SIZE = 32
_PARSED_LOCK = threading.Lock()

_PLURAL_FORMS = re.compile(
    r"^nplurals\s*=\s*[1-9]\d?\s*;\s*plural\s*=\s*[-+*/%()<>=!&|?:;n0-9\s]+;?$"
)
_PO_LINE = re.compile(
    r"^(?:#~\s*)?(?:#\|\s*)?(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"
    r'"(?:[^"\\]|\\.)*"\s*$'
)


def _check_syntax(text: str, path: Path | None) -> None:
    """Reject what polib would silently accept (unterminated strings, stray words)."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or (stripped.startswith("#") and not stripped.startswith(("#~", "#|"))):
            continue
        if stripped in ("#~", "#|"):
            continue
        if not _PO_LINE.match(stripped):
            raise CatalogError(f"invalid PO syntax: {stripped[:60]!r}", path=path, line=number)


def _is_record(line: str) -> bool:
    """Whether a translator-comment line is one of our records rather than a note."""
    return any(p.match(line) for p in _OURS) or line == _STALE or line.startswith("suggestion: ")


def note_lines(text: str) -> list[str]:
    """A translator's note from a file (an XLIFF <note>, a PO comment), as a catalog keeps
    it: one comment line per line, cleaned. A line that would read back as one of our
    records ("approved by ... [hash]") is kept as a note, prefixed: a note never forges a
    review, an origin or a rejection."""
    lines = []
    for line in clean_text(text).split("\n"):
        line = line.strip()
        if line:
            lines.append(f"note: {line}" if _is_record(line) else line)
    return lines


def _entry_from_po(po_entry: polib.POEntry) -> Entry:
    entry = Entry(
        id=po_entry.msgctxt or "",
        source=po_entry.msgid,
        target=po_entry.msgstr,
        fuzzy="fuzzy" in po_entry.flags,
        previous_source=po_entry.previous_msgid or None,
        obsolete=po_entry.obsolete,
    )
    if po_entry.comment:
        entry.kind = po_entry.comment.split("\n")[0].strip() or "paragraph"
    babel_previous = False
    for line in (po_entry.tcomment or "").split("\n"):
        text = line.strip()
        if not text:
            continue
        if _BABEL_PREVIOUS.match(text) or babel_previous:
            # Babel re-saves `#| msgid "..."` as translator comments, wrapped, after the
            # others (python-babel issue 206): the previous source, never a note.
            babel_previous = True
            continue
        if m := _REVIEW.match(text):
            entry.review = Review(State(m.group(1)), m.group(2), m.group(3), m.group(4))
        elif m := _ORIGIN.match(text):
            entry.origin = m.group(1)
        elif _REJECTED.match(text):
            entry.rejection = text
        elif text == _STALE:
            entry.stale = True
        elif text.startswith("suggestion: "):
            entry.suggestions.append(text[len("suggestion: ") :])
        else:
            entry.notes.append(line)
    return entry


def _entry_to_po(entry: Entry) -> polib.POEntry:
    comments = list(entry.notes)
    if entry.origin:
        comments.append(f"origin: {entry.origin}")
    if entry.fuzzy and (entry.stale or entry.previous_source is not None):
        comments.append(_STALE)
    if entry.review is not None:
        r = entry.review
        comments.append(f"{r.level.value} by {r.by} on {r.at} [{r.hash}]")
    if entry.rejection:
        comments.append(entry.rejection)
    comments.extend(f"suggestion: {s}" for s in entry.suggestions)
    po_entry = polib.POEntry(
        msgctxt=entry.id,
        msgid=entry.source,
        msgstr=entry.target,
        comment=entry.kind,
        tcomment="\n".join(comments),
        flags=["fuzzy"] if entry.fuzzy and entry.target else [],
    )
    if entry.previous_source is not None and entry.fuzzy:
        po_entry.previous_msgctxt = entry.id
        po_entry.previous_msgid = entry.previous_source
    return po_entry
