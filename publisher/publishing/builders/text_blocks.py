"""A publication's blocks as plain-text paragraphs: one walk for the wire copy and the
e-mail's text part, and one reading of the About section and media contacts.

Invariant: both read the same blocks in the same order, with the same indents and the
same list markers (core/list_markers, in the workspace's numbering style); only how a
paragraph is set differs, and that is the `Setter`'s job (wrapped lines for the wire,
flowed paragraphs with link references for the mail).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from publisher.core import list_markers
from publisher.render.model import Boilerplate, Leaf

P = TypeVar("P")


class Setter(Protocol[P]):
    """How one output sets what the walk finds: each method gives paragraphs of type P."""

    def text(self, leaf: Leaf, indent: str) -> P:
        """A paragraph, heading or quote."""

    def item(self, item: Leaf, first: str, rest: str) -> P:
        """A list item's own text: `first` holds its marker, `rest` the hanging indent."""

    def table(self, table: Leaf, indent: str) -> list[P]:
        """A table."""

    def rule(self, indent: str) -> P:
        """A thematic break."""

    def empty(self, paragraph: P) -> bool:
        """Whether a paragraph holds no line (it is then left out)."""


def text_blocks(
    leaves: list[Leaf], setter: Setter[P], numbering: str, indent: str = "", depth: int = 0
) -> list[P]:
    """The paragraphs of `leaves`, nested blocks indented by four columns (a quote) or
    by their list marker's width (a list item's children)."""
    out: list[P] = []
    for leaf in leaves:
        if leaf.kind in ("paragraph", "heading", "quote"):
            out.append(setter.text(leaf, indent))
        elif leaf.kind == "blockquote":
            out.extend(text_blocks(leaf.children, setter, numbering, indent + "    ", depth))
        elif leaf.kind in ("bullet_list", "ordered_list"):
            number = leaf.start or 1
            for item in leaf.children:
                if leaf.kind == "bullet_list":
                    mark = "- "
                else:
                    number = item.number if item.number is not None else number
                    mark = list_markers.item_prefix(number, depth, numbering)
                    number += 1
                hanging = indent + " " * len(mark)
                if item.text:
                    out.append(setter.item(item, indent + mark, hanging))
                out.extend(text_blocks(item.children, setter, numbering, hanging, depth + 1))
        elif leaf.kind == "table":
            out.extend(setter.table(leaf, indent))
        elif leaf.kind == "rule":
            out.append(setter.rule(indent))
    return [paragraph for paragraph in out if not setter.empty(paragraph)]


def boilerplate_texts(
    shared: Boilerplate, gettext: Callable[[str], str], text: Callable[[Leaf], str]
) -> list[str]:
    """The About section and the media contacts, a paragraph's text each, in order; `text`
    gives an About paragraph's text (with or without its links' references). A contact
    reads "Name, Role: phone email" in each language's punctuation (，in Chinese)."""
    out: list[str] = []
    if shared.about_heading is not None:
        out.append(shared.about_heading.text)
        out += [text(paragraph) for paragraph in shared.about]
    if shared.contacts:
        if shared.contacts_heading is not None:
            out.append(shared.contacts_heading.text)
        if shared.more_information:
            out.append(shared.more_information)
        for contact in shared.contacts:
            line = contact.name
            if contact.role:
                line = gettext("%(name)s, %(role)s") % {"name": line, "role": contact.role.text}
            details = " ".join(x for x in (contact.phone_text, contact.email) if x)
            if details:
                line = gettext("%(contact)s: %(details)s") % {"contact": line, "details": details}
            out.append(line)
    return out
