"""Tiny CTranslate2 models shaped like NLLB-200, MADLAD-400, M2M-100 and Marian (OPUS-MT).

`build_family_model(family, out_dir)` writes, offline and in well under a
second, the directory that `ct2-transformers-converter --copy_files <spm>`
writes for a model of that family: `model.bin`, `config.json` with the keys
and special tokens that converter's loader sets for the family,
`shared_vocabulary.json` in the order the Hugging Face tokenizer numbers its
tokens, and the family's SentencePiece file(s) under their hub names.  The
weights are random but seeded, so the "translations" are nonsense; they are
deterministic, of plausible length (about as many tokens as the source), and
they depend on every source token, the language tokens included, so that a
wrong token layout gives a different output.

What each family expects (checked against the converter in
ctranslate2/converters/transformers.py, the Hugging Face tokenizers and the
CTranslate2 guide docs/guides/transformers.md):

=========  ===========================================  =================  ====================
family     source tokens                                target_prefix      SentencePiece file(s)
=========  ===========================================  =================  ====================
nllb       [src code] + pieces + ["</s>"]  (eng_Latn)   [tgt code]         sentencepiece.bpe.model
m2m100     ["__en__"] + pieces + ["</s>"]               ["__km__"]         sentencepiece.bpe.model
madlad     ["▁", "<2km>"] + pieces + ["</s>"]  (target)  none             spiece.model
marian     pieces + ["</s>"]                            none               source.spm, target.spm
=========  ===========================================  =================  ====================

MADLAD's tag is a SentencePiece symbol that the Hugging Face tokenizer reads
inside the text: "<2km> text" becomes ["▁", "<2km>", *pieces of "text"].

With a target prefix, CTranslate2 returns it as the first output token(s):
strip it before decoding.  `config.json` has `add_source_bos` and
`add_source_eos` false for all four (Hugging Face tokenizers add the special
tokens themselves), so CTranslate2 adds nothing: `</s>` must be appended by
the caller.  A token that is not in the vocabulary is silently read as
`<unk>` by CTranslate2; `missing_tokens()` finds them first.

Only the tests import this module; ctranslate2, sentencepiece and numpy are
imported inside the functions.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    from ctranslate2.specs import TransformerSpec

    # The float32 arrays that CTranslate2's specs hold.
    Floats = npt.NDArray[np.float32]

FAMILIES: tuple[str, ...] = ("nllb", "madlad", "m2m100", "marian")

# Our BCP 47 codes -> each family's language token.  NLLB uses FLORES-200 codes,
# M2M-100 its own `__xx__` tokens, MADLAD-400 `<2xx>` target tags (Chinese in
# Simplified characters is plain <2zh>; there is no <2zh_Hans>).
LANGUAGE_TOKENS: dict[str, dict[str, str]] = {
    "nllb": {"en": "eng_Latn", "km": "khm_Khmr", "zh-Hans": "zho_Hans"},
    "madlad": {"en": "<2en>", "km": "<2km>", "zh-Hans": "<2zh>"},
    "m2m100": {"en": "__en__", "km": "__km__", "zh-Hans": "__zh__"},
    "marian": {},
}

# The SentencePiece file(s) as the Hugging Face repositories name them: (source, target).
SENTENCEPIECE_FILES: dict[str, tuple[str, str]] = {
    "nllb": ("sentencepiece.bpe.model", "sentencepiece.bpe.model"),
    "m2m100": ("sentencepiece.bpe.model", "sentencepiece.bpe.model"),
    "madlad": ("spiece.model", "spiece.model"),
    "marian": ("source.spm", "target.spm"),
}

# What ct2-transformers-converter writes in config.json for each family (BartLoader,
# M2M100Loader [NLLB too], T5Loader, MarianMTLoader .set_config).  Marian's loader
# does not set bos_token: the default "<s>" stays although Marian's vocabulary has
# no "<s>"; CTranslate2 never uses it for this model.
_CONFIGS: dict[str, dict[str, Any]] = {
    "nllb": {
        "bos_token": "<s>",
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "decoder_start_token": "</s>",
    },
    "m2m100": {
        "bos_token": "<s>",
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "decoder_start_token": "</s>",
    },
    "madlad": {
        "bos_token": "<pad>",
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "decoder_start_token": "<pad>",
    },
    "marian": {
        "bos_token": "<s>",
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "decoder_start_token": "</s>",
    },
}

# Whether the family's real SentencePiece model has the language tokens as pieces.
# NLLB's and M2M-100's do not (the Hugging Face tokenizer appends the codes after the
# SentencePiece ids); MADLAD's spiece.model has the <2xx> tags as user-defined symbols.
_LANG_TOKENS_IN_SPM = {"nllb": False, "m2m100": False, "madlad": True, "marian": False}

_CORPUS: dict[str, tuple[str, ...]] = {
    "en": (
        "The President of the Senate paid an official visit to China from 2 to 4 December 2024.",
        "The Ministry of Foreign Affairs and International Cooperation issued a press release.",
        "Both sides agreed to strengthen cooperation in trade, investment and tourism.",
        "The two leaders discussed regional and international issues of common concern.",
        "The delegation also met representatives of Chinese companies in Beijing.",
        "For more information, please contact the spokesperson of the Ministry.",
        "Phnom Penh, 30 November 2024.",
        "A joint statement was signed at the end of the meeting.",
        "Kingdom of Cambodia, Nation Religion King.",
        "The Minister thanked the Chinese government for its warm hospitality.",
    ),
    "km": (
        "ព្រះរាជាណាចក្រកម្ពុជា ជាតិ សាសនា ព្រះមហាក្សត្រ",
        "សេចក្តីប្រកាសព័ត៌មាន",
        "ក្រសួងការបរទេស និងសហប្រតិបត្តិការអន្តរជាតិ",
        "សម្តេចតេជោ ហ៊ុន សែន នឹងអញ្ជើញបំពេញទស្សនកិច្ចផ្លូវការ និងមិត្តភាព នៅប្រទេសចិន។",
        "ទស្សនកិច្ចនេះ ជាលើកទីមួយហើយ ដែលប្រធានព្រឹទ្ធសភាកម្ពុជាអញ្ជើញទៅបំពេញទស្សនកិច្ចផ្លូវការ។",
        "កិច្ចពិភាក្សាកម្រិតខ្ពស់ត្រូវបានរំពឹងថានឹងពង្រឹងចំណងទំនាក់ទំនងរវាងកម្ពុជា និងចិន។",
        "ពាណិជ្ជកម្ម វិនិយោគ និងការផ្លាស់ប្តូររវាងប្រជាជន និងប្រជាជន។",
        "ភ្នំពេញ ថ្ងៃទី៣០ ខែវិច្ឆិកា ឆ្នាំ២០២៤",
    ),
    "zh-Hans": (
        "参议院主席于2024年12月2日至4日对中国进行正式访问。",
        "外交与国际合作部发布新闻公报。",
        "双方同意加强贸易、投资和旅游领域的合作。",
        "两国领导人就共同关心的地区和国际问题交换了意见。",
        "代表团还在北京会见了中国企业代表。",
        "如需了解更多信息，请联系外交部发言人。",
        "金边，2024年11月30日。",
        "柬埔寨王国，民族、宗教、国王。",
    ),
}


@dataclass(frozen=True)
class Size:
    """Model dimensions.  The default builds and loads in a fraction of a second; the
    benchmark uses a larger one, whose decoding cost dominates as a real model's does."""

    d_model: int = 64
    heads: int = 4
    layers: int = 2
    ffn: int = 128


SMALL = Size()
_MAX_POSITIONS = {"nllb": 1024, "m2m100": 1024, "marian": 512}
_T5_BUCKETS = 32
_T5_MAX_DISTANCE = 128
# Length control (see _bart_spec and _t5_spec): a translation ends after about as many
# tokens as its source has.
_CLOCK_STEP = 0.02
_SPAN_GAIN = {"nllb": 3.1, "m2m100": 3.1, "marian": 2.5}
_EOS_GAIN = 600.0
_T5_COUNT = 4.0
_T5_LENGTH = 8.0
_T5_EOS_GAIN = 3000.0
# Cross-attention is made sharper and stronger than plain random weights would be,
# so that every source token (language tokens and </s> included) shows in the output.
_CROSS_QUERY_GAIN = 2.0
_CROSS_OUTPUT_GAIN = 3.0
_SPECIAL_EMBEDDING_GAIN = 3.0
_NO_REPEAT = 1.0
_NEVER = -30.0  # projection bias of tokens a translation must not produce


# --- Token layouts: what a correct caller passes to CTranslate2 -----------------------------


def language_token(family: str, lang: str) -> str:
    """The family's token for one of our language codes ("en", "km", "zh-Hans")."""
    try:
        return LANGUAGE_TOKENS[_check_family(family)][lang]
    except KeyError:
        raise ValueError(f"{family} has no language token for {lang!r}") from None


def source_tokens(family: str, pieces: Sequence[str], from_lang: str, to_lang: str) -> list[str]:
    """The source tokens CTranslate2 must receive for SentencePiece `pieces`."""
    family = _check_family(family)
    if family in ("nllb", "m2m100"):
        return [language_token(family, from_lang), *pieces, "</s>"]
    if family == "madlad":  # the *target* language tag, on the source side, after a "▁"
        return ["▁", language_token(family, to_lang), *pieces, "</s>"]
    return [*pieces, "</s>"]


def target_prefix(family: str, to_lang: str) -> list[str] | None:
    """The target prefix to pass (and to strip from the output), or None."""
    family = _check_family(family)
    if family in ("nllb", "m2m100"):
        return [language_token(family, to_lang)]
    return None


def vocabulary(model_dir: Path) -> list[str]:
    """The model's vocabulary, from whichever file the converter wrote."""
    for name in ("shared_vocabulary.json", "source_vocabulary.json"):
        if (model_dir / name).is_file():
            tokens: list[str] = json.loads((model_dir / name).read_text(encoding="utf-8"))
            return tokens
    for name in ("shared_vocabulary.txt", "source_vocabulary.txt"):  # CTranslate2 < 3.0
        if (model_dir / name).is_file():
            return (model_dir / name).read_text(encoding="utf-8").splitlines()
    raise FileNotFoundError(f"no vocabulary file in {model_dir}")


def missing_tokens(model_dir: Path, tokens: Sequence[str]) -> list[str]:
    """The tokens CTranslate2 would silently turn into <unk>."""
    known = set(vocabulary(model_dir))
    return [token for token in dict.fromkeys(tokens) if token not in known]


@dataclass
class Call:
    """One call that reached CTranslate2 through a RecordingTranslator."""

    method: str
    source: list[list[str]]
    target_prefix: list[list[str] | None] | None
    options: dict[str, Any] = field(default_factory=dict)


class RecordingTranslator:
    """Stands in for a `ctranslate2.Translator` and records what it is asked.

    Every `translate_batch` (and `score_batch`) call is forwarded unchanged
    to the real translator; `calls` keeps the exact source tokens, target
    prefixes and options, so a test can assert the token layout its code
    produced.  Other attributes are the real translator's.
    """

    def __init__(self, translator: Any) -> None:
        self._translator = translator
        self.calls: list[Call] = []

    def translate_batch(
        self, source: Sequence[Sequence[str]], target_prefix: Any = None, **options: Any
    ) -> Any:
        self.calls.append(
            Call(
                "translate_batch",
                [list(tokens) for tokens in source],
                None
                if target_prefix is None
                else [None if p is None else list(p) for p in target_prefix],
                dict(options),
            )
        )
        return self._translator.translate_batch(source, target_prefix=target_prefix, **options)

    def score_batch(self, source: Sequence[Sequence[str]], target: Any, **options: Any) -> Any:
        self.calls.append(
            Call("score_batch", [list(t) for t in source], [list(t) for t in target], dict(options))
        )
        return self._translator.score_batch(source, target, **options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._translator, name)


def reference_translate(
    model_dir: Path,
    family: str,
    texts: Sequence[str],
    from_lang: str,
    to_lang: str,
    *,
    translator: Any = None,
    **options: Any,
) -> list[str]:
    """Translate `texts` with the family's correct token layout: the expected output.

    Code under test must give exactly these strings (with the same
    translation options: beam size, length penalty...).  One sentence per
    text; no sentence splitting.
    """
    import ctranslate2
    import sentencepiece as spm

    family = _check_family(family)
    source_spm, target_spm = SENTENCEPIECE_FILES[family]
    encoder = spm.SentencePieceProcessor(model_file=str(model_dir / source_spm))
    decoder = spm.SentencePieceProcessor(model_file=str(model_dir / target_spm))
    translator = translator or ctranslate2.Translator(str(model_dir), device="cpu")
    if family == "madlad":  # as the Hugging Face tokenizer does it: the tag in the text
        tag = language_token(family, to_lang)
        batch = [[*encoder.encode(f"{tag} {text}", out_type=str), "</s>"] for text in texts]
    else:
        batch = [
            source_tokens(family, encoder.encode(text, out_type=str), from_lang, to_lang)
            for text in texts
        ]
    missing = missing_tokens(model_dir, [token for tokens in batch for token in tokens])
    if missing:
        raise ValueError(f"not in the vocabulary of {model_dir}: {missing}")
    prefix = target_prefix(family, to_lang)
    results = translator.translate_batch(
        batch, target_prefix=None if prefix is None else [prefix] * len(batch), **options
    )
    outputs = []
    for result in results:
        tokens = result.hypotheses[0]
        if prefix is not None:
            if tokens[: len(prefix)] != prefix:
                raise AssertionError(f"output does not start with {prefix}: {tokens[:3]}")
            tokens = tokens[len(prefix) :]
        outputs.append(decoder.decode(tokens))
    return outputs


# --- Building a model -----------------------------------------------------------------------


def build_family_model(
    family: str,
    out_dir: Path,
    *,
    langs: Sequence[str] = ("en", "km", "zh-Hans"),
    seed: int = 0,
    lang_tokens_in_spm: bool | None = None,
    size: Size = SMALL,
) -> Path:
    """Write a tiny model of `family` into `out_dir` (created; must be empty) and return it.

    `langs` are our language codes; the vocabulary gets each one's language
    token.  Marian models are one-pair: from `langs[0]` to `langs[-1]`
    (en -> zh-Hans by default), with a source.spm trained on the source
    language and a target.spm on the target language.

    `lang_tokens_in_spm` puts the language tokens into the SentencePiece
    model as user-defined symbols; by default only where the real family has
    them (MADLAD).  With NLLB or M2M-100, having them there would hide a bug
    that real models expose: encoding "eng_Latn Hello" with SentencePiece
    does not give the token "eng_Latn".
    """
    family = _check_family(family)
    langs = tuple(langs)
    for lang in langs:
        if lang not in _CORPUS:
            raise ValueError(f"unknown language {lang!r}; known: {', '.join(_CORPUS)}")
    if family == "marian":
        langs = (langs[0], langs[-1])
        if langs[0] == langs[1]:
            raise ValueError("a Marian model needs two different languages")
    in_spm = _LANG_TOKENS_IN_SPM[family] if lang_tokens_in_spm is None else lang_tokens_in_spm
    lang_tokens = [LANGUAGE_TOKENS[family][lang] for lang in langs] if family != "marian" else []

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if any(out_dir.iterdir()):
        raise FileExistsError(f"{out_dir} is not empty")

    if family == "marian":
        source_pieces = _train_sentencepiece(
            out_dir / "source.spm", _CORPUS[langs[0]], family, symbols=[], vocab_size=200
        )
        target_pieces = _train_sentencepiece(
            out_dir / "target.spm", _CORPUS[langs[1]], family, symbols=[], vocab_size=200
        )
        tokens = _marian_vocabulary(source_pieces, target_pieces)
        allowed: set[str] | None = set(target_pieces)
    else:
        allowed = None
        corpus = tuple(sentence for lang in langs for sentence in _CORPUS[lang])
        pieces = _train_sentencepiece(
            out_dir / SENTENCEPIECE_FILES[family][0],
            corpus,
            family,
            symbols=lang_tokens if in_spm else [],
            vocab_size=400,
        )
        tokens = _hf_vocabulary(family, pieces, lang_tokens)

    import numpy as np

    rng = np.random.default_rng(seed)
    if family == "madlad":
        spec = _t5_spec(tokens, lang_tokens, rng, size)
    else:
        spec = _bart_spec(family, tokens, lang_tokens, rng, allowed, size)
    for key, value in _CONFIGS[family].items():
        setattr(spec.config, key, value)
    spec.config.add_source_bos = False
    spec.config.add_source_eos = False
    spec.register_source_vocabulary(tokens)
    spec.register_target_vocabulary(tokens)
    spec.validate()
    spec.save(str(out_dir))
    return out_dir


def _check_family(family: str) -> str:
    if family not in FAMILIES:
        raise ValueError(f"unknown model family {family!r}; known: {', '.join(FAMILIES)}")
    return family


def _train_sentencepiece(
    path: Path, corpus: Sequence[str], family: str, *, symbols: Sequence[str], vocab_size: int
) -> list[str]:
    """Train and write the family's SentencePiece model; return its pieces by id.

    Special ids as in the real files: <unk>=0, <s>=1, </s>=2 for the fairseq
    and Marian families; <pad>=0, </s>=1, <unk>=2 and no <s> for T5 (MADLAD).
    """
    import sentencepiece as spm

    ids: dict[str, Any] = (
        {"pad_id": 0, "eos_id": 1, "unk_id": 2, "bos_id": -1}
        if family == "madlad"
        else {"unk_id": 0, "bos_id": 1, "eos_id": 2, "pad_id": -1}
    )
    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(corpus),
        model_writer=buffer,
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        character_coverage=1.0,
        model_type="bpe" if family in ("nllb", "m2m100") else "unigram",
        user_defined_symbols=list(symbols),
        num_threads=1,
        minloglevel=2,
        **ids,
    )
    path.write_bytes(buffer.getvalue())
    processor = spm.SentencePieceProcessor(model_proto=buffer.getvalue())
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _hf_vocabulary(family: str, pieces: list[str], lang_tokens: list[str]) -> list[str]:
    """The vocabulary in the Hugging Face tokenizer's id order, as the converter saves it.

    NLLB: fairseq's <s> <pad> </s> <unk>, the SentencePiece pieces after its own
    three specials, the language codes, <mask>, then "madeupword" fillers up to
    the embedding size (M2M100Loader).  M2M-100: vocab.json (<s> <pad> </s> <unk>
    and the pieces), the __xx__ tokens, 8 madeupwords.  MADLAD (T5): the
    SentencePiece ids as they are.
    """
    if family == "madlad":
        return list(pieces)
    body = [piece for piece in pieces[3:] if piece not in lang_tokens]
    head = ["<s>", "<pad>", "</s>", "<unk>"]
    if family == "nllb":
        return [*head, *body, *lang_tokens, "<mask>", "madeupword0", "madeupword1"]
    return [*head, *body, *lang_tokens, *(f"madeupword{i}" for i in range(8))]


def _marian_vocabulary(source_pieces: list[str], target_pieces: list[str]) -> list[str]:
    """OPUS-MT's vocab.json: </s>, <unk>, then both models' pieces (the final <pad> is
    dropped by MarianMTLoader, which starts the decoder from a zero embedding)."""
    pieces = dict.fromkeys(p for p in [*source_pieces[3:], *target_pieces[3:]])
    return ["</s>", "<unk>", *pieces]


def _projection_bias(
    tokens: list[str],
    lang_tokens: list[str],
    rng: np.random.Generator,
    allowed: set[str] | None = None,
) -> Floats:
    """Random preferences over ordinary pieces; special and language tokens never produced.

    `allowed`, if given, are the only pieces produced (Marian: the pieces of
    target.spm, which decodes the output).
    """
    import numpy as np

    bias = rng.normal(0.0, 0.5, len(tokens)).astype(np.float32)
    for index, token in enumerate(tokens):
        special = token.startswith("<") and token.endswith(">")
        filler = token.startswith("madeupword")
        if special or filler or token in lang_tokens or (allowed and token not in allowed):
            bias[index] = _NEVER
    bias[tokens.index("</s>")] = 0.0
    return bias


# --- BART-like families: NLLB, M2M-100 (pre-norm) and Marian (post-norm) --------------------


def _bart_spec(
    family: str,
    tokens: list[str],
    lang_tokens: list[str],
    rng: np.random.Generator,
    allowed: set[str] | None,
    size: Size = SMALL,
) -> TransformerSpec:
    """A Transformer as M2M100Loader (NLLB, M2M-100) or MarianMTLoader builds it.

    Length: two residual dimensions are reserved.  The position table (the
    converter stores it explicitly) puts a linear clock in `clock`; one
    cross-attention head with uniform attention copies the mean clock over
    the source into `span`; the </s> logit is proportional to clock - span,
    so decoding stops after about as many tokens as the source has.  Layer
    norms rescale both dimensions alike, so the sign survives post-norm.
    """
    import numpy as np
    from ctranslate2.specs import TransformerSpec, common_spec

    marian = family == "marian"
    d, heads, head_dim = size.d_model, size.heads, size.d_model // size.heads
    clock, span = d - 2, d - 1
    reserved = [clock, span]
    spec = TransformerSpec.from_config(
        (size.layers, size.layers),
        heads,
        pre_norm=not marian,
        activation=common_spec.Activation.SWISH if marian else common_spec.Activation.RELU,
        layernorm_embedding=False,
    )
    w = _Weights(rng, reserved)

    positions = _sinusoids(_MAX_POSITIONS[family], d)
    positions[:, reserved] = 0.0
    positions[:, clock] = _CLOCK_STEP * np.arange(_MAX_POSITIONS[family], dtype=np.float32)
    embeddings = w.embeddings(len(tokens), d)
    for token in [*lang_tokens, "</s>"]:  # these weigh more than any one word
        embeddings[tokens.index(token)] *= _SPECIAL_EMBEDDING_GAIN

    for stack in (spec.encoder, spec.decoder):
        stack.scale_embeddings = math.sqrt(d)
        stack.position_encodings.encodings = positions
    spec.encoder.embeddings[0].weight = embeddings
    spec.decoder.embeddings.weight = embeddings
    if marian:
        spec.decoder.start_from_zero_embedding = True
    else:
        w.norm(spec.encoder.layer_norm, d)
        w.norm(spec.decoder.layer_norm, d)

    for layer in spec.encoder.layer:
        w.self_attention(layer.self_attention, d)
        w.ffn(layer.ffn, d, size.ffn)
    for index, layer in enumerate(spec.decoder.layer):
        w.self_attention(layer.self_attention, d)
        w.norm(layer.attention.layer_norm, d)
        query = w.linear(d, d) * _CROSS_QUERY_GAIN
        key_value = w.linear(2 * d, d)
        output = w.writer(d, d) * _CROSS_OUTPUT_GAIN
        if index == 0:
            # The last head: zero queries give uniform attention over the source; its
            # first value component reads clock - span there (the layer norm's shift
            # cancels out) and it alone writes `span`.
            last = slice(d - head_dim, d)
            query[last, :] = 0.0
            key_value[d:, :][last, :] = 0.0
            key_value[2 * d - head_dim, clock] = 1.0
            key_value[2 * d - head_dim, span] = -1.0
            output[:, last] = 0.0
            output[span, d - head_dim] = _SPAN_GAIN[family]
        layer.attention.linear[0].weight = query
        layer.attention.linear[1].weight = key_value
        layer.attention.linear[2].weight = output
        w.ffn(layer.ffn, d, size.ffn)

    # Minus the embeddings: a token is unlikely right after itself (random decoders loop).
    projection = w.linear(len(tokens), d) - _NO_REPEAT * embeddings
    projection[:, reserved] = 0.0
    eos = tokens.index("</s>")
    projection[eos, :] = 0.0
    projection[eos, clock] = _EOS_GAIN
    projection[eos, span] = -_EOS_GAIN
    spec.decoder.projection.weight = projection
    spec.decoder.projection.bias = _projection_bias(tokens, lang_tokens, rng, allowed)
    return spec


def _sinusoids(length: int, dim: int) -> Floats:
    """fairseq's and CTranslate2's sinusoidal table: sines in the first half, cosines after."""
    import numpy as np

    half = dim // 2
    scale = np.log(10000.0) / (half - 1)
    frequencies = np.exp(np.arange(half, dtype=np.float32) * -scale)
    angles = np.arange(length, dtype=np.float32)[:, None] * frequencies[None, :]
    return np.concatenate([np.sin(angles), np.cos(angles)], axis=1).astype(np.float32)


class _Weights:
    """Random weights that never write into the reserved residual dimensions."""

    def __init__(self, rng: np.random.Generator, reserved: list[int], *, bias: bool = True):
        self.rng = rng
        self.reserved = reserved
        self.bias = bias

    def linear(self, out_dim: int, in_dim: int) -> Floats:
        import numpy as np

        return self.rng.normal(0.0, in_dim**-0.5, (out_dim, in_dim)).astype(np.float32)

    def writer(self, out_dim: int, in_dim: int) -> Floats:
        weight = self.linear(out_dim, in_dim)
        weight[self.reserved, :] = 0.0
        return weight

    def embeddings(self, vocab: int, d: int) -> Floats:
        weight = self.linear(vocab, d)
        weight[:, self.reserved] = 0.0
        return weight

    def norm(self, layer_norm: Any, d: int) -> None:
        import numpy as np

        layer_norm.gamma = np.ones(d, dtype=np.float32)
        if self.bias:
            layer_norm.beta = np.zeros(d, dtype=np.float32)

    def self_attention(self, attention: Any, d: int) -> None:
        self.norm(attention.layer_norm, d)
        attention.linear[0].weight = self.linear(3 * d, d)
        attention.linear[1].weight = self.writer(d, d)

    def ffn(self, ffn: Any, d: int, hidden: int, *, glu: bool = False) -> None:
        self.norm(ffn.layer_norm, d)
        ffn.linear_0.weight = self.linear(hidden, d)
        if glu:
            ffn.linear_0_noact.weight = self.linear(hidden, d)
        ffn.linear_1.weight = self.writer(d, hidden)


# --- MADLAD-400: a T5 (RMS norm, relative attention bias, gated GELU, no positions) ---------


def _t5_spec(
    tokens: list[str], lang_tokens: list[str], rng: np.random.Generator, size: Size = SMALL
) -> TransformerSpec:
    """A T5 as T5Loader builds it for MADLAD-400.

    T5 has no position encodings, so the length circuit counts instead: the
    embeddings of </s> (once, at the end of every source) and of <pad> (the
    decoder start) carry a marker in dimension `mark`.  A decoder
    self-attention head with uniform attention (zero queries, zero relative
    bias) reads the marker's mean over the decoder positions, 1/(t+1), into
    `seen`; a cross-attention head reads its mean over the source, 1/L, into
    `length`.  The </s> logit grows with length - seen, positive once the
    output is about as long as the source.
    """
    import numpy as np
    from ctranslate2.specs import TransformerSpec, common_spec

    d, heads, head_dim = size.d_model, size.heads, size.d_model // size.heads
    mark, seen, length = d - 3, d - 2, d - 1
    reserved = [mark, seen, length]
    spec = TransformerSpec.from_config(
        (size.layers, size.layers),
        heads,
        pre_norm=True,
        activation=common_spec.Activation.GELUTanh,
        ffn_glu=True,
        relative_attention_bias=True,
        rms_norm=True,
    )
    w = _Weights(rng, reserved, bias=False)

    embeddings = w.embeddings(len(tokens), d)
    for token in ("</s>", "<pad>"):
        embeddings[tokens.index(token), mark] = 1.0
    # Every row the same norm, so that the RMS norm reads the marker as a constant.
    embeddings *= (math.sqrt(d) / np.linalg.norm(embeddings, axis=1))[:, None]
    marker = float(embeddings[tokens.index("</s>"), mark])

    spec.encoder.embeddings[0].weight = embeddings
    spec.decoder.embeddings.weight = embeddings
    for stack in (spec.encoder, spec.decoder):
        stack.scale_embeddings = False
        w.norm(stack.layer_norm, d)

    def bias_table(zero_head: int | None) -> Floats:
        table = rng.normal(0.0, 0.5, (_T5_BUCKETS, heads)).astype(np.float32)
        if zero_head is not None:
            table[:, zero_head] = 0.0
        return table

    def t5_attention(attention: Any, first: bool, *, counting: bool) -> None:
        w.norm(attention.layer_norm, d)
        attention.queries_scale = np.float32(1.0)
        qkv, output = w.linear(3 * d, d), w.writer(d, d)
        if counting:  # decoder self-attention: the last head counts the positions
            last = slice(d - head_dim, d)
            qkv[last, :] = 0.0
            qkv[2 * d :, :][last, :] = 0.0
            qkv[3 * d - head_dim, mark] = 1.0
            output[:, last] = 0.0
            output[seen, d - head_dim] = _T5_COUNT / marker
        attention.linear[0].weight = qkv
        attention.linear[1].weight = output
        if first:
            attention.relative_attention_bias = bias_table(heads - 1 if counting else None)
            attention.relative_attention_max_distance = np.int32(_T5_MAX_DISTANCE)

    for index, layer in enumerate(spec.encoder.layer):
        t5_attention(layer.self_attention, index == 0, counting=False)
        w.ffn(layer.ffn, d, size.ffn, glu=True)
    for index, layer in enumerate(spec.decoder.layer):
        t5_attention(layer.self_attention, index == 0, counting=index == 0)
        w.norm(layer.attention.layer_norm, d)
        layer.attention.queries_scale = np.float32(1.0)
        query = w.linear(d, d) * _CROSS_QUERY_GAIN
        key_value = w.linear(2 * d, d)
        output = w.writer(d, d) * _CROSS_OUTPUT_GAIN
        if index == 0:  # cross-attention: the last head reads 1/L
            last = slice(d - head_dim, d)
            query[last, :] = 0.0
            key_value[d:, :][last, :] = 0.0
            key_value[2 * d - head_dim, mark] = 1.0
            output[:, last] = 0.0
            output[length, d - head_dim] = _T5_LENGTH / marker
        layer.attention.linear[0].weight = query
        layer.attention.linear[1].weight = key_value
        layer.attention.linear[2].weight = output
        w.ffn(layer.ffn, d, size.ffn, glu=True)
    # Later layers share the first layer's relative attention bias, as T5Loader does.
    for stack in (spec.encoder, spec.decoder):
        first = stack.layer[0].self_attention
        for layer in stack.layer[1:]:
            layer.self_attention.relative_attention_bias = first.relative_attention_bias
            layer.self_attention.relative_attention_max_distance = (
                first.relative_attention_max_distance
            )

    projection = w.linear(len(tokens), d)
    projection[:, reserved] = 0.0
    eos = tokens.index("</s>")
    projection[eos, :] = 0.0
    projection[eos, length] = _T5_EOS_GAIN
    projection[eos, seen] = -_T5_EOS_GAIN
    spec.decoder.projection.weight = projection
    spec.decoder.projection.bias = _projection_bias(tokens, lang_tokens, rng)
    return spec
