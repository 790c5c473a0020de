"""`publisher models score`: how close each model's drafts come to the office's own approved text.

The test set is the translation memory: every approved segment of the
chosen releases (default: every release, and the TMX files in memory/), one
sample per distinct source text.  Each installed model that serves the pair
(or each model named) translates the sources exactly as `publisher translate`
would draft them (protected spans and glossary terms restored, unless
`protected=False` asks for the model alone), and its drafts are compared with
the approved translations: chrF and BLEU (sacrebleu, with signatures), the
share of glossary terms used as the glossary requires, and the share of
protected items (URLs, e-mail addresses, phone numbers, numbers, dates) kept.
Nothing is written.
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publisher.core import languages
from publisher.core.glossary import Glossary
from publisher.core.release import find_release
from publisher.errors import TranslationEngineError, UsageError
from publisher.mt import argos, store
from publisher.mt.metrics import CorpusScore, corpus_scores
from publisher.qa.coverage import Coverage, coverage
from publisher.workflow.drafting import BatchTranslator, machine_drafts
from publisher.workflow.memory import build_memory

#: progress(stage, done, total), as `cli.params.progress_bar` takes it.
ScoreProgress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Sample:
    """One approved segment: its source and the translation the office approved."""

    source_lang: str
    source: str
    reference: str
    origin: str  # "<release>/<segment>" or the TMX unit's origin


@dataclass(frozen=True)
class ModelScore:
    package: str
    version: str
    description: str
    pair: str  # "en->km"
    segments: int
    chrf: CorpusScore
    bleu: CorpusScore
    coverage: Coverage
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return {
            "package": self.package,
            "version": self.version,
            "model": self.description,
            "pair": self.pair,
            "segments": self.segments,
            "chrf": {"score": round(self.chrf.score, 2), "signature": self.chrf.signature},
            "bleu": {"score": round(self.bleu.score, 2), "signature": self.bleu.signature},
            "glossary_terms": {"respected": self.coverage.terms_kept, "total": self.coverage.terms},
            "protected_items": {"kept": self.coverage.items_kept, "total": self.coverage.items},
            "seconds": round(self.seconds, 2),
        }


@dataclass
class Scorecard:
    lang: str
    samples: dict[str, int] = field(default_factory=dict)  # source language -> samples
    protected: bool = True
    scores: list[ModelScore] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "lang": self.lang,
            "samples": self.samples,
            "drafts": "protected" if self.protected else "raw",
            "models": [score.to_json() for score in self.scores],
        }


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def approved_samples(workspace_root: Path, lang: str, releases: Sequence[str] = ()) -> list[Sample]:
    """The memory's units into `lang`, one per distinct source (the first approval wins)."""
    code = languages.canonical(lang)
    prefixes: tuple[str, ...] | None = None
    if releases:
        prefixes = tuple(
            f"{find_release(workspace_root / 'releases', name).slug}/" for name in releases
        )
    samples: dict[tuple[str, str], Sample] = {}
    for unit in build_memory(workspace_root).units:
        if unit.target_lang != code or not unit.source.strip() or not unit.target.strip():
            continue
        if prefixes is not None and not unit.origin.startswith(prefixes):
            continue
        key = (unit.source_lang, _key(unit.source))
        samples.setdefault(key, Sample(unit.source_lang, unit.source, unit.target, unit.origin))
    return list(samples.values())


def score_outputs(
    samples: Sequence[Sample],
    hypotheses: Sequence[str],
    lang: str,
    glossary: dict[str, str],
) -> tuple[CorpusScore, CorpusScore, Coverage]:
    """chrF, BLEU and coverage of `hypotheses` (one per sample) against the approved text."""
    chrf, bleu = corpus_scores(hypotheses, [s.reference for s in samples], lang)
    total = Coverage()
    for sample, hypothesis in zip(samples, hypotheses, strict=True):
        total += coverage(sample.source, hypothesis, sample.source_lang, lang, glossary)
    return chrf, bleu, total


def _load(model: store.ModelInfo, packages_dir: Path) -> BatchTranslator:
    return argos.load_package(model, packages_dir)


def score_models(
    workspace_root: Path,
    models_dir: Path,
    lang: str,
    *,
    models: Sequence[str] = (),
    releases: Sequence[str] = (),
    protected: bool = True,
    progress: ScoreProgress | None = None,
    load: Callable[[store.ModelInfo, Path], BatchTranslator] = _load,
) -> Scorecard:
    """Score every installed model into `lang` (or the ones named) on the approved segments."""
    code = languages.canonical(lang)
    samples = approved_samples(workspace_root, code, releases)
    by_source: dict[str, list[Sample]] = {}
    for sample in samples:
        by_source.setdefault(sample.source_lang, []).append(sample)
    if not by_source:
        where = f"releases {', '.join(releases)}" if releases else "the workspace"
        raise UsageError(f"{where} has no approved {code} translations to score against")
    card = Scorecard(code, {src: len(items) for src, items in by_source.items()}, protected)
    for model, items in _models_to_score(models_dir, code, by_source, models):
        glossary = Glossary.load(workspace_root).mapping(items[0].source_lang, code)
        translator = load(model, models_dir)
        stage = f"{model.name}"
        started = time.perf_counter()

        def advance(done: int, total: int, stage: str = stage) -> None:
            if progress is not None:
                progress(stage, done, total)

        advance(0, len(items))
        hypotheses = machine_drafts(
            translator, [s.source for s in items], code, glossary, advance, protected=protected
        )
        seconds = time.perf_counter() - started
        chrf, bleu, covered = score_outputs(items, hypotheses, code, glossary)
        card.scores.append(
            ModelScore(
                model.name,
                model.version,
                model.description,
                model.pair,
                len(items),
                chrf,
                bleu,
                covered,
                seconds,
            )
        )
    return card


def _models_to_score(
    models_dir: Path, code: str, by_source: dict[str, list[Sample]], names: Sequence[str]
) -> list[tuple[store.ModelInfo, list[Sample]]]:
    installed = store.list_models(models_dir)
    serving = [
        (model, by_source[src])
        for model in installed
        for src in by_source
        if model.pair == f"{src}->{code}"
    ]
    if names:
        chosen = []
        for name in dict.fromkeys(names):
            match = [(m, items) for m, items in serving if name in (m.name, m.pair)]
            if not match:
                model = next((m for m in installed if m.name == name), None)
                if model is None:
                    known = ", ".join(m.name for m in installed) or "none"
                    raise TranslationEngineError(f"no installed model {name!r}; installed: {known}")
                raise UsageError(
                    f"{name} translates {model.pair}; the approved {code} segments are from "
                    f"{', '.join(by_source)}"
                )
            chosen.extend(match)
        return chosen
    if not serving:
        pairs = ", ".join(f"{src}->{code}" for src in by_source)
        raise TranslationEngineError(
            f"no installed model translates {pairs}; install one with `publisher models "
            "install FILE` or `publisher models import DIR`"
        )
    return serving
