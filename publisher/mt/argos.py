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

A package made from a multilingual model (`publisher models import`) also
names the language tokens its model needs (`families.TokenLayout`): they are
added to every sentence, and the forced target prefix is stripped from every
hypothesis, by `_LayoutEngine`, between Argos and CTranslate2, so that Argos's
own code still splits, tokenises, joins and decodes.  Such a package decodes
with its own SentencePiece codec (Argos's turns every "_" into a space and
cannot decode with a separate target model, as OPUS-MT needs).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from publisher.errors import TranslationEngineError
from publisher.mt.families import TokenLayout
from publisher.mt.runtime import Argos, lock
from publisher.mt.runtime import argos as runtime_argos
from publisher.mt.store import ModelInfo, find_model

if TYPE_CHECKING:
    import ctranslate2
    import sentencepiece
    from argostranslate.translate import CachedTranslation, PackageTranslation

# CTranslate2 sorts one call's sentences by length and decodes them in batches of
# this many, one batch per worker thread.  Measured with benchmarks/translate.py on
# 2 cores: 16-64 examples or ~1000 tokens are all within noise of each other.
DEFAULT_MAX_BATCH_SIZE = 32
DEFAULT_BATCH_TYPE = "examples"
# Options that only shape CTranslate2's internal batching, never a translation.
_BATCHING_OPTIONS = frozenset({"max_batch_size", "batch_type", "asynchronous", "target_prefix"})


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
    return load_package(
        model, packages_dir, max_batch_size=max_batch_size, batch_type=batch_type, workers=workers
    )


def load_package(
    model: ModelInfo,
    packages_dir: Path,
    *,
    max_batch_size: int = DEFAULT_MAX_BATCH_SIZE,
    batch_type: str = DEFAULT_BATCH_TYPE,
    workers: int | None = None,
) -> Translator:
    """Load one installed package (as `load_translator` does for the package of a pair)."""
    with lock:
        argos = runtime_argos(packages_dir)
        translation = _package_translation(argos, model)
        _check_sentence_splitter(argos, translation, model)
        if workers is None:
            # Each worker holds a model replica on a GPU: one there, one per core on a CPU.
            workers = max(1, min(4, _cpu_count())) if argos.settings.device == "cpu" else 1
        try:
            engine = _engine(argos, model, inter_threads=workers, intra_threads=1)
            translation.sentencizer.split_sentences("Load the model.")
        except Exception as exc:  # a corrupt model file, whatever the library raises
            raise TranslationEngineError(
                f"cannot load the Argos model {model.name}: {_first_line(exc)}", path=model.path
            ) from exc
    return Translator(
        model, translation, engine, max_batch_size=max_batch_size, batch_type=batch_type
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _package_translation(argos: Argos, model: ModelInfo) -> PackageTranslation:
    """Argos's translation object for one package, with its tokens' codec where it has some."""
    pkg = argos.package.Package(model.path)
    if model.model is not None:
        # The layout engine forces the whole target prefix and strips it by token; Argos's
        # own handling would strip it from the decoded text, where "khm_Khmr" has become
        # "khm Khmr".
        pkg.target_prefix = ""
        pkg.tokenizer = SentencePieceCodec(
            model.path / "sentencepiece.model", model.path / model.model.target_tokenizer
        )
    if not hasattr(pkg, "tokenizer"):
        raise TranslationEngineError(
            "the package has no sentencepiece.model or bpe.model", path=model.path
        )
    return argos.translate.PackageTranslation(
        argos.translate.Language(pkg.from_code, pkg.from_name),
        argos.translate.Language(pkg.to_code, pkg.to_name),
        pkg,
    )


def _engine(argos: Argos, model: ModelInfo, *, inter_threads: int, intra_threads: int) -> Any:
    """The CTranslate2 translator, on Argos's device and compute type.

    The compute type must be Argos's (int8 and float32 give different
    translations); it is passed exactly as Argos passes it.  The threads
    change the speed, not the result.  A package with language tokens gets
    them through a `_LayoutEngine`.
    """
    import ctranslate2

    settings = argos.settings
    options: dict[str, Any] = {
        "device": settings.device,
        "inter_threads": inter_threads,
        "intra_threads": intra_threads,
    }
    if settings.compute_type != "auto":
        options["compute_type"] = settings.compute_type
    engine = ctranslate2.Translator(str(model.path / "model"), **options)
    return engine if model.model is None else _LayoutEngine(engine, model.model.layout)


class SentencePieceCodec:
    """Encodes with the package's source SentencePiece model, decodes with its target one.

    In place of Argos's tokenizer for packages with language tokens: Argos's
    decoder replaces every "_" with a space (URLs, e-mail addresses) and has
    no separate target model.
    """

    def __init__(self, source: Path, target: Path) -> None:
        self.source_path = source
        self.target_path = target
        self._source: sentencepiece.SentencePieceProcessor | None = None
        self._target: sentencepiece.SentencePieceProcessor | None = None

    def _load(self) -> tuple[sentencepiece.SentencePieceProcessor, ...]:
        import sentencepiece

        if self._source is None or self._target is None:
            self._source = sentencepiece.SentencePieceProcessor(model_file=str(self.source_path))
            self._target = (
                self._source
                if self.target_path == self.source_path
                else sentencepiece.SentencePieceProcessor(model_file=str(self.target_path))
            )
        return self._source, self._target

    def encode(self, sentence: str) -> list[str]:
        return list(self._load()[0].encode(sentence, out_type=str))

    def decode(self, tokens: list[str]) -> str:
        return str(self._load()[1].decode_pieces(tokens))


@dataclass
class _Stripped:
    """A CTranslate2 result without the forced target prefix (what Argos reads of one)."""

    hypotheses: list[list[str]]
    scores: list[float]


class _StrippedFuture:
    def __init__(self, future: Any, layout: TokenLayout) -> None:
        self._future = future
        self._layout = layout

    def result(self) -> _Stripped:
        return _strip(self._future.result(), self._layout)


def _strip(result: Any, layout: TokenLayout) -> _Stripped:
    return _Stripped(
        [layout.strip(hypothesis) for hypothesis in result.hypotheses],
        list(getattr(result, "scores", []) or []),
    )


class _LayoutEngine:
    """CTranslate2 behind a package's language tokens.

    Adds the source prefix and suffix to every sentence and forces the
    target prefix, then strips that prefix, token by token, from every
    hypothesis: what Argos receives is what a plain pair model would have
    given, so Argos's joining and decoding need no change.
    """

    def __init__(self, engine: Any, layout: TokenLayout) -> None:
        self.engine = engine
        self.layout = layout

    def translate_batch(
        self, source: list[list[str]], target_prefix: Any = None, **options: Any
    ) -> list[Any]:
        sources = [self.layout.source(tokens) for tokens in source]
        forced = list(self.layout.target_prefix)
        results = self.engine.translate_batch(
            sources, target_prefix=[forced] * len(sources) if forced else None, **options
        )
        if options.get("asynchronous"):
            return [_StrippedFuture(future, self.layout) for future in results]
        return [_strip(result, self.layout) for result in results]


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
        engine: ctranslate2.Translator | _LayoutEngine,
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


class ReferenceTranslator:
    """The per-segment path that batching must reproduce: one CTranslate2 call per paragraph.

    For a plain package, Argos's own translate(), text by text.  For a package
    with language tokens (which Argos's translate() cannot apply), the same
    Argos code under the same `_LayoutEngine`, on a CTranslate2 translator
    with Argos's threads, as Argos would load it.  Public for the tests and
    the benchmark, which compare the two paths.
    """

    def __init__(self, from_lang: str, to_lang: str, packages_dir: Path) -> None:
        self.model = find_model(from_lang, to_lang, packages_dir)
        self.packages_dir = packages_dir
        self._translation: CachedTranslation | None = None

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        with lock:
            argos = runtime_argos(self.packages_dir)
            if self.model.model is None:
                code = (self.model.from_code, self.model.to_code)
                return [argos.translate.translate(text, *code) for text in texts]
            if self._translation is None:
                translation = _package_translation(argos, self.model)
                translation.translator = _engine(
                    argos,
                    self.model,
                    inter_threads=argos.settings.inter_threads,
                    intra_threads=argos.settings.intra_threads,
                )
                self._translation = argos.translate.CachedTranslation(translation)
            return [self._translation.translate(text) for text in texts]


def reference_translate(
    texts: Sequence[str], from_lang: str, to_lang: str, packages_dir: Path
) -> list[str]:
    """`ReferenceTranslator(...).translate_batch(texts)`."""
    return ReferenceTranslator(from_lang, to_lang, packages_dir).translate_batch(texts)
