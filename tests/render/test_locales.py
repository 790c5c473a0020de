"""The label catalogs in locales/: up to date with the templates, complete, well formed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.locales import LOCALES, checked_translations, extracted, message_ids, read

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def test_template_labels_are_all_extracted() -> None:
    found = extracted("babel.cfg")
    pot = message_ids(read(LOCALES / "messages.pot"))
    assert found == pot, "run pybabel extract (see babel.cfg) and translate the new labels"


@pytest.mark.parametrize("folder", ["km", "zh_Hans"])
def test_every_label_is_translated_with_its_placeholders(folder: str) -> None:
    path = LOCALES / folder / "LC_MESSAGES" / "messages.po"
    wanted = message_ids(read(LOCALES / "messages.pot"))
    catalog, translations = checked_translations(path)
    assert message_ids(catalog) >= wanted
    for source, strings in translations:
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(source)), source
    assert Path(path).read_text(encoding="utf-8").count("#, fuzzy") == 0
