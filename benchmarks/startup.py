#!/usr/bin/env python3
"""Start-up time of `publisher --help` and `publisher status`, as users run them.

Goals (issue 25) on a 2-core machine, medians of the runs: `--help` and `status` (the
repository's workspace: the sample) under 0.2 s, and `status` over 200 releases under
0.3 s; importing none of the heavy stacks (WeasyPrint, Argos/CTranslate2, python-docx,
the web and mail stacks; tests check the imports).

Measured after `make setup`, which compiles the package's bytecode (`python -m
compileall publisher`): this machine sets PYTHONDONTWRITEBYTECODE=1 and an editable
install compiles nothing, so without it every command compiles the package from
source. That uncompiled figure is measured too (the package copied without its
`__pycache__` and put first on PYTHONPATH, bytecode writing off), beside the compiled
one in the same run.

Baselines, in the same run: a bare interpreter (`python -c pass`) and one that imports
only Typer (the floor of any Typer CLI). Prints the median, the spread (min-max) and
the ratio to each baseline, then the ten costliest imports of `publisher status`.

Usage: python benchmarks/startup.py [--runs 10] [--releases 200]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
PUBLISHER = Path(sys.executable).parent / "publisher"


def timed(
    cmd: list[str], runs: int, cwd: Path = REPO, env: dict[str, str] | None = None
) -> list[float]:
    run_env = {**os.environ, **(env or {})}
    subprocess.run(cmd, cwd=cwd, capture_output=True, check=True, env=run_env)  # warm caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, capture_output=True, check=True, env=run_env)
        times.append(time.perf_counter() - start)
    return times


def describe(times: list[float]) -> str:
    return f"median {statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f})"


def line(label: str, times: list[float], goal: float, bare: list[float], typer: list[float]) -> str:
    median = statistics.median(times)
    verdict = "ok" if median < goal else f"OVER the {goal} s goal"
    return (
        f"{label:<34} {describe(times)}  x{median / statistics.median(bare):.1f} bare, "
        f"x{median / statistics.median(typer):.2f} typer  [{verdict}]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--releases", type=int, default=200)
    args = parser.parse_args()
    compiled = REPO / "publisher" / "__pycache__"
    if not compiled.is_dir():
        print("warning: publisher/ has no bytecode: run `make setup` first (compileall)")
    with tempfile.TemporaryDirectory(prefix="startup-bench-") as tmp:
        # the package without bytecode, found first, compiled in memory at every start
        source_only = Path(tmp) / "src"
        shutil.copytree(
            REPO / "publisher",
            source_only / "publisher",
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        uncompiled = {"PYTHONPATH": str(source_only), "PYTHONDONTWRITEBYTECODE": "1"}
        archive = Path(tmp) / "archive"
        from benchmarks.archive import generate

        generate(archive, args.releases)
        bare = timed([sys.executable, "-c", "pass"], args.runs)
        typer_only = timed([sys.executable, "-c", "import typer"], args.runs)
        print(f"{'python -c pass':<34} {describe(bare)}")
        print(f"{'python -c import typer':<34} {describe(typer_only)}")
        for cmd in (["--help"], ["status"]):
            label = f"publisher {' '.join(cmd)}"
            times = timed([str(PUBLISHER), *cmd], args.runs)
            print(line(label, times, 0.2, bare, typer_only))
            raw = timed([str(PUBLISHER), *cmd], args.runs, env=uncompiled)
            print(line(f"  (uncompiled: {label})", raw, 0.2, bare, typer_only))
        # the first status over the archive judges every release (QA); later ones read
        # the verdicts from the cache: `timed` runs it once before measuring
        label = f"publisher status, {args.releases} releases"
        times = timed([str(PUBLISHER), "status"], args.runs, cwd=archive)
        print(line(label, times, 0.3, bare, typer_only))
        raw = timed([str(PUBLISHER), "status"], args.runs, cwd=archive, env=uncompiled)
        print(line(f"  (uncompiled: {label})", raw, 0.3, bare, typer_only))
    trace = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "publisher", "status"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    rows = []
    for row in trace.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)", row)
        if m and not m.group(3):  # top-level imports only: their cumulative time
            rows.append((int(m.group(2)), m.group(4)))
    print("costliest top-level imports of `publisher status` (cumulative):")
    for micros, name in sorted(rows, reverse=True)[:10]:
        print(f"  {micros / 1000:7.1f} ms  {name}")


if __name__ == "__main__":
    main()
