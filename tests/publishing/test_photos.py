"""Photos with captions and credits, from `photo add` to every output (issue 11, point 4).

What a press officer and a picture desk see: the photo under the text with its caption in
the reader's language in the PDF and on the page (alt text too), responsive renditions on
the web, the first photo on the site's card, and the original in the bundle with caption,
credit, copyright and embargo in its IPTC and XMP fields, read back with exiftool (a reader
independent of the library that wrote them). Bad images are refused with one line, exit 2,
and nothing changes.
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import pyexiv2
import pytest
from lxml import html as lxml_html
from PIL import Image

from publisher.core.approvals import load_catalog
from publisher.core.release import find_release
from tests.support.photos import CAPTIONS, add_approved_photo, picture
from tests.support.workspace import SAMPLE_SLUG, Cli, Result, copy_repo_workspace, tree_bytes

#: The shipped sample's photo, as release.toml and the Khmer catalog hold it.
SAMPLE_PHOTO = "phnom-penh-beijing.jpg"
SAMPLE_CAPTION_KM = "រូបគំនូរ៖ រាជធានីភ្នំពេញ និងរដ្ឋធានីប៉េកាំង ដែលទស្សនកិច្ចនេះតភ្ជាប់គ្នា"
SAMPLE_CAPTION_ZH = "插图：此访连接的两国首都金边和北京"
SAMPLE_CAPTION_EN = "Illustration: Phnom Penh and Beijing, the two capitals linked by the visit"


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PUBLISHER_REVIEWER", "Press Officer")
    return copy_repo_workspace(tmp_path / "ws")


def bomb_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """A valid PNG of 30,000 x 30,000 one-bit pixels, all black: about 100 KB on disk,
    900 megapixels (and gigabytes) once decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\0" * (1 + (width + 7) // 8)
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def exif(path: Path) -> dict[str, object]:
    """Every metadata field exiftool reads from a file, by group:name."""
    done = subprocess.run(
        ["exiftool", "-j", "-G1", "-a", "-charset", "iptc=UTF8", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout)[0])


# ---------------------------------------------------------------- adding and refusing


def test_photo_add_copies_the_file_and_makes_the_caption_a_segment(
    ws: Path, tmp_path: Path
) -> None:
    cli = Cli(ws)
    source = tmp_path / "Press Conference (1).JPG"
    source.write_bytes(picture(1200, 800))
    result = cli(
        "photo",
        "add",
        SAMPLE_SLUG,
        str(source),
        "--caption",
        "The Minister speaks to the press in Phnom Penh.",
        "--credit",
        "Photo: Sok Dara/MFAIC",
        "--credit-in",
        "km=រូបថត៖ សុខ ដារា/ក្រសួងការបរទេស",
    )
    assert result.stdout.splitlines() == [
        f"{SAMPLE_SLUG}: added photos/Press-Conference-1.jpg (1200 x 800 JPEG)",
        f"new 1 segment s13: untranslated in every language (publisher translate {SAMPLE_SLUG})",
    ]
    folder = ws / "releases" / SAMPLE_SLUG
    assert (folder / "photos" / "Press-Conference-1.jpg").read_bytes() == source.read_bytes()
    release = find_release(ws / "releases", SAMPLE_SLUG)
    added = release.meta.photos[-1]
    assert (added.file, added.caption, added.credit) == (
        "Press-Conference-1.jpg",
        "The Minister speaks to the press in Phnom Penh.",
        "Photo: Sok Dara/MFAIC",
    )
    assert added.credit_in("km") == "រូបថត៖ សុខ ដារា/ក្រសួងការបរទេស"
    assert added.credit_in("zh-Hans") == "Photo: Sok Dara/MFAIC"  # no Chinese form given
    for lang in ("km", "zh-Hans"):
        entry = load_catalog(release, lang).get("s13")
        assert (entry.source, entry.kind, entry.state.value) == (
            "The Minister speaks to the press in Phnom Penh.",
            "caption",
            "untranslated",
        )
    # the publishing rule now holds both languages back, naming the caption
    status = cli("status", SAMPLE_SLUG).stdout
    assert "km not published: 1 segment not approved: s13" in status
    history = (folder / "history.jsonl").read_text(encoding="utf-8").splitlines()
    last = json.loads(history[-1])
    assert (last["action"], last["by"], last["detail"]) == (
        "photo-add",
        "Press Officer",
        "added photos/Press-Conference-1.jpg",
    )
    listed = json.loads(cli("photo", "list", SAMPLE_SLUG, "--json").stdout)
    assert [(p["file"], p["segment"]) for p in listed] == [
        (f"photos/{SAMPLE_PHOTO}", "s12"),
        ("photos/Press-Conference-1.jpg", "s13"),
    ]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("scan.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "not a JPEG or PNG image"),
        ("notes.jpg", b"these are not pixels\n" * 50, "not a JPEG or PNG image"),
        ("bomb.png", None, "a decompression bomb?"),
        ("cut.jpg", None, "the image is damaged or incomplete"),
    ],
)
def test_a_bad_image_is_refused_and_nothing_changes(
    ws: Path, tmp_path: Path, name: str, data: bytes | None, message: str
) -> None:
    if name == "bomb.png":
        data = bomb_png()
        assert len(data) < 150_000  # about 100 KB on disk
    elif name == "cut.jpg":
        whole = picture(1600, 1200, quality=95)
        data = whole[: len(whole) // 2]
    assert data is not None
    bad = tmp_path / name
    bad.write_bytes(data)
    before = tree_bytes(ws, locks=False, cache=False, folders=True)
    result = _refused_add(ws, bad)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {bad}: ") and message in lines[0]
    assert "Traceback" not in result.stderr
    assert tree_bytes(ws, locks=False, cache=False, folders=True) == before


def _refused_add(ws: Path, photo: Path) -> Result:
    """`photo add` of a file expected to be refused."""
    return Cli(ws)(
        "photo",
        "add",
        SAMPLE_SLUG,
        str(photo),
        "--caption",
        "A caption",
        "--credit",
        "MFAIC",
        ok=False,
    )


def test_an_oversized_file_is_refused_before_it_is_read(ws: Path, tmp_path: Path) -> None:
    big = tmp_path / "huge.jpg"
    with big.open("wb") as handle:  # sparse: 41 MB that take no disk
        handle.write(picture(64, 48))
        handle.truncate(41 * 1024 * 1024)
    before = tree_bytes(ws, locks=False, cache=False, folders=True)
    result = _refused_add(ws, big)
    assert (result.exit_code, result.stderr) == (
        2,
        f"error: {big}: the photo is 41 MB; the limit is 40 MB\n",
    )
    assert tree_bytes(ws, locks=False, cache=False, folders=True) == before


def test_new_with_photos_pairs_options_in_order(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = Cli(ws)
    source = tmp_path / "statement.md"
    source.write_text("# Joint Statement\n\nThe two ministers met in Phnom Penh.\n")
    first, second = tmp_path / "a.jpg", tmp_path / "b.png"
    first.write_bytes(picture(800, 600))
    second.write_bytes(picture(600, 600, "PNG"))
    before = tree_bytes(ws, locks=False, cache=False, folders=True)
    mismatched = cli(
        "new",
        str(source),
        "--date",
        "2024-12-05",
        "--photo",
        str(first),
        "--photo",
        str(second),
        "--caption",
        "Only one caption",
        "--credit",
        "MFAIC",
        ok=False,
    )
    assert mismatched.exit_code == 2
    assert mismatched.stderr == (
        "error: 2 --photos but 1 --caption: give one --caption per --photo, in the same order\n"
    )
    assert tree_bytes(ws, locks=False, cache=False, folders=True) == before
    result = cli(
        "new",
        str(source),
        "--date",
        "2024-12-05",
        "--slug",
        "2024-12-05-joint-statement",
        "--photo",
        str(first),
        "--caption",
        "The ministers shake hands.",
        "--photo",
        str(second),
        "--caption",
        "The signed statement.",
        "--credit",
        "Photo: MFAIC",
        "--copyright",
        "© 2024 MFAIC",
    )
    assert "imported the title, 1 paragraph and 2 photos with 2 captions (4 segments)" in (
        result.stdout
    )
    release = find_release(ws / "releases", "2024-12-05-joint-statement")
    assert [(p.file, p.caption, p.credit, p.copyright) for p in release.meta.photos] == [
        ("a.jpg", "The ministers shake hands.", "Photo: MFAIC", "© 2024 MFAIC"),
        ("b.png", "The signed statement.", "Photo: MFAIC", "© 2024 MFAIC"),
    ]
    kinds = [(s.id, s.kind) for s in release.segment_map().segments]
    assert kinds == [("title", "title"), ("s1", "paragraph"), ("s2", "caption"), ("s3", "caption")]


def test_editing_a_caption_makes_its_translations_stale_and_remove_keeps_them_obsolete(
    ws: Path,
) -> None:
    cli = Cli(ws)
    result = cli(
        "photo",
        "edit",
        SAMPLE_SLUG,
        SAMPLE_PHOTO,
        "--caption",
        "Illustration: Phnom Penh and Beijing, linked by the visit",
    )
    assert "1 segment to review again: s12" in result.stdout
    release = find_release(ws / "releases", SAMPLE_SLUG)
    entry = load_catalog(release, "km").get("s12")
    assert entry.state.value == "stale" and entry.target == SAMPLE_CAPTION_KM
    result = cli("photo", "remove", SAMPLE_SLUG, SAMPLE_PHOTO)
    assert result.stdout.splitlines()[-1] == "kept as obsolete: s12"
    folder = ws / "releases" / SAMPLE_SLUG
    assert not (folder / "photos" / SAMPLE_PHOTO).exists()
    assert "[[photos]]" not in (folder / "release.toml").read_text(encoding="utf-8")
    assert '#~ msgctxt "s12"' in (folder / "translations" / "km.po").read_text(encoding="utf-8")
    missing = cli("photo", "remove", SAMPLE_SLUG, SAMPLE_PHOTO, ok=False)
    assert missing.exit_code == 2
    assert (
        missing.stderr == f"error: {SAMPLE_SLUG} has no photo '{SAMPLE_PHOTO}' (its photos: none)\n"
    )


def test_release_toml_cannot_point_a_photo_outside_its_folder(ws: Path) -> None:
    toml = ws / "releases" / SAMPLE_SLUG / "release.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            f'file = "{SAMPLE_PHOTO}"', 'file = "../../../publisher.toml"'
        ),
        encoding="utf-8",
    )
    # `status` refuses the release; `build` reports it and builds the others (exit 1)
    status = Cli(ws)("status", SAMPLE_SLUG, ok=False)
    assert status.exit_code == 2
    assert status.stderr == (
        f"error: {toml}: photo 1: file must name a .jpg, .jpeg or .png in photos/ (letters, "
        "digits, '-' and '_'), not '../../../publisher.toml'\n"
    )
    build = Cli(ws)("build", "--out", str(ws / "dist"), ok=False)
    assert build.exit_code == 1
    assert f"error: {toml}: photo 1: file must name" in build.stderr
    assert "Traceback" not in build.stderr
    assert not (ws / "dist" / SAMPLE_SLUG).exists()


# ---------------------------------------------------------------- every output


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample with a second, large photo (4000 x 3000), built, bundled and on the site."""
    root = copy_repo_workspace(tmp_path_factory.mktemp("photos") / "ws")
    cli = Cli(root)
    large = root.parent / "delegation.jpg"
    with pyexiv2.ImageData(picture(4000, 3000, quality=92)) as camera:
        # what a phone records: its make, and where it stood
        camera.modify_exif(
            {
                "Exif.Image.Make": "Canon",
                "Exif.GPSInfo.GPSLatitudeRef": "N",
                "Exif.GPSInfo.GPSLatitude": "11/1 33/1 0/1",
            }
        )
        large.write_bytes(bytes(camera.get_bytes()))
    embargo = "2024-12-02T08:00:00+07:00"
    toml = root / "releases" / SAMPLE_SLUG / "release.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            'number = "MFAIC/2024/001"', f'number = "MFAIC/2024/001"\nembargo = {embargo}'
        ),
        encoding="utf-8",
    )
    add_approved_photo(cli, root, SAMPLE_SLUG, large)
    cli("build", "--out", str(root / "dist"))
    cli("bundle", SAMPLE_SLUG, "--out", str(root / "bundle.zip"))
    cli(
        "site",
        "--out",
        str(root / "site"),
        "--base-url",
        "https://press.example.org/",
        "--now",
        "2024-12-02 09:00",
    )
    return root


@pytest.mark.slow
def test_the_khmer_pdf_shows_each_photo_with_its_khmer_caption_on_the_same_page(
    published: Path,
) -> None:
    pdf = published / "dist" / SAMPLE_SLUG / "km.pdf"
    images = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    rows = [line.split() for line in images]
    assert len(rows) == 2
    for row in rows:
        page, x_ppi, y_ppi = int(row[0]), int(row[12]), int(row[13])
        # at most 450 dpi at the size placed (press presets' threshold, see print_rendition)
        assert x_ppi <= 450 and y_ppi <= 450
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        squeezed = "".join(text.split()).replace("\u200b", "")
        assert (
            "".join(SAMPLE_CAPTION_KM.split()) in squeezed
            or "".join(CAPTIONS["km"].split()) in squeezed
        )
    # the 4000-pixel photo (635 dpi) is embedded at half its size, decoded so (2000 pixels:
    # 317 dpi), not 4000; the sample's 2400-pixel one (369 dpi) as it is
    widths = sorted(int(row[3]) for row in rows)
    assert widths == [2000, 2400]
    assert pdf.stat().st_size < 2_000_000


@pytest.mark.slow
def test_the_khmer_page_has_responsive_images_with_the_caption_as_alt_text(
    published: Path,
) -> None:
    folder = published / "dist" / SAMPLE_SLUG
    page = lxml_html.fromstring((folder / "km.html").read_bytes())
    images = page.xpath("//figure[@class='photo']/img")
    assert [img.get("alt") for img in images] == [SAMPLE_CAPTION_KM, CAPTIONS["km"]]
    large = images[1]
    assert large.get("srcset") == (
        "photos/delegation-480w.jpg 480w, photos/delegation-960w.jpg 960w, "
        "photos/delegation-1600w.jpg 1600w"
    )
    assert (large.get("src"), large.get("width"), large.get("height")) == (
        "photos/delegation-960w.jpg",
        "960",
        "720",
    )
    assert large.get("loading") == "lazy" and large.get("sizes")
    for candidate in large.get("srcset").split(", "):
        name, width = candidate.split()
        with Image.open(folder / name) as rendition:
            assert rendition.width == int(width[:-1])
    caption = page.xpath("//figure[@class='photo'][2]/figcaption")[0].text_content()
    assert CAPTIONS["km"] in caption and "© 2024 MFAIC" in caption
    assert page.xpath("//figure[@class='photo'][2]//a[@download]/@href") == [
        "photos/delegation.jpg"
    ]


@pytest.mark.slow
def test_the_bundle_carries_originals_with_iptc_and_xmp(published: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(published / "bundle.zip") as bundle:
        original = bundle.read(f"{SAMPLE_SLUG}/photos/delegation.jpg")
        manifest = json.loads(bundle.read(f"{SAMPLE_SLUG}/manifest.json"))
        names = set(bundle.namelist())
    assert f"{SAMPLE_SLUG}/photos/delegation-960w.jpg" in names  # the page's renditions too
    path = tmp_path / "delegation.jpg"
    path.write_bytes(original)
    fields = exif(path)
    assert fields["IPTC:Caption-Abstract"] == CAPTIONS["en"]
    assert fields["IPTC:Credit"] == "Ministry of Foreign Affairs and International Cooperation"
    assert fields["IPTC:CopyrightNotice"] == "© 2024 MFAIC"
    assert fields["IPTC:ObjectName"] == "MFAIC/2024/001"
    assert (fields["IPTC:ReleaseDate"], fields["IPTC:ReleaseTime"]) == (
        "2024:12:02",
        "08:00:00+07:00",
    )
    assert fields["XMP-dc:Description"] == CAPTIONS["en"]
    assert fields["XMP-dc:Description-km"] == CAPTIONS["km"]
    # XMP language tags are case-insensitive; exiv2 writes zh-hans
    by_lang = {k.lower(): v for k, v in fields.items()}
    assert by_lang["xmp-dc:description-zh-hans"] == CAPTIONS["zh-Hans"]
    assert fields["XMP-photoshop:Credit"] == (
        "Ministry of Foreign Affairs and International Cooperation"
    )
    # the camera's fields stay, but not where it stood
    assert fields["IFD0:Make"] == "Canon"
    assert not [key for key in fields if key.startswith("GPS:") or "GPS" in key.split(":")[-1]]
    # the pixels are the press officer's, untouched
    with (
        Image.open(io.BytesIO(original)) as sent,
        Image.open(published.parent / "delegation.jpg") as given,
    ):
        assert sent.tobytes() == given.tobytes()
    entry = next(p for p in manifest["photos"] if p["name"] == "photos/delegation.jpg")
    assert entry["captions"] == CAPTIONS and entry["original"] is True


@pytest.mark.slow
def test_the_site_card_shows_the_first_photo(published: Path) -> None:
    home = lxml_html.fromstring((published / "site" / "km" / "index.html").read_bytes())
    card = home.xpath("//li[contains(@class, 'with-photo')]")[0]
    img = card.xpath(".//a[contains(@class, 'photo')]/img")[0]
    assert img.get("alt") == SAMPLE_CAPTION_KM
    src = img.get("src")
    assert src == f"../releases/{SAMPLE_SLUG}/photos/phnom-penh-beijing-480w.jpg"
    assert (published / "site" / "km" / src).resolve().is_file()
    # the wire copy lists the photos the bundle carries
    with zipfile.ZipFile(published / "bundle.zip") as bundle:
        wire = bundle.read(f"{SAMPLE_SLUG}/km.txt").decode("utf-8")
    assert f"[photos/{SAMPLE_PHOTO}]" in wire and "[photos/delegation.jpg]" in wire


def test_fsck_names_a_missing_photo_and_a_stray_file(ws: Path) -> None:
    folder = ws / "releases" / SAMPLE_SLUG / "photos"
    (folder / SAMPLE_PHOTO).rename(folder / "renamed.jpg")
    report = Cli(ws)("fsck", SAMPLE_SLUG, "--dry-run", ok=False)
    assert f"photos/{SAMPLE_PHOTO} is named in release.toml but missing" in report.stdout
    assert "photos/renamed.jpg is not named in release.toml: no output shows it" in (report.stdout)
    build = Cli(ws)("build", "--out", str(ws / "dist"), ok=False)
    assert build.exit_code == 1
    assert f"the photo photos/{SAMPLE_PHOTO} is missing" in build.stderr


def test_a_photo_damaged_after_it_was_added_is_named_once(ws: Path) -> None:
    """A photo cut short since `photo add` took it (a sync tool, a full disk) fails its
    print rendition, its web renditions and each PDF: the build says so in one line that
    names the file, as every error a user can mend does."""
    photo = ws / "releases" / SAMPLE_SLUG / "photos" / SAMPLE_PHOTO
    photo.write_bytes(photo.read_bytes()[:4000])
    build = Cli(ws)("build", "--out", str(ws / "dist"), ok=False)
    assert build.exit_code == 1 and "Traceback" not in build.stderr
    errors = [line for line in build.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [
        f"error: {photo}: the image is damaged or incomplete (the image data has no end "
        "marker); export or copy it again"
    ]


def test_a_truncated_jpeg_is_refused_even_after_a_pdf_was_rendered(
    ws: Path, tmp_path: Path
) -> None:
    """WeasyPrint tells Pillow to accept truncated images, process-wide, when it is imported
    (`publisher serve` renders previews, then takes photos in the same process)."""
    import weasyprint  # noqa: F401  (sets PIL.ImageFile.LOAD_TRUNCATED_IMAGES)
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    whole = picture(1600, 1200, quality=95)
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(whole[: len(whole) // 2])
    result = Cli(ws)(
        "photo",
        "add",
        SAMPLE_SLUG,
        str(cut),
        "--caption",
        "A caption",
        "--credit",
        "MFAIC",
        ok=False,
    )
    assert result.exit_code == 2 and "the image is damaged or incomplete" in result.stderr
    assert ImageFile.LOAD_TRUNCATED_IMAGES  # left as WeasyPrint wants it
