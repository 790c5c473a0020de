"""Atom feeds when nothing can be listed yet (issue 20, item 14).

Every release is embargoed: each language's feed is empty, and its `<updated>` is the time
of the build, not 1 January 1970 (a feed reader would file it as 56 years old).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from publisher.publishing.builders import feeds
from publisher.publishing.builders.site_listings import ListingSite, Sitemap
from publisher.publishing.engine import Plan
from tests.support.site import BASE_URL
from tests.support.workspace import SAMPLE_SLUG, Cli, copy_repo_workspace


def test_a_feed_with_every_release_embargoed_is_updated_at_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PUBLISHER_REVIEWER", "Press Officer")
    root = copy_repo_workspace(tmp_path / "ws")
    toml = root / "releases" / SAMPLE_SLUG / "release.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            'number = "MFAIC/2024/001"',
            'number = "MFAIC/2024/001"\nembargo = 2099-12-02T08:00:00+07:00',
        ),
        encoding="utf-8",
    )
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    done = Cli(root)("site", "--out", str(tmp_path / "site"), "--base-url", BASE_URL)
    after = dt.datetime.now(dt.UTC)
    assert "1 release held back by embargo" in done.stdout
    for lang in ("en", "km", "zh-Hans"):
        feed = feedparser.parse((tmp_path / "site" / lang / "feed.xml").read_bytes())
        assert feed.bozo == 0 and feed.entries == []
        updated = dt.datetime.fromisoformat(feed.feed.updated)
        assert before <= updated <= after, feed.feed.updated


def _sitemap_by_lxml(
    base: str, langs: list[str], releases: list[tuple[str, str, list[str]]]
) -> bytes:
    """The sitemap as lxml builds and pretty-prints it: what feeds.sitemap's text must be."""
    s, x = f"{{{feeds.SITEMAP}}}", f"{{{feeds.XHTML}}}"
    urlset = etree.Element(f"{s}urlset", nsmap={None: feeds.SITEMAP, "xhtml": feeds.XHTML})

    def url(loc: str, alternates: dict[str, str], lastmod: str | None) -> None:
        node = etree.SubElement(urlset, f"{s}url")
        etree.SubElement(node, f"{s}loc").text = loc
        if lastmod:
            etree.SubElement(node, f"{s}lastmod").text = lastmod
        for hreflang, href in alternates.items():
            etree.SubElement(node, f"{x}link", rel="alternate", hreflang=hreflang, href=href)

    homes = {lang: f"{base}{lang}/index.html" for lang in langs}
    newest = max((date for _, date, _ in releases), default=None)
    for lang in langs:
        url(homes[lang], {**homes, "x-default": f"{base}index.html"}, newest)
    for slug, date, available in releases:
        pages = {lang: f"{base}releases/{slug}/{lang}.html" for lang in available}
        for lang in available:
            url(pages[lang], {**pages, "x-default": f"{base}releases/{slug}/index.html"}, date)
    data: bytes = etree.tostring(urlset, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data


_URL_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


@settings(max_examples=200, deadline=None)
@given(
    base=_URL_TEXT,
    langs=st.lists(
        st.sampled_from(["en", "km", "zh-Hans", "fr"]), unique=True, min_size=1, max_size=3
    ),
    releases=st.lists(
        st.tuples(
            _URL_TEXT,
            st.dates().map(dt.date.isoformat),
            st.lists(st.sampled_from(["en", "km", "zh-Hans"]), unique=True, max_size=3),
        ),
        max_size=4,
    ),
)
def test_the_sitemap_text_is_what_lxml_writes(
    base: str, langs: list[str], releases: list[tuple[str, str, list[str]]]
) -> None:
    """Any URL text (ampersands, quotes, angle brackets, tabs, line breaks, any script): the
    same bytes as lxml, and a character XML cannot carry refused as lxml refuses it."""
    try:
        expected = _sitemap_by_lxml(base, langs, releases)
    except ValueError:
        with pytest.raises(ValueError, match="XML compatible"):
            feeds.sitemap(base, langs, releases)
        return
    assert feeds.sitemap(base, langs, releases) == expected


class _Written:
    """What `Sitemap.write` puts on the site (builders/site.py `_Site._put`, minus the
    output state: always written here)."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[str, bytes]] = {}

    def _put(self, rel: str, key: str, make: Callable[[], str | bytes]) -> None:
        data = make()
        self.files[rel] = (key, data.encode("utf-8") if isinstance(data, str) else data)


def test_a_sitemap_prepared_before_a_language_failed_is_not_the_one_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A site build makes its sitemap while its PDFs render, as the listing will be if
    every release publishes what its plan says; a language whose PDF then fails is not in
    the sitemap written, which is the one made from what was published (and the prepared
    one, when it is that, is written as it was made, not made twice)."""
    langs = ["en", "km", "zh-Hans"]
    plans = [
        Plan("2025-01-15-second", "k2", {}, date="2025-01-15", published=list(langs)),
        Plan("2024-11-30-first", "k1", {}, date="2024-11-30", published=["en", "km"]),
    ]
    made: list[int] = []
    original = feeds.sitemap

    def counting(*args: Any) -> bytes:
        made.append(1)
        return original(*args)

    monkeypatch.setattr(feeds, "sitemap", counting)
    every = {"2025-01-15-second": langs, "2024-11-30-first": ["en", "km"]}
    data = b""
    for available, makes in ((every, 1), ({**every, "2025-01-15-second": ["en", "km"]}, 2)):
        made.clear()
        sitemap = Sitemap(BASE_URL, langs)
        sitemap.prepare(plans, {}, written="")
        site = _Written()
        sitemap.write(cast(ListingSite, site), plans, available)
        key, data = site.files["sitemap.xml"]
        entries = [(p.slug, p.date, available[p.slug]) for p in plans]
        assert data == original(BASE_URL, langs, entries) and len(made) == makes
        assert key == Sitemap(BASE_URL, langs).key(entries)
    assert b"2025-01-15-second/zh-Hans.html" not in data
