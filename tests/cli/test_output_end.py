"""A command that rendered in worker processes leaves nothing holding its output: when it
exits, a reader of its standard output (a CI log, `| tee`, a script) reaches the end at
once. The workers' forkserver inherited that output; it is ended with the command
(publishing/forkserver.py `end`), not left to tear its interpreter down after it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.workspace import REPO


def _holders(pipe: str) -> list[int]:
    """The processes with `pipe` (as /proc shows a descriptor: "pipe:[inode]") open."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            links = [os.readlink(fd) for fd in (entry / "fd").iterdir()]
        except OSError:
            continue
        if pipe in links:
            found.append(int(entry.name))
    return found


def test_site_leaves_no_process_holding_its_output(repo_workspace: Path) -> None:
    """The build, then the no-op after it: `site` starts the forkserver before it knows
    whether anything will render (publishing/forkserver.py), and a no-op ends it unused."""
    command = [sys.executable, "-m", "publisher", "--workspace", str(repo_workspace)]
    command += ["site", "--jobs", "2", "--base-url", "https://press.example.org/"]
    outputs = []
    for _run in range(2):
        process = subprocess.Popen(
            command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        assert process.stdout is not None
        pipe = os.readlink(f"/proc/{process.pid}/fd/1")
        # the command has exited (not yet reaped, so its descriptors' owner is gone)
        os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT)
        assert _holders(pipe) == []
        output = process.communicate()[0].decode()
        assert process.returncode == 0, output
        outputs.append(output)
    assert "Rendered 3 PDFs" in outputs[0]
    assert "Rendered nothing" in outputs[1]
