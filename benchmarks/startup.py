#!/usr/bin/env python3
"""Start-up time of `publisher --help` and `publisher status`.

Goal: both under 0.2 s on a 2-core machine (median of the runs), importing none
of the heavy stacks (WeasyPrint, Argos/CTranslate2, python-docx, the web and mail
stacks; tests/workflow/test_workspace.py checks the imports).

Baseline, measured in the same run: a bare interpreter (`python -c pass`) and
one that imports only Typer (the floor of any Typer CLI). Prints the median, the
spread (min-max) and the ratio to each baseline, then the ten costliest imports
of `publisher status` from `python -X importtime`.

Usage: python benchmarks/startup.py [--runs 10]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PUBLISHER = Path(sys.executable).parent / "publisher"


def timed(cmd: list[str], runs: int) -> list[float]:
    subprocess.run(cmd, cwd=REPO, capture_output=True, check=True)  # warm the page cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=REPO, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return times


def describe(times: list[float]) -> str:
    return f"median {statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    bare = timed([sys.executable, "-c", "pass"], args.runs)
    typer_only = timed([sys.executable, "-c", "import typer"], args.runs)
    print(f"python -c pass        {describe(bare)}")
    print(f"python -c import typer {describe(typer_only)}")
    for cmd in (["--help"], ["status"]):
        times = timed([str(PUBLISHER), *cmd], args.runs)
        median = statistics.median(times)
        verdict = "ok" if median < 0.2 else "OVER the 0.2 s goal"
        print(
            f"publisher {' '.join(cmd):<12} {describe(times)}  "
            f"x{median / statistics.median(bare):.1f} bare, "
            f"x{median / statistics.median(typer_only):.2f} typer  [{verdict}]"
        )
    trace = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "publisher", "status"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    rows = []
    for line in trace.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)", line)
        if m and not m.group(3):  # top-level imports only: their cumulative time
            rows.append((int(m.group(2)), m.group(4)))
    print("costliest top-level imports of `publisher status` (cumulative):")
    for micros, name in sorted(rows, reverse=True)[:10]:
        print(f"  {micros / 1000:7.1f} ms  {name}")


if __name__ == "__main__":
    main()
