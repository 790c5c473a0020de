"""Benchmark: our build of the sample against bare WeasyPrint on the same print HTML.

Goal: our build adds at most 15 % to WeasyPrint's own rendering time.

In one run, alternately (so machine noise hits both alike):
  ours  - `publisher build` of the sample, from scratch (cache emptied): 3 PDFs +
          3 HTML + index, everything
          included (catalogs, publishing checks, templates, glyph checks, Khmer
          breaks, the ActualText text layer);
  bare  - WeasyPrint alone rendering the same three print HTML documents
          (captured from our build) with its default settings.
Prints both medians and the ratio.

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
from publisher.publishing.builders import dist as build_module
from publisher.publishing.cache import Cache
from publisher.publishing.engine import cache_dir
from publisher.render import html as html_module
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
    original = html_module.render_print

    def capture(env, pub, **context):  # type: ignore[no-untyped-def]
        text = original(env, pub, **context)
        captured.append((text, ws.releases_dir / pub.release_id))
        return text

    html_module.render_print = capture  # type: ignore[assignment]

    steps = Cache(cache_dir(ws)).root  # rendered results (compiled templates are kept)
    shutil.rmtree(steps, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        report = build_module.build(ws, releases, out_dir=Path(tmp))  # warm-up, captures HTML
        assert report.ok, report.refused or report.failed
    html_module.render_print = original  # type: ignore[assignment]
    documents = captured[:]

    def ours() -> float:
        # A full build every round: the incremental cache would otherwise skip the work.
        shutil.rmtree(steps, ignore_errors=True)
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            report = build_module.build(ws, releases, out_dir=Path(tmp))
            elapsed = time.perf_counter() - start
        assert report.ok and report.rendered.get("pdf") == 3, report.rendered
        return elapsed

    def bare() -> float:
        start = time.perf_counter()
        for text, base in documents:
            weasyprint.HTML(string=text, base_url=base.as_uri() + "/").write_pdf(
                pdf_variant="pdf/ua-1"
            )
        return time.perf_counter() - start

    bare()
    times_ours: list[float] = []
    times_bare: list[float] = []
    for _ in range(args.rounds):
        times_ours.append(ours())
        times_bare.append(bare())
    m_ours, m_bare = statistics.median(times_ours), statistics.median(times_bare)
    print(f"rounds: {args.rounds}, documents: {len(documents)} PDFs (+ HTML in ours)")
    print(
        f"ours (3 PDF + 3 HTML + index): median {m_ours:.3f} s  "
        f"(min {min(times_ours):.3f}, max {max(times_ours):.3f})"
    )
    print(
        f"bare WeasyPrint (3 PDF):        median {m_bare:.3f} s  "
        f"(min {min(times_bare):.3f}, max {max(times_bare):.3f})"
    )
    ratio = m_ours / m_bare
    print(f"ratio ours/bare: {ratio:.3f}  (goal <= 1.15: {'met' if ratio <= 1.15 else 'NOT met'})")


if __name__ == "__main__":
    main()
