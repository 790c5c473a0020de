"""Fixtures for sending mail: a real SMTP server and a workspace that sends to it.

For the tests of tests/mail/. Once per session: a self-signed certificate,
aiosmtpd on 127.0.0.1 (STARTTLS required, AUTH required), and a copy of this
repository's workspace whose [smtp] points at that server, with the sample's
PDFs and pages built once into its cache. Each test gets its own copy of that
workspace (cache included, so nothing is rendered again) and a server whose
recorder was reset.

- `smtp_server`: the running server (`.recorder` holds what it received);
- `mail_ws`: the workspace folder; `mail_cli`: `publisher` run in it, with the
  password in PUBLISHER_SMTP_PASSWORD;
- `built_pdfs`: lang -> the bytes `publisher build` wrote for the sample.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from publisher.core.release import find_release
from publisher.core.workspace import Workspace
from publisher.publishing.builders.dist import DistBuilder
from tests.support.mail import big_list, set_smtp, smtp_section
from tests.support.smtp_server import PASSWORD, SmtpServer, make_certificate
from tests.support.workspace import REPO, SAMPLE_SLUG, Cli, copy_repo_workspace


@pytest.fixture(scope="session")
def smtp_certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("smtp-cert"))


@pytest.fixture(scope="session")
def smtp_server(smtp_certificate: tuple[Path, Path]) -> Iterator[SmtpServer]:
    server = SmtpServer(*smtp_certificate)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def mail_template(
    tmp_path_factory: pytest.TempPathFactory,
    smtp_server: SmtpServer,
    smtp_certificate: tuple[Path, Path],
) -> Path:
    root = copy_repo_workspace(tmp_path_factory.mktemp("mail-template") / "ws")
    shutil.copytree(REPO / "lists", root / "lists")
    (root / "lists" / "big.csv").write_text(big_list(), encoding="utf-8")
    set_smtp(root, smtp_section(smtp_server, smtp_certificate[0]))
    ws = Workspace.load(root)
    report = DistBuilder(ws, out_dir=root / "dist", jobs=1).build(
        [find_release(ws.releases_dir, SAMPLE_SLUG)]
    )
    assert report.ok, report
    return root


@pytest.fixture
def mail_ws(mail_template: Path, tmp_path: Path, smtp_server: SmtpServer) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(mail_template, root)
    smtp_server.recorder.reset()
    return root


@pytest.fixture
def mail_cli(mail_ws: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("PUBLISHER_SMTP_PASSWORD", PASSWORD)
    monkeypatch.setenv("PUBLISHER_REVIEWER", "Test Reviewer")
    return Cli(mail_ws)


@pytest.fixture
def built_pdfs(mail_ws: Path) -> dict[str, bytes]:
    folder = mail_ws / "dist" / SAMPLE_SLUG
    return {p.stem: p.read_bytes() for p in folder.glob("*.pdf")}


@pytest.fixture
def built_photos(mail_ws: Path) -> dict[str, bytes]:
    """The sample's photos as `publisher build` published them (originals with metadata)."""
    release = find_release(mail_ws / "releases", SAMPLE_SLUG)
    folder = mail_ws / "dist" / SAMPLE_SLUG / "photos"
    return {p.file: (folder / p.file).read_bytes() for p in release.meta.photos}
