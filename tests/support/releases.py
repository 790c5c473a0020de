"""Shared by the embargo, numbering, boilerplate and notes tests: a second release made
as an office makes one, snapshots of a whole workspace, PDF text page by page."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

import polib

from tests.support.workspace import SAMPLE_TXT, Cli

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


def tree_bytes(root: Path, *, locks: bool = True) -> dict[str, bytes]:
    """Every file under `root` (hidden ones too) and its bytes: "nothing changed" means equal.

    `locks=False` leaves out the empty lock files a command that takes a lock creates on
    first use (a successful command that changes nothing may still take the lock)."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink() and (locks or not path.name.endswith(".lock"))
    }


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    found = re.search(r"^Pages:\s+(\d+)", info.stdout, re.M)
    assert found, info.stdout
    return int(found.group(1))


def pdf_text(path: Path, page: int | None = None, *, raw: bool = False) -> str:
    """pdftotext of the whole file, or of one page; `raw`: in the order it is drawn (a
    column after the other) rather than line by line across the page."""
    args = ["-f", str(page), "-l", str(page)] if page is not None else []
    args += ["-raw"] if raw else []
    return subprocess.run(
        ["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def squash(text: str) -> str:
    """Whitespace-free NFC text (pdftotext breaks lines where the PDF does)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text).replace("\u200b", ""))
