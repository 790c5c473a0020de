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

from publisher.core import dates
from publisher.core.release import Release
from publisher.core.workspace import Workspace
from publisher.publishing.rule import translated_texts
from publisher.publishing.view import build_publication
from publisher.render.khmer_breaks import ZWSP, insert_break_opportunities
from publisher.render.model import Leaf
from publisher.render.templating import locale_dirs, translations_for
from publisher.workflow.session import load_catalog

WIDTH = 72


def wire_copy(ws: Workspace, release: Release, lang: str) -> str:
    """The release as plain text: dateline, title, body, end mark; 72 columns."""

    document = release.synced_document()
    catalog = None if lang == release.meta.source_language else load_catalog(release, lang)
    texts = translated_texts(
        document, catalog, ws.config.required_state, draft=False, release=release.slug, lang=lang
    )
    gettext = translations_for(lang, locale_dirs(ws.locales_dir)).gettext
    pub = build_publication(ws, release, document, lang, texts, draft=False, gettext=gettext)
    paragraphs: list[list[str]] = [wrap(pub.dateline, lang)]
    if pub.reference:
        paragraphs.append(wrap(f"{gettext('Reference')}: {pub.reference}", lang))
    paragraphs.append(wrap(pub.title_text, lang))
    paragraphs.extend(_blocks(pub.blocks, lang, ""))
    paragraphs.append([gettext("###")])
    return "\n\n".join("\n".join(lines) for lines in paragraphs if lines) + "\n"


def _blocks(leaves: list[Leaf], lang: str, indent: str) -> list[list[str]]:
    out: list[list[str]] = []
    for leaf in leaves:
        if leaf.kind in ("paragraph", "heading", "quote"):
            out.append(wrap(leaf.text, lang, first=indent, rest=indent))
        elif leaf.kind == "blockquote":
            out.extend(_blocks(leaf.children, lang, indent + "    "))
        elif leaf.kind in ("bullet_list", "ordered_list"):
            number = leaf.start or 1
            for item in leaf.children:
                if leaf.kind == "bullet_list":
                    mark = "- "
                else:
                    mark = f"{dates.localize_digits(str(number), lang)}. "
                    number += 1
                lines = (
                    wrap(item.text, lang, first=indent + mark, rest=indent + " " * len(mark))
                    if item.text
                    else []
                )
                out.append(lines)
                out.extend(_blocks(item.children, lang, indent + " " * len(mark)))
        elif leaf.kind == "rule":
            out.append([indent + "* * *"])
    return [lines for lines in out if lines]


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

    return [piece for piece in LineBreaker(text, lang.replace("-", "_")) if piece]


def wrap(text: str, lang: str, *, width: int = WIDTH, first: str = "", rest: str = "") -> list[str]:
    """Greedy wrap at break opportunities; a piece longer than a line (a URL) overflows."""
    lines: list[str] = []
    line = first
    has_text = False
    for piece in break_pieces(text, lang):
        if has_text and display_width((line + piece).rstrip()) > width:
            lines.append(line.rstrip())
            line, has_text = rest, False
        line += piece
        has_text = True
    if has_text:
        lines.append(line.rstrip())
    return lines
