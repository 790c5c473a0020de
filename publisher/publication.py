"""What a reader sees of one release in one language, ready for any template.

This is where the publishing rules live: which translation is shown, what
happens to a segment that is not in the required state (refused, or shown as
untranslated in a draft), how the dateline and the alternates are written.
Templates only lay it out; the renderers only turn it into HTML or PDF.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from markupsafe import Markup

from publisher import __version__, dates, languages
from publisher.catalog import Catalog
from publisher.document import Block, Document, render_inline
from publisher.errors import RenderError, SourceError
from publisher.importers import check_links
from publisher.release import Release
from publisher.states import State
from publisher.workspace import Workspace

Gettext = Callable[[str], str]
TextFilter = Callable[[str], str]

_TAG = re.compile(r"<[^>]+>")


def plain_text(inline_markdown: str) -> str:
    """The text a reader sees of a segment (markup removed, entities decoded)."""
    return html.unescape(_TAG.sub("", render_inline(inline_markdown)))


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


class Unpublishable(RenderError):
    """A language has segments below the required state."""

    def __init__(self, release: str, lang: str, blocking: list[str], required: State):
        self.release = release
        self.lang = lang
        self.blocking = blocking
        shown = ", ".join(blocking[:20]) + (" ..." if len(blocking) > 20 else "")
        super().__init__(
            f"{release}: {lang} not published: {len(blocking)} segment(s) not "
            f"{required.value}: {shown} (use --draft to publish a marked draft)"
        )


def unapproved_segments(document: Document, catalog: Catalog | None, required: State) -> set[str]:
    """Segments whose translation is not (or no longer) in the required state."""
    if catalog is None:
        return set()
    out: set[str] = set()
    for leaf in document.leaves():
        entry = catalog.entries.get(leaf.segment or "")
        if entry is None or entry.source != leaf.text or not entry.state.at_least(required):
            out.add(leaf.segment or "")
    return out


def draft_unapproved(
    ws: Workspace, release: Release, document: Document, lang: str, draft: bool
) -> set[str]:
    """In a draft, the segments to mark as not yet approved (none outside drafts)."""
    if not draft or lang == release.meta.source_language:
        return set()
    from publisher.workflow import load_catalog

    return unapproved_segments(document, load_catalog(release, lang), ws.config.required_state)


def web_filters(lang: str) -> dict[str, TextFilter]:
    """Khmer word boundaries for browsers, which do not all find them (as `<wbr>`)."""
    if lang != "km":
        return {}
    from publisher.render.khmer_breaks import insert_break_opportunities

    return {"text_filter": insert_break_opportunities, "html_filter": khmer_wbr}


_KHMER_WORD = re.compile("[\u1780-\u17ff\u19e0-\u19ff]+")
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")


def khmer_wbr(html_text: str) -> str:
    """Khmer words kept whole in browsers: each ICU word unbreakable, `<wbr>` between.

    Browsers break Khmer between syllables wherever a line runs out (CSS
    `word-break: keep-all` does not apply to it), which cuts words in two. The
    PDF renderer's U+200B word boundaries become `<wbr>`, and each Khmer word
    between them a `nowrap` span; copied text is unchanged.
    """
    parts = _TAG_OR_TEXT.split(html_text)
    for index, part in enumerate(parts):
        if not part or part.startswith("<"):
            continue
        words = part.split("\u200b")
        parts[index] = "<wbr>".join(
            _KHMER_WORD.sub(lambda m: f'<span class="w">{m.group()}</span>', word)
            if "\u200b" in part else word
            for word in words
        )
    return "".join(parts)


def translated_texts(
    document: Document,
    catalog: Catalog | None,
    required: State,
    *,
    draft: bool,
    release: str,
    lang: str,
) -> dict[str, str | None]:
    """Segment id -> text to publish (None: show as untranslated), or refuse."""
    texts: dict[str, str | None] = {}
    blocking: list[str] = []
    for leaf in document.leaves():
        seg = leaf.segment or ""
        if catalog is None:
            texts[seg] = leaf.text
            continue
        entry = catalog.entries.get(seg)
        if entry is None or entry.source != leaf.text:
            blocking.append(seg)
            texts[seg] = None
            continue
        if not entry.state.at_least(required):
            blocking.append(seg)
        if entry.target.strip():
            try:
                check_links(entry.target)
            except SourceError as exc:
                raise RenderError(f"{release}: {lang} segment {seg}: {exc.message}") from None
        texts[seg] = entry.target if entry.target.strip() else None
    if blocking and not draft:
        raise Unpublishable(release, lang, blocking, required)
    return texts


def build_publication(
    ws: Workspace,
    release: Release,
    document: Document,
    lang: str,
    texts: dict[str, str | None],
    *,
    draft: bool,
    gettext: Gettext,
    text_filter: TextFilter | None = None,
    html_filter: TextFilter | None = None,
    pdf_href: str | None = None,
    alternates: list[Alternate] | None = None,
    unapproved: Collection[str] = (),
) -> Publication:
    """Assemble the view of `release` in `lang` from the chosen segment texts.

    `text_filter` transforms segment text before it becomes HTML (the renderers
    insert Khmer line-break opportunities there), `html_filter` the HTML after
    (the web edition turns those into `<wbr>`). `unapproved` names the segments a
    draft shows that have not reached the required state, so they can be marked.
    """
    source_lang = release.meta.source_language
    filt = text_filter or (lambda s: s)
    after = html_filter or (lambda s: s)

    def leaf_of(block: Block) -> Leaf:
        seg = block.segment
        text = texts.get(seg or "") if block.text is not None else None
        untranslated = block.text is not None and text is None
        shown = block.text if untranslated else text
        shown = shown or ""
        return Leaf(
            kind=block.kind,
            segment=seg,
            html=Markup(after(render_inline(filt(shown))))
            if block.text is not None
            else Markup(""),
            text=plain_text(shown) if block.text is not None else "",
            untranslated=untranslated,
            unapproved=not untranslated and seg in unapproved,
            source_lang=source_lang,
            level=block.level,
            start=block.start,
            children=[leaf_of(child) for child in block.children],
        )

    title_block = document.title
    if title_block is None:
        raise RenderError(
            f"{release.slug}: the source has no title (`# Title` line)", path=release.source_path
        )
    blocks = [leaf_of(b) for b in document.blocks if b is not title_block]
    title = leaf_of(title_block)
    summary = next((b.text for b in blocks if b.kind == "paragraph" and not b.untranslated), "")
    if len(summary) > 240:
        summary = summary[:239].rsplit(" ", 1)[0] + "…"
    organisation = ws.config.organisation.get(lang) or ws.config.organisation.get(source_lang, "")
    motto = ws.config.motto.get(lang) or ws.config.motto.get(source_lang, [])
    return Publication(
        release_id=release.slug,
        lang=lang,
        source_lang=source_lang,
        title=title,
        blocks=blocks,
        organisation=organisation,
        motto=motto,
        dateline=dateline(ws, release, lang, gettext, draft=draft),
        date_iso=release.meta.date.isoformat(),
        summary=summary,
        draft=draft,
        reference=release.meta.reference,
        alternates=alternates or [],
        x_default_href="index.html",
        pdf_href=pdf_href,
    )


def place_name(ws: Workspace, release: Release, lang: str, *, draft: bool) -> str:
    place = release.meta.place
    if not place:
        return ""
    names = ws.config.places.get(place, {})
    if lang in names:
        return names[lang]
    if lang == release.meta.source_language or draft:
        return place
    raise RenderError(
        f"{release.slug}: no {lang} name for the place {place!r}; add it to publisher.toml:"
        f' [places."{place}"] {lang} = "..."'
    )


def dateline(ws: Workspace, release: Release, lang: str, gettext: Gettext, *, draft: bool) -> str:
    day = dates.format_date(release.meta.date, lang)
    place = place_name(ws, release, lang, draft=draft)
    if not place:
        return day
    return gettext("%(place)s, %(date)s") % {"place": place, "date": day}


def native_name(lang: str) -> str:
    return languages.get(lang).native_name
