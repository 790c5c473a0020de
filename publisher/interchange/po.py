"""PO export and import: the stored catalog is already the exchange format.

The export is the release's catalog byte for byte, so a translator's PO tool
sees exactly what `publisher` stores (states as fuzzy flags, previous msgids
and review records; see catalog.py). The import reads with `Catalog.parse`,
so every state a PO tool can express comes back, and a review record the tool
kept is trusted only while it still matches the texts it was given for.
"""

from __future__ import annotations

import re
from pathlib import Path

from publisher.core import languages
from publisher.core.catalog import Catalog, note_lines
from publisher.core.fsutil import read_bytes
from publisher.core.release import Release
from publisher.core.states import REVIEW_LEVELS, State
from publisher.errors import InterchangeError, PublisherError
from publisher.interchange.model import Declared, IncomingFile, IncomingUnit


def export(release: Release, lang: str) -> bytes:
    try:
        return read_bytes(release.catalog_path(lang))
    except FileNotFoundError:
        raise InterchangeError(
            f"no {lang} catalog; run `publisher sync {release.slug}`",
            path=release.catalog_path(lang),
        ) from None


#: What Notepad and some editors put before a UTF-8 file; PO tools do not expect it.
UTF8_BOM = b"\xef\xbb\xbf"


_ENTRY = re.compile(rb"^msgid[ \t]", re.M)  # an obsolete entry's line starts with "#~"
_HEADER = re.compile(
    rb'^msgid[ \t]+""[ \t]*\r?\nmsgstr[ \t]+""[ \t]*\r?\n((?:[ \t]*"[^\r\n]*"[ \t]*(?:\r?\n|$))*)',
    re.M,
)
_QUOTED = re.compile(rb'"((?:[^"\\]|\\.)*)"')


def header_fields(data: bytes) -> dict[str, str]:
    """The header entry's fields ("Language" -> "km"), found without parsing the file.

    Tools wrap long header lines ("Project-Id-Version: " then the slug on the next
    line), so the entry's strings are joined before it is split into fields.
    """
    found = _HEADER.search(data)
    if not found:
        return {}
    joined = b"".join(_QUOTED.findall(found.group(1))).decode("utf-8", "replace")
    fields: dict[str, str] = {}
    for line in joined.replace('\\"', '"').split("\\n"):
        name, colon, value = line.partition(":")
        if colon and name.strip() not in fields:
            fields[name.strip()] = value.strip()
    return fields


def declared(data: bytes) -> list[Declared]:
    """The release, language and number of entries the file holds, by a scan of its lines
    (the header entry, msgid "", is not counted)."""
    header = header_fields(data)
    release = header.get("X-Release") or header.get("Project-Id-Version", "")
    count = max(len(_ENTRY.findall(data)) - 1, 0)
    return [Declared(release, header.get("Language", ""), count, "entries")]


def read(data: bytes, path: Path) -> list[IncomingFile]:
    notes: list[str] = []
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
        notes.append(
            "the file starts with a byte-order mark (BOM), which PO tools do not expect; "
            "it was ignored (save the file as UTF-8 without BOM to avoid this note)"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InterchangeError(f"not UTF-8 (byte {exc.start})", path=path) from None
    try:
        catalog = Catalog.parse(text, path=path)
    except PublisherError as exc:
        raise InterchangeError(exc.message, path=path, line=exc.line) from None
    # Babel rewrites the header and drops our X-Release, but keeps the slug as
    # Project-Id-Version ("Project-Id-Version:  SLUG").
    release = catalog.release or header_fields(data).get("Project-Id-Version", "")
    if not release:
        raise InterchangeError(
            "the PO header names no release (X-Release or Project-Id-Version)", path=path
        )
    if not catalog.lang:
        raise InterchangeError("the PO header has no Language", path=path)
    try:
        source_lang = languages.canonical(catalog.source_lang or "en")
    except PublisherError as exc:
        raise InterchangeError(exc.message, path=path) from None
    incoming = IncomingFile(path, release, source_lang, catalog.lang, notes=notes)
    for entry in catalog:
        state = entry.claimed_state  # what the file says; whether it counts is decided on import
        review = entry.review if state in REVIEW_LEVELS else None
        incoming.units.append(
            IncomingUnit(
                entry.id,
                entry.source,
                entry.target,
                state,
                line=catalog.lines.get(entry.id),
                review=review,
                review_implicit=state is State.TRANSLATED,
                notes=[line for note in entry.notes for line in note_lines(note)],
            )
        )
    return [incoming]
