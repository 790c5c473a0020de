"""Pictures a release carries: copied into its `media/` folder at import, published
from there.

A source's picture is a file next to the source; a published page must not
depend on it (the page is self-contained, the PDF renderer fetches nothing
else). So the importer copies each picture into `releases/<slug>/media/` and
the body refers to it as `media/NAME`; the web pages inline it and the PDF
reads it from there. Only real PNG, JPEG, GIF and WebP files are taken (by
their bytes, not their names): nothing else can hide behind a picture.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

from publisher.core.limits import MAX_IMAGE_BYTES, read_capped
from publisher.errors import PublisherError, SourceError

MEDIA_DIR = "media"

_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
    (b"GIF87a", "gif", "image/gif"),
    (b"GIF89a", "gif", "image/gif"),
)

#: `media/NAME` as the body writes it: one safe file name, nothing else.
MEDIA_REFERENCE = re.compile(rf"^{MEDIA_DIR}/([A-Za-z0-9][A-Za-z0-9._-]{{0,99}})$")


def sniff(data: bytes) -> tuple[str, str] | None:
    """(extension, MIME type) of a picture we publish, judged by its bytes."""
    for magic, ext, mime in _SIGNATURES:
        if data.startswith(magic):
            return ext, mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp", "image/webp"
    return None


def read_picture(path: Path, error: type[PublisherError] = SourceError) -> bytes:
    """A picture file's bytes, refused unless it is a PNG, JPEG, GIF or WebP image."""
    data = read_capped(path, MAX_IMAGE_BYTES, error, "picture")
    if sniff(data) is None:
        raise error(
            f"the picture {path.name} is not a PNG, JPEG, GIF or WebP image "
            "(save it in one of those formats)",
            path=path,
        )
    return data


def unique_name(name: str, taken: dict[str, bytes] | set[str]) -> str:
    """A safe file name for `media/`, not yet taken (photo.jpg, photo-2.jpg, ...)."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_")[:60] or "picture"
    ext = re.sub(r"[^A-Za-z0-9]", "", ext).lower()[:5]
    base = f"{stem}.{ext}" if ext else stem
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{stem}-{number}.{ext}" if ext else f"{stem}-{number}"
        number += 1
    return candidate


def picture_file(release_root: Path, src: str, error: type[PublisherError]) -> Path:
    """The file behind `media/NAME` in a release, refusing anything else.

    Raises `error` for a reference that is not `media/NAME`, a missing file, or a
    file that is a link out of the release.
    """
    m = MEDIA_REFERENCE.match(src)
    if m is None:
        raise error(f"picture {src[:80]!r}: a release shows only its own pictures, as media/NAME")
    folder = (release_root / MEDIA_DIR).resolve()
    path = release_root / MEDIA_DIR / m.group(1)
    if path.is_symlink() or not path.resolve().is_relative_to(folder) or not path.is_file():
        raise error(f"picture {src!r} is not in the release's {MEDIA_DIR}/ folder", path=path)
    return path


def data_uri(data: bytes) -> str:
    """The picture inline, for a web page that must not depend on any other file."""
    kind = sniff(data)
    mime = kind[1] if kind else "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
