"""A release's source as a tree of blocks whose leaves are translatable segments.

The stored source is CommonMark plus GFM tables. Each leaf block (the title, a
heading, a paragraph, a list item, a paragraph in a quote, a table cell) is one
segment whose text is the block's *inline* Markdown, so emphasis and links
travel with the sentence through translation, as po4a does. Raw HTML is never
interpreted; a paragraph that is nothing but an HTML comment is not content.

What is not a sentence is structure, kept outside the segments so that no
translator can change it: an ordered list item's own number (a statement's
paragraph 5 stays 5, whatever comes before it), a table's rows and columns.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from publisher.core.limits import check_segment_count, check_segment_length
from publisher.core.memos import memo

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token
from publisher.errors import SourceError


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    """CommonMark with GFM tables and raw HTML disabled: `<script>` in a source is text.

    Built once: constructing a parser costs more than parsing a paragraph. markdown-it
    is imported here (25 ms): `publisher --help` and `status` read no Markdown.
    """
    from markdown_it import MarkdownIt

    options = {"html": False, "linkify": False, "typographer": False}
    return MarkdownIt("commonmark", options).enable("table")


#: Block kinds. Leaves (with text): title, heading, paragraph, item, quote, cell, caption.
#: Containers: bullet_list, ordered_list, blockquote, table, row, figure; and rule.
LEAF_KINDS = frozenset({"title", "heading", "paragraph", "item", "quote", "cell", "caption"})


@dataclass
class Block:
    """One node of the document tree.

    `kind` is one of the kinds above. Leaves carry `text` (inline Markdown);
    containers carry `children`. `segment` is filled in when ids are assigned.
    An item of an ordered list carries its own `number`; a list its `start`
    (its first item's number). A table's rows are `row` blocks (`header` for
    the column headings) of `cell` blocks (`align`: left, center, right or
    None); an empty cell has no text and no segment. A `figure` is one of the
    release's photos (`photo`: its file in photos/), its one child the `caption`.
    """

    kind: str
    text: str | None = None
    level: int = 0
    start: int | None = None
    children: list[Block] = field(default_factory=list)
    segment: str | None = None
    number: int | None = None
    header: bool = False
    align: str | None = None
    photo: str | None = None

    def leaves(self) -> Iterator[Block]:
        if self.text is not None:
            yield self
        for child in self.children:
            yield from child.leaves()


@dataclass
class Document:
    blocks: list[Block]

    def leaves(self) -> Iterator[Block]:
        for block in self.blocks:
            yield from block.leaves()

    @property
    def title(self) -> Block | None:
        return next((b for b in self.blocks if b.kind == "title"), None)


def normalise_text(text: str) -> str:
    """NFC, one line: what a segment holds (soft line breaks become spaces)."""
    text = unicodedata.normalize("NFC", text)
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def parse_markdown(source: str) -> Document:
    """Parse CommonMark into blocks; the first level-1 heading is the title."""
    tokens = _block_tokens(source)
    blocks, _ = _build(tokens, 0, closing=None, context="body")
    for block in blocks:
        if block.kind == "heading" and block.level == 1:
            block.kind = "title"
            break
    return Document(blocks)


@memo(maxsize=32)
def _block_tokens(source: str) -> tuple[Token, ...]:
    """markdown-it's tokens of a source, kept for the sources read last.

    A build reads the same source.md in every step and for every language (24 parses of
    the sample's two sources in one build); the tokens are only read (`_build` makes
    new blocks each time, which callers may change), so one parse serves them all.
    Keyed by the text itself, not the file: an edited source is a new key."""
    return tuple(markdown_parser().parse(unicodedata.normalize("NFC", source)))


_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)

_ALIGN = re.compile(r"text-align:(left|center|right)")


def is_html_comment(text: str) -> bool:
    """Text that is only HTML comments: an author's note to themselves, never content."""
    return bool(text.strip()) and not _HTML_COMMENT.sub("", text).strip()


def _build(
    tokens: Sequence[Token], i: int, closing: str | None, context: str
) -> tuple[list[Block], int]:
    blocks: list[Block] = []
    while i < len(tokens):
        tok = tokens[i]
        if closing is not None and tok.type == closing:
            return blocks, i + 1
        if tok.type in ("paragraph_open", "heading_open"):
            inline = tokens[i + 1]
            text = normalise_text(inline.content)
            if tok.type == "heading_open":
                block = Block("heading", text, level=int(tok.tag[1:]))
            else:
                block = Block({"item": "item", "quote": "quote"}.get(context, "paragraph"), text)
            if text and not is_html_comment(text):
                blocks.append(block)
            i += 3  # open, inline, close
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            kind = "bullet_list" if tok.type == "bullet_list_open" else "ordered_list"
            items, i = _build(tokens, i + 1, tok.type.replace("_open", "_close"), "list")
            if kind == "ordered_list":
                _number_items(items)
            if items:
                start = items[0].number if kind == "ordered_list" else None
                blocks.append(Block(kind, start=start, children=items))
        elif tok.type == "list_item_open":
            number = int(tok.info) if tok.info.isdigit() else None
            children, i = _build(tokens, i + 1, "list_item_close", "item")
            item = _merge_item(children)
            item.number = number
            if item.text or item.children:  # an empty `-` or `1.` is not a segment
                blocks.append(item)
        elif tok.type == "blockquote_open":
            children, i = _build(tokens, i + 1, "blockquote_close", "quote")
            if children:
                blocks.append(Block("blockquote", children=children))
        elif tok.type == "table_open":
            table, i = _table(tokens, i + 1)
            blocks.append(table)
        elif tok.type == "hr":
            blocks.append(Block("rule"))
            i += 1
        elif tok.type in ("fence", "code_block"):
            text = normalise_text(tok.content)
            if text:
                blocks.append(Block("paragraph", text))
            i += 1
        else:
            i += 1
    return blocks, i


def _number_items(items: list[Block]) -> None:
    """Each item keeps the number written before it; `1.` on every item counts up.

    Markdown authors (and press offices) often number every item `1.` and let
    the renderer count, so a list whose items all carry one number is numbered
    from it; any other list keeps its numbers as written, skips included.
    """
    numbers = [item.number for item in items]
    if len(items) > 1 and len(set(numbers)) == 1 and numbers[0] is not None:
        for offset, item in enumerate(items):
            item.number = numbers[0] + offset


def _table(tokens: Sequence[Token], i: int) -> tuple[Block, int]:
    """Rows of cells from a GFM table; the header row is marked, empty cells hold no text."""
    table = Block("table")
    header = False
    row: Block | None = None
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "table_close":
            return table, i + 1
        if tok.type == "thead_open":
            header = True
        elif tok.type == "thead_close":
            header = False
        elif tok.type == "tr_open":
            row = Block("row", header=header)
            table.children.append(row)
        elif tok.type in ("th_open", "td_open") and row is not None:
            text = normalise_text(tokens[i + 1].content)
            m = _ALIGN.search(str(tok.attrGet("style") or ""))
            cell = Block("cell", text or None, align=m.group(1) if m else None)
            row.children.append(cell)
            i += 3  # open, inline, close
            continue
        i += 1
    return table, i


def _merge_item(children: list[Block]) -> Block:
    """A list item's first paragraph is its text; anything after (nested lists) its children."""
    if children and children[0].kind == "item":
        first = children[0]
        first.children = children[1:]
        return first
    return Block("item", None, children=children)


@memo(maxsize=8192)
def render_inline(text: str) -> str:
    """Inline Markdown to HTML (escaped; raw HTML shown as text).

    Remembered for the segments seen last: a build renders each segment's text several
    times (glyph check, print and web pages, listings, QA), ~480 times for the sample."""
    html: str = markdown_parser().renderInline(text)
    return html


_TAG = re.compile(r"<[^>]+>")


def plain_text(inline_markdown: str) -> str:
    """The text a reader sees of a segment (markup removed, entities decoded)."""
    return html.unescape(_TAG.sub("", render_inline(inline_markdown)))


def check_document_size(document: Document, path: Path | str) -> None:
    """Refuse a source with more segments, or longer ones, than a release may have."""
    leaves = list(document.leaves())
    check_segment_count(len(leaves), SourceError, str(path))
    for number, leaf in enumerate(leaves, start=1):
        check_segment_length(leaf.text or "", SourceError, f"{path}: segment {number}")
