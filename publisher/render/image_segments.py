"""A photo file reduced to its image data: JPEG segments and PNG chunks, rewritten losslessly.

A file that decodes as a whole JPEG or PNG can still carry bytes that are no part of the
image: a ZIP after the end-of-image marker (a polyglot), a comment segment or text chunk
holding `<script>`, an application segment of unknown content. `publisher photo add`
takes such a file (the image itself is whole), but nothing the office publishes carries
those bytes further. Invariant: `image_data(data)` holds the input's image, every byte
that decoding reads, unchanged (the pixels are identical: nothing is decoded or encoded
again), plus the few metadata segments a viewer needs to show it right or that the
product keeps (JFIF, the camera's EXIF, the colour profile, Adobe's colour transform);
nothing after the end of the image, no comment, no other application segment or chunk.
The product's own metadata (IPTC, XMP) is written afterwards (`images.embed_metadata`).
Without the camera's EXIF (`exif=False`), what a PDF embeds: the EXIF holds where the
camera stood, and the PDF needs none of it (its print rendition is upright already).
"""

from __future__ import annotations

import struct

from publisher.errors import PhotoError

_SOI = b"\xff\xd8"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

#: JPEG application segments kept, by marker and the identifier their data starts with:
#: JFIF (APP0), the camera's EXIF (APP1), the ICC colour profile (APP2), Adobe's colour
#: transform (APP14, which decoding reads). XMP and IPTC (APP1, APP13) are not kept: the
#: product writes its own.
_KEPT_APP = {
    0xE0: (b"JFIF\0", b"JFXX\0"),
    0xE1: (b"Exif\0\0",),
    0xE2: (b"ICC_PROFILE\0",),
    0xEE: (b"Adobe",),
}
_EXIF_APP = 0xE1  # APP1: EXIF (and XMP, never kept)
_EOI = 0xD9
_SOS = 0xDA
_COM = 0xFE
#: Markers that stand alone (no length): TEM and the restart markers RST0-RST7.
_STANDALONE = {0x01, *range(0xD0, 0xD8)}

#: PNG chunks kept: the critical ones and those that change how the pixels are shown
#: (transparency, colour space, gamma, pixel size, background), and the camera's EXIF.
_KEPT_CHUNKS = {
    b"IHDR",
    b"PLTE",
    b"IDAT",
    b"IEND",
    b"tRNS",
    b"cHRM",
    b"gAMA",
    b"iCCP",
    b"sBIT",
    b"sRGB",
    b"cICP",
    b"bKGD",
    b"pHYs",
    b"eXIf",
}


def image_data(data: bytes, *, exif: bool = True) -> bytes:
    """The JPEG or PNG `data` with only its image and kept metadata (module docstring);
    `exif`: the camera's EXIF kept too (its make, its settings, its GPS position)."""
    if data.startswith(_SOI):
        return _jpeg(data, exif)
    if data.startswith(_PNG_SIGNATURE):
        return _png(data, exif)
    raise PhotoError("not a JPEG or PNG image (export the photo as JPEG or PNG)")


def _damaged(what: str) -> PhotoError:
    return PhotoError(f"the image is damaged or incomplete ({what}); export or copy it again")


def _jpeg(data: bytes, exif: bool) -> bytes:
    out = [_SOI]
    pos = 2
    size = len(data)
    while True:
        if pos + 2 > size:
            raise _damaged("the image has no end marker")
        if data[pos] != 0xFF:  # junk between segments: decoders skip it, and so is it here
            pos += 1
            continue
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte before a marker
            pos += 1
            continue
        if marker == _EOI:
            out.append(data[pos : pos + 2])
            return b"".join(out)  # whatever follows the end of the image is dropped
        if marker in _STANDALONE:
            out.append(data[pos : pos + 2])
            pos += 2
            continue
        if pos + 4 > size:
            raise _damaged(f"a JPEG segment cut short at byte {pos}")
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        end = pos + 2 + length
        if length < 2 or end > size:
            raise _damaged(f"a JPEG segment longer than the file at byte {pos}")
        if _kept_segment(marker, data[pos + 4 : end], exif):
            out.append(data[pos:end])
        pos = end
        if marker == _SOS:  # the entropy-coded data runs to the next marker but RSTn
            scan_end = _scan_end(data, pos)
            out.append(data[pos:scan_end])
            pos = scan_end


def _kept_segment(marker: int, body: bytes, exif: bool) -> bool:
    if marker == _COM:
        return False
    if 0xE0 <= marker <= 0xEF:
        if not exif and marker == _EXIF_APP:
            return False
        return any(body.startswith(tag) for tag in _KEPT_APP.get(marker, ()))
    return True  # tables, frame and scan headers, restart interval: the image itself


def _scan_end(data: bytes, pos: int) -> int:
    """Where the entropy-coded data starting at `pos` ends: the next 0xFF that is neither
    a stuffed zero (FF 00), a fill byte nor a restart marker."""
    while True:
        found = data.find(b"\xff", pos)
        if found < 0 or found + 1 >= len(data):
            raise _damaged("the image data has no end marker")
        following = data[found + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            pos = found + 2
        elif following == 0xFF:
            pos = found + 1
        else:
            return found


def _png(data: bytes, exif: bool) -> bytes:
    out = [_PNG_SIGNATURE]
    pos = len(_PNG_SIGNATURE)
    while True:
        if pos + 12 > len(data):
            raise _damaged(f"a PNG chunk cut short at byte {pos}")
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 12 + length
        if end > len(data):
            raise _damaged(f"a PNG chunk longer than the file at byte {pos}")
        if kind in _KEPT_CHUNKS and (exif or kind != b"eXIf"):
            out.append(data[pos:end])
        pos = end
        if kind == b"IEND":
            return b"".join(out)  # whatever follows the end of the image is dropped
