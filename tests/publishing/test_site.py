"""`publisher site`, and the incremental build machinery it shares with `build`."""

from __future__ import annotations

import dataclasses
import errno
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import feedparser
import pytest
from lxml import etree
from lxml import html as lxml_html

from publisher.core.catalog import Catalog
from publisher.core.release import Release, iter_releases
from publisher.core.workspace import Workspace
from publisher.publishing.builders import site as site_module
from publisher.publishing.builders import site_listings
from publisher.publishing.builders.site import SiteBuilder, SiteReport
from publisher.publishing.cache import OutputState
from publisher.publishing.engine import Plan
from publisher.workflow.review import approve
from tests.support.site import (
    BASE_URL,
    SECOND_SLUG,
    SECOND_TITLE_EN,
    broken_links,
    make_workspace,
)
from tests.support.workspace import REPO, SAMPLE_SLUG, SAMPLE_TITLE, Cli

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("site")]
LANGS = ("en", "km", "zh-Hans")
VNU = REPO / ".cache" / "npm" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """One site for the module: (workspace, site folder, CLI stderr)."""
    root = make_workspace(tmp_path_factory.mktemp("site") / "ws")
    out = root / "site"
    result = Cli(root)("site", "--out", str(out), "--base-url", BASE_URL, "--jobs", "2")
    return root, out, result.stderr


def page(path: Path) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(path.read_bytes())


def test_every_page_and_file_exists(built: tuple[Path, Path, str]) -> None:
    _, out, stderr = built
    assert (out / "index.html").is_file() and (out / "sitemap.xml").is_file()
    for lang in LANGS:
        assert (out / lang / "index.html").is_file()
        assert (out / lang / "feed.xml").is_file()
        for ext in ("html", "pdf", "png"):
            assert (out / "releases" / SAMPLE_SLUG / f"{lang}.{ext}").stat().st_size > 1000
    second = out / "releases" / SECOND_SLUG
    assert {p.name for p in second.iterdir()} == {
        "index.html",
        "en.html",
        "en.pdf",
        "en.png",
        "km.html",
        "km.pdf",
        "km.png",
        "photos",
    }
    # The unapproved Chinese title keeps zh-Hans of the second release off the site, said so.
    assert "zh-Hans not published" in stderr
    assert 'MFAIC/2024/001 Talks on <Trade> & "Investment": zh-Hans' in stderr  # its name


def test_every_internal_link_resolves(built: tuple[Path, Path, str]) -> None:
    _, out, _ = built
    assert broken_links(out) == []
    home = page(out / "km" / "index.html")
    assert len(home.xpath("//img[@src]")) == 2  # thumbnails are linked too


def test_home_pages_list_newest_first_in_the_readers_language(
    built: tuple[Path, Path, str],
) -> None:
    _, out, _ = built
    en = page(out / "en" / "index.html")
    assert en.get("lang") == "en"
    titles = [
        a.text_content()
        for a in en.xpath("//li[contains(concat(' ', @class, ' '), ' release ')]//h2/a")
    ]
    assert titles == [SECOND_TITLE_EN, SAMPLE_TITLE]
    dates = [
        t.text_content()
        for t in en.xpath("//li[contains(concat(' ', @class, ' '), ' release ')]//time")
    ]
    assert dates == ["15 January 2025", "30 November 2024"]
    pdf_size = (out / "releases" / SAMPLE_SLUG / "zh-Hans.pdf").stat().st_size
    sample = en.xpath("//li[contains(concat(' ', @class, ' '), ' release ')]")[1]
    text = " ".join(sample.text_content().split())
    assert f"简体中文 Web page · PDF ({round(pdf_size / 1024)} KB, 2 pages)" in text
    assert "Comprehensive Strategic Partnership" in text  # the summary

    km = page(out / "km" / "index.html")
    km_dates = [
        t.text_content()
        for t in km.xpath("//li[contains(concat(' ', @class, ' '), ' release ')]//time")
    ]
    assert km_dates == ["ថ្ងៃទី១៥ ខែមករា ឆ្នាំ២០២៥", "ថ្ងៃទី៣០ ខែវិច្ឆិកា ឆ្នាំ២០២៤"]
    assert (
        km.xpath("//li[contains(concat(' ', @class, ' '), ' release ')]//h2/a")[1]
        .text_content()
        .startswith("សម្តេចតេជោ")
    )
    assert "(៣១ KB" in km.text_content() or re.search(r"\([០-៩]+ KB, ២ ", km.text_content())

    zh = page(out / "zh-Hans" / "index.html")
    first = zh.xpath("//li[contains(@class,'release')]")[0]
    # Not published in Chinese: listed in its source language, marked as such.
    assert first.get("lang") == "en" and SECOND_TITLE_EN in first.text_content()
    assert zh.xpath("//li[contains(@class,'release')]//time")[1].text == "2024年11月30日"


def test_release_pages_link_back_and_to_each_other(built: tuple[Path, Path, str]) -> None:
    _, out, _ = built
    for lang in LANGS:
        tree = page(out / "releases" / SAMPLE_SLUG / f"{lang}.html")
        alternates = {
            link.get("hreflang"): link.get("href")
            for link in tree.xpath("//link[@rel='alternate'][@hreflang]")
        }
        assert alternates == {
            "en": "en.html",
            "km": "km.html",
            "zh-Hans": "zh-Hans.html",
            "x-default": "index.html",
        }
        assert tree.xpath("//nav[@class='site-nav']/a/@href")[0] == f"../../{lang}/index.html"
        switcher = tree.xpath("//nav[contains(@class,'languages')]//a/@href")
        assert sorted(switcher) == sorted(f"{x}.html" for x in LANGS if x != lang)
        canonical = tree.xpath("//link[@rel='canonical']/@href")
        assert canonical == [f"{BASE_URL}releases/{SAMPLE_SLUG}/{lang}.html"]
        assert tree.xpath("//a[@type='application/pdf']/@href") == [f"{lang}.pdf"]
    root = page(out / "index.html")
    assert sorted(root.xpath("//ul[@class='choose']//a/@href")) == sorted(
        f"{x}/index.html" for x in LANGS
    )
    assert {li.get("lang") for li in root.xpath("//ul[@class='choose']/li")} == set(LANGS)


def test_release_text_is_escaped(built: tuple[Path, Path, str]) -> None:
    _, out, _ = built
    raw = (out / "en" / "index.html").read_text()
    assert "Talks on &lt;Trade&gt; &amp; " in raw and "<Trade>" not in raw
    tree = page(out / "releases" / SECOND_SLUG / "km.html")
    assert tree.xpath("//h1")[0].text_content() == "កិច្ចពិភាក្សាស្តីពី <ពាណិជ្ជកម្ម> & វិនិយោគ"
    raw_km = (out / "releases" / SECOND_SLUG / "km.html").read_text()
    assert "&lt;ពាណិជ្ជកម្ម&gt; &amp; វិនិយោគ" in raw_km


@pytest.mark.parametrize("lang", LANGS)
def test_atom_feeds(built: tuple[Path, Path, str], lang: str) -> None:
    _, out, _ = built
    feed = feedparser.parse((out / lang / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.language == lang if "language" in feed.feed else True
    slugs = [e.id.split("/")[-2] for e in feed.entries]
    expected = [SAMPLE_SLUG] if lang == "zh-Hans" else [SECOND_SLUG, SAMPLE_SLUG]
    assert slugs == expected
    for entry in feed.entries:
        assert entry.title_detail.language == lang
        assert entry.summary_detail.language == lang and entry.summary
        assert entry.published.startswith(("2025-01-15", "2024-11-30"))
        (enclosure,) = entry.enclosures
        slug = entry.id.split("/")[-2]
        pdf = out / "releases" / slug / f"{lang}.pdf"
        assert enclosure.type == "application/pdf"
        assert enclosure.href == f"{BASE_URL}releases/{slug}/{lang}.pdf"
        assert int(enclosure.length) == pdf.stat().st_size
        assert entry.link == f"{BASE_URL}releases/{slug}/{lang}.html"
    if lang == "en":
        assert feed.entries[0].title == SECOND_TITLE_EN  # escaped in the XML, intact when read


def test_sitemap_has_hreflang_alternates(built: tuple[Path, Path, str]) -> None:
    _, out, _ = built
    tree = etree.parse(str(out / "sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    locs = tree.xpath("//s:url/s:loc/text()", namespaces=ns)
    assert len(locs) == len(set(locs)) == 3 + 3 + 2
    for loc in locs:
        assert loc.startswith(BASE_URL)
        assert (out / loc.removeprefix(BASE_URL)).is_file()
    url = tree.xpath(f"//s:url[s:loc='{BASE_URL}releases/{SAMPLE_SLUG}/km.html']", namespaces=ns)[0]
    alternates = {
        link.get("hreflang"): link.get("href") for link in url.xpath("x:link", namespaces=ns)
    }
    assert alternates["x-default"] == f"{BASE_URL}releases/{SAMPLE_SLUG}/index.html"
    assert set(alternates) == {"en", "km", "zh-Hans", "x-default"}
    assert url.xpath("s:lastmod/text()", namespaces=ns) == ["2024-11-30"]


def test_html_validates(built: tuple[Path, Path, str]) -> None:
    """The W3C Nu validator (installed by `make setup` from npm vnu-jar) finds no error."""
    _, out, _ = built
    assert shutil.which("java"), "java is missing: run `make setup`"
    assert VNU.is_file(), f"{VNU} is missing: run `make setup`"
    pages = [str(p) for p in sorted(out.rglob("*.html"))]
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", *pages], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_without_base_url_feeds_and_sitemap_are_skipped_with_a_warning(
    built: tuple[Path, Path, str], tmp_path: Path
) -> None:
    root, _, _ = built
    out = tmp_path / "plain"
    result = Cli(root)("site", "--out", str(out))
    assert "warning: no --base-url" in result.stderr
    assert not (out / "sitemap.xml").exists() and not list(out.rglob("feed.xml"))
    assert (out / "km" / "index.html").is_file() and broken_links(out) == []
    assert "Rendered 5 web pages; 5 PDFs and 5 photo files came from the cache." in (
        result.stdout.splitlines()
    )


def test_bad_base_url_is_a_one_line_error(built: tuple[Path, Path, str], tmp_path: Path) -> None:
    root, _, _ = built
    result = Cli(root)("site", "--out", str(tmp_path / "x"), "--base-url", "press.gov", ok=False)
    assert result.exit_code == 2 and "--base-url must be an http(s) URL" in result.stderr


# --------------------------------------------------------------------------- incremental


@pytest.fixture
def warm(built: tuple[Path, Path, str], tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the built workspace with its cache and site: rebuilds start warm."""
    root, _, _ = built
    copy = tmp_path / "ws"
    shutil.copytree(root, copy, symlinks=True)
    return copy, copy / "site"


def _site(root: Path, out: Path) -> SiteReport:

    ws = Workspace.load(root)
    builder = SiteBuilder(ws, out_dir=out, base_url=BASE_URL, jobs=1)
    return builder.build(list(iter_releases(ws.releases_dir)))


def test_noop_rebuild_renders_nothing(warm: tuple[Path, Path]) -> None:
    root, out = warm
    report = _site(root, out)
    assert report.rendered == {} and report.rendered_items == []
    assert report.written == [] and report.removed == []
    result = Cli(root)("site", "--out", str(out), "--base-url", BASE_URL)
    assert "Nothing to write: the 33 files in" in result.stdout
    assert "Rendered nothing; 5 PDFs, 5 web pages and 5 photo files came from the cache." in (
        result.stdout
    )


def test_changing_one_release_renders_only_it(warm: tuple[Path, Path]) -> None:
    root, out = warm
    meta = root / "releases" / SECOND_SLUG / "release.toml"
    meta.write_text(meta.read_text().replace("2025-01-15", "2025-01-16"))
    report = _site(root, out)
    items = report.rendered_items
    assert sorted(items) == sorted(
        f"{SECOND_SLUG}/{name}" for name in ("en.html", "km.html", "en.pdf", "km.pdf")
    )
    assert "16 January 2025" in (out / "en" / "index.html").read_text()


def test_approving_khmer_does_not_rerender_other_pdfs(warm: tuple[Path, Path]) -> None:
    root, out = warm
    Cli(root)("approve", SECOND_SLUG, "--lang", "zh-Hans", "--segment", "title", "--by", "Li Wei")
    report = _site(root, out)
    pdfs = [i for i in report.rendered_items if i.endswith(".pdf")]
    assert pdfs == [f"{SECOND_SLUG}/zh-Hans.pdf"]  # now publishable; en/km PDFs unchanged
    assert (out / "releases" / SECOND_SLUG / "zh-Hans.pdf").is_file()
    assert len(feedparser.parse((out / "zh-Hans" / "feed.xml").read_bytes()).entries) == 2


def test_touching_a_template_rerenders_what_uses_it(warm: tuple[Path, Path]) -> None:
    root, out = warm
    templates = root / "templates"
    templates.mkdir(exist_ok=True)
    css = (REPO / "publisher" / "resources" / "templates" / "print.css").read_text()
    (templates / "print.css").write_text(css + "\n/* workspace tweak */\n")
    report = _site(root, out)
    assert report.rendered == {"pdf": 5}
    (templates / "web.css").write_text(
        (REPO / "publisher" / "resources" / "templates" / "web.css").read_text() + "\n/* x */\n"
    )
    report = _site(root, out)
    assert report.rendered == {"html": 5}
    assert "/* x */" in (out / "en" / "index.html").read_text()


def test_withdrawn_release_is_removed_from_the_site(warm: tuple[Path, Path]) -> None:
    root, out = warm
    shutil.rmtree(root / "releases" / SECOND_SLUG)
    report = _site(root, out)
    assert not (out / "releases" / SECOND_SLUG).exists() or not any(
        (out / "releases" / SECOND_SLUG).iterdir()
    )
    assert f"releases/{SECOND_SLUG}/en.pdf" in report.removed
    assert SECOND_TITLE_EN not in (out / "en" / "index.html").read_text()
    assert broken_links(out) == []


def test_a_build_that_dies_before_saving_its_record_leaves_nothing_for_good(
    warm: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A release is published by a build that dies before it records what it wrote (here
    the disk is full when the record is saved), then withdrawn: the next build removes
    its files all the same (cache.OutputState's journal), where it once left them on
    the site for good, since no record named them."""
    root, out = warm
    second, aside = root / "releases" / SECOND_SLUG, root.parent / "aside"
    shutil.move(second, aside)
    _site(root, out)
    assert not (out / "releases" / SECOND_SLUG).exists()
    shutil.move(aside, second)

    def disk_full(state: OutputState) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(OutputState, "save", disk_full)
        with pytest.raises(OSError):
            _site(root, out)
    assert (out / "releases" / SECOND_SLUG / "en.pdf").is_file()
    shutil.rmtree(second)
    report = _site(root, out)
    assert not (out / "releases" / SECOND_SLUG).exists()
    assert f"releases/{SECOND_SLUG}/en.pdf" in report.removed
    assert SECOND_TITLE_EN not in (out / "en" / "index.html").read_text()
    assert broken_links(out) == []


def test_build_uses_the_same_cache(warm: tuple[Path, Path]) -> None:
    root, _ = warm
    result = Cli(root)("build", SAMPLE_SLUG, "--out", str(root / "dist"), "--jobs", "2")
    # the PDFs come from the site's build
    assert "Rendered 3 web pages; 3 PDFs and 4 photo files came from the cache." in result.stdout
    assert (root / "dist" / SAMPLE_SLUG / "km.pdf").read_bytes() == (
        root / "site" / "releases" / SAMPLE_SLUG / "km.pdf"
    ).read_bytes()
    again = Cli(root)("build", SAMPLE_SLUG, "--out", str(root / "dist"))
    assert "Rendered nothing; 3 PDFs, 3 web pages and 4 photo files came from the cache." in (
        again.stdout
    )


def test_a_large_archive_is_listed_by_year_and_the_feed_carries_the_newest(
    warm: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With more releases than a home page lists, each year gets its page (so that one
    change re-renders the home page and its year, not one page of thousands of entries),
    and the feed carries the newest only."""
    root, out = warm
    monkeypatch.setattr(site_listings, "HOME_LIMIT", 1)
    monkeypatch.setattr(site_module, "FEED_LIMIT", 1)
    _site(root, out)
    for lang in ("en", "km"):
        home = page(out / lang / "index.html")
        listed = home.xpath("//li[contains(concat(' ', @class, ' '), ' release ')]//h2/a/@href")
        assert listed == [f"../releases/{SECOND_SLUG}/{lang}.html"]  # the newest only
        years = home.xpath("//nav[@class='years']//a/@href")
        assert years == ["2025.html", "2024.html"]
        older = page(out / lang / "2024.html")
        assert older.xpath("//li[contains(@class, 'release')]//h2/a/@href") == [
            f"../releases/{SAMPLE_SLUG}/{lang}.html"
        ]
        assert older.xpath("//nav[@class='years']//span[@aria-current]/text()") == [
            "2024" if lang == "en" else "២០២៤"
        ]
    assert page(out / "km" / "2024.html").xpath("string(//h1)") == "សេចក្តីប្រកាសព័ត៌មានឆ្នាំ២០២៤"
    feed = feedparser.parse((out / "en" / "feed.xml").read_bytes())
    assert [e.title for e in feed.entries] == [SECOND_TITLE_EN]
    assert broken_links(out) == []


def test_a_new_release_renders_its_year_and_the_home_page_not_the_other_years(
    warm: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The home page's list of years counts each year's releases; a year's page lists the
    years without counts, so a release added to 2025 leaves the page of 2024 as it was
    (an archive of years of releases is not rendered again on each new one)."""
    root, out = warm
    monkeypatch.setattr(site_listings, "HOME_LIMIT", 1)
    _site(root, out)
    third = "2025-02-01-third-release"
    shutil.copytree(root / "releases" / SECOND_SLUG, root / "releases" / third)
    toml = root / "releases" / third / "release.toml"
    toml.write_text(toml.read_text("utf-8").replace("date = 2025-01-15", "date = 2025-02-01"))
    for path in (root / "releases" / third / "translations").glob("*.po"):
        catalog = Catalog.load(path, release=SECOND_SLUG)
        catalog.release = third
        catalog.save(path)
    before = {lang: (out / lang / "2024.html").read_bytes() for lang in LANGS}
    report = _site(root, out)
    assert third in report.releases
    for lang in LANGS:
        assert f"{lang}/2024.html" not in report.written
        assert (out / lang / "2024.html").read_bytes() == before[lang]
        assert f"{lang}/2025.html" in report.written
    assert _years_listed(out / "en" / "index.html") == ["2025 (2)", "2024 (1)"]
    assert _years_listed(out / "en" / "2025.html") == ["Latest", "2025", "2024"]


def _years_listed(path: Path) -> list[str]:
    """The entries of a listing page's list of years, as a reader sees them."""
    items = page(path).xpath("//nav[@class='years']//li")
    return [" ".join(li.text_content().split()) for li in items]


def _whole_page_template() -> str:
    """site_home.html with site_entries.html written where the page embeds it (its comments
    left out): one template rendering a listing page whole, as the page was before its list
    of releases was rendered apart. An override of this kind lists `home.entries` itself."""
    folder = REPO / "publisher" / "resources" / "templates"
    entries = (folder / "site_entries.html").read_text("utf-8")
    entries = re.sub(r"\A\{#-.*?-#\}\n", "", entries, flags=re.S)
    entries = re.sub(r"\n\{#-[^#]*-#\}\n\Z", "", entries)
    whole = (folder / "site_home.html").read_text("utf-8")
    assert whole.count("{{ home.entries_html }}") == 1
    assert entries.startswith("<ol") and entries.endswith("</ol>")
    return whole.replace("{{ home.entries_html }}", entries)


def _listing_pages(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for lang in LANGS
        for p in sorted((out / lang).glob("*.html"))
    }


def test_a_new_year_writes_every_year_page_again_from_its_cached_list_of_releases(
    warm: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A release moved into a year the archive did not have changes every year page's list
    of years: each page is written again, its list of releases taken from the cache when
    its releases did not change. The pages are byte for byte what one template rendering
    them whole writes (an override of site_home.html listing the releases itself), into
    another folder."""
    root, out = warm
    monkeypatch.setattr(site_listings, "HOME_LIMIT", 1)
    _site(root, out)
    listed: list[tuple[str, list[str]]] = []
    entries = site_listings.entries

    def spied(site: Any, lang: str, plans: list[Plan], *rest: Any) -> list[dict[str, Any]]:
        listed.append((lang, [p.slug for p in plans]))
        return entries(site, lang, plans, *rest)

    monkeypatch.setattr(site_listings, "entries", spied)
    meta = root / "releases" / SECOND_SLUG / "release.toml"
    meta.write_text(meta.read_text("utf-8").replace("date = 2025-01-15", "date = 2026-01-15"))
    report = _site(root, out)
    for lang in LANGS:
        assert f"{lang}/2024.html" in report.written
        assert f"{lang}/2025.html" in report.removed
        assert (lang, [SAMPLE_SLUG]) not in listed  # 2024's list came from the cache
        assert (lang, [SECOND_SLUG]) in listed  # the moved release's pages: rendered
    assert _years_listed(out / "en" / "2024.html") == ["Latest", "2026", "2024"]
    assert _years_listed(out / "km" / "2024.html") == ["ថ្មីៗ", "២០២៦", "២០២៤"]
    assert page(out / "en" / "2024.html").xpath("//ol[@class='releases']//h2/a/@href") == [
        f"../releases/{SAMPLE_SLUG}/en.html"
    ]
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "site_home.html").write_text(_whole_page_template(), "utf-8")
    listed.clear()
    _site(root, root / "whole")
    assert (LANGS[0], [SAMPLE_SLUG]) in listed  # this time made from the releases
    assert _listing_pages(root / "whole") == _listing_pages(out)
    assert sorted(_listing_pages(out)) == [
        f"{lang}/{name}.html" for lang in LANGS for name in ("2024", "2026", "index")
    ]


def test_a_changed_list_template_label_or_title_renders_the_cached_lists_again(
    warm: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A year page's cached list of releases is rendered again when anything it shows
    changes, though the page's releases did not: the list's template (an override), a
    label it prints (a workspace catalog), a release's title."""
    root, out = warm
    monkeypatch.setattr(site_listings, "HOME_LIMIT", 1)
    _site(root, out)
    templates = root / "templates"
    templates.mkdir(exist_ok=True)
    default = (REPO / "publisher" / "resources" / "templates" / "site_entries.html").read_text()
    assert default.count(">PDF</a>") == 1
    (templates / "site_entries.html").write_text(default.replace(">PDF</a>", ">PDF file</a>"))
    report = _site(root, out)
    assert report.rendered == {}  # no release changed
    for lang in LANGS:
        assert f"{lang}/2024.html" in report.written
        editions = page(out / lang / "2024.html").xpath("//ul[@class='editions']//a/text()")
        assert "PDF file" in editions and "PDF" not in editions
    catalog = root / "locales" / "km" / "LC_MESSAGES" / "messages.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Web page"\nmsgstr "គេហទំព័រ"\n',
        "utf-8",
    )
    _site(root, out)
    editions = page(out / "km" / "2024.html").xpath("//ul[@class='editions']//a/text()")
    assert editions == ["គេហទំព័រ", "PDF file"] * 3
    km = root / "releases" / SAMPLE_SLUG / "translations" / "km.po"
    entry = Catalog.load(km, release=SAMPLE_SLUG).entries["title"]
    new_title = entry.target + " (កែ)"
    edited = Catalog.load(km, release=SAMPLE_SLUG)
    edited.entries["title"] = dataclasses.replace(entry, target=new_title, review=None)
    edited.save(km)
    approve(Release.load(root / "releases" / SAMPLE_SLUG), "km", by="Sok Dara", segments=["title"])
    _site(root, out)
    assert page(out / "km" / "2024.html").xpath("string(//ol[@class='releases']//h2)") == (
        new_title
    )


def test_a_cached_list_of_releases_whose_file_is_gone_is_rendered_again(
    warm: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build cache may be cleaned by hand at any time: a list of releases whose cached
    file is gone (its entry's folder left) is rendered again, and its page lists them."""
    root, out = warm
    monkeypatch.setattr(site_listings, "HOME_LIMIT", 1)
    _site(root, out)
    cached = list((root / ".publisher-cache").rglob(site_listings.ENTRIES_FILE))
    # at least, in three languages: the newer release alone (the home page and 2025 list
    # the same), the older (2024)
    assert len(cached) >= 6
    for path in cached:
        path.unlink()
    meta = root / "releases" / SECOND_SLUG / "release.toml"
    meta.write_text(meta.read_text("utf-8").replace("date = 2025-01-15", "date = 2026-01-15"))
    report = _site(root, out)
    for lang in LANGS:
        assert f"{lang}/2024.html" in report.written
        assert page(out / lang / "2024.html").xpath("//ol[@class='releases']//h2/a/@href") == [
            f"../releases/{SAMPLE_SLUG}/{lang}.html"
        ]
