"""Numbers, amounts, percentages, times and dates, compared by value across languages.

A translation must carry the same facts, but never the same strings: "2024",
"២០២៤" and "2024年" are one year; "December 2-4, 2024",
"2024年12月2日至4日" and "ពីថ្ងៃទី២ ដល់ថ្ងៃទី៤ ខែធ្នូ ឆ្នាំ២០២៤" are the same two
days. Each side is reduced to a multiset of normalised values and the two
multisets are compared.

A value may have more than one reading when its notation is ambiguous ("1,500"
is 1500 in English but 1.5 in Khmer's decimal-comma style; "10:30" may be
morning or evening). Two values match when they share a reading, and a date
without a year matches the same day in any year, so that a translator who adds
or drops an obvious year is not flagged. Spelled-out numbers ("two nations",
"the first time", "两国") are deliberately not extracted: translations
legitimately rephrase them, and a noisy checker gets ignored.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from publisher.core.dates import ascii_digits, khmer_digits
from publisher.core.messages import Day, Digits, Param
from publisher.qa import khmer, placeables

#: One reading of a value; its layout depends on the value's kind: (y, m, d) for a date,
#: (y, m) for a month, (h, m) for a time, (Decimal,) for a number or percentage.
Reading = tuple[Any, ...]
#: What a pattern's builder makes of one match: (kind, readings) pairs, or None to skip it.
Built = list[tuple[str, list[Reading]]] | None
Builder = Callable[[re.Match[str]], Built]


@dataclass(frozen=True)
class Value:
    """One fact found in a text, with every reading its notation allows."""

    kind: str  # "date" (y, m, d) | "month" (y, m) | "number" | "percent" | "time" (h, m)
    readings: tuple[Reading, ...]
    text: str  # as written, for messages
    start: int = 0
    end: int = 0
    # Spelled-out counts ("five", "两国", "第五条"): they may satisfy a number
    # of the other side but are never reported as missing or extra, because
    # translators spell small numbers out or in digits as style dictates.
    soft: bool = False

    def describe(self) -> str:
        """The value in words a translator reads the same way in any language."""
        reading = self.readings[0]
        if self.kind == "date":
            y, m, d = reading
            return f"{d} {MONTH_NAMES[m - 1]}" + (f" {y}" if y else "")
        if self.kind == "month":
            y, m = reading
            return MONTH_NAMES[m - 1] + (f" {y}" if y else "")
        if self.kind == "time":
            h, m = reading
            return f"{h}:{m:02d}"
        number = _plain(reading[0])
        return number + ("%" if self.kind == "percent" else "")

    def value_param(self) -> Param:
        """The value as a message parameter: `describe()` in the reader's forms (a date as
        their documents write it, digits in Khmer digits for a Khmer reader)."""
        reading = self.readings[0]
        if self.kind == "date":
            y, m, d = reading
            return Day(m, d, y or None)
        if self.kind == "month":
            y, m = reading
            return Day(m, None, y or None)
        return Digits(self.describe())


def _plain(value: Decimal) -> str:
    if value == value.to_integral_value():
        text = f"{int(value):,}"
        return text if abs(value) >= 10000 else text.replace(",", "")
    return format(value.normalize(), "f")


MONTH_NAMES = (
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
)
_EN_MONTHS: dict[str, int] = {}
for _i, _name in enumerate(MONTH_NAMES, 1):
    for _form in {_name, _name[:3], "Sept" if _i == 9 else _name[:3]}:
        _EN_MONTHS[_form] = _i
        _EN_MONTHS[_form.upper()] = _i
_EN_MONTH = "|".join(sorted(_EN_MONTHS, key=len, reverse=True))
# Full names only for a month on its own; "May" and "March" are also words.
_EN_MONTH_ALONE = "|".join(
    n
    for n in sorted(_EN_MONTHS, key=len, reverse=True)
    if len(n) > 3 and n.title() != "March" and n != "Sept" and n != "SEPT"
)

KM_MONTHS = (
    "មករា",
    "កុម្ភៈ",
    "មីនា",
    "មេសា",
    "ឧសភា",
    "មិថុនា",
    "កក្កដា",
    "សីហា",
    "កញ្ញា",
    "តុលា",
    "វិច្ឆិកា",
    "ធ្នូ",
)
_KM_MONTH_INDEX = {name: i for i, name in enumerate(KM_MONTHS, 1)}
# Typists write the final "ៈ" of កុម្ភៈ as an ASCII colon or leave it out.
_KM_MONTH = "|".join(sorted([*KM_MONTHS, "កុម្ភ:", "កុម្ភះ", "កុម្ភ"], key=len, reverse=True))

_CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUM = "[〇零一二两三四五六七八九十百千万]+(?:点[〇零一二三四五六七八九]+)?"
_CN_SMALL = "[一二三四五六七八九十]{1,3}"

# Digits with "," "." or a no-break/thin space between groups; not part of a
# code like "G20" or "COVID-19".
NUM = (
    r"(?<![A-Za-z0-9])(?<![A-Za-z]-)"
    r"[0-9]+(?:(?:[.,]|[\u00a0\u202f\u2009](?=[0-9]{3}(?![0-9])))[0-9]+)*"
)
_ORD = r"(?:st|nd|rd|th)?"
_NOT_WORD = r"(?![A-Za-z0-9])"


def parse_chinese_number(text: str) -> Decimal | None:
    """二〇二四 -> 2024, 十五 -> 15, 三点五 -> 3.5, 一万二千 -> 12000."""
    integer, _, fraction = text.partition("点")
    if integer and all(c in _CN_DIGITS for c in integer) and len(integer) > 1:
        value = int("".join(str(_CN_DIGITS[c]) for c in integer))
    else:
        value, section, digit = 0, 0, 0
        for c in integer:
            if c in _CN_DIGITS:
                digit = _CN_DIGITS[c]
            elif c in _CN_UNITS:
                section += (digit or 1) * _CN_UNITS[c]
                digit = 0
            elif c == "万":
                value += (section + digit) * 10000
                section = digit = 0
            else:
                return None
        value += section + digit
    if fraction:
        if not all(c in _CN_DIGITS for c in fraction):
            return None
        return Decimal(f"{value}." + "".join(str(_CN_DIGITS[c]) for c in fraction))
    return Decimal(value)


def _int(text: str) -> int:
    if text.isdigit():
        return int(text)
    value = parse_chinese_number(text)
    return int(value) if value is not None else 0


def number_readings(text: str) -> tuple[Decimal, ...]:
    """Every value a digit string can mean, given the separators it uses.

    "1500" -> 1500; "1,500" / "1.500" -> 1500 or 1.5; "1,500,000" -> 1500000;
    "1,500.25" / "1.500,25" -> 1500.25; "3.14" -> 3.14.
    """
    text = re.sub(r"[\u00a0\u202f\u2009]", " ", text)
    seps = [c for c in text if not c.isdigit()]
    groups = re.split(r"[^0-9]", text)
    try:
        if not seps:
            return (Decimal(text),)
        kinds = list(dict.fromkeys(seps))
        grouped = 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
        if len(kinds) == 1:
            readings: list[Decimal] = []
            if grouped:
                readings.append(Decimal("".join(groups)))
            if len(seps) == 1 and kinds[0] in ".,":
                readings.append(Decimal(f"{groups[0]}.{groups[1]}"))
            return tuple(readings)
        decimal_sep = seps[-1]
        if decimal_sep == " " or seps.count(decimal_sep) != 1:
            return ()
        whole, frac = text.rsplit(decimal_sep, 1)
        whole_groups = re.split(r"[^0-9]", whole)
        if not (1 <= len(whole_groups[0]) <= 3 and all(len(g) == 3 for g in whole_groups[1:])):
            return ()
        return (Decimal("".join(whole_groups) + "." + frac),)
    except InvalidOperation:
        return ()


_SCALES = {
    "thousand": 10**3,
    "million": 10**6,
    "billion": 10**9,
    "trillion": 10**12,
    "千": 10**3,
    "万": 10**4,
    "十万": 10**5,
    "百万": 10**6,
    "千万": 10**7,
    "亿": 10**8,
    "万亿": 10**12,
    "ពាន់": 10**3,
    "ម៉ឺន": 10**4,
    "សែន": 10**5,
    "លាន": 10**6,
    "ពាន់លាន": 10**9,
}
_SCALE_RE = "|".join(sorted(_SCALES, key=len, reverse=True))


class _Extractor:
    """Finds values left to right by precedence, blanking what each pattern consumed."""

    def __init__(self, text: str, khmer_digits_used: bool = False):
        self.original = text
        self.khmer_digits_used = khmer_digits_used
        self.text = text
        self.values: list[Value] = []

    def take(
        self, pattern: str | re.Pattern[str], build: Builder, flags: int = 0, soft: bool = False
    ) -> None:
        regex = re.compile(pattern, flags) if isinstance(pattern, str) else pattern
        for m in list(regex.finditer(self.text)):
            if not m.group().strip() or "\0" in m.group():
                continue  # blank, or overlaps something already consumed
            built = build(m)
            if built is None:
                continue
            raw = self.original[m.start() : m.end()].strip()
            if self.khmer_digits_used:  # quote it as the translator wrote it
                raw = khmer_digits(raw)
            for kind, readings in built:
                if readings:
                    self.values.append(
                        Value(kind, tuple(readings), raw, m.start(), m.end(), soft=soft)
                    )
            self.text = self.text[: m.start()] + "\0" * (m.end() - m.start()) + self.text[m.end() :]


def _date(y: int | None, m: int, d: int) -> tuple[str, list[Reading]]:
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return ("date", [])
    return ("date", [(y, m, d)])


def _day_range(
    y: int | None, m: int, d1: str, d2: str | None, m2: int | None = None
) -> list[tuple[str, list[Reading]]]:
    out = [_date(y, m, _int(d1))]
    if d2:
        out.append(_date(y, m2 or m, _int(d2)))
    return out


def _prepare(text: str) -> str:
    """One notation for digits and symbols, canonical Khmer; same length is not needed."""
    text = text.replace(khmer.ZWSP, "").replace("\u200c", "").replace("\u200d", "")
    # NFKC would turn a no-break or thin group separator into a plain space.
    text = re.sub(
        r"(?<=[0-9\u17e0-\u17e9])[\u00a0\u202f\u2009](?=[0-9\u17e0-\u17e9]{3}(?![0-9\u17e0-\u17e9]))",
        "",
        text,
    )
    text = unicodedata.normalize("NFKC", text)
    text = ascii_digits(text)
    return khmer.normalize(text)


def extract(text: str) -> list[Value]:
    """All values in text, whatever its language, in order of appearance."""
    khmer_digits_used = any("\u17e0" <= ch <= "\u17e9" for ch in text)
    text = placeables.mask(_prepare(text))
    ex = _Extractor(text, khmer_digits_used)
    ymd_sep = r"\s*(?:-|–|—|~|至|到|和|、)\s*"

    # Numeric dates: 2024-11-30, 30/11/2024 (day-month or month-day when ambiguous).
    def iso(m: re.Match[str]) -> Built:
        return [_date(int(m["y"]), int(m["m"]), int(m["d"]))]

    ex.take(r"(?<![0-9])(?P<y>[0-9]{4})([-/.])(?P<m>[0-9]{1,2})\2(?P<d>[0-9]{1,2})(?![0-9])", iso)

    def dmy(m: re.Match[str]) -> Built:
        a, b, y = int(m["a"]), int(m["b"]), int(m["y"])
        readings: list[Reading] = [(y, b, a)] if 1 <= b <= 12 and a <= 31 else []
        if a <= 12 and b <= 31 and a != b:
            readings.append((y, a, b))
        return [("date", readings)]

    ex.take(r"(?<![0-9.,])(?P<a>[0-9]{1,2})([-/.])(?P<b>[0-9]{1,2})\2(?P<y>[0-9]{4})(?![0-9])", dmy)

    # Chinese: 2024年12月2日至4日, 二〇二四年十二月二日, 12月2日, 2024年12月, 12月.
    y_ = r"(?P<y>[0-9]{4}|[〇零一二三四五六七八九]{4})\s*年\s*"
    m_ = rf"(?P<m>[0-9]{{1,2}}|{_CN_SMALL})\s*月\s*"
    d_ = rf"(?P<d1>[0-9]{{1,2}}|{_CN_SMALL})\s*[日号]"
    d2_ = (
        rf"(?:{ymd_sep}(?:(?P<m2>[0-9]{{1,2}}|{_CN_SMALL})\s*月\s*)?"
        rf"(?P<d2>[0-9]{{1,2}}|{_CN_SMALL})\s*[日号])?"
    )

    def zh_date(m: re.Match[str]) -> Built:
        y = _int(m["y"]) if m.groupdict().get("y") else None
        m2 = _int(m["m2"]) if m["m2"] else None
        return _day_range(y, _int(m["m"]), m["d1"], m["d2"], m2)

    ex.take(y_ + m_ + d_ + d2_, zh_date)
    ex.take(r"(?<![0-9])" + m_ + d_ + d2_, zh_date)
    ex.take(
        y_ + r"(?P<m>[0-9]{1,2}|" + _CN_SMALL + r")\s*月",
        lambda m: [("month", [(_int(m["y"]), _int(m["m"]))])],
    )
    ex.take(
        r"(?<![0-9一二三四五六七八九十两几个])(?P<m>[0-9]{1,2}|十[一二]?|[一二三四五六七八九])\s*月(?!份?\s*[0-9])",
        lambda m: [("month", [(None, _int(m["m"]))] if 1 <= _int(m["m"]) <= 12 else [])],
    )
    ex.take(
        r"(?P<y>[〇零一二三四五六七八九]{4})\s*年",
        lambda m: [("number", [(Decimal(_int(m["y"])),)])],
    )

    # Khmer: ពីថ្ងៃទី២ ដល់ថ្ងៃទី៤ ខែធ្នូ ឆ្នាំ២០២៤, ថ្ងៃទី៣០ ខែវិច្ឆិកា ឆ្នាំ២០២៤, ខែធ្នូ ឆ្នាំ២០២៤.
    def km_month(text: str) -> int:
        if text.isdigit():
            return int(text)
        return _KM_MONTH_INDEX.get(
            text.replace(":", "ៈ").replace("ះ", "ៈ").rstrip("ៈ") + "ៈ", _KM_MONTH_INDEX.get(text, 0)
        )

    def km_date(m: re.Match[str]) -> Built:
        y = int(m["y"]) if m["y"] else None
        return _day_range(y, km_month(m["m"]), m["d1"], m["d2"])

    ex.take(
        r"ទី\s*(?P<d1>[0-9]{1,2})(?:\s*(?:-|–|—|ដល់|និង)\s*(?:ថ្ងៃ\s*)?(?:ទី\s*)?(?P<d2>[0-9]{1,2}))?"
        rf"\s*ខែ\s*(?P<m>{_KM_MONTH}|[0-9]{{1,2}})(?:\s*ឆ្នាំ\s*(?P<y>[0-9]{{4}}))?",
        km_date,
    )
    ex.take(
        rf"ខែ\s*(?P<m>{_KM_MONTH}|[0-9]{{1,2}})\s*ឆ្នាំ\s*(?P<y>[0-9]{{4}})",
        lambda m: [("month", [(int(m["y"]), km_month(m["m"]))])],
    )
    ex.take(rf"ខែ\s*(?P<m>{_KM_MONTH})", lambda m: [("month", [(None, km_month(m["m"]))])])

    # English: December 2-4, 2024; 2–4 December 2024; from December 2 to 4; December 2024.
    rng = r"\s*(?:-|–|—|to|until|till|through|and)\s*(?:the\s+)?"

    def en_mdy(m: re.Match[str]) -> Built:
        y = int(m["y"]) if m["y"] else None
        return _day_range(y, _EN_MONTHS[m["m"].rstrip(".")], m["d1"], m["d2"])

    ex.take(
        rf"\b(?:the\s+)?(?P<d1>[0-9]{{1,2}}){_ORD}(?:{rng}(?P<d2>[0-9]{{1,2}}){_ORD})?"
        rf"\s+(?:of\s+)?(?P<m>{_EN_MONTH})\b\.?(?:,?\s+(?P<y>[0-9]{{4}})(?![0-9]))?",
        en_mdy,
    )
    ex.take(
        rf"\b(?P<m>{_EN_MONTH})\b\.?\s+(?:the\s+)?(?P<d1>[0-9]{{1,2}}){_ORD}(?![0-9])"
        rf"(?:{rng}(?P<d2>[0-9]{{1,2}}){_ORD}(?![0-9]))?(?:,?\s+(?P<y>[0-9]{{4}})(?![0-9]))?",
        en_mdy,
    )
    ex.take(
        rf"\b(?P<m>{_EN_MONTH})\b\.?,?\s+(?:of\s+)?(?P<y>[0-9]{{4}})(?![0-9])",
        lambda m: [("month", [(int(m["y"]), _EN_MONTHS[m["m"].rstrip(".")])])],
    )
    ex.take(rf"\b(?P<m>{_EN_MONTH_ALONE})\b", lambda m: [("month", [(None, _EN_MONTHS[m["m"]])])])

    # Times: 10:30, 2:30 p.m., 10 a.m., 下午2点30分, ម៉ោង៩ព្រឹក.
    def clock(h: int, minute: int, half: str | None) -> Built:
        if h > 24 or minute > 59:
            return [("time", [])]
        if half in ("am",):
            return [("time", [(h % 12, minute)])]
        if half in ("pm",):
            return [("time", [(h % 12 + 12, minute)])]
        if h <= 12:
            return [("time", [(h % 12, minute), (h % 12 + 12, minute)])]
        return [("time", [(h, minute)])]

    def half_of(word: str | None) -> str | None:
        if not word:
            return None
        if word[0] in "aA" or word in ("上午", "早上", "凌晨", "ព្រឹក"):
            return "am"
        if word in ("中午", "ថ្ងៃត្រង់"):
            return None
        return "pm"

    ampm = r"(?:\s*(?P<half>[ap])\.?\s?m\b\.?)"
    ex.take(
        rf"(?<![0-9.,:])(?P<h>[0-9]{{1,2}}):(?P<min>[0-5][0-9])(?![0-9]){ampm}?",
        lambda m: clock(int(m["h"]), int(m["min"]), half_of(m["half"] and m["half"] + "m")),
    )
    ex.take(
        rf"(?<![0-9.,:])(?P<h>[0-9]{{1,2}}){ampm}",
        lambda m: clock(int(m["h"]), 0, half_of(m["half"] + "m")),
    )
    ex.take(
        r"(?P<half>上午|下午|晚上|中午|早上|凌晨)?\s*(?P<h>[0-9]{1,2})\s*[点时](?:\s*(?P<min>[0-9]{1,2})\s*分|(?P<halfhour>半))?",
        lambda m: clock(
            int(m["h"]), int(m["min"] or (30 if m["halfhour"] else 0)), half_of(m["half"])
        ),
    )
    ex.take(
        r"ម៉ោង\s*(?P<h>[0-9]{1,2})(?:\s*(?:និង)?\s*(?P<min>[0-9]{1,2})\s*នាទី)?\s*(?P<half>ព្រឹក|ថ្ងៃត្រង់|រសៀល|ល្ងាច|យប់)?",
        lambda m: clock(int(m["h"]), int(m["min"] or 0), half_of(m["half"])),
    )

    # Percentages and amounts.
    def pct(m: re.Match[str]) -> Built:
        if m.groupdict().get("cn"):
            value = parse_chinese_number(m["cn"])
            return [("percent", [(value,)] if value is not None else [])]
        return [("percent", [(v,) for v in number_readings(m["n"])])]

    ex.take(rf"百分之\s*(?:(?P<n>{NUM})|(?P<cn>{_CN_NUM}))", pct)
    ex.take(rf"(?P<n>{NUM})\s*(?:%|‰|percent\b|per\s+cent\b|ភាគរយ)", pct)

    def scaled(m: re.Match[str]) -> Built:
        factor = _SCALES[m["s"]]
        return [("number", [(v * factor,) for v in number_readings(m["n"])])]

    ex.take(rf"(?P<n>{NUM})\s*(?P<s>{_SCALE_RE})(?![A-Za-z])", scaled)
    # 20世纪 (20th century), 90年代 (the 1990s): English says it differently.
    ex.take(
        r"(?P<n>[0-9]{1,2})\s*(?:世纪|年代)",
        lambda m: [("number", [(Decimal(m["n"]),)])],
        soft=True,
    )
    ex.take(
        rf"(?P<n>{NUM}){_ORD}{_NOT_WORD}",
        lambda m: [("number", [(v,) for v in number_readings(m["n"])])],
    )

    # Spelled-out counts, soft (see Value.soft).
    def spelled(m: re.Match[str]) -> Built:
        count = _EN_WORDS.get(m["w"].lower())
        value = Decimal(count) if count is not None else parse_chinese_number(m["w"])
        return [("number", [(value,)] if value is not None else [])]

    ex.take(rf"\b(?P<w>{'|'.join(_EN_WORDS)})\b", spelled, re.IGNORECASE, soft=True)
    ex.take(
        rf"(?:第\s*(?P<w>{_CN_NUM})|(?P<w2>{_CN_NUM})(?={_CN_MEASURE}))",
        lambda m: _spelled_cn(m["w"] or m["w2"]),
        soft=True,
    )

    return _inherit_years(sorted(ex.values, key=lambda v: v.start), ex.original)


def _spelled_cn(text: str) -> Built:
    value = parse_chinese_number(text)
    return [("number", [(value,)] if value is not None else [])]


_CARDINALS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
)
_ORDINALS = (
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
)
_EN_WORDS = {w: i for i, w in enumerate(_CARDINALS)} | {w: i for i, w in enumerate(_ORDINALS)}
_CN_MEASURE = "(?:个|名|位|项|次|国|届|条|天|年|周|家|所|份|场|轮|方|架|艘|人|批|点|岁|倍)"


def _inherit_years(values: list[Value], text: str) -> list[Value]:
    """Give "30 November" in "30 November – 2 December 2024" the year of the date after it."""
    out = list(values)
    for i, value in enumerate(out):
        if value.kind not in ("date", "month") or value.readings[0][0] is not None:
            continue
        for later in out[i + 1 :]:
            if later.start == value.start:
                continue  # the other end of the same range
            if later.kind in ("date", "month") and later.readings[0][0] is not None:
                gap = text[value.end : later.start]
                if later.start - value.end <= 25 and not re.search(r"[.;。；។!?]", gap):
                    year = later.readings[0][0]
                    month = value.readings[0][1]
                    if month > later.readings[0][1]:
                        year -= 1
                    out[i] = replace(value, readings=tuple((year, *r[1:]) for r in value.readings))
            break
    return out


def _compatible(a: Reading, b: Reading) -> bool:
    return len(a) == len(b) and all(
        x == y or x is None or y is None for x, y in zip(a, b, strict=True)
    )


def _matches(a: Value, b: Value, strict: bool) -> bool:
    if a.kind != b.kind:
        return False
    if strict:
        return bool(set(a.readings) & set(b.readings))
    return any(_compatible(x, y) for x in a.readings for y in b.readings)


def compare(source: Iterable[Value], target: Iterable[Value]) -> tuple[list[Value], list[Value]]:
    """(missing from target, extra in target), as multisets.

    Exact matches are paired first so that an undated "2 December" cannot
    steal the partner of a fully dated one.
    """
    pending = list(source)
    left = list(target)
    for strict in (True, False):
        still: list[Value] = []
        for value in pending:
            for j, other in enumerate(left):
                if _matches(value, other, strict):
                    del left[j]
                    break
            else:
                still.append(value)
        pending = still
    return [v for v in pending if not v.soft], [v for v in left if not v.soft]
