"""Argos packages made from a multilingual CTranslate2 model (`publisher models import`).

The input is the directory `ct2-transformers-converter` writes (`model.bin`,
`config.json`, the vocabulary), with the model's SentencePiece file(s) copied
in under their hub names or given separately.  The output is one Argos
package per language pair, since an Argos package serves exactly one pair:
`metadata.json` (with the pair's language tokens under the `publisher` key,
and Argos's own `target_prefix` where the family has one), `model/`,
`sentencepiece.model` (plus `target.spm` for Marian), a sentence splitter
`minisbd/<source>.onnx` (rules for the source language, so that Argos never
downloads one: MiniSBD has none for Khmer) and a README with the licence.

Everything is checked before anything is written (the model loads and
answers with the expected target prefix for every pair; every language token
is in the vocabulary; the SentencePiece model matches the vocabulary), the
packages are built in a staging folder next to the packages folder, and only
then moved in: a refused import leaves nothing behind.  The packages of one
model share its files through hard links (see `store`).
"""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from publisher.core import languages
from publisher.errors import TranslationEngineError, UsageError
from publisher.mt import splitter, store
from publisher.mt.families import (
    METADATA_KEY,
    TARGET_TOKENIZER,
    Family,
    PackageModel,
    TokenLayout,
    get_family,
    layout,
)
from publisher.mt.runtime import argos, forget_translations, lock

if TYPE_CHECKING:
    import sentencepiece

#: The files of a CTranslate2 model directory that make up the model.
_VOCABULARIES = (
    "shared_vocabulary.json",
    "source_vocabulary.json",
    "target_vocabulary.json",
    "shared_vocabulary.txt",
    "source_vocabulary.txt",
    "target_vocabulary.txt",
    "vocabulary.json",
    "vocabulary.txt",
)
_MODEL_FILES = ("model.bin", "config.json", *_VOCABULARIES)
# Share of a SentencePiece model's pieces that must be in the model's vocabulary.  A
# model's own file gives 100 %; another model's shares only its characters and
# common fragments.
_MIN_COVERAGE = 0.95
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,80}")
# A short sentence per source language, to check that each pair really translates.
_PROBES = {"en": "Phnom Penh.", "km": "ភ្នំពេញ។", "zh-Hans": "金边。"}
_PACKAGE_VERSION = "1.0"


@dataclass(frozen=True)
class _Checked:
    """A model directory that passed every check, with what the packages need."""

    family: Family
    name: str
    model_dir: Path
    source_spm: Path
    target_spm: Path
    layouts: dict[tuple[str, str], TokenLayout]
    model_sha256: str


def import_model(
    model_dir: Path,
    family: str,
    pairs: Sequence[tuple[str, str]],
    packages_dir: Path,
    *,
    sentencepiece: Sequence[Path] = (),
    name: str | None = None,
) -> list[store.ModelInfo]:
    """Install one package per pair (our language codes); each replaces any package of its pair.

    The packages share the model's files with each other and with installed
    packages of the same model file.
    """
    checked = _check(model_dir, get_family(family), pairs, sentencepiece, name)
    packages_dir.mkdir(parents=True, exist_ok=True)
    with _staging(packages_dir.parent) as staging:
        twin = store.twin_package(checked.model_sha256, packages_dir)
        return _install(_build_packages(checked, staging, twin), packages_dir)


def export_packages(
    model_dir: Path,
    family: str,
    pairs: Sequence[tuple[str, str]],
    out: Path,
    *,
    sentencepiece: Sequence[Path] = (),
    name: str | None = None,
) -> list[Path]:
    """Write one `.argosmodel` file per pair into `out`, for `models install` elsewhere."""
    checked = _check(model_dir, get_family(family), pairs, sentencepiece, name)
    out.mkdir(parents=True, exist_ok=True)
    with _staging(out) as staging:
        return [_archive(package, out) for package in _build_packages(checked, staging, None)]


@contextmanager
def _staging(parent: Path) -> Iterator[Path]:
    """A scratch folder next to the destination (same file system: hard links, renames)."""
    staging = Path(tempfile.mkdtemp(prefix=".publisher-import-", dir=parent))
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


# --- Checks -------------------------------------------------------------------------------


def _check(
    model_dir: Path,
    family: Family,
    pairs: Sequence[tuple[str, str]],
    sentencepiece: Sequence[Path],
    name: str | None,
) -> _Checked:
    if not model_dir.is_dir():
        raise TranslationEngineError("no such directory", path=model_dir)
    if not (model_dir / "model.bin").is_file():
        raise TranslationEngineError(
            "not a CTranslate2 model directory: no model.bin (convert the model with "
            "ct2-transformers-converter first)",
            path=model_dir,
        )
    name = name or model_dir.resolve().name
    if not _NAME.fullmatch(name):
        raise UsageError(
            f"{name!r} cannot name a model: use letters, digits, '.', '_', '+' and '-' "
            "(give one with --name)"
        )
    canonical = [(languages.canonical(a), languages.canonical(b)) for a, b in pairs]
    if not canonical:
        raise UsageError("say which pairs to import: --from LANG --to LANG")
    for source, target in canonical:
        if source == target:
            raise UsageError(f"a pair needs two languages, not {source}->{target}")
    config = _read_config(model_dir)
    source_vocabulary, target_vocabulary = _read_vocabularies(model_dir)
    source_spm, target_spm = _sentencepiece_files(model_dir, family, sentencepiece)
    source_sp = _load_sentencepiece(source_spm)
    target_sp = source_sp if target_spm == source_spm else _load_sentencepiece(target_spm)
    _check_coverage(source_sp, source_spm, source_vocabulary, model_dir)
    if target_spm != source_spm:
        _check_coverage(target_sp, target_spm, target_vocabulary, model_dir)
    if family.name == "marian" and len(canonical) > 1:
        multi_target = any(t.startswith(">>") and t.endswith("<<") for t in source_vocabulary)
        if not multi_target or len({source for source, _ in canonical}) > 1:
            raise UsageError(
                "an OPUS-MT (Marian) model translates from one language, and into one unless "
                "it is a multi-target model (>>id<< tokens): import it for its own pair"
            )
    layouts = {}
    for source, target in canonical:
        tag_pieces = {}
        if family.tag_in_text:
            for token in family.tokens.get(target, ()):
                pieces = _tag_pieces(source_sp, token)
                if pieces:
                    tag_pieces[token] = pieces
        layouts[(source, target)] = layout(
            family, source, target, (source_vocabulary, target_vocabulary), config, tag_pieces
        )
    _probe(model_dir, family, layouts, source_sp, target_sp)
    return _Checked(
        family,
        name,
        model_dir,
        source_spm,
        target_spm,
        layouts,
        store.sha256_file(model_dir / "model.bin"),
    )


def _read_config(model_dir: Path) -> dict[str, Any]:
    path = model_dir / "config.json"
    if not path.is_file():
        return {}  # CTranslate2 before 3.0 wrote none
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TranslationEngineError(f"config.json is not valid JSON: {exc}", path=path) from exc
    if not isinstance(config, dict):
        raise TranslationEngineError("config.json is not a JSON object", path=path)
    return config


def _read_vocabularies(model_dir: Path) -> tuple[set[str], set[str]]:
    """The source and target vocabularies (the same set for a shared one)."""

    def read(stem: str) -> set[str] | None:
        for suffix in (".json", ".txt"):
            path = model_dir / f"{stem}{suffix}"
            if not path.is_file():
                continue
            try:
                text = path.read_text(encoding="utf-8")
                tokens = json.loads(text) if suffix == ".json" else text.splitlines()
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise TranslationEngineError(
                    f"cannot read the vocabulary: {exc}", path=path
                ) from exc
            if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
                raise TranslationEngineError("the vocabulary is not a list of tokens", path=path)
            return set(tokens)
        return None

    shared = read("shared_vocabulary") or read("vocabulary")
    if shared is not None:
        return shared, shared
    source, target = read("source_vocabulary"), read("target_vocabulary")
    if source is None or target is None:
        raise TranslationEngineError(
            "not a CTranslate2 model directory: no vocabulary (shared_vocabulary.json)",
            path=model_dir,
        )
    return source, target


def _sentencepiece_files(
    model_dir: Path, family: Family, given: Sequence[Path]
) -> tuple[Path, Path]:
    if len(given) > 2 or (len(given) == 2 and family.name != "marian"):
        raise UsageError(
            "--sentencepiece takes one file (two for Marian: the source's, then the target's)"
        )
    if given:
        for path in given:
            if not path.is_file():
                raise TranslationEngineError("no such file", path=path)
        return given[0], given[-1]
    source, target = (model_dir / name for name in family.sentencepiece)
    for path in (source, target):
        if not path.is_file():
            raise TranslationEngineError(
                f"no SentencePiece model: {path.name} is not in the model directory "
                "(convert it with ct2-transformers-converter's --copy_files "
                f"{' '.join(dict.fromkeys(family.sentencepiece))}, "
                "or give the file with --sentencepiece FILE)",
                path=model_dir,
            )
    return source, target


def _load_sentencepiece(path: Path) -> sentencepiece.SentencePieceProcessor:
    import sentencepiece

    try:
        return sentencepiece.SentencePieceProcessor(model_file=str(path))
    except (RuntimeError, OSError) as exc:
        raise TranslationEngineError("not a SentencePiece model", path=path) from exc


def _check_coverage(
    sp: sentencepiece.SentencePieceProcessor, path: Path, vocabulary: set[str], model_dir: Path
) -> None:
    """The SentencePiece model must produce the pieces the model knows.

    Any piece outside the vocabulary reaches the model as `<unk>`; a model's
    own SentencePiece file has all its pieces in the vocabulary.
    """
    pieces = [
        sp.id_to_piece(i)
        for i in range(sp.get_piece_size())
        if not (sp.is_control(i) or sp.is_unknown(i) or sp.is_unused(i))
    ]
    known = sum(piece in vocabulary for piece in pieces)
    if not pieces or known / len(pieces) < _MIN_COVERAGE:
        share = 100 * known / len(pieces) if pieces else 0.0
        raise TranslationEngineError(
            f"the SentencePiece model does not match the model's vocabulary: only "
            f"{share:.0f} % of its {len(pieces)} pieces are in the vocabulary of {model_dir}",
            path=path,
        )


def _tag_pieces(sp: sentencepiece.SentencePieceProcessor, token: str) -> list[str] | None:
    """The pieces the tokenizer makes of `token` at the start of a text ("▁", "<2km>")."""
    probe = "Phnom Penh"
    tail = sp.encode(probe, out_type=str)
    whole = sp.encode(f"{token} {probe}", out_type=str)
    head = whole[: len(whole) - len(tail)]
    if whole[len(whole) - len(tail) :] == tail and token in head:
        pieces: list[str] = head
        return pieces
    return None


def _probe(
    model_dir: Path,
    family: Family,
    layouts: dict[tuple[str, str], TokenLayout],
    source_sp: sentencepiece.SentencePieceProcessor,
    target_sp: sentencepiece.SentencePieceProcessor,
) -> None:
    """Load the model and translate a word per pair: a broken model is refused now."""
    import ctranslate2

    try:
        translator = ctranslate2.Translator(str(model_dir), device="cpu", intra_threads=1)
    except Exception as exc:  # whatever the library raises for a damaged model file
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise TranslationEngineError(
            f"not a CTranslate2 model CTranslate2 can load: {first}", path=model_dir
        ) from exc
    for (source, _target), pair_layout in layouts.items():
        pieces = source_sp.encode(_PROBES.get(source, "Phnom Penh."), out_type=str)
        prefix = list(pair_layout.target_prefix)
        result = translator.translate_batch(
            [pair_layout.source(pieces)],
            target_prefix=[prefix] if prefix else None,
            beam_size=1,
            max_decoding_length=len(prefix) + 4,
        )
        pair_layout.strip(result[0].hypotheses[0])


# --- Building -----------------------------------------------------------------------------


def _package_name(model: str, source: str, target: str) -> str:
    codes = (languages.get(source).argos or source, languages.get(target).argos or target)
    return f"{model}-{codes[0]}_{codes[1]}"


def _build_packages(checked: _Checked, staging: Path, twin: store.ModelInfo | None) -> list[Path]:
    """Write one package folder per pair in `staging`, model files shared by hard links."""
    family = checked.family
    packages = []
    first_model: Path | None = twin.path / "model" if twin is not None else None
    for (source, target), pair_layout in checked.layouts.items():
        name = _package_name(checked.name, source, target)
        root = staging / name
        (root / "model").mkdir(parents=True)
        for file in _MODEL_FILES:
            origin = checked.model_dir / file
            if origin.is_file():
                shared = first_model / file if first_model is not None else None
                _link_or_copy(origin, root / "model" / file, shared)
        if first_model is None:
            first_model = root / "model"
        shutil.copyfile(checked.source_spm, root / "sentencepiece.model")
        target_tokenizer = "sentencepiece.model"
        if checked.target_spm != checked.source_spm:
            shutil.copyfile(checked.target_spm, root / TARGET_TOKENIZER)
            target_tokenizer = TARGET_TOKENIZER
        (root / "minisbd").mkdir()
        splitter.write_splitter(root / "minisbd" / f"{source.lower()}.onnx", source)
        package_model = PackageModel(
            family.name, checked.name, pair_layout, target_tokenizer, checked.model_sha256
        )
        metadata: dict[str, Any] = {
            "package_version": _PACKAGE_VERSION,
            "argos_version": "1.9",
            "type": "translate",
            "links": [],
            "from_code": languages.get(source).argos or source,
            "from_name": languages.get(source).english_name,
            "to_code": languages.get(target).argos or target,
            "to_name": languages.get(target).english_name,
            METADATA_KEY: package_model.to_metadata(),
        }
        if len(pair_layout.target_prefix) == 1:
            # Where Argos reads a target token itself (it cannot add the source tokens).
            metadata["target_prefix"] = pair_layout.target_prefix[0]
        (root / "metadata.json").write_text(
            json.dumps(metadata, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        (root / "README.md").write_text(_readme(checked, source, target), encoding="utf-8")
        packages.append(root)
    return packages


def _link_or_copy(origin: Path, dest: Path, shared: Path | None) -> None:
    """Hard-link `dest` to an identical installed file where there is one, else copy.

    Never link to the user's own model directory: a file edited there in
    place would change the installed model behind our back.
    """
    same = shared is not None and shared.is_file()
    if same and shared is not None and origin.name != "model.bin":  # model.bin: same SHA-256
        same = filecmp.cmp(origin, shared, shallow=False)
    if same and shared is not None:
        try:
            os.link(shared, dest)
            return
        except OSError:
            pass  # another file system, or no hard links: a copy works the same
    shutil.copyfile(origin, dest)
    dest.chmod(0o444)


def _readme(checked: _Checked, source: str, target: str) -> str:
    family = checked.family
    return (
        f"# {checked.name}: {source} -> {target}\n\n"
        f"A {family.label} model converted to CTranslate2, packaged by publisher "
        "(`publisher models import`).\n\n"
        f"Licence of the model: {family.licence}.\n\n"
        "The language tokens it needs are in metadata.json under `publisher`: "
        "`source_prefix` and `source_suffix` go around every sentence's SentencePiece "
        "pieces, `target_prefix` is forced at the start of the output and removed from it. "
        "Plain Argos Translate reads `target_prefix` only, so use this package with publisher.\n"
    )


def _archive(package: Path, out: Path) -> Path:
    """Zip a package as Argos expects (one top-level folder); the model stored, not deflated."""
    archive = out / f"{package.name}.argosmodel"
    partial = out / f".{package.name}.argosmodel.partial"
    with zipfile.ZipFile(partial, "w") as zf:
        for path in sorted(package.rglob("*")):
            name = path.relative_to(package.parent).as_posix()
            if path.is_dir():
                zf.writestr(zipfile.ZipInfo(name + "/"), b"")
            else:
                method = zipfile.ZIP_STORED if path.name == "model.bin" else zipfile.ZIP_DEFLATED
                zf.write(path, name, compress_type=method)
    os.replace(partial, archive)
    return archive


def _install(built: list[Path], packages_dir: Path) -> list[store.ModelInfo]:
    """Move the packages in, each replacing any installed package of its pair."""
    packages_dir.mkdir(parents=True, exist_ok=True)
    installed = []
    with lock:
        runtime = argos(packages_dir)
        for package in built:
            metadata = json.loads((package / "metadata.json").read_text(encoding="utf-8"))
            pair = (metadata["from_code"], metadata["to_code"])
            for model in store.list_models(packages_dir):
                if (model.from_code, model.to_code) == pair or model.name == package.name:
                    runtime.package.uninstall(runtime.package.Package(model.path))
            os.replace(package, packages_dir / package.name)
            forget_translations(runtime.translate, pair)
            installed.append(packages_dir / package.name)
    return [info for info in store.list_models(packages_dir) if info.path in installed]
