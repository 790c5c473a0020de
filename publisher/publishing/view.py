"""What a reader sees of one release in one language: the publication view.

Chooses the text of each segment (from `rule.translated_texts`), writes the
dateline and the alternates, and hands the templates a `render.model.Publication`.
Templates only lay it out; the renderers only turn it into HTML or PDF.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from markupsafe import Markup

from publisher.core import dates
from publisher.core.document import Block, Document, plain_text, render_inline
from publisher.core.release import Release
from publisher.core.workspace import Workspace
from publisher.errors import RenderError
from publisher.render.model import Alternate, Leaf, Publication

Gettext = Callable[[str], str]
TextFilter = Callable[[str], str]


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
