"""What every source importer shares: decoding, cleaning, escaping, and the press
officer's conventions (titles, colon headings, numbered paragraphs, end marks,
signature blocks) decided in one place for every format.

Whatever the format, text reaches the release as NFC with Unix newlines and
no control characters or bidi overrides, and literal text is escaped so that
CommonMark never reads a press officer's asterisk or bracket as markup.

Each importer turns its file into `Unit`s (a paragraph, a list item, a
heading, a table...) and `assemble` makes the body of them: it takes the
title, drops end marks and empty items (saying so), and writes the Markdown,
numbered items with their own numbers. Nothing is left out without a notice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publisher.core.document import plain_text
from publisher.core.limits import MAX_SOURCE_BYTES, read_capped
from publisher.core.text import clean_text
from publisher.errors import SourceError

TITLE_MAX_CHARS = 160
#: A first paragraph ending in a full stop is taken for the title only up to this
#: length ("Cambodia and China Sign a Trade Agreement."); longer, it is a sentence.
SENTENCE_TITLE_MAX_CHARS = 100

#: A line ending in a colon is a heading only if it is this short.
HEADING_MAX_WORDS = 4
HEADING_MAX_CJK_CHARS = 12

BULLET = re.compile(r"^\s*[-•*–]\s+(.*)$")

EMPTY_ITEM = re.compile(r"^\s*(?:[-•*–]|\d{1,3}[.)])\s*$")

NUMBERED = re.compile(r"^\s*(\d{1,3})([.)])\s+(.*)$")

HEADING_COLON = re.compile(r"^([^.!?។]{1,80})[:：]\s*$")

MD_HEADING = re.compile(r"^#{1,6}\s+")

#: "###", "-END-", "- 30 -", "ENDS", "(完)", "៕": the end of a release, which the
#: templates print themselves.
END_MARK = re.compile(
    r"^(?:#{3}|\*{3}|-{1,2}\s*(?:end|ends|30)\s*-{1,2}|ends?|[(（]?\s*完\s*[)）]?|៕+|។\s*៕)$",
    re.IGNORECASE,
)

#: Words that make a line ending in a colon a sentence introducing what follows,
#: not a heading ("The statement reads as follows:").
_INTRODUCES = re.compile(
    r"\b(?:follows?|following|below|reads?|says?|said|states?|stated|added|declared|"
    r"announced|quote[sd]?|include[sd]?|including)\b",
    re.IGNORECASE,
)

_OPENING_QUOTES = "“\"«「『‘'„"

#: Space that lays text out in columns: a tab, or four or more (non-breaking) spaces.
COLUMN_GAP = re.compile(r"(?:\t[\t \u00a0\u2007\u202f\u3000]*|[ \u00a0\u2007\u202f\u3000]{4,})")

#: Indentation that puts a line in a right-hand column.
_INDENT = re.compile(r"^(?:\t|[ \u00a0\u2007\u202f\u3000]{4,})")


@dataclass
class Notice:
    """Something the user must hear about an import: a warning (text left out or
    changed) or a note (a decision the tool took, such as the title it chose)."""

    level: str  # "warning" or "note"
    message: str
    line: int | None = None  # in the file (.txt, .md); None for a .docx or the whole file

    def format(self, path: Path | str) -> str:
        where = f"{path}:{self.line}" if self.line is not None else str(path)
        return f"{self.level}: {where}: {self.message}"


@dataclass
class ImportedSource:
    markdown: str  # body only, without the title
    title: str | None  # plain text, from the file if it has one
    notices: list[Notice] = field(default_factory=list)
    #: release metadata the file carries (front matter): date, place, slug, reference
    metadata: dict[str, Any] = field(default_factory=dict)
    #: pictures the body refers to as media/NAME: NAME -> bytes
    media: dict[str, bytes] = field(default_factory=dict)

    @property
    def warnings(self) -> list[Notice]:
        return [n for n in self.notices if n.level == "warning"]


@dataclass(frozen=True)
class TitleChoice:
    """How the title is chosen: given (`--title`), the first line, or guessed."""

    given: str | None = None
    first_line: bool = False
    #: Where the given title came from, as a note names it.
    given_by: str = "--title"


@dataclass
class Unit:
    """One block of a source as an importer read it, before the body is written.

    `text` is inline Markdown (escaped literal text for .txt and .docx) for
    paragraphs, headings, items and quotes; `markdown` is the whole block for
    kinds written by the importer itself (table, rule, raw). `lines` holds the
    inline Markdown of each physical line, for `--first-line-title`.
    """

    kind: str  # paragraph, heading, bullet, number, quote, table, rule, raw
    text: str = ""
    line: int | None = None
    lines: list[str] = field(default_factory=list)
    number: int | None = None
    delimiter: str = "."
    level: int = 2
    depth: int = 0
    markdown: str = ""
    where: str = ""  # how a notice names the place when there is no line ("paragraph 4")
    #: the physical lines as written, column gaps and all (for signature blocks)
    raw_lines: list[str] = field(default_factory=list)

    @property
    def plain(self) -> str:
        return plain_text(self.text) if self.text else ""

    def position(self) -> str:
        return f"{self.where}: " if self.where else ""


def decode(path: Path) -> str:
    data = read_capped(path, MAX_SOURCE_BYTES, SourceError, "source file")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError("this is a binary file, not text", path=path)
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return normalise(data.decode(codec))
            except UnicodeDecodeError as exc:
                raise SourceError(
                    f"invalid {codec.upper()} at byte {exc.start}", path=path
                ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            f"not valid UTF-8 (byte {exc.start}); save the file as UTF-8", path=path, line=line
        ) from None
    return normalise(text)


def normalise(text: str) -> str:
    """NFC, Unix newlines, no control characters or bidi overrides; everything else kept."""
    return clean_text(text)


_WRAPPED = re.compile(r"(?<![\w*])(\*\*|__|\*)(?=\S)(.+?)(?<=\S)\1(?![\w*])")


def clean_title(title: str) -> str:
    """A title as plain text on one line: `**Bold**` and links show as their words,
    also where a plain-text file typed the asterisks."""
    text = " ".join(plain_text(" ".join(normalise(title).split())).split())
    return _WRAPPED.sub(r"\2", text)


def title_markdown(title: str) -> str:
    """The plain title as the inline Markdown of the `# Title` line."""
    text = escape_inline(title)
    return text[:-1] + "\\#" if text.endswith("#") else text


def is_short_line(line: str) -> bool:
    return len(line) <= TITLE_MAX_CHARS and not re.search(r"[.!?។]\s*$", line)


_ESCAPE = re.compile(r"([\\`*\[\]])")


_UNDERSCORE_EDGE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")


def escape_inline(text: str) -> str:
    """Escape what CommonMark would read as markup, so plain text stays literal."""
    text = _ESCAPE.sub(r"\\\1", text)
    text = _UNDERSCORE_EDGE.sub(r"\\_", text)
    return text.replace("<", "\\<")


def escape_block_start(text: str) -> str:
    """A paragraph must not start with something CommonMark takes as block syntax."""
    # Only a space or a tab makes a marker (CommonMark): "1.\u00a0\u00a0Cambodia", pasted
    # from Word, is a paragraph starting with its number and must stay one, unescaped.
    if re.match(
        r"^(#{1,6}([ \t]|$)|>|[-+*]([ \t]|$)|\d{1,9}[.)]([ \t]|$)|={3,}|-{3,}|_{3,}|\|)", text
    ):
        return "\\" + text
    return text


def escape_cell(text: str) -> str:
    """Inline Markdown made safe inside a GFM table cell (a pipe would end the cell)."""
    return re.sub(r"(?<!\\)\|", r"\\|", text)


def is_end_mark(plain: str) -> bool:
    return bool(END_MARK.match(" ".join(plain.split())))


def _is_cjk(text: str) -> bool:
    return any(
        "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" or "\u1780" <= c <= "\u17ff"
        for c in text
    )


def colon_heading(text: str, *, lines: int, following: Unit | None) -> bool:
    """A short line alone, ending in a colon ("Conclusion:"), heading what follows.

    Never a sentence introducing a quotation ("The statement reads as follows:"),
    a salutation ("尊敬的各位来宾，女士们、先生们：") or the last line of a
    longer paragraph: those stay paragraphs, colon and all.
    """
    m = HEADING_COLON.match(text)
    if not m or lines > 1 or following is None:
        return False
    label = m.group(1).strip()
    if not label or re.search(r"[,，、;；]", label) or _INTRODUCES.search(label):
        return False
    if label[0].islower():
        return False
    if _is_cjk(label):
        if len(label.replace(" ", "")) > HEADING_MAX_CJK_CHARS:
            return False
    elif len(label.split()) > HEADING_MAX_WORDS:
        return False
    if following.kind == "quote" or following.plain.lstrip()[:1] in _OPENING_QUOTES:
        return False
    return following.kind not in ("heading",)


# ---------------------------------------------------------------- signature blocks


def column_cells(line: str) -> list[str] | None:
    """The texts of a line laid out in columns, or None if it is one run of text.

    A line that is only indented far is text in the last column: [" ", text].
    """
    stripped = line.strip(" \t\u00a0\u2007\u202f\u3000")
    if not stripped:
        return None
    parts = [p for p in COLUMN_GAP.split(stripped) if p]
    if len(parts) > 1:
        return parts
    if _INDENT.match(line):
        return ["", stripped]
    return None


def signature_rows(lines: list[str]) -> list[list[str]] | None:
    """Lines padded into columns (names and titles side by side), as table rows.

    At least two lines, each either split by a column gap or indented into the
    right-hand column, and at least one really split; or one line split by a
    wide gap. Anything else is ordinary text.
    """
    rows: list[list[str]] = []
    split = 0
    for line in lines:
        cells = column_cells(line)
        if cells is None:
            return None
        if cells[0]:
            split += 1
        rows.append(cells)
    if not split:
        return None
    if len(rows) == 1 and not re.search(r"\S(?:\t|[ \u00a0\u2007\u202f\u3000]{8,})\S", lines[0]):
        return None
    width = max(len(r) for r in rows)
    if width > 4:
        return None
    out = []
    for cells in rows:
        if cells[0] == "":  # right-hand column only
            cells = [""] * (width - 1) + cells[1:]
        out.append(cells + [""] * (width - len(cells)))
    return out


def table_markdown(
    rows: list[list[str]],
    *,
    header: list[str] | None = None,
    aligns: list[str | None] | None = None,
) -> str:
    """A GFM table of inline-Markdown cells; no header row gives an empty one
    (the templates then lay the cells out side by side, as a signature block).
    `aligns` holds each column's alignment: left, center, right or None."""
    width = max([len(r) for r in rows] + [len(header or []), len(aligns or [])])
    head = [escape_cell(c) for c in (header or [])] + [""] * (width - len(header or []))
    marks = {"left": ":--", "center": ":-:", "right": "--:"}
    columns = list(aligns or []) + [None] * (width - len(aligns or []))
    lines = [
        "| " + " | ".join(head) + " |",
        "|" + "".join(marks.get(a or "", "---") + "|" for a in columns),
    ]
    for row in rows:
        cells = [escape_cell(c) for c in row] + [""] * (width - len(row))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(re.sub(r"\|\s+(?=\|)", "| ", line) for line in lines)


# ---------------------------------------------------------------- titles


def _comparable(text: str) -> str:
    return re.sub(r"[\s.。។:：!！?？]+$", "", " ".join(text.split())).casefold()


def same_title(a: str, b: str) -> bool:
    """`--title` repeats the first block (case, spacing and a final stop aside)."""
    return _comparable(a) == _comparable(b)


def take_title(
    units: list[Unit], choice: TitleChoice, notices: list[Notice], path: Path | None
) -> tuple[str | None, list[Unit]]:
    """The title, and the units left for the body.

    A given title is used as is, and a first block repeating it is left out. With
    `first_line`, the first line of the first block is the title. Otherwise a
    heading or short paragraph opening the file is the title; a long one is not
    guessed at.
    """
    if not units:
        return (clean_title(choice.given) if choice.given else None), units
    first = units[0]
    if choice.given is not None:
        title = clean_title(choice.given)
        if first.kind in ("paragraph", "heading") and same_title(first.plain, title):
            notices.append(
                Notice(
                    "note",
                    f"{first.position()}the first paragraph repeats {choice.given_by}; "
                    "it is printed once, as the title",
                    first.line,
                )
            )
            return title, units[1:]
        return title, units
    if choice.first_line:
        if first.kind not in ("paragraph", "heading"):
            raise SourceError(
                "--first-line-title: the file starts with a list or table, not a line of text",
                path=path,
                line=first.line,
            )
        lines = first.lines or [first.text]
        title = clean_title(lines[0])
        rest = [line for line in lines[1:] if line.strip()]
        if rest:
            remainder = Unit(
                "paragraph",
                " ".join(rest),
                line=(first.line + 1) if first.line is not None else None,
                lines=rest,
                where=first.where,
            )
            return title, [remainder, *units[1:]]
        return title, units[1:]
    if first.kind == "heading" and first.level == 1:
        return clean_title(first.text), units[1:]
    if first.kind not in ("paragraph", "heading"):
        raise SourceError(
            "the file starts with a list or table, not a title; pass --title TEXT",
            path=path,
            line=first.line,
        )
    title = clean_title(first.text)
    sentence = re.search(r"[.!?。！？។]\s*$", title) and len(title) > SENTENCE_TITLE_MAX_CHARS
    if len(title) > TITLE_MAX_CHARS or sentence:
        why = "reads as a sentence" if sentence else "is too long"
        raise SourceError(
            f"the first paragraph ({len(title)} characters) {why}, not a title; "
            "pass --title TEXT, or --first-line-title if its first line is the title",
            path=path,
            line=first.line,
        )
    notices.append(
        Notice(
            "note",
            f"the title is the first paragraph: “{title}” (--title TEXT chooses another)",
            first.line,
        )
    )
    return title, units[1:]


# ---------------------------------------------------------------- the body


def assemble(units: list[Unit], notices: list[Notice], *, colon_headings: bool) -> str:
    """The body's Markdown from its units: end marks and empty items left out (with a
    notice), short colon lines made headings, list items numbered as written."""
    kept: list[Unit] = []
    for index, unit in enumerate(units):
        plain = unit.plain
        if unit.kind in ("paragraph", "heading") and is_end_mark(plain):
            after = len(units) - index - 1
            notices.append(
                Notice(
                    "note",
                    f"{unit.position()}the end mark “{plain}” is printed by the templates; "
                    "not kept as text"
                    + (f" ({after} block{'s' * (after != 1)} after it kept)" if after else ""),
                    unit.line,
                )
            )
            continue
        if (
            unit.kind in ("bullet", "number", "quote")
            and not plain.strip()
            and "![" not in unit.text
        ):
            notices.append(
                Notice("warning", f"{unit.position()}empty list item left out", unit.line)
            )
            continue
        kept.append(unit)
    blocks: list[str] = []
    previous: Unit | None = None
    for index, unit in enumerate(kept):
        following = kept[index + 1] if index + 1 < len(kept) else None
        if (
            colon_headings
            and unit.kind == "paragraph"
            and colon_heading(unit.plain, lines=max(1, len(unit.lines)), following=following)
        ):
            unit.kind = "heading"
            unit.text = re.sub(r"\s*[:：]\s*$", "", unit.text)
        block = _block(unit)
        same_list = (
            previous is not None
            and unit.kind in ("bullet", "number")
            and (unit.depth > 0 or previous.kind == unit.kind)
            and previous.kind in ("bullet", "number")
            and (unit.kind != "number" or previous.delimiter == unit.delimiter or unit.depth > 0)
        )
        if same_list and blocks:
            blocks[-1] += "\n" + block
        else:
            blocks.append(block)
        previous = unit
    _indent_nested(blocks)
    return "\n\n".join(blocks) + "\n" if blocks else ""


_NEST = "\x00"  # marks one level of list nesting until the markers' widths are known


def _block(unit: Unit) -> str:
    if unit.kind == "heading":
        return f"{'#' * max(2, min(6, unit.level))} {unit.text}"
    if unit.kind == "bullet":
        return _NEST * unit.depth + f"- {escape_block_start(unit.text)}"
    if unit.kind == "number":
        number = unit.number if unit.number is not None else 1
        return _NEST * unit.depth + f"{number}{unit.delimiter} {escape_block_start(unit.text)}"
    if unit.kind == "quote":
        return f"> {escape_block_start(unit.text)}"
    if unit.kind in ("table", "rule", "raw"):
        return unit.markdown
    return escape_block_start(unit.text)


def _indent_nested(blocks: list[str]) -> None:
    """Nested items indented under their parent's text, however wide its marker."""
    for index, block in enumerate(blocks):
        if _NEST not in block:
            continue
        widths: list[int] = []  # marker width of the open item at each depth
        out = []
        for line in block.split("\n"):
            depth = len(line) - len(line.lstrip(_NEST))
            body = line[depth:]
            del widths[depth:]
            while len(widths) < depth:
                widths.append(2)
            marker = re.match(r"^(?:-|\d+[.)]) ", body)
            out.append(" " * sum(widths) + body)
            widths.append(len(marker.group()) if marker else 2)
        blocks[index] = "\n".join(out)
