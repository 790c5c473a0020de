"""`publisher bundle`: one zip a wire service can ingest without asking questions.

    <slug>/<lang>.pdf        the published PDF of every publishable language
    <slug>/<lang>.html       the self-contained web page
    <slug>/<lang>.txt        wire copy: UTF-8 plain text, dateline first, end mark last,
                             wrapped at 72 columns, never inside a Khmer word
    <slug>/manifest.json     titles and dates per language, file sizes and SHA-256,
                             who approved each language and when, the tool version

The zip is deterministic (fixed timestamps and permissions, sorted names): the
same release gives the same bytes, so a checksum of the bundle identifies it.
The PDFs and pages are the build's own (same cache, same bytes as `dist/`).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publisher import __version__, dates
from publisher.errors import RenderError
from publisher.fsutil import atomic_write_bytes
from publisher.release import Release
from publisher.states import State
from publisher.workspace import Workspace

WIDTH = 72
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
MANIFEST_FORMAT = "publisher-bundle/1"


@dataclass
class BundleResult:
    path: Path
    languages: list[str]
    refused: list[str] = field(default_factory=list)
    size: int = 0


def make_bundle(
    ws: Workspace, release: Release, target: Path, *, jobs: int | None = None, steps: Any = None
) -> BundleResult:
    """Render (or take from the cache) every publishable language and zip it."""
    from publisher.site.engine import Engine

    with Engine(ws, jobs=jobs, progress=steps) as engine:
        plan = engine.plans([release], draft=False)[0]
        if plan.error:
            raise RenderError(plan.error)
        refused = [info["message"] for info in plan.refused.values()]
        if not plan.published:
            raise RenderError(
                f"{release.slug}: no language can be published: " + "; ".join(refused)
            )
        page = engine.html([plan], draft=False, variant="build", params={"pdf": True})[plan.slug]
        pdfs = engine.pdfs([(plan, lang) for lang in plan.published], draft=False)
        for step in [page, *pdfs.values()]:
            if step.error:
                raise RenderError(step.error)
        html = {lang: engine.cache.file(page.key, f"{lang}.html").read_bytes()
                for lang in plan.published}  # fmt: skip
        pdf = {lang: engine.cache.file(pdfs[(plan.slug, lang)].key, "out.pdf").read_bytes()
               for lang in plan.published}  # fmt: skip
    data = bundle_bytes(ws, release, plan.published, html, pdf, plan.views, refused=plan.refused)
    atomic_write_bytes(target, data)
    return BundleResult(target, plan.published, refused, len(data))


def bundle_bytes(
    ws: Workspace,
    release: Release,
    langs: list[str],
    html: dict[str, bytes],
    pdf: dict[str, bytes],
    views: dict[str, dict[str, Any]],
    *,
    refused: dict[str, dict[str, Any]],
) -> bytes:
    files: dict[str, bytes] = {}
    manifest_langs: dict[str, Any] = {}
    approvals = approval_records(ws, release, langs)
    for lang in langs:
        wire = wire_copy(ws, release, lang).encode("utf-8")
        entries = []
        for name, data, mime in (
            (f"{lang}.pdf", pdf[lang], "application/pdf"),
            (f"{lang}.html", html[lang], "text/html; charset=utf-8"),
            (f"{lang}.txt", wire, "text/plain; charset=utf-8"),
        ):
            files[name] = data
            entries.append({"name": name, "type": mime, "size": len(data),
                            "sha256": hashlib.sha256(data).hexdigest()})  # fmt: skip
        view = views[lang]
        manifest_langs[lang] = {
            "title": view["title"],
            "date": release.meta.date.isoformat(),
            "date_text": dates.format_date(release.meta.date, lang),
            "dateline": view["dateline"],
            "files": entries,
            "approval": approvals[lang],
        }
    manifest = {
        "format": MANIFEST_FORMAT,
        "release": release.slug,
        "date": release.meta.date.isoformat(),
        "reference": release.meta.reference,
        "source_language": release.meta.source_language,
        "required_state": ws.config.required_state.value,
        "languages": manifest_langs,
        "not_published": {lang: info["message"] for lang, info in sorted(refused.items())},
        "tool": {"name": "publisher", "version": __version__},
    }
    files["manifest.json"] = (
        json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    ).encode("utf-8")
    return deterministic_zip({f"{release.slug}/{name}": data for name, data in files.items()})


def deterministic_zip(files: dict[str, bytes]) -> bytes:
    """A zip whose bytes depend only on the names and contents given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, whatever the building machine
            archive.writestr(info, files[name], compresslevel=9)
    return buffer.getvalue()


# --------------------------------------------------------------------------- approvals


def approval_records(ws: Workspace, release: Release, langs: list[str]) -> dict[str, Any]:
    """Who approved each language and when: the catalogs' review records (bound to the
    exact texts), cross-checked with history.jsonl for the reviewers' own entries."""
    from publisher import history
    from publisher.workflow import load_catalog

    events = history.read(release.history_path)
    out: dict[str, Any] = {}
    for lang in langs:
        if lang == release.meta.source_language:
            imported = next((e for e in events if e.action == "import"), None)
            out[lang] = {"source": True, "imported_at": imported.at if imported else None,
                         "imported_by": imported.by if imported else None}  # fmt: skip
            continue
        catalog = load_catalog(release, lang)
        records = []
        for entry in catalog:
            if entry.review is not None and entry.state in (State.APPROVED, State.REVIEWED):
                records.append({"segment": entry.id, "level": entry.state.value,
                                "by": entry.review.by, "at": entry.review.at})  # fmt: skip
        logged = [e for e in events if e.lang == lang and e.action == "approve"]
        out[lang] = {
            "by": sorted({r["by"] for r in records}),
            "approved_at": max((r["at"] for r in records), default=None),
            "segments": len(records),
            "records": records,
            "history_events": len(logged),
        }
    return out


# --------------------------------------------------------------------------- wire copy


def wire_copy(ws: Workspace, release: Release, lang: str) -> str:
    """The release as plain text: dateline, title, body, end mark; 72 columns."""
    from publisher.publication import build_publication, translated_texts
    from publisher.render.templating import locale_dirs, translations_for
    from publisher.workflow import load_catalog

    document = release.synced_document()
    catalog = None if lang == release.meta.source_language else load_catalog(release, lang)
    texts = translated_texts(document, catalog, ws.config.required_state, draft=False,
                             release=release.slug, lang=lang)  # fmt: skip
    gettext = translations_for(lang, locale_dirs(ws.locales_dir)).gettext
    pub = build_publication(ws, release, document, lang, texts, draft=False, gettext=gettext)
    paragraphs: list[list[str]] = [wrap(pub.dateline, lang)]
    if pub.reference:
        paragraphs.append(wrap(f"{gettext('Reference')}: {pub.reference}", lang))
    paragraphs.append(wrap(pub.title_text, lang))
    paragraphs.extend(_blocks(pub.blocks, lang, ""))
    paragraphs.append([gettext("###")])
    return "\n\n".join("\n".join(lines) for lines in paragraphs if lines) + "\n"


def _blocks(leaves: list[Any], lang: str, indent: str) -> list[list[str]]:
    out: list[list[str]] = []
    for leaf in leaves:
        if leaf.kind in ("paragraph", "heading", "quote"):
            out.append(wrap(leaf.text, lang, first=indent, rest=indent))
        elif leaf.kind == "blockquote":
            out.extend(_blocks(leaf.children, lang, indent + "    "))
        elif leaf.kind in ("bullet_list", "ordered_list"):
            number = leaf.start or 1
            for item in leaf.children:
                if leaf.kind == "bullet_list":
                    mark = "- "
                else:
                    mark = f"{dates.localize_digits(str(number), lang)}. "
                    number += 1
                lines = wrap(item.text, lang, first=indent + mark,
                             rest=indent + " " * len(mark)) if item.text else []  # fmt: skip
                out.append(lines)
                out.extend(_blocks(item.children, lang, indent + " " * len(mark)))
        elif leaf.kind == "rule":
            out.append([indent + "* * *"])
    return [lines for lines in out if lines]


def display_width(text: str) -> int:
    """Columns a terminal gives `text`: CJK wide characters 2, combining marks 0."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def break_pieces(text: str, lang: str) -> list[str]:
    """`text` cut at its line-break opportunities; each piece keeps its trailing space.

    Khmer: the same ICU word breaks the PDF uses (publisher.render.khmer_breaks), so a
    line never ends inside a word. Other languages: ICU's line breaker (UAX #14: any
    space, and between Chinese characters but not before closing punctuation).
    """
    from publisher.render.khmer_breaks import ZWSP, insert_break_opportunities

    text = " ".join(text.split())
    if not text:
        return []
    if lang == "km":
        marked = insert_break_opportunities(text)
        return [p.replace(ZWSP, "") for p in re.split(f"(?<=[ {ZWSP}])", marked) if p]
    from icu4py.breakers import LineBreaker

    return [piece for piece in LineBreaker(text, lang.replace("-", "_")) if piece]


def wrap(text: str, lang: str, *, width: int = WIDTH, first: str = "", rest: str = "") -> list[str]:
    """Greedy wrap at break opportunities; a piece longer than a line (a URL) overflows."""
    lines: list[str] = []
    line = first
    has_text = False
    for piece in break_pieces(text, lang):
        if has_text and display_width((line + piece).rstrip()) > width:
            lines.append(line.rstrip())
            line, has_text = rest, False
        line += piece
        has_text = True
    if has_text:
        lines.append(line.rstrip())
    return lines
