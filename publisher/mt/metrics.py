"""Corpus chrF and BLEU of machine drafts against approved translations (sacrebleu).

The scores are sacrebleu's, reported with its signature so that anyone can
reproduce them.  The tokenisation for BLEU follows the target language:
`zh` for Chinese (the default `13a` sees a Chinese sentence as one word and
scores 0), `char` for Khmer, which writes no spaces between words (sacrebleu's
FLORES SentencePiece tokenisers would fit Khmer better, but they download
their model on first use, and nothing here may reach the network), and `13a`
for English.  chrF works on characters whatever the language, so it is the
score to read first.  Zero-width spaces, which Khmer typesetting inserts at
line-break opportunities, are removed from both sides first: chrF ignores
spaces, not U+200B.

sacrebleu is imported only when a score is computed (~80 ms).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from publisher.core import languages

_BLEU_TOKENIZERS = {"zh-Hans": "zh", "km": "char"}
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"))


@dataclass(frozen=True)
class CorpusScore:
    metric: str  # "chrF2", "BLEU"
    score: float  # 0-100
    signature: str  # sacrebleu's, e.g. "nrefs:1|case:mixed|eff:no|tok:zh|smooth:exp|version:2.6.0"


def bleu_tokenizer(lang: str) -> str:
    return _BLEU_TOKENIZERS.get(languages.canonical(lang), "13a")


def corpus_scores(
    hypotheses: Sequence[str], references: Sequence[str], lang: str
) -> tuple[CorpusScore, CorpusScore]:
    """(chrF, BLEU) of `hypotheses` against one reference each, in language `lang`."""
    from sacrebleu.metrics.bleu import BLEU
    from sacrebleu.metrics.chrf import CHRF

    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} hypotheses for {len(references)} references")
    hyps = [_clean(text) for text in hypotheses]
    refs = [[_clean(text) for text in references]]
    chrf = CHRF()
    bleu = BLEU(tokenize=bleu_tokenizer(lang))
    chrf_score = chrf.corpus_score(hyps, refs)
    bleu_score = bleu.corpus_score(hyps, refs)
    return (
        CorpusScore(chrf_score.name, chrf_score.score, str(chrf.get_signature())),
        CorpusScore(bleu_score.name, bleu_score.score, str(bleu.get_signature())),
    )


def _clean(text: str) -> str:
    return " ".join(text.translate(_INVISIBLE).split())
