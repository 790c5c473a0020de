"""Nothing from a release reaches a page unescaped, nothing is fetched."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html

from publisher.render import pdf as pdf_module
from tests.support.workspace import Cli

HOSTILE = (
    "# Visit <script>alert('title')</script>\n\n"
    'The minister said <script>alert(1)</script> and <img src="file:///etc/passwd">.\n\n'
    '<iframe src="http://127.0.0.1:8080/"></iframe>\n\n'
    "- An item with **bold** and a [link](https://www.mfaic.gov.kh/)\n"
)


@pytest.fixture
def hostile_release(cli: Cli, workspace: Path, tmp_path: Path) -> str:
    """Raw HTML written into a release's source.md by hand (an import removes it, see
    tests/sources/test_import_fidelity.py): the stored source never interprets it."""
    source = tmp_path / "plain.md"
    source.write_text("# Visit\n\nThe minister said.\n", encoding="utf-8")
    cli("new", str(source), "--slug", "hostile", "--date", "2025-03-01", "--place", "Phnom Penh")
    (workspace / "releases" / "hostile" / "source.md").write_text(HOSTILE, encoding="utf-8")
    cli("sync", "hostile")
    return "hostile"


@pytest.mark.slow
def test_hostile_markup_is_shown_literally_and_fetches_nothing(
    cli: Cli, workspace: Path, hostile_release: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fetched: list[str] = []
    refused: list[str] = []
    original = pdf_module.restricted_fetcher

    # WeasyPrint's URL fetcher, which has no type information (as in publisher.render.pdf)
    def spying(allowed_dirs: list[Path], allowed_files: list[Path]) -> Any:
        fetcher = original(allowed_dirs, allowed_files)
        inner = fetcher.fetch

        def fetch(url: str, headers: Any = None) -> Any:
            fetched.append(url)
            try:
                return inner(url, headers)
            except ValueError:
                refused.append(url)
                raise

        fetcher.fetch = fetch
        return fetcher

    monkeypatch.setattr(pdf_module, "restricted_fetcher", spying)
    out = workspace / "dist"
    cli("build", hostile_release, "--lang", "en", "--out", str(out))

    page = (out / hostile_release / "en.html").read_text()
    tree = lxml_html.fromstring(page.encode())
    assert not tree.xpath("//script | //img | //iframe")
    text = tree.text_content()
    assert "<script>alert(1)</script>" in text
    assert '<img src="file:///etc/passwd">' in text
    assert tree.xpath("//title")[0].text_content().startswith("Visit <script>")
    assert tree.xpath("//a[@href='https://www.mfaic.gov.kh/']")

    pdf_text = subprocess.run(
        ["pdftotext", str(out / hostile_release / "en.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "<script>alert(1)</script>" in pdf_text
    assert "file:///etc/passwd" in pdf_text  # shown as text...
    assert refused == []  # ...and never fetched
    assert fetched and all(url.startswith("file://") for url in fetched)
    assert not any("passwd" in url or "127.0.0.1" in url for url in fetched)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:8080/x.png",
        "https://example.org/logo.png",
        "data:image/png;base64,iVBORw0KGgo=",
    ],
)
def test_restricted_fetcher_refuses_everything_outside(url: str, tmp_path: Path) -> None:
    fetcher = pdf_module.restricted_fetcher([tmp_path], [])
    with pytest.raises(ValueError):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_restricted_fetcher_serves_allowed_files(tmp_path: Path) -> None:
    allowed = tmp_path / "templates" / "logo.svg"
    allowed.parent.mkdir()
    allowed.write_text("<svg/>")
    fetcher = pdf_module.restricted_fetcher([allowed.parent], [])
    assert fetcher.fetch(allowed.as_uri()).read() == b"<svg/>"
    escape = allowed.parent / ".." / "secret.txt"
    escape.write_text("secret")
    with pytest.raises(ValueError):
        fetcher.fetch(escape.as_uri())
