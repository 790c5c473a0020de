"""Atom feeds (built with lxml, so no release text can break the XML) and the sitemap
(text with every value escaped: it holds only URLs, dates and language tags).

Both need absolute URLs (RFC 4287 ids and links, the sitemaps.org protocol), so
they are only written when the site has a --base-url.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: Bump when this module changes what it writes, so cached feeds and sitemaps are rewritten.
FEEDS_VERSION = "3"


@dataclass
class FeedEntry:
    slug: str
    date: str  # ISO date of the release
    title: str
    summary: str
    pdf_length: int
    alternates: list[str]  # every language the release is published in
    #: when its embargo lifted (UTC, "2024-12-02T01:00:00Z"), if it had one
    embargo: str | None = None

    @property
    def published(self) -> str:
        """When the entry became available (RFC 4287 atom:published): the release's date,
        or its embargo when later; never a time it was still under embargo."""
        return max(_stamp(self.date), self.embargo or "")


def _stamp(date: str) -> str:
    return f"{date}T00:00:00Z"


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def atom(
    *, base: str, lang: str, title: str, author: str, entries: list[FeedEntry], built: str
) -> bytes:
    """The Atom feed of one language: newest first, each entry with its PDF as enclosure.

    Its `updated` is the newest entry's publication, or `built` (the build's time, as
    "2024-12-02T01:00:00Z") when there is none yet (every release embargoed)."""
    a = f"{{{ATOM}}}"
    feed = etree.Element(f"{a}feed", nsmap={None: ATOM})
    feed.set(XML_LANG, lang)
    _sub(feed, f"{a}id", f"{base}{lang}/")
    _sub(feed, f"{a}title", title)
    _sub(feed, f"{a}updated", max((e.published for e in entries), default=built))
    _sub(feed, f"{a}link", rel="self", type="application/atom+xml", href=f"{base}{lang}/feed.xml")
    _sub(
        feed,
        f"{a}link",
        rel="alternate",
        type="text/html",
        hreflang=lang,
        href=f"{base}{lang}/index.html",
    )
    _sub(_sub(feed, f"{a}author"), f"{a}name", author)
    _sub(feed, f"{a}generator", "publisher")
    for item in entries:
        folder = f"{base}releases/{item.slug}/"
        entry = _sub(feed, f"{a}entry")
        entry.set(XML_LANG, lang)
        _sub(entry, f"{a}id", f"{folder}{lang}.html")
        _sub(entry, f"{a}title", item.title)
        _sub(entry, f"{a}published", item.published)
        _sub(entry, f"{a}updated", item.published)
        _sub(entry, f"{a}summary", item.summary).set("type", "text")
        _sub(
            entry,
            f"{a}link",
            rel="alternate",
            type="text/html",
            hreflang=lang,
            href=f"{folder}{lang}.html",
        )
        # One alternate only: readers follow the first they find, and it must be this
        # feed's language (the page itself links to the other languages).
        _sub(
            entry,
            f"{a}link",
            rel="enclosure",
            type="application/pdf",
            hreflang=lang,
            length=str(item.pdf_length),
            href=f"{folder}{lang}.pdf",
        )
    data: bytes = etree.tostring(feed, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data


def sitemap(base: str, langs: list[str], releases: list[tuple[str, str, list[str]]]) -> bytes:
    """sitemap.xml: home pages and release pages, each with its hreflang alternates.

    Written as text, not through lxml: an archive of 2,000 releases in three languages is
    6,000 URLs with 24,000 links, which lxml builds and serialises in 0.12 s of CPU on
    every change of a date, the text here in less (each release's links made once and
    shared by its pages, each piece of a URL escaped once). Every value passes `_escaped`
    (libxml2's escapes; a character XML cannot carry refused as lxml refuses it), and the
    bytes are those lxml writes, pretty-printed alike (tests/publishing/test_feeds.py
    compares the two)."""
    out = [
        "<?xml version='1.0' encoding='UTF-8'?>\n",
        f'<urlset xmlns="{SITEMAP}" xmlns:xhtml="{XHTML}">\n',
    ]

    def links(alternates: dict[str, str]) -> str:  # hreflang -> href, both escaped
        return "".join(
            f'    <xhtml:link rel="alternate" hreflang="{hreflang}" href="{href}"/>\n'
            for hreflang, href in alternates.items()
        )

    def url(loc: str, lastmod: str | None, shared: str) -> None:  # loc, lastmod escaped
        out.append(f"  <url>\n    <loc>{loc}</loc>\n")
        if lastmod:
            out.append(f"    <lastmod>{lastmod}</lastmod>\n")
        out.append(f"{shared}  </url>\n")

    # Each piece of a URL is escaped once, as text (<loc>) and as an attribute (href):
    # escaping works character by character, so the escaped pieces joined are the
    # escaped URL.
    base_text, base_attribute = _escaped(base), _escaped(base, _ATTRIBUTE)
    used = {lang for _, _, available in releases for lang in available}
    lang_text = {lang: _escaped(lang) for lang in [*langs, *used]}
    lang_attribute = {lang: _escaped(lang, _ATTRIBUTE) for lang in [*langs, *used]}
    homes = {lang: f"{base_attribute}{lang_attribute[lang]}/index.html" for lang in langs}
    homes_links = links(
        {
            **{lang_attribute[lang]: href for lang, href in homes.items()},
            "x-default": f"{base_attribute}index.html",
        }
    )
    newest = max((date for _, date, _ in releases), default=None)
    newest_text = _escaped(newest) if newest else None
    for lang in langs:
        url(f"{base_text}{lang_text[lang]}/index.html", newest_text, homes_links)
    for slug, date, available in releases:
        if not available:
            continue
        folder_text = f"{base_text}releases/{_escaped(slug)}/"
        folder_attribute = f"{base_attribute}releases/{_escaped(slug, _ATTRIBUTE)}/"
        shared = links(
            {
                **{
                    lang_attribute[lang]: f"{folder_attribute}{lang_attribute[lang]}.html"
                    for lang in available
                },
                "x-default": f"{folder_attribute}index.html",
            }
        )
        lastmod = _escaped(date) if date else None
        for lang in available:
            url(f"{folder_text}{lang_text[lang]}.html", lastmod, shared)
    out.append("</urlset>\n")  # never empty: a site has a language, so a home page
    return "".join(out).encode("utf-8")


#: What XML 1.0 cannot carry (lxml refuses it with the same ValueError).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: libxml2's escapes: in text, and in a double-quoted attribute value.
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTRIBUTE = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\t": "&#9;",
        "\n": "&#10;",
        "\r": "&#13;",
    }
)


def _escaped(value: str, table: dict[int, str] = _TEXT) -> str:
    """`value` as XML text (or, with `_ATTRIBUTE`, a double-quoted attribute value)."""
    if _NOT_XML.search(value):
        raise ValueError(
            "All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control "
            "characters"
        )
    return value.translate(table)
