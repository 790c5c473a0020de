"""Draft previews: the PDF and web page of one language, made by the real build.

A preview is `publisher build --draft --lang L` written into a private folder
of the workspace's cache (`.publisher-cache/preview/<slug>/`), never into
`dist/`: DRAFT on every page, unapproved segments marked, the same templates,
fonts and incremental cache as a real build. The files served back are looked
up by a release that exists and a language it has, in that fixed folder: no
part of a request becomes a path.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from publisher.core import languages
from publisher.core.release import Release
from publisher.core.workspace import Workspace
from publisher.publishing.builders.dist import DistBuilder
from publisher.publishing.cache import CACHE_DIRNAME
from publisher.publishing.resident import ResidentRenderer
from publisher.publishing.workers import WorkerPool

PREVIEW_DIRNAME = "preview"
FORMATS = ("pdf", "html")
_NAME = re.compile(r"^([A-Za-z-]{2,20})\.(pdf|html)$")

#: One preview build at a time: WeasyPrint is not thread-safe and a second request
#: for the same files would only wait for the first anyway.
_BUILDING = threading.Lock()


def preview_root(ws: Workspace) -> Path:
    return ws.root / CACHE_DIRNAME / PREVIEW_DIRNAME


@dataclass
class Preview:
    """The preview files of one language, and what the last build said."""

    files: list[tuple[str, str]] = field(default_factory=list)  # (file name, format)
    built: str | None = None  # ISO time of the newest file
    problems: list[str] = field(default_factory=list)


def existing(ws: Workspace, release: Release, lang: str) -> Preview:
    folder = preview_root(ws) / release.slug
    preview = Preview()
    newest = 0.0
    for fmt in FORMATS:
        path = folder / f"{lang}.{fmt}"
        if path.is_file():
            preview.files.append((path.name, fmt))
            newest = max(newest, path.stat().st_mtime)
    if newest:
        stamp = dt.datetime.fromtimestamp(newest, dt.UTC).replace(microsecond=0)
        preview.built = stamp.isoformat().replace("+00:00", "Z")
    return preview


def build(
    ws: Workspace, release: Release, lang: str, renderer: ResidentRenderer | None = None
) -> Preview:
    """Build the draft of `lang` and say what happened: its PDF by the server's warm
    `renderer` when there is one (see publishing/resident.py), else in this process."""
    started = time.monotonic()
    if renderer is not None:
        with renderer.building() as pool:
            report = _builder(ws, lang, pool).build([release])
    else:
        with _BUILDING:
            report = _builder(ws, lang, None).build([release])
    preview = existing(ws, release, lang)
    preview.problems = [r.message for r in report.refused] + [
        f.format(root=ws.root) for f in report.failed
    ]
    # The server's one-line summary of each preview, on its stderr (its terminal or log).
    print(
        f"preview {release.label} {lang}: built in {time.monotonic() - started:.1f} s"
        + (f", {len(preview.problems)} problem(s)" if preview.problems else ""),
        file=sys.stderr,
        flush=True,
    )
    return preview


def _builder(ws: Workspace, lang: str, pool: WorkerPool | None) -> DistBuilder:
    return DistBuilder(ws, out_dir=preview_root(ws), langs=[lang], draft=True, jobs=1, pool=pool)


def preview_file(ws: Workspace, release: Release, name: str) -> Path | None:
    """The preview file `name` (`km.pdf`) of `release`, or None.

    Only a language of the release in its canonical spelling and one of the
    two formats is accepted, and the file must resolve inside the preview
    folder (a symlink planted there leads nowhere).
    """
    match = _NAME.match(name)
    if match is None:
        return None
    lang, fmt = match.groups()
    if lang not in release.languages or languages.canonical(lang) != lang or fmt not in FORMATS:
        return None
    root = preview_root(ws).resolve()
    path = (root / release.slug / f"{lang}.{fmt}").resolve()
    if path.parent != root / release.slug or not path.is_file():
        return None
    return path
