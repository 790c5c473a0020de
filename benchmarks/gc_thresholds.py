"""Benchmark: one change through `publisher site` with the program's garbage-collection
thresholds (cli/entry.py GC_THRESHOLDS) against CPython's default (700, 10, 10).

Why: a build keeps what it reads until it ends (at 2,000 releases, the site index and the
plans), and the default's older-generation collections walk all of it again and again.
This measures what the program's thresholds change, in the same run: rounds alternate the
two settings, each round a real edit (benchmarks/archive.py `change_release`: the release's
date moves to a day no earlier round gave it, so its three PDFs render) followed by
`publisher site --jobs 2` in a process of its own, run as the installed program runs
(cli/entry.py `main`), with only the thresholds differing.

Printed per setting: the median, min and max of the wall time, of the CPU time of the
command and the workers it waited for (wait4), and of the time the command's own process
spent collecting garbage (gc.callbacks), with the number of collections per generation;
then the ratios. It needs an archive kept by benchmarks/archive.py:

    .venv/bin/python benchmarks/archive.py --releases 2000 --skip-j1 --keep /var/tmp/arch
    .venv/bin/python benchmarks/gc_thresholds.py --workspace /var/tmp/arch/ws-2000 [--rounds 5]

Each round adds three PDFs to the archive's cache. Machines here are noisy: the figures of
one run compare the two settings; compare runs only by their ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.archive import BASE_URL, change_release  # noqa: E402
from publisher.cli.entry import GC_THRESHOLDS  # noqa: E402

#: CPython's default thresholds.
DEFAULT = (700, 10, 10)

#: The command, in a process of its own: the program's entry with its thresholds replaced
#: by argv[1]'s, the time its process spent collecting printed as it exits (an atexit
#: handler: the program leaves with os._exit after running them, cli/app.py).
PROGRAM = """
import atexit, gc, json, sys, time
import publisher.cli.entry as entry
entry.GC_THRESHOLDS = tuple(json.loads(sys.argv[1]))
spent = {"seconds": 0.0, "counts": [0, 0, 0], "start": 0.0}
def watch(phase, info):
    if phase == "start":
        spent["start"] = time.perf_counter()
    else:
        spent["seconds"] += time.perf_counter() - spent["start"]
        spent["counts"][info["generation"]] += 1
gc.callbacks.append(watch)
report = lambda: print("GC", json.dumps([spent["seconds"], spent["counts"]]), file=sys.stderr)
atexit.register(report)
sys.argv = ["publisher", *sys.argv[2:]]
entry.main()
"""


@dataclass(frozen=True)
class Run:
    """One `publisher site`: wall and CPU seconds (with the workers it waited for), the
    seconds its own process spent collecting garbage, its collections per generation."""

    wall: float
    cpu: float
    gc: float
    counts: list[int]


def site(workspace: Path, thresholds: tuple[int, int, int]) -> Run:
    """One `publisher site` with `thresholds`."""
    command = [sys.executable, "-c", PROGRAM, json.dumps(thresholds), "--workspace"]
    command += [str(workspace), "site", "--out", str(workspace / "site")]
    command += ["--base-url", BASE_URL, "--jobs", "2"]
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=workspace
    )
    assert process.stderr is not None
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"publisher site failed:\n{errors}")
    line = next(row for row in errors.splitlines() if row.startswith("GC "))
    seconds, counts = json.loads(line.removeprefix("GC "))
    return Run(elapsed, usage.ru_utime + usage.ru_stime, float(seconds), list(counts))


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} s (min {min(values):.3f}, max {max(values):.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workspace", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    workspace: Path = args.workspace.resolve()
    slugs = sorted(p.name for p in (workspace / "releases").iterdir())
    if not slugs:
        raise SystemExit(f"{workspace}: no releases (keep an archive with benchmarks/archive.py)")
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    settings = {"program": GC_THRESHOLDS, "default": DEFAULT}
    runs: dict[str, list[Run]] = {name: [] for name in settings}
    day = random.randrange(20_000, 30_000, 100)  # days after 2025-01-01 no earlier run gave
    change_release(workspace, slugs[len(slugs) // 2], day)
    site(workspace, GC_THRESHOLDS)  # untimed: the first round writes the no-op record
    for round_ in range(args.rounds):
        order = list(settings) if round_ % 2 == 0 else list(reversed(settings))
        for name in order:
            day += 1
            change_release(workspace, slugs[len(slugs) // 2], day)
            runs[name].append(site(workspace, settings[name]))
            r = runs[name][-1]
            print(f"  {name:<8} wall {r.wall:.3f} s  CPU {r.cpu:.3f} s  GC {r.gc:.3f} s {r.counts}")
    print(f"\n{len(slugs)} releases, one change through `publisher site --jobs 2`")
    for name, thresholds in settings.items():
        measured = runs[name]
        print(f"{name} thresholds {thresholds}:")
        print(f"  wall {summary([r.wall for r in measured])}")
        print(f"  CPU  {summary([r.cpu for r in measured])}")
        print(f"  GC   {summary([r.gc for r in measured])}, collections {measured[-1].counts}")

    def median_of(part: str, name: str) -> float:
        return statistics.median(float(getattr(r, part)) for r in runs[name])

    ratio = {
        part: median_of(part, "program") / median_of(part, "default")
        for part in ("wall", "cpu", "gc")
    }
    print(
        f"program / default: wall {ratio['wall']:.3f}, CPU {ratio['cpu']:.3f}, GC {ratio['gc']:.3f}"
    )
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
