"""What is published is what the office wrote: no symlink leads out of the workspace, no
output replaces the workspace's own files, inputs are bounded, invisible controls are cleaned
out of translations, and a full disk is one line, not a traceback."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import polib
import pytest

from publisher.core.catalog import Catalog
from publisher.core.limits import MAX_SEGMENT_CHARS
from tests.support.workspace import SAMPLE_SLUG, Cli, tree_bytes


@pytest.fixture
def ws(repo_workspace: Path) -> Path:
    return repo_workspace


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    secret = folder / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    return folder


def _release(ws: Path) -> Path:
    return ws / "releases" / SAMPLE_SLUG


# ---------------------------------------------------------------- symlinks (the four cases)


def test_source_linked_outside_is_neither_synced_nor_exported(ws: Path, outside: Path) -> None:
    cli = Cli(ws)
    source = _release(ws) / "source.md"
    source.unlink()
    source.symlink_to(outside / "passwd")
    before = tree_bytes(ws, locks=False)
    for args in (("sync", SAMPLE_SLUG), ("export", SAMPLE_SLUG, "--lang", "km")):
        result = cli(*args, ok=False)
        assert result.exit_code == 2, args
        assert result.stderr.startswith(f"error: {source}: is a symbolic link (to ")
        assert "root:x:0:0" not in result.stdout + result.stderr
    assert tree_bytes(ws, locks=False) == before


def test_source_linked_outside_is_not_published(ws: Path, outside: Path) -> None:
    cli = Cli(ws)
    source = _release(ws) / "source.md"
    (outside / "source.md").write_bytes(source.read_bytes())
    source.unlink()
    source.symlink_to(outside / "source.md")  # the same text, but from outside
    result = cli("build", "--format", "html", ok=False)
    assert result.exit_code == 1
    assert f"error: {source}: is a symbolic link" in result.stderr
    assert not (ws / "dist" / SAMPLE_SLUG / "en.html").exists()


def test_history_linked_outside_gets_no_line(ws: Path, outside: Path) -> None:
    cli = Cli(ws)
    history = _release(ws) / "history.jsonl"
    target = outside / "log.jsonl"
    target.write_bytes(history.read_bytes())
    history.unlink()
    history.symlink_to(target)
    before, catalog = target.read_bytes(), (_release(ws) / "translations" / "km.po").read_bytes()
    result = cli(
        "reject",
        SAMPLE_SLUG,
        "--lang",
        "km",
        "--segment",
        "s1",
        "--comment",
        "x",
        "--by",
        "Sok Dara",
        ok=False,
    )
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {history}: is a symbolic link")
    assert target.read_bytes() == before
    assert (_release(ws) / "translations" / "km.po").read_bytes() == catalog


def test_dangling_lock_link_creates_nothing_outside(ws: Path, outside: Path) -> None:
    cli = Cli(ws)
    lock = _release(ws) / ".lock"
    lock.unlink(missing_ok=True)
    lock.symlink_to(outside / "created-by-publisher")
    result = cli("approve", SAMPLE_SLUG, "--lang", "km", "--all", "--by", "Sok Dara", ok=False)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {lock}: is a symbolic link")
    assert not (outside / "created-by-publisher").exists()


def test_linked_catalog_and_release_folder_are_refused(ws: Path, outside: Path) -> None:
    cli = Cli(ws)
    catalog = _release(ws) / "translations" / "km.po"
    (outside / "km.po").write_bytes(catalog.read_bytes())
    catalog.unlink()
    catalog.symlink_to(outside / "km.po")
    result = cli("status", SAMPLE_SLUG, ok=False)
    assert result.exit_code == 2 and f"error: {catalog}: is a symbolic link" in result.stderr
    moved = outside / "release"
    _release(ws).rename(moved)
    _release(ws).symlink_to(moved, target_is_directory=True)
    result = cli("status", SAMPLE_SLUG, ok=False)
    assert result.exit_code == 2 and f"error: {_release(ws)}: is a symbolic link" in result.stderr


# ---------------------------------------------------------------- outputs never on the workspace


@pytest.mark.parametrize(
    "args, where",
    [
        (
            (
                "export",
                SAMPLE_SLUG,
                "--lang",
                "zh-Hans",
                "--format",
                "po",
                "--out",
                f"releases/{SAMPLE_SLUG}/translations/zh-Hans.po",
            ),
            "releases/ belongs to the workspace",
        ),
        (
            ("export", SAMPLE_SLUG, "--lang", "km", "--out", f"releases/{SAMPLE_SLUG}/source.md"),
            "releases/ belongs to the workspace",
        ),
        (
            ("proof", SAMPLE_SLUG, "--lang", "km", "--format", "html", "--out", "publisher.toml"),
            "that is the workspace's publisher.toml",
        ),
        (("memory", "export", "--out", "glossary.toml"), "that is the workspace's glossary.toml"),
        (("build", "--out", "."), "would hold the workspace itself"),
        (("site", "--out", "releases/site"), "releases/ belongs to the workspace"),
        (
            ("bundle", SAMPLE_SLUG, "--out", "templates/x.zip"),
            "templates/ belongs to the workspace",
        ),
    ],
)
def test_out_never_replaces_workspace_files(
    ws: Path, args: tuple[str, ...], where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    (ws / "glossary.toml").write_text("# the office's glossary\n")
    before = tree_bytes(ws, locks=False)
    monkeypatch.chdir(ws)  # relative --out paths, as typed in the workspace
    result = Cli(ws)(*args, ok=False)
    assert result.exit_code == 2, result.stdout
    assert result.stderr.startswith("error: --out ") and where in result.stderr
    assert tree_bytes(ws, locks=False) == before


# ---------------------------------------------------------------- full disk, I/O errors


def test_full_disk_is_one_line_and_changes_nothing(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = Cli(ws)
    before = tree_bytes(ws, locks=False)
    real = os.fsync

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    for args in (
        ("sync", SAMPLE_SLUG),
        ("reject", SAMPLE_SLUG, "--lang", "km", "--segment", "s1", "--comment", "x", "--by", "A"),
    ):
        source = _release(ws) / "source.md"
        source.write_text(source.read_text() + "\nOne more paragraph.\n")
        result = cli(*args, ok=False)
        assert result.exit_code == 1
        assert result.stderr.startswith("error: ")
        assert (
            "No space left on device (the disk is full); files already in place were not "
            "changed" in result.stderr
        )
        assert "Traceback" not in result.stderr
        source.write_text(source.read_text().replace("\nOne more paragraph.\n", ""))
    monkeypatch.setattr(os, "fsync", real)
    assert tree_bytes(ws, locks=False) == before


def test_export_to_a_full_device(ws: Path) -> None:
    result = Cli(ws)("export", SAMPLE_SLUG, "--lang", "km", "--out", "/dev/full", ok=False)
    assert result.exit_code in (1, 2)
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr


# ---------------------------------------------------------------- bounded inputs


def test_import_from_a_device_is_refused(ws: Path) -> None:
    result = Cli(ws)("import", "/dev/zero", "--by", "A", ok=False)
    assert result.exit_code == 2
    assert result.stderr == (
        "error: /dev/zero: not a regular file (a device, pipe or folder): not reading this file\n"
    )


def test_oversized_import_file_is_refused(ws: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.po"
    with big.open("wb") as handle:
        handle.truncate(21 * 1024 * 1024)
    result = Cli(ws)("import", str(big), "--by", "A", ok=False)
    assert result.exit_code == 2
    assert result.stderr == f"error: {big}: the file is 21 MB; the limit is 20 MB\n"


def test_a_giant_translation_is_refused_on_import(ws: Path, tmp_path: Path) -> None:
    cli = Cli(ws)
    exported = tmp_path / "km.po"
    cli("export", SAMPLE_SLUG, "--lang", "km", "--format", "po", "--out", str(exported))
    po = polib.pofile(str(exported), wrapwidth=0)
    po[1].msgstr = "ក" * (MAX_SEGMENT_CHARS + 1)
    po.save()
    before = tree_bytes(ws, locks=False)
    result = cli("import", str(exported), "--by", "A", ok=False)
    assert result.exit_code == 2
    assert f"has {MAX_SEGMENT_CHARS + 1:,} characters; a segment may have at most" in result.stderr
    assert tree_bytes(ws, locks=False) == before


def test_a_giant_translation_edited_by_hand_fails_qa_fast(ws: Path) -> None:
    catalog = _release(ws) / "translations" / "km.po"
    po = polib.pofile(str(catalog), wrapwidth=0)
    next(e for e in po if e.msgctxt == "s2").msgstr = "ក" * 2_000_000
    po.save()
    result = Cli(ws)("check", SAMPLE_SLUG, "--lang", "km", ok=False)
    assert result.exit_code == 1
    assert "segment-too-long" in result.stdout


def test_too_many_segments_are_refused(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "long.txt"
    source.write_text("Title\n\n" + "\n\n".join(f"Paragraph {n}." for n in range(5001)))
    result = cli("new", str(source), "--slug", "long", ok=False)
    assert result.exit_code == 2
    assert "has 5,002 segments; a release may have at most 5,000" in result.stderr
    assert not (cli.root / "releases" / "long").exists()


# ---------------------------------------------------------------- cleaning


def test_bidi_and_nul_are_cleaned_from_imported_translations(ws: Path, tmp_path: Path) -> None:
    cli = Cli(ws)
    exported = tmp_path / "zh.po"
    cli("export", SAMPLE_SLUG, "--lang", "zh-Hans", "--format", "po", "--out", str(exported))
    po = polib.pofile(str(exported), wrapwidth=0)
    entry = next(e for e in po if e.msgctxt == "s2")
    entry.msgstr = "\u202e" + entry.msgstr.replace("11月30日", "11月\x0030日") + "\u2066"
    po.save()
    cli("import", str(exported), "--by", "Li Wei")
    stored = Catalog.load(_release(ws) / "translations" / "zh-Hans.po").entries["s2"].target
    assert "\u202e" not in stored and "\x00" not in stored and "\u2066" not in stored
    assert "2024年11月30日" in stored


def test_controls_left_in_a_catalog_by_hand_block_publishing(ws: Path) -> None:
    cli = Cli(ws)
    catalog = _release(ws) / "translations" / "zh-Hans.po"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace("2024年11月30日", "\u202e2024年11月30日", 1), encoding="utf-8")
    cli("approve", SAMPLE_SLUG, "--lang", "zh-Hans", "--all", "--by", "Li Wei")
    result = cli("build", "--lang", "zh-Hans", "--format", "html", ok=False)
    assert result.exit_code == 1
    assert "s2 control-character" in result.stderr
    assert not (ws / "dist" / SAMPLE_SLUG / "zh-Hans.html").exists()
