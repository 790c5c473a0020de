"""The build steps themselves, as plain functions of (workspace, release, options).

They run in worker processes (or in the main one for small jobs), so they take
and return only picklable values: paths as strings, results as JSON-able dicts
that also go into the cache as `meta.json`. A user error (missing glyph, bad
template) comes back as {"error": message} rather than an exception, because
our exceptions do not all survive pickling.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from publisher.errors import PublisherError
from publisher.site.cache import Cache

THUMB_WIDTH = 240  # px: shown at 120 CSS px, sharp on 2x screens


def init_worker() -> None:
    """Import WeasyPrint once per worker process (about 1 s), not once per PDF."""
    import weasyprint  # noqa: F401

    from publisher.render import pdf, textlayer  # noqa: F401


def warm_up() -> None:
    """Lay out a tiny page once: fontconfig and Pango initialise before the first real PDF."""
    import weasyprint

    weasyprint.HTML(string="<p>warm</p>").write_pdf()


def _release_memory() -> None:
    """Hand freed heap back to the system after a PDF (glibc keeps it otherwise)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


@lru_cache(maxsize=4)
def _workspace(root: str, stamp: int) -> Any:
    from publisher.workspace import Workspace

    return Workspace.load(Path(root))


def _load(root: str, slug: str) -> tuple[Any, Any]:
    from publisher.release import Release
    from publisher.workspace import CONFIG_NAME

    stamp = (Path(root) / CONFIG_NAME).stat().st_mtime_ns
    ws = _workspace(root, stamp)
    return ws, Release.load(ws.releases_dir / slug)


def _gettext(ws: Any, lang: str) -> Any:
    from publisher.render.templating import locale_dirs, translations_for

    return translations_for(lang, locale_dirs(ws.locales_dir))


def _env(ws: Any, translations: Any) -> Any:
    from publisher.render.templating import make_environment, template_dirs

    return make_environment(template_dirs(ws.templates_dir), translations)


def _texts(ws: Any, release: Any, document: Any, lang: str, draft: bool) -> dict[str, str | None]:
    from publisher.publication import translated_texts
    from publisher.workflow import load_catalog

    catalog = None if lang == release.meta.source_language else load_catalog(release, lang)
    return translated_texts(
        document, catalog, ws.config.required_state, draft=draft, release=release.slug, lang=lang
    )


def _error(exc: PublisherError) -> dict[str, Any]:
    return {"error": exc.format()}


# --------------------------------------------------------------------------- plan


def plan_release(root: str, slug: str, draft: bool, key: str, cache_root: str) -> dict[str, Any]:
    """Which languages of a release may be published, and what a listing shows of each.

    The publishing rule (required state reached, no QA errors unless a draft) is
    decided here once and cached: it needs every catalog parsed and checked
    (about 0.25 s a release), which a no-op rebuild must not pay again.
    """
    try:
        return Cache(Path(cache_root)).put(key, {}, _plan(root, slug, draft))
    except PublisherError as exc:
        return _error(exc)


def _plan(root: str, slug: str, draft: bool) -> dict[str, Any]:
    from publisher import dates
    from publisher.publication import Unpublishable, build_publication

    ws, release = _load(root, slug)
    document = release.synced_document()
    texts: dict[str, dict[str, str | None]] = {}
    refused: dict[str, dict[str, Any]] = {}
    for lang in release.languages:
        try:
            texts[lang] = _texts(ws, release, document, lang, draft)
        except Unpublishable as exc:
            refused[lang] = {"message": exc.message, "blocking": exc.blocking}
    if not draft:
        for lang, info in _qa_refusals(ws, release, list(texts)).items():
            del texts[lang]
            refused[lang] = info
    published = [lang for lang in release.languages if lang in texts]
    views = {}
    for lang in published:
        pub = build_publication(
            ws, release, document, lang, texts[lang], draft=draft,
            gettext=_gettext(ws, lang).gettext,
        )  # fmt: skip
        views[lang] = {
            "title": pub.title_text,
            "summary": pub.summary,
            "dateline": pub.dateline,
            "date_text": dates.format_date(release.meta.date, lang),
            "organisation": pub.organisation,
            "draft": draft,
        }
    return {
        "slug": slug,
        "date": release.meta.date.isoformat(),
        "source_lang": release.meta.source_language,
        "languages": release.languages,
        "published": published,
        "refused": refused,
        "views": views,
    }


def _qa_refusals(ws: Any, release: Any, langs: list[str]) -> dict[str, dict[str, Any]]:
    """The QA errors `publisher check` reports block publishing, as approvals do."""
    from publisher.build import QaBlocked
    from publisher.checking import check_release, workspace_glossary

    targets = [lang for lang in langs if lang != release.meta.source_language]
    if not targets:
        return {}
    findings = check_release(release, targets, glossary=workspace_glossary(ws.root, release))
    out = {}
    for lang in targets:
        errors = [f for f in findings if f.lang == lang and f.is_error]
        if errors:
            blocked = QaBlocked(release.slug, lang, errors)
            out[lang] = {"message": blocked.message, "blocking": blocked.blocking}
    return out


# --------------------------------------------------------------------------- web pages


def render_html(
    root: str,
    slug: str,
    draft: bool,
    published: list[str],
    variant: str,
    params: dict[str, Any],
    key: str,
    cache_root: str,
) -> dict[str, Any]:
    """Every published language's web page of one release, in one variant.

    variant "build": web.html as `publisher build` writes it (self-contained);
    variant "site": site_release.html, the same page with the site's navigation.
    """
    try:
        files = _html(root, slug, draft, published, variant, params)
    except PublisherError as exc:
        return _error(exc)
    meta = {"files": sorted(files), "sizes": {n: len(d) for n, d in files.items()}}
    return Cache(Path(cache_root)).put(key, files, meta)


def _html(
    root: str, slug: str, draft: bool, published: list[str], variant: str, params: dict[str, Any]
) -> dict[str, bytes]:
    from publisher.publication import (
        Alternate,
        build_publication,
        draft_unapproved,
        native_name,
        web_filters,
    )
    from publisher.render.html import render_template

    ws, release = _load(root, slug)
    document = release.synced_document()
    with_pdf = bool(params.get("pdf"))
    alternates = [
        Alternate(lang, native_name(lang), f"{lang}.html",
                  f"{lang}.pdf" if with_pdf else None, draft=draft)
        for lang in published
    ]  # fmt: skip
    files: dict[str, bytes] = {}
    for lang in published:
        translations = _gettext(ws, lang)
        env = _env(ws, translations)
        pub = build_publication(
            ws, release, document, lang, _texts(ws, release, document, lang, draft),
            draft=draft, gettext=translations.gettext, alternates=alternates,
            pdf_href=f"{lang}.pdf" if with_pdf else None,
            unapproved=draft_unapproved(ws, release, document, lang, draft), **web_filters(lang),
        )  # fmt: skip
        if variant == "site":
            site = dict(params.get("site", {}))
            base = site.get("base_url")
            site["canonical"] = f"{base}releases/{slug}/{lang}.html" if base else None
            site["home_href"] = f"../../{lang}/index.html"
            site["feed_href"] = f"../../{lang}/feed.xml" if base else None
            text = render_template(env, "site_release.html", pub=pub, site=site)
        else:
            text = render_template(env, "web.html", pub=pub)
        files[f"{lang}.html"] = text.encode("utf-8")
    return files


# --------------------------------------------------------------------------- PDF


def render_pdf(
    root: str, slug: str, lang: str, draft: bool, key: str, cache_root: str, thumb_key: str = ""
) -> dict[str, Any]:
    """One language's PDF, with what a listing shows of it: size and pages.

    With `thumb_key`, the first-page thumbnail is stored too (a separate cache
    entry), sparing the site a second pass over every new PDF.
    """
    try:
        rendered = _pdf(root, slug, lang, draft)
    except PublisherError as exc:
        return _error(exc)
    finally:
        _release_memory()
    import hashlib

    meta = {
        "size": len(rendered.data),
        "sha256": hashlib.sha256(rendered.data).hexdigest(),
        "pages": rendered.pages,
    }
    if thumb_key:
        thumb = _thumbnail(rendered.data)
        files = {"thumb.png": thumb} if thumb is not None else {}
        Cache(Path(cache_root)).put(thumb_key, files, {"thumb": thumb is not None})
    return Cache(Path(cache_root)).put(key, {"out.pdf": rendered.data}, meta)


def render_thumbnail(pdf_path: str, key: str, cache_root: str) -> dict[str, Any]:
    """A first-page PNG of a PDF, for site listings (a step of its own: builds need none)."""
    thumb = _thumbnail(Path(pdf_path).read_bytes())
    files = {"thumb.png": thumb} if thumb is not None else {}
    return Cache(Path(cache_root)).put(key, files, {"thumb": thumb is not None})


def _pdf(root: str, slug: str, lang: str, draft: bool) -> Any:
    from publisher.build import render_release_pdf

    ws, release = _load(root, slug)
    document = release.synced_document()
    texts = _texts(ws, release, document, lang, draft)
    return render_release_pdf(ws, release, document, lang, texts, draft)


def _thumbnail(data: bytes) -> bytes | None:
    """The first page as a PNG (pdftoppm); None without poppler."""
    if shutil.which("pdftoppm") is None:
        return None
    with tempfile.TemporaryDirectory(prefix="publisher-thumb-") as tmp:
        pdf = Path(tmp) / "in.pdf"
        pdf.write_bytes(data)
        out = Path(tmp) / "thumb"
        done = subprocess.run(
            ["pdftoppm", "-png", "-f", "1", "-l", "1", "-singlefile",
             "-scale-to-x", str(THUMB_WIDTH), "-scale-to-y", "-1", str(pdf), str(out)],
            capture_output=True, check=False,
        )  # fmt: skip
        png = out.with_suffix(".png")
        return png.read_bytes() if done.returncode == 0 and png.is_file() else None
