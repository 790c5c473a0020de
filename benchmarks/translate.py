"""Benchmark: the per-segment path against our one-call batch, same output.

Run with `.venv/bin/python benchmarks/translate.py` (~15 minutes on 2 busy
cores, mostly in the per-segment paths; `--models nllb` for the family-shaped
model alone).  Three generated models are measured in one run: the small
test model and a larger one (3+3 layers, 256 dimensions), both plain Argos
packages (en->zh), and an NLLB-shaped model of the larger size imported with
`publisher models import` (en->km, its language tokens applied: `eng_Latn`
and `</s>` around every sentence, `khm_Khmr` forced and stripped).  For
each, every path translates the same segments several times, after a
warm-up that loads the models, so that only translation is timed:

- per segment, with Argos's default threading (what a user of Argos gets):
  Argos's translate() for the plain packages; for the NLLB package, the same
  Argos code per paragraph with the tokens applied (`argos.ReferenceTranslator`),
  since Argos's translate() cannot apply them;
- the same with one thread per translator (Argos at its fastest here: the
  default spends most of its time synchronising OpenMP threads);
- our batched path (`Translator.translate_batch`).

Reported: the median of the runs, their spread (min-max), the speed-up of
the batched path over each per-segment path (ratio of medians, measured in
the same run), and whether every output is identical.  Exit status 1 if any
output differs: a speed-up with different output is worth nothing.
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

from publisher.mt import argos, packaging, store

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the model generators live with the tests

from tests.support import family_models  # noqa: E402
from tests.support.argos_model import build_test_package  # noqa: E402

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

    def spread(self, path: str) -> str:
        return f"{min(self.seconds[path]):.2f}-{max(self.seconds[path]):.2f}"


PATHS = ("argos default", "argos 1 thread", "batched")


def _argos_threads(intra_threads: int) -> None:
    """Set Argos's thread count; drop its loaded translators, built with the old count."""
    import argostranslate.settings
    import argostranslate.translate

    argostranslate.settings.intra_threads = intra_threads
    argostranslate.translate.installed_translates.clear()
    argostranslate.translate.get_installed_languages.cache_clear()


def measure(
    label: str,
    packages_dir: Path,
    segments: list[str],
    repeats: int,
    max_batch_size: int,
    pair: tuple[str, str] = ("en", "zh-Hans"),
) -> Measure:
    translator = argos.load_translator(*pair, packages_dir, max_batch_size=max_batch_size)
    splitter = SBDetect(
        str(next((translator.model.path / "minisbd").glob("*.onnx"))), use_gpu=False
    )
    result = Measure(label)
    result.sentences = sum(len(splitter.sentences(p)) for s in segments for p in s.split("\n") if p)
    import argostranslate.settings

    default_threads = argostranslate.settings.intra_threads
    expected: list[str] | None = None
    for path in PATHS:
        _argos_threads(1 if path == "argos 1 thread" else default_threads)
        # Created after the thread setting: the per-segment path loads its model with it.
        reference = argos.ReferenceTranslator(*pair, packages_dir)
        run: Callable[[list[str]], list[str]] = (
            translator.translate_batch if path == "batched" else reference.translate_batch
        )
        run(segments[:2])  # warm-up: load the models
        times = result.seconds[path] = []
        for _ in range(repeats):
            started = time.perf_counter()
            got = run(segments)
            times.append(time.perf_counter() - started)
            expected = expected or got
            result.identical = result.identical and got == expected
        print(f"  {path:15} {statistics.median(times):7.2f} s", flush=True)
    _argos_threads(default_threads)
    return result


MODELS = ("small", "large", "nllb")
#: layers, dimensions and attention heads of the two Argos test models
_SHAPES = {"small": (2, 64, 4), "large": (3, 256, 8)}


def _prepare(name: str, root: Path) -> tuple[str, Path, tuple[str, str]]:
    """Build and install one benchmark model; return its label, packages folder and pair."""
    packages_dir = root / f"packages-{name}"
    started = time.perf_counter()
    if name == "nllb":
        size = family_models.Size(d_model=256, heads=8, layers=3, ffn=1024)
        model_dir = family_models.build_family_model("nllb", root / "nllb-bench", size=size)
        packaging.import_model(model_dir, "nllb", [("en", "km")], packages_dir)
        label, pair = "NLLB-shaped en->km (3+3, 256)", ("en", "km")
    else:
        layers, d_model, heads = _SHAPES[name]
        archive = build_test_package(
            root / f"archives-{name}", layers=layers, d_model=d_model, heads=heads
        )
        store.install_model(archive, packages_dir)
        label = "large (3+3 layers, 256 dims)" if name == "large" else "small (2+2 layers, 64 dims)"
        pair = ("en", "zh-Hans")
    print(f"{label}: built in {time.perf_counter() - started:.2f} s", flush=True)
    return label, packages_dir, pair


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=240)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-batch-size", type=int, default=argos.DEFAULT_MAX_BATCH_SIZE)
    parser.add_argument(
        "--models",
        default=",".join(MODELS),
        help=f"comma-separated, from {', '.join(MODELS)} (default: all)",
    )
    args = parser.parse_args(argv)
    names = [name.strip() for name in args.models.split(",") if name.strip()]
    if not names or any(name not in MODELS for name in names):
        parser.error(f"--models: choose from {', '.join(MODELS)}")

    segments = make_segments(args.segments)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    results = []
    with tempfile.TemporaryDirectory(prefix="publisher-bench-") as tmp:
        for name in names:
            label, packages_dir, pair = _prepare(name, Path(tmp))
            results.append(
                measure(label, packages_dir, segments, args.repeats, args.max_batch_size, pair)
            )

    print(
        f"\n{len(segments)} segments ({results[0].sentences} sentences), "
        f"median of {args.repeats} (min-max), max_batch_size={args.max_batch_size} "
        f"{argos.DEFAULT_BATCH_TYPE}, load average after: "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print(
        f"{'model':31}{'per segment':>22}{'1 thread':>22}{'batched':>22}{'speed-up':>16}  identical"
    )
    for r in results:
        batched = r.median("batched")
        cells = "".join(f"{r.median(path):8.2f} s ({r.spread(path):>11})" for path in PATHS)
        print(
            f"{r.model:31}{cells}{r.median('argos default') / batched:7.1f}x /"
            f"{r.median('argos 1 thread') / batched:5.1f}x  {'yes' if r.identical else 'NO'}"
        )
    return 0 if all(r.identical for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
