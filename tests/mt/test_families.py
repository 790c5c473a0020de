"""Multilingual models (NLLB-200, MADLAD-400, M2M-100, OPUS-MT) as Argos packages.

Every model here is a tiny CTranslate2 model of the family's shape, built in
the test (tests/support/family_models.py): its vocabulary holds the family's
language tokens and its SentencePiece model is trained on a few sentences.
What reaches CTranslate2 is recorded by a proxy around the real translator
(`recorded`), and outputs are compared with `family_models.reference_translate`,
an independent implementation of each family's token layout.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import sentencepiece as spm

from publisher.errors import TranslationEngineError
from publisher.mt import argos, packaging, store
from publisher.mt.runtime import argos as runtime_argos
from tests.support import family_models as fm
from tests.support.argos_model import TEXTS
from tests.support.releases import po_entries
from tests.support.workspace import Cli

PAIRS = {
    "nllb": ("en", "km"),
    "madlad": ("en", "km"),
    "m2m100": ("en", "km"),
    "marian": ("en", "zh-Hans"),
}
SENTENCES = [
    "The President of the Senate paid an official visit to China.",
    "Both sides agreed to strengthen cooperation in trade, investment and tourism.",
    "Phnom Penh, 30 November 2024.",
    "The two leaders discussed regional and international issues of common concern.",
    "For more information, please contact the spokesperson of the Ministry.",
]
# Approved Khmer segments of the sample release: a Khmer source, several sentences each.
KHMER = [
    "ទស្សនកិច្ចនេះ ជាលើកទីមួយហើយ ដែលប្រធានព្រឹទ្ធសភាកម្ពុជាអញ្ជើញទៅបំពេញទស្សនកិច្ចផ្លូវការ។ "
    "កិច្ចពិភាក្សាកម្រិតខ្ពស់ត្រូវបានរំពឹងថានឹងពង្រឹងចំណងទំនាក់ទំនងរវាងកម្ពុជា និងចិន។",
    "ភ្នំពេញ ថ្ងៃទី៣០ ខែវិច្ឆិកា ឆ្នាំ២០២៤",
    "សម្តេចតេជោ ហ៊ុន សែន នឹងអញ្ជើញបំពេញទស្សនកិច្ចផ្លូវការ និងមិត្តភាព នៅប្រទេសចិន។\n"
    "ពាណិជ្ជកម្ម វិនិយោគ និងការផ្លាស់ប្តូររវាងប្រជាជន និងប្រជាជន។",
]

Recorded = list[fm.RecordingTranslator]


def _import(
    family_model: Callable[[str], Path], family: str, pairs: list[tuple[str, str]], root: Path
) -> Path:
    packages = root / "packages"
    packaging.import_model(family_model(family), family, pairs, packages)
    return packages


def _translate_calls(recorded: Recorded) -> list[fm.Call]:
    return [c for r in recorded for c in r.calls if c.method == "translate_batch"]


def _options(call: fm.Call) -> dict[str, object]:
    """The translation options of a recorded call (not those shaping the batches)."""
    shaping = {"max_batch_size", "batch_type", "asynchronous"}
    return {key: value for key, value in call.options.items() if key not in shaping}


@pytest.mark.parametrize("family", list(PAIRS))
def test_tokens_reach_ctranslate2_and_are_stripped_from_the_output(
    family: str, family_model: Callable[[str], Path], tmp_path: Path, recorded: Recorded
) -> None:
    source, target = PAIRS[family]
    packages = _import(family_model, family, [(source, target)], tmp_path)
    translator = argos.load_translator(source, target, packages, workers=1)
    recorded_before = len(_translate_calls(recorded))
    outputs = translator.translate_batch(SENTENCES)

    [call] = _translate_calls(recorded)[recorded_before:]  # one call for the whole batch
    model_dir = family_model(family)
    encoder = spm.SentencePieceProcessor(
        model_file=str(model_dir / fm.SENTENCEPIECE_FILES[family][0])
    )
    expected = [
        fm.source_tokens(family, encoder.encode(text, out_type=str), source, target)
        for text in SENTENCES
    ]
    assert sorted(call.source) == sorted(expected)  # CTranslate2 may get them in any order
    prefix = fm.target_prefix(family, target)
    assert call.target_prefix == (None if prefix is None else [prefix] * len(SENTENCES))
    if family == "nllb":
        assert expected[0][0] == "eng_Latn" and expected[0][-1] == "</s>"
        assert prefix == ["khm_Khmr"]

    reference = fm.reference_translate(
        model_dir, family, SENTENCES, source, target, **_options(call)
    )
    assert outputs == reference
    tokens = fm.LANGUAGE_TOKENS[family].values()
    assert not any(
        token in output or token.replace("_", " ") in output
        for output in outputs
        for token in tokens
    )
    # A caller that forgets the tokens gets other output: the comparison can fail.
    ct2 = recorded[-1]
    naive = [
        encoder.decode(r.hypotheses[0])
        for r in ct2.translate_batch(
            [encoder.encode(t, out_type=str) for t in SENTENCES], **_options(call)
        )
    ]
    assert sum(a != b for a, b in zip(naive, reference, strict=True)) >= 4


@pytest.mark.parametrize(
    ("family", "pair"), [("nllb", ("km", "en")), ("madlad", ("en", "zh-Hans"))]
)
def test_batched_path_equals_the_per_segment_path_applying_the_same_tokens(
    family: str,
    pair: tuple[str, str],
    family_model: Callable[[str], Path],
    tmp_path: Path,
    recorded: Recorded,
) -> None:
    texts = KHMER + KHMER[:1] + ["", "\n"] if pair[0] == "km" else TEXTS
    packages = _import(family_model, family, [pair], tmp_path)
    batched = argos.load_translator(*pair, packages, workers=1)
    start = len(_translate_calls(recorded))
    output = batched.translate_batch(texts)
    batched_calls = len(_translate_calls(recorded)) - start
    start = len(_translate_calls(recorded))
    reference = argos.ReferenceTranslator(*pair, packages).translate_batch(texts)
    reference_calls = _translate_calls(recorded)[start:]
    assert output == reference
    assert batched_calls == 1 and len(reference_calls) > 5  # one per paragraph
    assert len({text for text in reference if text}) >= len({t for t in texts if t.strip()}) - 1
    first = fm.language_token(family, pair[0] if family == "nllb" else pair[1])
    assert all(
        sentence[first == "<2zh>"] == first for c in reference_calls for sentence in c.source
    )


def test_khmer_source_is_split_into_sentences_before_the_model(
    family_model: Callable[[str], Path], tmp_path: Path, recorded: Recorded
) -> None:
    packages = _import(family_model, "nllb", [("km", "en"), ("km", "zh-Hans")], tmp_path)
    encoder = spm.SentencePieceProcessor(
        model_file=str(family_model("nllb") / "sentencepiece.bpe.model")
    )
    for target, token in (("en", "eng_Latn"), ("zh-Hans", "zho_Hans")):
        translator = argos.load_translator("km", target, packages, workers=1)
        start = len(_translate_calls(recorded))
        [draft] = translator.translate_batch([KHMER[0]])
        [call] = _translate_calls(recorded)[start:]
        sentences = [
            "ទស្សនកិច្ចនេះ ជាលើកទីមួយហើយ ដែលប្រធានព្រឹទ្ធសភាកម្ពុជាអញ្ជើញទៅបំពេញទស្សនកិច្ចផ្លូវការ។",
            "កិច្ចពិភាក្សាកម្រិតខ្ពស់ត្រូវបានរំពឹងថានឹងពង្រឹងចំណងទំនាក់ទំនងរវាងកម្ពុជា និងចិន។",
        ]
        assert sorted(call.source) == sorted(
            ["khm_Khmr", *encoder.encode(s, out_type=str), "</s>"] for s in sentences
        )
        assert call.target_prefix == [[token], [token]]
        assert draft and token not in draft


def test_import_list_translate_and_remove_through_argos(
    family_model: Callable[[str], Path], tmp_path: Path, cli: Cli, workspace: Path
) -> None:
    model_dir = family_model("nllb")
    out = cli(
        "models",
        "import",
        str(model_dir),
        "--family",
        "nllb",
        "--from",
        "en",
        "--to",
        "km",
        "--to",
        "zh-Hans",
    ).stdout
    assert out.splitlines() == [
        "installed nllb-tiny-en_km (en->km, nllb-tiny (NLLB-200, CC-BY-NC-4.0))",
        "installed nllb-tiny-en_zh (en->zh-Hans, nllb-tiny (NLLB-200, CC-BY-NC-4.0))",
    ]
    cli(
        "models",
        "import",
        str(model_dir),
        "--family",
        "nllb",
        "--from",
        "km",
        "--from",
        "zh-Hans",
        "--to",
        "en",
    )
    assert cli("models", "list").stdout.splitlines() == [
        "pair         package          model",
        "en->km       nllb-tiny-en_km  nllb-tiny (NLLB-200, CC-BY-NC-4.0)",
        "en->zh-Hans  nllb-tiny-en_zh  nllb-tiny (NLLB-200, CC-BY-NC-4.0)",
        "km->en       nllb-tiny-km_en  nllb-tiny (NLLB-200, CC-BY-NC-4.0)",
        "zh-Hans->en  nllb-tiny-zh_en  nllb-tiny (NLLB-200, CC-BY-NC-4.0)",
        "one copy of the model files serves 4 packages: nllb-tiny-en_km, nllb-tiny-en_zh, "
        "nllb-tiny-km_en, nllb-tiny-zh_en",
    ]
    packages = workspace / ".publisher" / "argos-packages"
    model_bin = packages / "nllb-tiny-en_km" / "model" / "model.bin"
    assert model_bin.stat().st_nlink == 4
    assert model_bin.read_bytes() == (model_dir / "model.bin").read_bytes()
    assert not os.path.samefile(model_bin, model_dir / "model.bin")  # never linked to the source

    # Argos itself lists the packages, reads the target token it knows, and splits Khmer.
    runtime = runtime_argos(packages)
    found = {(p.from_code, p.to_code): p for p in runtime.package.get_installed_packages()}
    assert sorted(found) == [("en", "km"), ("en", "zh"), ("km", "en"), ("zh", "en")]
    assert found[("en", "km")].target_prefix == "khm_Khmr"
    metadata = json.loads((packages / "nllb-tiny-km_en" / "metadata.json").read_text())
    assert metadata["publisher"] == {
        "schema": 1,
        "family": "nllb",
        "model": "nllb-tiny",
        "source_prefix": ["khm_Khmr"],
        "source_suffix": ["</s>"],
        "target_prefix": ["eng_Latn"],
        "target_tokenizer": "sentencepiece.model",
        "model_sha256": store.sha256_file(model_dir / "model.bin"),
    }
    assert [p.name for p in (packages / "nllb-tiny-km_en" / "minisbd").iterdir()] == ["km.onnx"]

    drafts = {
        pair: argos.load_translator(*pair, packages, workers=1).translate_batch([text])[0]
        for pair, text in (
            (("en", "km"), SENTENCES[0]),
            (("km", "en"), KHMER[1]),
            (("zh-Hans", "en"), "双方同意加强贸易、投资和旅游领域的合作。"),
        )
    }
    assert all(drafts.values())

    assert cli("models", "remove", "en->km").stdout == "removed nllb-tiny-en_km (en->km)\n"
    assert model_bin.parent.parent.exists() is False
    remaining = packages / "nllb-tiny-km_en" / "model" / "model.bin"
    assert remaining.stat().st_nlink == 3
    again = argos.load_translator("km", "en", packages, workers=1).translate_batch([KHMER[1]])
    assert again == [drafts[("km", "en")]]
    assert cli("models", "remove", "nllb-tiny").stdout.splitlines() == [
        "removed nllb-tiny-en_zh (en->zh-Hans)",
        "removed nllb-tiny-km_en (km->en)",
        "removed nllb-tiny-zh_en (zh-Hans->en)",
    ]
    assert list(packages.iterdir()) == []
    assert runtime.package.get_installed_packages() == []


def test_archives_install_with_argos_share_files_and_refuse_damage(
    family_model: Callable[[str], Path], tmp_path: Path, cli: Cli, workspace: Path
) -> None:
    out = tmp_path / "archives"
    written = cli(
        "models",
        "import",
        str(family_model("m2m100")),
        "--family",
        "m2m100",
        "--from",
        "en",
        "--to",
        "km",
        "--to",
        "zh-Hans",
        "--out",
        str(out),
    ).stdout
    assert written.splitlines() == [
        f"wrote {out / 'm2m100-tiny-en_km.argosmodel'}",
        f"wrote {out / 'm2m100-tiny-en_zh.argosmodel'}",
    ]
    assert sorted(p.name for p in out.iterdir()) == [
        "m2m100-tiny-en_km.argosmodel",
        "m2m100-tiny-en_zh.argosmodel",
    ]
    packages = workspace / ".publisher" / "argos-packages"
    assert not packages.exists() or list(packages.iterdir()) == []  # --out installs nothing

    damaged = tmp_path / "damaged.argosmodel"
    with (
        zipfile.ZipFile(out / "m2m100-tiny-en_km.argosmodel") as src,
        zipfile.ZipFile(damaged, "w") as dst,
    ):
        for name in src.namelist():
            data = src.read(name)
            if name.endswith("model.bin"):
                data = data[:-1] + bytes([data[-1] ^ 1])
            dst.writestr(name, data)
    result = cli("models", "install", str(damaged), ok=False)
    assert (result.exit_code, result.stderr) == (
        2,
        f"error: {damaged}: the model file does not match the SHA-256 in metadata.json: "
        "the archive is damaged\n",
    )
    assert not packages.exists() or list(packages.iterdir()) == []

    for name in ("m2m100-tiny-en_km", "m2m100-tiny-en_zh"):
        assert cli("models", "install", str(out / f"{name}.argosmodel")).stdout.startswith(
            f"installed {name} ("
        )
    first = packages / "m2m100-tiny-en_km" / "model" / "model.bin"
    second = packages / "m2m100-tiny-en_zh" / "model" / "model.bin"
    assert os.path.samefile(first, second)
    translator = argos.load_translator("en", "km", packages, workers=1)
    assert translator.translate_batch(SENTENCES[:2]) == fm.reference_translate(
        family_model("m2m100"),
        "m2m100",
        SENTENCES[:2],
        "en",
        "km",
        beam_size=4,
        length_penalty=0.2,
        replace_unknowns=True,
    )


def test_translate_sample_into_khmer_with_an_imported_nllb_model(
    family_model: Callable[[str], Path],
    cli: Cli,
    workspace: Path,
    sample: str,
    recorded: Recorded,
) -> None:
    """The issue's check: drafts name the model; CTranslate2 got eng_Latn and khm_Khmr."""
    cli(
        "models",
        "import",
        str(family_model("nllb")),
        "--family",
        "nllb",
        "--from",
        "en",
        "--to",
        "km",
    )
    start = len(_translate_calls(recorded))
    out = cli("translate", sample, "--lang", "km").stdout
    # Messages name a release by its number and short title (issue 24); this one has no number.
    assert out == (
        "Samdech Techo Hun Sen to Pay… km: 0 drafts from memory, 12 machine drafts"
        " (nllb-tiny-en_km 1.0)\n"
    )
    found = po_entries(workspace, "km", sample)
    assert len(found) == 12
    for seg, entry in found.items():
        assert entry.msgstr and "fuzzy" in entry.flags, seg
        assert "origin: machine argos nllb-tiny-en_km 1.0" in entry.tcomment, entry.tcomment
        assert "khm_Khmr" not in entry.msgstr and "khm Khmr" not in entry.msgstr
    calls = _translate_calls(recorded)[start:]
    sources = [sentence for call in calls for sentence in call.source]
    assert len(sources) > 12
    assert all(s[0] == "eng_Latn" and s[-1] == "</s>" for s in sources)
    assert all(p == ["khm_Khmr"] for call in calls for p in call.target_prefix or [None])


def test_khmer_source_release_drafts_into_english_and_chinese(
    family_model: Callable[[str], Path],
    cli: Cli,
    workspace: Path,
    tmp_path: Path,
    recorded: Recorded,
) -> None:
    source = tmp_path / "khmer.txt"
    source.write_text("សេចក្តីប្រកាសព័ត៌មាន\n\n" + "\n\n".join(KHMER) + "\n", encoding="utf-8")
    cli(
        "new",
        str(source),
        "--slug",
        "khmer",
        "--date",
        "2024-11-30",
        "--source-lang",
        "km",
        "--lang",
        "en",
        "--lang",
        "zh-Hans",
    )
    cli(
        "models",
        "import",
        str(family_model("nllb")),
        "--family",
        "nllb",
        "--from",
        "km",
        "--to",
        "en",
        "--to",
        "zh-Hans",
    )
    for lang, token in (("en", "eng_Latn"), ("zh-Hans", "zho_Hans")):
        start = len(_translate_calls(recorded))
        out = cli("translate", "khmer", "--lang", lang).stdout
        package = "nllb-tiny-km_en" if lang == "en" else "nllb-tiny-km_zh"
        # Named by its title (short, no number configured), not by the slug typed.
        assert out == (
            f"សេចក្តីប្រកាសព័ត៌មាន {lang}: 0 drafts from memory, 4 machine drafts ({package} 1.0)\n"
        )
        calls = _translate_calls(recorded)[start:]
        # The title, two sentences in s1, one in s2, two in s3 (its lines joined): 6 sentences;
        # then s2's words around its protected numbers, as the random model drops placeholders.
        assert [len(call.source) for call in calls] == [6, 2]
        sources = [s for call in calls for s in call.source]
        assert all(s[0] == "khm_Khmr" and s[-1] == "</s>" for s in sources)
        assert all(p == [token] for call in calls for p in call.target_prefix or [None])
        drafts = po_entries(workspace, lang, "khmer")
        assert all(e.msgstr and f"machine argos {package}" in e.tcomment for e in drafts.values())
        assert "30" in drafts["s2"].msgstr and "2024" in drafts["s2"].msgstr  # Khmer digits


# --- Bad input: one line, exit 2, nothing installed ------------------------------------------


def _assert_refused(cli: Cli, workspace: Path, args: list[str], message: str) -> None:
    result = cli("models", "import", *args, ok=False)
    assert (result.exit_code, result.stderr) == (2, f"error: {message}\n"), result.stderr
    packages = workspace / ".publisher" / "argos-packages"
    assert not packages.exists() or list(packages.iterdir()) == []
    assert [p.name for p in (workspace / ".publisher").iterdir() if "import" in p.name] == []


def test_a_directory_that_is_not_a_ctranslate2_model(
    cli: Cli, workspace: Path, tmp_path: Path, family_model: Callable[[str], Path]
) -> None:
    (workspace / ".publisher").mkdir(exist_ok=True)
    empty = tmp_path / "downloads"
    empty.mkdir()
    (empty / "pytorch_model.bin").write_bytes(b"\0" * 64)
    _assert_refused(
        cli,
        workspace,
        [str(empty), "--family", "nllb", "--from", "en", "--to", "km"],
        f"{empty}: not a CTranslate2 model directory: no model.bin (convert the model with "
        "ct2-transformers-converter first)",
    )
    broken = tmp_path / "broken"
    broken.mkdir()
    for file in family_model("nllb").iterdir():
        (broken / file.name).write_bytes(file.read_bytes())
    (broken / "model.bin").write_bytes(b"not a model" * 10)
    result = cli(
        "models", "import", str(broken), "--family", "nllb", "--from", "en", "--to", "km", ok=False
    )
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"error: {broken}: not a CTranslate2 model CTranslate2 can load: "
    )
    assert result.stderr.count("\n") == 1


def test_a_sentencepiece_model_that_does_not_match_the_vocabulary(
    cli: Cli, workspace: Path, family_model: Callable[[str], Path]
) -> None:
    (workspace / ".publisher").mkdir(exist_ok=True)
    other = family_model("marian") / "source.spm"
    _assert_refused(
        cli,
        workspace,
        [
            str(family_model("nllb")),
            "--family",
            "nllb",
            "--from",
            "en",
            "--to",
            "km",
            "--sentencepiece",
            str(other),
        ],
        f"{other}: the SentencePiece model does not match the model's vocabulary: only 72 % "
        f"of its 127 pieces are in the vocabulary of {family_model('nllb')}",
    )


def test_a_family_whose_tokens_are_not_in_the_vocabulary(
    cli: Cli, workspace: Path, family_model: Callable[[str], Path]
) -> None:
    (workspace / ".publisher").mkdir(exist_ok=True)
    _assert_refused(
        cli,
        workspace,
        [
            str(family_model("m2m100")),
            "--family",
            "nllb",
            "--from",
            "en",
            "--to",
            "km",
            "--sentencepiece",
            str(family_model("m2m100") / "sentencepiece.bpe.model"),
        ],
        "the NLLB-200 model has no token for en in its vocabulary (eng_Latn)",
    )
    _assert_refused(
        cli,
        workspace,
        [
            str(family_model("nllb")),
            "--family",
            "madlad",
            "--from",
            "en",
            "--to",
            "km",
            "--sentencepiece",
            str(family_model("nllb") / "sentencepiece.bpe.model"),
        ],
        "the MADLAD-400 model has no token for km in its vocabulary (<2km>)",
    )


def test_an_unknown_family_and_impossible_pairs(
    cli: Cli, workspace: Path, family_model: Callable[[str], Path]
) -> None:
    (workspace / ".publisher").mkdir(exist_ok=True)
    model = str(family_model("nllb"))
    _assert_refused(
        cli,
        workspace,
        [model, "--family", "gpt", "--from", "en", "--to", "km"],
        "unknown model family 'gpt'; known families: nllb, madlad, m2m100, marian",
    )
    _assert_refused(
        cli,
        workspace,
        [model, "--family", "nllb", "--from", "en", "--to", "en"],
        "say which pairs to import: --from LANG --to LANG",
    )
    _assert_refused(
        cli,
        workspace,
        [
            str(family_model("marian")),
            "--family",
            "marian",
            "--from",
            "en",
            "--to",
            "zh-Hans",
            "--to",
            "km",
        ],
        "an OPUS-MT (Marian) model translates from one language, and into one unless it is a "
        "multi-target model (>>id<< tokens): import it for its own pair",
    )


def test_an_installed_package_is_replaced_only_when_the_new_one_is_complete(
    family_model: Callable[[str], Path], tmp_path: Path, argos_test_archive: Path
) -> None:
    packages = tmp_path / "packages"
    store.install_model(argos_test_archive, packages)  # a plain en->zh package
    with pytest.raises(TranslationEngineError, match="no token for en"):
        packaging.import_model(
            family_model("m2m100"),
            "nllb",
            [("en", "zh-Hans")],
            packages,
            sentencepiece=[family_model("m2m100") / "sentencepiece.bpe.model"],
        )
    assert [m.name for m in store.list_models(packages)] == ["translate-en_zh-test-2x64"]
    packaging.import_model(family_model("nllb"), "nllb", [("en", "zh-Hans")], packages)
    assert [(m.name, m.pair) for m in store.list_models(packages)] == [
        ("nllb-tiny-en_zh", "en->zh-Hans")
    ]
    assert not any(p.name.startswith(".publisher-import") for p in tmp_path.iterdir())


def test_argos_alone_cannot_use_the_tokens_which_is_why_publisher_applies_them(
    family_model: Callable[[str], Path], tmp_path: Path, recorded: Recorded
) -> None:
    """Argos's own translate() on the same package: no source tokens, and the target
    prefix it forces is decoded as text ("khm Khmr", its "_" turned into a space) and left
    in the middle of a paragraph of two sentences."""
    packages = _import(family_model, "nllb", [("en", "km")], tmp_path)
    text = " ".join(SENTENCES[:2])
    start = len(_translate_calls(recorded))
    runtime = runtime_argos(packages)
    own = runtime.translate.translate(text, "en", "km")
    [call] = _translate_calls(recorded)[start:]
    assert [sentence[0] for sentence in call.source] != ["eng_Latn", "eng_Latn"]
    assert all(sentence[-1] != "</s>" for sentence in call.source)
    assert own.count("khm Khmr") == 2
    ours = argos.load_translator("en", "km", packages, workers=1).translate_batch([text])[0]
    assert "khm" not in ours and ours != own
