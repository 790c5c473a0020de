"""How much of what a translation must keep it kept: glossary terms and protected items.

The same comparisons as the QA checks (`checks.py`), counted instead of
reported: a glossary term of the source is respected when the translation
uses the term the glossary requires; a protected item (URL, e-mail address,
phone number, number, amount, percentage, time, date) is kept when the
translation carries the same value in any of its spellings ("2 December 2024",
"2024年12月2日", "ថ្ងៃទី២ ខែធ្នូ ឆ្នាំ២០២៤").  Spelled-out counts, which the
checks never require, are not counted.  Used by the model scorecard.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from publisher.core import languages
from publisher.qa import numbers, placeables
from publisher.qa.checks import contains_term


@dataclass(frozen=True)
class Coverage:
    terms: int = 0  # glossary terms found in the source
    terms_kept: int = 0  # of those, translated as the glossary requires
    items: int = 0  # protected items in the source
    items_kept: int = 0  # of those, found in the translation

    def __add__(self, other: Coverage) -> Coverage:
        return Coverage(
            self.terms + other.terms,
            self.terms_kept + other.terms_kept,
            self.items + other.items,
            self.items_kept + other.items_kept,
        )


def coverage(
    source: str,
    target: str,
    source_lang: str,
    target_lang: str,
    glossary: Mapping[str, str] | None = None,
) -> Coverage:
    src_lang, tgt_lang = languages.canonical(source_lang), languages.canonical(target_lang)
    terms = kept = 0
    for term, required in (glossary or {}).items():
        if term.strip() and required.strip() and contains_term(source, term, src_lang):
            terms += 1
            kept += contains_term(target, required, tgt_lang)
    wanted = placeables.find(source)
    missing_placeables, _ = placeables.unmatched(wanted, placeables.find(target))
    values = [value for value in numbers.extract(source) if not value.soft]
    missing_values, _ = numbers.compare(values, numbers.extract(target))
    items = len(wanted) + len(values)
    return Coverage(terms, kept, items, items - len(missing_placeables) - len(missing_values))
