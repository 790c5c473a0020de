"""Two photo entries with identical bytes (issue 20, item 1).

A press officer adds the same JPEG twice (`photo add ... ok.jpg` twice makes ok.jpg and
ok-2.jpg). Each entry is published under its own name: `build`, `bundle` and `site` succeed,
every file a page references exists, and the bundle carries both originals.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from tests.support.photos import CAPTIONS, add_approved_photo, picture
from tests.support.site import broken_links
from tests.support.workspace import SAMPLE_SLUG, Cli, copy_repo_workspace

OTHER_CAPTIONS = {
    "en": "The same picture, shown again with another caption.",
    "km": "រូបភាពដដែល បង្ហាញម្តងទៀតជាមួយចំណងជើងផ្សេង។",
    "zh-Hans": "同一张图片，配以另一条说明再次展示。",
}


@pytest.mark.slow
@pytest.mark.parametrize("second_captions", [CAPTIONS, OTHER_CAPTIONS], ids=["same", "other"])
def test_the_same_jpeg_added_twice_is_published_under_both_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, second_captions: dict[str, str]
) -> None:
    monkeypatch.setenv("PUBLISHER_REVIEWER", "Press Officer")
    root = copy_repo_workspace(tmp_path / "ws")
    cli = Cli(root)
    ok = tmp_path / "ok.jpg"
    ok.write_bytes(picture(1200, 800))
    add_approved_photo(cli, root, SAMPLE_SLUG, ok)
    add_approved_photo(cli, root, SAMPLE_SLUG, ok, captions=second_captions)
    photos = root / "releases" / SAMPLE_SLUG / "photos"
    assert (photos / "ok.jpg").read_bytes() == (photos / "ok-2.jpg").read_bytes()

    for args in (
        ("build", "--out", str(root / "dist")),
        ("bundle", SAMPLE_SLUG, "--out", str(root / "bundle.zip")),
        ("site", "--out", str(root / "site"), "--now", "2024-12-02 09:00"),
    ):
        done = cli(*args, ok=False)
        assert done.exit_code == 0, f"{args[0]}: {done.stdout}\n{done.stderr}"

    published = root / "dist" / SAMPLE_SLUG
    for name in ("ok.jpg", "ok-2.jpg", "ok-480w.jpg", "ok-2-480w.jpg"):
        assert (published / "photos" / name).is_file(), name
    pages = sorted(published.glob("*.html"))
    assert pages
    assert "ok-2-480w.jpg" in (published / "km.html").read_text("utf-8")
    assert broken_links(root / "dist") == []
    assert broken_links(root / "site") == []
    with zipfile.ZipFile(root / "bundle.zip") as bundle:
        names = set(bundle.namelist())
        page = bundle.read(f"{SAMPLE_SLUG}/km.html").decode("utf-8")
    in_bundle = f"{SAMPLE_SLUG}/photos/"
    assert {f"{in_bundle}ok.jpg", f"{in_bundle}ok-2.jpg"} <= names
    # every photo the bundle's page shows is in the bundle
    shown = set(re.findall(r"photos/([A-Za-z0-9_.-]+\.jpg)", page))
    assert "ok-2-480w.jpg" in shown
    assert {f"{in_bundle}{name}" for name in shown} <= names
