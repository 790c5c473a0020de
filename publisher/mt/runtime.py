"""Argos Translate, imported once, configured for offline use and pointed at a folder.

Argos is configured from environment variables read once, when
`argostranslate.settings` is first imported, so it is imported here lazily
(after setting those variables): `publisher --help` must not pay for
ctranslate2, and the settings must be ours, not a leftover default.
Everything that could reach the network is pinned: no package index
(offline, `get_available_packages()` hangs for ~45 s), and no sentence-splitter
download (MiniSBD fetches a model from GitHub when a package lacks one).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

# Argos settings fixed before its first import.  The index URL is unreachable on
# purpose: an accidental index lookup fails at once (a RecursionError inside
# Argos, in ~50 ms) instead of hanging offline for ~45 s.
_ARGOS_ENVIRONMENT = {
    "ARGOS_CHUNK_TYPE": "MINISBD",
    "ARGOS_MODEL_PROVIDER": "OPENNMT",
    "ARGOS_PACKAGE_INDEX": "file:///dev/null/publisher-offline/",
    "ARGOS_DEBUG": "0",
}


#: Held while Argos's module globals (packages folder, caches) are read or changed.
lock = threading.RLock()


@dataclass(frozen=True)
class Argos:
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


def argos(packages_dir: Path) -> Argos:
    """Import Argos (first call only) and point it at `packages_dir`.

    Argos keeps its packages directory in module globals; they are reset on
    every call because tests and the benchmark use several directories in one
    process, and because someone else may have imported Argos first.
    """
    packages_dir = packages_dir.resolve()
    with lock:
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
            forget_translations(argostranslate.translate, pair=None)
        return Argos(settings, argostranslate.package, argostranslate.translate, minisbd.models)


def forget_translations(translate: ModuleType, pair: tuple[str, str] | None) -> None:
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
