"""Media lists: who receives a release by e-mail, in which languages.

One CSV file per list under the workspace's `lists/` folder (`lists/press.csv`),
one journalist per line, a header row naming the columns:

    email,name,outlet,languages,tags
    sok.dara@example.org,Sok Dara,Example Daily,km,tv
    li.wei@example.com,Li Wei,Example Wire,zh-Hans en,wire china-desk

Why CSV: media lists live in spreadsheets, and a press officer exports and
imports them as CSV; one line per journalist makes every change a one-line
diff. `languages` and `tags` hold several values separated by spaces (or
commas or semicolons inside the quoted cell). Other columns (phone, notes) are
kept and ignored.

The file is untrusted: it may come from anyone's spreadsheet. Every problem is
reported with its file and line, all at once: an address that is not a valid
mailbox, a duplicate, an unknown language, a missing column, a line break or
control character in a cell (header injection: a name "X\\r\\nBcc: ..." would
add a header to every message), and a cell a spreadsheet would run as a formula
(`=HYPERLINK(...)`, `+`, `-`, `@`): such a cell is kept as text only when
written with a leading apostrophe (`'=...`, what `lists add` writes), the
convention spreadsheets themselves use; the address cell too (`-x@example.org`
is a formula to a spreadsheet, `'-x@example.org` the address). The file is read
through a bounded reader (`limits.MAX_LIST_BYTES`), never through a symbolic link
(a list is a workspace file: a link would mail a list from anywhere), and a file
whose first line is not a list's header row is refused without echoing that line.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from publisher.core import languages
from publisher.core.fsutil import atomic_write_text, locked, refuse_symlink
from publisher.core.limits import MAX_LIST_BYTES, read_capped
from publisher.errors import MediaListError, SymlinkRefused, UsageError

LISTS_DIRNAME = "lists"
LIST_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
TAG_RE = re.compile(r"^[\w][\w.-]{0,63}$")

REQUIRED_COLUMNS = ("email", "name", "languages")
COLUMNS = ("email", "name", "outlet", "languages", "tags")

#: A cell starting with one of these is a formula to a spreadsheet (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SPLIT = re.compile(r"[\s,;]+")
MAX_NAME_CHARS = 200


@dataclass(frozen=True)
class Recipient:
    """One journalist of a list, as validated.

    `email` is the address as SMTP carries it (an internationalised domain in its
    ASCII form); `key` identifies the mailbox across lists and runs (the send log).
    """

    email: str
    name: str
    outlet: str
    languages: tuple[str, ...]
    tags: tuple[str, ...]
    line: int

    @property
    def key(self) -> str:
        return self.email.lower()


@dataclass(frozen=True)
class Problem:
    """Something wrong with one line of a list (`line` 0: the file as a whole)."""

    path: Path
    line: int
    message: str

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


@dataclass
class MediaList:
    name: str
    path: Path
    recipients: list[Recipient] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: Columns the header names that this tool does not use (kept as they are).
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def require_valid(self) -> MediaList:
        """The list itself, or the first problem as an error (with how many more there are)."""
        if self.problems:
            first = self.problems[0]
            more = len(self.problems) - 1
            tail = (
                f" (and {more} more problem{'s' if more != 1 else ''}; see "
                f"`publisher lists check {self.name}`)"
                if more
                else ""
            )
            raise MediaListError(first.message + tail, path=first.path, line=first.line or None)
        return self


def lists_dir(root: Path) -> Path:
    return root / LISTS_DIRNAME


def validate_list_name(name: str) -> str:
    if not LIST_NAME_RE.match(name):
        raise UsageError(
            f"invalid list name {name!r}: use lower-case letters, digits, '-' and '_' "
            "(the file is lists/<name>.csv)"
        )
    return name


def list_path(root: Path, name: str) -> Path:
    return lists_dir(root) / f"{validate_list_name(name)}.csv"


def list_names(root: Path) -> list[str]:
    folder = lists_dir(root)
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.csv") if LIST_NAME_RE.match(p.stem))


def normalize_address(address: str) -> str:
    """The address as SMTP carries it, or UsageError saying what is wrong with it.

    email-validator checks the syntax of RFC 5321/5322 mailboxes (dots, quoting,
    domain labels, lengths) without any DNS look-up; an internationalised domain
    becomes its ASCII (IDNA) form. A non-ASCII local part would need SMTPUTF8,
    which many servers refuse, so it is refused here, before anything is sent.
    """
    if _CONTROL.search(address):
        raise UsageError("the address contains a line break or control character")
    # imported here: `publisher status` reads where the lists are, and checks no address
    from email_validator import EmailNotValidError, validate_email

    try:
        valid = validate_email(address.strip(), check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        raise UsageError(f"invalid address {address.strip()!r}: {exc}") from None
    return valid.ascii_email or valid.normalized


def cell_problem(value: str) -> str | None:
    """Why a cell's text may not be used (header or formula injection), or None."""
    if _CONTROL.search(value):
        return "contains a line break or control character (refused: it could inject headers)"
    return _formula_problem(value)


def _formula_problem(value: str) -> str | None:
    if value.startswith(FORMULA_STARTS):
        return (
            f"starts with {value[0]!r}, which a spreadsheet runs as a formula; "
            f"write it as '{value} to keep it as text"
        )
    return None


def _text_of(cell: str) -> str:
    """A cell's text: a leading apostrophe before a formula character is the escape."""
    if cell.startswith("'") and cell[1:2] in {s for s in FORMULA_STARTS if s.isprintable()}:
        return cell[1:]
    return cell


def escape_cell(value: str) -> str:
    """What to write for `value` so that a spreadsheet shows it as text (see `_text_of`)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def parse_languages(cell: str, allowed: list[str] | None = None) -> tuple[list[str], list[str]]:
    """(canonical codes, problems) of a `languages` cell."""
    codes: list[str] = []
    problems: list[str] = []
    for raw in (c for c in _SPLIT.split(cell) if c):
        try:
            code = languages.canonical(raw)
        except UsageError:
            known = ", ".join(allowed or sorted(languages.LANGUAGES))
            problems.append(f"unknown language {raw!r} (use {known})")
            continue
        if allowed is not None and code not in allowed:
            problems.append(
                f"language {raw!r} is not published by this workspace ({', '.join(allowed)})"
            )
            continue
        if code not in codes:
            codes.append(code)
    if not codes and not problems:
        problems.append(
            "no language given (the languages column needs one or more of "
            f"{', '.join(allowed or sorted(languages.LANGUAGES))})"
        )
    return codes, problems


def parse_tags(cell: str) -> tuple[list[str], list[str]]:
    tags: list[str] = []
    problems: list[str] = []
    for tag in (t for t in _SPLIT.split(cell) if t):
        if not TAG_RE.match(tag):
            problems.append(f"invalid tag {tag!r} (letters, digits, '.', '-', '_')")
        elif tag.lower() not in tags:
            tags.append(tag.lower())
    return tags, problems


def _decode(data: bytes, path: Path) -> str:
    if data.startswith(b"\xef\xbb\xbf"):  # Excel's "CSV UTF-8" starts with a BOM
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise MediaListError(
            f"not UTF-8 text (byte {exc.start}); save the list as CSV UTF-8", path=path, line=line
        ) from None


def refuse_linked(path: Path) -> None:
    """MediaListError if a file of `lists/`, or the folder itself, is a symbolic link: a
    list or the unsubscribe record is read only where the workspace keeps it."""
    try:
        refuse_symlink(path.parent)
        refuse_symlink(path)
    except SymlinkRefused as exc:
        raise MediaListError(exc.message, path=exc.path) from None


def read_list(root: Path, name: str, allowed_languages: list[str] | None = None) -> MediaList:
    """Parse `lists/<name>.csv`, collecting every problem with its line.

    A file that cannot be read at all (missing, too big, not UTF-8, no header)
    raises MediaListError; problems of single lines are collected in `problems`.
    """
    path = list_path(root, name)
    refuse_linked(path)
    if not path.exists():
        known = list_names(root)
        hint = f"; lists: {', '.join(known)}" if known else "; there are no lists yet"
        raise MediaListError(f"no media list named {name!r}{hint}", path=path)
    data = read_capped(path, MAX_LIST_BYTES, MediaListError, "media list", follow_links=False)
    return parse_list(name, path, _decode(data, path), allowed_languages)


def parse_list(
    name: str,
    path: Path,
    text: str,
    allowed_languages: list[str] | None = None,
    *,
    delimiter: str = ",",
) -> MediaList:
    """Parse a list's text (`delimiter`: what a spreadsheet export separates cells with)."""
    out = MediaList(name, path)
    text = text.removeprefix("\ufeff")
    if not text.strip():
        out.problems.append(
            Problem(path, 0, f"the list is empty (it needs a header row: {','.join(COLUMNS)})")
        )
        return out
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header_row = next(reader)
    except csv.Error as exc:
        raise MediaListError(f"malformed CSV: {exc}", path=path, line=1) from None
    header = [h.strip().lower() for h in header_row]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if len(missing) == len(REQUIRED_COLUMNS) and not set(header) & set(COLUMNS):
        # Not a list at all (a link's target, a file saved in the wrong place): its first
        # line is never echoed, it may be anything.
        raise MediaListError(
            "the first line is not the header row of a media list (it needs the columns "
            f"{', '.join(REQUIRED_COLUMNS)}; expected {','.join(COLUMNS)})",
            path=path,
            line=1,
        )
    if missing:
        raise MediaListError(
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} in the header "
            f"row (expected {','.join(COLUMNS)}; found {','.join(header) or 'nothing'})",
            path=path,
            line=1,
        )
    seen_header: set[str] = set()
    for column in header:
        if column in seen_header and column in COLUMNS:
            raise MediaListError(f"column {column!r} appears twice", path=path, line=1)
        seen_header.add(column)
    out.ignored_columns = [h for h in header if h not in COLUMNS]
    index = {column: header.index(column) for column in COLUMNS if column in header}
    first_line: dict[str, int] = {}
    start = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            # The reader resumes at the next line: every bad line is reported in one run.
            out.problems.append(Problem(path, reader.line_num, f"malformed CSV: {exc}"))
            start = reader.line_num
            continue
        line = start + 1  # where the record starts (csv counts where it ends)
        if reader.line_num - start > 1:
            out.problems.append(
                Problem(path, line, "a line break inside a quoted cell (one journalist per line)")
            )
        start = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        recipient = _recipient(row, index, path, line, out, allowed_languages)
        if recipient is None:
            continue
        if recipient.key in first_line:
            out.problems.append(
                Problem(
                    path,
                    line,
                    f"duplicate address {recipient.email} "
                    f"(first on line {first_line[recipient.key]})",
                )
            )
            continue
        first_line[recipient.key] = line
        out.recipients.append(recipient)
    return out


def _recipient(
    row: list[str],
    index: dict[str, int],
    path: Path,
    line: int,
    out: MediaList,
    allowed: list[str] | None,
) -> Recipient | None:
    problems: list[str] = []

    def cell(column: str) -> str:
        position = index.get(column)
        raw = row[position] if position is not None and position < len(row) else ""
        # The address's control characters are named by normalize_address.
        problem = _formula_problem(raw.strip()) if column == "email" else cell_problem(raw.strip())
        if problem:
            problems.append(f"{column} {problem}")
            return ""
        return _text_of(raw.strip())

    if len(row) > len(index) + len(out.ignored_columns):
        problems.append(
            f"{len(row)} cells but the header has {len(index) + len(out.ignored_columns)} columns"
        )
    email = ""
    before = len(problems)
    address = cell("email")
    raw = row[index["email"]] if index["email"] < len(row) else ""
    if _CONTROL.search(raw):
        address = raw  # a line break anywhere in the cell, its ends included, is refused
    if len(problems) == before:  # not refused as a formula
        try:
            email = normalize_address(address)
        except UsageError as exc:
            problems.append(exc.message)
    name = cell("name")
    if not name and not any(p.startswith("name ") for p in problems):
        problems.append("the name is empty")
    if len(name) > MAX_NAME_CHARS:
        problems.append(f"the name is longer than {MAX_NAME_CHARS} characters")
    outlet = cell("outlet")
    langs, lang_problems = parse_languages(cell("languages"), allowed)
    tags, tag_problems = parse_tags(cell("tags"))
    problems += lang_problems + tag_problems
    if problems:
        out.problems.extend(Problem(path, line, p) for p in problems)
        return None
    return Recipient(email, name, outlet, tuple(langs), tuple(tags), line)


# --------------------------------------------------------------------------- changes


def list_text(recipients: list[Recipient]) -> str:
    """A list's file: the header row and a line per recipient, cells escaped as `add` does."""
    return ",".join(COLUMNS) + "\n" + "".join(_row(r) for r in recipients)


def _row(recipient: Recipient) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(
        [
            escape_cell(recipient.email),
            escape_cell(recipient.name),
            escape_cell(recipient.outlet),
            " ".join(recipient.languages),
            " ".join(recipient.tags),
        ]
    )
    return buffer.getvalue()


def new_recipient(
    email: str,
    name: str,
    langs: list[str],
    *,
    outlet: str = "",
    tags: list[str] | None = None,
    allowed_languages: list[str] | None = None,
) -> Recipient:
    """A recipient from command-line values, refusing what `read_list` would refuse.

    A name starting with a formula character is accepted (it is written escaped);
    a line break or control character is not.
    """
    address = normalize_address(email)
    values = {"name": name.strip(), "outlet": outlet.strip()}
    for what, value in values.items():
        if _CONTROL.search(value):
            raise UsageError(f"--{what} contains a line break or control character")
    if not values["name"]:
        raise UsageError("--name must not be empty")
    if len(values["name"]) > MAX_NAME_CHARS:
        raise UsageError(f"--name is longer than {MAX_NAME_CHARS} characters")
    codes, problems = parse_languages(" ".join(langs), allowed_languages)
    if not langs:
        raise UsageError("give at least one --lang")
    tag_list, tag_problems = parse_tags(" ".join(tags or []))
    if problems or tag_problems:
        raise UsageError((problems + tag_problems)[0])
    return Recipient(address, values["name"], values["outlet"], tuple(codes), tuple(tag_list), 0)


def add_recipient(
    root: Path, name: str, recipient: Recipient, allowed_languages: list[str] | None = None
) -> bool:
    """Append `recipient` to the list (created with its header if new); False if the address
    is already on it. The other lines stay byte for byte as they were."""
    path = list_path(root, name)
    with locked(lists_dir(root) / ".lock", what="the media lists"):
        if path.exists():
            current = read_list(root, name, allowed_languages)
            if any(r.key == recipient.key for r in current.recipients):
                return False
            text = _decode(read_capped(path, MAX_LIST_BYTES, MediaListError, "media list"), path)
            if text and not text.endswith("\n"):
                text += "\n"
            header = next(csv.reader(io.StringIO(text)))
            if [h.strip().lower() for h in header] != list(COLUMNS):
                raise MediaListError(
                    "this list has its own columns; add the journalist in a spreadsheet",
                    path=path,
                    line=1,
                )
        else:
            text = ",".join(COLUMNS) + "\n"
        if len(text.encode("utf-8")) + 1024 > MAX_LIST_BYTES:
            raise MediaListError("the list is at its size limit", path=path)
        atomic_write_text(path, text + _row(recipient))
    return True


def remove_recipient(root: Path, name: str, email: str) -> Recipient | None:
    """Delete the line of `email` from the list; the removed recipient, or None if absent."""
    path = list_path(root, name)
    key = normalize_address(email).lower()
    with locked(lists_dir(root) / ".lock", what="the media lists"):
        current = read_list(root, name)
        found = next((r for r in current.recipients if r.key == key), None)
        if found is None:
            return None
        text = _decode(read_capped(path, MAX_LIST_BYTES, MediaListError, "media list"), path)
        lines = text.splitlines(keepends=True)
        del lines[found.line - 1]
        atomic_write_text(path, "".join(lines))
    return found
