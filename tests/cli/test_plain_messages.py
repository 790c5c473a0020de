"""Messages that say what is wrong, in the user's words (issue 20, item 7).

`new` on a FIFO or a device says it is not a regular file; a damaged Word file says
so and names the part it lacks; a `source.md`, `segments.json` or photo replaced by a
symbolic link is named as a link by `status`, `fsck` and `build`; a full disk names
the file that could not be written.
"""

from __future__ import annotations

import errno
import os
import re
import zipfile
from pathlib import Path

import pytest

from tests.support.photos import add_approved_photo, picture
from tests.support.workspace import SAMPLE_SLUG, SAMPLE_TXT, Cli, tree_bytes

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT = (
    f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>Visit</w:t></w:r></w:p></w:body>'
    "</w:document>"
)
CONTENT_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.openxmlformats.org'
    '/officeDocument/2006/relationships/officeDocument"/></Relationships>'
)


# ---------------------------------------------------------------- new: not a regular file


def test_new_on_a_fifo_or_a_device_says_it_is_not_a_regular_file(cli: Cli, tmp_path: Path) -> None:
    fifo = tmp_path / "release.txt"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero")):
        result = cli("new", str(path), "--title", "Visit", ok=False)
        assert (result.exit_code, result.stderr) == (
            2,
            f"error: {path}: not a regular file (a device, pipe or folder): not reading it\n",
        )
    missing = cli("new", str(tmp_path / "nothing.txt"), "--title", "Visit", ok=False)
    assert missing.stderr == f"error: {tmp_path / 'nothing.txt'}: file not found\n"


# ---------------------------------------------------------------- a damaged Word file


def _docx(path: Path, parts: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


@pytest.mark.parametrize(
    ("parts", "said"),
    [
        (
            {"_rels/.rels": RELS, "word/document.xml": DOCUMENT},
            "the Word file is damaged: it has no [Content_Types].xml part",
        ),
        (
            {"[Content_Types].xml": "<Types/>", "_rels/.rels": RELS, "word/document.xml": DOCUMENT},
            "the Word file is damaged: its [Content_Types].xml part is not a list of content types",
        ),
        (
            {"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": DOCUMENT},
            "the Word file is damaged: it has no _rels/.rels part",
        ),
        (
            {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": RELS},
            "the Word file is damaged: it has no word/document.xml part (not a Word document?)",
        ),
    ],
)
def test_a_damaged_word_file_names_the_missing_part(
    cli: Cli, tmp_path: Path, parts: dict[str, str], said: str
) -> None:
    path = _docx(tmp_path / "visit.docx", parts)
    result = cli("new", str(path), "--title", "Visit", ok=False)
    assert (result.exit_code, result.stderr) == (2, f"error: {path}: {said}\n")


# ---------------------------------------------------------------- links named as links


def _link_in_place(path: Path, tmp: Path) -> Path:
    """Replace `path` by a link to a copy of it outside the workspace; the copy."""
    copy = tmp / f"copy-{path.name}"
    copy.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(copy)
    return copy


@pytest.mark.parametrize("name", ["source.md", "segments.json"])
def test_status_and_fsck_name_a_linked_source_or_segment_map(
    cli: Cli, sample: str, workspace: Path, tmp_path: Path, name: str
) -> None:
    path = workspace / "releases" / sample / name
    copy = _link_in_place(path, tmp_path)
    said = f"{path}: is a symbolic link (to {copy})"
    status = cli("status", sample, ok=False)
    assert status.exit_code == 2
    assert f"error: {said}" in status.stderr
    assert "run sync" not in status.stdout
    before = tree_bytes(workspace, locks=False)
    fsck = cli("fsck", sample, ok=False)
    assert fsck.exit_code == 1, fsck.stdout + fsck.stderr
    assert f"{name} is a symbolic link (to {copy})" in fsck.stdout
    assert f"{sample}: ok" not in fsck.stdout
    assert tree_bytes(workspace, locks=False) == before  # a link is the office's to replace


def test_a_photo_replaced_by_a_link_is_named_as_a_link(
    repo_workspace: Path, tmp_path: Path
) -> None:
    cli = Cli(repo_workspace)
    jpeg = tmp_path / "visit.jpg"
    jpeg.write_bytes(picture())
    add_approved_photo(cli, repo_workspace, SAMPLE_SLUG, jpeg)
    folder = repo_workspace / "releases" / SAMPLE_SLUG / "photos"
    (photo,) = [p for p in folder.iterdir() if p.name.startswith("visit")]
    copy = _link_in_place(photo, tmp_path)
    build = cli("build", SAMPLE_SLUG, "--format", "html", "--out", str(tmp_path / "d"), ok=False)
    assert build.exit_code != 0
    assert f"{photo}: is a symbolic link (to {copy})" in build.stderr
    assert "missing" not in build.stderr
    fsck = cli("fsck", SAMPLE_SLUG, ok=False)
    assert f"photos/{photo.name} is a symbolic link (to {copy})" in fsck.stdout
    assert "missing" not in fsck.stdout


# ---------------------------------------------------------------- a full disk


def test_a_full_disk_names_the_file_it_could_not_write(
    cli: Cli, sample: str, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    source = workspace / "releases" / sample / "source.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nOne more paragraph.\n", "utf-8")
    monkeypatch.setattr(os, "fsync", full)
    result = cli("sync", sample, ok=False)
    monkeypatch.undo()
    assert result.exit_code == 1
    release = re.escape(str(workspace / "releases" / sample))
    assert re.fullmatch(
        rf"error: {release}/\S+: No space left on device \(the disk is full\); files already "
        r"in place were not changed\n",
        result.stderr,
    ), result.stderr


def test_new_of_the_sample_still_works(cli: Cli) -> None:
    assert "created releases/" in cli("new", str(SAMPLE_TXT), "--title", "Visit").stdout
