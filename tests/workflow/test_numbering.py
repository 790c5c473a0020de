"""Release numbers (issue 11): one series per workspace, given at creation, unique under
concurrent `publisher new`, never given again, shown by `status --json`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.workspace import SAMPLE_SLUG, SAMPLE_TXT, Cli, tree_bytes


def _registry(root: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (root / "numbers.jsonl").read_text("utf-8").splitlines()]


def _number(root: Path, slug: str) -> str | None:
    number: str | None = json.loads(Cli(root)("status", slug, "--json").stdout)["releases"][0][
        "number"
    ]
    return number


def _start_new(root: Path, title: str, date: str, *more: str) -> subprocess.Popen[str]:
    """`publisher new` of the sample as its own process, started and not waited for."""
    command = [sys.executable, "-m", "publisher", "--workspace", str(root), "new"]
    command += [str(SAMPLE_TXT), "--title", title, "--date", date, *more]
    env = {**os.environ, "PUBLISHER_REVIEWER": "Test Reviewer"}
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )


def _new(cli: Cli, slug: str, date: str = "2025-01-15") -> str:
    result = cli("new", str(SAMPLE_TXT), "--title", "A Visit", "--slug", slug, "--date", date)
    numbers = [line for line in result.stdout.splitlines() if line.startswith("number: ")]
    assert len(numbers) == 1, result.stdout
    return numbers[0].removeprefix("number: ")


@pytest.mark.slow
def test_twenty_concurrent_new_commands_get_twenty_distinct_numbers(repo_workspace: Path) -> None:
    """Twenty real processes started together, as twenty press officers might."""
    slugs = [f"2025-01-15-visit-{i:02d}" for i in range(20)]
    procs = [
        _start_new(repo_workspace, f"Visit {i}", "2025-01-15", "--slug", slug)
        for i, slug in enumerate(slugs)
    ]
    outputs = [proc.communicate(timeout=300) for proc in procs]
    for proc, (_, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
    printed = {}
    for slug, (out, _) in zip(slugs, outputs, strict=True):
        lines = [line for line in out.splitlines() if line.startswith("number: ")]
        printed[slug] = lines[0].removeprefix("number: ")
    stored = {slug: _number(repo_workspace, slug) for slug in slugs}
    assert stored == printed
    assert sorted(printed.values()) == [f"MFAIC/2025/{n:03d}" for n in range(1, 21)]
    entries = [e for e in _registry(repo_workspace) if e["year"] == 2025]
    assert sorted((e["number"], e["slug"]) for e in entries) == sorted(
        (number, slug) for slug, number in stored.items()
    )  # each number recorded once, with the release it went to
    assert len({e["number"] for e in entries}) == len(entries) == 20


def test_a_number_is_never_given_again_after_its_release_is_deleted(repo_workspace: Path) -> None:
    cli = Cli(repo_workspace)
    assert _new(cli, "2025-01-15-first") == "MFAIC/2025/001"
    assert _new(cli, "2025-01-15-second") == "MFAIC/2025/002"
    shutil.rmtree(repo_workspace / "releases" / "2025-01-15-second")  # the newest, deleted
    shutil.rmtree(repo_workspace / "releases" / "2025-01-15-first")
    assert _new(cli, "2025-01-15-third") == "MFAIC/2025/003"
    assert _new(cli, "2025-01-15-first") == "MFAIC/2025/004"  # the same name again: a new number
    # Another year starts its own series; the sample keeps its number.
    assert _new(cli, "2026-01-02-new-year", date="2026-01-02") == "MFAIC/2026/001"
    assert _number(repo_workspace, SAMPLE_SLUG) == "MFAIC/2024/001"
    numbers = [e["number"] for e in _registry(repo_workspace)]
    assert numbers == [
        "MFAIC/2024/001",
        "MFAIC/2025/001",
        "MFAIC/2025/002",
        "MFAIC/2025/003",
        "MFAIC/2025/004",
        "MFAIC/2026/001",
    ]


def test_a_number_a_release_holds_is_not_given_again_without_the_registry(
    repo_workspace: Path,
) -> None:
    """numbers.jsonl lost (a bad merge) or never there (numbering adopted by a workspace
    whose releases were numbered by hand): the numbers releases hold are still taken."""
    (repo_workspace / "numbers.jsonl").unlink()
    cli = Cli(repo_workspace)
    assert _new(cli, "2024-12-05-after-the-loss", date="2024-12-05") == "MFAIC/2024/002"


def test_a_refused_new_takes_no_number(repo_workspace: Path, tmp_path: Path) -> None:
    cli = Cli(repo_workspace)
    empty = tmp_path / "empty.txt"
    empty.write_text("\n", "utf-8")
    before = tree_bytes(repo_workspace)
    for args in (
        [str(empty), "--title", "Nothing"],
        [str(SAMPLE_TXT), "--slug", SAMPLE_SLUG],  # exists
        [str(SAMPLE_TXT), "--slug", "Bad Name"],
    ):
        result = cli("new", *args, "--date", "2025-01-15", ok=False)
        assert result.exit_code == 2 and result.stderr.startswith("error: "), args
        assert tree_bytes(repo_workspace) == before, args
    assert _new(cli, "2025-01-15-after") == "MFAIC/2025/001"


def test_status_json_shows_the_number(repo_workspace: Path) -> None:
    cli = Cli(repo_workspace)
    _new(cli, "2025-01-15-first")
    status = json.loads(cli("status", "--json").stdout)
    assert {r["slug"]: r["number"] for r in status["releases"]} == {
        SAMPLE_SLUG: "MFAIC/2024/001",
        "2025-01-15-first": "MFAIC/2025/001",
        "boilerplate": None,
    }
    text = cli("status", "2025-01-15-first").stdout
    heading = next(line for line in text.splitlines() if line.startswith("MFAIC/"))
    assert heading.startswith("MFAIC/2025/001 ")  # the release named by number and title
    assert heading.endswith("2025-01-15, source en  releases/2025-01-15-first/")


@pytest.mark.slow
def test_concurrent_new_commands_of_the_same_name_leave_one_whole_release(
    repo_workspace: Path,
) -> None:
    """A double-click or a retried script: one import wins, the others are refused, and
    none writes into (or removes) another's half-made folder."""
    procs = [_start_new(repo_workspace, "Same Title", "2025-02-01") for _ in range(6)]
    outputs = [proc.communicate(timeout=300) for proc in procs]
    results = [(proc.returncode, *out) for proc, out in zip(procs, outputs, strict=True)]
    slug = "2025-02-01-same-title"
    assert sorted(code for code, _, _ in results) == [0, 2, 2, 2, 2, 2]
    refused = [err for code, _, err in results if code == 2]
    assert set(refused) == {
        f"error: a release named '{slug}' already exists; choose another --slug\n"
    }
    assert sorted(p.name for p in (repo_workspace / "releases").iterdir()) == [SAMPLE_SLUG, slug]
    cli = Cli(repo_workspace)
    winner = next(out for code, out, _ in results if code == 0)
    number = next(line for line in winner.splitlines() if line.startswith("number: "))
    assert _number(repo_workspace, slug) == number.removeprefix("number: ")
    assert cli("fsck", "--dry-run").stdout.splitlines() == [f"{SAMPLE_SLUG}: ok", f"{slug}: ok"]
