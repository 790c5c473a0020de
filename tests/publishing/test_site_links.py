"""A kept page's links to files no longer on the site are taken out, and nothing else of it
changes (publishing/site_links.py); the site-level behaviour: test_site_keeps.py."""

from __future__ import annotations

from publisher.publishing.site_links import without_missing_links

PAGE = """<!DOCTYPE html><html lang="km">
<head>
<link rel="alternate" hreflang="en" href="en.html">
<link rel="alternate" hreflang="zh-Hans" href="zh-Hans.html">
<link rel="canonical" href="https://press.example.org/gov/releases/r/zh-Hans.html">
</head>
<body>
<ul class="languages">
    <li><a href="en.html" hreflang="en">English</a></li>
    <li><a href="zh-Hans.html" hreflang="zh-Hans" lang="zh-Hans">简体中文</a></li>
</ul>
<p>ការ<wbr>ទស្សនកិច្ច &amp; &#34;ផ្លូវការ&#34; <a href="zh-Hans.pdf">PDF <b>中文</b></a> end</p>
<p><a href="../../zh-Hans/feed.xml">feed</a> <a href="https://example.org/">out</a></p>
</body>
</html>
"""

ON_THE_SITE = {"releases/r/en.html", "releases/r/km.html"}


def test_only_the_links_to_missing_files_go_and_every_other_byte_stays() -> None:
    found = without_missing_links(
        PAGE.encode(),
        "releases/r/km.html",
        ON_THE_SITE.__contains__,
        "https://press.example.org/gov/",
    )
    assert found is not None
    data, missing = found
    assert missing == [
        "releases/r/zh-Hans.html",
        "releases/r/zh-Hans.pdf",
        "zh-Hans/feed.xml",
    ]
    expected = (
        PAGE.replace('<link rel="alternate" hreflang="zh-Hans" href="zh-Hans.html">\n', "")
        .replace(
            '<link rel="canonical" href="https://press.example.org/gov/releases/r/zh-Hans.html">\n',
            "",
        )
        .replace(
            '    <li><a href="zh-Hans.html" hreflang="zh-Hans" lang="zh-Hans">简体中文</a></li>\n',
            "",
        )
        .replace('<a href="zh-Hans.pdf">PDF <b>中文</b></a>', "PDF <b>中文</b>")
        .replace('<a href="../../zh-Hans/feed.xml">feed</a>', "feed")
    )
    assert data.decode() == expected


def test_a_page_whose_links_all_exist_is_left_alone() -> None:
    everything = {*ON_THE_SITE, "releases/r/zh-Hans.html", "releases/r/zh-Hans.pdf"}
    everything.add("zh-Hans/feed.xml")
    assert (
        without_missing_links(PAGE.encode(), "releases/r/km.html", everything.__contains__) is None
    )
