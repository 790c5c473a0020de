"""Published photos hold image data and the product's metadata, nothing else (issue 20,
item 12).

A JPEG carrying a comment segment with `<script>` and a ZIP after its end-of-image marker,
and a PNG with a text chunk and a ZIP after IEND, are accepted by `photo add` (the image
itself is whole). What leaves the office, in `dist/`, the site, the bundle, the e-mails
and the PDF, carries neither: nothing after the end of the image, no comment segment or
text chunk but the metadata the product writes, the pixels identical to the upload
(the segments are rewritten, the image is never encoded again).
"""

from __future__ import annotations

import io
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import pyexiv2
import pytest
from PIL import Image

from tests.support.mail import parse
from tests.support.photos import CAPTIONS, add_approved_photo, picture
from tests.support.workspace import REPO, SAMPLE_SLUG, Cli, copy_repo_workspace

SCRIPT = b"<script>alert(document.domain)</script>"
#: Stored uncompressed in the ZIP, so its bytes would show wherever the ZIP went.
PAYLOAD = b"FOREIGN-PAYLOAD-7f3a9c"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("readme.txt", PAYLOAD * 4)
    return buffer.getvalue()


def hostile_jpeg() -> bytes:
    """A real JPEG with a COM segment holding a script, an unknown APP15 segment holding
    another, an EXIF thumbnail with a comment holding a third, and a ZIP after EOI."""
    thumbnail = picture(160, 120)
    thumbnail = thumbnail[:2] + _comment(SCRIPT) + thumbnail[2:]
    with pyexiv2.ImageData(picture(1200, 800, quality=90)) as camera:
        camera.modify_exif({"Exif.Image.Make": "Canon"})
        camera.modify_thumbnail(thumbnail)
        clean = bytes(camera.get_bytes())
    com = _comment(SCRIPT)
    app15 = b"\xff\xef" + struct.pack(">H", len(SCRIPT) + 2) + SCRIPT
    return clean[:2] + com + app15 + clean[2:] + _zip()


def _comment(text: bytes) -> bytes:
    return b"\xff\xfe" + struct.pack(">H", len(text) + 2) + text


def hostile_png() -> bytes:
    """A real PNG with a tEXt chunk holding a script and a ZIP after IEND."""
    clean = picture(600, 400, fmt="PNG")
    body = b"tEXt" + b"Comment\0" + SCRIPT
    chunk = struct.pack(">I", len(body) - 4) + body + struct.pack(">I", zlib.crc32(body))
    return clean[:33] + chunk + clean[33:] + _zip()


def _foreign(data: bytes) -> list[str]:
    return [name for name, needle in (("script", SCRIPT), ("zip", PAYLOAD)) if needle in data]


def _ends_with_the_image(data: bytes) -> bool:
    if data.startswith(b"\xff\xd8"):
        return data.endswith(b"\xff\xd9")
    return data.endswith(b"IEND\xaeB`\x82")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "make"), [("hostile.jpg", hostile_jpeg), ("hostile.png", hostile_png)]
)
def test_published_photos_carry_no_foreign_bytes_and_the_same_pixels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, make: object
) -> None:
    monkeypatch.setenv("PUBLISHER_REVIEWER", "Press Officer")
    root = copy_repo_workspace(tmp_path / "ws")
    shutil.copytree(REPO / "lists", root / "lists")
    cli = Cli(root)
    upload = tmp_path / name
    assert callable(make)
    upload.write_bytes(make())
    assert _foreign(upload.read_bytes()) == ["script", "zip"]
    add_approved_photo(cli, root, SAMPLE_SLUG, upload)

    cli("build", "--out", str(root / "dist"))
    cli("bundle", SAMPLE_SLUG, "--out", str(root / "bundle.zip"))
    cli("site", "--out", str(root / "site"), "--now", "2024-12-02 09:00")
    outbox = tmp_path / "outbox"
    cli("send", SAMPLE_SLUG, "--list", "press", "--dry-run", "--out", str(outbox))

    published: dict[str, bytes] = {}
    for folder in (root / "dist" / SAMPLE_SLUG, root / "site" / "releases" / SAMPLE_SLUG):
        for path in (folder / "photos").iterdir():
            published[str(path.relative_to(root))] = path.read_bytes()
        for pdf in folder.glob("*.pdf"):
            published[str(pdf.relative_to(root))] = pdf.read_bytes()
    with zipfile.ZipFile(root / "bundle.zip") as bundle:
        for entry in bundle.namelist():
            if "/photos/" in entry or entry.endswith(".pdf"):
                published[f"bundle.zip:{entry}"] = bundle.read(entry)
    mails = sorted(outbox.glob("*.eml"))
    assert mails
    for eml in mails:
        for part in parse(eml.read_bytes()).iter_attachments():
            published[f"{eml.name}:{part.get_filename()}"] = part.get_content()

    originals = {where: data for where, data in published.items() if where.endswith(name)}
    # dist, site, bundle and every message carry the original
    assert len(originals) == 3 + len(mails), sorted(originals)
    assert {where: _foreign(data) for where, data in published.items() if _foreign(data)} == {}
    with Image.open(upload) as given:
        pixels = given.tobytes()
    for where, data in originals.items():
        assert _ends_with_the_image(data), where
        with Image.open(io.BytesIO(data)) as sent:
            assert sent.tobytes() == pixels, where
        with pyexiv2.ImageData(data) as image:  # the product's metadata is there
            assert image.read_iptc()["Iptc.Application2.Caption"] == CAPTIONS["en"], where
            if name.endswith(".jpg"):  # and the camera's, but its thumbnail
                assert image.read_exif()["Exif.Image.Make"] == "Canon", where
                assert not image.read_thumbnail(), where
