#!/usr/bin/env python3
"""Benchmark: what a camera's photo costs a cold build of the sample.

Goal (issue 25): `publisher build` of the sample with a 12-megapixel JPEG (4000 x 3000)
in place of its illustration takes at most 1.10 times the same build with a
1-megapixel one (1155 x 866): the whole command, in a new process, the cache emptied
before each run.

Both photos are made in the same way: the sample's illustration enlarged to the size,
with camera-like grain (seeded noise) so that the JPEG weighs what a camera's does
(about 4-5 MB at 12 MP, quality 92). Two copies of the repository's workspace differ
only in that file; the runs alternate (so machine noise hits both alike). Prints the
medians, the spreads (min-max) and the ratio, of the wall time (the goal) and of the CPU
time of the command and its workers (what a loaded machine does not blur); with
--profile, a cProfile of one 12-MP build's own process.

    .venv/bin/python benchmarks/photo.py [--rounds 5] [--profile]
"""

from __future__ import annotations

import argparse
import io
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.workspace import SAMPLE_SLUG, copy_repo_workspace  # noqa: E402

PUBLISHER = [sys.executable, "-m", "publisher"]
SIZES = {"1 MP": (1155, 866), "12 MP": (4000, 3000)}


def camera_like(source: Path, size: tuple[int, int]) -> bytes:
    """The illustration at `size` with a camera's grain, as a quality-92 JPEG."""
    rng = np.random.default_rng(2024)
    with Image.open(source) as opened:
        image = opened.convert("RGB").resize(size, Image.Resampling.BICUBIC)
    grain = rng.normal(0, 10, (size[1], size[0], 3))
    pixels = np.clip(np.asarray(image, dtype=np.float32) + grain, 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def cold_build(root: Path, out: Path, profile: Path | None = None) -> tuple[float, float]:
    """Wall seconds of the whole command, and the CPU seconds (user + system) of it and
    the workers it forked: the figure a loaded machine does not blur."""
    shutil.rmtree(root / ".publisher-cache", ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    prefix = [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "publisher"]
    command = [*(prefix if profile else PUBLISHER), "--workspace", str(root), "build"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([*command, "--out", str(out)], check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def describe(times: list[float]) -> str:
    return f"median {statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="profile one 12-MP build")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="photo-bench-") as tmp:
        roots: dict[str, Path] = {}
        for label, size in SIZES.items():
            root = copy_repo_workspace(Path(tmp) / label.replace(" ", ""))
            photos = root / "releases" / SAMPLE_SLUG / "photos"
            (photo,) = sorted(photos.iterdir())
            data = camera_like(photo, size)
            photo.write_bytes(data)
            print(f"{label}: {size[0]} x {size[1]}, {len(data) / 2**20:.1f} MB")
            roots[label] = root
        times: dict[str, list[float]] = {label: [] for label in SIZES}
        cpu: dict[str, list[float]] = {label: [] for label in SIZES}
        for root in roots.values():  # one untimed build each: the page cache warm
            cold_build(root, Path(tmp) / "out")
        for _ in range(args.rounds):
            for label, root in roots.items():
                wall, used = cold_build(root, Path(tmp) / "out")
                times[label].append(wall)
                cpu[label].append(used)
        for label in SIZES:
            print(f"cold build with the {label:<5} photo  wall {describe(times[label])}")
            print(f"{'':<30}  CPU  {describe(cpu[label])}")
        for name, figures in (("wall", times), ("CPU", cpu)):
            ratio = statistics.median(figures["12 MP"]) / statistics.median(figures["1 MP"])
            verdict = "met" if ratio <= 1.10 else "NOT met"
            print(f"ratio 12 MP / 1 MP, {name}: {ratio:.3f}  (goal <= 1.10: {verdict})")
        if args.profile:
            stats = Path(tmp) / "build.prof"
            cold_build(roots["12 MP"], Path(tmp) / "out", profile=stats)
            import pstats

            pstats.Stats(str(stats)).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
