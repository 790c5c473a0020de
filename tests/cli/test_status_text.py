"""`publisher status` drawn as text, and the imports `--help` and `status` leave out.

The status tables are built with string formatting (publisher/cli/text_table.py), not
by rich's layout engine (most of a 200-release `status` went there): these tests hold
the text equal to rich's, the colours, the fallback to rich for a narrow terminal, and
the imports cut from start-up (the costs are measured by benchmarks/startup.py).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rich import box
from rich.console import Console
from rich.table import Table

from publisher.cli.text_table import Cell, TextTable
from tests.support.process import loaded_modules
from tests.support.workspace import REPO

ROWS: list[list[str]] = [
    ["untranslated", "0", "12"],
    ["draft", "3", "0"],
    ["total", "13", "13"],
    ["approved", "100%", "7%"],
    ["publishable", "yes", "no (12 left, 2 QA errors)"],
]


def _drawn_by_rich(headers: list[str], rows: list[list[str]], width: int) -> str:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column(headers[0])
    for header in headers[1:]:
        table.add_column(header, justify="right")
    for i, row in enumerate(rows):
        table.add_row(*row, end_section=i == 2)
    console = Console(width=width, color_system=None)
    with console.capture() as captured:
        console.print(table)
    return captured.get()


@pytest.mark.parametrize(
    "headers", [["state", "km", "zh-Hans"], ["state", "km"], ["state", "km", "zh-Hans", "fr"]]
)
def test_the_text_table_is_the_table_rich_draws(headers: list[str]) -> None:
    rows = [row[: len(headers)] + ["1"] * (len(headers) - len(row)) for row in ROWS]
    table = TextTable(headers)
    for i, row in enumerate(rows):
        table.add_row(*row, end_section=i == 2)
    assert table.fits(80)
    assert "\n".join(table.lines(colour=False)) + "\n" == _drawn_by_rich(headers, rows, 80)


def test_colours_only_where_asked_and_the_header_bold() -> None:
    table = TextTable(["state", "km"])
    table.add_row("publishable", Cell("no (2 left)", "red"))
    plain, coloured = table.lines(colour=False), table.lines(colour=True)
    assert "\x1b[" not in "".join(plain)
    assert "\x1b[31mno (2 left)\x1b[0m" in coloured[3] and "\x1b[1mstate\x1b[0m" in coloured[1]
    assert [len(line) for line in plain] == [len(plain[0])] * len(plain)


def test_a_table_wider_than_the_terminal_is_left_to_rich(repo_workspace: Path) -> None:
    env = {"COLUMNS": "30", "PATH": "/usr/bin:/bin"}
    shown = subprocess.run(
        [sys.executable, "-m", "publisher", "status"],
        cwd=repo_workspace,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    # rich wraps the 31-character table into 30 columns: no table line is longer
    drawn = [line for line in shown.splitlines() if line[:1] == " " and line[1:2] != " "]
    assert drawn and max(len(line) for line in drawn) <= 30
    assert "publishable" in shown and "yes" in shown


@pytest.mark.parametrize("args", [["--help"], ["status", "--help"], []])
def test_help_imports_no_markdown_parser_nor_traceback_renderer(args: list[str]) -> None:
    unused = ("rich.markdown", "markdown_it", "pygments", "rich.traceback", "attr")
    assert loaded_modules(args, unused)[0] == []


def test_help_text_is_the_same_as_with_the_full_formatter() -> None:
    """The lean import changes no character of the help (rich.markdown imported first
    makes it a no-op: the formatter typer would load by itself)."""
    for args in (["--help"], ["status", "--help"], ["lists", "--help"]):
        run = [sys.executable, "-c"]
        start = f"import sys; sys.argv=['publisher', *{args!r}]; "
        main = "from publisher.cli.app import main; main()"
        lean = subprocess.run([*run, start + main], cwd=REPO, capture_output=True, text=True)
        full = subprocess.run(
            [*run, start + "import rich.markdown, rich.traceback; " + main],
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        assert lean.stdout == full.stdout and "Usage: publisher" in lean.stdout


def test_status_of_an_unchanged_workspace_parses_no_markdown(repo_workspace: Path) -> None:
    """The boilerplate's contact roles come from the cache once read, and so do the
    verdicts (the publishing rule and the QA checks are imported on a cache miss only);
    e-mail addresses are checked by the commands that take them, not imported by `status`."""
    unused = ("markdown_it", "email_validator", "publisher.publishing.rule", "publisher.qa")
    assert "publisher.qa" in loaded_modules(["status"], unused, repo_workspace)[0]  # judged, cached
    assert loaded_modules(["status"], unused, repo_workspace)[0] == []
