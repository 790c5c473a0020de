"""An empty machine translation is no draft (issue 20, item 13).

A model that returns nothing for a segment (a broken or mismatched package: here a
real, generated Argos package whose decoder ends every sentence at once) leaves the
segment untranslated: no empty "draft", no origin recorded, no history line, and the
`translate` summary says what happened.
"""

from __future__ import annotations

import json
from pathlib import Path

import polib

from tests.support.argos_model import build_test_package
from tests.support.workspace import Cli


def test_a_model_that_returns_nothing_leaves_the_segments_untranslated(
    cli: Cli, workspace: Path, sample: str, tmp_path: Path
) -> None:
    archive = build_test_package(tmp_path / "pkg", name="translate-en_zh-silent", silent=True)
    cli("models", "install", str(archive))
    catalog_path = workspace / "releases" / sample / "translations" / "zh-Hans.po"
    history_path = workspace / "releases" / sample / "history.jsonl"
    catalog_before, history_before = catalog_path.read_bytes(), history_path.read_bytes()
    result = cli("translate", sample, "--lang", "zh-Hans", "--engine", "argos")
    ids = [e.msgctxt for e in polib.pofile(str(catalog_path))]
    assert result.stdout.endswith(
        " zh-Hans: 0 drafts from memory, 0 machine drafts (translate-en_zh-silent 0.1), "
        "12 empty machine translations left untranslated\n"
    )
    assert result.stdout.count("\n") == 1
    assert result.stderr.endswith(f"no draft for 12 segments: {', '.join(ids)}\n")
    for entry in polib.pofile(str(catalog_path)):
        assert entry.msgstr == "" and "fuzzy" not in entry.flags, entry.msgctxt
        assert "origin:" not in (entry.tcomment or ""), entry.tcomment
    assert catalog_path.read_bytes() == catalog_before
    assert history_path.read_bytes() == history_before
    status = json.loads(cli("status", sample, "--json").stdout)["releases"][0]
    assert status["languages"]["zh-Hans"]["untranslated"] == 12
