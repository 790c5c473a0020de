"""Benchmark: the static site of a large archive, full, no-op and incremental.

Generates a workspace of N releases from the shipped sample (each with its own
date, title and one changed sentence, translations approved, so every release
publishes in three languages), then measures in one run:

  full -j1    `publisher site --jobs 1` from an empty cache
  full -j2    `publisher site --jobs 2` from an empty cache
  no-op       the same command again, nothing changed          (median of --rounds)
  one change  after one release's date changed (3 PDFs + pages) (median of --rounds)
  one edit    after a reviewer's approved edit of one release's Khmer (1 PDF + pages):
              the live rebuild's change, through `site`                (median of --rounds)
  live change `publisher preview` (the warm renderer, the watcher): a reviewer's approved
              edit of one release's Khmer, written, until the event telling open pages
              to reload has come and the page, fetched again, shows the new text
              (median of --live-rounds; skipped with --live-rounds 0)

and prints the times (wall, and the CPU time of the command and the processes it waited
for, its PDF workers included: see Run.cpu), the parallel speed-up and the peak
memory: the largest sum of the proportional set sizes (PSS) of the CLI and its workers
while it ran (sampled from /proc every 50 ms for two seconds, then every 0.5 s), and
resource.getrusage's ru_maxrss of self and children (the largest single process). The
sampler takes CPU from what it measures, so the timed no-op, change and edit rounds run
without it; one more untimed round of each, sampled, gives their peak memory.

Goals (issues 17 and 25) on a 2-core machine: at N=2,000 (6,000 PDFs) a no-op under 1 s
and one change under 1.5 s (through `site` and through the live rebuild), and both flat
from N=200 (a no-op under 0.3 s there); the --jobs 2 speed-up of the full build at
least 1.8x at N=200; peak memory under 1 GB at N=2,000. Every time is a median over
--rounds runs, printed with its spread.

A 2,000-release archive takes long to build (6,000 PDFs): `--keep DIR --reuse` keeps it
between runs. A kept archive of the same size is used as it is (no generation, no full
builds: "catch-up" is one build that brings its site up to date, untimed in the goals);
if the code changed since, its cache keys changed too and the catch-up renders again.

    .venv/bin/python benchmarks/archive.py --releases 200 [--rounds 5] [--keep DIR]
    .venv/bin/python benchmarks/archive.py --releases 2000 --baseline 200 --skip-j1
    .venv/bin/python benchmarks/archive.py --releases 2000 --keep /var/tmp/arch --reuse \
        --rounds 3 --live-rounds 3
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import queue
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import TypedDict

import httpx

from publisher.core.catalog import Catalog
from publisher.core.fsutil import atomic_write_text
from publisher.core.history import Event
from publisher.core.states import State

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
#: The command as users run it: the `publisher` program `make setup` installed beside this
#: Python (its entry, cli/entry.py, starts the PDF workers' forkserver for `site` first).
PUBLISHER = [str(Path(sys.executable).with_name("publisher"))]
BASE_URL = "https://press.example.org/"
TITLE_SUFFIX = {"en": " (No. {i})", "km": " (លេខ {i})", "zh-Hans": "（第{i}号）"}
EXTRA_SENTENCE = {
    "en": " This is announcement number {i} of the series.",
    "km": " នេះជាសេចក្តីប្រកាសលេខ {i} នៃស៊េរីនេះ។",
    "zh-Hans": "这是本系列第{i}号公告。",
}


def generate(root: Path, count: int) -> list[str]:
    """A workspace of `count` approved releases derived from the sample, in seconds."""

    root.mkdir(parents=True, exist_ok=True)
    for name in ("publisher.toml", "glossary.toml"):
        if (REPO / name).is_file():
            shutil.copy(REPO / name, root / name)
    # The About paragraph and contact roles every release carries, approved once.
    shutil.copytree(REPO / "boilerplate", root / "boilerplate")
    sample = next(
        p for p in sorted((REPO / "releases").iterdir()) if (p / "release.toml").is_file()
    )
    source = (sample / "source.md").read_text("utf-8")
    segments = json.loads((sample / "segments.json").read_text("utf-8"))
    history = (sample / "history.jsonl").read_bytes()
    meta_text = (sample / "release.toml").read_text("utf-8")
    catalogs = {
        path.stem: Catalog.load(path, release=sample.name)
        for path in sorted((sample / "translations").glob("*.po"))
    }
    by_id = {s["id"]: s["source"] for s in segments["segments"]}
    start = dt.date(2024, 11, 30)
    slugs = []
    for i in range(1, count + 1):
        day = start - dt.timedelta(days=i - 1)
        slug = f"{day.isoformat()}-official-visit-{i:04d}"
        folder = root / "releases" / slug
        (folder / "translations").mkdir(parents=True)
        title = by_id["title"] + TITLE_SUFFIX["en"].format(i=i)
        s1 = by_id["s1"] + EXTRA_SENTENCE["en"].format(i=i)
        text = source.replace(by_id["title"], title, 1).replace(by_id["s1"], s1, 1)
        (folder / "source.md").write_text(text, "utf-8")
        data = json.loads(json.dumps(segments))
        for seg in data["segments"]:
            seg["source"] = {"title": title, "s1": s1}.get(seg["id"], seg["source"])
        (folder / "segments.json").write_text(json.dumps(data, ensure_ascii=False, indent=1))
        (folder / "release.toml").write_text(
            meta_text.replace("date = 2024-11-30", f"date = {day.isoformat()}").replace(
                'number = "MFAIC/2024/001"', f'number = "MFAIC/{day.year}/{i:04d}"'
            ),
            "utf-8",
        )
        approvals: list[str] = []
        for kept in ("photos", "media"):  # the sample's photo: one file, linked, not copied
            if (sample / kept).is_dir():
                (folder / kept).mkdir()
                for item in (sample / kept).iterdir():
                    os.link(item, folder / kept / item.name)
        for lang, catalog in catalogs.items():
            entries = dict(catalog.entries)
            for seg_id, new_source, extra in (
                ("title", title, TITLE_SUFFIX),
                ("s1", s1, EXTRA_SENTENCE),
            ):
                old = entries[seg_id]
                assert old.review is not None
                entry = dataclasses.replace(
                    old, source=new_source, target=old.target + extra[lang].format(i=i)
                )
                entry.set_review(State.APPROVED, old.review.by, old.review.at)
                entries[seg_id] = entry
                # the approval the history must hold for the record to count
                assert entry.review is not None
                approvals.append(
                    Event(
                        old.review.at,
                        "approve",
                        lang,
                        seg_id,
                        "translated",
                        "approved",
                        old.review.by,
                        text=entry.target,
                        seal=entry.review.hash,
                    ).to_json()
                )
            copy = dataclasses.replace(catalog, entries=entries, release=slug)
            (folder / "translations" / f"{lang}.po").write_text(copy.to_po(), "utf-8")
        (folder / "history.jsonl").write_bytes(
            history + "".join(f"{a}\n" for a in approvals).encode()
        )
        slugs.append(slug)
    return slugs


class BuildEvent(TypedDict):
    """What the preview's event stream says of a build (publisher.web.site_preview)."""

    version: int
    all: bool  # too many files to list: every page reloads
    written: list[str]
    removed: list[str]


@dataclasses.dataclass
class Run:
    seconds: float
    peak_rss: int  # bytes, sampled sum of PSS over the process tree
    output: str
    #: CPU seconds (user + system) of the command and the processes it waited for: the
    #: PDF workers too (the forkserver reaps them, and the command reaps the forkserver as
    #: it ends: publishing/forkserver.py `end`). 0 where not measured (printed as -): the
    #: live rebuild (a long-lived process) and the full builds
    cpu: float = 0.0


def _pss(pid: int) -> int:
    """Proportional set size in bytes: shared pages (a worker forked from the forkserver,
    a child between fork and exec) are split between the processes sharing them, so a
    sum over processes is the memory really in use."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _tree_memory(pid: int) -> int:
    """Memory in use by `pid` and all its descendants (sum of PSS)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += _pss(current)
        todo.extend(child for child, parent in parents.items() if parent == current)
    return total


def run(workspace: Path, jobs: int, *, memory: bool = True) -> Run:
    """One `publisher site`, timed; `memory`: its peak memory sampled meanwhile (the
    sampler reads /proc while the command runs, which takes CPU from it: the rounds whose
    time is a goal run without it, and one more untimed round measures their memory)."""
    command = [
        *PUBLISHER,
        "--workspace",
        str(workspace),
        "site",
        "--out",
        str(workspace / "site"),
        "--base-url",
        BASE_URL,
        "--jobs",
        str(jobs),
    ]
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=workspace
    )
    assert process.stdout is not None
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        # Every 50 ms for the first two seconds (a no-op or one change is over by then),
        # then every half second: reading smaps_rollup of processes of 500 MB costs the
        # kernel a page-table walk, and sampling a full build every 50 ms took 14% of a
        # core from the build it measured (it slowed --jobs 2, not --jobs 1, which leaves
        # a core idle). A full build's memory grows over minutes: 0.5 s sees its peak.
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _tree_memory(process.pid))
            stop.wait(0.05 if time.perf_counter() - start < 2 else 0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    if memory:
        sampler.start()
    output = process.stdout.read()
    # wait4: the exit and the CPU time of the command with the workers it waited for
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stdout.close()
    stop.set()
    if memory:
        sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"publisher site failed:\n{output}")
    cpu = usage.ru_utime + usage.ru_stime
    return Run(elapsed, peak, output.strip().splitlines()[-1] if output.strip() else "", cpu)


#: Days the dates of "one change" start from, new at each run: a kept archive's cache
#: already holds the dates an earlier run gave (its change would render nothing).
DATE_SALT = random.randrange(0, 3650, 10)


def change_release(workspace: Path, slug: str, round_: int) -> None:
    """A real edit: the release's date moves, so all its pages and PDFs change."""
    path = workspace / "releases" / slug / "release.toml"
    text = path.read_text("utf-8")
    day = dt.date(2025, 1, 1) + dt.timedelta(days=DATE_SALT + round_)
    lines = [
        f"date = {day.isoformat()}" if line.startswith("date = ") else line
        for line in text.splitlines()
    ]
    path.write_text("\n".join(lines) + "\n", "utf-8")


KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")


def approved_edit(workspace: Path, slug: str, round_: int) -> str:
    """A reviewer's edit of segment s1 of the release's Khmer, approved: the catalog and
    the history's approval written together, as a decision writes them. The new text
    (its round number, so no round finds its pages in the cache)."""
    path = workspace / "releases" / slug / "translations" / "km.po"
    catalog = Catalog.load(path, release=slug)
    entry = catalog.get("s1")
    text = entry.target.split(" (", 1)[0] + f" ({str(round_ + 1).translate(KHMER_DIGITS)})"
    at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    entry.set_translation(text, origin="human", draft=False)
    entry.set_review(State.APPROVED, "Bench Reviewer", at)
    assert entry.review is not None
    approval = Event(at, "approve", "km", "s1", "translated", "approved", "Bench Reviewer")
    approval.text, approval.seal = text, entry.review.hash
    atomic_write_text(path, catalog.to_po())
    with (workspace / "releases" / slug / "history.jsonl").open("a", encoding="utf-8") as log:
        log.write(approval.to_json() + "\n")
    return text


def live_changes(workspace: Path, slug: str, rounds: int) -> list[Run]:
    """`publisher preview` on the archive: per round, an approved edit until the reload's
    page shows it (see the module docstring), with the peak memory of the preview's tree."""
    command = [*PUBLISHER, "--workspace", str(workspace), "preview", "--port", "0"]
    command += ["--base-url", BASE_URL]  # the site's own: its pages are in the cache
    # cwd: the workspace, not the repository: the code measured is the snapshot's (on
    # PYTHONPATH), whose cache keys the kept archive was built with
    process = subprocess.Popen(
        [*command, "--jobs", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=workspace,
    )
    assert process.stdout is not None
    lines: list[str] = []
    base = ""
    start = time.perf_counter()
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if line.startswith("Serving it at "):
            base = line.split()[3].rstrip("/")
            break
    if not base:
        raise SystemExit("publisher preview did not start:\n" + "\n".join(lines))
    first = next((line for line in lines if line.startswith("Build 1")), "")
    print(f"  preview up   {time.perf_counter() - start:.2f} s (first build: {first})")
    if "Rendered nothing" not in first:
        print("  NOTE: the preview's first build rendered again what `site` had rendered")
    threading.Thread(target=lambda: lines.extend(process.stdout or []), daemon=True).start()
    events: queue.Queue[BuildEvent] = queue.Queue()

    def listen() -> None:
        with httpx.stream("GET", base + "/_publisher/events", timeout=None) as stream:
            for row in stream.iter_lines():
                if row.startswith("data: "):
                    events.put(json.loads(row[6:]))

    threading.Thread(target=listen, daemon=True).start()
    events.get(timeout=60)  # the current build
    page = f"releases/{slug}/km.html"
    runs: list[Run] = []
    peak = 0
    try:
        for round_ in range(rounds):
            begin = time.perf_counter()
            text = approved_edit(workspace, slug, round_)
            while True:
                build = events.get(timeout=120)
                if page in build["written"] or build["all"]:
                    break
            shown = httpx.get(f"{base}/{page}").text
            elapsed = time.perf_counter() - begin
            peak = max(peak, _tree_memory(process.pid))  # after the clock: not timed
            # Khmer words are wrapped in spans with <wbr> between them: read the text
            assert text in re.sub(r"<[^>]+>", "", shown), "the reloaded page lacks the edit"
            runs.append(Run(elapsed, peak, lines[-1] if lines else ""))
    finally:
        process.terminate()
        process.wait(timeout=30)
    return runs


def spread(runs: list[Run]) -> str:
    """ "0.54 s (min 0.51, max 0.60, 5 runs; CPU 0.50 s; in order: ...)": the median and
    the spread of noisy figures, the median CPU time (less sensitive to a busy machine),
    and each run's figure in the order run (whether a goal is met in every run)."""
    seconds = [r.seconds for r in runs]
    median = statistics.median(seconds)
    cpu = statistics.median(r.cpu for r in runs)
    cpu_text = f"; CPU {cpu:.2f} s" if cpu else ""
    if len(seconds) == 1:
        return f"{median:.2f} s (1 run{cpu_text})"
    each = " ".join(f"{s:.2f}" for s in seconds)
    return (
        f"{median:.2f} s (min {min(seconds):.2f}, max {max(seconds):.2f}, "
        f"{len(seconds)} runs{cpu_text}; in order: {each})"
    )


def measure(
    workspace: Path, count: int, rounds: int, skip_j1: bool, reuse: bool, live_rounds: int
) -> dict[str, list[Run]]:
    """Generate `count` releases in `workspace` (or take those kept there) and time the
    full, no-op, one-change and live builds of their site; each figure printed as it is
    measured."""
    releases = workspace / "releases"
    kept = sorted(p.name for p in releases.iterdir()) if reuse and releases.is_dir() else []
    results: dict[str, list[Run]] = {}
    if len(kept) == count:
        slugs = kept
        print(f"reusing the {count} releases kept in {workspace}")
        catch_up = dataclasses.replace(run(workspace, 2), cpu=0.0)  # a pool: see Run.cpu
        print(f"  catch-up     {spread([catch_up])}  {catch_up.output}")
    else:
        shutil.rmtree(workspace, ignore_errors=True)
        start = time.perf_counter()
        slugs = generate(workspace, count)
        elapsed = time.perf_counter() - start
        print(f"generated {len(slugs)} releases in {elapsed:.1f} s: {workspace}")

        def fresh() -> None:
            shutil.rmtree(workspace / ".publisher-cache", ignore_errors=True)
            shutil.rmtree(workspace / "site", ignore_errors=True)

        if not skip_j1:
            fresh()
            results["full -j1"] = [dataclasses.replace(run(workspace, 1), cpu=0.0)]
            print(f"  full -j1     {spread(results['full -j1'])}  {results['full -j1'][0].output}")
        fresh()
        results["full -j2"] = [dataclasses.replace(run(workspace, 2), cpu=0.0)]
        print(f"  full -j2     {spread(results['full -j2'])}  {results['full -j2'][0].output}")
    # The no-op record is not kept for files changed within 2 s of a build (the racy
    # window: site_memo.py), and the code snapshot was copied moments ago: the first
    # no-op records, the others are answered by the record, as they are for a user.
    time.sleep(2.1)
    results["no-op"] = _with_memory(
        [run(workspace, 2, memory=False) for _ in range(rounds)], run(workspace, 2)
    )
    print(f"  no-op        {spread(results['no-op'])}  {results['no-op'][-1].output}")
    changed = []
    for round_ in range(rounds + 1):  # the last one untimed, for its memory
        change_release(workspace, slugs[len(slugs) // 2], round_)
        changed.append(run(workspace, 2, memory=round_ == rounds))
    results["one change"] = _with_memory(changed[:-1], changed[-1])
    print(f"  one change   {spread(changed[:-1])}  {changed[-2].output}", flush=True)
    # the live rebuild's edit (one language's PDF and pages), through `site`, for comparison
    edited = []
    for round_ in range(rounds + 1):
        approved_edit(workspace, slugs[len(slugs) // 4], round_ + 100)
        edited.append(run(workspace, 2, memory=round_ == rounds))
    edited = _with_memory(edited[:-1], edited[-1])
    results["one edit"] = edited
    print(f"  one edit     {spread(edited)}  {edited[-1].output}", flush=True)
    if live_rounds:
        live = live_changes(workspace, slugs[len(slugs) // 3], live_rounds)
        results["live change"] = live
        print(f"  live change  {spread(live)}  {live[-1].output}", flush=True)
    return results


def _with_memory(timed: list[Run], sampled: Run) -> list[Run]:
    """The timed rounds, each given the peak memory of the untimed round that sampled it."""
    return [dataclasses.replace(r, peak_rss=sampled.peak_rss) for r in timed]


def report(count: int, results: dict[str, list[Run]]) -> None:
    print(f"\n{count} releases ({count * 3} PDFs)")
    print(
        f"  {'step':<12} {'median s':>9} {'min':>7} {'max':>7} {'runs':>5} {'CPU s':>7} "
        f"{'peak memory':>13}"
    )
    for name, runs in results.items():
        seconds = [r.seconds for r in runs]
        peak = max(r.peak_rss for r in runs)
        cpu = statistics.median(r.cpu for r in runs)
        print(
            f"  {name:<12} {statistics.median(seconds):9.2f} {min(seconds):7.2f} "
            f"{max(seconds):7.2f} {len(runs):5d} {f'{cpu:.2f}' if cpu else '-':>7} "
            f"{peak / 2**20:10.0f} MB"
        )
    if "full -j1" in results and "full -j2" in results:
        speedup = results["full -j1"][0].seconds / results["full -j2"][0].seconds
        print(f"  parallel speed-up (-j1 / -j2): {speedup:.2f}x  (goal >= 1.8x)")
    peak_tree = max(r.peak_rss for runs in results.values() for r in runs)
    print(f"  peak memory: {peak_tree / 2**20:.0f} MB (PSS of the CLI and workers; goal < 1 GB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--releases", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5, help="no-op and one-change rounds")
    parser.add_argument(
        "--baseline",
        type=int,
        default=0,
        help="also measure an archive of this many releases, and print the ratios to it",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        help="generate the workspace here and keep it (the code snapshot goes next to it)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="with --keep: use the archive kept there if it has --releases releases",
    )
    parser.add_argument(
        "--live-rounds", type=int, default=3, help="edits through `publisher preview` (0: none)"
    )
    parser.add_argument(
        "--skip-j1",
        action="store_true",
        help="skip the --jobs 1 full build (of --releases; the baseline always has it)",
    )
    args = parser.parse_args()
    # a shared machine: the load says how far the wall times can be trusted
    print("load average at the start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))

    tmp = None
    if args.keep:
        top = args.keep.resolve()
        if not args.reuse:
            shutil.rmtree(top, ignore_errors=True)
        top.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="archive-bench-")
        top = Path(tmp.name)
    # Measure a snapshot of the code: the cache keys include the package's source, and
    # an edit in the working tree during the run must not turn a no-op into a rebuild.
    code = top / "code"
    shutil.rmtree(code, ignore_errors=True)
    shutil.copytree(
        REPO / "publisher", code / "publisher", ignore=shutil.ignore_patterns("__pycache__")
    )
    # compiled, as `make setup` compiles the installed package (this machine may forbid
    # writing bytecode at run time: each command would compile the package again)
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "-j", "0", str(code / "publisher")], check=True
    )
    os.environ["PYTHONPATH"] = str(code)
    measured: dict[int, dict[str, list[Run]]] = {}
    if args.baseline:
        # the speed-up goal is the baseline's (N=200): --skip-j1 spares only the big one
        measured[args.baseline] = measure(
            top / f"ws-{args.baseline}",
            args.baseline,
            args.rounds,
            skip_j1=False,
            reuse=args.reuse,
            live_rounds=args.live_rounds,
        )
    measured[args.releases] = measure(
        top / f"ws-{args.releases}",
        args.releases,
        args.rounds,
        args.skip_j1,
        reuse=args.reuse,
        live_rounds=args.live_rounds,
    )
    for count, results in measured.items():
        report(count, results)
    goals = {"no-op": 1.0 if args.releases >= 2000 else 0.3, "one change": 1.5, "one edit": 1.5}
    if args.live_rounds:
        goals["live change"] = 1.5
    main_results = measured[args.releases]
    for step, goal in goals.items():
        median = statistics.median(r.seconds for r in main_results[step])
        verdict = "met" if median < goal else "NOT met"
        cpu = statistics.median(r.cpu for r in main_results[step])
        line = f"{step} at {args.releases}: {median:.2f} s (goal < {goal} s: {verdict})"
        line += f", CPU {cpu:.2f} s" if cpu else ""
        if args.baseline:
            base = statistics.median(r.seconds for r in measured[args.baseline][step])
            line += f"; {median / base:.2f}x the {args.baseline}-release figure ({base:.2f} s)"
        print(line)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(
        f"getrusage ru_maxrss: largest child {children / 2**20:.0f} MB, self {own / 2**20:.0f} MB"
    )
    print("load average at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
