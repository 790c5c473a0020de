"""`publisher bundle`: one zip a wire service can ingest without asking questions.

    <slug>/<lang>.pdf        the published PDF of every publishable language
    <slug>/<lang>.html       the web page (its photos in photos/ below)
    <slug>/<lang>.txt        wire copy: UTF-8 plain text, dateline first, end mark last,
                             wrapped at 72 columns, never inside a Khmer word
    <slug>/photos/           each photo's original, with the caption in every published
                             language, credit, copyright and embargo in its IPTC/XMP
                             fields, and the renditions the pages show
    <slug>/manifest.json     titles and dates per language, file sizes and SHA-256,
                             who approved each language and when, the photos, the tool

The zip is deterministic (fixed timestamps and permissions, sorted names): the
same release gives the same bytes, so a checksum of the bundle identifies it.
The PDFs and pages are the build's own (same cache, same bytes as `dist/`).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publisher import __version__
from publisher.core import dates, history
from publisher.core.approvals import load_catalog
from publisher.core.fsutil import atomic_write_bytes
from publisher.core.photos import PHOTOS_DIR
from publisher.core.release import Release
from publisher.core.states import State
from publisher.core.workspace import Workspace
from publisher.errors import RenderError, Unpublishable
from publisher.publishing.builders.base import Builder
from publisher.publishing.builders.wire import wire_copy
from publisher.publishing.records import ListingView
from publisher.publishing.workers import ProgressHook

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
MANIFEST_FORMAT = "publisher-bundle/1"


@dataclass
class BundleResult:
    path: Path
    languages: list[str]
    refused: list[str] = field(default_factory=list)
    size: int = 0


class BundleBuilder(Builder[BundleResult]):
    """Zips one release's publishable languages into `target`."""

    name = "bundle"

    def __init__(
        self,
        ws: Workspace,
        *,
        target: Path,
        jobs: int | None = None,
        progress: ProgressHook | None = None,
    ) -> None:
        super().__init__(ws, jobs=jobs, progress=progress)
        self.target = target

    def build(self, releases: Sequence[Release]) -> BundleResult:
        """Render (or take from the cache) every publishable language and zip it."""
        if len(releases) != 1:
            raise RenderError("a bundle holds exactly one release")
        release = releases[0]
        with self.engine() as engine:
            plan = engine.plans([release], draft=False)[0]
            if plan.error:
                raise plan.error
            refused = [refusal.message for refusal in plan.refused.values()]
            if not plan.published:
                raise RenderError(
                    f"{release.label}: no language can be published: "
                    + "; ".join(refused)
                    + f" (see `publisher status {release.short_name}`)"
                )
            page = engine.html([plan], draft=False, variant="build", params={"pdf": True})
            # the bundle carries the web pages' photo renditions: made with the print ones
            pdfs = engine.pdfs(
                [(plan, lang) for lang in plan.published], draft=False, web_photos=True
            )
            for step in [page[plan.slug], *pdfs.values()]:
                if step.error:
                    raise step.error
            html = {
                lang: engine.cache.file(page[plan.slug].key, f"{lang}.html").read_bytes()
                for lang in plan.published
            }
            pdf = {
                lang: engine.cache.file(pdfs[(plan.slug, lang)].key, "out.pdf").read_bytes()
                for lang in plan.published
            }
            photos: dict[str, bytes] = {}
            for photo in engine.photos([plan]).get(plan.slug, []):
                if photo.error:
                    raise photo.error
                for name, _, source in photo.outputs(engine.cache):
                    photos[name] = Path(source).read_bytes()
        data = bundle_bytes(
            self.ws,
            release,
            plan.published,
            html,
            pdf,
            plan.views,
            refused=plan.refused,
            photos=photos,
        )
        atomic_write_bytes(self.target, data)
        return BundleResult(self.target, plan.published, refused, len(data))


def bundle_bytes(
    ws: Workspace,
    release: Release,
    langs: list[str],
    html: dict[str, bytes],
    pdf: dict[str, bytes],
    views: dict[str, ListingView],
    *,
    refused: dict[str, Unpublishable],
    photos: dict[str, bytes] | None = None,
) -> bytes:
    """The zip's bytes; `photos`: photos/ as the pages use it (renditions, and originals
    with caption, credit, copyright and embargo in their IPTC and XMP fields)."""
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
            entries.append(
                {
                    "name": name,
                    "type": mime,
                    "size": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(),
                }
            )
        view = views[lang]
        manifest_langs[lang] = {
            "title": view["title"],
            "date": release.meta.date.isoformat(),
            "date_text": dates.format_date(release.meta.date, lang),
            "dateline": view["dateline"],
            "release_line": view.get("release_line", ""),
            "files": entries,
            "approval": approvals[lang],
        }
    photo_entries = []
    for name, data in sorted((photos or {}).items()):
        files[f"{PHOTOS_DIR}/{name}"] = data
        described = next((p for p in release.meta.photos if p.file == name), None)
        entry: dict[str, Any] = {
            "name": f"{PHOTOS_DIR}/{name}",
            "type": "image/png" if name.endswith(".png") else "image/jpeg",
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        if described is not None:
            entry["original"] = True
            entry["credit"] = described.credit
            entry["copyright"] = described.copyright
            entry["captions"] = {
                lang: views[lang]["photos"][index]["caption"]
                for lang in langs
                for index, shown in enumerate(views[lang].get("photos", []))
                if shown["file"] == name
            }
        else:
            entry["rendition_of"] = next(
                (
                    f"{PHOTOS_DIR}/{p.file}"
                    for p in release.meta.photos
                    if name.startswith(p.file.rpartition(".")[0] + "-")
                ),
                None,
            )
        photo_entries.append(entry)
    manifest = {
        "format": MANIFEST_FORMAT,
        "release": release.slug,
        "date": release.meta.date.isoformat(),
        "reference": release.meta.reference,
        "number": release.meta.number,
        "embargo": release.meta.embargo.isoformat() if release.meta.embargo else None,
        "source_language": release.meta.source_language,
        "required_state": ws.config.required_state.value,
        "languages": manifest_langs,
        "photos": photo_entries,
        "not_published": {lang: error.message for lang, error in sorted(refused.items())},
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

    events = history.read(release.history_path)
    out: dict[str, Any] = {}
    for lang in langs:
        if lang == release.meta.source_language:
            imported = next((e for e in events if e.action == "import"), None)
            out[lang] = {
                "source": True,
                "imported_at": imported.at if imported else None,
                "imported_by": imported.by if imported else None,
            }
            continue
        catalog = load_catalog(release, lang)
        records = []
        for entry in catalog:
            if entry.review is not None and entry.state in (State.APPROVED, State.REVIEWED):
                records.append(
                    {
                        "segment": entry.id,
                        "level": entry.state.value,
                        "by": entry.review.by,
                        "at": entry.review.at,
                    }
                )
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
