"""The site index (publishing/site_index.py): after one change, `publisher site` reads,
renders and writes only the changed release and the pages that list it; an unchanged
release is taken from the index by `lstat` alone; a damaged index, an edited output or
a changed template falls back to reading the releases, with the same site."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from publisher.core import release as release_module
from publisher.publishing import fingerprint, site_index, site_memo
from publisher.workflow import embargo
from tests.support.releases import REVIEWER
from tests.support.site import BASE_URL, SECOND_SLUG, make_workspace
from tests.support.workspace import SAMPLE_SLUG, Cli

pytestmark = pytest.mark.slow

#: The pages that list every release: they change when any release does.
LISTINGS = {"en/index.html", "km/index.html", "zh-Hans/index.html", "sitemap.xml"}
LISTINGS |= {"en/feed.xml", "km/feed.xml", "zh-Hans/feed.xml"}


@pytest.fixture
def untimed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written just now count as settled (the racy window: test_site_memo.py)."""
    monkeypatch.setattr(site_index, "RACY_NS", -(10**18))
    monkeypatch.setattr(site_memo, "RACY_NS", -(10**18))


class ReleaseReads:
    """The releases whose files the build reads (hashes, or stats file by file); the
    boilerplate, an input of every release, is read by every build."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.slugs: list[str] = []
        original = fingerprint.release_files

        def reading(root: Path, stats: fingerprint.StatCache) -> dict[str, str]:
            if Path(root).parent.name == "releases":
                self.slugs.append(Path(root).name)
            return original(root, stats)

        monkeypatch.setattr(fingerprint, "release_files", reading)


class ReleaseLoads:
    """The releases whose release.toml the build loads (publishing/site_scan.py leaves
    those the site index answers for unread)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.slugs: list[str] = []  # once for each load (the build's steps load it too)
        original = release_module.Release.load

        def loading(root: Path, *args: Any) -> release_module.Release:
            if Path(root).parent.name == "releases":
                self.slugs.append(Path(root).name)
            return original(root, *args)

        monkeypatch.setattr(release_module.Release, "load", loading)


def _files(site: Path) -> dict[str, tuple[bytes, int]]:
    return {
        path.relative_to(site).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


def _forget_the_record(root: Path) -> None:
    """Drop the no-op record (publishing/site_memo.py), so the build itself runs."""
    for memo in (root / ".publisher-cache").glob("*/site-memo/*.json"):
        memo.unlink()


@pytest.fixture
def built(tmp_path: Path, untimed: None) -> Path:
    root = make_workspace(tmp_path / "ws", second_zh_approved=True)
    Cli(root)("site", "--base-url", BASE_URL)
    return root


def test_one_change_rewrites_only_that_release_and_the_listings(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = built / "site"
    before = _files(site)
    toml = built / "releases" / SECOND_SLUG / "release.toml"
    toml.write_text(toml.read_text("utf-8").replace("date = 2025-01-15", "date = 2025-01-16"))
    reads = ReleaseReads(monkeypatch)
    result = Cli(built)("site", "--base-url", BASE_URL)
    after = _files(site)
    assert reads.slugs == [SECOND_SLUG], "an unchanged release was read"
    assert "Rendered 3 PDFs and 3 web pages; 3 PDFs, 3 web pages and" in result.stdout
    changed = {rel for rel in after if before.get(rel) != after[rel]}
    mine = {rel for rel in changed if rel.startswith(f"releases/{SECOND_SLUG}/")}
    assert {f"releases/{SECOND_SLUG}/{lang}.pdf" for lang in ("en", "km", "zh-Hans")} <= mine
    assert changed - mine <= LISTINGS and "en/index.html" in changed
    assert not any(rel.startswith(f"releases/{SAMPLE_SLUG}/") for rel in changed)
    assert set(after) == set(before)
    assert b"2025-01-16" in after["sitemap.xml"][0]


def test_a_noop_through_the_build_reads_no_release_and_writes_nothing(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = built / "site"
    before = _files(site)
    _forget_the_record(built)
    reads = ReleaseReads(monkeypatch)
    result = Cli(built)("site", "--base-url", BASE_URL)
    assert reads.slugs == [] and "Nothing to write" in result.stdout
    assert "Rendered nothing; 6 PDFs, 6 web pages and" in result.stdout
    assert _files(site) == before


@pytest.mark.parametrize(
    "damage", ["garbage", "truncated", "emptied", "deleted", "template changed"]
)
def test_a_damaged_index_or_a_changed_template_reads_every_release(
    built: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    site = built / "site"
    before = _files(site)
    _forget_the_record(built)
    (index,) = (built / ".publisher-cache").glob("*/site-index/*.json")
    if damage == "garbage":
        index.write_bytes(b"\x00not json")
    elif damage == "truncated":
        index.write_bytes(index.read_bytes()[: index.stat().st_size // 2])
    elif damage == "emptied":  # a power cut soon after a write (no fsync: SiteIndex.save)
        index.write_bytes(b"")
    elif damage == "deleted":
        index.unlink()
    else:
        css = built / "templates" / "site.css"
        css.parent.mkdir(exist_ok=True)
        css.write_text("/* the office's own site styles */\n", "utf-8")
    reads = ReleaseReads(monkeypatch)
    result = Cli(built)("site", "--base-url", BASE_URL)
    assert sorted(reads.slugs) == sorted([SAMPLE_SLUG, SECOND_SLUG])
    if damage != "template changed":
        assert "Nothing to write" in result.stdout and _files(site) == before
    # and the index is whole again: the next build reads nothing
    _forget_the_record(built)
    reads.slugs.clear()
    Cli(built)("site", "--base-url", BASE_URL)
    assert reads.slugs == []


def test_an_output_edited_or_deleted_is_repaired_from_its_release(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = built / "site"
    page = site / "releases" / SAMPLE_SLUG / "km.html"
    pdf = site / "releases" / SECOND_SLUG / "zh-Hans.pdf"
    original_page, original_pdf = page.read_bytes(), pdf.read_bytes()
    page.write_bytes(original_page.replace(b"<title>", b"<title>X", 1))
    pdf.unlink()
    reads = ReleaseReads(monkeypatch)
    result = Cli(built)("site", "--base-url", BASE_URL)
    assert sorted(reads.slugs) == sorted([SAMPLE_SLUG, SECOND_SLUG])
    assert page.read_bytes() == original_page and pdf.read_bytes() == original_pdf
    assert "Wrote 2 files" in result.stdout and "Rendered nothing" in result.stdout


def test_a_release_removed_leaves_the_site_and_the_index(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    shutil.rmtree(built / "releases" / SECOND_SLUG)
    result = Cli(built)("site", "--base-url", BASE_URL)
    assert "The site has 1 release" in result.stdout
    assert not (built / "site" / "releases" / SECOND_SLUG).exists()
    assert SECOND_SLUG.encode() not in (built / "site" / "en" / "index.html").read_bytes()


def test_one_change_loads_only_that_release_and_writes_what_a_full_build_writes(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The unchanged release's folder is as its index entry recorded it: its release.toml
    is not even loaded. The site is byte for byte the one a build with no index writes."""
    toml = built / "releases" / SECOND_SLUG / "release.toml"
    toml.write_text(toml.read_text("utf-8").replace("date = 2025-01-15", "date = 2026-02-01"))
    loads = ReleaseLoads(monkeypatch)
    Cli(built)("site", "--base-url", BASE_URL)
    assert set(loads.slugs) == {SECOND_SLUG}, "an unchanged release.toml was loaded"
    loads.slugs.clear()
    Cli(built)("site", "--base-url", BASE_URL, "--out", str(built / "full"))  # no index yet
    assert set(loads.slugs) == {SAMPLE_SLUG, SECOND_SLUG}
    site, full = _files(built / "site"), _files(built / "full")
    assert {rel: data for rel, (data, _) in site.items()} == {
        rel: data for rel, (data, _) in full.items()
    }


def test_a_release_toml_rewritten_with_its_size_and_mtime_is_read_again(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its ctime is not the one recorded (no program can set it back): the folder's stamp
    differs, and the release is read and published as it now is."""
    toml = built / "releases" / SECOND_SLUG / "release.toml"
    before = toml.stat()
    text = toml.read_text("utf-8").replace("date = 2025-01-15", "date = 2025-01-16")
    toml.write_text(text, "utf-8")
    os.utime(toml, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = toml.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    loads = ReleaseLoads(monkeypatch)
    Cli(built)("site", "--base-url", BASE_URL)
    assert set(loads.slugs) == {SECOND_SLUG}
    assert b"2025-01-16" in (built / "site" / "sitemap.xml").read_bytes()


def test_an_output_of_an_unread_release_deleted_is_repaired(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file of the site deleted by hand: the release it belongs to is read after all and
    its file written again, as a build with no index would."""
    pdf = built / "site" / "releases" / SAMPLE_SLUG / "km.pdf"
    original = pdf.read_bytes()
    pdf.unlink()
    loads = ReleaseLoads(monkeypatch)
    result = Cli(built)("site", "--base-url", BASE_URL)
    assert set(loads.slugs) == {SAMPLE_SLUG}
    assert pdf.read_bytes() == original and "Wrote 1 file" in result.stdout


def test_a_clock_before_an_indexed_releases_embargo_holds_it_back(
    tmp_path: Path, untimed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A release the index recorded after its embargo lifted is left unread only while its
    embargo (its entry's) is not in force at the build's time: a clock set back before it
    holds the release back, as the full build judges from release.toml."""
    root = make_workspace(tmp_path / "ws", second_zh_approved=True)
    cli = Cli(root)
    cli("embargo", SECOND_SLUG, "2099-01-01 08:00", "--by", REVIEWER)
    lift = dt.datetime(2099, 1, 1, 1, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(embargo, "now", lambda clock, zone: lift + dt.timedelta(seconds=1))
    assert "The site has 2 releases" in cli("site", "--base-url", BASE_URL).stdout
    monkeypatch.setattr(embargo, "now", lambda clock, zone: lift - dt.timedelta(seconds=1))
    _forget_the_record(root)  # the record never expects the clock to go back
    loads = ReleaseLoads(monkeypatch)
    held = cli("site", "--base-url", BASE_URL)
    assert SECOND_SLUG in loads.slugs and SAMPLE_SLUG not in loads.slugs
    assert "The site has 1 release" in held.stdout and "held back by embargo" in held.stdout
    assert not (root / "site" / "releases" / SECOND_SLUG).exists()


def test_a_release_folder_renamed_is_published_under_its_new_name(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A renamed folder keeps every file's stamp but its name: no entry answers for it."""
    renamed = "2025-01-15-second-release-renamed"
    shutil.move(built / "releases" / SECOND_SLUG, built / "releases" / renamed)
    loads = ReleaseLoads(monkeypatch)
    result = Cli(built)("site", "--base-url", BASE_URL)
    assert set(loads.slugs) == {renamed} and "The site has 2 releases" in result.stdout
    assert (built / "site" / "releases" / renamed / "en.pdf").is_file()
    assert not (built / "site" / "releases" / SECOND_SLUG).exists()
