"""The site's listing pages: each language's home page (the newest releases) and one page
per year, each listing its releases and linking to every year.

A new year (a release moved into a year no other release has) changes every year page's
list of years, so every listing page is written again; the releases each lists have not
changed. A page is therefore made of two parts rendered apart: its list of releases
(site_entries.html, per language), kept in the build cache under `entries_key`, and the
page around it (site_home.html: head, languages, heading, list of years, footer), which
embeds that list as it is. A year whose releases did not change costs a cache read and the
small page around it, not thousands of entries through Jinja.

Invariant: a cached list of releases is used only under a key made of everything that list
reads: each listed release's plan key (its titles, summaries, dates, photos), its published
languages and their PDFs' keys (sizes, pages; the thumbnails' keys are the PDFs'), the
language, the templates site_entries.html reads (its override included), every language's
labels (locales), the base URL and the configuration with the tool's code (`Engine.config`).
The page's own key covers the list's key too, so a changed list writes its pages again;
the pages are byte for byte what one template rendering them whole would write.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import struct
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Protocol, overload

from markupsafe import Markup

from publisher.core import dates
from publisher.core.languages import native_name
from publisher.core.photos import PHOTOS_DIR, rendition_name
from publisher.core.workspace import Workspace
from publisher.publishing.builders import feeds
from publisher.publishing.engine import Engine, Plan, Step
from publisher.publishing.fingerprint import digest
from publisher.publishing.records import ListingView, pdf_meta, thumb_meta
from publisher.render import images

#: Releases a home page lists; older ones are on the page of their year.
HOME_LIMIT = 30
#: The file of a cached list of releases in its cache entry.
ENTRIES_FILE = "entries.html"


class ListingSite(Protocol):
    """What the listings need of the site being written (builders/site.py `_Site`)."""

    engine: Engine
    ws: Workspace
    base: str | None
    langs: list[str]
    thumbs: dict[tuple[str, str], Step]

    def _put(self, rel: str, key: str, make: Callable[[], str | bytes]) -> None: ...

    def render(self, lang: str, template: str, **context: Any) -> str: ...

    def organisation(self, lang: str) -> str: ...

    def homes_for(self, prefix: str) -> list[dict[str, str]]: ...

    def templates_key(self, *names: str) -> str: ...


def listing_key(
    site: ListingSite,
    kind: str,
    plans: list[Plan],
    available: dict[str, list[str]],
    pdfs: dict[tuple[str, str], Step],
    *templates: str,
) -> str:
    """The key of what a listing (a page's list of releases, a feed) shows of `plans`."""
    return digest(
        kind,
        site.base,
        site.langs,
        site.engine.config,
        [
            [p.key, available[p.slug], [pdfs[(p.slug, x)].key for x in available[p.slug]]]
            for p in plans
        ],
        site.templates_key(*templates) if templates else "",
        [site.engine.locales(lang) for lang in site.langs],
    )


def write_listings(
    site: ListingSite,
    plans: list[Plan],
    available: dict[str, list[str]],
    pdfs: dict[tuple[str, str], Step],
) -> None:
    """Each language's home page (the newest releases) and one page per year: an archive
    of thousands of releases is not one page, and a change re-renders only the pages
    that list the release (the home page and its year)."""
    years: dict[str, list[Plan]] = {}
    for plan in plans:  # newest first
        years.setdefault(plan.date[:4], []).append(plan)
    pages: list[tuple[str, str | None, list[Plan]]] = [("index", None, plans[:HOME_LIMIT])]
    if len(plans) > HOME_LIMIT:
        pages += [(year, year, listed) for year, listed in years.items()]
    # The home page's list of years says how many releases each has; a year's page
    # lists the years only: a new release changes its year's count, and counts on every
    # year's page would render them all again (thousands of entries) on each new release.
    counts: list[list[Any]] = [[year, len(listed)] for year, listed in years.items()]
    archive = counts if len(plans) > HOME_LIMIT else []
    for name, year, listed in pages:
        entries_key = listing_key(
            site, "listing-entries", listed, available, pdfs, "site_entries.html"
        )
        page_key = digest("home", entries_key, site.templates_key("site_home.html"))
        shown = archive if year is None else [[y, None] for y, _ in archive]
        for lang in site.langs:
            rows = _Entries(partial(entries, site, lang, listed, available, pdfs))
            make = partial(
                _page, site, lang, name, year, shown, rows, digest(entries_key, lang), not listed
            )
            site._put(f"{lang}/{name}.html", digest(page_key, lang, shown, year), make)


class Sitemap:
    """sitemap.xml of the releases a site lists, with the languages each is published in.

    At 2,000 releases it takes 25 to 30 ms to make, at the end of every build that changed
    a date or a language. The build `prepare`s it while its workers start and render (this
    process has nothing else to do then), as the listing will be if every release
    publishes what its plan says; `write` uses it only if its key is the one of what the
    build did publish, so a release or language that fails gets the sitemap made again."""

    def __init__(self, base: str | None, langs: list[str]) -> None:
        self.base = base
        self.langs = langs
        #: what `prepare` made: its entries, key and bytes
        self._prepared: tuple[list[tuple[str, str, list[str]]], str, bytes] | None = None

    def key(self, entries: list[tuple[str, str, list[str]]]) -> str:
        listed = [list(entry) for entry in entries]
        return digest("sitemap", self.base, self.langs, feeds.FEEDS_VERSION, listed)

    def prepare(self, plans: list[Plan], indexed: dict[str, list[str]], written: str) -> None:
        """Make it for `plans` (newest first, those with a verdict and a published
        language), each published in its plan's languages, or in those the index says
        (`indexed`: slug -> languages on the site), unless its key is `written`'s (the
        key of the sitemap on the site)."""
        if self.base is None:
            return
        entries = [(p.slug, p.date, indexed.get(p.slug, p.published)) for p in plans]
        key = self.key(entries)
        if key != written:
            self._prepared = (entries, key, feeds.sitemap(self.base, self.langs, entries))

    def write(self, site: ListingSite, plans: list[Plan], available: dict[str, list[str]]) -> None:
        """Write it for the releases the site lists (newest first) in the languages each
        made it in, unless it is up to date."""
        entries = [(p.slug, p.date, available[p.slug]) for p in plans]
        prepared = self._prepared if self._prepared and self._prepared[0] == entries else None
        key = prepared[1] if prepared is not None else self.key(entries)

        def make() -> bytes:
            if prepared is not None:
                return prepared[2]
            return feeds.sitemap(self.base or "", self.langs, entries)

        site._put("sitemap.xml", key, make)


def _page(
    site: ListingSite,
    lang: str,
    name: str,
    year: str | None,
    archive: list[list[Any]],
    rows: _Entries,
    entries_key: str,
    empty: bool,
) -> str:
    """One listing page: the home page (`year` None) or a year's."""
    config = site.ws.config
    home = {
        "lang": lang,
        "organisation": site.organisation(lang),
        "motto": config.motto.get(lang) or config.motto.get(config.source_language, []),
        "homes": site.homes_for("../"),
        "canonical": f"{site.base}{lang}/{name}.html" if site.base else None,
        "feed_href": "feed.xml" if site.base else None,
        "empty": empty,
        "entries": rows,
        "entries_html": _entries_html(site, lang, entries_key, rows),
        "year": year,
        "year_text": dates.localize_digits(year, lang) if year else None,
        "years": [
            {
                "year": y,
                "href": f"{y}.html",
                "text": dates.localize_digits(y, lang),
                "count": number_text(n, lang) if n is not None else None,
                "current": y == year,
            }
            for y, n in archive
        ],
    }
    return site.render(lang, "site_home.html", home=home)


def _entries_html(site: ListingSite, lang: str, key: str, rows: _Entries) -> Markup:
    """A page's list of releases in `lang` (site_entries.html): from the cache entry `key`
    when there is one, else rendered and kept there (see the module docstring)."""
    cache = site.engine.cache
    if cache.get(key) is not None:
        # bytes, not text: a universal-newline read would turn a "\r" of a title into "\n"
        with contextlib.suppress(OSError, UnicodeDecodeError):
            return Markup(cache.file(key, ENTRIES_FILE).read_bytes().decode("utf-8"))
        # its file gone (a cache cleaned by hand): rendered again (the entry stays)
    html = site.render(lang, "site_entries.html", home={"lang": lang, "entries": rows})
    with contextlib.suppress(OSError):  # a cache that cannot be written: no gain next time
        cache.put(key, {ENTRIES_FILE: html.encode("utf-8")}, {"kind": "listing-entries"})
    return Markup(html)


class _Entries(Sequence[dict[str, Any]]):
    """A page's releases as data, made when read: by site_entries.html when its list is not
    in the cache, or by an override of site_home.html that lists them itself."""

    def __init__(self, make: Callable[[], list[dict[str, Any]]]) -> None:
        self._make = make
        self._made: list[dict[str, Any]] | None = None

    def _items(self) -> list[dict[str, Any]]:
        if self._made is None:
            self._made = self._make()
        return self._made

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        return self._items()[index]

    def __len__(self) -> int:
        return len(self._items())

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self._items())


def entries(
    site: ListingSite,
    lang: str,
    plans: list[Plan],
    available: dict[str, list[str]],
    pdfs: dict[tuple[str, str], Step],
) -> list[dict[str, Any]]:
    """What a listing in `lang` shows of each release: its title and summary in `lang` when
    published in it (else in its source language, or its first), date, card picture and
    editions."""
    rows = []
    for plan in plans:
        langs = available[plan.slug]
        shown = (
            lang if lang in langs else (plan.source_lang if plan.source_lang in langs else langs[0])
        )
        view = plan.views[shown]
        folder = f"../releases/{plan.slug}"
        thumb = site.thumbs[(plan.slug, shown)]
        made = thumb_meta(thumb.meta)
        width, height = made.get("width"), made.get("height")
        if width is None and made.get("thumb"):  # an entry cached before sizes were
            width, height = _png_size(site.engine.cache.file(thumb.key, "thumb.png"))
        editions = []
        for other in langs:
            meta = pdf_meta(pdfs[(plan.slug, other)].meta)
            pages = meta.get("pages")
            editions.append(
                {
                    "lang": other,
                    "native_name": native_name(other),
                    "html_href": f"{folder}/{other}.html",
                    "pdf_href": f"{folder}/{other}.pdf",
                    "size_text": size_text(meta["size"], lang),
                    "pages": pages,
                    "pages_text": number_text(pages, lang) if pages is not None else "",
                }
            )
        rows.append(
            {
                "slug": plan.slug,
                "lang": shown,
                "title": view["title"],
                "summary": view["summary"],
                "date_iso": plan.date,
                "date_text": _official_date(plan.date, lang),
                "html_href": f"{folder}/{shown}.html",
                "thumb_href": f"{folder}/{shown}.png" if made.get("thumb") else None,
                "thumb_width": width,
                "thumb_height": height,
                "editions": editions,
                **_card_photo(folder, view),
            }
        )
    return rows


def _card_photo(folder: str, view: ListingView) -> dict[str, Any]:
    """The release card's picture: its first photo (smallest rendition, the caption as its
    alt text), or nothing (the card then shows the PDF's first page)."""
    photos = view.get("photos") or []
    if not photos:
        return {"photo_href": None}
    first = photos[0]
    width = images.rendition_widths(first["width"])[0]
    return {
        "photo_href": f"{folder}/{PHOTOS_DIR}/{rendition_name(first['file'], width)}",
        "photo_width": width,
        "photo_height": images.rendition_height(first["width"], first["height"], width),
        "photo_alt": first["caption"],
    }


def size_text(size: int, lang: str) -> str:
    """A file size as readers of `lang` write it: "312 KB", "៣១២ KB"."""
    return f"{number_text(max(1, round(size / 1024)), lang)} KB"


@lru_cache(maxsize=4096)
def number_text(value: int, lang: str) -> str:
    """Cached: Babel takes ~50 µs a number, and a home page shows thousands."""

    return dates.format_number(value, lang)


@lru_cache(maxsize=4096)
def _official_date(iso: str, lang: str) -> str:

    return dates.format_date(dt.date.fromisoformat(iso), lang)


def _png_size(path: Path) -> tuple[int | None, int | None]:
    """Width and height from a PNG's IHDR chunk (so the page reserves the space)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(24)
    except OSError:
        return None, None
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n":
        return None, None
    width, height = struct.unpack(">II", head[16:24])
    return width, height
