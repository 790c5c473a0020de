"""Content that machine translation must not touch: URLs, e-mails, phones, dates, numbers, terms.

A machine draft that garbles "+855 23 216 122" or turns 2 December into 3
December is worse than no draft: a reviewer has to notice.  So these spans
are cut out of the source before translation and put back afterwards, with
dates and numbers already written the target language's way (Khmer digits
and date words for km, "2024年12月2日" for zh-Hans) and glossary terms replaced
by their agreed translation.

Two ways to put them back: the text goes to the engine with numbered
placeholders, which is best for fluency if the model copies each placeholder
exactly once; when it does not (our random test model never does, real
models sometimes drop or duplicate one), the text between the spans is
translated piece by piece and re-joined around the renderings.  Either way
every rendering is in the draft exactly once, in source order for the
fallback.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from babel.numbers import format_decimal

from publisher.core import dates, languages

_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
        start=1,
    )
}
_MONTH = "(?P<month>" + "|".join(_MONTHS) + ")"
_DASH = r"\s?[-–]\s?"
_YEAR = r"(?P<year>\d{4})"
# Only the forms English press releases use; anything else is left to numbers.
_DATE_PATTERNS = (
    # 2-4 December 2024
    re.compile(rf"\b(?P<day>\d{{1,2}}){_DASH}(?P<day2>\d{{1,2}})\s+{_MONTH}\s+{_YEAR}\b"),
    # December 2-4, 2024
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}}){_DASH}(?P<day2>\d{{1,2}}),?\s+{_YEAR}\b"),
    # 2 December 2024
    re.compile(rf"\b(?P<day>\d{{1,2}})\s+{_MONTH},?\s+{_YEAR}\b"),
    # December 2, 2024
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}}),?\s+{_YEAR}\b"),
)
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"]+")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_PHONE = re.compile(r"\+\d{1,3}(?:[ \u00a0.-]?\(?\d{1,4}\)?){2,}")
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CURRENCY = re.compile(
    rf"(?:(?:US\$|[$€£¥៛])\s?|\b(?:USD|KHR|EUR|CNY|RMB)\s?)(?P<amount>{_NUMBER})"
    r"(?:\s(?:million|billion|thousand|trillion)\b)?"
)
_NUMBER_RE = re.compile(rf"(?<![\w.,])(?:{_NUMBER})(?![\w]|[.,]\d)")
# Trailing characters that end a sentence rather than a URL.
_URL_TRAILING = ".,;:!?)]}'\"’”»"
PLACEHOLDER = "[{}]"
_PLACEHOLDER_RE = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True)
class Span:
    """A protected part of the source and what the draft must show instead."""

    start: int
    end: int
    kind: str  # url, email, phone, date, currency, number, term
    rendering: str


@dataclass(frozen=True)
class Protected:
    """A source text cut into translatable pieces and protected spans."""

    text: str
    spans: tuple[Span, ...]

    @property
    def pieces(self) -> list[str]:
        """The text around the spans: always `len(spans) + 1` pieces, some empty."""
        bounds = [0, *(x for span in self.spans for x in (span.start, span.end)), len(self.text)]
        return [self.text[bounds[i] : bounds[i + 1]] for i in range(0, len(bounds), 2)]

    def with_placeholders(self) -> str | None:
        """The source with `[1]`, `[2]`... for the spans; None when that would be ambiguous.

        A source that already contains a bracketed number cannot use them:
        the restore could not tell ours from its own.
        """
        if not self.spans or _PLACEHOLDER_RE.search(self.text):
            return None
        pieces = self.pieces
        out = [pieces[0]]
        for number, piece in enumerate(pieces[1:], start=1):
            out += [PLACEHOLDER.format(number), piece]
        return "".join(out)

    def restore_placeholders(self, translated: str) -> str | None:
        """Put the renderings in place of the placeholders; None unless each is there once."""
        found = [int(m.group(1)) for m in _PLACEHOLDER_RE.finditer(translated)]
        if sorted(found) != list(range(1, len(self.spans) + 1)):
            return None
        return _PLACEHOLDER_RE.sub(lambda m: self.spans[int(m.group(1)) - 1].rendering, translated)

    def to_translate(self) -> list[str]:
        """The pieces to send to the engine in the fallback: those with words, stripped."""
        return [piece.strip() for piece in self.pieces if _has_words(piece)]

    def restore(self, translations: Sequence[str]) -> str:
        """Re-join translated pieces (as listed by `to_translate`) and renderings, in order.

        Pieces without words (spaces, punctuation) are kept as they are, and
        so is the whitespace around every piece, so the renderings stay
        separated as in the source.
        """
        todo = iter(translations)
        out: list[str] = []
        pieces = self.pieces
        for index, piece in enumerate(pieces):
            if _has_words(piece):
                translated = next(todo, None)
                if translated is None:
                    raise ValueError(f"{len(self.to_translate())} translations needed")
                lead = piece[: len(piece) - len(piece.lstrip())]
                trail = piece[len(piece.rstrip()) :]
                out.append(lead + translated.strip() + trail)
            else:
                out.append(piece)
            if index < len(self.spans):
                out.append(self.spans[index].rendering)
        if next(todo, None) is not None:
            raise ValueError(f"{len(self.to_translate())} translations needed")
        return "".join(out)


def _has_words(piece: str) -> bool:
    return any(char.isalpha() for char in piece)


def protect(text: str, target_lang: str, glossary: Mapping[str, str] | None = None) -> Protected:
    """Find the spans of `text` to keep out of machine translation, rendered for `target_lang`.

    Overlaps go to the match that starts first, then to the longest, so
    "2 December 2024" is one date, not a number, and a URL keeps its digits.
    """
    lang = languages.canonical(target_lang)
    candidates: list[Span] = []
    for pattern, kind in ((_URL, "url"), (_EMAIL, "email"), (_PHONE, "phone")):
        for match in pattern.finditer(text):
            value = match.group(0)
            if kind == "url":
                value = value.rstrip(_URL_TRAILING)
            candidates.append(Span(match.start(), match.start() + len(value), kind, value))
    candidates += _term_spans(text, glossary or {})
    candidates += _date_spans(text, lang)
    for match in _CURRENCY.finditer(text):
        amount = match.group("amount")
        start, end = match.span("amount")
        rendering = match.group(0)[: start - match.start()] + _render_number(amount, lang)
        rendering += match.group(0)[end - match.start() :]
        candidates.append(Span(match.start(), match.end(), "currency", rendering))
    for match in _NUMBER_RE.finditer(text):
        candidates.append(
            Span(match.start(), match.end(), "number", _render_number(match.group(0), lang))
        )

    spans: list[Span] = []
    for span in sorted(candidates, key=lambda s: (s.start, -(s.end - s.start))):
        if span.end > span.start and (not spans or span.start >= spans[-1].end):
            spans.append(span)
    return Protected(text, tuple(spans))


def _term_spans(text: str, glossary: Mapping[str, str]) -> list[Span]:
    """Glossary terms, longest first, case-sensitive, as whole words.

    Longest first, so that "Ministry of Foreign Affairs" wins over "Ministry"
    where both are in the glossary.
    """
    spans: list[Span] = []
    taken: list[tuple[int, int]] = []
    for term in sorted((t for t in glossary if t.strip()), key=len, reverse=True):
        pattern = re.compile(
            (r"(?<!\w)" if term[0].isalnum() else "")
            + re.escape(term)
            + (r"(?!\w)" if term[-1].isalnum() else "")
        )
        for match in pattern.finditer(text):
            if all(match.end() <= a or match.start() >= b for a, b in taken):
                taken.append(match.span())
                spans.append(Span(match.start(), match.end(), "term", glossary[term]))
    return spans


def _date_spans(text: str, lang: str) -> list[Span]:
    spans = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            fields = match.groupdict()
            try:
                start = dt.date(int(fields["year"]), _MONTHS[fields["month"]], int(fields["day"]))
                end = start.replace(day=int(fields["day2"])) if fields.get("day2") else start
            except ValueError:  # 31 February: not a date, its numbers stay numbers
                continue
            if end < start:
                continue
            rendering = (
                dates.format_date(start, lang)
                if end == start
                else dates.format_date_range(start, end, lang)
            )
            spans.append(Span(match.start(), match.end(), "date", rendering))
    return spans


def _render_number(source: str, lang: str) -> str:
    """A number as the target language writes it, digits grouped only if the source grouped them.

    "2024" must not become "2,024"; precision is kept as written ("3.14159").
    """
    try:
        value = Decimal(source.replace(",", ""))
    except InvalidOperation:
        return source
    text = format_decimal(
        value,
        locale=languages.get(lang).babel,
        group_separator="," in source,
        decimal_quantization=False,
    )
    return dates.localize_digits(text, lang)


def translate_protected(
    texts: Sequence[str],
    target_lang: str,
    translate: Callable[[list[str]], list[str]],
    glossary: Mapping[str, str] | None = None,
    *,
    use_placeholders: bool = True,
) -> list[str]:
    """Translate `texts` with their protected spans intact, in at most two batches.

    `translate` is a batch function such as `Translator.translate_batch`.
    The first batch holds every text (with placeholders where it has spans);
    the second holds the pieces of the texts whose placeholders did not
    survive.  Two calls, whatever the number of texts, keep the batching.
    A text whose every piece comes back empty is returned empty (the machine
    said nothing; its protected spans alone are no translation).
    """
    protected = [protect(text, target_lang, glossary) for text in texts]
    results: dict[int, str] = {}
    first: list[tuple[int, str]] = []
    for index, item in enumerate(protected):
        if not item.spans:
            first.append((index, item.text))
        elif use_placeholders and (marked := item.with_placeholders()) is not None:
            first.append((index, marked))
    for (index, _), translated in zip(
        first, translate([text for _, text in first]) if first else [], strict=True
    ):
        item = protected[index]
        restored = item.restore_placeholders(translated) if item.spans else translated
        if restored is not None:
            results[index] = restored

    fallback = [i for i in range(len(texts)) if i not in results]
    pieces = [protected[i].to_translate() for i in fallback]
    flat = [piece for group in pieces for piece in group]
    translated_pieces = iter(translate(flat) if flat else [])
    for index, group in zip(fallback, pieces, strict=True):
        answers = [next(translated_pieces) for _ in group]
        # The machine gave nothing for any of the words: no translation, rather than the
        # protected spans alone ("2024 30" for a sentence about a visit).
        silent = bool(group) and not any(answer.strip() for answer in answers)
        results[index] = "" if silent else protected[index].restore(answers)
    return [results[i] for i in range(len(texts))]
