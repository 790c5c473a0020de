"""Benchmark: the listing pages of `publisher site` when a release moves into a year the
archive did not have (issue 25, goal 6's slow round).

Every year's listing page shows the list of years, so a new year changes every listing
page: each is written again. What it costs is the listings' work (`_Site.homes`), which
this measures in the build's own process: a workspace of N releases (benchmarks/archive.py
`generate`) spread over many years (one every --days days back from 2024-11-30) is built
once (untimed), then per round one release moves into a year no release has (a random year
before the oldest, one more each round, its day random: its 3 PDFs render too, even in a kept
archive) and the site is built again in this process with one job.
Printed per round and as medians: the CPU time of the whole build (time.process_time: this
process only, so with one job the moved release's PDFs too) and the CPU time spent in
`_Site.homes`, the listing pages (a wrapper adds up time.process_time around each call;
no profiler, which would slow Jinja's many small calls most). CPU time, not wall time:
the figures hold on a machine busy with other work.

    .venv/bin/python benchmarks/new_year.py --releases 120 --days 60 --keep /var/tmp/ny

`--keep DIR` keeps the archive (and its cache) for the next run; the code's cache keys
change with the code, so a run after a code change renders every PDF again first.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.archive import BASE_URL, generate  # noqa: E402
from publisher.core.release import iter_releases  # noqa: E402
from publisher.core.workspace import Workspace  # noqa: E402
from publisher.publishing.builders import site  # noqa: E402
from publisher.publishing.builders.site import SiteBuilder  # noqa: E402
from publisher.publishing.engine import Plan, Step  # noqa: E402

DATE_LINE = re.compile(r"^date = \S+$", re.M)


def spread(root: Path, days: int) -> None:
    """Release i (newest first) dated i * `days` days before 2024-11-30: many years."""
    folders = sorted((root / "releases").iterdir(), reverse=True)
    for i, folder in enumerate(folders):
        day = dt.date(2024, 11, 30) - dt.timedelta(days=i * days)
        set_date(folder, day.isoformat())


def set_date(folder: Path, iso: str) -> None:
    meta = folder / "release.toml"
    meta.write_text(DATE_LINE.sub(f"date = {iso}", meta.read_text("utf-8"), count=1), "utf-8")


def build(root: Path) -> tuple[float, float, int]:
    """One build in this process: (CPU seconds, CPU seconds in `_Site.homes`, years)."""
    spent = [0.0]
    homes = site._Site.homes

    def timed(
        self: site._Site,
        plans: list[Plan],
        available: dict[str, list[str]],
        pdfs: dict[tuple[str, str], Step],
    ) -> None:
        start = time.process_time()
        try:
            homes(self, plans, available, pdfs)
        finally:
            spent[0] += time.process_time() - start

    site._Site.homes = timed  # type: ignore[method-assign]  # measured, then put back
    try:
        ws = Workspace.load(root)
        start = time.process_time()
        builder = SiteBuilder(ws, out_dir=root / "site", base_url=BASE_URL, jobs=1)
        report = builder.build(list(iter_releases(ws.releases_dir)))
        cpu = time.process_time() - start
    finally:
        site._Site.homes = homes  # type: ignore[method-assign]
    if report.failed:
        raise SystemExit(f"site failed: {report.failed}")
    years = len(list((root / "site" / "en").glob("[0-9]*.html")))
    return cpu, spent[0], years


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=120)
    parser.add_argument("--days", type=int, default=60, help="days between two releases")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the archive here (reused if there)")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="new-year-")) / "ws"
    if not (root / "releases").is_dir():
        generate(root, args.releases)
        spread(root, args.days)
    cpu, homes, years = build(root)  # brings the site up to date (untimed)
    print(f"catch-up build: {cpu:.2f} s CPU, listings {homes:.2f} s; {years} year pages")
    moved = sorted((root / "releases").iterdir())[len(list((root / "releases").iterdir())) // 2]
    cpus, listing = [], []
    oldest = min((int(p.stem) for p in (root / "site" / "en").glob("[0-9]*.html")), default=2024)
    first = random.randrange(oldest - 60, oldest - args.rounds)  # years the archive lacks
    for round_ in range(args.rounds):
        day = dt.date(first + round_, 1, 1) + dt.timedelta(days=random.randrange(365))
        set_date(moved, day.isoformat())
        cpu, homes, years = build(root)
        cpus.append(cpu)
        listing.append(homes)
        print(f"round {round_ + 1}: build {cpu:.2f} s CPU, listings {homes:.2f} s CPU")
    print(
        f"new year ({years} year pages x 3 languages): build {statistics.median(cpus):.2f} s CPU,"
        f" listing pages (_Site.homes) {statistics.median(listing):.2f} s CPU"
        f" (medians of {args.rounds}; spread {min(listing):.2f}-{max(listing):.2f})"
    )


if __name__ == "__main__":
    main()
