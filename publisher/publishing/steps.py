"""The build steps themselves, as plain functions of (workspace, release, options).

They run in worker processes (or in the main one for small jobs), so they take
and return only picklable values: paths as strings, results as JSON-able dicts
that also go into the cache as `meta.json`. A user error (missing glyph, bad
template) is raised as a `PublisherError`, which reaches the parent process
with its type, path and line (see publisher/errors.py); the engine reports it
with the step.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import hashlib
import os
import shutil
import struct
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from publisher.core import dates
from publisher.core.approvals import load_catalog
from publisher.core.languages import native_name
from publisher.core.limits import read_capped
from publisher.core.photos import PHOTOS_DIR, rendition_name
from publisher.core.release import Release
from publisher.core.workspace import CONFIG_NAME, Workspace
from publisher.errors import PhotoError, RenderError
from publisher.publishing.cache import Cache
from publisher.publishing.fingerprint import digest
from publisher.publishing.pages import render_release_pdf
from publisher.publishing.records import ListingView, PdfMeta, PlanMeta, ThumbMeta
from publisher.publishing.rule import choose, judge
from publisher.publishing.view import build_publication, khmer_names
from publisher.render import images
from publisher.render.fonts import check_glyphs
from publisher.render.html import render_template, web_filters
from publisher.render.model import Alternate
from publisher.render.pdf import RenderedPdf, print_fonts, render_pdf, restricted_fetcher
from publisher.render.templating import language_environment
from publisher.render.weasy import load as load_weasyprint

THUMB_WIDTH = 240  # px: shown at 120 CSS px, sharp on 2x screens


def init_worker(parent: int | None = None) -> None:
    """Import WeasyPrint once per worker process (about 1 s), not once per PDF.

    `parent`: the process the pool works for. A worker started by the forkserver holds
    pipes that keep it and the forkserver waiting for work forever if that process is
    killed outright (SIGKILL: no shutdown): a watch ends the worker then."""
    load_weasyprint()

    global _pool_worker
    if parent is not None:
        _pool_worker = True
        threading.Thread(target=_end_with, args=(parent,), name="parent-watch", daemon=True).start()


def _end_with(parent: int) -> None:
    """Watch the parent; and, between two looks, hand the heap back once idle."""
    while True:
        time.sleep(PARENT_WATCH_SECONDS)
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # alive (another user's process now holding the id: rare)
            pass
        trim_if_idle()


#: How often a pool's worker checks that the process it works for is still there.
PARENT_WATCH_SECONDS = 2.0


def warm_up(languages: tuple[str, ...] = ()) -> None:
    """Lay out a tiny page once: fontconfig and Pango initialise before the first real PDF.

    With `languages`, one line in each language's print fonts, checked and written as a
    PDF is (see render/pdf.py): the fonts' character maps, Pango's faces and the subsetter
    are then loaded too (about 2 s for the Khmer and Chinese faces, which a renderer that
    stays up pays once instead of on its first PDF)."""
    weasyprint = load_weasyprint()

    if not languages:
        weasyprint.HTML(string="<p>warm</p>").write_pdf()
        return
    for lang in languages:
        fonts = print_fonts(lang)
        line = _WARM_TEXT.get(lang, _WARM_TEXT["en"])
        check_glyphs(line, [face for fontset in fonts.sets for face in fontset.faces().values()])
        html = (
            f"<style>{fonts.faces_css} body {{ font-family: {fonts.body} }}</style>"
            f"<p>{line} <b>{line}</b></p>"
        )
        fetcher = restricted_fetcher([], fonts.font_files)
        render_pdf(html, base_dir=Path(tempfile.gettempdir()), fetcher=fetcher)


#: A line of each language for warm_up (a few of its letters, bold and regular).
_WARM_TEXT = {"en": "Press Release 2024", "km": "សេចក្តីប្រកាសព័ត៌មាន", "zh-Hans": "新闻公报"}


#: Whether this process is a pool's worker (`init_worker`), which stays up, idle, between
#: builds (`serve`, `preview`, the live site: publishing/resident.py; a site's workers).
#: Such a worker
#: * hands the heap its PDFs freed back to the system once it is idle: its watch thread
#:   trims (`trim_if_idle`) when no PDF has rendered for IDLE_TRIM_SECONDS, not after
#:   each PDF: a trim costs 5 to 7 ms on the heap a render leaves, and the next PDF of a
#:   build (6,000 in a 2,000-release site) would only fault the pages in again;
#: * keeps one font configuration from build to build while the font files stay the same
#:   (`pdf_step`'s `fonts`): a fresh one for each build cost a warm preview 50 to 60 ms of
#:   CPU a PDF (fontconfig, the faces registered again, Pango's caches, print.css parsed).
#: The process of a `publisher build`, or a worker forked for one build, renders a few
#: PDFs and exits: it never trims, and its configuration is the build's.
_pool_worker = False
#: PDFs rendering now in this process, whether one ended since the last trim, and when
#: the last one ended (time.monotonic).
_rendering = 0
_rendered_since_trim = False
_last_rendered = 0.0
_rendering_lock = threading.Lock()
#: How long a worker has rendered nothing before it trims its heap.
IDLE_TRIM_SECONDS = 1.0


@contextlib.contextmanager
def _rendering_pdf() -> Iterator[None]:
    global _rendering, _rendered_since_trim, _last_rendered
    with _rendering_lock:
        _rendering += 1
    try:
        yield
    finally:
        with _rendering_lock:
            _rendering -= 1
            _rendered_since_trim = True
            _last_rendered = time.monotonic()


def trim_if_idle() -> bool:
    """Trim the heap (`_release_memory`) if this process is a pool's worker, has rendered
    a PDF since its last trim and none for IDLE_TRIM_SECONDS; whether it trimmed."""
    global _rendered_since_trim
    with _rendering_lock:
        idle = time.monotonic() - _last_rendered >= IDLE_TRIM_SECONDS
        if not (_pool_worker and _rendered_since_trim and not _rendering and idle):
            return False
        _rendered_since_trim = False
    _release_memory()
    return True


def _release_memory() -> None:
    """Hand freed heap back to the system (glibc keeps it otherwise)."""
    with contextlib.suppress(OSError, AttributeError):
        _libc().malloc_trim(0)


@lru_cache(maxsize=1)
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL("libc.so.6")


@lru_cache(maxsize=4)
def _workspace(root: str, stamp: int) -> Workspace:
    return Workspace.load(Path(root))


def _load(root: str, slug: str) -> tuple[Workspace, Release]:
    stamp = (Path(root) / CONFIG_NAME).stat().st_mtime_ns
    ws = _workspace(root, stamp)
    return ws, Release.load(ws.releases_dir / slug)


# --------------------------------------------------------------------------- plan


def plan_step(root: str, slug: str, draft: bool, key: str, cache_root: str) -> dict[str, Any]:
    """Which languages of a release may be published, and what a listing shows of each.

    The publishing rule (required state reached, no QA errors unless a draft) is
    decided here once and cached: it needs every catalog parsed and checked
    (about 0.25 s a release), which a no-op rebuild must not pay again.
    """
    return Cache(Path(cache_root)).put(key, {}, _plan(root, slug, draft))


def _plan(root: str, slug: str, draft: bool) -> PlanMeta:
    ws, release = _load(root, slug)
    document = release.synced_document()
    verdict = judge(ws, release, document, draft=draft)
    texts = verdict.texts
    published = [lang for lang in release.languages if lang in texts]
    views: dict[str, ListingView] = {}
    for lang in published:
        _, translations = language_environment(ws.templates_dir, ws.locales_dir, lang)
        pub = build_publication(
            ws,
            release,
            document,
            lang,
            texts[lang],
            draft=draft,
            gettext=translations.gettext,
            pictures="files",
        )
        views[lang] = {
            "title": pub.title_text,
            "summary": pub.summary,
            "dateline": pub.dateline,
            "date_text": dates.format_date(release.meta.date, lang),
            "organisation": pub.organisation,
            "release_line": pub.release_line,
            "draft": draft,
            # each photo's caption as this language publishes it (site cards, metadata)
            "photos": [
                {
                    "file": figure.photo.src.removeprefix(f"{PHOTOS_DIR}/"),
                    "caption": figure.children[0].text,
                    "translated": not figure.children[0].untranslated,
                    "width": figure.photo.width,
                    "height": figure.photo.height,
                }
                for figure in pub.photos
                if figure.photo is not None
            ],
        }
    return {
        "slug": slug,
        "date": release.meta.date.isoformat(),
        "source_lang": release.meta.source_language,
        "languages": release.languages,
        "published": published,
        "refused": {lang: error.to_dict() for lang, error in verdict.refused.items()},
        "views": views,
        "photos": [
            {
                "file": p.file,
                "credit": p.credit,
                "copyright": p.copyright,
                "copyrights": {lang: p.copyright_in(lang) for lang in release.languages},
            }
            for p in release.meta.photos
        ],
        "number": release.meta.number,
        "embargo": release.meta.embargo.isoformat() if release.meta.embargo else None,
        "headline": views[published[0]]["title"] if published else "",
        "captions": {
            lang: [[p["caption"], p["translated"]] for p in view["photos"]]
            for lang, view in views.items()
        },
        "approvals": {
            lang: digest(
                sorted(
                    e.id
                    for e in load_catalog(release, lang)
                    if e.state.at_least(ws.config.required_state)
                )
            )
            for lang in release.meta.target_languages
        },
    }


# --------------------------------------------------------------------------- web pages


def html_step(
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

    variant "build": web.html as `publisher build` writes it (no other file but photos/);
    variant "site": site_release.html, the same page with the site's navigation.
    """
    files = _html(root, slug, draft, published, variant, params)
    meta = {"files": sorted(files), "sizes": {n: len(d) for n, d in files.items()}}
    return Cache(Path(cache_root)).put(key, files, meta)


def _html(
    root: str, slug: str, draft: bool, published: list[str], variant: str, params: dict[str, Any]
) -> dict[str, bytes]:
    ws, release = _load(root, slug)
    document = release.synced_document()
    with_pdf = bool(params.get("pdf"))
    alternates = [
        Alternate(
            lang,
            native_name(lang),
            f"{lang}.html",
            f"{lang}.pdf" if with_pdf else None,
            draft=draft,
        )
        for lang in published
    ]
    files: dict[str, bytes] = {}
    for lang in published:
        env, translations = language_environment(ws.templates_dir, ws.locales_dir, lang)
        filters = web_filters(lang, khmer_names(ws) if lang == "km" else frozenset())
        choice = choose(ws, release, document, lang)
        pub = build_publication(
            ws,
            release,
            document,
            lang,
            choice.publishable(release, ws.config.required_state, draft=draft),
            draft=draft,
            gettext=translations.gettext,
            alternates=alternates,
            pdf_href=f"{lang}.pdf" if with_pdf else None,
            unapproved=choice.unapproved(draft=draft),
            text_filter=filters.get("text_filter"),
            html_filter=filters.get("html_filter"),
        )
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


# --------------------------------------------------------------------------- photos


def renditions_step(
    path: str, name: str, key: str, cache_root: str, print_key: str = ""
) -> dict[str, Any]:
    """A photo's web renditions (see render/images.py), named as the pages name them.

    Made from the print rendition when a PDF made it already and it is wide enough
    (a camera's 12-megapixel original is printed at half its size: a quarter of its
    pixels to decode and reduce), else from the original."""
    cache = Cache(Path(cache_root))
    with _naming(Path(path)):
        data = Path(path).read_bytes()
        printed = cache.file(print_key, name) if print_key and cache.get(print_key) else None
        width, _ = images.photo_size(Path(path))
        if printed is not None:
            smaller, _ = images.photo_size(printed)
            if smaller >= images.rendition_widths(width)[-1]:
                data = printed.read_bytes()
        made = images.make_renditions(data)
    files = {rendition_name(name, width): made[width] for width in sorted(made)}
    meta = {"files": sorted(files), "widths": sorted(made)}
    return cache.put(key, files, meta)


def photo_step(
    path: str, name: str, metadata: dict[str, Any], key: str, cache_root: str
) -> dict[str, Any]:
    """The original a journalist downloads: its pixels untouched, the release's caption in
    every published language, credit, copyright and embargo in its IPTC and XMP fields."""
    embargo = metadata.get("embargo")
    meta = images.PhotoMetadata(
        captions=dict(metadata["captions"]),
        credit=metadata["credit"],
        copyright=metadata.get("copyright"),
        copyrights=dict(metadata.get("copyrights") or {}),
        embargo=dt.datetime.fromisoformat(embargo) if embargo else None,
        reference=metadata.get("reference") or "",
        headline=metadata.get("headline") or "",
    )
    with _naming(Path(path)):
        data = images.embed_metadata(Path(path).read_bytes(), meta)
    return Cache(Path(cache_root)).put(
        key, {name: data}, {"files": [name], "size": len(data), "sha256": _sha256(data)}
    )


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- PDF


def pdf_step(
    root: str,
    slug: str,
    lang: str,
    draft: bool,
    key: str,
    cache_root: str,
    thumb_key: str = "",
    photo_keys: dict[str, str] | None = None,
    build: str = "",
    fonts: str = "",
) -> dict[str, Any]:
    """One language's PDF, with what a listing shows of it: size and pages.

    With `thumb_key`, the first-page thumbnail is stored too (a separate cache
    entry), sparing the site a second pass over every new PDF. `photo_keys`: the cache
    key of each photo's print rendition (made here by the first PDF that needs it,
    shared by the others). `build`: the build's id; its PDFs rendered in one process
    share a font configuration (no effect on the bytes: render/pdf_runtime.py), and so
    do a pool worker's PDFs of every build while `fonts` (the font files' fingerprint)
    is the same.
    """
    scope = f"worker-fonts-{fonts}" if _pool_worker and fonts else build or None
    with _rendering_pdf():
        prepared = {
            name: _print_photo(root, slug, name, photo_key, cache_root)
            for name, photo_key in (photo_keys or {}).items()
        }
        rendered = _pdf(root, slug, lang, draft, prepared, scope)

    meta: PdfMeta = {
        "size": len(rendered.data),
        "sha256": hashlib.sha256(rendered.data).hexdigest(),
        "pages": rendered.pages,
    }
    if thumb_key:
        thumb = _thumbnail(rendered.data)
        files = {"thumb.png": thumb} if thumb is not None else {}
        Cache(Path(cache_root)).put(thumb_key, files, _thumb_meta(thumb))
    return Cache(Path(cache_root)).put(key, {"out.pdf": rendered.data}, meta)


def thumbnail_step(pdf_path: str, key: str, cache_root: str) -> dict[str, Any]:
    """A first-page PNG of a PDF, for site listings (a step of its own: builds need none)."""
    thumb = _thumbnail(Path(pdf_path).read_bytes())
    files = {"thumb.png": thumb} if thumb is not None else {}
    return Cache(Path(cache_root)).put(key, files, _thumb_meta(thumb))


def _thumb_meta(thumb: bytes | None) -> ThumbMeta:
    """Whether there is a thumbnail, and its size from the PNG header (listings reserve the
    space without opening thousands of files)."""
    if thumb is None or len(thumb) < 24 or not thumb.startswith(b"\x89PNG\r\n\x1a\n"):
        return {"thumb": thumb is not None}
    width, height = struct.unpack(">II", thumb[16:24])
    return {"thumb": True, "width": width, "height": height}


def _pdf(
    root: str,
    slug: str,
    lang: str,
    draft: bool,
    print_photos: dict[str, Path],
    fonts_scope: str | None,
) -> RenderedPdf:
    ws, release = _load(root, slug)
    document = release.synced_document()
    choice = choose(ws, release, document, lang)
    return render_release_pdf(ws, release, document, choice, draft, print_photos, fonts_scope)


def print_photo_step(
    root: str, slug: str, name: str, key: str, cache_root: str, renditions_key: str = ""
) -> dict[str, Any]:
    """A photo's print rendition, made once before the PDFs that embed it (several PDFs
    rendering at once would each make it). With `renditions_key`, its web renditions too
    (`renditions_step`, from that print rendition: the original decoded once)."""
    _print_photo(root, slug, name, key, cache_root)
    if renditions_key:
        _, release = _load(root, slug)
        source = release.root / PHOTOS_DIR / name
        renditions_step(str(source), name, renditions_key, cache_root, key)
    return {"files": [name]}


def _print_photo(root: str, slug: str, name: str, key: str, cache_root: str) -> Path:
    """A photo's print rendition from the cache, made now if no PDF made it yet."""
    cache = Cache(Path(cache_root))
    if cache.get(key) is None:
        _, release = _load(root, slug)
        source = release.root / PHOTOS_DIR / name
        with _naming(source):
            data = images.print_rendition(read_capped(source, images.MAX_PHOTO_BYTES, RenderError))
        cache.put(key, {name: data}, {"files": [name]})
    return cache.file(key, name)


@contextlib.contextmanager
def _naming(photo: Path) -> Iterator[None]:
    """A photo's error names the photo (`path: message`, as every error a user can mend
    does): render/images.py decodes bytes in memory and knows no file."""
    try:
        yield
    except PhotoError as error:
        if error.path is not None:
            raise
        raise PhotoError(error.message, path=photo) from None


def _thumbnail(data: bytes) -> bytes | None:
    """The first page as a PNG (pdftoppm); None without poppler."""
    if shutil.which("pdftoppm") is None:
        return None
    with tempfile.TemporaryDirectory(prefix="publisher-thumb-") as tmp:
        pdf = Path(tmp) / "in.pdf"
        pdf.write_bytes(data)
        out = Path(tmp) / "thumb"
        done = subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                "-scale-to-x",
                str(THUMB_WIDTH),
                "-scale-to-y",
                "-1",
                str(pdf),
                str(out),
            ],
            capture_output=True,
            check=False,
        )
        png = out.with_suffix(".png")
        return png.read_bytes() if done.returncode == 0 and png.is_file() else None
