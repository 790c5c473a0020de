"""`publisher site --out DIR` writes only into a folder of its own (issue 20, item 16).

An empty or new folder, or one an earlier `site` made (it leaves `.publisher-site` there),
is written; any other folder is refused with one line, exit 2, and nothing in it changes,
unless the officer says `--overwrite`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.workspace import Cli, copy_repo_workspace, tree_bytes

MARK = ".publisher-site"
THEIRS = b"<!doctype html><title>The office intranet</title><h1>Staff notices</h1>\n"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("PUBLISHER_REVIEWER", "Press Officer")
    return Cli(copy_repo_workspace(tmp_path / "ws"))


def test_a_folder_site_did_not_make_is_refused_and_left_as_it_was(cli: Cli, tmp_path: Path) -> None:
    intranet = tmp_path / "intranet"
    (intranet / "notices").mkdir(parents=True)
    (intranet / "index.html").write_bytes(THEIRS)
    (intranet / "notices" / "2024.html").write_bytes(THEIRS)
    before = tree_bytes(intranet)

    refused = cli("site", "--out", str(intranet), ok=False)

    assert refused.exit_code == 2
    assert refused.stderr.startswith(f"error: --out {intranet}: ")
    assert "not empty and was not made by `publisher site`" in refused.stderr
    assert "--overwrite" in refused.stderr
    assert "Traceback" not in refused.stderr and len(refused.stderr.splitlines()) == 1
    assert tree_bytes(intranet) == before

    taken = cli("site", "--out", str(intranet), "--overwrite")
    assert "The site has 1 release." in taken.stdout
    assert (intranet / "index.html").read_bytes() != THEIRS
    assert (intranet / MARK).is_file()
    assert (intranet / "notices" / "2024.html").read_bytes() == THEIRS  # not its to remove
    again = cli("site", "--out", str(intranet))  # now a folder site made
    assert again.exit_code == 0


def test_a_new_or_empty_folder_is_written_and_marked_and_taken_again(
    cli: Cli, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    for folder in (tmp_path / "new" / "site", empty):
        cli("site", "--out", str(folder))
        assert (folder / "index.html").is_file() and (folder / MARK).is_file()
        (folder / "index.html").write_bytes(b"edited by hand")
        cli("site", "--out", str(folder))  # its own folder: written again, no --overwrite
        assert (folder / "index.html").read_bytes() != b"edited by hand"


def test_a_site_made_before_the_mark_existed_is_still_its_own(cli: Cli, tmp_path: Path) -> None:
    site = tmp_path / "site"
    cli("site", "--out", str(site))
    (site / MARK).unlink()  # as an earlier version left it: the cache knows what it wrote
    cli("site", "--out", str(site))
    assert (site / MARK).is_file()


def test_a_file_given_as_the_folder_is_refused(cli: Cli, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    refused = cli("site", "--out", str(notes), "--overwrite", ok=False)
    assert refused.exit_code == 2 and "is a file, not a folder" in refused.stderr
    assert notes.read_text() == "mine"
