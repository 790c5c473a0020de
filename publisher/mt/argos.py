"""Machine drafts through Argos Translate, with every sentence of a run in one batch.

Argos's `translate()` calls CTranslate2 once per paragraph, with batches of
32 tokens, on a translator that spreads each small batch over all cores with
OpenMP: on 2 busy cores most of the time goes into thread synchronisation
and per-call overhead (benchmarks/translate.py: 6-19x slower than the batched
path, 2-3x when Argos is limited to one thread).  `Translator` gets Argos to
do all its own work (paragraphs, sentence splitting, tokenisation, decoding,
post-processing) twice around a single CTranslate2 call: a first pass
records the batches Argos would translate, one `translate_batch` call
translates all of them, and a second pass replays those results through the
same Argos code.  The output is therefore Argos's own, without a copy of its
logic to drift out of date.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from publisher.errors import TranslationEngineError
from publisher.mt.runtime import Argos, lock
from publisher.mt.runtime import argos as runtime_argos
from publisher.mt.store import ModelInfo, find_model

if TYPE_CHECKING:
    import ctranslate2
    from argostranslate.translate import PackageTranslation

# CTranslate2 sorts one call's sentences by length and decodes them in batches of
# this many, one batch per worker thread.  Measured with benchmarks/translate.py on
# 2 cores: 16-64 examples or ~1000 tokens are all within noise of each other.
DEFAULT_MAX_BATCH_SIZE = 32
DEFAULT_BATCH_TYPE = "examples"
# Options that only shape CTranslate2's internal batching, never a translation.
_BATCHING_OPTIONS = frozenset({"max_batch_size", "batch_type", "asynchronous", "target_prefix"})


# --- Argos, imported lazily and configured ------------------------------------------------


# --- Installed packages ---------------------------------------------------------------


# --- Translation ----------------------------------------------------------------------


def load_translator(
    from_lang: str,
    to_lang: str,
    packages_dir: Path,
    *,
    max_batch_size: int = DEFAULT_MAX_BATCH_SIZE,
    batch_type: str = DEFAULT_BATCH_TYPE,
    workers: int | None = None,
) -> Translator:
    """Load the installed model for a pair of our language codes, ready to translate.

    Built from the files on disk on every call, never from Argos's per-pair
    cache, so a model installed or removed since is seen.  Both models (the
    CTranslate2 one and the sentence splitter) are loaded here, so a broken
    package fails now, with its name, rather than in the middle of a run.

    `workers` batches are decoded in parallel, one thread each (default: one
    per CPU, at most 4).  Argos's own default, one batch over all cores
    through OpenMP, spends most of its time synchronising threads on small
    batches, badly so when other processes share the CPU.
    """
    model = find_model(from_lang, to_lang, packages_dir)
    with lock:
        argos = runtime_argos(packages_dir)
        pkg = argos.package.Package(model.path)
        if not hasattr(pkg, "tokenizer"):
            raise TranslationEngineError(
                "the package has no sentencepiece.model or bpe.model", path=model.path
            )
        translation = argos.translate.PackageTranslation(
            argos.translate.Language(pkg.from_code, pkg.from_name),
            argos.translate.Language(pkg.to_code, pkg.to_name),
            pkg,
        )
        _check_sentence_splitter(argos, translation, model)
        try:
            engine = _engine(argos, model, workers)
            translation.sentencizer.split_sentences("Load the model.")
        except Exception as exc:  # a corrupt model file, whatever the library raises
            raise TranslationEngineError(
                f"cannot load the Argos model {model.name}: {exc}", path=model.path
            ) from exc
    return Translator(
        model, translation, engine, max_batch_size=max_batch_size, batch_type=batch_type
    )


def _engine(argos: Argos, model: ModelInfo, workers: int | None) -> ctranslate2.Translator:
    """The CTranslate2 translator, on Argos's device and compute type.

    The compute type must be Argos's (int8 and float32 give different
    translations); it is passed exactly as Argos passes it.  The threads are
    ours: they change the speed, not the result.
    """
    import ctranslate2

    settings = argos.settings
    if workers is None:
        # Each worker holds a model replica on a GPU: one there, one per core on a CPU.
        workers = max(1, min(4, _cpu_count())) if settings.device == "cpu" else 1
    options: dict[str, Any] = {
        "device": settings.device,
        "inter_threads": workers,
        "intra_threads": 1,
    }
    if settings.compute_type != "auto":
        options["compute_type"] = settings.compute_type
    return ctranslate2.Translator(str(model.path / "model"), **options)


def _cpu_count() -> int:
    """The CPUs this process may use (a container or `taskset` may allow fewer than exist)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _check_sentence_splitter(
    argos: Argos, translation: PackageTranslation, model: ModelInfo
) -> None:
    """Refuse a package whose sentence splitter MiniSBD would try to download."""
    splitter = translation.sentencizer
    lang = getattr(splitter, "lang", None)
    if not isinstance(lang, str) or os.path.isfile(lang):
        return
    cache_dir = Path(argos.minisbd_models.cache_dir)
    filename = argos.minisbd_models.MODELS.get(lang, f"{lang}.onnx")
    if not (cache_dir / filename).is_file():
        raise TranslationEngineError(
            f"the Argos model {model.name} has no sentence splitter (minisbd/*.onnx) and "
            f"MiniSBD's {filename} is not in {cache_dir}; it cannot be downloaded here",
            path=model.path,
        )


@dataclass
class _Call:
    """One `translate_batch` call that Argos made for one paragraph."""

    text_index: int
    source: list[list[str]]
    target_prefix: list[list[str]] | None
    options: dict[str, Any]
    results: list[Any] | None = None

    def options_key(self) -> str:
        return repr(sorted((k, v) for k, v in self.options.items() if k not in _BATCHING_OPTIONS))


@dataclass
class _Placeholder:
    hypotheses: list[list[str]]
    scores: list[float]


class _Recorder:
    """Stands in for CTranslate2 during the first pass and notes what Argos asks for."""

    def __init__(self) -> None:
        self.calls: list[_Call] = []
        self.text_index = 0

    def translate_batch(
        self, source: list[list[str]], target_prefix: list[list[str]] | None = None, **options: Any
    ) -> list[_Placeholder]:
        self.calls.append(_Call(self.text_index, source, target_prefix, options))
        count = options.get("num_hypotheses", 1)
        return [_Placeholder([[] for _ in range(count)], [0.0] * count) for _ in source]


class _Replayer:
    """Stands in for CTranslate2 during the second pass and returns the batched results."""

    def __init__(self, calls: list[_Call]) -> None:
        self._calls = iter(calls)

    def translate_batch(
        self, source: list[list[str]], target_prefix: list[list[str]] | None = None, **options: Any
    ) -> list[Any]:
        call = next(self._calls, None)
        if call is None or call.source != source or call.options != options or call.results is None:
            raise RuntimeError("Argos asked for different sentences when replayed")
        return call.results


class _MemoSentencizer:
    """Splits each paragraph once although Argos runs twice over the texts."""

    def __init__(self, splitter: Any) -> None:
        self.splitter = splitter
        self.memo: dict[str, list[str]] = {}

    def split_sentences(self, text: str) -> list[str]:
        if text not in self.memo:
            self.memo[text] = self.splitter.split_sentences(text)
        return list(self.memo[text])


class Translator:
    """An installed model, translating a whole run's texts in one CTranslate2 call.

    Not for concurrent use from several threads (calls are serialised).
    """

    def __init__(
        self,
        model: ModelInfo,
        translation: PackageTranslation,
        engine: ctranslate2.Translator,
        *,
        max_batch_size: int = DEFAULT_MAX_BATCH_SIZE,
        batch_type: str = DEFAULT_BATCH_TYPE,
    ) -> None:
        self.model = model
        self.max_batch_size = max_batch_size
        self.batch_type = batch_type
        self._translation = translation
        self._engine = engine
        translation.translator = engine
        self._sentencizer = _MemoSentencizer(translation.sentencizer)
        translation.sentencizer = self._sentencizer
        self._lock = threading.Lock()

    def translate_batch(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> list[str]:
        """Translate `texts`, exactly as Argos's translate() would one by one.

        `progress`, if given, is called with the number of texts just
        finished (its calls add up to `len(texts)`), in the style of
        `tqdm.update` or typer's progress bar.
        """
        with self._lock:
            from argostranslate.translate import CachedTranslation

            try:
                # A fresh paragraph cache per pass, as Argos keeps one per pair: it reuses
                # the previous text's paragraphs, identically in both passes.
                recorder = _Recorder()
                self._translation.translator = recorder
                first_pass = CachedTranslation(self._translation)
                for index, text in enumerate(texts):
                    recorder.text_index = index
                    first_pass.translate(text)
                self._run(recorder.calls, len(texts), progress)
                self._translation.translator = _Replayer(recorder.calls)
                second_pass = CachedTranslation(self._translation)
                return [second_pass.translate(text) for text in texts]
            finally:
                self._translation.translator = self._engine
                self._sentencizer.memo.clear()

    def _run(
        self, calls: list[_Call], text_count: int, progress: Callable[[int], None] | None
    ) -> None:
        """Translate every recorded sentence with one CTranslate2 call per set of options.

        Argos uses one set of options for a whole run, so that is one call.
        The call is asynchronous only so that progress can be reported while
        CTranslate2 works through its batches.
        """
        groups: dict[str, list[_Call]] = {}
        for call in calls:
            if call.source:
                groups.setdefault(call.options_key(), []).append(call)
            else:  # an empty paragraph
                call.results = []
        pending: list[tuple[_Call, list[Any]]] = []
        for group in groups.values():
            options = {k: v for k, v in group[0].options.items() if k not in _BATCHING_OPTIONS}
            source = [sentence for call in group for sentence in call.source]
            prefixes = [
                None if call.target_prefix is None else call.target_prefix[i]
                for call in group
                for i in range(len(call.source))
            ]
            futures = self._engine.translate_batch(
                source,
                target_prefix=None if all(p is None for p in prefixes) else prefixes,
                max_batch_size=self.max_batch_size,
                batch_type=self.batch_type,
                asynchronous=True,
                **options,
            )
            start = 0
            for call in group:
                pending.append((call, futures[start : start + len(call.source)]))
                start += len(call.source)
        pending.sort(key=lambda item: item[0].text_index)
        done = 0
        for call, futures in pending:
            if progress is not None and call.text_index > done:
                progress(call.text_index - done)
                done = call.text_index
            call.results = [future.result() for future in futures]
        if progress is not None and text_count > done:
            progress(text_count - done)


def reference_translate(
    texts: Sequence[str], from_lang: str, to_lang: str, packages_dir: Path
) -> list[str]:
    """Argos's own translate(), text by text: the slow path that batching must reproduce.

    Public for the tests and the benchmark, which compare the two.
    """
    model = find_model(from_lang, to_lang, packages_dir)
    with lock:
        argos = runtime_argos(packages_dir)
        return [argos.translate.translate(text, model.from_code, model.to_code) for text in texts]
