"""The installed translation models: a folder of Argos packages, listed, installed, removed.

Listing reads each package's metadata.json directly, without importing Argos,
so `publisher models list` and `doctor` stay fast. Installing checks the
archive before Argos extracts it (Argos only checks that it is a zip), and
keeps one model per language pair.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from publisher.core import languages
from publisher.errors import TranslationEngineError, UsageError
from publisher.mt.runtime import argos, forget_translations, lock


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
    with lock:
        runtime = argos(packages_dir)
        replaced = [m for m in list_models(packages_dir) if (m.from_code, m.to_code) == pair]
        for model in replaced:
            if model.name == top:  # extracting over it would leave stale files behind
                runtime.package.uninstall(runtime.package.Package(model.path))
        runtime.package.install_from_path(archive)
        for model in replaced:
            if model.name != top:
                runtime.package.uninstall(runtime.package.Package(model.path))
        forget_translations(runtime.translate, pair)
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
    with lock:
        runtime = argos(packages_dir)
        for model in matches:
            runtime.package.uninstall(runtime.package.Package(model.path))
            forget_translations(runtime.translate, (model.from_code, model.to_code))
    return matches[0]


def _argos_code(code: str) -> str:
    """Map our codes and aliases to Argos's; pass unknown codes through (a pair of other models)."""
    try:
        return languages.get(code).argos or code
    except UsageError:
        return code


def find_model(from_lang: str, to_lang: str, packages_dir: Path) -> ModelInfo:
    source, target = languages.get(from_lang), languages.get(to_lang)
    pair = (source.argos, target.argos)
    for model in list_models(packages_dir):
        if (model.from_code, model.to_code) == pair:
            return model
    raise TranslationEngineError(
        f"no Argos model for {source.code}->{target.code} is installed; install one with "
        "`publisher models install FILE`, or translate by hand"
    )
