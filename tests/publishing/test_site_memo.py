"""The no-op `publisher site` answered from one record (publishing/site_memo.py): it gives
the full build's report, and any change to what the build reads or wrote, any option or
an embargo sends the next run through the full build."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from publisher.core.release import Release
from publisher.core.workspace import open_workspace
from publisher.publishing import site_memo
from publisher.publishing.builders.site import SiteBuilder, SiteReport
from publisher.publishing.fingerprint import RACY_NS
from publisher.workflow import embargo
from tests.support.process import loaded_modules
from tests.support.releases import REVIEWER
from tests.support.workspace import SAMPLE_SLUG, Cli

pytestmark = pytest.mark.slow

BASE = "https://press.example.org/"
#: The racy window (fingerprint.RACY_NS, which site_memo applies) with a margin, in seconds.
RACY_SECONDS = RACY_NS / 1e9 + 0.2


@pytest.fixture
def untimed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files copied just now count as settled (the racy window has its own test)."""
    monkeypatch.setattr(site_memo, "RACY_NS", -(10**18))


class BuildCalls:
    """Counts the full site builds (the record answers without one)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        original = SiteBuilder.build

        def counting(builder: SiteBuilder, releases: Sequence[Release]) -> SiteReport:
            self.count += 1
            return original(builder, releases)

        monkeypatch.setattr(SiteBuilder, "build", counting)


def _memo_files(root: Path) -> list[Path]:
    return sorted((root / ".publisher-cache").glob("*/site-memo/*.json"))


def test_a_noop_is_answered_from_the_record_with_the_full_builds_report(
    repo_workspace: Path, untimed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = Cli(repo_workspace)
    first = cli("site", "--base-url", BASE)
    assert "Wrote" in first.stdout and len(_memo_files(repo_workspace)) == 1
    # the same no-op through the full build, for reference
    for memo in _memo_files(repo_workspace):
        memo.unlink()
    calls = BuildCalls(monkeypatch)
    full = cli("site", "--base-url", BASE)
    assert calls.count == 1 and "Nothing to write: the" in full.stdout
    answered = cli("site", "--base-url", BASE)
    assert calls.count == 1, "the no-op ran the full build"
    assert answered.stdout == full.stdout and answered.stderr == full.stderr == ""
    assert "Rendered nothing; 3 PDFs, 3 web pages and" in answered.stdout


@pytest.mark.parametrize(
    "change",
    [
        "release date",
        "catalog",
        "output edited",
        "output edited, same size",
        "output deleted",
        "template added",
        "base url",
    ],
)
def test_any_change_runs_the_full_build(
    repo_workspace: Path, untimed: None, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    cli = Cli(repo_workspace)
    cli("site", "--base-url", BASE)
    site = repo_workspace / "site"
    page = site / "en" / "index.html"
    original = page.read_bytes()
    release = repo_workspace / "releases" / SAMPLE_SLUG
    base = BASE
    if change == "release date":
        toml = release / "release.toml"
        toml.write_text(toml.read_text("utf-8").replace("date = 2024-", "date = 2023-"), "utf-8")
    elif change == "catalog":
        po = release / "translations" / "km.po"
        # same size, one byte different: a comment's letter, so the content still parses
        text = po.read_bytes()
        assert text.startswith(b"# Translations")
        po.write_bytes(b"# t" + text[3:])
    elif change == "output edited":
        page.write_bytes(original.replace(b"<title>", b"<title>X", 1))
    elif change == "output edited, same size":
        page.write_bytes(original.replace(b"<title>", b"<TITLE>", 1))
    elif change == "output deleted":
        page.unlink()
    elif change == "template added":
        (repo_workspace / "templates" / "unused.html").write_text("<p>new</p>\n", "utf-8")
    else:
        base = "https://elsewhere.example.org/"
    calls = BuildCalls(monkeypatch)
    result = cli("site", "--base-url", base)
    assert calls.count == 1, f"{change}: answered from the record"
    if change.startswith("output"):
        assert page.read_bytes() == original and "Wrote 1 file" in result.stdout
    if change == "release date":
        assert "Wrote" in result.stdout
    if change == "base url":
        assert b"elsewhere.example.org" in (site / "sitemap.xml").read_bytes()
    # and, nothing changed since, the next run is answered again
    again = cli("site", "--base-url", base)
    assert calls.count == 1 and "Nothing to write" in again.stdout


def test_an_embargo_is_answered_only_until_it_lifts(
    repo_workspace: Path, untimed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The embargo is the one input that is a time: a site holding a release back is
    answered from its record (the same lines, the embargo's too) until the embargo lifts;
    the first run after that builds in full and publishes the release. A build at a time
    the user chose (--now) never uses nor keeps a record."""
    cli = Cli(repo_workspace)
    cli("site", "--base-url", BASE)
    assert _memo_files(repo_workspace)
    calls = BuildCalls(monkeypatch)
    cli("site", "--base-url", BASE, "--now", "2030-01-01 09:00")
    assert calls.count == 1 and not _memo_files(repo_workspace)
    cli("embargo", SAMPLE_SLUG, "2099-01-01 08:00", "--by", REVIEWER)
    held = cli("site", "--base-url", BASE)
    assert "held back by embargo" in held.stdout and calls.count == 2
    assert "The site has 0 releases" in held.stdout and _memo_files(repo_workspace)
    again = cli("site", "--base-url", BASE)
    assert calls.count == 2, "a no-op before the lift ran the full build"
    assert again.stdout.startswith("The site has 0 releases. Nothing to write")
    assert again.stdout.splitlines()[-1] == held.stdout.splitlines()[-1]  # the embargo line
    # the clock passes the embargo (Asia/Phnom_Penh 08:00 is 01:00 UTC): no file changed,
    # yet the next run builds and the release is on the site
    lift = dt.datetime(2099, 1, 1, 1, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(embargo, "now", lambda clock, zone: lift + dt.timedelta(seconds=1))
    lifted = cli("site", "--base-url", BASE)
    assert calls.count == 3 and "The site has 1 release" in lifted.stdout
    assert (repo_workspace / "site" / "releases" / SAMPLE_SLUG / "en.pdf").is_file()


def test_a_held_back_record_expires_at_the_lift(repo_workspace: Path, untimed: None) -> None:
    cli = Cli(repo_workspace)
    cli("embargo", SAMPLE_SLUG, "2099-01-01 08:00", "--by", REVIEWER)
    cli("site", "--base-url", BASE)
    ws = open_workspace(repo_workspace)
    lift = dt.datetime(2099, 1, 1, 1, 0, tzinfo=dt.UTC)
    memo = site_memo.SiteMemo(ws, repo_workspace / "site", {"base_url": BASE})
    before = memo.answer(lift - dt.timedelta(seconds=1))
    assert before is not None and before.held == 1 and before.next_lift == lift
    assert memo.answer(lift) is None


def test_refused_languages_and_warnings_are_said_again(
    repo_workspace: Path, untimed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A workspace with a language not yet approved (the common case) or without
    --base-url: its no-op is answered from the record too, with the same warnings."""
    cli = Cli(repo_workspace)
    po = repo_workspace / "releases" / SAMPLE_SLUG / "translations" / "zh-Hans.po"
    po.write_text(po.read_text("utf-8").replace("中国", "中華", 1), "utf-8")  # unapproved
    full = cli("site")
    assert "not on the site:" in full.stderr and "warning: no --base-url" in full.stderr
    calls = BuildCalls(monkeypatch)
    answered = cli("site")
    assert calls.count == 0, "the no-op ran the full build"
    assert answered.stderr == full.stderr
    assert "Nothing to write" in answered.stdout


def test_a_file_changed_just_before_the_build_is_not_recorded(repo_workspace: Path) -> None:
    """The workspace was copied a moment ago: its files are within the racy window (an edit
    in the same clock tick would keep their stat), so the build records nothing."""
    toml = repo_workspace / "releases" / SAMPLE_SLUG / "release.toml"
    toml.write_bytes(toml.read_bytes())  # an edit (the same bytes) just before the build
    Cli(repo_workspace)("site", "--base-url", BASE)
    assert not _memo_files(repo_workspace)


def test_an_input_changed_while_the_build_ran_is_built_next_time(
    repo_workspace: Path, untimed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record keeps the inputs as stamped before the build read them: a catalog edited
    while the build ran (after its stamp, before the record) differs from that stamp, so
    the next run builds and publishes the edit instead of answering "nothing to write"."""
    cli = Cli(repo_workspace)
    po = repo_workspace / "releases" / SAMPLE_SLUG / "translations" / "km.po"
    original = SiteBuilder.build

    def editing(builder: SiteBuilder, releases: Sequence[Release]) -> SiteReport:
        report = original(builder, releases)
        text = po.read_bytes()
        po.write_bytes(b"# t" + text[3:])  # same size, one byte: stamps differ by mtime
        return report

    monkeypatch.setattr(SiteBuilder, "build", editing)
    cli("site", "--base-url", BASE)
    monkeypatch.setattr(SiteBuilder, "build", original)
    calls = BuildCalls(monkeypatch)
    cli("site", "--base-url", BASE)
    assert calls.count == 1, "the edit made during the build was answered from the record"


def test_a_symbolic_link_in_the_tree_gives_no_stamp(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "file.txt").write_text("x", "utf-8")
    first = site_memo.tree_stamp(tmp_path)
    assert first is not None and first == site_memo.tree_stamp(tmp_path)
    os.symlink(tmp_path / "a" / "file.txt", tmp_path / "a" / "link.txt")
    assert site_memo.tree_stamp(tmp_path) is None


def test_a_copied_tree_has_another_stamp(tmp_path: Path) -> None:
    """A copy keeps the content and (copy2) the mtimes, not the inodes and ctimes: it is
    never taken for the original."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "file.txt").write_text("x", "utf-8")
    before = site_memo.tree_stamp(tmp_path / "a")
    shutil.copytree(tmp_path / "a", tmp_path / "b", copy_function=shutil.copy2)
    shutil.rmtree(tmp_path / "a")
    (tmp_path / "b").rename(tmp_path / "a")
    after = site_memo.tree_stamp(tmp_path / "a")
    assert before is not None and after is not None and before.digest != after.digest


def test_an_unfinished_change_reaches_the_engine(
    repo_workspace: Path, untimed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A journal left by an interrupted change is a hidden file deep in the tree: it
    counts, so the build that must refuse to publish over it does run."""
    cli = Cli(repo_workspace)
    cli("site", "--base-url", BASE)
    (repo_workspace / "releases" / SAMPLE_SLUG / ".journal").write_text("{}\n", "utf-8")
    calls = BuildCalls(monkeypatch)
    cli("site", "--base-url", BASE, ok=False)
    assert calls.count == 1


def test_a_noop_answered_loads_neither_the_engine_nor_the_renderer(
    repo_workspace: Path,
) -> None:
    """The record is asked before the engine is imported: a no-op costs the start-up and
    one walk of the files, not the import of the build's machinery."""
    heavy = ["publisher.publishing.engine", "publisher.publishing.builders.site", "weasyprint"]
    args = ["--workspace", str(repo_workspace), "site", "--base-url", BASE]
    time.sleep(RACY_SECONDS)  # the workspace was copied just now: let the record be kept
    runs = [loaded_modules(args, heavy) for _ in range(2)]
    assert "Wrote" in runs[0][1].stdout and runs[0][0][0] == "publisher.publishing.engine"
    assert "Nothing to write" in runs[1][1].stdout and runs[1][0] == [], runs[1][1].stdout
