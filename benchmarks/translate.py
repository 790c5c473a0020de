"""Benchmark: Argos's per-segment translate() against our one-call batch, same output.

Run with `.venv/bin/python benchmarks/translate.py` (about a minute on 2
cores).  Two generated models are measured in one run: the small test model
and a larger one (3+3 layers, 256 dimensions) whose decoding cost is closer
to a real model's.  For each, both paths translate the same segments several
times, after a warm-up that loads the models, so that only translation is
timed.  Exit status 1 if any output differs: a speed-up with different
output is worth nothing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from minisbd import SBDetect  # noqa: E402

from publisher.mt import argos  # noqa: E402
from publisher.mt.testmodel import build_test_package  # noqa: E402

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
    per_segment: list[float]
    batched: list[float]
    identical: bool
    sentences: int

    @property
    def speedup(self) -> float:
        return statistics.median(self.per_segment) / statistics.median(self.batched)


def measure(
    label: str, packages_dir: Path, segments: list[str], repeats: int, max_batch_size: int
) -> Measure:
    translator = argos.load_translator("en", "zh-Hans", packages_dir, max_batch_size=max_batch_size)
    # Warm-up: load Argos's own copy of the model and the sentence splitter.
    argos.reference_translate(segments[:2], "en", "zh-Hans", packages_dir)
    translator.translate_batch(segments[:2])
    per_segment: list[float] = []
    batched: list[float] = []
    identical = True
    for _ in range(repeats):
        start = time.perf_counter()
        expected = argos.reference_translate(segments, "en", "zh-Hans", packages_dir)
        per_segment.append(time.perf_counter() - start)
        start = time.perf_counter()
        got = translator.translate_batch(segments)
        batched.append(time.perf_counter() - start)
        identical = identical and got == expected
    splitter = SBDetect(str(next((translator.model.path / "minisbd").glob("*.onnx"))), use_gpu=False)
    sentences = sum(len(splitter.sentences(p)) for s in segments for p in s.split("\n") if p)
    return Measure(label, per_segment, batched, identical, sentences)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=240)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--max-batch-size", type=int, default=argos.DEFAULT_MAX_BATCH_SIZE)
    parser.add_argument("--small-only", action="store_true", help="skip the larger model")
    args = parser.parse_args(argv)

    segments = make_segments(args.segments)
    models = [("small (2+2 layers, 64 dims)", {"layers": 2, "d_model": 64})]
    if not args.small_only:
        models.append(("large (3+3 layers, 256 dims)", {"layers": 3, "d_model": 256, "heads": 8}))
    results = []
    with tempfile.TemporaryDirectory(prefix="publisher-bench-") as tmp:
        for index, (label, options) in enumerate(models):
            packages_dir = Path(tmp) / f"packages-{index}"
            started = time.perf_counter()
            archive = build_test_package(Path(tmp) / f"archives-{index}", **options)
            built = time.perf_counter() - started
            argos.install_model(archive, packages_dir)
            print(f"{label}: built in {built:.2f} s", flush=True)
            results.append(measure(label, packages_dir, segments, args.repeats, args.max_batch_size))

    print(
        f"\n{len(segments)} segments, {results[0].sentences} sentences, {args.repeats} repetitions, "
        f"max_batch_size={args.max_batch_size} ({argos.DEFAULT_BATCH_TYPE})"
    )
    print(f"{'model':30} {'per-segment':>12} {'batched':>10} {'speed-up':>9}  identical")
    for result in results:
        print(
            f"{result.model:30} {statistics.median(result.per_segment):11.3f}s "
            f"{statistics.median(result.batched):9.3f}s {result.speedup:8.1f}x  "
            f"{'yes' if result.identical else 'NO'}"
        )
    return 0 if all(result.identical for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
