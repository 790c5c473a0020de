"""The print rendition of a photo goes into the PDF as it is: WeasyPrint neither decodes
nor encodes it again (its JPEG bytes are the PDF's image stream), while a photo placed
smaller than 300 dpi allows is still downsampled."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
from PIL import Image

from publisher.render import images, pdf
from tests.support.photos import picture

#: The print page's geometry (print.css): A4, 25 mm + 20 mm side margins, a 165 mm column.
PAGE_CSS = "@page { size: A4; margin: 22mm 20mm 24mm 25mm } body { margin: 0 }"


def _embedded_images(data: bytes) -> list[tuple[int, bytes]]:
    """Each image of the PDF: its width and its stored (still encoded) stream."""
    found = []
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        xobjects = page["/Resources"].get("/XObject", {})
        for ref in xobjects.values():
            image = ref.get_object()
            if image["/Subtype"] == "/Image":
                assert image["/Filter"] == "/DCTDecode"
                found.append((int(image["/Width"]), image._data))
    return found


def _render(tmp_path: Path, photo: bytes, style: str) -> bytes:
    (tmp_path / "photo.jpg").write_bytes(photo)
    image = f'<img src="photo.jpg" alt="A test photo" style="{style}">'
    html = f'<html lang="en"><style>{PAGE_CSS}</style><p>{image}</p>'
    fetcher = pdf.restricted_fetcher([tmp_path], [])
    return pdf.render_pdf(html, base_dir=tmp_path, fetcher=fetcher).data


def test_a_print_rendition_placed_across_the_column_is_embedded_byte_for_byte(
    tmp_path: Path,
) -> None:
    printed = images.print_rendition(picture(2400, 1350, quality=92))
    assert Image.open(io.BytesIO(printed)).width == 1949  # 165 mm at 300.03 dpi
    embedded = _embedded_images(_render(tmp_path, printed, "max-width: 100%"))
    assert embedded == [(1949, printed)]


def test_a_photo_placed_smaller_is_still_brought_down_to_300_dpi(tmp_path: Path) -> None:
    printed = images.print_rendition(picture(2400, 1350, quality=92))
    embedded = _embedded_images(_render(tmp_path, printed, "width: 80mm"))
    [(width, _)] = embedded
    dpi = width / (80 / 25.4)  # 946 px: 300.3 dpi, not the 1949 px (619 dpi) given
    assert 299 < dpi < 301
