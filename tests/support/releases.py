"""A release as the tests make it and read it back: a second release made as an office makes
one; its history, catalogs and states as every command sees them (review records backed by
the history), its PO files as a translator's tool reads them, its status as `status --json`
prints it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import polib

from publisher.core.approvals import load_catalog
from publisher.core.catalog import Catalog, Entry
from publisher.core.release import Release

# pdf_pages, pdf_text, squash and tree_bytes lived here once: still importable from here.
from tests.support.pdf import pdf_pages, pdf_text, squash  # noqa: F401
from tests.support.workspace import (
    REPO,
    SAMPLE_SLUG,
    SAMPLE_TXT,
    Cli,
    tree_bytes,  # noqa: F401
)

REVIEWER = "Sok Dara"
LANGS = ("en", "km", "zh-Hans")


def add_translated_release(
    cli: Cli,
    titles: dict[str, str],
    *,
    date: str,
    embargo: str | None = None,
    tmp: Path,
) -> str:
    """A new release of the sample text with its own title, translated from the memory and
    approved in Khmer and Chinese, through the commands a press office runs; its slug."""
    args = ["new", str(SAMPLE_TXT), "--title", titles["en"], "--date", date]
    args += ["--place", "Phnom Penh"]
    if embargo is not None:
        args += ["--embargo", embargo]
    created = cli(*args).stdout
    found = re.search(r"^created releases/(\S+) ", created, re.M)
    assert found, created
    slug = found.group(1)
    for lang in ("km", "zh-Hans"):
        cli("translate", slug, "--lang", lang, "--engine", "memory")
        po = tmp / f"{slug}.{lang}.po"
        cli("export", slug, "--lang", lang, "--format", "po", "--out", str(po))
        catalog = polib.pofile(str(po))
        next(e for e in catalog if e.msgctxt == "title").msgstr = titles[lang]
        catalog.save()
        cli("import", str(po), "--by", REVIEWER)
        cli("approve", slug, "--lang", lang, "--all", "--by", REVIEWER)
    return slug


def release_dir(root: Path, slug: str = SAMPLE_SLUG) -> Path:
    return root / "releases" / slug


def history(where: Path | Release, slug: str = SAMPLE_SLUG) -> list[dict[str, Any]]:
    """Every record of a release's history.jsonl, in order (strict: a torn line fails); the
    release given as itself or as a workspace folder and a slug."""
    if isinstance(where, Release):
        path = where.history_path
    else:
        path = release_dir(where, slug) / "history.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def catalog(root: Path, lang: str = "km", slug: str = SAMPLE_SLUG) -> Catalog:
    """The catalog as the tool reads it: a review counts only if the history backs it."""
    return load_catalog(Release.load(release_dir(root, slug)), lang)


def states(root: Path, lang: str = "km", slug: str = SAMPLE_SLUG) -> dict[str, str]:
    """segment -> its state, as every command sees it (review records backed by the history)."""
    return {entry.id: entry.state.value for entry in catalog(root, lang, slug)}


def reviewed_by(entry: Entry) -> str | None:
    """Who the segment's review record names (its reviewer or approver); None if it has none."""
    return entry.review.by if entry.review is not None else None


def po_path(root: Path, lang: str = "km", slug: str = SAMPLE_SLUG) -> Path:
    return release_dir(root, slug) / "translations" / f"{lang}.po"


def po_entries(root: Path, lang: str = "km", slug: str = SAMPLE_SLUG) -> dict[str, polib.POEntry]:
    """segment -> its PO entry, as a translator's tool (Poedit, through polib) reads the file;
    obsolete entries left out."""
    return {e.msgctxt: e for e in polib.pofile(str(po_path(root, lang, slug))) if not e.obsolete}


def status_languages(cli: Cli, slug: str = SAMPLE_SLUG) -> dict[str, Any]:
    """lang -> what `publisher status --json` says of it, for one release."""
    languages: dict[str, Any] = json.loads(cli("status", slug, "--json").stdout)["releases"][0][
        "languages"
    ]
    return languages


# The shipped sample's approved Khmer translations, reused as "a translator's work".
REPO_KM = REPO / "releases" / SAMPLE_SLUG / "translations" / "km.po"


def translate(
    workspace: Path, segments: list[str], overrides: dict[str, str] | None = None
) -> dict[str, str]:
    """Fill km msgstrs as a PO editor would (plain translated, no review record)."""
    shipped = {e.msgctxt: e.msgstr for e in polib.pofile(str(REPO_KM))}
    texts = {seg: (overrides or {}).get(seg, shipped[seg]) for seg in segments}
    po = polib.pofile(str(po_path(workspace)))
    for entry in po:
        if entry.msgctxt in texts:
            entry.msgstr = texts[entry.msgctxt]
    po.save()
    return texts


def review_events(workspace: Path) -> list[dict[str, Any]]:
    """The sample's history without its import records: the reviewers' decisions."""
    return [e for e in history(workspace) if e["action"] != "import"]
