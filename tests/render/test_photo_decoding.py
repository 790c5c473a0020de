"""A camera's photo is decoded at the size it is used (JPEG draft mode), and what comes
out is what a full decode and one high-quality resize give: the same sizes, upright,
and the same picture (a pixel's mean difference to the full decode within JPEG noise).

The print rendition follows press PDF presets: a photo of at most 450 dpi at the largest
size the page prints it (165 x 120 mm) is embedded as it is (its image data, without the
camera's EXIF); above that it is decoded at the smallest JPEG scale still covering 300
dpi, and resized to 300 dpi only when that scale is still above 450 dpi."""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
import pyexiv2
import pytest
from PIL import Image, ImageChops, ImageOps, ImageStat

from publisher.errors import PhotoError
from publisher.render import image_segments, images
from tests.support.photos import noisy_jpeg, picture
from tests.support.workspace import REPO, SAMPLE_SLUG

#: The sample release's illustration (2400 x 1350, 78 KB).
SAMPLE_PHOTO = REPO / "releases" / SAMPLE_SLUG / "photos" / "phnom-penh-beijing.jpg"


def _mean_difference(a: bytes, b: Image.Image) -> float:
    made = Image.open(io.BytesIO(a)).convert("RGB")
    assert made.size == b.size
    return sum(ImageStat.Stat(ImageChops.difference(made, b)).mean) / 3


def _reference(data: bytes, size: tuple[int, int]) -> Image.Image:
    with Image.open(io.BytesIO(data)) as opened:
        whole = ImageOps.exif_transpose(opened).convert("RGB")
    return whole.resize(size, Image.Resampling.LANCZOS)


def _with_camera_exif(data: bytes, orientation: int = 1) -> bytes:
    """`data` with what a phone records: its make, its orientation, where it stood."""
    with pyexiv2.ImageData(data) as camera:
        camera.modify_exif(
            {
                "Exif.Image.Make": "Canon",
                "Exif.Image.Orientation": str(orientation),
                "Exif.GPSInfo.GPSLatitudeRef": "N",
                "Exif.GPSInfo.GPSLatitude": "11/1 33/1 0/1",
            }
        )
        return bytes(camera.get_bytes())


def test_a_12_megapixel_photo_gives_the_renditions_of_a_full_decode() -> None:
    data = picture(4000, 3000, quality=92)
    made = images.make_renditions(data)
    assert sorted(made) == [480, 960, 1600]
    for width, rendition in made.items():
        height = images.rendition_height(4000, 3000, width)
        assert _mean_difference(rendition, _reference(data, (width, height))) < 2.0
    # 635 dpi at 165 x 120 mm: decoded at half its size, 2000 x 1500 (317 dpi), which is
    # embedded as it is: no resize to exactly 300 dpi (1889 x 1417)
    assert round(images.print_resolution(4000, 3000)) == 635
    printed = images.print_rendition(data)
    size = Image.open(io.BytesIO(printed)).size
    assert size == (2000, 1500)
    assert _mean_difference(printed, _reference(data, size)) < 2.0


@pytest.mark.parametrize(
    ("given", "printed"),
    [
        # 462 dpi; half of it would be 231 dpi, under 300: decoded whole, resized to 300 dpi
        ((3000, 2000), (1949, 1299)),
        # 924 dpi; half (462 dpi) is still above 450: decoded at half, resized to 300 dpi
        ((6000, 4000), (1949, 1299)),
        # 1270 dpi; a quarter is 317 dpi: decoded at a quarter, kept at that size
        ((8000, 6000), (2000, 1500)),
        # 450 dpi at 165 mm, the most embedded as it is
        ((2923, 1600), (2923, 1600)),
    ],
)
def test_a_large_photo_is_printed_between_300_and_450_dpi(
    given: tuple[int, int], printed: tuple[int, int]
) -> None:
    data = picture(*given, quality=90)
    made = images.print_rendition(data)
    with Image.open(io.BytesIO(made)) as opened:
        assert opened.size == printed
    assert 300 <= images.print_resolution(*printed) <= images.PRINT_MAX_DPI
    if given == printed:
        assert made == image_segments.image_data(data)  # its bytes, not encoded again


def test_a_photo_of_at_most_450_dpi_is_embedded_as_it_is_without_the_camera_exif() -> None:
    """The sample's size (2400 x 1350: 369 dpi at 165 mm). Its pixels are not decoded nor
    encoded again; the EXIF, which holds where the camera stood, is not in the PDF."""
    data = _with_camera_exif(picture(2400, 1350, quality=88))
    printed = images.print_rendition(data)
    assert printed == image_segments.image_data(data, exif=False)
    assert len(printed) < len(data)
    with Image.open(io.BytesIO(printed)) as opened, Image.open(io.BytesIO(data)) as given:
        assert not opened.getexif() and given.getexif()
        assert opened.tobytes() == given.tobytes()
    assert b"Canon" not in printed and b"Exif" not in printed


def test_a_turned_camera_photo_is_decoded_small_and_comes_out_upright() -> None:
    """EXIF orientation 6 (the camera held upright): stored 4000 x 3000, shown 3000 x 4000."""
    exif = Image.Exif()
    exif[0x0112] = 6
    data = picture(4000, 3000, quality=92, exif=exif.tobytes())
    made = images.make_renditions(data)
    top = Image.open(io.BytesIO(made[1600]))
    assert top.size == (1600, images.rendition_height(3000, 4000, 1600))
    assert _mean_difference(made[1600], _reference(data, top.size)) < 2.0
    printed = Image.open(io.BytesIO(images.print_rendition(data)))
    # 847 dpi at 120 mm tall; half its size (423 dpi) is kept as it is
    assert printed.size == (1500, 2000)
    assert not printed.getexif()


def test_a_small_turned_photo_is_turned_upright_once_for_print() -> None:
    """At most 450 dpi, but its EXIF turns it: turned here, once (WeasyPrint would decode
    it in each PDF and encode it again at quality 75), with no EXIF left to turn it twice."""
    upright = Image.new("RGB", (900, 1600), (30, 60, 120))
    upright.paste((220, 20, 20), (0, 0, 200, 200))  # a red corner: top left when upright
    stored = io.BytesIO()
    upright.transpose(Image.Transpose.ROTATE_90).save(stored, "JPEG", quality=92)
    data = _with_camera_exif(stored.getvalue(), orientation=6)
    printed = Image.open(io.BytesIO(images.print_rendition(data)))
    assert printed.size == (900, 1600) and not printed.getexif()
    corner = printed.convert("RGB").getpixel((50, 50))
    assert isinstance(corner, tuple) and corner[0] > 180 and corner[1] < 80


def test_the_print_rendition_is_a_baseline_jpeg_and_so_is_a_small_web_one() -> None:
    """A PDF viewer decodes an image whole before drawing it: progressive encoding buys
    the print rendition nothing and costs 2.3 times the encoding time. A browser shows a
    progressive web rendition while it loads: worth it for a large file only. The
    sample's illustration (2400 x 1350, 78 KB) gives renditions of 6 to 34 KB, baseline;
    a grainy camera photo's 1600-pixel rendition is over PROGRESSIVE_FROM, progressive."""
    data = picture(4000, 3000, quality=92)
    printed = Image.open(io.BytesIO(images.print_rendition(data)))
    assert printed.format == "JPEG" and not printed.info.get("progressive")
    large = images.make_renditions(noisy_jpeg(2400, 1350))[1600]  # grain: 1 MB or so
    assert len(large) > images.PROGRESSIVE_FROM
    assert Image.open(io.BytesIO(large)).info.get("progressive")
    sample = images.make_renditions(SAMPLE_PHOTO.read_bytes())
    assert sorted(sample) == [480, 960, 1600]
    for width, rendition in sample.items():
        opened = Image.open(io.BytesIO(rendition))
        assert len(rendition) < images.PROGRESSIVE_FROM, width
        assert opened.format == "JPEG" and not opened.info.get("progressive"), width
        # the same pixels a progressive encoding gives (only the order of the data differs)
        again = io.BytesIO()
        opened.save(again, "JPEG", quality=images.JPEG_QUALITY, optimize=True, progressive=True)
        assert len(rendition) <= len(again.getvalue()) * 1.02, width


def test_web_renditions_of_fine_detail_show_no_moire() -> None:
    """A zone plate (rings finer and finer to the edges, 2400 x 1350, lossless PNG): what
    the renditions' filter leaves of detail too fine for their size. A high-quality filter
    (bicubic, Lanczos) blurs it to grey; a cheap one folds it into rings that are not in the
    picture (moire). Mean difference to a Lanczos reduction of the whole picture: bicubic
    at most 6.8 of 255, Hamming 12.8, Box 27."""
    height, width = 1350, 2400
    y, x = np.mgrid[0:height, 0:width]
    rings = 127.5 + 127.5 * np.cos(np.pi * ((x - width / 2) ** 2 + (y - height / 2) ** 2) / 2880)
    zone = Image.fromarray(rings.astype(np.uint8)).convert("RGB")
    buffer = io.BytesIO()
    zone.save(buffer, "PNG")
    made = images.make_renditions(buffer.getvalue())
    assert sorted(made) == [480, 960, 1600]
    for target, rendition in made.items():
        size = (target, images.rendition_height(width, height, target))
        assert _mean_difference(rendition, zone.resize(size, Image.Resampling.LANCZOS)) < 9.0


def test_web_renditions_of_a_camera_jpeg_show_no_moire() -> None:
    """The same zone plate as a JPEG (quality 95, no chroma subsampling), as cameras give:
    the renditions come from one decode, each reduced from the next larger one, and show
    no moire either. Decoding each rendition at its own JPEG scale (draft mode: 1/2 for
    960, 1/4 for 480, then one bicubic resize) would not do: libjpeg's scaled decode
    drops each 8 x 8 block's high frequencies block by block, which folds the finest rings
    into moire (mean difference 14.5 of 255 at 960 and 9.3 at 480, against 5.7 and 1.8
    here), and it costs more CPU time, since each scaled decode reads all of the file
    again (see make_renditions)."""
    height, width = 1350, 2400
    y, x = np.mgrid[0:height, 0:width]
    rings = 127.5 + 127.5 * np.cos(np.pi * ((x - width / 2) ** 2 + (y - height / 2) ** 2) / 2880)
    zone = Image.fromarray(rings.astype(np.uint8)).convert("RGB")
    buffer = io.BytesIO()
    zone.save(buffer, "JPEG", quality=95, subsampling=0)
    made = images.make_renditions(buffer.getvalue())
    assert sorted(made) == [480, 960, 1600]
    for target, rendition in made.items():
        size = (target, images.rendition_height(width, height, target))
        assert _mean_difference(rendition, zone.resize(size, Image.Resampling.LANCZOS)) < 9.0


def _stripes(width: int, height: int, period: float) -> bytes:
    """Grey vertical stripes (a cosine, 100 of 255 either side of mid-grey) `period` pixels
    apart, as a lossless PNG: its renditions are PNGs too, so no JPEG noise blurs them."""
    row = 127.5 + 100 * np.cos(2 * np.pi * np.arange(width) / period)
    stripes = Image.fromarray(np.tile(row, (height, 1)).astype(np.uint8)).convert("RGB")
    buffer = io.BytesIO()
    stripes.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(("target", "kept"), [(1600, 0.87), (960, 0.80), (480, 0.72)])
def test_web_renditions_keep_fine_detail(target: int, kept: float) -> None:
    """The renditions' filter must not buy speed with a softer picture: stripes 4 pixels
    apart in a rendition (half the finest detail it can show) keep most of their contrast.
    The filter now (bicubic, each rendition from the next larger): 90%, 84% and 76% at
    1600, 960 and 480; Lanczos 98%, 91%, 82%; Hamming 85%, 75%, 68% and bilinear 78%, 70%,
    60%, which would fail here (see make_renditions)."""
    width, height = 2400, 1350
    made = images.make_renditions(_stripes(width, height, period=4 * width / target))
    with Image.open(io.BytesIO(made[target])) as opened:
        assert opened.size == (target, images.rendition_height(width, height, target))
        middle = np.asarray(opened.convert("L"), dtype=float)[opened.height // 2, 20:-20]
    assert (middle.max() - middle.min()) / 200 >= kept


@pytest.mark.parametrize("make", [images.make_renditions, images.print_rendition])
def test_a_truncated_photo_is_said_damaged_as_the_print_rendition_says_it(
    make: Callable[[bytes], object],
) -> None:
    """Its pixels stop short: both renditions give the structural check's message, so a
    build reports one cause (not a decoder's OSError, which read as a storage error)."""
    photo = noisy_jpeg(4000, 3000)  # decoded in draft mode for both: the pixels are read
    cut = photo[: len(photo) // 2]
    with pytest.raises(PhotoError) as raised:
        make(cut)
    assert raised.value.message == (
        "the image is damaged or incomplete (the image data has no end marker); "
        "export or copy it again"
    )


@pytest.mark.parametrize("make", [images.make_renditions, images.print_rendition])
def test_a_truncated_photo_is_refused_after_weasyprint_let_pillow_take_half_a_picture(
    make: Callable[[bytes], object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """WeasyPrint sets Pillow's global LOAD_TRUNCATED_IMAGES when imported, as a build's
    process has done before its photos: the renditions still decode to the last pixel."""
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    photo = noisy_jpeg(4000, 3000)
    with pytest.raises(PhotoError, match="damaged or incomplete"):
        make(photo[: len(photo) // 2])
    assert ImageFile.LOAD_TRUNCATED_IMAGES  # left as the process had it
