"""The label catalogs in locales/: up to date with the templates, complete, well formed."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from tests.support.workspace import REPO

LOCALES = REPO / "publisher" / "resources" / "locales"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _ids(catalog) -> set[str]:  # type: ignore[no-untyped-def]
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def test_template_labels_are_all_extracted() -> None:
    with open(REPO / "babel.cfg", encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = {
        message if isinstance(message, str) else message[0]
        for _, _, message, _, _ in extract_from_dir(str(REPO), method_map, options_map)
    }
    with open(LOCALES / "messages.pot", "rb") as handle:
        pot = _ids(read_po(handle))
    assert found == pot, "run pybabel extract (see babel.cfg) and translate the new labels"


@pytest.mark.parametrize("folder", ["km", "zh_Hans"])
def test_every_label_is_translated_with_its_placeholders(folder: str) -> None:
    path = LOCALES / folder / "LC_MESSAGES" / "messages.po"
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], check=True)
    with open(LOCALES / "messages.pot", "rb") as handle:
        wanted = _ids(read_po(handle))
    with open(path, "rb") as handle:
        catalog = read_po(handle)
    assert _ids(catalog) >= wanted
    for message in catalog:
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert all(s.strip() for s in strings), f"{folder}: {source!r} is not translated"
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(source)), source
    assert Path(path).read_text(encoding="utf-8").count("#, fuzzy") == 0
