"""Multilingual model families and the language tokens each one needs around a sentence.

Argos packages carry plain pair models: SentencePiece pieces in, pieces out.
The multilingual models that cover Khmer expect more, and CTranslate2 adds
none of it for converted Hugging Face models ("special tokens are not
implicitly added"), so whoever calls the model must:

=========  ==========================================  ==================  ========================
family     source tokens                               target prefix       SentencePiece file(s)
=========  ==========================================  ==================  ========================
nllb       ["eng_Latn", *pieces, "</s>"]               ["khm_Khmr"]        sentencepiece.bpe.model
m2m100     ["__en__", *pieces, "</s>"]                 ["__km__"]          sentencepiece.bpe.model
madlad     ["▁", "<2km>", *pieces, "</s>"] (target!)   none                spiece.model
marian     [(">>khm<<"), *pieces, "</s>"]              none                source.spm, target.spm
=========  ==========================================  ==================  ========================

The target prefix comes back as the first token(s) of every hypothesis and is
stripped before decoding.  MADLAD's tag names the *target* language and is a
SentencePiece symbol: the Hugging Face tokenizer turns "<2km> text" into
`["▁", "<2km>", *pieces]`, so the prefix is derived from the model's own
SentencePiece file rather than written here.  A multi-target OPUS-MT model
needs a `>>xxx<<` token for the target language; a single-pair one, none.

CTranslate2 reads a token that is not in the vocabulary as `<unk>`, silently,
so every token is checked against the vocabulary when a model is imported.
The tokens travel in each package's metadata.json under the key `publisher`
(see `TokenLayout`), because Argos's own metadata has no place for source
tokens.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from publisher.core import languages
from publisher.errors import TranslationEngineError

#: The key of publisher's own entry in an Argos package's metadata.json.
METADATA_KEY = "publisher"
METADATA_SCHEMA = 1
#: The SentencePiece file a package decodes with when it is not `sentencepiece.model`.
TARGET_TOKENIZER = "target.spm"


@dataclass(frozen=True)
class Family:
    name: str  # as typed on the command line
    label: str  # as its authors name it
    licence: str  # of the published weights
    sentencepiece: tuple[str, str]  # hub file names: (source side, target side)
    tokens: Mapping[str, tuple[str, ...]]  # our code -> candidate tokens, first found wins
    source_token: str  # "source" (the source language's), "target" (MADLAD) or "none"
    target_prefix: bool  # whether the target language's token is forced as the prefix
    tag_in_text: bool = False  # the tokenizer reads the tag inside the text (MADLAD)


FAMILIES: dict[str, Family] = {
    family.name: family
    for family in (
        Family(
            "nllb",
            "NLLB-200",
            "CC-BY-NC-4.0",
            ("sentencepiece.bpe.model", "sentencepiece.bpe.model"),
            {"en": ("eng_Latn",), "km": ("khm_Khmr",), "zh-Hans": ("zho_Hans",)},
            "source",
            True,
        ),
        Family(
            "madlad",
            "MADLAD-400",
            "Apache-2.0",
            ("spiece.model", "spiece.model"),
            {"en": ("<2en>",), "km": ("<2km>",), "zh-Hans": ("<2zh>",)},
            "target",
            False,
            tag_in_text=True,
        ),
        Family(
            "m2m100",
            "M2M-100",
            "MIT",
            ("sentencepiece.bpe.model", "sentencepiece.bpe.model"),
            {"en": ("__en__",), "km": ("__km__",), "zh-Hans": ("__zh__",)},
            "source",
            True,
        ),
        Family(
            "marian",
            "OPUS-MT (Marian)",
            "CC-BY-4.0 for most models; check the model card",
            ("source.spm", "target.spm"),
            # Multi-target OPUS-MT models only (Tatoeba-Challenge language ids).
            {
                "en": (">>eng<<",),
                "km": (">>khm<<", ">>khm_Khmr<<"),
                "zh-Hans": (">>cmn_Hans<<", ">>zho_Hans<<", ">>cmn<<", ">>zho<<"),
            },
            "target",
            False,
        ),
    )
}


def get_family(name: str) -> Family:
    family = FAMILIES.get(name.strip().lower())
    if family is None:
        raise TranslationEngineError(
            f"unknown model family {name!r}; known families: {', '.join(FAMILIES)}"
        )
    return family


@dataclass(frozen=True)
class TokenLayout:
    """The tokens a package's caller adds around each sentence, and strips from the output.

    Stored in metadata.json as `"publisher": {"source_prefix": [...],
    "source_suffix": [...], "target_prefix": [...], ...}`, lists of tokens
    exactly as CTranslate2 must receive them.
    """

    source_prefix: tuple[str, ...] = ()
    source_suffix: tuple[str, ...] = ()
    target_prefix: tuple[str, ...] = ()

    def source(self, pieces: Sequence[str]) -> list[str]:
        return [*self.source_prefix, *pieces, *self.source_suffix]

    def strip(self, hypothesis: Sequence[str]) -> list[str]:
        """The hypothesis without the forced target prefix (which must be there)."""
        size = len(self.target_prefix)
        if list(hypothesis[:size]) != list(self.target_prefix):
            raise TranslationEngineError(
                f"the model's output does not start with {' '.join(self.target_prefix)}: "
                f"{' '.join(hypothesis[: size + 2])}"
            )
        return list(hypothesis[size:])

    def tokens(self) -> list[str]:
        return [*self.source_prefix, *self.source_suffix, *self.target_prefix]


@dataclass(frozen=True)
class PackageModel:
    """What publisher records about a package's model in its metadata.json."""

    family: str
    model: str  # the model's name, shared by every package made from it
    layout: TokenLayout
    target_tokenizer: str  # the SentencePiece file that decodes the output
    model_sha256: str

    def to_metadata(self) -> dict[str, Any]:
        return {
            "schema": METADATA_SCHEMA,
            "family": self.family,
            "model": self.model,
            "source_prefix": list(self.layout.source_prefix),
            "source_suffix": list(self.layout.source_suffix),
            "target_prefix": list(self.layout.target_prefix),
            "target_tokenizer": self.target_tokenizer,
            "model_sha256": self.model_sha256,
        }

    @classmethod
    def from_metadata(cls, value: Any) -> PackageModel:
        """Read the `publisher` entry; ValueError says what is wrong with it."""
        if not isinstance(value, dict):
            raise ValueError(f"{METADATA_KEY!r} is not a JSON object")
        if value.get("schema") != METADATA_SCHEMA:
            raise ValueError(f"{METADATA_KEY!r} has schema {value.get('schema')!r}, not 1")
        family = value.get("family")
        if family not in FAMILIES:
            raise ValueError(f"unknown model family {family!r}")

        def tokens(key: str) -> tuple[str, ...]:
            items = value.get(key, [])
            if not isinstance(items, list) or not all(isinstance(t, str) and t for t in items):
                raise ValueError(f"{METADATA_KEY}.{key} is not a list of tokens")
            return tuple(items)

        def text(key: str, default: str | None = None) -> str:
            item = value.get(key, default)
            if not isinstance(item, str) or not item:
                raise ValueError(f"{METADATA_KEY}.{key} is missing")
            return item

        target_tokenizer = text("target_tokenizer", "sentencepiece.model")
        if target_tokenizer not in ("sentencepiece.model", TARGET_TOKENIZER):
            raise ValueError(f"{METADATA_KEY}.target_tokenizer {target_tokenizer!r} is not allowed")
        return cls(
            family,
            text("model"),
            TokenLayout(tokens("source_prefix"), tokens("source_suffix"), tokens("target_prefix")),
            target_tokenizer,
            text("model_sha256", "unknown"),
        )


def language_token(family: Family, lang: str, vocabulary: set[str] | None = None) -> str | None:
    """The family's token for one of our languages: the first candidate in the vocabulary."""
    candidates = family.tokens.get(languages.canonical(lang), ())
    for token in candidates:
        if vocabulary is None or token in vocabulary:
            return token
    return None


def layout(
    family: Family,
    from_lang: str,
    to_lang: str,
    vocabulary: tuple[set[str], set[str]],
    config: Mapping[str, Any],
    tag_pieces: Mapping[str, list[str]] | None = None,
) -> TokenLayout:
    """The tokens for one pair of a model, each checked against its vocabularies.

    `vocabulary` is (source side, target side): the same set for models
    with one shared vocabulary.
    `config` is the model's config.json: when CTranslate2 itself adds the
    end-of-sentence token (`add_source_eos`, as `ct2-opus-mt-converter`
    sets it) the caller must not add it again.  `tag_pieces` maps a token
    to the pieces the model's own SentencePiece makes of it before a text
    (MADLAD: "<2km>" -> ["▁", "<2km>"]).
    """
    source_vocabulary, target_vocabulary = vocabulary
    eos = str(config.get("eos_token") or "</s>")
    suffix: tuple[str, ...] = () if config.get("add_source_eos") else (eos,)
    prefix: tuple[str, ...] = ()
    target: tuple[str, ...] = ()
    if family.source_token != "none":
        side = from_lang if family.source_token == "source" else to_lang
        token = language_token(family, side, source_vocabulary)
        multi_target = family.name == "marian" and any(_is_marian_tag(t) for t in source_vocabulary)
        if token is None and (family.name != "marian" or multi_target):
            wanted = " or ".join(family.tokens.get(languages.canonical(side), ())) or "none known"
            raise TranslationEngineError(
                f"the {family.label} model has no token for {languages.canonical(side)} in its "
                f"vocabulary ({wanted})"
            )
        if token is not None:
            prefix = tuple((tag_pieces or {}).get(token) or [token])
    if family.target_prefix:
        token = language_token(family, to_lang, target_vocabulary)
        if token is None:
            raise TranslationEngineError(
                f"the {family.label} model has no token for {languages.canonical(to_lang)} in "
                f"its vocabulary ({' or '.join(family.tokens.get(to_lang, ()))})"
            )
        target = (token,)
    if config.get("add_source_bos"):
        bos = config.get("bos_token")
        if prefix and prefix[-1:] == (bos,):
            prefix = prefix[:-1]
        elif prefix:
            raise TranslationEngineError(
                f"the model's config.json adds {bos!r} before every source, where the "
                f"{family.label} family needs {' '.join(prefix)}"
            )
    result = TokenLayout(prefix, suffix, target)
    missing = [
        token
        for token in dict.fromkeys([*result.source_prefix, *result.source_suffix])
        if token not in source_vocabulary
    ] + [token for token in result.target_prefix if token not in target_vocabulary]
    if missing:
        raise TranslationEngineError(
            f"the {family.label} model's vocabulary lacks {', '.join(missing)}: "
            "it is not a model of that family"
        )
    return result


def _is_marian_tag(token: str) -> bool:
    return token.startswith(">>") and token.endswith("<<") and len(token) > 4
