"""What the templates receive: a release in one language, ready to lay out.

Plain data, built by the publishing tier (publisher/publishing/view.py) and
read by the templates and renderers of this tier, so that rendering never
needs to know how the texts were chosen.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from publisher import __version__


@dataclass
class Leaf:
    kind: str
    segment: str | None
    html: Markup
    text: str
    untranslated: bool = False
    unapproved: bool = False  # shown in a draft, not yet in the required state
    source_lang: str = ""
    level: int = 0
    start: int | None = None
    children: list[Leaf] = field(default_factory=list)


@dataclass
class Alternate:
    lang: str
    native_name: str
    html_href: str
    pdf_href: str | None
    title: str = ""
    dateline: str = ""
    draft: bool = False
    pdf_size: str | None = None


@dataclass
class Publication:
    release_id: str
    lang: str
    source_lang: str
    title: Leaf
    blocks: list[Leaf]
    organisation: str
    motto: list[str]
    dateline: str
    date_iso: str
    summary: str
    draft: bool
    reference: str | None
    alternates: list[Alternate]
    x_default_href: str
    pdf_href: str | None
    tool_version: str = __version__

    @property
    def title_text(self) -> str:
        return self.title.text

    def leaves(self) -> list[Leaf]:
        out: list[Leaf] = [self.title]

        def walk(items: list[Leaf]) -> None:
            for leaf in items:
                if leaf.segment is not None:
                    out.append(leaf)
                walk(leaf.children)

        walk(self.blocks)
        return out


@dataclass
class ReleaseIndex:
    """The page listing one release's languages (dist/<slug>/index.html)."""

    title_text: str
    organisation: str
    doctype: str
    default_lang: str
    languages: list[Alternate]
