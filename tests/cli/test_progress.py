"""Progress on long work: on a terminal, a bar on stderr once a command has run about a
second (`PUBLISHER_PROGRESS_DELAY` sets another delay); nothing of it on stdout, so
`--json` stays one JSON object; nothing at all when stderr is not a terminal, and nothing
for a quick command.

stderr is a real pseudo-terminal (pty), as a press officer's terminal is.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from publisher.cli.params import PROGRESS_DELAY_VARIABLE, progress_delay
from tests.support.workspace import SAMPLE_SLUG, copy_repo_workspace

pytestmark = pytest.mark.slow
BAR = "━"


def run(root: Path, *args: str, terminal: bool, delay: str | None = None) -> tuple[int, str, str]:
    """`publisher` with stderr on a pty (`terminal`) or a pipe, the bar's delay `delay`
    seconds if given; (exit code, stdout, stderr)."""
    command = [sys.executable, "-m", "publisher", "--workspace", str(root), *args]
    env = {**os.environ, "COLUMNS": "100", "PUBLISHER_REVIEWER": "Sok Dara"}
    env.pop(PROGRESS_DELAY_VARIABLE, None)
    if delay is not None:
        env[PROGRESS_DELAY_VARIABLE] = delay
    if not terminal:
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
        return done.returncode, done.stdout, done.stderr
    master, slave = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL, env=env
    ) as process:
        os.close(slave)
        out, _ = process.communicate(timeout=300)
    reader.join(timeout=10)
    os.close(master)
    return process.returncode, out.decode("utf-8"), b"".join(chunks).decode("utf-8", "replace")


def test_a_dry_run_shows_progress_on_a_terminal_and_keeps_json_clean(tmp_path: Path) -> None:
    """The bar at once (delay 0): whether the sample's cold build lasts a second depends on
    the machine (it did not always, once it got faster)."""
    root = copy_repo_workspace(tmp_path / "ws")
    lists = root / "lists"
    lists.mkdir(exist_ok=True)
    (lists / "press.csv").write_text(
        "email,name,outlet,languages,tags\nsophea@example.org,Chan Sophea,Daily,km,print\n",
        encoding="utf-8",
    )
    args = ("send", SAMPLE_SLUG, "--list", "press", "--dry-run", "--json")
    code, out, err = run(root, *args, terminal=True, delay="0")  # a cold cache: PDFs
    assert code == 0, err
    assert json.loads(out)["mode"] == "dry-run"  # stdout: exactly one JSON object
    assert BAR in err and "PDF" in err, err

    code, out, err = run(root, *args, terminal=False, delay="0")
    assert code == 0 and json.loads(out)["mode"] == "dry-run"
    assert BAR not in err


@pytest.mark.parametrize(
    ("given", "seconds"),
    [(None, 1.0), ("0", 0.0), ("2.5", 2.5), ("soon", 1.0), ("-1", 1.0), ("nan", 1.0), ("inf", 1.0)],
)
def test_the_delay_is_a_second_unless_the_variable_gives_a_number_of_seconds(
    given: str | None, seconds: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PROGRESS_DELAY_VARIABLE, raising=False)
    if given is not None:
        monkeypatch.setenv(PROGRESS_DELAY_VARIABLE, given)
    assert progress_delay() == seconds


def test_a_quick_step_shows_no_bar_on_a_terminal(tmp_path: Path) -> None:
    """An import reports its progress, but done within the second it shows none."""
    root = copy_repo_workspace(tmp_path / "ws")
    exported = tmp_path / "km.po"
    code, _, err = run(
        root, "export", SAMPLE_SLUG, "--lang", "km", "--format", "po", "--out", str(exported),
        terminal=False,
    )  # fmt: skip
    assert code == 0, err
    code, out, err = run(root, "import", str(exported), terminal=True)
    assert code == 0 and "km:" in out, err
    assert BAR not in err and "importing" not in err
