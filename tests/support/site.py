"""Shared by the site, bundle and browser tests: a workspace with two releases, a link checker."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import html as lxml_html

from publisher.core.catalog import Catalog
from publisher.core.release import Release
from publisher.workflow.review import approve
from tests.support.workspace import REPO, SAMPLE_SLUG

SECOND_SLUG = "2025-01-15-second-release"
#: A title that must be escaped everywhere (HTML, Atom, sitemap).
SECOND_TITLE_EN = 'Talks on <Trade> & "Investment"'
BASE_URL = "https://press.example.org/gov/"


def make_workspace(root: Path, *, second_zh_approved: bool = False) -> Path:
    """The shipped sample plus a second, newer release whose Chinese is not approved."""

    root.mkdir(parents=True)
    for name in ("publisher.toml", "glossary.toml", "numbers.jsonl"):
        if (REPO / name).exists():
            shutil.copy(REPO / name, root / name)
    shutil.copytree(REPO / "releases", root / "releases")
    shutil.copytree(REPO / "boilerplate", root / "boilerplate")
    sample = root / "releases" / SAMPLE_SLUG
    second = root / "releases" / SECOND_SLUG
    shutil.copytree(sample, second)
    segments = json.loads((sample / "segments.json").read_text("utf-8"))
    old_title = segments["segments"][0]["source"]
    segments["segments"][0]["source"] = SECOND_TITLE_EN
    (second / "segments.json").write_text(json.dumps(segments, ensure_ascii=False, indent=1))
    source = (sample / "source.md").read_text("utf-8")
    (second / "source.md").write_text(source.replace(old_title, SECOND_TITLE_EN, 1), "utf-8")
    meta = (sample / "release.toml").read_text("utf-8")
    (second / "release.toml").write_text(
        meta.replace("date = 2024-11-30", "date = 2025-01-15"), "utf-8"
    )
    targets = {"km": "កិច្ចពិភាក្សាស្តីពី <ពាណិជ្ជកម្ម> & វិនិយោគ", "zh-Hans": "关于<贸易>与投资的会谈"}
    for lang, target in targets.items():
        path = second / "translations" / f"{lang}.po"
        catalog = Catalog.load(path, release=SECOND_SLUG)
        old = catalog.entries["title"]
        assert old.review is not None
        entry = dataclasses.replace(old, source=SECOND_TITLE_EN, target=target, review=None)
        catalog.entries["title"] = entry
        catalog.release = SECOND_SLUG
        catalog.save(path)
        if lang == "km" or second_zh_approved:  # approved as a reviewer would, with history
            approve(Release.load(second), lang, by="Sok Dara", segments=["title"])
    return root


def local_links(page: Path, base_url: str | None = None) -> list[str]:
    """Every href/src of an HTML page that points into the site: relative ones, and absolute
    ones under `base_url` (a canonical link, an alternate written whole)."""
    tree = lxml_html.fromstring(page.read_bytes())
    links = []
    for element in tree.iter():
        for attr in ("href", "src"):
            value = element.get(attr)
            if value is None:
                continue
            if base_url and value.startswith(base_url):
                links.append(value)
                continue
            parts = urlsplit(value)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            links.append(value)
    return links


def broken_links(site: Path, base_url: str | None = None) -> list[str]:
    """`page -> link` for each link of every HTML page of the site (`<a>`, `<link>`
    alternates, images, scripts) whose target file is not in the site; with `base_url`,
    absolute links under it too."""
    broken = []
    for page in sorted(site.rglob("*.html")):
        for link in local_links(page, base_url):
            path = unquote(urlsplit(link).path)
            if base_url and link.startswith(base_url):
                target = (site / unquote(urlsplit(link[len(base_url) :]).path)).resolve()
            else:
                target = (page.parent / path).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file() or not target.is_relative_to(site.resolve()):
                broken.append(f"{page.relative_to(site)} -> {link}")
    return broken


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
