"""Show, by running them, the token layouts of NLLB, MADLAD-400, M2M-100 and Marian models.

    python tests/support/demo_family_tokens.py [--argos]

For each family a tiny model is built (tests/support/family_models.py) and:

1. `ctranslate2.Translator.translate_batch([tokens], target_prefix=...)` runs
   with the family's tokens; when a target prefix is given, the output's
   first token is that prefix, which must be stripped before decoding;
2. a `RecordingTranslator` (a proxy around the real translator) shows the
   exact source tokens and target prefix that reached CTranslate2, so a test
   can assert them; here it catches a naive caller that forgets the
   language token and </s>;
3. `reference_translate` gives the output a correct caller must produce,
   and a wrong layout (token missing, wrong language) gives another output
   for most sentences.

`--argos` also installs an NLLB-shaped Argos package with a `target_prefix`
in metadata.json and shows what Argos itself does with it.  Everything runs
offline, in temporary directories.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.support import family_models as fm  # noqa: E402

SENTENCES = [
    "The President of the Senate paid an official visit to China.",
    "Both sides agreed to strengthen cooperation in trade, investment and tourism.",
    "Phnom Penh, 30 November 2024.",
    "The two leaders discussed regional and international issues of common concern.",
    "A joint statement was signed at the end of the meeting.",
    "For more information, please contact the spokesperson of the Ministry.",
]


def naive_translate(translator, sp, texts):
    """A caller that treats every model like an Argos package: pieces only."""
    results = translator.translate_batch([sp.encode(t, out_type=str) for t in texts])
    return [sp.decode(r.hypotheses[0]) for r in results]


def demo_family(family: str, root: Path) -> None:
    import ctranslate2
    import sentencepiece as spm

    from_lang, to_lang = "en", ("zh-Hans" if family == "marian" else "km")
    start = time.perf_counter()
    model_dir = fm.build_family_model(family, root / family)
    built = time.perf_counter() - start
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    print(f"\n== {family}: {from_lang} -> {to_lang}  (built in {built:.2f} s)")
    print("   files:", ", ".join(sorted(p.name for p in model_dir.iterdir())))
    print("   config.json:", {k: config[k] for k in sorted(config)})

    source_spm, target_spm = fm.SENTENCEPIECE_FILES[family]
    encoder = spm.SentencePieceProcessor(model_file=str(model_dir / source_spm))
    decoder = spm.SentencePieceProcessor(model_file=str(model_dir / target_spm))
    translator = fm.RecordingTranslator(ctranslate2.Translator(str(model_dir), device="cpu"))

    # 1. The family's layout, and the prefix at the head of the output.
    pieces = encoder.encode(SENTENCES[0], out_type=str)
    source = fm.source_tokens(family, pieces, from_lang, to_lang)
    prefix = fm.target_prefix(family, to_lang)
    assert not fm.missing_tokens(model_dir, source + (prefix or []))
    result = translator.translate_batch(
        [source], target_prefix=None if prefix is None else [prefix]
    )
    output = result[0].hypotheses[0]
    print("   source tokens:", source[:4], "...", source[-2:])
    print("   target_prefix:", prefix)
    print("   output tokens:", output[:5], "...")
    if prefix is not None:
        assert output[: len(prefix)] == prefix, output[:3]
        print(f"   -> the output starts with the target prefix {prefix}: strip it before decoding")
        output = output[len(prefix) :]
    else:
        assert not any(token in fm.LANGUAGE_TOKENS[family].values() for token in output)
    print("   decoded:", repr(decoder.decode(output))[:70])

    # 2. What CTranslate2 received, as a test would assert it.
    call = translator.calls[-1]
    assert call.source == [source] and call.target_prefix == (None if prefix is None else [prefix])
    translator.calls.clear()
    naive = naive_translate(translator, encoder, SENTENCES[:1])
    received = translator.calls[-1].source[0]
    problems = []
    if family != "marian" and received[0] != source[0]:
        problems.append(f"no language token (expected {source[0]!r} first)")
    if received[-1] != "</s>":
        problems.append("no </s>")
    if translator.calls[-1].target_prefix is None and prefix is not None:
        problems.append(f"no target_prefix {prefix}")
    print("   recorded from a naive caller:", received[:3], "... ->", "; ".join(problems))

    # 3. The expected output, and how a wrong layout shows in it.
    expected = fm.reference_translate(
        model_dir, family, SENTENCES, from_lang, to_lang, translator=translator
    )
    assert naive[0] != expected[0] or family == "marian"
    wrong = {
        "without the first token": lambda s: s[1:],
        "without </s>": lambda s: s[:-1],
    }
    if family in ("nllb", "m2m100", "madlad"):
        other = fm.language_token(family, "zh-Hans")
        wrong["with the zh-Hans token instead"] = lambda s: [other, *s[1:]]
    for name, change in wrong.items():
        batch = [
            change(fm.source_tokens(family, encoder.encode(t, out_type=str), from_lang, to_lang))
            for t in SENTENCES
        ]
        results = translator.translate_batch(
            batch, target_prefix=None if prefix is None else [prefix] * len(batch)
        )
        outputs = [decoder.decode(r.hypotheses[0][len(prefix or []) :]) for r in results]
        differ = sum(a != b for a, b in zip(outputs, expected, strict=True))
        print(f"   source {name}: {differ}/{len(SENTENCES)} outputs differ from the expected ones")
    if prefix is not None:
        other_prefix = [fm.language_token(family, "zh-Hans")]
        batch = [
            fm.source_tokens(family, encoder.encode(t, out_type=str), from_lang, to_lang)
            for t in SENTENCES
        ]
        results = translator.translate_batch(batch, target_prefix=[other_prefix] * len(batch))
        outputs = [decoder.decode(r.hypotheses[0][1:]) for r in results]
        differ = sum(a != b for a, b in zip(outputs, expected, strict=True))
        print(f"   target_prefix {other_prefix}: {differ}/{len(SENTENCES)} outputs differ")
    lengths = [
        (len(encoder.encode(t)), len(decoder.encode(e)))
        for t, e in zip(SENTENCES, expected, strict=True)
    ]
    print("   (source pieces, output pieces):", lengths)


def demo_argos(root: Path) -> None:
    """An NLLB package with `target_prefix` in metadata.json, through Argos's own code."""
    packages = root / "argos-packages"
    os.environ.update(
        {
            "ARGOS_PACKAGES_DIR": str(packages),
            "XDG_DATA_HOME": str(root / "xdg-data"),
            "XDG_CACHE_HOME": str(root / "xdg-cache"),
            "XDG_CONFIG_HOME": str(root / "xdg-config"),
            "ARGOS_CHUNK_TYPE": "MINISBD",
            "ARGOS_PACKAGE_INDEX": "file:///dev/null/offline/",
        }
    )
    from publisher.mt.testmodel import build_test_package

    # Borrow the offline MiniSBD splitter of the project's test package; swap in the model.
    archive = build_test_package(root / "argos-build", "en", "km", name="nllb-en_km")
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(root / "argos-build")
    package = root / "argos-build" / "nllb-en_km"
    shutil.rmtree(package / "model")
    fm.build_family_model("nllb", package / "model")
    shutil.copy(package / "model" / "sentencepiece.bpe.model", package / "sentencepiece.model")
    metadata = json.loads((package / "metadata.json").read_text(encoding="utf-8"))
    metadata["target_prefix"] = "khm_Khmr"
    (package / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    packages.mkdir(parents=True)
    shutil.copytree(package, packages / package.name)

    import argostranslate.translate as argos_translate

    translation = argos_translate.get_translation_from_codes("en", "km")
    text = " ".join(SENTENCES[:2])
    translation.translate(text)  # loads the CTranslate2 model
    package_translation = translation.underlying
    package_translation.translator = fm.RecordingTranslator(package_translation.translator)
    translation.cache = {}
    output = translation.translate(text)
    call = package_translation.translator.calls[-1]
    print("\n== Argos 1.12 (argos-translate-lt) with metadata target_prefix 'khm_Khmr'")
    print("   source sent per sentence:", [[*s[:2], "...", *s[-1:]] for s in call.source])
    print("   target_prefix sent:", call.target_prefix)
    print("   Argos's output:", repr(output)[:90])
    print(
        "   -> no language token and no </s> on the source side; the prefix is not stripped"
        " ('khm_Khmr' is decoded, then '_' becomes ' ', so startswith('khm_Khmr') fails),"
        " and the second sentence's prefix stays in the middle:",
        output.count("khm Khmr"),
        "occurrences",
    )


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="family-models-") as tmp:
        root = Path(tmp)
        for family in fm.FAMILIES:
            demo_family(family, root)
        if "--argos" in sys.argv[1:]:
            demo_argos(root)


if __name__ == "__main__":
    main()
