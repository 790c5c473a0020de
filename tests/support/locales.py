"""The product's gettext catalogs as the locale tests read them: what the code's labels
extract to, a catalog's message ids, and each message's translations."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from tests.support.workspace import REPO

LOCALES = REPO / "publisher" / "resources" / "locales"


def extracted(config: str, keywords: dict[str, Any] | None = None) -> set[str]:
    """The messages `pybabel extract -F config` finds in the repository."""
    with open(REPO / config, encoding="utf-8") as handle:
        # Babel leaves its mapping-file reader unannotated
        method_map, options_map = parse_mapping_cfg(handle)  # type: ignore[no-untyped-call]
    found = (
        extract_from_dir(str(REPO), method_map, options_map)
        if keywords is None
        else extract_from_dir(str(REPO), method_map, options_map, keywords=keywords)
    )
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


def read(path: Path) -> Catalog:
    with open(path, "rb") as handle:
        return read_po(handle)


def message_ids(catalog: Catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def checked_translations(path: Path) -> tuple[Catalog, Iterator[tuple[str, list[str]]]]:
    """The catalog at `path` once `msgfmt --check` accepts it, and each message's source
    text with its translations (one, or the plural forms), none of them blank."""
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], check=True)
    catalog = read(path)

    def each() -> Iterator[tuple[str, list[str]]]:
        for message in catalog:
            if not message.id:
                continue
            source = message.id if isinstance(message.id, str) else message.id[0]
            string = message.string
            strings = [string] if isinstance(string, str) else list(string or ())
            assert all(s.strip() for s in strings), f"{path}: {source!r} is not translated"
            yield source, strings

    return catalog, each()
