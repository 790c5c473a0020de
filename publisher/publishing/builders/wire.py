"""Wire copy: a release as plain text a wire service's system takes as is.

UTF-8, the dateline first, the end mark last, wrapped at 72 columns at the
language's own line-break opportunities: never inside a Khmer word (ICU's
dictionary breaks, as the PDF uses), never inside a number or a Latin word in
Chinese (ICU's line breaker, UAX #14), CJK characters counted two columns.
"""

from __future__ import annotations

import re
import unicodedata

from icu4py.breakers import LineBreaker

from publisher.core import list_markers
from publisher.core.release import Release
from publisher.core.workspace import Workspace
from publisher.publishing.builders.text_blocks import boilerplate_texts, text_blocks
from publisher.publishing.rule import choose
from publisher.publishing.view import build_publication
from publisher.render.khmer_breaks import ZWSP, insert_break_opportunities
from publisher.render.model import Leaf
from publisher.render.templating import locale_dirs, translations_for

WIDTH = 72


def wire_copy(ws: Workspace, release: Release, lang: str) -> str:
    """The release as plain text: dateline, title, body, end mark; 72 columns."""

    document = release.synced_document()
    texts = choose(ws, release, document, lang).publishable(
        release, ws.config.required_state, draft=False
    )
    gettext = translations_for(lang, locale_dirs(ws.locales_dir)).gettext
    pub = build_publication(
        ws, release, document, lang, texts, draft=False, gettext=gettext, pictures="files"
    )
    # The first line says when the copy may run: a wire desk reads nothing before it.
    paragraphs: list[list[str]] = [wrap(pub.release_line, lang)]
    if pub.number:
        paragraphs.append(wrap(gettext("No. %(number)s") % {"number": pub.number}, lang))
    paragraphs.append(wrap(pub.dateline, lang))
    if pub.reference:
        paragraphs.append(wrap(f"{gettext('Reference')}: {pub.reference}", lang))
    paragraphs.append(wrap(pub.title_text, lang))
    paragraphs.extend(wire_blocks(pub.blocks, lang, pub.numbering))
    for figure in pub.photos:
        # The file as the bundle holds it, then what the page prints under the photo.
        photo = figure.photo
        assert photo is not None
        credit = " · ".join(x for x in (photo.credit, photo.copyright) if x)
        caption = figure.children[0].text
        paragraphs.append([f"[{photo.src}]", *wrap(f"{caption} ({credit})", lang)])
    shared = boilerplate_texts(pub.boilerplate, gettext, lambda paragraph: paragraph.text)
    paragraphs += [wrap(text, lang) for text in shared]
    paragraphs.append([pub.end_mark])
    return "\n\n".join("\n".join(lines) for lines in paragraphs if lines) + "\n"


def wire_blocks(leaves: list[Leaf], lang: str, numbering: str | None = None) -> list[list[str]]:
    """The wire copy's paragraphs of `leaves`, list markers in `numbering` (by default
    `lang`'s own style)."""
    numbering = numbering or list_markers.default_style(lang)
    return text_blocks(leaves, _WireSetter(lang), numbering)


class _WireSetter:
    """The wire copy's paragraphs: lines wrapped at 72 columns (text_blocks.Setter)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def text(self, leaf: Leaf, indent: str) -> list[str]:
        return wrap(leaf.text, self.lang, first=indent, rest=indent)

    def item(self, item: Leaf, first: str, rest: str) -> list[str]:
        return wrap(item.text, self.lang, first=first, rest=rest)

    def table(self, table: Leaf, indent: str) -> list[list[str]]:
        return _table(table, self.lang, indent)

    def rule(self, indent: str) -> list[str]:
        return [indent + "* * *"]

    def empty(self, paragraph: list[str]) -> bool:
        return not paragraph


def _table(table: Leaf, lang: str, indent: str) -> list[list[str]]:
    """A table as text: a row per paragraph, its cells joined by " | ". A table
    without headings (a signature block) is read column by column instead, each
    column's cells one under the other, as the names and titles belong together."""
    rows = [[cell.text for cell in row.children] for row in table.children]
    labelled = any(
        row.header and any(cells) for row, cells in zip(table.children, rows, strict=True)
    )
    if labelled:
        return [
            wrap(" | ".join(cells), lang, first=indent, rest=indent) for cells in rows if any(cells)
        ]
    body = [cells for row, cells in zip(table.children, rows, strict=True) if not row.header]
    width = max((len(cells) for cells in body), default=0)
    columns = []
    for column in range(width):
        lines: list[str] = []
        for cells in body:
            if column < len(cells) and cells[column]:
                lines.extend(wrap(cells[column], lang, first=indent, rest=indent))
        columns.append(lines)
    return columns


def display_width(text: str) -> int:
    """Columns a terminal gives `text`: CJK wide characters 2, combining marks 0."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def break_pieces(text: str, lang: str) -> list[str]:
    """`text` cut at its line-break opportunities; each piece keeps its trailing space.

    Khmer: the same ICU word breaks the PDF uses (publisher.render.khmer_breaks), so a
    line never ends inside a word. Other languages: ICU's line breaker (UAX #14: any
    space, and between Chinese characters but not before closing punctuation).
    """

    text = " ".join(text.split())
    if not text:
        return []
    if lang == "km":
        marked = insert_break_opportunities(text)
        return [p.replace(ZWSP, "") for p in re.split(f"(?<=[ {ZWSP}])", marked) if p]

    pieces = [piece for piece in LineBreaker(text, lang.replace("-", "_")) if piece]
    return _keep_numbers_whole(pieces) if lang.startswith("zh") else pieces


#: What a Chinese number is read with: "2023年8月2日", "3.5亿", "60%", "第3次".
_CJK_UNITS = "年月日号時时点分秒%％万亿千百元个名位次届岁周天倍家项条人"
_NUMBER_END = re.compile(r"[0-9０-９]$")
_NUMBER_START = re.compile(r"^[0-9０-９]")


def _keep_numbers_whole(pieces: list[str]) -> list[str]:
    """Chinese pieces joined where a line break would split a number from its unit.

    UAX #14 allows a break between "2023" and "年"; a Chinese reader sees the
    date cut in two ("2023" / "年8月"). So a number stays with the unit after it,
    and a date's "年"/"月" with the number that follows.
    """
    out: list[str] = []
    for piece in pieces:
        if out and (
            (_NUMBER_END.search(out[-1]) and piece[0] in _CJK_UNITS)
            or (out[-1][-1:] in "年月第约近逾" and _NUMBER_START.search(piece))
        ):
            out[-1] += piece
        else:
            out.append(piece)
    return out


def wrap_pieces(
    text: str, lang: str, *, width: int = WIDTH, first: str = "", rest: str = ""
) -> list[str]:
    """Greedy wrap at the language's break opportunities; each line but the last keeps the
    space it was broken at (format=flowed needs it); a piece longer than a line (a URL)
    overflows."""
    lines: list[str] = []
    line = first
    has_text = False
    for piece in break_pieces(text, lang):
        if has_text and display_width((line + piece).rstrip()) > width:
            lines.append(line)
            line, has_text = rest, False
        line += piece
        has_text = True
    if has_text:
        lines.append(line.rstrip())
    return lines


def wrap(text: str, lang: str, *, width: int = WIDTH, first: str = "", rest: str = "") -> list[str]:
    """`wrap_pieces` without the spaces lines were broken at (wire copy, fixed lines)."""
    return [line.rstrip() for line in wrap_pieces(text, lang, width=width, first=first, rest=rest)]
