"""A photo file reduced to its image data (issue 20, item 12): the JPEG forms cameras and
editors write (baseline, progressive, restart intervals, CMYK with Adobe's segment) keep
every pixel; comments, unknown segments and bytes after the end are gone."""

from __future__ import annotations

import io
import struct

import pytest
from PIL import Image

from publisher.errors import PhotoError
from publisher.render.image_segments import image_data
from tests.support.photos import picture

SCRIPT = b"<script>alert(1)</script>"


def _segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def _cmyk() -> bytes:
    buffer = io.BytesIO()
    Image.new("CMYK", (64, 48), (10, 200, 30, 5)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "clean",
    [
        picture(320, 200, quality=90),
        picture(320, 200, quality=90, progressive=True),
        picture(320, 200, quality=90, restart_marker_blocks=4),
        picture(320, 200, fmt="PNG"),
        _cmyk(),
    ],
    ids=["baseline", "progressive", "restart", "png", "cmyk"],
)
def test_the_pixels_stay_and_the_foreign_bytes_go(clean: bytes) -> None:
    if clean.startswith(b"\xff\xd8"):
        foreign = _segment(0xFE, SCRIPT) + _segment(0xE9, SCRIPT) + _segment(0xE1, SCRIPT)
        hostile = clean[:2] + foreign + clean[2:] + b"PK\x03\x04" + SCRIPT
    else:
        body = b"tEXt" + b"Comment\0" + SCRIPT
        chunk = struct.pack(">I", len(body) - 4) + body + b"\0\0\0\0"
        hostile = clean[:33] + chunk + clean[33:] + b"PK\x03\x04" + SCRIPT
    reduced = image_data(hostile)
    assert SCRIPT not in reduced
    assert reduced.endswith((b"\xff\xd9", b"IEND\xaeB`\x82"))
    with Image.open(io.BytesIO(clean)) as given, Image.open(io.BytesIO(reduced)) as kept:
        assert (kept.mode, kept.size) == (given.mode, given.size)
        assert kept.tobytes() == given.tobytes()
    assert image_data(reduced) == reduced  # nothing left to take away


def test_a_file_with_no_end_is_damaged() -> None:
    whole = picture(320, 200)
    with pytest.raises(PhotoError, match="damaged or incomplete"):
        image_data(whole[: len(whole) // 2])
