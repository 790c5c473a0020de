"""The web tests' workspace: a copy of this repository's (the shipped sample, approved), the
CLI on it as the press secretary (the same workspace the server under test serves), and
`publisher serve` on that workspace (Debian's Chromium: tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.web import Server
from tests.support.workspace import Cli, copy_repo_workspace


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_repo_workspace(tmp_path / "ws")


@pytest.fixture
def cli(root: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """The CLI on the same workspace as the server."""
    monkeypatch.setenv("PUBLISHER_REVIEWER", "Press Secretary")
    return Cli(root)


@pytest.fixture
def server(root: Path) -> Iterator[Server]:
    """`publisher serve` on that workspace, until the test ends."""
    with Server(root) as running:
        yield running
