#!/usr/bin/env python3
"""Benchmark: the web review app on a 200-segment release.

Goals: the review page renders in under 300 ms of server time, and approving one
segment (the browser's request, the decision under the release lock, the catalog
and history written, the answer rendered) takes under 100 ms.

A scratch workspace gets a 200-segment release: the sample's paragraphs repeated,
each with its real Khmer translation, every segment `translated` (all 200 need
review, so all 200 are on the page). Measured in one run:

  baseline  reading the Khmer PO file alone: with the project's reader (`Catalog.parse`,
            given a different text each run so its memo never answers), and with polib
            (what any PO tool costs);
  render    the review page as its endpoint makes it (catalog, history, QA findings,
            glossary, template), in this process: the first render (QA of every
            segment not yet memoised) and then the median of the runs;
  HTTP      the same page through `publisher serve` (uvicorn, the guard), and one
            approval per run posted as htmx posts it, each on another segment.

Prints medians, spreads (min-max) and the render's ratio to the baseline.

Then the draft preview (issue 25: under 1 s once the server is up), on a copy of the
repository's workspace (the sample). Before each run one Khmer segment is edited (as a
reviewer's edit: the plan, the page and the PDF must be made again), then:

  baseline  `publisher build --draft --lang km --format pdf` in a new process, the cache
            kept (what each preview cost before the server kept a renderer warm);
  HTTP      "Build the draft" posted to `publisher serve` and the PDF fetched: from the
            request to the PDF's last byte;
  browser   (with --browser) the same in Chromium through Playwright, from the click on
            "Build the draft" to the PDF's last byte.

The server is started once and measured after it printed that its renderer is warm
(the time that took is printed too). Medians, spreads and the ratio to the baseline.

    .venv/bin/python benchmarks/serve.py [--runs 15] [--segments 200] [--preview-runs 7]
        [--browser] [--only-preview]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import polib

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from publisher.core.catalog import Catalog, approval_hash  # noqa: E402
from publisher.core.release import find_release  # noqa: E402
from publisher.core.workspace import Workspace  # noqa: E402
from publisher.web import model  # noqa: E402
from publisher.web.render import render  # noqa: E402
from tests.support.web import CHROMIUM, CHROMIUM_ARGS, Server  # noqa: E402
from tests.support.workspace import SAMPLE_SLUG, copy_repo_workspace  # noqa: E402

PUBLISHER = [sys.executable, "-m", "publisher"]


def make_workspace(root: Path, segments: int) -> str:
    """A workspace with one release of `segments` translated (unreviewed) segments."""
    subprocess.run([*PUBLISHER, "init", str(root)], check=True, capture_output=True)
    sample = Catalog.load(REPO / "releases" / SAMPLE_SLUG / "translations" / "km.po")
    body = [e for e in sample if e.kind == "paragraph"]
    title = sample.get("title")
    paragraphs = [body[i % len(body)].source for i in range(segments - 1)]
    source = root / "bench.md"
    source.write_text(f"# {title.source}\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    subprocess.run(
        [
            *PUBLISHER,
            "--workspace",
            str(root),
            "new",
            str(source),
            "--slug",
            "bench",
            "--date",
            "2024-11-30",
            "--place",
            "Phnom Penh",
        ],
        check=True,
        capture_output=True,
    )
    khmer = {e.source: e.target for e in sample}
    path = root / "releases" / "bench" / "translations" / "km.po"
    catalog = Catalog.load(path, release="bench")
    for entry in catalog:
        entry.set_translation(khmer[entry.source], origin="human (sample translation)", draft=False)
    catalog.save(path)
    return "bench"


def timed(action: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def describe(times: list[float]) -> str:
    ms = [t * 1000 for t in times]
    return f"median {statistics.median(ms):6.1f} ms (min {min(ms):.1f}, max {max(ms):.1f})"


def verdict(times: list[float], goal: float) -> str:
    return "ok" if statistics.median(times) < goal else f"OVER the {goal * 1000:.0f} ms goal"


DRAFT_KM = ("--lang", "km", "--format", "pdf", "--out")
KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")


def edit_khmer(root: Path, run: int) -> None:
    """Edit segment s2 of the sample's Khmer as a reviewer would (saved, not approved):
    a text never seen before (its run number), so no run finds its PDF in the cache."""
    path = root / "releases" / SAMPLE_SLUG / "translations" / "km.po"
    catalog = Catalog.load(path, release=SAMPLE_SLUG)
    entry = catalog.get("s2")
    text = re.sub(r" \([០-៩]+\)$", "", entry.target)
    number = str(run).translate(KHMER_DIGITS)
    entry.set_translation(f"{text} ({number})", origin="human", draft=False)
    catalog.save(path)


def ratio(times: list[float], base: list[float]) -> str:
    return f"x{statistics.median(times) / statistics.median(base):.2f} the baseline"


def preview_benchmark(runs: int, browser: bool) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="publisher-preview-bench-"))
    try:
        root = copy_repo_workspace(tmp / "ws")
        out = tmp / "out"
        counter = iter(range(10**6))

        def cli_preview() -> None:
            subprocess.run(
                [*PUBLISHER, "--workspace", str(root), "build", "--draft", *DRAFT_KM, str(out)],
                check=True,
                capture_output=True,
            )

        def edited(action: Callable[[], object]) -> Callable[[], float]:
            def run() -> float:
                edit_khmer(root, next(counter))
                start = time.perf_counter()
                action()
                return time.perf_counter() - start

            return run

        cli_preview()  # the cache as a server's would be: the unchanged steps in it
        baseline = [edited(cli_preview)() for _ in range(runs)]
        start = time.perf_counter()
        with Server(root) as server:
            up = time.perf_counter() - start
            while not any("Draft previews are ready" in line for line in server.lines):
                time.sleep(0.05)
            ready = time.perf_counter() - start
            client = server.client(reviewer="Bench Reviewer")
            url = f"/r/{SAMPLE_SLUG}/km/preview"

            def http_preview() -> None:
                client.post(url, {}, expect=200)
                pdf = client.get(f"/preview/{SAMPLE_SLUG}/km.pdf")
                assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

            over_http = [edited(http_preview)() for _ in range(runs)]
            clicks: list[float] = []
            if browser:
                clicks = browser_previews(server, runs, lambda: edit_khmer(root, next(counter)))
            client.close()
        print(f"\ndraft preview of the sample in Khmer ({runs} runs, one edit before each)")
        print(f"server up in {up:.2f} s, renderer warm {ready:.2f} s after the start")
        print(f"baseline: CLI build --draft    {describe(baseline)}")
        line = f"{describe(over_http)}  {ratio(over_http, baseline)}  [{verdict(over_http, 1.0)}]"
        print(f"preview over HTTP, to the PDF  {line}")
        if clicks:
            line = f"{describe(clicks)}  {ratio(clicks, baseline)}  [{verdict(clicks, 1.0)}]"
            print(f"browser: click to PDF's end    {line}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def browser_previews(server: Server, runs: int, edit: Callable[[], None]) -> list[float]:
    """Chromium clicks "Build the draft" after each edit; seconds to the PDF's last byte."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = chromium.new_page()
        page.goto(server.url)
        for _ in range(runs):
            edit()
            page.goto(f"{server.base}/r/{SAMPLE_SLUG}/km/preview")
            start = time.perf_counter()
            page.click("button:has-text('Build')")
            page.wait_for_selector("a:has-text('Open the PDF')")
            href = page.get_attribute("a:has-text('Open the PDF')", "href")
            body = page.request.get(f"{server.base}{href}").body()
            times.append(time.perf_counter() - start)
            assert body.startswith(b"%PDF")
        chromium.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--segments", type=int, default=200)
    parser.add_argument("--preview-runs", type=int, default=7)
    parser.add_argument("--browser", action="store_true", help="also click in Chromium")
    parser.add_argument("--only-preview", action="store_true")
    args = parser.parse_args()
    if not args.only_preview:
        review_benchmark(args.runs, args.segments)
    preview_benchmark(args.preview_runs, args.browser)


def review_benchmark(runs: int, segments: int) -> None:
    args = argparse.Namespace(runs=runs, segments=segments)
    tmp = Path(tempfile.mkdtemp(prefix="publisher-serve-bench-"))
    try:
        root = tmp / "ws"
        slug = make_workspace(root, args.segments)
        ws = Workspace.load(root)
        release = find_release(ws.releases_dir, slug)
        po = release.catalog_path("km")
        caches = model.Caches()

        def page() -> str:
            data = model.review_page(ws, release, "km", "needs-review", "Bench", caches)
            return render(
                "review.html",
                "en",
                page=data,
                csrf="x",
                reviewer="Bench",
                by_link=False,
                view_only=False,
                here="/",
                workspace="ws",
                filters=model.FILTERS,
                flash=None,
                tone="ok",
            )

        listed = page().count('<article class="segment')
        text = po.read_text(encoding="utf-8")
        variants = iter(text + "\n" * n for n in range(1, args.runs + 1))
        read = timed(lambda: Catalog.parse(next(variants)), args.runs)
        bare = timed(lambda: polib.pofile(po.read_text(encoding="utf-8")), args.runs)
        caches = model.Caches()
        cold = timed(page, 1)
        warm = timed(page, args.runs)
        print(f"{args.segments}-segment release, Khmer, {listed} segments on the review page")
        print(f"read the PO file alone       {describe(read)}")
        print(f"  (polib alone)              {describe(bare)}")
        print(f"render, first (QA cold)      {describe(cold)}")
        print(
            f"render the review page       {describe(warm)}  "
            f"x{statistics.median(warm) / statistics.median(read):.1f} the PO read  "
            f"[{verdict(warm, 0.300)}]"
        )
        with Server(root) as server:
            client = server.client(reviewer="Bench Reviewer")
            url = f"/r/{slug}/km"
            client.get(url)  # warm the server's memo, as a reviewer's first visit does
            over_http = timed(lambda: client.get(url), args.runs)
            print(f"GET the review page (HTTP)   {describe(over_http)}")
            entries = list(Catalog.load(po))[1 : args.runs + 1]
            approvals = []
            server_side: list[float] = []
            for entry in entries:
                fields = {
                    "action": "approve",
                    "hash": approval_hash(entry.id, entry.source, entry.target),
                    "state": entry.state.value,
                    "filter": "needs-review",
                }
                start = time.perf_counter()
                response = client.post(f"{url}/s/{entry.id}", fields, htmx=True)
                approvals.append(time.perf_counter() - start)
                assert response.status_code == 200, response.text[:300]
                spent = re.findall(r"dur=([\d.]+)", response.headers["server-timing"])
                server_side.append(sum(float(ms) for ms in spent) / 1000)
                assert f"Segment {entry.id} approved." in response.text
            ok = verdict(approvals, 0.100)
            print(f"approve one segment (HTTP)   {describe(approvals)}  [{ok}]")
            print(f"  of which in the server     {describe(server_side)}")
            client.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
