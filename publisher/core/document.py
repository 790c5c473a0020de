"""A release's source as a tree of blocks whose leaves are translatable segments.

The stored source is CommonMark. Each leaf block (the title, a heading, a
paragraph, a list item, a paragraph in a quote) is one segment whose text is
the block's *inline* Markdown, so emphasis and links travel with the sentence
through translation, as po4a does. Raw HTML is never interpreted.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    """CommonMark with raw HTML disabled: `<script>` in a source is text, not markup.

    Built once: constructing a parser costs more than parsing a paragraph.
    """
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


@dataclass
class Block:
    """One node of the document tree.

    `kind` is one of: title, heading, paragraph, bullet_list, ordered_list,
    item, quote, rule. Leaves carry `text` (inline Markdown); containers carry
    `children`. `segment` is filled in when ids are assigned.
    """

    kind: str
    text: str | None = None
    level: int = 0
    start: int | None = None
    children: list[Block] = field(default_factory=list)
    segment: str | None = None

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
    tokens = markdown_parser().parse(unicodedata.normalize("NFC", source))
    blocks, _ = _build(tokens, 0, closing=None, context="body")
    for block in blocks:
        if block.kind == "heading" and block.level == 1:
            block.kind = "title"
            break
    return Document(blocks)


def _build(
    tokens: list[Token], i: int, closing: str | None, context: str
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
            if text:
                blocks.append(block)
            i += 3  # open, inline, close
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            kind = "bullet_list" if tok.type == "bullet_list_open" else "ordered_list"
            start = int(tok.attrGet("start") or 1) if kind == "ordered_list" else None
            items, i = _build(tokens, i + 1, tok.type.replace("_open", "_close"), "list")
            blocks.append(Block(kind, start=start, children=items))
        elif tok.type == "list_item_open":
            children, i = _build(tokens, i + 1, "list_item_close", "item")
            item = _merge_item(children)
            blocks.append(item)
        elif tok.type == "blockquote_open":
            children, i = _build(tokens, i + 1, "blockquote_close", "quote")
            blocks.append(Block("blockquote", children=children))
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


def _merge_item(children: list[Block]) -> Block:
    """A list item's first paragraph is its text; anything after (nested lists) its children."""
    if children and children[0].kind == "item":
        first = children[0]
        first.children = children[1:]
        return first
    return Block("item", "", children=children)


def render_inline(text: str) -> str:
    """Inline Markdown to HTML (escaped; raw HTML shown as text)."""
    return markdown_parser().renderInline(text)


_TAG = re.compile(r"<[^>]+>")


def plain_text(inline_markdown: str) -> str:
    """The text a reader sees of a segment (markup removed, entities decoded)."""
    return html.unescape(_TAG.sub("", render_inline(inline_markdown)))
