"""Benchmark: `publisher import` of very large PO and XLIFF files (issue 20, item 3).

A PO file of 30,000 entries took 81 s to import and 60,000 took 400 s (polib's
duplicate check compared each entry with every earlier one). Measured in one run:

  baseline     `publisher import` of the release's own PO export (12 entries, no change)
  PO 60,000    `publisher import` of a 60,000-entry PO file for the 12-segment release
  XLIFF 60,000 the same as XLIFF 2.1 units
  readers      the PO and XLIFF readers alone (in this process) on 7,500 to 60,000
               entries: the time per 1,000 entries stays flat when the parse is linear
               (a quadratic parse multiplies it by 8 from 7,500 to 60,000)

Goal: 60,000 entries answered in under 2 s, or refused in under 1 s (they are refused:
the release has 12 segments). Every time is the median of --runs runs with its
spread (min-max); the CLI figures are also given as a ratio to the baseline.

    .venv/bin/python benchmarks/imports.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from publisher.interchange import po, xliff

REPO = Path(__file__).resolve().parents[1]
PUBLISHER = Path(sys.executable).parent / "publisher"
SAMPLE = REPO / "tests" / "data" / "visit-china-2024-12.en.txt"
GOAL_ANSWERED, GOAL_REFUSED = 2.0, 1.0


def run(root: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PUBLISHER_REVIEWER": "Benchmark"}
    result = subprocess.run(
        [str(PUBLISHER), "--workspace", str(root), *args], capture_output=True, text=True, env=env
    )
    if ok and result.returncode != 0:
        raise SystemExit(f"publisher {' '.join(args)} failed:\n{result.stderr}")
    return result


def po_file(header: str, entries: int) -> str:
    body = "\n\n".join(
        f'msgctxt "x{i}"\nmsgid "Source sentence number {i}."\nmsgstr "ប្រយោគលេខ {i}"'
        for i in range(entries)
    )
    return f"{header}\n\n{body}\n"


def xliff_file(exported: str, entries: int) -> str:
    units = "".join(
        f'<unit id="x{i}"><segment state="translated"><source>Source sentence number {i}.'
        f"</source><target>ប្រយោគលេខ {i}</target></segment></unit>\n"
        for i in range(entries)
    )
    return exported.replace("</file>", units + "</file>")


def timed(action: Callable[[], object], runs: int) -> list[float]:
    action()  # warm the page cache and the imports
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def describe(times: list[float]) -> str:
    return f"median {statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as tmp:
        folder = Path(tmp)
        root = folder / "ws"
        subprocess.run([str(PUBLISHER), "init", str(root)], capture_output=True, check=True)
        created = run(root, "new", str(SAMPLE), "--title", "Official visit", "--date", "2024-11-30")
        slug = created.stdout.split("created releases/", 1)[1].split()[0]
        own_po, own_xlf = folder / "own.po", folder / "own.xlf"
        run(root, "export", slug, "--lang", "km", "--format", "po", "--out", str(own_po))
        run(root, "export", slug, "--lang", "km", "--out", str(own_xlf))
        header = own_po.read_text(encoding="utf-8").split("\n\n")[0]
        big_po, big_xlf = folder / "big.po", folder / "big.xlf"
        big_po.write_text(po_file(header, 60_000), encoding="utf-8")
        big_xlf.write_text(xliff_file(own_xlf.read_text(encoding="utf-8"), 60_000), "utf-8")

        baseline = timed(lambda: run(root, "import", str(own_po)), args.runs)
        print(f"baseline: import of the release's own PO (12 entries)  {describe(baseline)}")
        for label, path in (("PO 60,000 entries", big_po), ("XLIFF 60,000 units", big_xlf)):
            said = run(root, "import", str(path), ok=False)
            times = timed(partial(run, root, "import", str(path), ok=False), args.runs)
            median = statistics.median(times)
            refused = said.returncode == 2
            goal = GOAL_REFUSED if refused else GOAL_ANSWERED
            verdict = "ok" if median < goal else f"OVER the {goal:.0f} s goal"
            outcome = "refused" if refused else f"exit {said.returncode}"
            print(
                f"{label:<19} {outcome} in {describe(times)}  "
                f"x{median / statistics.median(baseline):.1f} baseline  [{verdict}]"
            )
            print(f"  it said: {(said.stderr or said.stdout).strip().splitlines()[-1][:160]}")

        print("readers alone, per 1,000 entries (flat = linear):")
        readers: list[tuple[str, Callable[[int], bytes], Callable[[bytes, Path], object]]] = [
            ("PO", lambda n: po_file(header, n).encode(), po.read),
            ("XLIFF", lambda n: xliff_file(own_xlf.read_text("utf-8"), n).encode(), xliff.read),
        ]
        for label, make, read in readers:
            per_thousand = []
            for entries in (7_500, 15_000, 30_000, 60_000):
                data = make(entries)
                times = timed(partial(read, data, Path("bench")), max(1, args.runs // 2))
                per_thousand.append(statistics.median(times) / entries * 1000)
                print(f"  {label:<5} {entries:>6,} entries  {describe(times)}")
            print(
                f"  {label:<5} per 1,000 entries: {per_thousand[0] * 1000:.1f} ms at 7,500, "
                f"{per_thousand[-1] * 1000:.1f} ms at 60,000 "
                f"(ratio {per_thousand[-1] / per_thousand[0]:.2f}; quadratic would be 8)"
            )


if __name__ == "__main__":
    main()
