"""The installed translation models: a folder of Argos packages, listed, installed, removed.

Listing reads each package's metadata.json directly, without importing Argos,
so `publisher models list` and `doctor` stay fast. Installing checks the
archive before Argos extracts it (Argos only checks that it is a zip), and
keeps one model per language pair.

A package made from a multilingual model (`publisher models import`) serves
one pair, as every Argos package does, and carries the model's language
tokens under metadata.json's `publisher` key (`families.PackageModel`).  The
packages of one model share its files through hard links: each package stays
a complete Argos package that Argos lists and loads on its own, removing one
removes only its links, and the disk space goes when the last one goes.
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from publisher.core import languages
from publisher.errors import TranslationEngineError, UsageError
from publisher.mt.families import METADATA_KEY, TARGET_TOKENIZER, PackageModel, get_family
from publisher.mt.runtime import argos, forget_translations, lock


@dataclass(frozen=True)
class ModelInfo:
    """An installed Argos package, as the CLI lists it."""

    name: str  # the package's folder name in the packages directory
    from_code: str  # Argos codes, as in the package's metadata.json ("zh", not "zh-Hans")
    to_code: str
    version: str
    path: Path
    model: PackageModel | None = None  # a multilingual model's tokens, None for plain packages

    @property
    def pair(self) -> str:
        """The pair in the workspace's codes ("en->zh-Hans")."""
        return f"{our_code(self.from_code)}->{our_code(self.to_code)}"

    @property
    def description(self) -> str:
        """What the package holds, for `models list`."""
        if self.model is None:
            return f"Argos package {self.version}".strip()
        family = get_family(self.model.family)
        return f"{self.model.model} ({family.label}, {family.licence})"

    def files_id(self) -> tuple[int, int] | None:
        """Identifies the model file on disk: packages sharing it share their model."""
        try:
            stat = (self.path / "model" / "model.bin").stat()
        except OSError:
            return None
        return (stat.st_dev, stat.st_ino)


def our_code(argos_code: str) -> str:
    """The workspace's code for an Argos code ("zh" -> "zh-Hans"); others unchanged."""
    for lang in languages.LANGUAGES.values():
        if lang.argos == argos_code:
            return lang.code
    return argos_code


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
        model=_package_model(metadata, path / "metadata.json"),
    )


def _package_model(metadata: dict[str, Any], where: Path | str) -> PackageModel | None:
    if METADATA_KEY not in metadata:
        return None
    try:
        return PackageModel.from_metadata(metadata[METADATA_KEY])
    except ValueError as exc:
        raise TranslationEngineError(f"metadata.json: {exc}", path=where) from exc


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
        info = _model_info(packages_dir / top)
        share_model_files(info, packages_dir)
    return info


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
            package_model = _package_model(metadata, archive)
            if package_model is not None:
                _check_archived_tokens(zf, top, package_model, archive)
                _check_archived_checksum(zf, top, package_model, archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise TranslationEngineError(f"cannot read the archive: {exc}", path=archive) from exc
    return top, metadata


def _check_archived_tokens(
    zf: zipfile.ZipFile, top: str, package_model: PackageModel, archive: Path
) -> None:
    """The tokens a package declares must be in its model's vocabulary (else CTranslate2
    silently reads them as <unk>), and the files it names must be there."""
    names = set(zf.namelist())
    if (
        package_model.target_tokenizer == TARGET_TOKENIZER
        and f"{top}/{TARGET_TOKENIZER}" not in names
    ):
        raise TranslationEngineError(
            f"not a complete package: no {top}/{TARGET_TOKENIZER}", path=archive
        )
    vocabularies = []
    for side in ("shared", "source", "target"):
        name = f"{top}/model/{side}_vocabulary.json"
        if name in names:
            try:
                vocabularies.append((side, set(json.loads(zf.read(name)))))
            except (ValueError, TypeError) as exc:
                raise TranslationEngineError(
                    f"{name} is not a JSON list: {exc}", path=archive
                ) from exc
    if not vocabularies:
        return  # an older vocabulary format: checked when the model is imported
    source = next(v for side, v in vocabularies if side in ("shared", "source"))
    target = next((v for side, v in vocabularies if side == "target"), source)
    layout = package_model.layout
    missing = [t for t in [*layout.source_prefix, *layout.source_suffix] if t not in source]
    missing += [t for t in layout.target_prefix if t not in target]
    if missing:
        raise TranslationEngineError(
            f"the package's language tokens are not in its model's vocabulary: "
            f"{', '.join(missing)}",
            path=archive,
        )


def _check_archived_checksum(
    zf: zipfile.ZipFile, top: str, package_model: PackageModel, archive: Path
) -> None:
    """A package made by `models import` records its model file's SHA-256: check it, so that
    a damaged copy is refused before anything changes (and may share files safely)."""
    if package_model.model_sha256 == "unknown":
        return
    digest = hashlib.sha256()
    with zf.open(f"{top}/model/model.bin") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    if digest.hexdigest() != package_model.model_sha256:
        raise TranslationEngineError(
            "the model file does not match the SHA-256 in metadata.json: the archive is damaged",
            path=archive,
        )


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def twin_package(model_sha256: str, packages_dir: Path, exclude: str = "") -> ModelInfo | None:
    """An installed package with the same model file (by recorded SHA-256), if any."""
    for other in list_models(packages_dir):
        if (
            other.name != exclude
            and other.model is not None
            and other.model.model_sha256 == model_sha256
            and (other.path / "model" / "model.bin").is_file()
        ):
            return other
    return None


def share_model_files(package: ModelInfo, packages_dir: Path) -> None:
    """Replace the package's model files by hard links to an installed twin's.

    Best effort: where the file system refuses hard links the package keeps
    its own copy, which works the same.
    """
    if package.model is None or package.model.model_sha256 == "unknown":
        return
    twin = twin_package(package.model.model_sha256, packages_dir, exclude=package.name)
    if twin is None or twin.files_id() == package.files_id():
        return
    for file in sorted((package.path / "model").iterdir()):
        other = twin.path / "model" / file.name
        if not other.is_file() or not file.is_file():
            continue
        if file.name != "model.bin" and not filecmp.cmp(file, other, shallow=False):
            continue
        link = file.with_name(f".{file.name}.link")
        try:
            os.link(other, link)
            os.replace(link, file)
        except OSError:
            link.unlink(missing_ok=True)
            return


def remove_model(name: str, packages_dir: Path) -> list[ModelInfo]:
    """Remove installed packages, named by folder name, as a pair ("en->zh-Hans"), or by
    the name of an imported model (all its packages)."""
    models = list_models(packages_dir)
    matches = [m for m in models if m.name == name]
    if not matches:
        matches = [m for m in models if m.model is not None and m.model.model == name]
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
    return matches


def _argos_code(code: str) -> str:
    """Map our codes and aliases to Argos's; pass unknown codes through (a pair of other models)."""
    try:
        return languages.get(code).argos or code
    except UsageError:
        return code


def model_for(from_lang: str, to_lang: str, packages_dir: Path) -> ModelInfo | None:
    """The installed package for a pair of our language codes, if any."""
    source, target = languages.get(from_lang), languages.get(to_lang)
    pair = (source.argos, target.argos)
    for model in list_models(packages_dir):
        if (model.from_code, model.to_code) == pair:
            return model
    return None


def find_model(from_lang: str, to_lang: str, packages_dir: Path) -> ModelInfo:
    model = model_for(from_lang, to_lang, packages_dir)
    if model is not None:
        return model
    source, target = languages.get(from_lang), languages.get(to_lang)
    raise TranslationEngineError(
        f"no Argos model for {source.code}->{target.code} is installed; install one with "
        "`publisher models install FILE` or `publisher models import DIR`, or translate by hand"
    )
