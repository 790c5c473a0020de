"""`publisher serve` starts a warm renderer (publishing/resident.py) in processes of its
own: they end with the server, on SIGTERM and also when the server is killed outright."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from tests.support.web import Server
from tests.support.workspace import copy_repo_workspace


def _descendants(pid: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_bytes()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(b")", 1)[1].split()[1])
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        children = {child for child, parent in parents.items() if parent == current}
        found |= children
        todo.extend(children)
    return found


def _alive(pids: set[int]) -> set[int]:
    return {pid for pid in pids if Path(f"/proc/{pid}").exists()}


def _ready(server: Server) -> None:
    server.wait_for("Draft previews are ready", seconds=120)


def _gone(pids: set[int], seconds: float) -> set[int]:
    deadline = time.monotonic() + seconds
    while _alive(pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    return _alive(pids)


def test_the_renderer_ends_with_the_server_even_when_it_is_killed(tmp_path: Path) -> None:
    root = copy_repo_workspace(tmp_path / "ws")
    for stop in (signal.SIGTERM, signal.SIGKILL):
        with Server(root) as server:
            _ready(server)
            assert server.process is not None
            workers = _descendants(server.process.pid)
            assert len(workers) >= 2  # the forkserver and its warm worker (and a tracker)
            os.kill(server.process.pid, stop)
            server.process.wait(timeout=30)
            assert _gone(workers, 15) == set(), f"left behind after {stop.name}"
