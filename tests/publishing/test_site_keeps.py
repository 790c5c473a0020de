"""A failed build never removes what was published (the site's keep rule, builders/site.py
and publishing/site_kept.py).

Each test first builds the complete site of two releases (the shipped sample and a newer
one, every language approved), then changes the workspace and builds again while
something fails: a worker process killed while the PDFs render (the site folder is left
byte for byte as it was), one release's photo damaged (that release keeps its earlier
pages, PDFs and listing entries while the other publishes the change), or a language
refused in the same build (removed, as without a failure).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import html as lxml_html

from tests.support.site import BASE_URL, SECOND_SLUG, broken_links, make_workspace
from tests.support.workspace import REPO, SAMPLE_SLUG, Cli, reopen

PHOTO = "phnom-penh-beijing.jpg"
LANGS = ("en", "km", "zh-Hans")
ORGANISATION = "Ministry of Foreign Affairs and International Cooperation"
RENAMED = "Ministry of Foreign Affairs and International Cooperation of Cambodia"


def _snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def _published(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Cli]:
    """The workspace and the complete site built from it."""
    monkeypatch.setenv("PUBLISHER_REVIEWER", "Press Officer")
    root = make_workspace(tmp_path / "ws", second_zh_approved=True)
    site = tmp_path / "site"
    cli = Cli(root)
    done = cli("site", "--out", str(site), "--base-url", BASE_URL)
    assert "The site has 2 releases." in done.stdout
    for slug in (SAMPLE_SLUG, SECOND_SLUG):
        for lang in LANGS:
            assert (site / "releases" / slug / f"{lang}.pdf").is_file()
    return root, site, cli


def _rename_organisation(root: Path) -> None:
    """A change every page and PDF of every release shows (the English letterhead)."""
    config = root / "publisher.toml"
    text = config.read_text("utf-8")
    assert f'en = "{ORGANISATION}"' in text
    config.write_text(text.replace(f'en = "{ORGANISATION}"', f'en = "{RENAMED}"'), "utf-8")


def _lists(site: Path, slug: str, lang: str) -> bool:
    home = (site / lang / "index.html").read_text("utf-8")
    return f"../releases/{slug}/" in home


def _main_text(page: bytes) -> str:
    """What a release page says: the text of its main content."""
    [main] = lxml_html.fromstring(page).xpath("//main")
    return " ".join(main.text_content().split())


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error: ")]


# ---------------------------------------------------------------- a worker killed


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _pdf_workers(pid: int) -> list[int]:
    """The pool's worker processes of the `publisher` process `pid`: the children of its
    forkserver (its other child is multiprocessing's resource tracker)."""
    workers = []
    for child in _children(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"forkserver" in command:
            workers += _children(child)
    return workers


def _pdfs_in_cache(root: Path) -> set[Path]:
    steps = root / ".publisher-cache" / "v1" / "steps"
    return {p for p in steps.glob("*/*/out.pdf") if not p.parent.name.startswith(".")}


@pytest.mark.slow
def test_a_worker_killed_while_the_pdfs_render_leaves_the_site_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, site, cli = _published(tmp_path, monkeypatch)
    before = _snapshot(site)
    _rename_organisation(root)  # every PDF renders again: six, in the pool's workers
    rendered_before = _pdfs_in_cache(root)

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "publisher", "--workspace", str(root), "site"]
    with subprocess.Popen(
        [*command, "--out", str(site), "--base-url", BASE_URL, "--jobs", "2"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        killed = None
        deadline = time.monotonic() + 120
        # the first new PDF is in the cache: the others are rendering or waiting
        while killed is None and proc.poll() is None and time.monotonic() < deadline:
            if _pdfs_in_cache(root) - rendered_before:
                workers = _pdf_workers(proc.pid)
                if workers:
                    os.kill(workers[0], signal.SIGKILL)  # as the out-of-memory killer does
                    killed = workers[0]
            time.sleep(0.01)
        stdout, stderr = proc.communicate(timeout=180)
    assert killed is not None, (stdout, stderr)
    finished = len(_pdfs_in_cache(root) - rendered_before)
    assert 1 <= finished < 6, finished  # killed while rendering

    assert proc.returncode == 1, stdout + stderr
    assert "Traceback" not in stderr
    # every published file is there, byte for byte; the home pages list both releases
    assert _snapshot(site) == before
    for lang in LANGS:
        assert _lists(site, SAMPLE_SLUG, lang) and _lists(site, SECOND_SLUG, lang)
    assert _error_lines(stderr) == [
        "error: the site was left as it was: a worker process stopped before finishing "
        "(killed, or out of memory); build again: what was finished is kept"
    ]
    assert f"Nothing in {site} was written or removed." in stdout
    assert "no longer published" not in stdout

    # the next build continues: the PDFs that finished come from the cache
    again = cli("site", "--out", str(site), "--base-url", BASE_URL)
    assert "The site has 2 releases." in again.stdout
    assert f"Rendered {6 - finished} PDF" in again.stdout
    assert f"{finished} PDF" in again.stdout.split("came from the cache")[0].split(";")[-1]
    page = (site / "releases" / SAMPLE_SLUG / "en.html").read_text("utf-8")
    assert RENAMED in page
    assert broken_links(site) == []


# ---------------------------------------------------------------- one release fails


def _not_pixels(photo: Path) -> str:
    """Its release cannot even be planned (the photo's size is unknown)."""
    photo.write_bytes(b"these are not pixels\n" * 40)
    return "the photo cannot be read"


def _truncated(photo: Path) -> str:
    """The release is planned (the header reads), then its web pages' photos and every
    language's PDF fail."""
    photo.write_bytes(photo.read_bytes()[: photo.stat().st_size // 2])
    return "the image is damaged or incomplete"


@pytest.mark.slow
@pytest.mark.parametrize("damage", [_not_pixels, _truncated], ids=["unreadable", "truncated"])
def test_a_release_that_fails_keeps_what_was_published_while_the_others_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: Callable[[Path], str]
) -> None:
    root, site, cli = _published(tmp_path, monkeypatch)
    before = _snapshot(site)
    photo = root / "releases" / SECOND_SLUG / "photos" / PHOTO
    original = photo.read_bytes()
    _rename_organisation(root)
    why = damage(photo)

    done = cli("site", "--out", str(site), "--base-url", BASE_URL, ok=False)

    assert done.exit_code == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    errors = _error_lines(done.stderr)
    assert len(errors) == 1, done.stderr  # one cause, said once for the release
    assert errors[0].startswith(f"error: {SECOND_SLUG} failed: ") and why in errors[0]
    assert errors[0].endswith("; the version published before is kept")
    assert "The site has 2 releases." in done.stdout
    assert "no longer published" not in done.stdout
    # the failed release: its pages, PDFs, thumbnails, photos and index page, as they were
    kept = {rel: data for rel, data in before.items() if rel.startswith(f"releases/{SECOND_SLUG}/")}
    assert len(kept) > 10
    now = _snapshot(site)
    assert {rel: now.get(rel) for rel in kept} == kept
    assert ORGANISATION in kept[f"releases/{SECOND_SLUG}/en.html"].decode()
    # ... and its place in every listing
    sitemap = (site / "sitemap.xml").read_text("utf-8")
    for lang in LANGS:
        assert _lists(site, SECOND_SLUG, lang) and _lists(site, SAMPLE_SLUG, lang)
        assert f"releases/{SECOND_SLUG}/{lang}.html" in sitemap
        assert SECOND_SLUG in (site / lang / "feed.xml").read_text("utf-8")
    # the other release published the change
    page = now[f"releases/{SAMPLE_SLUG}/en.html"].decode()
    assert RENAMED in page and page != before[f"releases/{SAMPLE_SLUG}/en.html"].decode()
    assert now[f"releases/{SAMPLE_SLUG}/en.pdf"] != before[f"releases/{SAMPLE_SLUG}/en.pdf"]
    assert RENAMED in (site / "en" / "index.html").read_text("utf-8")
    assert broken_links(site) == []

    # failing again keeps it again (no record of a clean build answers)
    again = cli("site", "--out", str(site), "--base-url", BASE_URL, ok=False)
    assert again.exit_code == 1 and _error_lines(again.stderr) == errors
    assert {rel: _snapshot(site).get(rel) for rel in kept} == kept

    # repaired, the release's new version replaces the kept one
    photo.write_bytes(original)
    fixed = cli("site", "--out", str(site), "--base-url", BASE_URL)
    assert "The site has 2 releases." in fixed.stdout
    assert RENAMED in (site / "releases" / SECOND_SLUG / "en.html").read_text("utf-8")
    assert broken_links(site) == []


@pytest.mark.slow
def test_a_release_whose_release_toml_breaks_keeps_what_was_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A release that cannot be read at all (its release.toml damaged by a bad edit) is a
    failure too: nothing is known of it, and what was published of it stays."""
    root, site, cli = _published(tmp_path, monkeypatch)
    before = _snapshot(site)
    meta = root / "releases" / SECOND_SLUG / "release.toml"
    meta.write_text(meta.read_text("utf-8") + 'place = "unterminated\n', "utf-8")

    done = cli("site", "--out", str(site), "--base-url", BASE_URL, ok=False)

    assert done.exit_code == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    [error] = _error_lines(done.stderr)
    assert error.startswith(f"error: {SECOND_SLUG} failed: {meta}:")
    assert "invalid TOML" in error and error.endswith("; the version published before is kept")
    assert "The site has 2 releases." in done.stdout
    assert _snapshot(site) == before


# ---------------------------------------------------------------- refusals still remove


@pytest.mark.slow
def test_a_refused_language_is_removed_even_from_a_release_that_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The publishing rule wins over the keep rule: a language it refuses goes, in a
    release that built (the sample's Khmer) and in one kept after a failure (the second
    release's Chinese); the rest of the failed release stays as it was."""
    root, site, cli = _published(tmp_path, monkeypatch)
    before = _snapshot(site)
    reopen(cli, "s1")
    cli(
        "reject",
        SECOND_SLUG,
        "--lang",
        "zh-Hans",
        "--segment",
        "title",
        "--by",
        "Press Secretary",
        "--comment",
        "check the title again",
    )
    (root / "releases" / SECOND_SLUG / "photos" / PHOTO).write_bytes(b"not a photo\n" * 40)

    done = cli("site", "--out", str(site), "--base-url", BASE_URL, ok=False)

    assert done.exit_code == 1, done.stdout + done.stderr
    errors = _error_lines(done.stderr)
    assert errors and all(
        line.startswith(f"error: {SECOND_SLUG} failed: ")
        and line.endswith("; the version published before is kept")
        for line in errors
    ), done.stderr
    refused = [line for line in done.stderr.splitlines() if line.startswith("not on the site: ")]
    assert len(refused) == 2, done.stderr
    assert "The site has 2 releases." in done.stdout
    assert "removed 6 files no longer published" in done.stdout
    now = _snapshot(site)
    for slug, lang in ((SAMPLE_SLUG, "km"), (SECOND_SLUG, "zh-Hans")):
        for suffix in (".html", ".pdf", ".png"):
            assert f"releases/{slug}/{lang}{suffix}" not in now
    # the failed release's other languages: as they were (their pages less the links to
    # the Chinese page, below), and listed
    for lang in ("en", "km"):
        for suffix in (".pdf", ".png"):
            rel = f"releases/{SECOND_SLUG}/{lang}{suffix}"
            assert now[rel] == before[rel]
        rel = f"releases/{SECOND_SLUG}/{lang}.html"
        assert _main_text(now[rel]) == _main_text(before[rel])
        assert _lists(site, SECOND_SLUG, lang)
    sitemap = (site / "sitemap.xml").read_text("utf-8")
    assert f"releases/{SECOND_SLUG}/en.html" in sitemap
    assert f"releases/{SECOND_SLUG}/zh-Hans.html" not in sitemap
    assert f"releases/{SAMPLE_SLUG}/km.html" not in sitemap
    assert SECOND_SLUG not in (site / "zh-Hans" / "feed.xml").read_text("utf-8")
    index = now[f"releases/{SECOND_SLUG}/index.html"].decode()
    assert "zh-Hans.html" not in index
    assert index != before[f"releases/{SECOND_SLUG}/index.html"].decode()
    # the kept pages no longer name the Chinese page: no language link, no alternate
    assert broken_links(site, BASE_URL) == []
    for lang in ("en", "km"):
        page = (site / "releases" / SECOND_SLUG / f"{lang}.html").read_text("utf-8")
        assert "zh-Hans.html" not in page and 'hreflang="zh-Hans"' not in page
    # failing again, it is kept as this build left it
    again = cli("site", "--out", str(site), "--base-url", BASE_URL, ok=False)
    assert again.exit_code == 1 and broken_links(site, BASE_URL) == []


@pytest.mark.slow
def test_a_language_dropped_from_the_workspace_leaves_no_link_to_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chinese taken out of the workspace's languages while one release fails (kept as
    published before) and the other builds: no page of the site links to a Chinese page,
    home or feed, and there are none."""
    root, site, cli = _published(tmp_path, monkeypatch)
    config = root / "publisher.toml"
    text = config.read_text("utf-8")
    dropped = text.replace(
        'target_languages = [\n    "km",\n    "zh-Hans",\n]', 'target_languages = ["km"]'
    )
    assert dropped != text
    config.write_text(dropped, "utf-8")
    (root / "releases" / SECOND_SLUG / "photos" / PHOTO).write_bytes(b"not a photo\n" * 40)

    done = cli("site", "--out", str(site), "--base-url", BASE_URL, ok=False)

    assert done.exit_code == 1, done.stdout + done.stderr
    assert "The site has 2 releases." in done.stdout
    assert broken_links(site, BASE_URL) == []
    assert not [p for p in site.rglob("*") if "zh-Hans" in p.name]
    for slug in (SAMPLE_SLUG, SECOND_SLUG):
        for lang in ("en", "km"):
            page = (site / "releases" / slug / f"{lang}.html").read_text("utf-8")
            assert 'hreflang="zh-Hans"' not in page and "zh-Hans/" not in page
            assert _lists(site, slug, lang)
