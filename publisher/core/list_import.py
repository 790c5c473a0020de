"""`lists import` and `lists export`: a media list to and from a spreadsheet's CSV.

A spreadsheet exports CSV in its own way: Excel's "CSV UTF-8" starts with a BOM,
its "Unicode Text" is UTF-16 with tabs, a French or German Excel separates
cells with semicolons, an old one writes the Windows code page. The importer
finds the encoding (a BOM, else UTF-8, else charset-normalizer's best guess,
named in the report; a file with both UTF-8 lines and others is refused) and the
delimiter (the one of `,` `;` tab `|` that splits the first line into a header with
the list's columns), then reads the file with
the same rules as every list (publisher.core.medialists): every bad line is
reported as file:line, and then nothing is written. Never half an import: the
list is written whole, atomically, or not at all. An address in the unsubscribe
record (publisher.core.unsubscribes) is left out and named.

Export writes the list as CSV UTF-8 with a BOM (what spreadsheets open as
UTF-8), cells escaped as `lists add` writes them, unsubscribed addresses left
out.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from publisher.core.fsutil import atomic_write_bytes, locked
from publisher.core.limits import MAX_LIST_BYTES, read_capped
from publisher.core.medialists import (
    REQUIRED_COLUMNS,
    MediaList,
    Recipient,
    list_path,
    list_text,
    lists_dir,
    parse_list,
    read_list,
    validate_list_name,
)
from publisher.core.unsubscribes import Record, read_record
from publisher.errors import MediaListError, UsageError

DELIMITERS = (",", ";", "\t", "|")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass
class ImportReport:
    media: MediaList
    encoding: str
    delimiter: str
    #: (address, where the record unsubscribed it) left out of the list.
    unsubscribed: list[tuple[str, str]] = field(default_factory=list)
    written: bool = False


def detect_encoding(data: bytes, path: Path, encoding: str | None = None) -> tuple[str, str]:
    """(the text, the encoding's name): `encoding` if given, else a BOM, else UTF-8, else
    charset-normalizer's guess; between guesses it rates equal, Windows-1252 (what most
    spreadsheets write when not asked for UTF-8)."""
    if encoding is not None:
        try:
            return data.decode(encoding).removeprefix("\ufeff"), encoding
        except (LookupError, UnicodeDecodeError) as exc:
            raise MediaListError(f"cannot read the file as {encoding}: {exc}", path=path) from None
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name).removeprefix("\ufeff"), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    _refuse_mixed(data, path)
    from charset_normalizer import from_bytes  # only for a file that is not UTF-8

    matches = from_bytes(data)
    best = matches.best()
    if best is None or best.encoding is None:
        raise MediaListError(
            "cannot tell the encoding of this file; save it from the spreadsheet as CSV UTF-8 "
            "(or give --encoding)",
            path=path,
        )
    tied = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    best = next((m for m in tied if m.encoding == "cp1252"), best)
    return str(best), best.encoding


def _refuse_mixed(data: bytes, path: Path) -> None:
    """MediaListError if the file has both UTF-8 lines (with letters beyond ASCII) and lines
    that are not UTF-8: lines pasted from two files. Read in any one encoding, one kind
    would become mojibake (`Café` imported as `CafÃ©`) without a word."""
    utf8_line = other_line = 0
    for number, line in enumerate(data.split(b"\n"), 1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            other_line = other_line or number
        else:
            utf8_line = utf8_line or number
        if utf8_line and other_line:
            raise MediaListError(
                f"this line is not UTF-8, but line {utf8_line} is: the file mixes encodings "
                "(lines pasted from another file?); save it from the spreadsheet as CSV "
                "UTF-8, or give --encoding",
                path=path,
                line=other_line,
            )


def detect_delimiter(text: str, path: Path) -> str:
    """The delimiter that splits the header row into the list's columns."""
    first = text.split("\n", 1)[0]
    for delimiter in DELIMITERS:
        row = next(csv.reader([first], delimiter=delimiter), [])
        header = {cell.strip().lower() for cell in row}
        if all(column in header for column in REQUIRED_COLUMNS):
            return delimiter
    raise MediaListError(
        "the first line is not a header row with the columns "
        f"{', '.join(REQUIRED_COLUMNS)} (separated by commas, semicolons, tabs or |)",
        path=path,
        line=1,
    )


def _keep(
    recipients: list[Recipient], name: str, record: Record
) -> tuple[list[Recipient], list[tuple[str, str]]]:
    kept: list[Recipient] = []
    left: list[tuple[str, str]] = []
    for recipient in recipients:
        entry = record.find(name, recipient.key)
        if entry is None:
            kept.append(recipient)
        else:
            left.append((recipient.email, record.where(entry)))
    return kept, left


def import_list(
    root: Path,
    name: str,
    source: Path,
    allowed_languages: list[str],
    *,
    replace: bool = False,
    encoding: str | None = None,
) -> ImportReport:
    """Read `source` as a spreadsheet export and write it as `lists/<name>.csv`, only if
    every line is good (see the module docstring); the report says what was done."""
    validate_list_name(name)
    if not source.is_file():
        raise UsageError(f"{source} is not a file")
    data = read_capped(source, MAX_LIST_BYTES, MediaListError, "media list")
    text, encoding = detect_encoding(data, source, encoding)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    delimiter = detect_delimiter(text, source)
    media = parse_list(name, source, text, allowed_languages, delimiter=delimiter)
    report = ImportReport(media, encoding, delimiter)
    if media.problems:
        return report
    target = list_path(root, name)
    with locked(lists_dir(root) / ".lock", what="the media lists"):
        if target.exists() and not replace:
            current = read_list(root, name, allowed_languages)
            raise UsageError(
                f"the list {name} exists ({len(current.recipients)} recipient(s)); add "
                "--replace to replace it with this file"
            )
        kept, report.unsubscribed = _keep(media.recipients, name, read_record(root))
        lists_dir(root).mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, list_text(kept).encode("utf-8"))
    media.recipients = kept
    report.written = True
    return report


def export_list(
    root: Path, name: str, allowed_languages: list[str]
) -> tuple[bytes, MediaList, list[tuple[str, str]]]:
    """The list as CSV UTF-8 with a BOM, its valid recipients less the unsubscribed ones;
    (the bytes, the list as read, the addresses left out with where)."""
    media = read_list(root, name, allowed_languages)
    kept, left = _keep(media.recipients, name, read_record(root))
    return codecs.BOM_UTF8 + list_text(kept).encode("utf-8"), media, left


def text_of_export(data: bytes) -> str:
    """The export's text (for the terminal): without its BOM."""
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig").read()
