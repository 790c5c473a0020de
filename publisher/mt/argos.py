"""Machine drafts through Argos Translate, offline, with every sentence of a run in one batch.

Argos is configured from environment variables read once, when
`argostranslate.settings` is first imported, so this module imports it lazily
(inside functions, after setting those variables): `publisher --help` must not
pay for ctranslate2, and the settings must be ours, not a leftover default.
Everything that could reach the network is pinned: no package index
(offline, `get_available_packages()` hangs for ~45 s), and no sentence-splitter
download (MiniSBD fetches a model from GitHub when a package lacks one).

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

import json
import logging
import os
import sys
import threading
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import TYPE_CHECKING, Any

from publisher import languages
from publisher.errors import TranslationEngineError, UsageError

if TYPE_CHECKING:
    import ctranslate2
    from argostranslate.translate import PackageTranslation

# Argos settings fixed before its first import.  The index URL is unreachable on
# purpose: an accidental index lookup fails at once (a RecursionError inside
# Argos, in ~50 ms) instead of hanging offline for ~45 s.
_ARGOS_ENVIRONMENT = {
    "ARGOS_CHUNK_TYPE": "MINISBD",
    "ARGOS_MODEL_PROVIDER": "OPENNMT",
    "ARGOS_PACKAGE_INDEX": "file:///dev/null/publisher-offline/",
    "ARGOS_DEBUG": "0",
}
# CTranslate2 sorts one call's sentences by length and decodes them in batches of
# this many, one batch per worker thread.  Measured with benchmarks/translate.py on
# 2 cores: 16-64 examples or ~1000 tokens are all within noise of each other.
DEFAULT_MAX_BATCH_SIZE = 32
DEFAULT_BATCH_TYPE = "examples"
# Options that only shape CTranslate2's internal batching, never a translation.
_BATCHING_OPTIONS = frozenset({"max_batch_size", "batch_type", "asynchronous", "target_prefix"})

_lock = threading.RLock()


@dataclass(frozen=True)
class ModelInfo:
    """An installed Argos package, as the CLI lists it."""

    name: str  # the package's folder name in the packages directory
    from_code: str  # Argos codes, as in the package's metadata.json ("zh", not "zh-Hans")
    to_code: str
    version: str
    path: Path

    @property
    def pair(self) -> str:
        return f"{self.from_code}->{self.to_code}"


# --- Argos, imported lazily and configured ------------------------------------------------


@dataclass(frozen=True)
class _Argos:
    settings: ModuleType
    package: ModuleType
    translate: ModuleType
    minisbd_models: ModuleType


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """Set variables for Argos's first import only, so they do not leak into subprocesses."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _argos(packages_dir: Path) -> _Argos:
    """Import Argos (first call only) and point it at `packages_dir`.

    Argos keeps its packages directory in module globals; they are reset on
    every call because tests and the benchmark use several directories in one
    process, and because someone else may have imported Argos first.
    """
    packages_dir = packages_dir.resolve()
    with _lock:
        if "argostranslate.settings" not in sys.modules:
            with _environment({**_ARGOS_ENVIRONMENT, "ARGOS_PACKAGES_DIR": str(packages_dir)}):
                import argostranslate.settings
        import argostranslate.package
        import argostranslate.sbd
        import argostranslate.translate
        import minisbd.models

        # Argos logs every paragraph and sentence at INFO: unpublished releases have
        # no place in the CLI's logs.
        logging.getLogger("argostranslate").setLevel(logging.WARNING)
        logging.getLogger("argostranslate.utils").setLevel(logging.WARNING)
        settings = argostranslate.settings
        settings.remote_package_index = _ARGOS_ENVIRONMENT["ARGOS_PACKAGE_INDEX"] + "index.json"
        settings.chunk_type = settings.ChunkType.MINISBD
        settings.model_provider = settings.ModelProvider.OPENNMT
        if settings.package_dirs != [packages_dir]:
            settings.package_data_dir = packages_dir
            settings.package_dirs = [packages_dir]
            _forget_argos_translations(argostranslate.translate, pair=None)
        return _Argos(settings, argostranslate.package, argostranslate.translate, minisbd.models)


def _forget_argos_translations(translate: ModuleType, pair: tuple[str, str] | None) -> None:
    """Drop Argos's cached translations (of one pair, or all).

    `get_installed_languages.cache_clear()`, which Argos's own install and
    uninstall call, is not enough: the module-level `installed_translates`
    keeps one loaded model per pair, so after a reinstall Argos's translate()
    would go on using the old model.
    """
    translate.get_installed_languages.cache_clear()
    key = None if pair is None else f"{pair[0]}-{pair[1]}"
    translate.installed_translates[:] = [
        entry
        for entry in translate.installed_translates
        if key is not None and entry.package_key != key
    ]


# --- Installed packages ---------------------------------------------------------------


def list_models(packages_dir: Path) -> list[ModelInfo]:
    """The packages in `packages_dir`, by name.

    Read from the metadata files directly, without Argos: listing must be fast
    and must not create directories; a folder without metadata.json is skipped
    (Argos itself would crash on it).
    """
    if not packages_dir.is_dir():
        return []
    models = []
    for path in sorted(packages_dir.iterdir()):
        if path.is_dir() and (path / "metadata.json").is_file():
            models.append(_model_info(path))
    return models


def _model_info(path: Path) -> ModelInfo:
    metadata = _parse_metadata((path / "metadata.json").read_bytes(), path / "metadata.json")
    return ModelInfo(
        name=path.name,
        from_code=metadata["from_code"],
        to_code=metadata["to_code"],
        version=str(metadata.get("package_version", "")),
        path=path,
    )


def _parse_metadata(data: bytes, where: Path | str) -> dict[str, Any]:
    try:
        metadata = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TranslationEngineError(f"metadata.json is not valid JSON: {exc}", path=where) from exc
    if not isinstance(metadata, dict):
        raise TranslationEngineError("metadata.json is not a JSON object", path=where)
    if metadata.get("type", "translate") != "translate":
        raise TranslationEngineError(
            f"not a translation model (type {metadata.get('type')!r})", path=where
        )
    for key in ("from_code", "to_code"):
        if not isinstance(metadata.get(key), str) or not metadata[key]:
            raise TranslationEngineError(f"metadata.json has no {key}", path=where)
    return metadata


def install_model(archive: Path, packages_dir: Path) -> ModelInfo:
    """Install an .argosmodel file, replacing any installed model for the same pair.

    The archive is checked first because Argos's installer only checks that it
    is a zip and then extracts whatever it holds.  One model per pair: Argos
    would otherwise pick one of them in directory order.
    """
    top, metadata = _check_archive(archive)
    pair = (metadata["from_code"], metadata["to_code"])
    packages_dir.mkdir(parents=True, exist_ok=True)
    with _lock:
        argos = _argos(packages_dir)
        replaced = [m for m in list_models(packages_dir) if (m.from_code, m.to_code) == pair]
        for model in replaced:
            if model.name == top:  # extracting over it would leave stale files behind
                argos.package.uninstall(argos.package.Package(model.path))
        argos.package.install_from_path(archive)
        for model in replaced:
            if model.name != top:
                argos.package.uninstall(argos.package.Package(model.path))
        _forget_argos_translations(argos.translate, pair)
    return _model_info(packages_dir / top)


def _check_archive(archive: Path) -> tuple[str, dict[str, Any]]:
    """Return the archive's top-level folder and metadata, or say what is wrong with it."""
    if not archive.is_file():
        raise TranslationEngineError("no such file", path=archive)
    if not zipfile.is_zipfile(archive):
        raise TranslationEngineError(
            "not an Argos model (.argosmodel): not a zip archive", path=archive
        )
    try:
        with zipfile.ZipFile(archive) as zf:
            names = zf.namelist()
            parts = [PurePosixPath(name).parts for name in names]
            if any(
                name.startswith("/") or ".." in part
                for name, part in zip(names, parts, strict=True)
            ):
                raise TranslationEngineError("unsafe paths in the archive", path=archive)
            tops = {part[0] for part in parts if part}
            if len(tops) != 1 or not any(len(part) > 1 for part in parts):
                raise TranslationEngineError(
                    "not an Argos model: the archive must hold exactly one folder", path=archive
                )
            top = tops.pop()
            if f"{top}/metadata.json" not in names:
                raise TranslationEngineError(
                    f"not an Argos model: no metadata.json in {top}/", path=archive
                )
            metadata = _parse_metadata(zf.read(f"{top}/metadata.json"), archive)
            if f"{top}/model/model.bin" not in names:
                raise TranslationEngineError(
                    f"not an Argos model: no CTranslate2 model ({top}/model/model.bin)",
                    path=archive,
                )
            if not {f"{top}/sentencepiece.model", f"{top}/bpe.model"} & set(names):
                raise TranslationEngineError(
                    f"not an Argos model: no tokenizer ({top}/sentencepiece.model)", path=archive
                )
    except (zipfile.BadZipFile, OSError) as exc:
        raise TranslationEngineError(f"cannot read the archive: {exc}", path=archive) from exc
    return top, metadata


def remove_model(name: str, packages_dir: Path) -> ModelInfo:
    """Remove an installed package, named by folder name or as a pair ("en->zh-Hans")."""
    models = list_models(packages_dir)
    matches = [m for m in models if m.name == name]
    if not matches and "->" in name:
        pair = tuple(_argos_code(code.strip()) for code in name.split("->", 1))
        matches = [m for m in models if (m.from_code, m.to_code) == pair]
    if not matches:
        known = ", ".join(f"{m.name} ({m.pair})" for m in models) or "none"
        raise TranslationEngineError(f"no installed Argos model {name!r}; installed: {known}")
    with _lock:
        argos = _argos(packages_dir)
        for model in matches:
            argos.package.uninstall(argos.package.Package(model.path))
            _forget_argos_translations(argos.translate, (model.from_code, model.to_code))
    return matches[0]


def _argos_code(code: str) -> str:
    """Map our codes and aliases to Argos's; pass unknown codes through (a pair of other models)."""
    try:
        return languages.get(code).argos or code
    except UsageError:
        return code


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
    model = _find_model(from_lang, to_lang, packages_dir)
    with _lock:
        argos = _argos(packages_dir)
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


def _engine(argos: _Argos, model: ModelInfo, workers: int | None) -> ctranslate2.Translator:
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


def _find_model(from_lang: str, to_lang: str, packages_dir: Path) -> ModelInfo:
    source, target = languages.get(from_lang), languages.get(to_lang)
    pair = (source.argos, target.argos)
    for model in list_models(packages_dir):
        if (model.from_code, model.to_code) == pair:
            return model
    raise TranslationEngineError(
        f"no Argos model for {source.code}->{target.code} is installed; install one with "
        "`publisher models install FILE`, or translate by hand"
    )


def _check_sentence_splitter(
    argos: _Argos, translation: PackageTranslation, model: ModelInfo
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
    model = _find_model(from_lang, to_lang, packages_dir)
    with _lock:
        argos = _argos(packages_dir)
        return [argos.translate.translate(text, model.from_code, model.to_code) for text in texts]
