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
class PhotoView:
    """A photo as one edition shows it: the print edition its print rendition (at most
    450 dpi at its placed size, see images.print_rendition), a web page its renditions."""

    src: str
    width: int  # of `src`, upright: the page reserves the space before it loads
    height: int
    srcset: str = ""
    sizes: str = ""
    credit: str = ""  # as the reader's language writes it ("Photo: ...", given by the office)
    copyright: str = ""
    download_href: str | None = None  # the original, with its metadata (web pages)
    download_label: str = ""


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
    #: an ordered list item's own number, as the source wrote it
    number: int | None = None
    #: a table row of column headings; a table cell's alignment
    header: bool = False
    align: str | None = None
    #: a figure's photo (its one child is the caption)
    photo: PhotoView | None = None


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
class ContactView:
    """One media contact as the reader's language writes it."""

    name: str
    role: Leaf | None
    phone: str
    phone_text: str  # as printed (Khmer digits in Khmer); `phone` stays dialable for tel:
    email: str


@dataclass
class Boilerplate:
    """The workspace's texts a release carries: About section and media contacts."""

    about_heading: Leaf | None = None
    about: list[Leaf] = field(default_factory=list)
    contacts_heading: Leaf | None = None
    contacts: list[ContactView] = field(default_factory=list)
    more_information: str | None = None  # the office's own line ([conventions])


@dataclass
class Publication:
    release_id: str
    lang: str
    source_lang: str
    title: Leaf
    blocks: list[Leaf]
    #: The photos, each a figure whose one child is its caption (after the text)
    photos: list[Leaf]
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
    #: The release's number in the office's series, and the line that says when it may run.
    number: str | None = None
    embargo: str | None = None  # "EMBARGOED UNTIL 08:00, 2 December 2024 (...)", or None
    embargo_iso: str | None = None
    release_line: str = ""  # the embargo line, or "For immediate release"
    end_mark: str = ""
    #: How list items are numbered: latin, khmer or gbt9704 (core/list_markers.py).
    numbering: str = "latin"
    boilerplate: Boilerplate = field(default_factory=lambda: Boilerplate())
    tool_version: str = __version__

    @property
    def title_text(self) -> str:
        return self.title.text

    def figures(self) -> list[Leaf]:
        """The photos, in order."""
        return list(self.photos)

    def leaves(self) -> list[Leaf]:
        out: list[Leaf] = [self.title]

        def walk(items: list[Leaf]) -> None:
            for leaf in items:
                if leaf.segment is not None:
                    out.append(leaf)
                walk(leaf.children)

        walk(self.blocks)
        walk(self.photos)
        shared = self.boilerplate
        out += [leaf for leaf in (shared.about_heading, *shared.about) if leaf is not None]
        if shared.contacts_heading is not None:
            out.append(shared.contacts_heading)
        out += [c.role for c in shared.contacts if c.role is not None]
        return out


@dataclass
class ReleaseIndex:
    """The page listing one release's languages (dist/<slug>/index.html)."""

    title_text: str
    organisation: str
    doctype: str
    default_lang: str
    languages: list[Alternate]
