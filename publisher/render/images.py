"""Photos as images: what a file really is, its web renditions, its embedded metadata.

A photo is taken into a release only after Pillow has read all of it: a JPEG
or PNG by its bytes (not its name), at most 40 MB and 120 megapixels (a
30,000 x 30,000 PNG compresses to 100 KB and would unpack to 2.7 GB), and
not truncated or damaged (decoded to the last pixel). Every later step can
then trust the file.

Renditions for web pages are made upright (EXIF orientation applied), in the
original's format, at a few widths for `srcset`, without the camera's metadata.
The PDF's rendition follows press PDF presets (`print_rendition`): a photo of at
most 450 dpi where it is printed is embedded as it is, one above that brought to
300 dpi; upright and without the camera's metadata too. The original a journalist
downloads keeps its pixels, loses every byte that is no part of the image (a
comment, a ZIP after its end: `image_segments`) and gets the release's caption,
credit, copyright and embargo written into its IPTC and XMP fields by exiv2
(through pyexiv2): the fields picture desks and DAM systems read, the caption in
every published language (XMP's language alternatives), the source language's in
IPTC's single caption.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from publisher.core.limits import megabytes, read_capped
from publisher.errors import PhotoError
from publisher.render import image_segments

#: A photo file: cameras' largest JPEGs are 20-30 MB.
MAX_PHOTO_BYTES = 40 * 1024 * 1024
#: Pixels a photo may have: a 100-megapixel camera's frame fits, a decompression bomb does not.
MAX_PHOTO_PIXELS = 120_000_000
#: Widths of the web renditions (CSS pixels x device pixel ratio): phone, laptop, retina.
RENDITION_WIDTHS = (480, 960, 1600)
#: JPEG quality of renditions: visually lossless at web sizes.
JPEG_QUALITY = 82

_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png")}


def _pillow() -> tuple[ModuleType, ModuleType]:
    """PIL.Image and PIL.ImageOps, imported when a photo is handled: 12 ms that `status`
    and `--help` (which import the modules that use this one) must not pay."""
    from PIL import Image, ImageOps

    return Image, ImageOps


@contextmanager
def _strict_decoding() -> Iterator[None]:
    """Pillow refusing truncated files, whatever the process set before: WeasyPrint sets
    the global LOAD_TRUNCATED_IMAGES when imported, so a process that rendered a PDF
    first (a test run, `publisher serve`) would otherwise take half a JPEG."""
    from PIL import ImageFile

    tolerant = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = tolerant


@dataclass(frozen=True)
class PhotoFacts:
    """What a checked photo is: its format (`jpg` or `png`), MIME type and upright size."""

    extension: str
    mime: str
    width: int
    height: int


def read_photo(path: Path) -> tuple[bytes, PhotoFacts]:
    """A photo file's bytes and facts, or a PhotoError saying what is wrong with it."""
    data = read_capped(path, MAX_PHOTO_BYTES, PhotoError, "photo")
    return data, check_photo(data, path)


def check_photo(data: bytes, path: Path | str) -> PhotoFacts:
    """Refuse anything but a whole, reasonably sized JPEG or PNG (see the module docstring)."""
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoError(
            f"the photo is {megabytes(len(data))}; the limit is {megabytes(MAX_PHOTO_BYTES)}",
            path=path,
        )
    Image, ImageOps = _pillow()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(_FORMATS))
    except Image.UnidentifiedImageError:
        raise PhotoError(
            "not a JPEG or PNG image (export the photo as JPEG or PNG)", path=path
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(
            "the image declares far more pixels than any photo (a decompression bomb?); "
            f"a photo may have at most {MAX_PHOTO_PIXELS // 1_000_000} megapixels",
            path=path,
        ) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise PhotoError(f"the image cannot be read: {exc}", path=path) from None
    with image:
        width, height = image.size
        if width < 1 or height < 1 or width * height > MAX_PHOTO_PIXELS:
            raise PhotoError(
                f"the image is {width} x {height} pixels ({width * height / 1e6:.0f} "
                f"megapixels); a photo may have at most {MAX_PHOTO_PIXELS // 1_000_000} "
                "megapixels",
                path=path,
            )
        try:
            # every pixel: a truncated or damaged file fails here, not later
            with _strict_decoding():
                image.load()
        except (OSError, SyntaxError, ValueError) as exc:
            raise PhotoError(
                f"the image is damaged or incomplete ({exc}); export or copy it again",
                path=path,
            ) from None
        extension, mime = _FORMATS[str(image.format)]
        try:  # what is published is the image data alone: it must be found
            image_segments.image_data(data)
        except PhotoError as error:
            raise PhotoError(error.message, path=path) from None
        upright = ImageOps.exif_transpose(image)
        return PhotoFacts(extension, mime, upright.width, upright.height)


def photo_size(path: Path) -> tuple[int, int]:
    """The upright size of a photo already checked, from its header (no pixel decoded)."""
    Image, _ = _pillow()
    try:
        with Image.open(path, formats=list(_FORMATS)) as image:
            width, height = image.size
            orientation = image.getexif().get(0x0112, 1)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise PhotoError(f"the photo cannot be read: {exc}", path=path) from None
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def rendition_widths(width: int) -> list[int]:
    """The widths a photo of `width` pixels is offered at: never enlarged."""
    widths = [w for w in RENDITION_WIDTHS if w < width]
    top = min(width, RENDITION_WIDTHS[-1])
    return widths if top in widths else [*widths, top]


def rendition_height(width: int, height: int, target: int) -> int:
    """The height of a rendition `target` pixels wide, as `make_renditions` rounds it."""
    return max(1, round(height * target / width))


def _header(data: bytes) -> tuple[int, int, bool]:
    """The upright size of a photo in memory, and whether its EXIF orientation changes it
    (turned or mirrored), from its header (no pixel decoded)."""
    Image, _ = _pillow()
    with Image.open(io.BytesIO(data), formats=list(_FORMATS)) as probe:
        width, height = probe.size
        orientation = probe.getexif().get(0x0112, 1)
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    return width, height, orientation in range(2, 9)


def _upright(data: bytes, fit: tuple[int, int] | None = None) -> tuple[Any, str]:
    """The decoded image, EXIF orientation applied, in a mode the format can save; and
    the format ("JPEG" or "PNG").

    `fit`: the largest upright size that will be made of it. A JPEG is then decoded at
    the smallest of 1/1, 1/2, 1/4 or 1/8 of its size that still covers `fit` (the
    decoder scales the DCT blocks: Pillow's draft mode), which is several times faster
    than decoding all of a camera's pixels; one high-quality resize then gives the size
    asked for, from pixels never smaller than it."""
    Image, ImageOps = _pillow()
    # Not closed: closing an image drops its pixels, and the file is bytes in memory.
    image = Image.open(io.BytesIO(data), formats=list(_FORMATS))
    fmt = str(image.format)
    if fit is not None and fmt == "JPEG":
        turned = image.getexif().get(0x0112, 1) in (5, 6, 7, 8)
        image.draft(image.mode, (fit[1], fit[0]) if turned else fit)
    # Decoded to the last pixel, whatever WeasyPrint (imported in this process before a
    # build's photos, or in a test run) set: a truncated photo is an error, not half a
    # picture. Then turned only if its EXIF says so: a copy of every pixel otherwise (10 ms
    # of the sample's 2400 x 1350 photo, which needs no turn) gives the same pixels.
    with _strict_decoding():
        image.load()
    ImageOps.exif_transpose(image, in_place=True)
    # Pillow writes a JPEG's comment segment again when it saves a copy: not in a rendition.
    image.info.pop("comment", None)
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")  # CMYK: browsers and viewers disagree about it
    elif fmt == "PNG" and image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    return image, fmt


def _encode(image: Any, fmt: str, quality: int, *, progressive: bool = False) -> bytes:
    """A JPEG is baseline with optimised Huffman tables unless `progressive`: as small
    as a progressive one (a 2400-pixel photo's: 58.7 KB against 59.8 KB; the sample's
    1600-pixel rendition 33.4 KB against 34.8 KB) and 2.3 times as fast to encode."""
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=progressive)
    else:
        image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


#: A web rendition larger than this (as a baseline JPEG) is encoded progressive, which a
#: browser shows coarse first and sharpens while the rest arrives. A smaller one arrives
#: in about half a second on a 1 Mbit/s link, too soon for its scans to show: it stays
#: baseline, which costs less than half the encoding time (the sample's three: 6 ms
#: against 14) and is no larger.
PROGRESSIVE_FROM = 60_000


def _encode_web(image: Any, fmt: str) -> bytes:
    """A web rendition: baseline, or progressive when it is larger than PROGRESSIVE_FROM."""
    data = _encode(image, fmt, JPEG_QUALITY)
    if fmt == "JPEG" and len(data) > PROGRESSIVE_FROM:
        data = _encode(image, fmt, JPEG_QUALITY, progressive=True)
    return data


def make_renditions(data: bytes) -> dict[int, bytes]:
    """Upright copies for web pages at `rendition_widths`, without metadata: width -> bytes.

    Each is reduced from the next larger one (never more than about 2:1 a step), which
    costs half of reducing each from the original and looks the same. The filter is
    bicubic (Catmull-Rom): at these ratios it looks as Lanczos does (a pixel's mean
    difference 0.04 of 255 on the sample at 1600, 0.13 at 480; no moiré on a zone plate,
    where Hamming and Box show rings) for 30% less resizing time.

    Cheaper filters, measured again (December 2026; the sample's 2400 x 1350 takes 39 ms
    of resizing with bicubic, 25 with bilinear or Hamming, in a cold build of 0.56 s of
    CPU), do not give the same picture. Bilinear leaves less moiré but less detail:
    stripes 4 pixels apart in a rendition keep 78% of their contrast at 1600 and 60% at
    480, against bicubic's 90% and 76% and Lanczos' 98% and 82%. Hamming keeps more
    detail than bilinear but folds the zone plate's finest rings into moiré (rms 42 of
    255 where the 1600 rendition cannot show them; bicubic 28, Lanczos 25). Nor does
    another library pay: libvips (pyvips) resizes in a third of Pillow's time, but its
    import (20 ms, in every build with a photo) costs about what it saves; libjpeg-turbo's
    3/4-scale decode (simplejpeg) is slower than its full decode of the sample's
    progressive JPEG.

    Nor does decoding each rendition at its own JPEG scale (draft mode: 960 from a 1/2
    decode, 480 from a 1/4 one, each then one bicubic resize; December 2026, CPU time).
    Each scaled decode reads all of the file's entropy-coded data again, which is most
    of a decode's cost: the sample's three renditions take 77 ms against the cascade's
    65, a 12-megapixel camera JPEG's 173 against 103. And the scaled decode, which drops
    each 8 x 8 block's high frequencies block by block, is no clean low-pass: stripes 4
    pixels apart keep 80% and 72% of their contrast at 960 and 480 (the cascade 84% and
    76%), and a zone plate's finest rings fold into moire (mean difference to Lanczos
    14.5 and 9.3 of 255, the cascade 5.7 and 1.8: tests/render/test_photo_decoding.py).
    The cascade's one decode is in draft mode itself, at the smallest scale that still
    covers the largest rendition (a 12-megapixel photo's at 1/2).
    """
    Image, _ = _pillow()
    width, height, _ = _header(data)
    widths = sorted(rendition_widths(width), reverse=True)
    out: dict[int, bytes] = {}
    try:  # the pixels are decoded here (draft mode, then the first resize)
        image, fmt = _upright(data, fit=(widths[0], rendition_height(width, height, widths[0])))
        current = image
        for target in widths:
            size = (target, rendition_height(width, height, target))
            if size != current.size:
                current = current.resize(size, Image.Resampling.BICUBIC)
            out[target] = _encode_web(current, fmt)
    except (OSError, SyntaxError, ValueError) as exc:  # bytes in memory: a decoding error
        raise _undecodable(data, exc) from None
    return dict(sorted(out.items()))


def _undecodable(data: bytes, exc: Exception) -> PhotoError:
    """Why a photo's pixels could not be decoded, said as the print rendition says it (its
    structure checked: image_segments.py), so that one damaged photo is one cause in a
    build's report, not a decoder's message beside it."""
    try:
        image_segments.image_data(data)
    except PhotoError as error:
        return error
    return PhotoError(f"the image is damaged or incomplete ({exc}); export or copy it again")


#: The largest a photo is printed, in inches: the column of print.css (A4, 25 + 20 mm
#: margins: 165 mm) and its height limit there (120 mm).
PRINT_AREA = (165 / 25.4, 120 / 25.4)
#: What a photo with far more pixels than print shows is brought down to, at that size.
PRINT_DPI = 300
#: Up to this resolution at that size a photo is embedded as it is: what press PDF presets
#: do (Acrobat's "Press Quality", InDesign's "High Quality Print": images above 450 ppi
#: downsampled to 300). Re-encoding a photo of 300-450 dpi would cost time and quality,
#: and the PDF would be barely smaller. WeasyPrint's `dpi` option is set to it too
#: (render/pdf.py): it then never resizes a photo given to it, only one that a template
#: places smaller.
PRINT_MAX_DPI = 450
#: The print area in pixels at PRINT_DPI (1949 x 1417): the size a large photo is brought to.
PRINT_BOX = (round(PRINT_AREA[0] * PRINT_DPI), round(PRINT_AREA[1] * PRINT_DPI))
#: The most pixels a photo embedded as it is may have: PRINT_MAX_DPI across the print area
#: (2923 x 2125), rounded down so that WeasyPrint's check at PRINT_MAX_DPI never finds it above.
PRINT_MAX_BOX = (int(PRINT_AREA[0] * PRINT_MAX_DPI), int(PRINT_AREA[1] * PRINT_MAX_DPI))
#: JPEG quality of a print rendition that is encoded again (resized or turned upright).
PRINT_QUALITY = 90


def print_resolution(width: int, height: int) -> float:
    """The resolution (dpi) of an upright photo of `width` x `height` pixels at the largest
    size the page prints it: the column's width or 120 mm tall, whichever it meets first."""
    return max(width / PRINT_AREA[0], height / PRINT_AREA[1])


def _fits(size: tuple[int, int], box: tuple[int, int]) -> bool:
    return size[0] <= box[0] and size[1] <= box[1]


def print_rendition(data: bytes) -> bytes:
    """The photo as the PDF embeds it, upright and without the camera's EXIF (where it
    stood is not the office's to publish). The policy of press PDF presets:

    - at most PRINT_MAX_DPI at the largest size printed (`print_resolution`): its image
      data as it is (no pixel decoded), unless its EXIF turns it: then decoded, turned
      upright and encoded once here (WeasyPrint would do it in each PDF, at quality 75);
    - above that: decoded by the JPEG decoder at the smallest of 1/2, 1/4 or 1/8 of its
      size that still covers PRINT_DPI (draft mode); if that is already at most
      PRINT_MAX_DPI it is encoded as it is, else one high-quality resize to PRINT_DPI.

    A JPEG comes out a baseline JPEG (a PDF viewer decodes it whole before drawing it),
    a PNG a PNG. WeasyPrint embeds what it is given, decoding nothing.
    """
    Image, _ = _pillow()
    width, height, turned = _header(data)
    if _fits((width, height), PRINT_MAX_BOX) and not turned:
        return image_segments.image_data(data, exif=False)
    try:  # the pixels are decoded here
        if _fits((width, height), PRINT_MAX_BOX):
            image, fmt = _upright(data)
            return _encode(image, fmt, PRINT_QUALITY)
        scale = min(PRINT_BOX[0] / width, PRINT_BOX[1] / height)
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        image, fmt = _upright(data, fit=size)
        if not _fits(image.size, PRINT_MAX_BOX):
            image = image.resize(size, Image.Resampling.LANCZOS)
        return _encode(image, fmt, PRINT_QUALITY)
    except (OSError, SyntaxError, ValueError) as exc:  # bytes in memory: a decoding error
        raise _undecodable(data, exc) from None


@dataclass
class PhotoMetadata:
    """What a published photo carries: captions by language (source language first)."""

    captions: dict[str, str]
    credit: str
    copyright: str | None = None
    #: The copyright line as each published language writes it (XMP's language alternatives).
    copyrights: dict[str, str] = field(default_factory=dict)
    #: The release's embargo: IPTC's Release Date/Time (nothing may use it before).
    embargo: dt.datetime | None = None
    #: The release's number or name, for picture desks matching photo and text.
    reference: str = ""
    headline: str = ""
    keywords: list[str] = field(default_factory=list)


def embed_metadata(data: bytes, meta: PhotoMetadata) -> bytes:
    """The photo with the release's caption, credit, copyright and embargo in IPTC and XMP.

    The pixels are untouched: the file is reduced to its image data (`image_segments`:
    no comment, nothing after its end), then exiv2 writes the metadata segments. The
    camera's fields (EXIF, colour profile) are kept, except its GPS position and the
    thumbnail it embeds.
    """
    import pyexiv2  # exiv2's binding: 14 ms to import, needed only by builds with photos

    source_caption = next(iter(meta.captions.values()), "")
    iptc: dict[str, str | list[str]] = {
        "Iptc.Envelope.CharacterSet": "\x1b%G",  # UTF-8 (ISO 2022 escape)
        "Iptc.Application2.Caption": source_caption,
        "Iptc.Application2.Credit": meta.credit,
    }
    # XMP's language alternatives: the source language is also the x-default.
    descriptions = {'lang="x-default"': source_caption}
    descriptions.update({f'lang="{lang}"': text for lang, text in meta.captions.items()})
    xmp: dict[str, str | dict[str, str]] = {
        "Xmp.dc.description": descriptions,
        "Xmp.photoshop.Credit": meta.credit,
    }
    if meta.copyright:
        iptc["Iptc.Application2.Copyright"] = meta.copyright
        rights = {'lang="x-default"': meta.copyright}
        rights.update({f'lang="{lang}"': text for lang, text in meta.copyrights.items()})
        xmp["Xmp.dc.rights"] = rights
    if meta.reference:
        iptc["Iptc.Application2.ObjectName"] = meta.reference[:64]
        xmp["Xmp.dc.title"] = {'lang="x-default"': meta.reference}
    if meta.headline:
        iptc["Iptc.Application2.Headline"] = meta.headline[:256]
        xmp["Xmp.photoshop.Headline"] = meta.headline
    if meta.embargo is not None:
        # IPTC IIM: date CCYYMMDD and time HHMMSS±HHMM, written by exiv2 from ISO forms.
        iptc["Iptc.Application2.ReleaseDate"] = meta.embargo.date().isoformat()
        iptc["Iptc.Application2.ReleaseTime"] = meta.embargo.timetz().isoformat("seconds")
    try:
        with pyexiv2.ImageData(image_segments.image_data(data)) as image:
            # Where the camera stood is not the office's to publish: GPS fields go.
            located = {
                key: None
                for key in image.read_exif()
                if key.startswith("Exif.GPSInfo.") or key == "Exif.Image.GPSTag"
            }
            if located:
                image.modify_exif(located)
            # The camera's thumbnail is a second image inside EXIF: it may show the frame
            # before it was cropped, and carry bytes of its own (a comment). Not published.
            image.clear_thumbnail()
            image.modify_iptc(iptc)
            image.modify_xmp(xmp)
            return bytes(image.get_bytes())
    except (RuntimeError, ValueError) as exc:
        raise PhotoError(f"cannot write the photo's metadata: {exc}") from None
