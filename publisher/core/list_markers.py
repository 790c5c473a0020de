"""How each language numbers list items and numbered paragraphs: one style per language,
the same in every output (PDF, web page, site, e-mail, wire copy).

Styles (`[conventions] list_numbering = { km = "khmer", zh-Hans = "gbt9704" }`):

* `latin`: 1. 2. 3. at every level;
* `khmer`: ១. ២. ៣. (Khmer digits, U+17E0-U+17E9) at every level;
* `gbt9704`: the hierarchy of Chinese official documents, GB/T 9704-2012 "Layout key
  for official document of Party and government organs", 7.3.3: 一、 then （一）
  then 1. then （1）.

Defaults, and why: Khmer (`khmer`): official Cambodian documents (Royal Government
circulars, ministry press releases on mfaic.gov.kh) number their items in Khmer
digits, as they write dates and page numbers, and Unicode CLDR gives `khmr` as
Khmer's native numbering system. Chinese (`latin`): CLDR's default numbering system
for zh is `latn`, and press releases of the Chinese Ministry of Foreign Affairs
number their points 1. 2. 3.; the GB/T 9704 hierarchy is the rule of Party and
government documents, so it is an option for offices that follow it. English and
any other language: `latin`.

Invariant: `marker(n, depth, style)` is the text a plain-text output prints and the
text the CSS counter style of the same name (templates' print.css and web.css) draws.
"""

from __future__ import annotations

from publisher.core import languages
from publisher.core.dates import khmer_digits

STYLES = ("latin", "khmer", "gbt9704")
DEFAULTS = {"km": "khmer"}

_CHINESE_DIGITS = "〇一二三四五六七八九"


def default_style(lang: str) -> str:
    return DEFAULTS.get(languages.canonical(lang), "latin")


def chinese_numeral(number: int) -> str:
    """一 ... 九十九 (as 一、 counts the items of an official document); digits above 99."""
    if not 1 <= number <= 99:
        return str(number)
    tens, ones = divmod(number, 10)
    text = ""
    if tens:
        text = ("" if tens == 1 else _CHINESE_DIGITS[tens]) + "十"
    return text + (_CHINESE_DIGITS[ones] if ones else "")


def marker(number: int, depth: int, style: str) -> str:
    """The marker of item `number` of a list nested `depth` lists deep (0: top level)."""
    if style == "khmer":
        return f"{khmer_digits(str(number))}."
    if style == "gbt9704":
        level = depth % 4
        if level == 0:
            return f"{chinese_numeral(number)}、"
        if level == 1:
            return f"（{chinese_numeral(number)}）"
        if level == 2:
            return f"{number}."
        return f"（{number}）"
    return f"{number}."


def item_prefix(number: int, depth: int, style: str) -> str:
    """The marker as plain text sets it before the item's words: a space after "1." or
    "១.", none after the full-width "一、" or "（一）", whose own glyphs carry the gap
    (GB/T 9704 writes "一、总体要求", never "一、 总体要求")."""
    text = marker(number, depth, style)
    return text if text.endswith(("、", "）")) else f"{text} "
