"""The photos in a built PDF (issue 25, point 3): what WeasyPrint embeds is the print
rendition as the build made it, never resized or encoded again by WeasyPrint's `dpi`
option, upright whatever the camera's EXIF says, and without that EXIF (where the camera
stood is not in the PDF). Read back with poppler's pdfimages, as a prepress check would."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pyexiv2
import pytest
from PIL import Image, ImageFile

from publisher.core.workspace import Workspace
from publisher.publishing.builders.dist import DistBuilder
from publisher.render import image_segments
from publisher.workflow.status import resolve_releases
from tests.support.photos import add_approved_photo, picture

if TYPE_CHECKING:
    from PIL._imaging import PixelAccess  # what Pillow's ImageFile.load returns
from tests.support.workspace import SAMPLE_SLUG, Cli, copy_repo_workspace

#: The shipped sample's photo: 2400 x 1350, 369 dpi across the column (embedded as it is).
SAMPLE_PHOTO = "phnom-penh-beijing.jpg"


def turned_phone_photo() -> bytes:
    """900 x 1600 upright, stored on its side with EXIF orientation 6 (a phone held
    upright), a red square in the upright picture's top left corner, and a GPS position."""
    upright = Image.new("RGB", (900, 1600), (30, 60, 120))
    upright.paste((220, 20, 20), (0, 0, 200, 200))
    stored = io.BytesIO()
    upright.transpose(Image.Transpose.ROTATE_90).save(stored, "JPEG", quality=92)
    with pyexiv2.ImageData(stored.getvalue()) as camera:
        camera.modify_exif(
            {
                "Exif.Image.Make": "Canon",
                "Exif.Image.Orientation": "6",
                "Exif.GPSInfo.GPSLatitudeRef": "N",
                "Exif.GPSInfo.GPSLatitude": "11/1 33/1 0/1",
            }
        )
        return bytes(camera.get_bytes())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_repo_workspace(tmp_path_factory.mktemp("print-photos") / "ws")
    turned = root.parent / "upright.jpg"
    turned.write_bytes(turned_phone_photo())
    # the most pixels printed as they are: 450 dpi across the column
    widest = root.parent / "widest.jpg"
    widest.write_bytes(picture(2923, 1600, quality=90))
    cli = Cli(root)
    add_approved_photo(cli, root, SAMPLE_SLUG, turned)
    add_approved_photo(cli, root, SAMPLE_SLUG, widest)
    cli("build", "--lang", "en", "--format", "pdf", "--out", str(root / "dist"))
    return root


def _embedded(pdf: Path, into: Path) -> list[tuple[list[str], bytes]]:
    """Each image of the PDF: its `pdfimages -list` row, and its stream (a JPEG's bytes)."""
    rows = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    subprocess.run(["pdfimages", "-j", str(pdf), str(into / "img")], check=True)
    files = sorted(into.glob("img-*"))
    assert len(files) == len(rows)
    return [(row.split(), path.read_bytes()) for row, path in zip(rows, files, strict=True)]


@pytest.mark.slow
def test_the_pdf_embeds_the_photos_upright_as_given_without_the_camera_exif(
    built: Path, tmp_path: Path
) -> None:
    images = _embedded(built / "dist" / SAMPLE_SLUG / "en.pdf", tmp_path)
    assert len(images) == 3
    by_size = {(int(row[3]), int(row[4])): data for row, data in images}
    for row, _ in images:
        assert row[8] == "jpeg" and int(row[12]) <= 450 and int(row[13]) <= 450
    # the sample's photo, 369 dpi: its own bytes, without its EXIF, not resized by WeasyPrint
    sample = (built / "releases" / SAMPLE_SLUG / "photos" / SAMPLE_PHOTO).read_bytes()
    assert by_size[(2400, 1350)] == image_segments.image_data(sample, exif=False)
    # at 450 dpi, WeasyPrint's own limit (its `dpi` option): not resized by it either
    widest = (built / "releases" / SAMPLE_SLUG / "photos" / "widest.jpg").read_bytes()
    assert by_size[(2923, 1600)] == image_segments.image_data(widest, exif=False)
    # the phone's photo stands upright (portrait, the red corner top left), and the PDF
    # holds nothing of its EXIF: no make, no position
    turned = by_size[(900, 1600)]
    with Image.open(io.BytesIO(turned)) as shown:
        assert shown.size == (900, 1600) and not shown.getexif()
        corner = shown.convert("RGB").getpixel((50, 50))
        assert isinstance(corner, tuple) and corner[0] > 180 and corner[1] < 80
    pdf = (built / "dist" / SAMPLE_SLUG / "en.pdf").read_bytes()
    assert b"Canon" not in pdf


@pytest.mark.slow
def test_a_cold_build_decodes_a_camera_photo_once_at_the_size_it_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 12-megapixel original (4000 x 3000) is decoded once, by the JPEG decoder at half
    its size (2000 x 1500: 317 dpi in print, wide enough for the 1600-pixel rendition);
    the web renditions are made from that print rendition; the PDFs decode nothing; and
    the photo's check (decoded to its last pixel at `photo add`) is not run again."""
    root = copy_repo_workspace(tmp_path / "ws")
    camera = root.parent / "camera.jpg"
    camera.write_bytes(picture(4000, 3000, quality=92))
    cli = Cli(root)
    add_approved_photo(cli, root, SAMPLE_SLUG, camera)
    original = camera.stat().st_size
    decoded: list[tuple[int, tuple[int, int]]] = []
    load = ImageFile.ImageFile.load

    def counting_load(image: ImageFile.ImageFile) -> PixelAccess | None:
        if image.tile and isinstance(image.fp, io.BytesIO):
            decoded.append((image.fp.getbuffer().nbytes, image.size))
        return load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counting_load)
    cli("build", "-j", "1", "--out", str(root / "dist"))
    assert (root / "dist" / SAMPLE_SLUG / "photos" / "camera-1600w.jpg").is_file()
    assert [size for source, size in decoded if source == original] == [(2000, 1500)]
    # in all: the camera's original, its print rendition (for the web renditions), and the
    # sample's own photo (2400 x 1350: printed as it is, decoded for its web renditions)
    assert sorted(size for _, size in decoded) == [(2000, 1500), (2000, 1500), (2400, 1350)]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("formats", "stages"),
    [
        # pages and PDFs: the web renditions are made with the print rendition, before
        # the PDFs, while WeasyPrint loads (no stage of their own after the PDFs)
        (("pdf", "html"), ["photos for print", "PDFs", "photo metadata"]),
        # PDFs alone: no web rendition is made
        (("pdf",), ["photos for print", "PDFs"]),
        # pages alone: no print rendition; the web ones from the original
        (("html",), ["photos", "photo metadata"]),
    ],
)
def test_a_photo_s_renditions_are_made_once_where_the_build_needs_them(
    tmp_path: Path, formats: tuple[str, ...], stages: list[str]
) -> None:
    root = copy_repo_workspace(tmp_path / "ws")
    seen: list[str] = []

    def progress(stage: str, done: int, total: int) -> None:
        if not seen or seen[-1] != stage:
            seen.append(stage)

    out = tmp_path / "dist"
    report = DistBuilder(
        Workspace.load(root), out_dir=out, formats=formats, jobs=1, progress=progress
    ).build(resolve_releases(Workspace.load(root), [SAMPLE_SLUG]))
    assert report.ok
    assert [stage for stage in seen if "photo" in stage or stage == "PDFs"] == stages
    photos = sorted(p.name for p in (out / SAMPLE_SLUG).glob("photos/*"))
    if "html" in formats:
        names = ("", "-480w", "-960w", "-1600w")
        assert photos == sorted(f"phnom-penh-beijing{suffix}.jpg" for suffix in names)
        assert report.rendered["photo"] == 4
    else:
        assert photos == []
