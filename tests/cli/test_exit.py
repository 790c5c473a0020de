"""How the `publisher` process ends (cli/app.py `main`): with the status, the output and
the atexit handlers Python's own exit gives, without tearing the interpreter down."""

from __future__ import annotations

import pstats
import subprocess
import sys
from pathlib import Path

from tests.support.workspace import REPO

#: `main` with an atexit handler and a non-daemon thread that outlive the command
_PROBE = """
import atexit, sys, threading, time
from publisher.cli.app import main
atexit.register(lambda: print("atexit ran", flush=True))
def late():
    time.sleep(0.2)
    print("thread finished")
threading.Thread(target=late).start()
sys.argv = ["publisher", *sys.argv[1:]]
main()
"""


def _run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _PROBE, *args], cwd=cwd, capture_output=True, text=True
    )


def test_a_command_ends_with_its_output_threads_and_atexit_handlers(tmp_path: Path) -> None:
    done = _run("--help")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    # the whole help (buffered output is flushed), then the thread's line, then atexit's
    assert "Usage: publisher" in done.stdout
    assert "translate" in done.stdout
    assert lines[-2:] == ["thread finished", "atexit ran"]


def test_a_user_error_still_exits_2_with_its_message(tmp_path: Path) -> None:
    done = _run("--workspace", str(tmp_path / "none"), "status", cwd=tmp_path)
    assert done.returncode == 2
    assert "error:" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout.splitlines()[-1] == "atexit ran"


def test_a_profiler_still_gets_its_profile(tmp_path: Path) -> None:
    """`python -m cProfile -m publisher ...` writes its profile after the program returns:
    under a profiler the program leaves as Python does."""
    profile = tmp_path / "help.prof"
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "publisher", "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "Usage: publisher" in done.stdout
    assert pstats.Stats(str(profile)).get_stats_profile().func_profiles  # a real profile
