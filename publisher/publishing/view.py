"""What a reader sees of one release in one language: the publication view.

Lays out the text of each segment as the publishing rule chose it (`rule.choose`),
writes the dateline and the alternates, and hands the templates a `render.model.Publication`.
Templates only lay it out; the renderers only turn it into HTML or PDF.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Collection
from pathlib import Path
from zoneinfo import ZoneInfo

from markupsafe import Markup

from publisher.core import boilerplate, dates, media
from publisher.core.document import Block, Document, plain_text, render_inline
from publisher.core.fsutil import refuse_symlink
from publisher.core.photos import PHOTOS_DIR, Photo, rendition_name
from publisher.core.release import Release
from publisher.core.workspace import Workspace
from publisher.errors import RenderError
from publisher.render import images
from publisher.render.model import Alternate, ContactView, Leaf, PhotoView, Publication
from publisher.render.model import Boilerplate as BoilerplateView

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
    pictures: str = "inline",
    print_photos: dict[str, Path] | None = None,
) -> Publication:
    """Assemble the view of `release` in `lang` from the chosen segment texts.

    `text_filter` transforms segment text before it becomes HTML (the renderers
    insert Khmer line-break opportunities there), `html_filter` the HTML after
    (the web edition turns those into `<wbr>`). `unapproved` names the segments a
    draft shows that have not reached the required state, so they can be marked.
    `pictures`: "inline" puts each picture into the page (a web page depends on no
    other file but its photos' renditions), "files" leaves `media/NAME` for the PDF
    renderer to read, and shows each photo by its original, or by its print rendition
    where `print_photos` (file in photos/ -> prepared file) has one (the print edition).
    """
    source_lang = release.meta.source_language
    filt = text_filter or (lambda s: s)
    after = html_filter or (lambda s: s)
    place_pictures = _picture_placer(release, inline=pictures == "inline")
    described = {photo.file: photo for photo in release.meta.photos}

    def photo_of(block: Block) -> PhotoView | None:
        if block.photo is None:
            return None
        photo = described.get(block.photo)
        if photo is None:  # the document and release.toml are read together: a bug
            raise RenderError(f"{release.slug}: no photo {block.photo} in release.toml")
        return photo_view(
            release,
            photo,
            lang,
            gettext,
            web=pictures == "inline",
            printed=(print_photos or {}).get(photo.file),
        )

    def leaf_of(block: Block, prefix: str = "") -> Leaf:
        seg = prefix + block.segment if block.segment else None
        text = texts.get(seg or "") if block.text is not None else None
        untranslated = block.text is not None and text is None
        shown = block.text if untranslated else text
        shown = shown or ""
        return Leaf(
            kind=block.kind,
            segment=seg,
            html=Markup(after(place_pictures(render_inline(filt(shown)))))
            if block.text is not None
            else Markup(""),
            text=plain_text(shown) if block.text is not None else "",
            untranslated=untranslated,
            unapproved=not untranslated and seg in unapproved,
            source_lang=source_lang,
            level=block.level,
            start=block.start,
            children=[leaf_of(child, prefix) for child in block.children],
            number=block.number,
            header=block.header,
            align=block.align,
            photo=photo_of(block),
        )

    title_block = document.title
    if title_block is None:
        raise RenderError(
            f"{release.slug}: the source has no title (`# Title` line)", path=release.source_path
        )
    blocks = [leaf_of(b) for b in document.blocks if b is not title_block and b.photo is None]
    photos = [leaf_of(b) for b in document.blocks if b.photo is not None]
    title = leaf_of(title_block)
    summary = next((b.text for b in blocks if b.kind == "paragraph" and not b.untranslated), "")
    if len(summary) > 240:
        summary = summary[:239].rsplit(" ", 1)[0] + "…"
    organisation = ws.config.organisation.get(lang) or ws.config.organisation.get(source_lang, "")
    motto = ws.config.motto.get(lang) or ws.config.motto.get(source_lang, [])
    embargo = embargo_line(ws, release, lang, gettext)
    return Publication(
        release_id=release.slug,
        lang=lang,
        source_lang=source_lang,
        title=title,
        blocks=blocks,
        photos=photos,
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
        number=release.meta.number,
        embargo=embargo,
        embargo_iso=release.meta.embargo.isoformat() if release.meta.embargo else None,
        release_line=embargo or gettext("For immediate release"),
        end_mark=ws.convention("end_mark", lang) or gettext("###"),
        numbering=ws.list_numbering(lang),
        boilerplate=_boilerplate(ws, release, lang, leaf_of),
    )


def _boilerplate(
    ws: Workspace, release: Release, lang: str, leaf_of: Callable[[Block, str], Leaf]
) -> BoilerplateView:
    """The About section and media contacts of the workspace, as `lang` shows them."""
    shared = boilerplate.load(ws)
    document = shared.synced_document() if shared is not None else None
    use = boilerplate.use(ws, release, document)
    view = BoilerplateView(more_information=ws.convention("more_information", lang))
    if document is not None:
        by_id = {leaf.segment: leaf for leaf in document.leaves() if leaf.segment}
        wanted = set(use.segments)
        leaves = {
            seg: leaf_of(block, boilerplate.PREFIX) for seg, block in by_id.items() if seg in wanted
        }
        about = [leaves[seg] for seg in use.about if seg in leaves]
        view.about_heading, view.about = (about[0], about[1:]) if about else (None, [])
        if use.contacts_heading:
            view.contacts_heading = leaves.get(use.contacts_heading)
    view.contacts = [
        ContactView(
            contact.name_in(lang),
            leaves_role
            if (leaves_role := _role(use, contact.name, view, leaf_of, document))
            else None,
            contact.phone,
            dates.localize_digits(contact.phone, lang),
            contact.email,
        )
        for contact in use.contacts
    ]
    return view


def _role(
    use: boilerplate.Use,
    name: str,
    view: BoilerplateView,
    leaf_of: Callable[[Block, str], Leaf],
    document: Document | None,
) -> Leaf | None:
    seg = use.roles.get(name)
    if seg is None or document is None:
        return None
    block = next((b for b in document.leaves() if b.segment == seg), None)
    return leaf_of(block, boilerplate.PREFIX) if block is not None else None


#: The width a web page's photo takes: the article column (web.css `main`), or the screen.
PHOTO_SIZES = "(min-width: 44rem) 40rem, calc(100vw - 2rem)"


def photo_view(
    release: Release,
    photo: Photo,
    lang: str,
    gettext: Gettext,
    *,
    web: bool,
    printed: Path | None = None,
) -> PhotoView:
    """How one edition shows a photo (see render.model.PhotoView); `printed`: the print
    rendition the PDF embeds instead of the original."""
    path = photo.path(release.root)
    refuse_symlink(path)  # a photo replaced by a link is named as one, not as missing
    if not path.is_file():
        raise RenderError(
            f"{release.slug}: the photo {PHOTOS_DIR}/{photo.file} is missing; add it again "
            f"with `publisher photo add {release.slug} FILE` or remove it from release.toml",
            path=path,
        )
    width, height = images.photo_size(path)
    credit, copyright_line = photo.credit_in(lang), photo.copyright_in(lang)
    if not web:
        src = printed.as_uri() if printed is not None else f"{PHOTOS_DIR}/{photo.file}"
        return PhotoView(src, width, height, credit=credit, copyright=copyright_line)
    widths = images.rendition_widths(width)
    shown = widths[1] if len(widths) > 1 else widths[0]
    srcset = ", ".join(f"{PHOTOS_DIR}/{rendition_name(photo.file, w)} {w}w" for w in widths)
    size = path.stat().st_size
    label = gettext("Download the photo (%(format)s, %(width)s × %(height)s pixels, %(size)s)") % {
        "format": "PNG" if photo.file.endswith(".png") else "JPEG",
        "width": dates.localize_digits(str(width), lang),
        "height": dates.localize_digits(str(height), lang),
        "size": dates.localize_digits(_megabytes(size), lang),
    }
    return PhotoView(
        f"{PHOTOS_DIR}/{rendition_name(photo.file, shown)}",
        shown,
        images.rendition_height(width, height, shown),
        srcset=srcset,
        sizes=PHOTO_SIZES,
        credit=credit,
        copyright=copyright_line,
        download_href=f"{PHOTOS_DIR}/{photo.file}",
        download_label=label,
    )


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{max(1, size // 1000)} KB"


_IMG_SRC = re.compile(r'(<img src=")([^"]*)(")')


def _picture_placer(release: Release, *, inline: bool) -> Callable[[str], str]:
    """Each `<img src="media/NAME">` checked against the release's media/ folder, and
    put inline when asked; any other picture is refused (a page must not fetch it)."""
    cache: dict[str, str] = {}

    def place(rendered: str) -> str:
        if "<img " not in rendered:
            return rendered

        def one(m: re.Match[str]) -> str:
            src = html.unescape(m.group(2))
            if src not in cache:
                path = media.picture_file(release.root, src, RenderError)
                cache[src] = (
                    media.data_uri(media.read_picture(path, RenderError)) if inline else src
                )
            return m.group(1) + html.escape(cache[src]) + m.group(3)

        return _IMG_SRC.sub(one, rendered)

    return place


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


def embargo_line(ws: Workspace, release: Release, lang: str, gettext: Gettext) -> str | None:
    """ "EMBARGOED UNTIL 08:00, 2 December 2024 (Phnom Penh, UTC+07:00)" in `lang`, or None.

    The time is shown in the workspace's zone (the office's clock), named by its
    city in the reader's language, with the UTC offset that removes any doubt.
    """
    embargo = release.meta.embargo
    if embargo is None:
        return None
    local = embargo.astimezone(ZoneInfo(ws.config.time_zone))
    return gettext("EMBARGOED UNTIL %(time)s, %(date)s (%(place)s, %(offset)s)") % {
        "time": dates.format_time(local, lang),
        "date": dates.format_date(local.date(), lang),
        "place": dates.zone_city(ws.config.time_zone, lang),
        "offset": dates.format_utc_offset(local),
    }


#: The longest word of a name kept whole wherever it stands (a longer one, such as an
#: institution's name written as one run, must still break at a narrow width).
NAME_WORD_MAX = 16


def khmer_names(ws: Workspace) -> frozenset[str]:
    """The Khmer words of the names the workspace knows (its glossary's terms, its
    contacts' names): kept whole by the line breaking of the PDF and the web page, where
    ICU's dictionary, which does not know them, would break inside ("របស់ស|ម្តេចតេជោ").
    glossary.toml and publisher.toml are inputs of every release's build (engine.py)."""
    from publisher.core.glossary import Glossary

    texts = [term.get("km") or "" for term in Glossary.load(ws.root).terms]
    texts += [contact.name_in("km") for contact in ws.config.contacts]
    return frozenset(
        word
        for text in texts
        for word in text.split()
        if 2 <= len(word) <= NAME_WORD_MAX and any("\u1780" <= c <= "\u17ff" for c in word)
    )
