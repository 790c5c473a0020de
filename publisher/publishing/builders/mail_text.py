"""The text/plain part of a release's message: what a newsroom system that keeps only the
text shows, and what a journalist copies from.

One section per language: the release line once (the embargo, or "For immediate
release"), number, dateline, reference, title, the body, each photo (caption,
credit, and the name of its attachment or the link to the photos), the "About"
boilerplate and contacts, the end mark, then the numbered references of the
section's links. A link reads as its words followed by its number (`www.mfaic.gov.kh
[1]`), and `[1] https://...` below gives the target, so no target is lost; a link
whose words are its address needs no number.

Every line is at most 72 columns by display width (CJK characters count two),
broken where the language breaks lines (`wire.break_pieces`: ICU's Khmer word
breaks, as the PDFs use; never inside a number in Chinese); a word longer than a
line (a URL) stands alone on a longer line. Paragraphs flow (`mail.flowed`); list
items keep their numbers with a hanging indent, and tables become aligned columns
(or a row per paragraph when the columns would not fit), as fixed lines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import html as lxml_html

from publisher.core.release import Release
from publisher.core.workspace import Workspace
from publisher.mail.flowed import Paragraph
from publisher.publishing.builders.text_blocks import boilerplate_texts, text_blocks
from publisher.publishing.builders.wire import WIDTH, display_width, wrap, wrap_pieces
from publisher.publishing.rule import choose
from publisher.publishing.view import build_publication
from publisher.render.model import Leaf

Gettext = Callable[[str], str]
_SEPARATOR = "  "


@dataclass
class References:
    """The link targets of one language's section, numbered in order of first use."""

    urls: list[str] = field(default_factory=list)

    def number(self, url: str) -> int:
        if url not in self.urls:
            self.urls.append(url)
        return self.urls.index(url) + 1

    def paragraph(self) -> Paragraph:
        return Paragraph([f"[{n}] {url}" for n, url in enumerate(self.urls, 1)], fixed=True)


def flowing(text: str, lang: str) -> Paragraph:
    return Paragraph(wrap_pieces(text, lang))


def _same_target(words: str, href: str) -> bool:
    """Whether a link's words already say its target (an address shown as itself)."""

    def bare(value: str) -> str:
        value = value.strip().rstrip("/").lower()
        for scheme in ("mailto:", "https://", "http://", "tel:"):
            value = value.removeprefix(scheme)
        return value

    return bare(words) == bare(href) and (
        words.strip().lower().startswith(("http://", "https://")) or "/" not in bare(href)
    )


def linked_text(leaf: Leaf, refs: References) -> str:
    """The leaf's text with each link's number after its words (`words [n]`)."""
    if "<a " not in leaf.html:
        return leaf.text
    root = lxml_html.fragment_fromstring(str(leaf.html), create_parent="div")
    parts: list[str] = []

    def walk(element: lxml_html.HtmlElement) -> None:
        if element.text:
            parts.append(element.text)
        for child in element:
            if not isinstance(child.tag, str):
                pass
            elif child.tag == "a" and child.get("href"):
                words = child.text_content()
                href = str(child.get("href"))
                parts.append(words)
                if not _same_target(words, href):
                    parts.append(f" [{refs.number(href)}]")
            elif child.tag == "br":
                parts.append(" ")
            else:
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(root)
    return " ".join("".join(parts).split())


@dataclass(frozen=True)
class PhotoNote:
    """How the message carries a photo: its attachment's name, or else a link."""

    attached: dict[str, str]
    url: str | None


def text_section(
    ws: Workspace, release: Release, lang: str, gettext: Gettext, photos: PhotoNote
) -> list[Paragraph]:
    """The release in `lang` as paragraphs for the text part (see the module docstring)."""
    document = release.synced_document()
    texts = choose(ws, release, document, lang).publishable(
        release, ws.config.required_state, draft=False
    )
    pub = build_publication(
        ws, release, document, lang, texts, draft=False, gettext=gettext, pictures="files"
    )
    refs = References()
    out: list[Paragraph] = [flowing(pub.release_line, lang)]
    if pub.number:
        out.append(flowing(gettext("No. %(number)s") % {"number": pub.number}, lang))
    out.append(flowing(pub.dateline, lang))
    if pub.reference:
        out.append(flowing(f"{gettext('Reference')}: {pub.reference}", lang))
    out.append(flowing(linked_text(pub.title, refs), lang))
    # list markers in the workspace's style, as the PDF, the page and the wire copy draw them
    out.extend(text_blocks(pub.blocks, _MailSetter(lang, refs), pub.numbering))
    for figure in pub.photos:
        photo = figure.photo
        assert photo is not None
        name = photo.src.rsplit("/", 1)[-1]
        out.append(flowing(linked_text(figure.children[0], refs), lang))
        credit = " · ".join(x for x in (photo.credit, photo.copyright) if x)
        if credit:
            out.append(flowing(credit, lang))
        if name in photos.attached:
            note = gettext("Attached: %(files)s") % {"files": photos.attached[name]}
            out.append(flowing(note, lang))
        elif photos.url:
            out.append(flowing(gettext("Photos: %(url)s") % {"url": photos.url}, lang))
    shared = boilerplate_texts(
        pub.boilerplate, gettext, lambda paragraph: linked_text(paragraph, refs)
    )
    out += [flowing(text, lang) for text in shared]
    out.append(Paragraph([pub.end_mark], fixed=True))
    if refs.urls:
        out.append(refs.paragraph())
    return out


class _MailSetter:
    """The text part's paragraphs (text_blocks.Setter): flowed where they start at the
    margin, fixed lines where indented (a quote, a list item), links as references."""

    def __init__(self, lang: str, refs: References) -> None:
        self.lang = lang
        self.refs = refs

    def text(self, leaf: Leaf, indent: str) -> Paragraph:
        text = linked_text(leaf, self.refs)
        if indent:
            return Paragraph(wrap(text, self.lang, first=indent, rest=indent), fixed=True)
        return flowing(text, self.lang)

    def item(self, item: Leaf, first: str, rest: str) -> Paragraph:
        lines = wrap(linked_text(item, self.refs), self.lang, first=first, rest=rest)
        return Paragraph(lines, fixed=True)

    def table(self, table: Leaf, indent: str) -> list[Paragraph]:
        return _table(table, self.lang, indent, self.refs)

    def rule(self, indent: str) -> Paragraph:
        return Paragraph([indent + "* * *"], fixed=True)

    def empty(self, paragraph: Paragraph) -> bool:
        return not paragraph.lines


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def _table(table: Leaf, lang: str, indent: str, refs: References) -> list[Paragraph]:
    """A table as aligned columns when they fit 72 columns (a rule under the heading
    row), else a row per paragraph with its cells joined by " | ". A table without
    headings (a signature block) is read column by column, as its names and titles
    belong together."""
    rows = [[linked_text(cell, refs) for cell in row.children] for row in table.children]
    headed = [row.header for row in table.children]
    labelled = any(h and any(cells) for h, cells in zip(headed, rows, strict=True))
    if not labelled:
        body = [cells for h, cells in zip(headed, rows, strict=True) if not h]
        count = max((len(cells) for cells in body), default=0)
        columns = []
        for column in range(count):
            lines: list[str] = []
            for cells in body:
                if column < len(cells) and cells[column]:
                    lines += wrap(cells[column], lang, first=indent, rest=indent)
            columns.append(Paragraph(lines, fixed=True))
        return columns
    count = max(len(cells) for cells in rows)
    rows = [cells + [""] * (count - len(cells)) for cells in rows if any(cells)]
    widths = [max(display_width(cells[c]) for cells in rows) for c in range(count)]
    total = len(indent) + sum(widths) + len(_SEPARATOR) * (count - 1)
    if total <= WIDTH:
        lines = []
        for index, cells in enumerate(rows):
            padded = [_pad(cell, widths[c]) for c, cell in enumerate(cells)]
            lines.append((indent + _SEPARATOR.join(padded)).rstrip())
            if index == 0 and headed[0]:
                lines.append(indent + _SEPARATOR.join("-" * w for w in widths))
        return [Paragraph(lines, fixed=True)]
    return [
        Paragraph(wrap(" | ".join(cells), lang, first=indent, rest=indent), fixed=True)
        for cells in rows
    ]
