"""The `publisher` program's first step (cli/entry.py): which command a command line
runs, read before the CLI is imported, to start what that command waits on."""

from __future__ import annotations

import pytest

from publisher.cli.entry import command_name


@pytest.mark.parametrize(
    ("args", "command"),
    [
        (["site"], "site"),
        (["site", "--jobs", "2"], "site"),
        (["--workspace", "site", "build"], "build"),  # a workspace folder named site
        (["-w", "ws", "site", "--out", "x"], "site"),
        (["--workspace=ws", "site"], "site"),
        (["build", "--out", "site"], "build"),
        (["--help"], None),
        (["--version"], None),
        ([], None),
        (["--", "site"], None),
    ],
)
def test_the_command_is_the_first_word_that_is_no_option_nor_its_value(
    args: list[str], command: str | None
) -> None:
    assert command_name(args) == command
