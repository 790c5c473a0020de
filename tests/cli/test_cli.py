"""The command line as a whole: every command registered and reachable, help that matches
the commands, template overrides, and messages a user reads whole."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import publisher
from publisher.cli.app import COMMANDS, app, real_command
from tests.support.workspace import REPO, SAMPLE_SLUG, Cli


def test_python_m_publisher_lists_every_command() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "publisher", "--help"], cwd=REPO, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    for name in COMMANDS:
        assert f" {name} " in proc.stdout, name
    assert "review" in COMMANDS


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_summary_is_its_commands_own_help(name: str) -> None:
    """`publisher --help` prints summaries without importing the commands; they must not drift."""
    command = real_command(name)
    assert command is not None, name
    first_line = (command.help or "").strip().splitlines()[0]
    assert first_line == COMMANDS[name].summary


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_command_has_working_help(name: str) -> None:
    result = CliRunner().invoke(app, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.output


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["publish-everything"])
    assert result.exit_code == 2
    assert "No such command 'publish-everything'" in result.output


def test_approving_untranslated_says_approve_once(cli: Cli, sample: str) -> None:
    result = cli("approve", sample, "--lang", "km", "--segment", "s3", ok=False)
    assert result.exit_code == 2
    assert result.stderr == "error: cannot approve s3 (untranslated): translate it first\n"


# ---------------------------------------------------------------- template overrides


def test_templates_list_and_copy(cli: Cli, workspace: Path) -> None:
    listed = cli("templates", "list").stdout.splitlines()
    assert "print.css\tdefault" in listed and "web.html\tdefault" in listed
    out = cli("templates", "copy", "print.css").stdout
    assert out == "copied the default print.css to templates/print.css; edit it there\n"
    assert "print.css\toverridden (same as default)" in cli("templates", "list").stdout
    again = cli("templates", "copy", "print.css", ok=False)
    assert again.exit_code == 2
    assert "templates/print.css already exists (your override); add --force" in again.stderr
    (workspace / "templates" / "print.css").write_text("body { color: red }\n")
    assert "print.css\toverridden" in cli("templates", "list").stdout.splitlines()
    assert cli("templates", "copy", "nothing.css", ok=False).exit_code == 2


@pytest.mark.slow
def test_a_fix_to_a_package_default_reaches_an_existing_workspace(tmp_path: Path) -> None:
    """A workspace made by `init` renders with the installed package's templates, whatever
    they are at build time: edit a default in a copy of the package and rebuild."""
    package = tmp_path / "pkg" / "publisher"
    shutil.copytree(
        Path(publisher.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__")
    )
    ws = tmp_path / "ws"
    env = {"PYTHONPATH": str(package.parent), "PUBLISHER_REVIEWER": "Test"}

    def run(*args: str) -> str:
        proc = subprocess.run(
            [sys.executable, "-m", "publisher", "--workspace", str(ws), *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    run("init", str(ws))
    shutil.copytree(REPO / "releases" / SAMPLE_SLUG, ws / "releases" / SAMPLE_SLUG)
    assert list((ws / "templates").iterdir()) == []
    run("build", "--format", "html", "--lang", "en")
    page = ws / "dist" / SAMPLE_SLUG / "en.html"
    assert "fixed-in-the-package" not in page.read_text()
    css = package / "resources" / "templates" / "web.css"
    css.write_text(css.read_text() + "\n/* fixed-in-the-package */\n")
    run("build", "--format", "html", "--lang", "en")
    assert "fixed-in-the-package" in page.read_text()
