"""The `publisher` program's first step (cli/entry.py): which command a command line
runs, read before the CLI is imported, to start what that command waits on."""

from __future__ import annotations

import pytest

from publisher.cli.entry import command_name, renders_at_once


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


@pytest.mark.parametrize(
    ("args", "renders"),
    [
        (["site"], True),
        (["-w", "ws", "site", "--jobs", "2"], True),
        (["site", "--help"], False),
        (["site", "--jobs", "1"], False),
        (["site", "--jobs=1"], False),
        (["site", "-j1"], False),
        (["build"], False),
        (["status"], False),
    ],
)
def test_only_a_site_build_on_several_cores_starts_the_forkserver_first(
    args: list[str], renders: bool
) -> None:
    assert renders_at_once(args) is renders
