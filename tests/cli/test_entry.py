"""The `publisher` program's first step (cli/entry.py): which command a command line
runs, read before the CLI is imported, to start what that command waits on."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from publisher.cli.entry import GC_THRESHOLDS, command_name, renders_at_once


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


def test_the_program_collects_garbage_less_often_than_python_by_default() -> None:
    """What `publisher` runs with (cli/entry.py GC_THRESHOLDS), read as the command ends."""
    code = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('GC', *gc.get_threshold(), file=sys.stderr))\n"
        "sys.argv = ['publisher', '--version']\n"
        "from publisher.cli.entry import main\n"
        "main()\n"
    )
    process = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert process.returncode == 0, process.stderr
    assert f"GC {' '.join(map(str, GC_THRESHOLDS))}" in process.stderr.splitlines()
    assert GC_THRESHOLDS[0] > gc.get_threshold()[0]  # this test process keeps Python's own
