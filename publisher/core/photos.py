"""The photos a release carries: files in its `photos/` folder, described in release.toml.

    [[photos]]
    file = "visit.jpg"                      # releases/<slug>/photos/visit.jpg
    caption = "Samdech Techo Hun Sen ..."   # in the source language: a segment
    credit = "Photo: MFAIC Press Office"    # printed as given
    credits = { km = "...", zh-Hans = "..." }       # optional: as each language writes it
    copyright = "© 2024 MFAIC"             # optional
    copyrights = { km = "...", zh-Hans = "..." }    # optional

The caption is part of the source: it becomes a segment of kind `caption`
(translated, reviewed, checked and required by the publishing rule like any
other), placed after the body in document order. Credit and copyright are
names and legal lines, printed as given, in a language's own form where one
is given (like a media contact's transliterated name), else as in the source.
Only files this module accepts by name can be named here, and the image checks
(JPEG or PNG, size, pixels, damage) are made when a photo is added
(`render/images.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publisher.core import languages
from publisher.core.text import clean_text

PHOTOS_DIR = "photos"

#: A photo's file name in photos/: one safe name with a JPEG or PNG extension, not one
#: a web rendition takes (`visit-960w.jpg`, see `rendition_name`).
PHOTO_NAME = re.compile(r"^(?![^.]*-[0-9]+w\.)[A-Za-z0-9][A-Za-z0-9_-]{0,79}\.(jpg|jpeg|png)$")

#: Photos in one release: a press release carries a few, a gallery belongs elsewhere.
MAX_PHOTOS = 20
#: A caption is a sentence or two; credit and copyright lines are shorter.
MAX_CAPTION_CHARS = 1_000
MAX_LINE_CHARS = 300


@dataclass
class Photo:
    """One photo of a release, as release.toml describes it."""

    file: str
    caption: str
    credit: str
    copyright: str | None = None
    #: The credit and copyright as a language writes them (transliterated names), by language.
    credits: dict[str, str] = field(default_factory=dict)
    copyrights: dict[str, str] = field(default_factory=dict)

    def credit_in(self, lang: str) -> str:
        return self.credits.get(lang, self.credit)

    def copyright_in(self, lang: str) -> str:
        return self.copyrights.get(lang, self.copyright or "")

    def to_toml(self) -> dict[str, Any]:
        data: dict[str, Any] = {"file": self.file, "caption": self.caption, "credit": self.credit}
        if self.credits:
            data["credits"] = dict(self.credits)
        if self.copyright:
            data["copyright"] = self.copyright
        if self.copyrights:
            data["copyrights"] = dict(self.copyrights)
        return data

    def path(self, release_root: Path) -> Path:
        return release_root / PHOTOS_DIR / self.file


def photo_from_toml(value: object, index: int) -> Photo:
    """One `[[photos]]` table, checked; ValueError saying which photo and what is wrong."""
    where = f"photo {index}"
    if not isinstance(value, dict):
        raise ValueError(f"{where}: each [[photos]] entry is a table with file, caption, credit")
    known = {"file", "caption", "credit", "credits", "copyright", "copyrights"}
    unknown = sorted(set(value) - known)
    if unknown:
        raise ValueError(
            f"{where}: unknown key {unknown[0]!r} (file, caption, credit, credits, copyright, "
            "copyrights)"
        )
    file = value.get("file")
    if not isinstance(file, str) or not PHOTO_NAME.match(file):
        raise ValueError(
            f"{where}: file must name a .jpg, .jpeg or .png in photos/ (letters, digits, "
            f"'-' and '_'), not {file!r}"
        )
    caption = check_caption(value.get("caption"), where)
    credit = check_line(value.get("credit"), f"{where}: credit", required=True)
    copyright_line = check_line(value.get("copyright"), f"{where}: copyright", required=False)
    credits = check_by_language(value.get("credits"), f"{where}: credits")
    copyrights = check_by_language(value.get("copyrights"), f"{where}: copyrights")
    return Photo(file, caption, credit, copyright_line or None, credits, copyrights)


def check_by_language(value: object, where: str) -> dict[str, str]:
    """`{ km = "...", zh-Hans = "..." }`: a line per language code."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f'{where} must be a table like {{ km = "...", zh-Hans = "..." }}')
    out: dict[str, str] = {}
    for lang, text in value.items():
        code = languages.canonical(str(lang))
        line = check_line(text, f"{where}.{lang}", required=False)
        if line:
            out[code] = line
    return out


def check_caption(value: object, where: str) -> str:
    """A caption as it is stored: one line of clean text, neither empty nor endless."""
    if not isinstance(value, str) or not clean_text(value).strip():
        raise ValueError(f"{where}: a photo needs a caption (what it shows, who, where)")
    text = " ".join(clean_text(value).split())
    if len(text) > MAX_CAPTION_CHARS:
        raise ValueError(f"{where}: the caption is longer than {MAX_CAPTION_CHARS} characters")
    return text


def check_line(value: object, where: str, *, required: bool) -> str:
    """A credit or copyright line: one line of clean text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValueError(f"{where} is missing (who took or owns the photo)")
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{where} must be text")
    text = " ".join(clean_text(value).split())
    if len(text) > MAX_LINE_CHARS:
        raise ValueError(f"{where} is longer than {MAX_LINE_CHARS} characters")
    return text


def photos_from_toml(value: object) -> list[Photo]:
    """Every `[[photos]]` entry of release.toml, checked, file names unique."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError("photos must be a list of [[photos]] tables")
    if len(value) > MAX_PHOTOS:
        raise ValueError(f"a release carries at most {MAX_PHOTOS} photos")
    photos = [photo_from_toml(item, index) for index, item in enumerate(value, 1)]
    seen: set[str] = set()
    for photo in photos:
        if photo.file.lower() in seen:
            raise ValueError(f"the photo {photo.file} is listed twice")
        seen.add(photo.file.lower())
    return photos


def photo_file_name(name: str, extension: str, taken: set[str]) -> str:
    """A name for photos/ from the file's own stem: safe characters, the extension of what
    the bytes are (`jpg` or `png`), not taken yet (case-insensitively)."""
    stem = name.rpartition(".")[0] or name
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_")[:60] or "photo"
    if re.search(r"-[0-9]+w$", stem):
        stem += "-photo"  # a rendition's name (visit-960w.jpg) is not a photo's
    candidate, number = f"{stem}.{extension}", 2
    lowered = {t.lower() for t in taken}
    while candidate.lower() in lowered:
        candidate = f"{stem}-{number}.{extension}"
        number += 1
    return candidate


def rendition_name(file: str, width: int) -> str:
    """The web rendition of `file` at `width` pixels: `visit-960w.jpg` beside `visit.jpg`."""
    stem, _, extension = file.rpartition(".")
    return f"{stem}-{width}w.{extension}"
