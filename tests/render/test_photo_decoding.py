"""A camera's photo is decoded at the size it is used (JPEG draft mode), and what comes
out is what a full decode and one high-quality resize give: the same sizes, upright,
and the same picture (a pixel's mean difference to the full decode within JPEG noise)."""

from __future__ import annotations

import io

from PIL import Image, ImageChops, ImageOps, ImageStat

from publisher.render import images
from tests.support.photos import picture


def _mean_difference(a: bytes, b: Image.Image) -> float:
    made = Image.open(io.BytesIO(a)).convert("RGB")
    assert made.size == b.size
    return sum(ImageStat.Stat(ImageChops.difference(made, b)).mean) / 3


def _reference(data: bytes, size: tuple[int, int]) -> Image.Image:
    with Image.open(io.BytesIO(data)) as opened:
        whole = ImageOps.exif_transpose(opened).convert("RGB")
    return whole.resize(size, Image.Resampling.LANCZOS)


def test_a_12_megapixel_photo_gives_the_renditions_of_a_full_decode() -> None:
    data = picture(4000, 3000, quality=92)
    made = images.make_renditions(data)
    assert sorted(made) == [480, 960, 1600]
    for width, rendition in made.items():
        height = images.rendition_height(4000, 3000, width)
        assert _mean_difference(rendition, _reference(data, (width, height))) < 2.0
    printed = images.print_rendition(data)
    box = (1949, 1417)  # 165 x 120 mm at 300 dpi
    size = Image.open(io.BytesIO(printed)).size
    assert size == (1889, 1417) and size[0] <= box[0]
    assert _mean_difference(printed, _reference(data, size)) < 2.0


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
    assert printed.size[1] == 1417 and printed.size[0] < printed.size[1]


def test_the_print_rendition_is_a_baseline_jpeg_the_web_ones_progressive() -> None:
    """A PDF viewer decodes an image whole before drawing it: progressive encoding buys
    the print rendition nothing and cost 2.3 times the encoding time (and a few bytes);
    a browser shows a progressive web rendition while it loads."""
    data = picture(2400, 1800, quality=92)
    printed = Image.open(io.BytesIO(images.print_rendition(data)))
    assert printed.format == "JPEG" and not printed.info.get("progressive")
    web = Image.open(io.BytesIO(images.make_renditions(data)[1600]))
    assert web.info.get("progressive")
