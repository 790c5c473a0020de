"""The web tests' workspace: a copy of this repository's (the shipped sample, approved), the
CLI on it as the press secretary (the same workspace the server under test serves), and
Debian's Chromium driven by Playwright (one per test module)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.workspace import Cli, copy_repo_workspace


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_repo_workspace(tmp_path / "ws")


@pytest.fixture
def cli(root: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """The CLI on the same workspace as the server."""
    monkeypatch.setenv("PUBLISHER_REVIEWER", "Press Secretary")
    return Cli(root)
