"""The Argos adapter against real Argos code and a real (generated) model.

The reference for every translation is Argos's own `translate()`, text by
text, on the same installed package: the batched path must give exactly its
output, only faster.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from publisher.errors import TranslationEngineError
from publisher.mt import argos, store
from tests.support.argos_model import TEXTS, build_test_package
from tests.support.workspace import REPO


class CountingEngine:
    """Wraps the CTranslate2 translator to count the calls that reach it."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.calls: list[list[list[str]]] = []

    def translate_batch(self, source: list[list[str]], **options: Any) -> Any:
        self.calls.append(source)
        return self.engine.translate_batch(source, **options)


def test_importing_the_adapter_does_not_import_argos() -> None:
    code = (
        "import sys, publisher.mt.argos, publisher.mt.protect, tests.support.argos_model\n"
        "heavy = ('argostranslate', 'ctranslate2', 'sentencepiece', 'onnxruntime', 'minisbd')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_batched_output_is_argos_output(
    argos_translator: argos.Translator, argos_packages_dir: Path
) -> None:
    expected = argos.reference_translate(TEXTS, "en", "zh-Hans", argos_packages_dir)
    assert argos_translator.translate_batch(TEXTS) == expected
    # A reference that said nothing would prove nothing.
    assert len({text for text in expected if text}) > 20
    assert expected[3] == "" and expected[0] == expected[-8]


@pytest.mark.parametrize(
    ("workers", "max_batch_size", "batch_type"), [(2, 4, "examples"), (2, 200, "tokens")]
)
def test_batch_shape_and_threads_do_not_change_the_output(
    argos_translator: argos.Translator,
    argos_packages_dir: Path,
    workers: int,
    max_batch_size: int,
    batch_type: str,
) -> None:
    """Other batch sizes mean other padding, and threads another split of the work."""
    other = argos.load_translator(
        "en",
        "zh-Hans",
        argos_packages_dir,
        workers=workers,
        max_batch_size=max_batch_size,
        batch_type=batch_type,
    )
    assert other.translate_batch(TEXTS) == argos_translator.translate_batch(TEXTS)


def test_all_sentences_of_a_run_go_to_ctranslate2_in_one_call(
    argos_translator: argos.Translator, monkeypatch: pytest.MonkeyPatch
) -> None:
    counting = CountingEngine(argos_translator._engine)
    monkeypatch.setattr(argos_translator, "_engine", counting)
    argos_translator.translate_batch(TEXTS)
    assert len(counting.calls) == 1
    # Sentences, not texts: the multi-sentence texts were split by MiniSBD.
    assert len(counting.calls[0]) > len([t for t in TEXTS if t.strip()]) + 10


def test_translating_nothing_calls_nothing(
    argos_translator: argos.Translator, monkeypatch: pytest.MonkeyPatch
) -> None:
    counting = CountingEngine(argos_translator._engine)
    monkeypatch.setattr(argos_translator, "_engine", counting)
    assert argos_translator.translate_batch([]) == []
    assert argos_translator.translate_batch(["", "\n"]) == ["", ""]
    assert counting.calls == []


def test_progress_adds_up_to_the_number_of_texts(argos_translator: argos.Translator) -> None:
    steps: list[int] = []
    argos_translator.translate_batch(TEXTS[:12], progress=steps.append)
    assert sum(steps) == 12 and all(step > 0 for step in steps)


def test_install_list_remove(tmp_path: Path, argos_test_archive: Path) -> None:
    packages = tmp_path / "packages"
    assert store.list_models(packages) == []
    info = store.install_model(argos_test_archive, packages)
    assert (info.name, info.from_code, info.to_code, info.version) == (
        "translate-en_zh-test-2x64",
        "en",
        "zh",
        "0.1",
    )
    assert (info.path / "model" / "model.bin").is_file()
    assert store.list_models(packages) == [info]

    assert store.remove_model("en->zh-Hans", packages) == [info]
    assert store.list_models(packages) == [] and not info.path.exists()
    with pytest.raises(TranslationEngineError, match="no installed Argos model 'en->zh-Hans'"):
        store.remove_model("en->zh-Hans", packages)

    store.install_model(argos_test_archive, packages)
    assert [m.name for m in store.remove_model(info.name, packages)] == [info.name]
    assert store.list_models(packages) == []


def test_load_sees_installs_and_removals(tmp_path: Path, argos_test_archive: Path) -> None:
    packages = tmp_path / "packages"
    store.install_model(argos_test_archive, packages)
    first = argos.load_translator("en", "zh", packages, workers=1).translate_batch(["Hello."])
    store.remove_model("en->zh", packages)
    with pytest.raises(TranslationEngineError, match="no Argos model for en->zh-Hans"):
        argos.load_translator("en", "zh-Hans", packages)
    store.install_model(argos_test_archive, packages)
    assert argos.load_translator("en", "zh-CN", packages).translate_batch(["Hello."]) == first


def test_reinstall_replaces_the_model_for_argos_too(
    tmp_path: Path, argos_test_archive: Path
) -> None:
    """Argos keeps one loaded model per pair across cache clears; a new model must replace it."""
    other = build_test_package(tmp_path / "other", name="translate-en_zh-other", seed=7)
    packages = tmp_path / "packages"
    store.install_model(argos_test_archive, packages)
    before = argos.reference_translate(TEXTS[:3], "en", "zh-Hans", packages)

    store.install_model(other, packages)
    assert [m.name for m in store.list_models(packages)] == ["translate-en_zh-other"]
    after = argos.reference_translate(TEXTS[:3], "en", "zh-Hans", packages)
    batched = argos.load_translator("en", "zh-Hans", packages, workers=1).translate_batch(TEXTS[:3])
    assert after == batched and after != before


def test_missing_pair_is_a_clear_error_without_the_package_index(
    tmp_path: Path, argos_packages_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import argostranslate.package

    def offline(*args: object) -> None:
        raise AssertionError("the package index must never be consulted")

    monkeypatch.setattr(argostranslate.package, "get_available_packages", offline)
    monkeypatch.setattr(argostranslate.package, "update_package_index", offline)
    message = (
        "no Argos model for en->km is installed; install one with "
        "`publisher models install FILE` or `publisher models import DIR`, or translate by hand"
    )
    for packages in (argos_packages_dir, tmp_path / "missing"):
        with pytest.raises(TranslationEngineError) as caught:
            argos.load_translator("en", "km", packages)
        assert caught.value.message == message
    with pytest.raises(TranslationEngineError, match="no Argos model for zh-Hans->en"):
        argos.reference_translate(["x"], "zh-Hans", "en", argos_packages_dir)


def _rezip(
    source: Path, dest: Path, edit: Callable[[str, bytes], tuple[str, bytes] | None]
) -> Path:
    """Copy an archive, renaming, changing or dropping members through `edit`."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(dest, "w") as out:
        for name in src.namelist():
            edited = edit(name, src.read(name))
            if edited is not None:
                out.writestr(*edited)
    return dest


def _drop(suffix: str) -> Callable[[str, bytes], tuple[str, bytes] | None]:
    return lambda name, data: None if name.endswith(suffix) else (name, data)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda name, data: (name.split("/", 1)[1] or "x", data), "exactly one folder"),
        (
            lambda name, data: (
                (name.replace("test-2x64", "a", 1), data) if "json" in name else (name, data)
            ),
            "exactly one folder",
        ),
        (_drop("metadata.json"), "no metadata.json"),
        (
            lambda name, data: (
                (name, b"{not json") if name.endswith("metadata.json") else (name, data)
            ),
            "not valid JSON",
        ),
        (
            lambda name, data: (
                (name, json.dumps({"from_code": "en"}).encode())
                if name.endswith("metadata.json")
                else (name, data)
            ),
            "no to_code",
        ),
        (_drop("model/model.bin"), "no CTranslate2 model"),
        (_drop("sentencepiece.model"), "no tokenizer"),
    ],
)
def test_install_refuses_what_is_not_an_argos_model(
    tmp_path: Path,
    argos_test_archive: Path,
    edit: Callable[[str, bytes], tuple[str, bytes] | None],
    message: str,
) -> None:
    bad = _rezip(argos_test_archive, tmp_path / "bad.argosmodel", edit)
    packages = tmp_path / "packages"
    with pytest.raises(TranslationEngineError, match=message):
        store.install_model(bad, packages)
    assert store.list_models(packages) == []
    assert not packages.exists() or not any(packages.iterdir())


def test_install_refuses_missing_and_non_zip_files(tmp_path: Path) -> None:
    with pytest.raises(TranslationEngineError, match="no such file"):
        store.install_model(tmp_path / "nothing.argosmodel", tmp_path / "packages")
    text = tmp_path / "notes.argosmodel"
    text.write_text("not a model")
    with pytest.raises(TranslationEngineError, match="not a zip archive"):
        store.install_model(text, tmp_path / "packages")


def test_package_without_sentence_splitter_is_refused_not_downloaded(
    tmp_path: Path, argos_test_archive: Path
) -> None:
    bad = _rezip(argos_test_archive, tmp_path / "nosbd.argosmodel", _drop(".onnx"))
    packages = tmp_path / "packages"
    store.install_model(bad, packages)
    with pytest.raises(TranslationEngineError, match="no sentence splitter"):
        argos.load_translator("en", "zh-Hans", packages)


def test_corrupt_model_fails_at_load_with_its_name(
    tmp_path: Path, argos_test_archive: Path
) -> None:
    def corrupt(name: str, data: bytes) -> tuple[str, bytes]:
        return (name, b"garbage" * 10) if name.endswith("model/model.bin") else (name, data)

    packages = tmp_path / "packages"
    store.install_model(_rezip(argos_test_archive, tmp_path / "bad.argosmodel", corrupt), packages)
    with pytest.raises(TranslationEngineError, match="cannot load the Argos model translate-en_zh"):
        argos.load_translator("en", "zh-Hans", packages)


def test_test_model_is_deterministic_and_splits_sentences(
    tmp_path: Path, argos_test_archive: Path
) -> None:
    from minisbd import SBDetect

    again = build_test_package(tmp_path)
    assert again.read_bytes() == argos_test_archive.read_bytes()
    with zipfile.ZipFile(again) as zf:
        zf.extractall(tmp_path / "unzipped")
    onnx = next((tmp_path / "unzipped").rglob("minisbd/en.onnx"))
    splitter = SBDetect(str(onnx), use_gpu=False)
    text = "Dr. Smith left. Visit www.mfaic.gov.kh. Is it 3.5 km? Yes!"
    # The rules of publisher/mt/splitter.py: titles, decimals and URLs do not split.
    assert splitter.sentences(text) == [
        "Dr. Smith left.",
        "Visit www.mfaic.gov.kh.",
        "Is it 3.5 km?",
        "Yes!",
    ]
    assert splitter.sentences("柬埔寨王国。民族、宗教、国王。") == [
        "柬埔寨王国。",
        "民族、宗教、国王。",
    ]
