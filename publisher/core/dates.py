"""Dates and numbers in each language's official style.

Babel gives English and Chinese directly. Khmer official documents write
"ថ្ងៃទី៣០ ខែវិច្ឆិកា ឆ្នាំ២០២៤" with Khmer digits, which CLDR (and so Babel)
cannot produce, so the Khmer forms are composed here from Babel's month names.
"""

from __future__ import annotations

import datetime as dt

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_interval
from babel.numbers import format_decimal

from publisher.core import languages

KHMER_DIGITS = "០១២៣៤៥៦៧៨៩"
_TO_KHMER = str.maketrans("0123456789", KHMER_DIGITS)
_FROM_NATIVE = str.maketrans(KHMER_DIGITS + "０１２３４５６７８９", "0123456789" * 2)


def khmer_digits(text: str) -> str:
    """Replace ASCII digits with Khmer digits (U+17E0-U+17E9)."""
    return text.translate(_TO_KHMER)


def ascii_digits(text: str) -> str:
    """Replace Khmer and full-width digits with ASCII digits."""
    return text.translate(_FROM_NATIVE)


def localize_digits(text: str, lang: str) -> str:
    return khmer_digits(text) if languages.canonical(lang) == "km" else text


def _khmer_month(month: int) -> str:
    return Locale.parse("km").months["format"]["wide"][month]


def format_date(day: dt.date, lang: str) -> str:
    """A date as an official document of `lang` writes it."""
    code = languages.canonical(lang)
    if code == "km":
        return khmer_digits(f"ថ្ងៃទី{day.day} ខែ{_khmer_month(day.month)} ឆ្នាំ{day.year}")
    if code == "en":
        return f"{day.day} {babel_format_date(day, 'MMMM y', locale='en_GB')}"
    return babel_format_date(day, "long", locale=languages.get(code).babel)


def format_date_range(start: dt.date, end: dt.date, lang: str) -> str:
    """A span of days ("2-4 December 2024", "2024年12月2日至4日", "ពីថ្ងៃទី២ ដល់ថ្ងៃទី៤ ខែធ្នូ ...")."""
    code = languages.canonical(lang)
    if start == end:
        return format_date(start, lang)
    same_month = (start.year, start.month) == (end.year, end.month)
    if code == "km":
        if same_month:
            return khmer_digits(
                f"ពីថ្ងៃទី{start.day} ដល់ថ្ងៃទី{end.day} ខែ{_khmer_month(start.month)} ឆ្នាំ{start.year}"
            )
        return f"ពី{format_date(start, code)} ដល់{format_date(end, code)}"
    if code == "en":
        if same_month:
            return f"{start.day}–{format_date(end, code)}"
        return f"{format_date(start, code)} – {format_date(end, code)}"
    if code == "zh-Hans" and same_month:
        return f"{start.year}年{start.month}月{start.day}日至{end.day}日"
    return format_interval(start, end, "yMMMd", locale=languages.get(code).babel)


def format_number(value: float | int, lang: str) -> str:
    code = languages.canonical(lang)
    text = format_decimal(value, locale=languages.get(code).babel)
    return khmer_digits(text) if code == "km" else text
