"""The fixtures every tier's tests share (helpers live in tests/support/).

- `workspace`: a scratch workspace made by `publisher init`; `cli`: `publisher` run in it
  (tests/support/workspace.py `Cli`); `sample`: the sample release imported into it;
  `repo_workspace`: a copy of this repository's workspace (the shipped sample, approved).
- Machine translation: a generated Argos model, installed the real way, built once per
  session (well under a second) into a temporary directory: no model file is committed
  and nothing is downloaded.
  `argos_test_archive`: the generated en->zh .argosmodel file (do not modify it);
  `argos_packages_dir`: a packages directory with that model installed (shared by the
  session: install into your own `tmp_path` to change it); `argos_translator`: a loaded
  en->zh-Hans `Translator` on that directory; `family_model`: tiny NLLB / MADLAD /
  M2M-100 / Marian CTranslate2 models (tests/support/family_models.py), as
  `ct2-transformers-converter` writes them; `recorded`: the CTranslate2 translators
  created during a test, each a `RecordingTranslator` that keeps the exact tokens it
  received.

- `browser`: Debian's Chromium driven by Playwright, one per test module.

The mail fixtures (a real SMTP server) are in tests/mail/conftest.py, the web review's
workspace in tests/web/conftest.py.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from typer.testing import CliRunner

from publisher.cli.app import app
from publisher.mt import argos, store
from tests.support import family_models
from tests.support.argos_model import build_test_package
from tests.support.web import CHROMIUM, CHROMIUM_ARGS
from tests.support.workspace import SAMPLE_SLUG, SAMPLE_TITLE, SAMPLE_TXT, Cli, copy_repo_workspace

if TYPE_CHECKING:
    from playwright.sync_api import Browser

# Argos's own translator (the reference the tests compare with) on one thread:
# its default, OpenMP over all cores, takes ~0.2 s per text on a busy 2-core
# machine instead of ~10 ms.  Threads change the speed, not the output
# (benchmarks/translate.py checks both settings).  Argos reads this at its
# first import, which this plugin precedes.
os.environ.setdefault("ARGOS_INTRA_THREADS", "1")

# The link key that seals personal links' approvals (publisher/core/link_mac.py): one for the
# test session, in a temporary folder, never this machine's own (~/.config/publisher); the
# servers the tests start inherit it. The folder goes when the session's process ends.
_link_key_folder = tempfile.mkdtemp(prefix="publisher-link-key-")
atexit.register(shutil.rmtree, _link_key_folder, True)
os.environ["PUBLISHER_LINK_KEY_FILE"] = str(Path(_link_key_folder) / "link-key")


@pytest.fixture(scope="session")
def argos_test_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_test_package(tmp_path_factory.mktemp("argos-archive"), "en", "zh")


@pytest.fixture(scope="session")
def argos_packages_dir(tmp_path_factory: pytest.TempPathFactory, argos_test_archive: Path) -> Path:
    packages_dir = tmp_path_factory.mktemp("argos-packages")
    store.install_model(argos_test_archive, packages_dir)
    return packages_dir


@pytest.fixture(scope="session")
def argos_translator(argos_packages_dir: Path) -> argos.Translator:
    return argos.load_translator("en", "zh-Hans", argos_packages_dir, workers=1)


@pytest.fixture(scope="session")
def family_model(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """`family_model("nllb")`: a tiny CTranslate2 model of that family, as the converter
    writes it, in a folder named "<family>-tiny" (built once per session; do not modify)."""
    built: dict[str, Path] = {}

    def build(family: str) -> Path:
        if family not in built:
            folder = tmp_path_factory.mktemp(f"ct2-{family}") / f"{family}-tiny"
            built[family] = family_models.build_family_model(family, folder)
        return built[family]

    return build


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[family_models.RecordingTranslator]:
    """Every CTranslate2 translator created during the test, recording what it is asked."""
    import ctranslate2

    real = ctranslate2.Translator
    made: list[family_models.RecordingTranslator] = []

    def recording(*args: Any, **kwargs: Any) -> family_models.RecordingTranslator:
        translator = family_models.RecordingTranslator(real(*args, **kwargs))
        made.append(translator)
        return translator

    monkeypatch.setattr(ctranslate2, "Translator", recording)
    return made


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A bare workspace: `init` without numbers, and without the boilerplate it writes,
    so a test sees one feature at a time (tests/cli/test_first_day_flow.py runs the
    complete workspace of `init`)."""
    root = tmp_path / "ws"
    result = CliRunner().invoke(
        app, ["init", str(root), "--yes", "--numbering", "none"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    shutil.rmtree(root / "boilerplate")
    return root


@pytest.fixture
def cli(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("PUBLISHER_REVIEWER", "Test Reviewer")
    return Cli(workspace)


@pytest.fixture
def sample(cli: Cli) -> str:
    """The sample release imported into the scratch workspace; returns its slug."""
    cli(
        "new",
        str(SAMPLE_TXT),
        "--title",
        SAMPLE_TITLE,
        "--date",
        "2024-11-30",
        "--place",
        "Phnom Penh",
    )
    return SAMPLE_SLUG


@pytest.fixture
def repo_workspace(tmp_path: Path) -> Iterator[Path]:
    """A copy of this repository's workspace (the shipped sample, approved)."""
    yield copy_repo_workspace(tmp_path / "repo-ws")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright, one per test module (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
