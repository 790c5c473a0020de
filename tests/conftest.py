"""Shared fixtures: scratch workspaces, the sample release, a CLI runner."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from publisher.cli.app import app

pytest_plugins = ["tests.conftest_argos", "tests.conftest_mail"]

REPO = Path(__file__).resolve().parents[1]
SAMPLE_TXT = REPO.parent / "shared" / "samples" / "visit-china-2024-12.en.txt"
if not SAMPLE_TXT.exists():  # the sample also ships inside the repository's release
    SAMPLE_TXT = REPO / "tests" / "data" / "visit-china-2024-12.en.txt"
SAMPLE_TITLE = "Samdech Techo Hun Sen to Pay Official and Goodwill Visit to China"
SAMPLE_SLUG = "2024-11-30-samdech-techo-hun-sen-pay-official-goodwill-visit-china"
#: How messages name the shipped sample: its number and short title (the slug names folders).
SAMPLE_NUMBER = "MFAIC/2024/001"
SAMPLE_LABEL = f"{SAMPLE_NUMBER} Samdech Techo Hun Sen to Pay…"


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


class Cli:
    """Runs `publisher` in-process against one workspace, as a user would type it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.runner = CliRunner()

    def __call__(
        self,
        *args: str,
        input: str | None = None,
        env: dict[str, str] | None = None,
        ok: bool = True,
    ) -> Result:
        result = self.runner.invoke(
            app,
            ["--workspace", str(self.root), *args],
            input=input,
            env=env,
            catch_exceptions=False,
        )
        out = Result(result.exit_code, result.stdout, result.stderr)
        if ok:
            assert out.exit_code == 0, f"{args}: exit {out.exit_code}\n{out.stdout}\n{out.stderr}"
        return out


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A bare workspace: `init` without numbers, and without the boilerplate it writes,
    so a test sees one feature at a time (tests/cli/test_first_day_flow.py runs the
    complete workspace of `init`)."""
    root = tmp_path / "ws"
    result = CliRunner().invoke(
        app, ["init", str(root), "--yes", "--numbering", "none"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    shutil.rmtree(root / "boilerplate")
    return root


@pytest.fixture
def cli(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("PUBLISHER_REVIEWER", "Test Reviewer")
    return Cli(workspace)


@pytest.fixture
def sample(cli: Cli) -> str:
    """The sample release imported into the scratch workspace; returns its slug."""
    cli(
        "new",
        str(SAMPLE_TXT),
        "--title",
        SAMPLE_TITLE,
        "--date",
        "2024-11-30",
        "--place",
        "Phnom Penh",
    )
    return SAMPLE_SLUG


def copy_repo_workspace(root: Path) -> Path:
    """This repository's workspace copied to `root`: configuration, glossary, release
    numbers, the boilerplate and the releases (the shipped sample, approved)."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("publisher.toml", "glossary.toml", "numbers.jsonl"):
        shutil.copy(REPO / name, root / name)
    for name in ("releases", "boilerplate", "templates", "locales"):
        shutil.copytree(
            REPO / name,
            root / name,
            ignore=shutil.ignore_patterns("*.mo", ".lock", ".send.lock", "sends.jsonl"),
        )
    return root


@pytest.fixture
def repo_workspace(tmp_path: Path) -> Iterator[Path]:
    """A copy of this repository's workspace (the shipped sample, approved)."""
    yield copy_repo_workspace(tmp_path / "repo-ws")
