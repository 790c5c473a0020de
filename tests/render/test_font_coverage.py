"""The character maps the glyph check reads, kept per machine (render/font_coverage.py):
the same code points as the font says, read again when the font or the entry changes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from fontTools.ttLib import TTCollection, TTFont

from publisher.render import font_coverage, fonts


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "publisher" / "font-coverage"


def _faces(lang: str) -> list[fonts.FontFace]:
    return list(fonts.fontset(lang).faces().values())


def _from_font(path: Path, index: int | None) -> frozenset[int]:
    if index is None:
        with TTCollection(str(path), lazy=True) as collection:
            return frozenset(p for font in collection.fonts for p in font.getBestCmap() or {})
    with TTFont(str(path), fontNumber=index, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


def test_every_print_face_is_covered_as_the_font_says_first_read_and_stored(
    cache_home: Path,
) -> None:
    faces = {(face.path, face.index) for lang in ("en", "km", "zh-Hans") for face in _faces(lang)}
    for path, index in sorted(faces, key=str):
        expected = _from_font(path, index)
        assert font_coverage.code_points(path, index) == expected  # read from the font
        assert font_coverage.code_points(path, index) == expected  # from the entry
    assert len(list(cache_home.glob("*.json"))) == len(faces)
    collection = next((p for p, _ in faces if p.suffix.lower() == ".ttc"), None)
    if collection is not None:  # Debian's Noto CJK: every face of the collection at once
        assert font_coverage.code_points(collection, None) == _from_font(collection, None)


def test_a_damaged_entry_is_read_again_from_the_font_and_repaired(cache_home: Path) -> None:
    face = _faces("km")[0]
    expected = font_coverage.code_points(face.path, face.index)
    (entry,) = cache_home.glob("*.json")
    for damage in (b"", b"{not json", b'[["a", 1]]', b"[1, 2]"):
        entry.write_bytes(damage)
        assert font_coverage.code_points(face.path, face.index) == expected
        assert font_coverage._load(entry) == expected  # written whole again


def test_a_font_replaced_by_another_is_read_again(cache_home: Path, tmp_path: Path) -> None:
    """An upgrade replaces the file: another size, time and inode, so another entry."""
    khmer, latin = _faces("km")[0], _faces("en")[0]
    font = tmp_path / "face.ttf"
    shutil.copyfile(khmer.path, font)
    assert ord("ក") in font_coverage.code_points(font, 0)
    replacement = tmp_path / "new.ttf"
    shutil.copyfile(latin.path, replacement)
    os.replace(replacement, font)
    assert font_coverage.code_points(font, 0) == _from_font(font, 0)
    assert ord("ក") not in font_coverage.code_points(font, 0)


def test_without_a_writable_cache_every_process_reads_the_font(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    face = _faces("en")[0]
    assert font_coverage.code_points(face.path, face.index) == _from_font(face.path, face.index)
    assert blocked.read_text(encoding="utf-8") == "not a folder"
