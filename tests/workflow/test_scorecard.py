"""`publisher models score`: chrF, BLEU, glossary terms and protected items, per model.

The computation is checked on cases whose scores are known by hand; the
command is run on the sample's approved Chinese with a generated model, and
its numbers are checked against sacrebleu run on the same drafts.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
import sacrebleu

from publisher.core.glossary import Glossary
from publisher.errors import TranslationEngineError, UsageError
from publisher.mt import argos, store
from publisher.qa.coverage import Coverage
from publisher.workflow.drafting import machine_drafts
from publisher.workflow.scorecard import Sample, approved_samples, score_models, score_outputs
from tests.support.workspace import REPO, SAMPLE_SLUG, Cli

CHRF_SIGNATURE = f"nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:{sacrebleu.__version__}"


def _bleu_signature(tok: str) -> str:
    return f"nrefs:1|case:mixed|eff:no|tok:{tok}|smooth:exp|version:{sacrebleu.__version__}"


def test_half_right_half_disjoint_scores_fifty() -> None:
    """Two segments of equal length, one exact, one sharing no character: at every n-gram
    order half of the hypothesis matches half of the reference, so chrF = BLEU = 50."""
    samples = [
        Sample("en", "Kingdom of Cambodia", "柬埔寨王国", "a/s1"),
        Sample("en", "Nation Religion King", "民族宗教国", "a/s2"),
    ]
    chrf, bleu, covered = score_outputs(samples, ["柬埔寨王国", "甲乙丙丁戊"], "zh-Hans", {})
    assert (round(chrf.score, 6), chrf.metric, chrf.signature) == (50.0, "chrF2", CHRF_SIGNATURE)
    assert (round(bleu.score, 6), bleu.metric, bleu.signature) == (
        50.0,
        "BLEU",
        _bleu_signature("zh"),
    )
    assert covered == Coverage()


def test_brevity_penalty_alone() -> None:
    """Every n-gram right, one word short of five: BLEU = 100 * exp(1 - 5/4)."""
    samples = [Sample("km", "ក ខ គ ឃ ង", "a b c d e", "a/s1")]
    _, bleu, _ = score_outputs(samples, ["a b c d"], "en", {})
    assert round(bleu.score, 2) == 77.88 and bleu.signature == _bleu_signature("13a")


def test_khmer_is_scored_offline_by_characters_without_invisible_spaces() -> None:
    samples = [Sample("en", "Kingdom of Cambodia", "ព្រះរាជាណាចក្រកម្ពុជា", "a/s1")]
    chrf, bleu, _ = score_outputs(samples, ["ព្រះរាជាណាចក្រ\u200bកម្ពុជា"], "km", {})
    assert round(chrf.score, 6) == 100.0 and round(bleu.score, 6) == 100.0
    assert bleu.signature == _bleu_signature("char")


def test_glossary_terms_and_protected_items_are_counted_as_qa_compares_them() -> None:
    glossary = {"President of the Senate": "参议院主席", "China": "中国"}
    source = (
        "The President of the Senate will visit China on 2 December 2024 with 120 officials; "
        "see https://www.mfaic.gov.kh/news or call +855 23 216 122."
    )
    samples = [Sample("en", source, "参议院主席将访问中国。", "a/s1")] * 2
    good = (
        "参议院主席将于2024年12月2日率领120名官员访问中国；详见 https://www.mfaic.gov.kh/news "
        "或致电 +855 23 216 122。"
    )
    # The title lost, the date and the link changed: 1 of 2 terms, 2 of 4 items.
    poor = (
        "主席将于12月3日率领120名官员访问中国；详见 https://www.mfaic.gov.kh/ "
        "或致电 +855 23 216 122。"
    )
    _, _, covered = score_outputs(samples, [good, poor], "zh-Hans", glossary)
    assert covered == Coverage(terms=4, terms_kept=3, items=8, items_kept=6)


class Copying:
    """A model that copies its input: it scores 100 where the approved text is the source."""

    def __init__(self, model: store.ModelInfo) -> None:
        self.model = model

    def translate_batch(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> list[str]:
        if progress is not None:
            progress(len(texts))
        return list(texts)


def test_a_copying_model_scores_one_hundred_on_text_approved_unchanged(
    workspace: Path, argos_test_archive: Path
) -> None:
    tmx = workspace / "memory" / "acronyms.tmx"
    tmx.parent.mkdir()
    units = "".join(
        f'<tu><tuv xml:lang="en"><seg>{text}</seg></tuv>'
        f'<tuv xml:lang="zh-Hans"><seg>{text}</seg></tuv></tu>'
        for text in (
            "ASEAN Regional Forum 2024",
            "World Health Organization (WHO)",
            "United Nations Educational, Scientific and Cultural Organization",
        )
    )
    tmx.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header srclang="en" '
        'datatype="plaintext" segtype="sentence" adminlang="en" o-tmf="test" '
        f'creationtool="test" creationtoolversion="1"/><body>{units}</body></tmx>',
        encoding="utf-8",
    )
    packages = workspace / "packages"
    store.install_model(argos_test_archive, packages)
    steps: list[tuple[str, int, int]] = []
    card = score_models(
        workspace,
        packages,
        "zh-Hans",
        progress=lambda *step: steps.append(step),
        load=lambda model, _: Copying(model),
    )
    [score] = card.scores
    assert (score.package, score.pair, score.segments) == (
        "translate-en_zh-test-2x64",
        "en->zh-Hans",
        3,
    )
    assert round(score.chrf.score, 6) == 100.0 and round(score.bleu.score, 6) == 100.0
    assert score.coverage == Coverage(items=1, items_kept=1)  # "2024"
    assert steps[0] == ("translate-en_zh-test-2x64", 0, 3) and steps[-1][1:] == (3, 3)


@pytest.fixture
def scored_workspace(repo_workspace: Path, argos_test_archive: Path) -> Cli:
    shutil.copy(REPO / "glossary.toml", repo_workspace / "glossary.toml")
    cli = Cli(repo_workspace)
    cli("models", "install", str(argos_test_archive))
    return cli


def test_score_the_sample_in_chinese_with_a_generated_model(
    scored_workspace: Cli, repo_workspace: Path
) -> None:
    cli = scored_workspace
    lines = cli("models", "score", "--lang", "zh-Hans").stdout.splitlines()
    assert lines[:3] == [
        "scorecard for zh-Hans: approved segments 18 from en; "
        "scoring drafts as `translate` makes them",
        "",
        "translate-en_zh-test-2x64 0.1: Argos package 0.1, en->zh-Hans",
    ]
    assert re.fullmatch(r"  segments         18 \(\d+\.\d s\)", lines[3])
    assert re.fullmatch(rf"  chrF2 {{11}} [ \d]{{2}}\d\.\d  {re.escape(CHRF_SIGNATURE)}", lines[4])
    assert re.fullmatch(
        rf"  BLEU {{12}} [ \d]{{2}}\d\.\d  {re.escape(_bleu_signature('zh'))}", lines[5]
    )
    assert re.fullmatch(r"  glossary terms   (\d+)/\1 respected \(100\.0 %\)", lines[6])
    assert re.fullmatch(
        r"  protected items  (\d+)/\1 kept \(100\.0 %\) "
        r"\(URLs, e-mail addresses, phone numbers, numbers, dates\)",
        lines[7],
    )
    assert len(lines) == 8

    # The same numbers, recomputed here from the drafts `translate` would make.
    report = json.loads(cli("models", "score", "--lang", "zh", "--json").stdout)
    samples = approved_samples(repo_workspace, "zh-Hans")
    packages = repo_workspace / ".publisher" / "argos-packages"
    translator = argos.load_translator("en", "zh-Hans", packages, workers=1)
    glossary = Glossary.load(repo_workspace).mapping("en", "zh-Hans")
    drafts = machine_drafts(translator, [s.source for s in samples], "zh-Hans", glossary)
    refs = [[s.reference for s in samples]]
    [model] = report["models"]
    assert model["chrf"]["score"] == round(sacrebleu.corpus_chrf(drafts, refs).score, 2)
    assert model["bleu"]["score"] == round(
        sacrebleu.corpus_bleu(drafts, refs, tokenize="zh").score, 2
    )
    assert f"{model['chrf']['score']:5.1f}" in lines[4]
    assert model["glossary_terms"]["total"] > 0
    assert (report["lang"], report["samples"], report["drafts"]) == (
        "zh-Hans",
        {"en": 18},
        "protected",
    )

    raw = json.loads(cli("models", "score", "--lang", "zh-Hans", "--raw", "--json").stdout)
    assert raw["drafts"] == "raw"
    raw_model = raw["models"][0]
    # Without protection the random model drops what the drafts would have kept.
    assert raw_model["protected_items"]["kept"] < model["protected_items"]["kept"]


def test_score_refuses_what_it_cannot_score(scored_workspace: Cli, cli: Cli, sample: str) -> None:
    result = scored_workspace("models", "score", "--lang", "km", ok=False)
    assert (result.exit_code, result.stderr) == (
        2,
        "error: no installed model translates en->km; install one with `publisher models "
        "install FILE` or `publisher models import DIR`\n",
    )
    result = scored_workspace("models", "score", "--lang", "zh-Hans", "--model", "nllb", ok=False)
    assert result.stderr == (
        "error: no installed model 'nllb'; installed: translate-en_zh-test-2x64\n"
    )
    result = scored_workspace(
        "models", "score", "--lang", "zh-Hans", "--releases", "nowhere", ok=False
    )
    assert result.exit_code == 2 and result.stderr.startswith("error: ")
    assert "nowhere" in result.stderr and result.stderr.count("\n") == 1
    # A fresh workspace has nothing approved yet.
    result = cli("models", "score", "--lang", "zh-Hans", ok=False)
    assert result.stderr == (
        "error: the workspace has no approved zh-Hans translations to score against\n"
    )


def test_releases_restrict_the_samples(repo_workspace: Path) -> None:
    release = approved_samples(repo_workspace, "km", [SAMPLE_SLUG])
    boilerplate = approved_samples(repo_workspace, "km", ["boilerplate"])
    assert (len(release), len(boilerplate)) == (13, 5)
    assert {s.origin.split("/")[0] for s in boilerplate} == {"boilerplate"}
    # without a restriction: every approved segment of the workspace, the boilerplate too
    assert approved_samples(repo_workspace, "km") == release + boilerplate
    with pytest.raises(UsageError):
        approved_samples(repo_workspace, "km", ["nowhere"])
    with pytest.raises(TranslationEngineError, match="no installed model translates en->km"):
        score_models(repo_workspace, repo_workspace / "none", "km")
