"""Benchmark: Argos's per-segment translate() against our one-call batch, same output.

Run with `.venv/bin/python benchmarks/translate.py` (~10 minutes on 2 busy
cores, mostly in Argos's default path).  Two generated models are measured
in one run: the small test model and a larger one (3+3 layers, 256
dimensions).  For each, every path translates the same segments several
times, after a warm-up that loads the models, so that only translation is
timed:

- Argos's translate(), segment by segment, with Argos's default threading
  (what a user of Argos gets);
- the same with one thread per translator (Argos at its fastest here: the
  default spends most of its time synchronising OpenMP threads);
- our batched path (`Translator.translate_batch`).

Exit status 1 if any output differs: a speed-up with different output is
worth nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from minisbd import SBDetect

from publisher.mt import argos, store
from tests.support.argos_model import build_test_package

# Press-release sentences, with the numbers, dates, URLs and names real ones carry.
SENTENCES = (
    "In a move that highlights Cambodia’s commitment to its Comprehensive Strategic Partnership "
    "with China, the President of the Senate will lead an official and goodwill visit to the "
    "People’s Republic of China from December 2-4, 2024.",
    "On 30 November 2024, the Ministry of Foreign Affairs announced the visit.",
    "The delegation includes dignitaries of the Senate, Ministers, and senior officials.",
    "The visit marks the first time a Cambodian President has traveled to China for an "
    "official and goodwill visit.",
    "During his trip, he will hold bilateral meetings with Chinese leaders.",
    "These discussions are expected to foster closer ties between the two nations.",
    "The visit coincides with the Cambodia-China People-to-People Exchange Year.",
    "Cambodia has launched programs to promote cultural exchange, education, and tourism.",
    "The Comprehensive Strategic Partnership was signed in 2016.",
    "The government views China as an important partner in regional affairs.",
    "Trade between the two countries reached USD 15.3 billion in 2024.",
    "For more information, please visit https://www.mfaic.gov.kh/news/2024-11-30.",
    "Journalists may call +855 23 216 122 or write to press@mfaic.gov.kh.",
    "Phnom Penh, 30 November 2024.",
    "The delegation will return to Phnom Penh on 4 December 2024.",
    "Both sides agreed to strengthen cooperation in agriculture and infrastructure.",
    "A joint statement will be issued at the end of the visit.",
    "The Minister thanked the Chinese government for its warm hospitality.",
    "Exports of rice increased by 12.5 percent.",
    "Is this the first visit of its kind?",
    "Yes!",
    "The Senate will hold its next plenary session in January 2025.",
    "More than 300 students will receive scholarships under the programme.",
    "The railway line, 120 km long, is expected to open next year.",
)


def make_segments(count: int, seed: int = 2024) -> list[str]:
    """Varied, unique segments: 1-4 sentences, some as several paragraphs or bullets."""
    rng = random.Random(seed)
    segments: list[str] = []
    seen: set[str] = set()
    while len(segments) < count:
        sentences = rng.sample(SENTENCES, rng.choice((1, 1, 2, 2, 3, 4)))
        shape = rng.random()
        if shape < 0.15:
            segment = "\n".join(sentences)
        elif shape < 0.25:
            segment = "- " + " ".join(sentences)
        else:
            segment = " ".join(sentences)
        if segment not in seen:
            seen.add(segment)
            segments.append(segment)
    return segments


@dataclass
class Measure:
    model: str
    sentences: int = 0
    seconds: dict[str, list[float]] = field(default_factory=dict)
    identical: bool = True

    def median(self, path: str) -> float:
        return statistics.median(self.seconds[path])


PATHS = ("argos default", "argos 1 thread", "batched")


def _argos_threads(intra_threads: int) -> None:
    """Set Argos's thread count; drop its loaded translators, built with the old count."""
    import argostranslate.settings
    import argostranslate.translate

    argostranslate.settings.intra_threads = intra_threads
    argostranslate.translate.installed_translates.clear()
    argostranslate.translate.get_installed_languages.cache_clear()


def measure(
    label: str, packages_dir: Path, segments: list[str], repeats: int, max_batch_size: int
) -> Measure:
    translator = argos.load_translator("en", "zh-Hans", packages_dir, max_batch_size=max_batch_size)
    splitter = SBDetect(
        str(next((translator.model.path / "minisbd").glob("*.onnx"))), use_gpu=False
    )
    result = Measure(label)
    result.sentences = sum(len(splitter.sentences(p)) for s in segments for p in s.split("\n") if p)

    def reference(texts: list[str]) -> list[str]:
        return argos.reference_translate(texts, "en", "zh-Hans", packages_dir)

    runs: dict[str, Callable[[list[str]], list[str]]] = {
        "argos default": reference,
        "argos 1 thread": reference,
        "batched": translator.translate_batch,
    }
    import argostranslate.settings

    default_threads = argostranslate.settings.intra_threads
    expected: list[str] | None = None
    for path in PATHS:
        _argos_threads(1 if path == "argos 1 thread" else default_threads)
        runs[path](segments[:2])  # warm-up: load the models
        times = result.seconds[path] = []
        for _ in range(repeats):
            started = time.perf_counter()
            got = runs[path](segments)
            times.append(time.perf_counter() - started)
            expected = expected or got
            result.identical = result.identical and got == expected
        print(f"  {path:15} {statistics.median(times):7.2f} s", flush=True)
    _argos_threads(default_threads)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=240)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-batch-size", type=int, default=argos.DEFAULT_MAX_BATCH_SIZE)
    parser.add_argument("--small-only", action="store_true", help="skip the larger model")
    args = parser.parse_args(argv)

    segments = make_segments(args.segments)
    models = [("small (2+2 layers, 64 dims)", {"layers": 2, "d_model": 64})]
    if not args.small_only:
        models.append(("large (3+3 layers, 256 dims)", {"layers": 3, "d_model": 256, "heads": 8}))
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    results = []
    with tempfile.TemporaryDirectory(prefix="publisher-bench-") as tmp:
        for index, (label, options) in enumerate(models):
            packages_dir = Path(tmp) / f"packages-{index}"
            started = time.perf_counter()
            archive = build_test_package(Path(tmp) / f"archives-{index}", **options)
            print(f"{label}: built in {time.perf_counter() - started:.2f} s", flush=True)
            store.install_model(archive, packages_dir)
            results.append(
                measure(label, packages_dir, segments, args.repeats, args.max_batch_size)
            )

    print(
        f"\n{len(segments)} segments ({results[0].sentences} sentences), "
        f"median of {args.repeats}, max_batch_size={args.max_batch_size} "
        f"{argos.DEFAULT_BATCH_TYPE}, load average after: "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print(
        f"{'model':30}{'argos default':>15}{'argos 1 thread':>16}{'batched':>9}"
        f"{'speed-up':>16}  identical"
    )
    for r in results:
        batched = r.median("batched")
        print(
            f"{r.model:30}{r.median('argos default'):14.2f}s{r.median('argos 1 thread'):15.2f}s"
            f"{batched:8.2f}s{r.median('argos default') / batched:7.1f}x /"
            f"{r.median('argos 1 thread') / batched:5.1f}x  {'yes' if r.identical else 'NO'}"
        )
    return 0 if all(r.identical for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
