"""Dates and numbers in each language's official style.

Babel gives English and Chinese directly. Khmer official documents write
"ថ្ងៃទី៣០ ខែវិច្ឆិកា ឆ្នាំ២០២៤" with Khmer digits, which CLDR (and so Babel)
cannot produce, so the Khmer forms are composed here from Babel's month names.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_interval
from babel.numbers import format_decimal

from publisher.core import languages

KHMER_DIGITS = "០១២៣៤៥៦៧៨៩"
_DATE_ONLY = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
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
    name: str = Locale.parse("km").months["format"]["wide"][month]
    return name


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


def format_time(moment: dt.datetime, lang: str) -> str:
    """A clock time as an official text of `lang` writes it: 08:00, ០៨:០០, 8时 (8时30分)."""
    code = languages.canonical(lang)
    if code == "zh-Hans":
        return f"{moment.hour}时" + (f"{moment.minute}分" if moment.minute else "")
    return localize_digits(f"{moment.hour:02d}:{moment.minute:02d}", code)


def format_utc_offset(moment: dt.datetime) -> str:
    """ "UTC+07:00": the offset written the same way in every language."""
    offset = moment.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def zone_city(zone: str, lang: str) -> str:
    """The city that names an IANA zone, in `lang` ("Asia/Phnom_Penh" -> ភ្នំពេញ, 金边)."""
    from babel.dates import get_timezone, get_timezone_location

    try:
        return str(
            get_timezone_location(
                get_timezone(zone), locale=languages.get(lang).babel, return_city=True
            )
        )
    except (LookupError, ValueError):
        return zone.rsplit("/", 1)[-1].replace("_", " ")


def parse_moment(text: str, zone: str) -> dt.datetime:
    """A date and time a person typed, with its zone: "2024-12-02 08:00" (in `zone`),
    "2024-12-02T08:00+07:00". A date alone, an impossible time, or a local time the
    zone's clocks skip or show twice (the nights they change) is a ValueError that says
    what is wrong (for a time shown twice: both readings, to type with an offset)."""
    value = " ".join(text.strip().split())
    if _DATE_ONLY.fullmatch(value):
        raise ValueError(
            f"{text!r} has no time: an embargo needs the time as well, e.g. "
            f'"{value} 08:00" (in {zone}) or "{value}T08:00+07:00"'
        )
    try:
        moment = dt.datetime.fromisoformat(value.replace(" ", "T", 1).replace("Z", "+00:00"))
    except ValueError as exc:
        reason = str(exc)
        if "out of range" in reason or "must be in" in reason:
            raise ValueError(f"{text!r} is not a real date and time ({reason})") from None
        raise ValueError(
            f"{text!r} is not a date and time like 2024-12-02 08:00 or 2024-12-02T08:00+07:00"
        ) from None
    if moment.tzinfo is None:
        moment = _in_zone(text, moment, zone)
    offset = moment.utcoffset() or dt.timedelta(0)
    # Stored with a fixed offset (what release.toml and a wire service read), not a zone name.
    return moment.replace(tzinfo=dt.timezone(offset), microsecond=0)


def _in_zone(text: str, naive: dt.datetime, zone: str) -> dt.datetime:
    """`naive` read on the clocks of `zone`; a ValueError for a time those clocks skip (the
    night they go forward) or show twice (the night they go back), with the readings."""
    tz = ZoneInfo(zone)
    first, second = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    before, after = first.utcoffset() or _ZERO, second.utcoffset() or _ZERO
    if before == after:
        return first
    if first.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None) != naive:
        # A gap (fold=0 reads it with the offset before the change): find the change.
        low, high = sorted((first.astimezone(dt.UTC), second.astimezone(dt.UTC)))
        while high - low > dt.timedelta(minutes=1):
            middle = low + (high - low) / 2
            if middle.astimezone(tz).utcoffset() == before:
                low = middle
            else:
                high = middle
        change = high.replace(tzinfo=None, second=0, microsecond=0)
        raise ValueError(
            f"{text.strip()!r} does not exist in {zone}: the clocks go from "
            f"{change + before:%H:%M} to {change + after:%H:%M} that night "
            f"({format_utc_offset(first)} to {format_utc_offset(second)}); type a time that "
            f"exists, e.g. {naive + (after - before):%Y-%m-%d %H:%M}"
        )
    readings = [m.isoformat(timespec="minutes") for m in (first, second)]
    raise ValueError(
        f"{text.strip()!r} happens twice in {zone} (the clocks go back that night); type the "
        f"one you mean: {readings[0]} (the first, {format_utc_offset(first)}) or "
        f"{readings[1]} (the second, {format_utc_offset(second)})"
    )


_ZERO = dt.timedelta(0)
