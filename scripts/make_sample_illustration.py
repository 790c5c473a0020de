"""Draw the sample release's illustration: Phnom Penh and Beijing linked by an arc.

A generated, non-photographic graphic the project can ship (no photo rights to
clear, nothing downloaded): the two capitals placed by their coordinates on a
faint graticule, joined by the visit's arc. Deterministic: the same script
gives the same JPEG, so the file committed beside the sample can be checked.

    .venv/bin/python scripts/make_sample_illustration.py OUT.jpg
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 2400, 1350  # 16:9, what picture desks expect of a landscape image
SCALE = 2  # drawn at twice the size, then reduced: smooth edges without a vector library
#: The map's frame in degrees (equirectangular): mainland Southeast and East Asia.
LON = (92.0, 128.0)
LAT = (4.0, 46.0)
PHNOM_PENH = (104.92, 11.56)
BEIJING = (116.40, 39.90)
NAVY = (11, 32, 74)
DEEP = (6, 18, 44)
GOLD = (226, 184, 64)
PALE = (120, 150, 200)


def place(lon: float, lat: float) -> tuple[float, float]:
    """Pixel position (at the drawing scale) of a point, with a margin around the frame."""
    margin = 0.12
    x = (lon - LON[0]) / (LON[1] - LON[0])
    y = (LAT[1] - lat) / (LAT[1] - LAT[0])
    width, height = WIDTH * SCALE, HEIGHT * SCALE
    return (
        width * (margin + x * (1 - 2 * margin)) * 0.62 + width * 0.19,
        height * (margin + y * (1 - 2 * margin)),
    )


def background() -> Image.Image:
    """A vertical gradient from navy to deep blue."""
    width, height = WIDTH * SCALE, HEIGHT * SCALE
    column = Image.new("RGB", (1, height))
    for y in range(height):
        t = y / (height - 1)
        column.putpixel(
            (0, y), tuple(round(a + (b - a) * t) for a, b in zip(NAVY, DEEP, strict=True))
        )
    return column.resize((width, height))


def draw() -> Image.Image:
    image = background()
    pen = ImageDraw.Draw(image, "RGBA")
    # The graticule: every 5 degrees, faint.
    for lon in range(int(LON[0]), int(LON[1]) + 1, 5):
        top, bottom = place(lon, LAT[1]), place(lon, LAT[0])
        pen.line([top, bottom], fill=(*PALE, 40), width=3 * SCALE)
    for lat in range(int(LAT[0]) + 1, int(LAT[1]) + 1, 5):
        left, right = place(LON[0], lat), place(LON[1], lat)
        pen.line([left, right], fill=(*PALE, 40), width=3 * SCALE)
    # The visit: a quadratic arc from Phnom Penh to Beijing, bowed towards the sea.
    start, end = place(*PHNOM_PENH), place(*BEIJING)
    control = ((start[0] + end[0]) / 2 + 420 * SCALE, (start[1] + end[1]) / 2 + 60 * SCALE)
    points = []
    for step in range(201):
        t = step / 200
        points.append(
            (
                (1 - t) ** 2 * start[0] + 2 * (1 - t) * t * control[0] + t**2 * end[0],
                (1 - t) ** 2 * start[1] + 2 * (1 - t) * t * control[1] + t**2 * end[1],
            )
        )
    glow = Image.new("RGBA", image.size, (0, 0, 0, 0))
    ImageDraw.Draw(glow).line(points, fill=(*GOLD, 150), width=28 * SCALE, joint="curve")
    blurred = glow.filter(ImageFilter.GaussianBlur(18 * SCALE))
    image.paste(blurred, (0, 0), blurred)
    pen = ImageDraw.Draw(image, "RGBA")
    pen.line(points, fill=GOLD, width=7 * SCALE, joint="curve")
    # The two capitals: a solid point in rings.
    for x, y in (start, end):
        for radius, alpha in ((90, 40), (60, 80), (34, 140)):
            r = radius * SCALE
            pen.ellipse([x - r, y - r, x + r, y + r], outline=(*GOLD, alpha), width=4 * SCALE)
        r = 18 * SCALE
        pen.ellipse([x - r, y - r, x + r, y + r], fill=GOLD)
    # A compass rose's north mark, bottom right: a map, not a decoration.
    cx, cy, size = WIDTH * SCALE - 150 * SCALE, HEIGHT * SCALE - 170 * SCALE, 60 * SCALE
    pen.polygon([(cx, cy - size), (cx - size / 3, cy), (cx + size / 3, cy)], fill=(*PALE, 160))
    pen.polygon([(cx, cy + size), (cx - size / 3, cy), (cx + size / 3, cy)], fill=(*PALE, 60))
    return image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("illustration.jpg")
    buffer = io.BytesIO()
    draw().save(buffer, "JPEG", quality=90, optimize=True, progressive=True)
    out.write_bytes(buffer.getvalue())
    print(f"wrote {out} ({len(buffer.getvalue()) // 1024} KB, {WIDTH} x {HEIGHT})")


if __name__ == "__main__":
    main()
