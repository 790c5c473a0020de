"""`publisher fsck`: find what a crash, a hand edit or a copy left inconsistent, and repair it.

Checks, per release:

* an interrupted change (core/journal.py): finished if it was committed to,
  removed if it was not;
* leftover temporary files of interrupted writes (`.*.tmp`);
* catalogs that disagree with segments.json (a segment missing, an entry whose
  source is not the segment's): repaired by the sync rules (an entry whose source
  changed becomes stale, its old translation kept);
* review records the history does not back (written by hand or carried in by a
  file): reported, and removed on repair (they approve nothing either way);
* history lines that do not parse;
* a file of the release replaced by a symbolic link (`source.md`, `segments.json`, a
  catalog, a photo...): named with its target and kept (the office replaces it with
  the file itself), and nothing else is read through it;

and in the workspace, the staging folders of interrupted `publisher new` runs.
Everything is reported; `repair=False` changes nothing.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from publisher.core import journal
from publisher.core.approvals import load_catalog
from publisher.core.fsutil import read_bytes
from publisher.core.photos import PHOTOS_DIR
from publisher.core.release import Release
from publisher.core.segments import SegmentMap
from publisher.core.workspace import Workspace
from publisher.workflow.session import changing
from publisher.workflow.sync import reconcile


@dataclass
class FsckReport:
    """What fsck found in one release (or in the workspace, `slug` None) and what it did."""

    slug: str | None
    found: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.found


def check_workspace(ws: Workspace, *, repair: bool) -> FsckReport:
    """Staging folders of `publisher new` runs that never finished."""
    report = FsckReport(None)
    if not ws.releases_dir.is_dir():
        return report
    for folder in sorted(ws.releases_dir.glob(".*.importing")):
        report.found.append(f"an interrupted `publisher new` left {folder.name}")
        if repair:
            shutil.rmtree(folder)
            report.repaired.append(f"removed {folder.name}")
    return report


def check_release(release: Release, *, repair: bool) -> FsckReport:
    report = FsckReport(release.slug)
    root = release.root
    state = journal.state(root)
    if state == "unfinished":
        report.found.append("an interrupted change was committed but not finished")
    elif state == "abandoned":
        report.found.append("an interrupted change was never committed")
    for tmp in sorted([*root.glob(".*.tmp"), *root.glob("translations/.*.tmp")]):
        report.found.append(f"a temporary file of an interrupted write: {tmp.relative_to(root)}")
    if repair and (state or report.found):
        with release.lock():
            done = journal.recover(root)
            if done:
                report.repaired.append(done)
            for tmp in [*root.glob(".*.tmp"), *root.glob("translations/.*.tmp")]:
                tmp.unlink(missing_ok=True)
                report.repaired.append(f"removed {tmp.relative_to(root)}")
    if journal.state(root) == "unfinished":
        return report  # nothing else can be read consistently until it is finished
    if _check_links(release, report):
        return report  # nothing is read through a link; the office replaces it first
    _check_history(release, report)
    _check_photos(release, report)
    mismatched, unbacked = _check_catalogs(release)
    report.found += mismatched + unbacked
    if repair and (mismatched or unbacked):
        with changing(release, what="repair") as session:
            segments = SegmentMap.load(release.segments_path)
            for lang in release.meta.target_languages:
                session.catalog(lang)  # drops the review records nothing backs
                reconcile(session, lang, segments.segments)
        report.repaired.append(
            "brought the catalogs in line with segments.json and the history"
            if mismatched
            else "removed the review records the history does not back"
        )
    return report


def _check_links(release: Release, report: FsckReport) -> bool:
    """The release's files that are symbolic links, named with their targets; True if any."""
    root = release.root
    files = [
        root / name
        for name in ("release.toml", "source.md", "segments.json", "history.jsonl", "sends.jsonl")
    ]
    for folder in (root / "translations", root / PHOTOS_DIR):
        if folder.is_dir() and not folder.is_symlink():
            files += sorted(folder.iterdir())
        elif folder.is_symlink():
            files.append(folder)
    found = False
    for path in files:
        if path.is_symlink():
            found = True
            report.found.append(
                f"{path.relative_to(root).as_posix()} is a symbolic link (to "
                f"{os.readlink(path)}): nothing is read through it (kept as it is: replace "
                "the link with the file itself)"
            )
    return found


def _check_photos(release: Release, report: FsckReport) -> None:
    """Photos release.toml names but the folder lacks, and files it holds that no entry
    names: reported, never repaired (a photo is the office's to restore or delete)."""
    folder = release.root / PHOTOS_DIR
    present = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
    named = {photo.file for photo in release.meta.photos}
    for name in sorted(named - present):
        report.found.append(
            f"{PHOTOS_DIR}/{name} is named in release.toml but missing (kept as it is: add it "
            f"again with `publisher photo add` or remove it with `publisher photo remove`)"
        )
    for name in sorted(present - named):
        report.found.append(
            f"{PHOTOS_DIR}/{name} is not named in release.toml: no output shows it (kept as it "
            "is: `publisher photo add` takes a photo with its caption)"
        )


def _check_history(release: Release, report: FsckReport) -> None:
    try:
        lines = read_bytes(release.history_path).decode("utf-8", "replace").splitlines()
    except FileNotFoundError:
        return
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            json.loads(line)
        except ValueError:
            report.found.append(f"history.jsonl:{number} does not parse (kept as it is)")


def _check_catalogs(release: Release) -> tuple[list[str], list[str]]:
    segments = SegmentMap.load(release.segments_path).by_id()
    mismatched: list[str] = []
    unbacked: list[str] = []
    for lang in release.meta.target_languages:
        if not release.catalog_path(lang).exists():
            mismatched.append(f"translations/{lang}.po is missing")
            continue
        catalog = load_catalog(release, lang)
        missing = [s for s in segments if s not in catalog.entries]
        extra = [e.id for e in catalog if e.id not in segments]
        differ = [e.id for e in catalog if e.id in segments and e.source != segments[e.id].source]
        for label, ids in (
            ("segments missing from", missing),
            ("entries not in segments.json in", extra),
            ("entries whose source is not the segment's in", differ),
        ):
            if ids:
                mismatched.append(f"{label} translations/{lang}.po: {', '.join(ids)}")
        claims = [e.id for e in catalog if e.review_unbacked]
        if claims:
            unbacked.append(
                f"review records in translations/{lang}.po that the history does not back "
                f"(not approvals): {', '.join(claims)}"
            )
    return mismatched, unbacked


def release_roots(ws: Workspace) -> list[Path]:
    """Every release folder, including ones a broken file would hide from other commands."""
    if not ws.releases_dir.is_dir():
        return []
    return sorted(p for p in ws.releases_dir.iterdir() if p.is_dir() and not p.name.startswith("."))
