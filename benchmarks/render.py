"""Benchmark: our build of the sample against bare WeasyPrint on the same print HTML.

Goal (issue 25), the headline: `ours -j1 / bare` at most 1.10, both on one core: what our
own work adds to WeasyPrint's, core for core. `ours / bare` (our build on the machine's
cores against WeasyPrint on one) is printed beside it.

In one run, alternately (so machine noise hits both alike):
  ours     - `publisher build` of the sample, from scratch (cache emptied): 3 PDFs +
             3 HTML + index + the photo's renditions, everything included (catalogs,
             publishing checks, templates, glyph checks, Khmer breaks, the ActualText
             text layer), as the CLI runs it: its PDFs on the machine's cores;
  ours -j1 - the same in one process (what our own work adds, core for core);
  bare     - WeasyPrint alone rendering the same three print HTML documents (captured
             from our build) one after the other, with its default settings.
Prints the medians, their spread and the ratios to bare; and, for `ours -j1` and bare
(both in this process), the CPU time of this process, which a loaded machine blurs
less than the wall time.

Run it as a script (not under pytest): the build forks its PDF workers only from a
process with no other thread.

    .venv/bin/python benchmarks/render.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from publisher.core.workspace import Workspace
from publisher.publishing import pages as pages_module
from publisher.publishing.builders.dist import DistBuilder
from publisher.publishing.cache import Cache
from publisher.publishing.engine import cache_dir
from publisher.workflow.status import resolve_releases

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    import weasyprint

    ws = Workspace.load(REPO)
    releases = resolve_releases(ws, [])
    captured: list[tuple[str, Path]] = []
    original = pages_module.render_print

    def capture(env, pub, **context):  # type: ignore[no-untyped-def]
        text = original(env, pub, **context)
        captured.append((text, ws.releases_dir / pub.release_id))
        return text

    pages_module.render_print = capture  # type: ignore[assignment]

    steps = Cache(cache_dir(ws)).root  # rendered results (compiled templates are kept)
    shutil.rmtree(steps, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        # warm-up; in one process, so that the print HTML is captured here
        report = DistBuilder(ws, out_dir=Path(tmp), jobs=1).build(releases)
        assert report.ok, report.refused or report.failed
    pages_module.render_print = original  # type: ignore[assignment]
    assert len(captured) == 3, f"captured {len(captured)} print documents"
    documents = captured[:]

    cpu: dict[str, list[float]] = {"ours -j1": [], "bare": []}

    def ours(jobs: int | None = None) -> float:
        # A full build every round: the incremental cache would otherwise skip the work.
        shutil.rmtree(steps, ignore_errors=True)
        with tempfile.TemporaryDirectory() as tmp:
            start, used = time.perf_counter(), time.process_time()
            report = DistBuilder(ws, out_dir=Path(tmp), jobs=jobs).build(releases)
            elapsed = time.perf_counter() - start
            if jobs == 1:  # all of it in this process (3 PDFs: no worker)
                cpu["ours -j1"].append(time.process_time() - used)
        assert report.ok and report.rendered.get("pdf") == 3, report.rendered
        return elapsed

    def bare() -> float:
        start, used = time.perf_counter(), time.process_time()
        for text, base in documents:
            weasyprint.HTML(string=text, base_url=base.as_uri() + "/").write_pdf(
                pdf_variant="pdf/ua-1"
            )
        cpu["bare"].append(time.process_time() - used)
        return time.perf_counter() - start

    bare()
    cpu["bare"].clear()
    times: dict[str, list[float]] = {"ours -j1": [], "ours": [], "bare": []}
    for _ in range(args.rounds):
        times["ours"].append(ours())
        times["ours -j1"].append(ours(1))
        times["bare"].append(bare())
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"rounds: {args.rounds}, documents: {len(documents)} PDFs (+ HTML in ours)")
    for name, values in times.items():
        print(
            f"{name:<9} median {medians[name]:.3f} s  (min {min(values):.3f}, "
            f"max {max(values):.3f})"
        )
    for name, values in cpu.items():
        print(
            f"{name:<9} CPU median {statistics.median(values):.3f} s  (min {min(values):.3f}, "
            f"max {max(values):.3f})"
        )
    ratio = medians["ours -j1"] / medians["bare"]
    verdict = "met" if ratio <= 1.10 else "NOT met"
    on_cpu = statistics.median(cpu["ours -j1"]) / statistics.median(cpu["bare"])
    print(
        f"headline: ours -j1 / bare = {ratio:.3f} (goal <= 1.10: {verdict}); "
        f"in CPU time {on_cpu:.3f}; beside it, ours (all cores) / bare = "
        f"{medians['ours'] / medians['bare']:.3f}"
    )


if __name__ == "__main__":
    main()
