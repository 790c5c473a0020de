"""`publisher bundle`, the zip for wire services."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import polib
import pytest

from publisher.core.document import plain_text
from publisher.publishing.builders.bundle import deterministic_zip
from publisher.publishing.builders.wire import display_width, wrap
from publisher.render.khmer_breaks import ZWSP, insert_break_opportunities
from tests.support.site import SECOND_SLUG, make_workspace
from tests.support.workspace import SAMPLE_SLUG, Cli

LANGS = ("en", "km", "zh-Hans")


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample bundled once for the module: (workspace, zip)."""
    root = make_workspace(tmp_path_factory.mktemp("bundle") / "ws")
    target = root / "out" / "wire.zip"
    Cli(root)("bundle", SAMPLE_SLUG, "--out", str(target))
    return root, target


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


@pytest.mark.slow
def test_manifest_checksums_match_the_files(bundled: tuple[Path, Path]) -> None:
    _, target = bundled
    files = members(target)
    manifest = json.loads(files[f"{SAMPLE_SLUG}/manifest.json"])
    assert manifest["release"] == SAMPLE_SLUG and manifest["date"] == "2024-11-30"
    assert manifest["tool"]["name"] == "publisher" and manifest["tool"]["version"]
    assert sorted(manifest["languages"]) == sorted(LANGS)
    listed = set()
    for lang, info in manifest["languages"].items():
        names = {f["name"] for f in info["files"]}
        assert names == {f"{lang}.pdf", f"{lang}.html", f"{lang}.txt"}
        for entry in info["files"]:
            data = files[f"{SAMPLE_SLUG}/{entry['name']}"]
            assert entry["size"] == len(data)
            assert entry["sha256"] == hashlib.sha256(data).hexdigest()
            listed.add(entry["name"])
    photos = {p["name"] for p in manifest["photos"]}
    assert photos == {
        f"photos/phnom-penh-beijing{suffix}.jpg" for suffix in ("", "-480w", "-960w", "-1600w")
    }
    for entry in manifest["photos"]:
        data = files[f"{SAMPLE_SLUG}/{entry['name']}"]
        assert (entry["size"], entry["sha256"]) == (len(data), hashlib.sha256(data).hexdigest())
    assert set(files) == {f"{SAMPLE_SLUG}/{n}" for n in listed | photos | {"manifest.json"}}
    assert manifest["languages"]["km"]["title"].startswith("សម្តេចតេជោ ហ៊ុន សែន")
    assert manifest["languages"]["km"]["date_text"] == "ថ្ងៃទី៣០ ខែវិច្ឆិកា ឆ្នាំ២០២៤"
    assert manifest["languages"]["zh-Hans"]["date_text"] == "2024年11月30日"
    assert files[f"{SAMPLE_SLUG}/km.pdf"].startswith(b"%PDF-")


@pytest.mark.slow
def test_manifest_records_who_approved_each_language(bundled: tuple[Path, Path]) -> None:
    root, target = bundled
    manifest = json.loads(members(target)[f"{SAMPLE_SLUG}/manifest.json"])
    for lang in ("km", "zh-Hans"):
        approval = manifest["languages"][lang]["approval"]
        catalog = polib.pofile(str(root / "releases" / SAMPLE_SLUG / "translations" / f"{lang}.po"))
        reviewers = {
            c.split(" by ", 1)[1].split(" on ")[0]
            for e in catalog
            for c in e.tcomment.splitlines()
            if c.startswith("approved by ")
        }
        assert approval["by"] == sorted(reviewers) == ["Press Secretary"]
        assert approval["segments"] == 13 and approval["approved_at"].startswith("20")
    assert manifest["languages"]["en"]["approval"]["source"] is True


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_wire_copy_is_dated_wrapped_and_ends_with_the_end_mark(
    bundled: tuple[Path, Path], lang: str
) -> None:
    _, target = bundled
    text = members(target)[f"{SAMPLE_SLUG}/{lang}.txt"].decode("utf-8")
    lines = text.rstrip("\n").split("\n")
    # When the copy may run, then its number, then the dateline.
    assert [line for line in lines if line][:3] == {
        "en": ["For immediate release", "No. MFAIC/2024/001", "Phnom Penh, 30 November 2024"],
        "km": ["សម្រាប់ផ្សព្វផ្សាយភ្លាមៗ", "លេខ៖ MFAIC/2024/001", "ភ្នំពេញ ថ្ងៃទី៣០ ខែវិច្ឆិកា ឆ្នាំ២០២៤"],
        "zh-Hans": ["即时发布", "编号：MFAIC/2024/001", "2024年11月30日于金边"],
    }[lang]
    assert lines[-1] == {"en": "###", "km": "៕", "zh-Hans": "（完）"}[lang]
    assert ZWSP not in text and "\r" not in text
    assert max(display_width(line) for line in lines) <= 72
    assert sum(1 for line in lines if display_width(line) > 60) > 5  # wrapped, not one per line


@pytest.mark.slow
def test_khmer_lines_end_only_at_word_boundaries(bundled: tuple[Path, Path]) -> None:
    root, target = bundled
    text = members(target)[f"{SAMPLE_SLUG}/km.txt"].decode("utf-8")
    catalog = polib.pofile(str(root / "releases" / SAMPLE_SLUG / "translations" / "km.po"))
    checked = 0
    for paragraph in text.rstrip("\n").split("\n\n"):
        lines = [line.strip().removeprefix("- ").strip() for line in paragraph.split("\n")]
        if len(lines) < 2:
            continue
        joined = "".join("".join(lines).split())
        texts = [" ".join(plain_text(e.msgstr).split()) for e in catalog]
        source = next((t for t in texts if "".join(t.split()) == joined), None)
        if source is None:
            continue  # the About section and the contacts come from the boilerplate
        allowed = _break_positions(source)
        position = 0
        for line in lines[:-1]:
            position = source.index(line, position) + len(line)
            assert position in allowed, f"line ends inside a Khmer word: …{line[-12:]}"
        checked += 1
    assert checked >= 5


def _break_positions(text: str) -> set[int]:
    """Offsets in `text` where a line may end: at a space, or an ICU Khmer word break."""
    marked = insert_break_opportunities(text)
    allowed, offset = set(), 0
    for char in marked:
        if char == ZWSP:
            allowed.add(offset)
            continue
        offset += 1
        if char == " ":
            allowed.update({offset - 1, offset})
    return allowed


@pytest.mark.slow
def test_same_release_gives_the_same_bytes(bundled: tuple[Path, Path], tmp_path: Path) -> None:
    root, target = bundled
    again = tmp_path / "again.zip"
    Cli(root)("bundle", SAMPLE_SLUG, "--out", str(again))
    assert again.read_bytes() == target.read_bytes()
    with zipfile.ZipFile(again) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


@pytest.mark.slow
def test_unpublishable_language_is_left_out_and_named(bundled: tuple[Path, Path]) -> None:
    root, _ = bundled
    target = root / "out" / "second.zip"
    result = Cli(root)("bundle", SECOND_SLUG, "--out", str(target))
    assert "zh-Hans not published" in result.stderr
    files = members(target)
    manifest = json.loads(files[f"{SECOND_SLUG}/manifest.json"])
    assert sorted(manifest["languages"]) == ["en", "km"]
    assert "zh-Hans" in manifest["not_published"]
    assert f"{SECOND_SLUG}/zh-Hans.pdf" not in files


@pytest.mark.slow
def test_only_the_source_when_no_translation_is_approved(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws")
    for lang in ("km", "zh-Hans"):
        po = root / "releases" / SAMPLE_SLUG / "translations" / f"{lang}.po"
        po.write_text(po.read_text().replace("# approved by", "# noted by"))
    result = Cli(root)("bundle", SAMPLE_SLUG, "--out", str(tmp_path / "x.zip"))
    assert "km not published" in result.stderr and "zh-Hans not published" in result.stderr
    manifest = json.loads(members(tmp_path / "x.zip")[f"{SAMPLE_SLUG}/manifest.json"])
    assert sorted(manifest["languages"]) == ["en"]
    assert sorted(manifest["not_published"]) == ["km", "zh-Hans"]


def test_unknown_release_is_a_one_line_error(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws")
    result = Cli(root)("bundle", "no-such-release", ok=False)
    assert result.exit_code == 2 and "no release named 'no-such-release'" in result.stderr


def test_wrap_never_breaks_a_khmer_word_and_respects_width() -> None:
    text = "ក្នុងជំហានមួយដែលឆ្លុះបញ្ចាំងពីការប្តេជ្ញាចិត្តរបស់កម្ពុជាចំពោះភាពជាដៃគូ " * 4
    lines = wrap(text, "km", width=40)
    assert len(lines) > 3 and all(display_width(line) <= 40 for line in lines)
    allowed = _break_positions(" ".join(text.split()))
    position = 0
    source = " ".join(text.split())
    for line in lines[:-1]:
        position = source.index(line, position) + len(line)
        assert position in allowed


def test_wrap_chinese_counts_wide_characters_and_keeps_punctuation() -> None:
    text = "柬埔寨参议院主席、柬埔寨人民党主席洪森亲王将于2024年12月2日至4日率团访问。" * 2
    lines = wrap(text, "zh-Hans", width=20)
    assert all(display_width(line) <= 20 for line in lines)
    assert not any(line.startswith(("。", "、", "，")) for line in lines)


def test_deterministic_zip_ignores_insertion_order() -> None:
    a = deterministic_zip({"b.txt": b"2", "a.txt": b"1"})
    b = deterministic_zip({"a.txt": b"1", "b.txt": b"2"})
    assert a == b
