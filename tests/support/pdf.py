"""A PDF read back as a reader's tools read it: poppler's pdftotext and pdfinfo."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    found = re.search(r"^Pages:\s+(\d+)", info.stdout, re.M)
    assert found, info.stdout
    return int(found.group(1))


def pdf_text(path: Path, page: int | None = None, *options: str, raw: bool = False) -> str:
    """pdftotext of the whole file, or of one page; `raw`: in the order it is drawn (a
    column after the other) rather than line by line across the page; `options`: more of
    pdftotext's own (`-layout`, `-bbox`, an area with `-x -y -W -H`)."""
    args = ["-f", str(page), "-l", str(page)] if page is not None else []
    args += ["-raw"] if raw else []
    args += options
    return subprocess.run(
        ["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def squash(text: str, *, hyphens: bool = True) -> str:
    """Whitespace-free NFC text without the PDF's Khmer ZWSP (pdftotext breaks lines where
    the PDF does); `hyphens=False` drops hyphens too, because pdftotext joins a line ending
    in one with the next (`people-to-` + `people`)."""
    text = unicodedata.normalize("NFC", text).replace("\u200b", "")
    if not hyphens:
        text = text.replace("-", "")
    return re.sub(r"\s+", "", text)
