"""The link filter: no link or image to this machine or a private network, however written,
wherever it sits, in a source or a translation."""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest

from publisher.core.document import markdown_parser
from publisher.core.links import find_links, link_problem
from tests.support.workspace import SAMPLE_SLUG, Cli

PRIVATE = [
    "http://127.0.0.1:9000/",
    "//169.254.169.254/latest/meta-data/",
    "http://0x7f000001/",
    "http://127.1/",
    "http://2130706433/",
    "http://0177.0.0.1/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://%31%32%37.0.0.1/",
    "http:\\\\127.0.0.1\\admin",
    "https://10.0.0.8/intranet",
    "http://192.168.1.1./",
    "http://localhost:8000/",
    "http://printer.local/",
    "http://fileserver/share",
]
REFUSED_SCHEMES = [
    "file:///etc/passwd",
    "javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<b>x</b>",
    "ftp://example.org/x",
]
ALLOWED = [
    "https://www.mfaic.gov.kh/",
    "http://example.org/a?b=c#d",
    "mailto:press@mfaic.gov.kh",
    "tel:+85523216122",
    "#section",
    "photo.jpg",
    "images/photo.jpg",
]


@pytest.mark.parametrize("url", PRIVATE)
def test_private_hosts_are_refused_in_any_notation(url: str) -> None:
    assert link_problem(url) in (
        "links to private or local addresses are not allowed",
        "links to this machine or a local network are not allowed",
    )


@pytest.mark.parametrize("url", REFUSED_SCHEMES)
def test_only_web_mail_and_phone_schemes(url: str) -> None:
    assert "are not allowed (only http, https, mailto, tel)" in (link_problem(url) or "")


@pytest.mark.parametrize("url", ALLOWED)
def test_public_and_relative_links_pass(url: str) -> None:
    assert link_problem(url) is None


def test_relative_links_may_not_leave_the_release() -> None:
    assert link_problem("../../etc/passwd") == "links may not leave the release folder (..)"


@pytest.mark.parametrize(
    "markdown, line",
    [
        ("# Visit [x](http://127.0.0.1/)\n", 1),
        ("Text [[x]](http://127.0.0.1:9000/) more.\n", 1),
        ("Text [annex](\nhttp://10.0.0.1/) more.\n", 2),
        ("![seal](//169.254.169.254/x)\n", 1),
        ("See <http://127.1/>.\n", 1),
        ("See [the annex][a].\n\n[a]: http://192.168.1.1/\n", 3),
        ("| a | b |\n|---|---|\n| [x](http://0x7f000001/) | y |\n", 3),
        ("- item\n- [x](javascript:alert(1))\n", 2),
    ],
)
def test_links_are_found_wherever_they_are(markdown: str, line: int) -> None:
    found = [(link.url, link.line) for link in find_links(markdown) if link_problem(link.url)]
    assert found and found[0][1] == line, found


def test_the_document_parser_still_renders_unsafe_schemes_as_text() -> None:
    html = markdown_parser().render("[x](javascript:alert(1))")
    assert "href" not in html


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "text, line",
    [
        ("# Visit\n\nSee [here](http://127.0.0.1/).\n", 3),
        ("# Visit\n\nBody.\n\nMore [x](http://2130706433/) text.\n", 5),
        ("\n\n# Visit\n\nBody with ![i](//169.254.169.254/x).\n", 5),
    ],
)
def test_new_names_the_files_own_line(cli: Cli, tmp_path: Path, text: str, line: int) -> None:
    source = _write(tmp_path / "visit.md", text)
    result = cli("new", str(source), "--slug", "visit", ok=False)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {source}:{line}: ")
    assert "links to " in result.stderr or "is outside the source's folder" in result.stderr
    assert not (cli.root / "releases" / "visit").exists()


def test_sync_checks_the_title_too(cli: Cli, sample: str) -> None:
    source = cli.root / "releases" / sample / "source.md"
    text = source.read_text(encoding="utf-8").split("\n", 1)
    source.write_text(text[0] + " [x](http://127.1/)\n" + text[1], encoding="utf-8")
    result = cli("sync", sample, ok=False)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {source}:1: links to private or local addresses are not allowed: http://127.1/\n"
    )


def test_unsafe_link_in_an_approved_translation_blocks_publishing(repo_workspace: Path) -> None:
    cli = Cli(repo_workspace)
    po_path = repo_workspace / "releases" / SAMPLE_SLUG / "translations" / "zh-Hans.po"
    po = polib.pofile(str(po_path), wrapwidth=0)
    entry = next(e for e in po if e.msgctxt == "s4")
    entry.msgstr += " ![](//169.254.169.254/latest/meta-data/)"
    po.save()
    cli("approve", SAMPLE_SLUG, "--lang", "zh-Hans", "--all", "--by", "Li Wei")
    check = cli("check", SAMPLE_SLUG, "--lang", "zh-Hans", "--json", ok=False)
    assert check.exit_code == 1
    codes = [(f["segment"], f["code"]) for f in json.loads(check.stdout)["findings"]]
    assert ("s4", "unsafe-link") in codes
    build = cli("build", "--lang", "zh-Hans", "--format", "html", ok=False)
    assert build.exit_code == 1
    assert "zh-Hans not published: " in build.stderr and "s4 unsafe-link" in build.stderr
    assert not (repo_workspace / "dist" / SAMPLE_SLUG / "zh-Hans.html").exists()
