"""URLs, e-mail addresses and phone numbers: text a translation must not touch.

Journalists click the link and call the number in whichever language they
read, so these are compared exactly (phones by their digits, since a Khmer
translator may legitimately write them with Khmer digits).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from publisher.core.dates import ascii_digits

EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# ASCII only: a URL in Chinese or Khmer text is followed directly by the next
# word, with no space, so anything non-ASCII ends it.
URL = re.compile(r"\b(?:https?://|ftp://|www\.)[!#-;=?-\[\]_a-z~A-Z0-9%]+", re.ASCII)
_URL_TRAILING = ".,;:!?'\")]}"
PHONE = re.compile(r"(?:\+|\(\+?|\b00|\b0)[0-9][0-9 \u00a0().\-/]{5,}[0-9]")
NUMERIC_DATE = re.compile(r"^\d{1,4}([/.\-])\d{1,2}\1\d{1,4}$")
GROUPED_NUMBER = re.compile(r"^\d{1,3}(?:([.,\u00a0 ])\d{3})(?:\1\d{3})*$")


@dataclass(frozen=True)
class Placeable:
    kind: str  # "url" | "email" | "phone"
    text: str  # as written
    key: str  # what must match: the URL or address itself, a phone's digits
    start: int
    end: int


def _strip_url(url: str) -> str:
    while url and url[-1] in _URL_TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def find(text: str) -> list[Placeable]:
    """All URLs, e-mail addresses and phone numbers in text, in order."""
    found: list[Placeable] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for m in EMAIL.finditer(text):
        found.append(Placeable("email", m.group(), m.group().lower(), m.start(), m.end()))
        taken.append(m.span())
    for m in URL.finditer(text):
        url = _strip_url(m.group())
        if free(m.start(), m.start() + len(url)):
            found.append(Placeable("url", url, url, m.start(), m.start() + len(url)))
            taken.append((m.start(), m.start() + len(url)))
    digits_text = ascii_digits(text)  # same length: one digit for one digit
    for m in PHONE.finditer(digits_text):
        raw = m.group().rstrip(" \u00a0")
        digits = re.sub(r"\D", "", raw)
        body = raw.lstrip("+(")
        if not 8 <= len(digits) <= 15 or not free(m.start(), m.end()):
            continue
        if NUMERIC_DATE.match(body) or (
            not raw.startswith(("+", "(")) and GROUPED_NUMBER.match(body)
        ):
            continue
        found.append(
            Placeable(
                "phone",
                text[m.start() : m.start() + len(raw)],
                digits,
                m.start(),
                m.start() + len(raw),
            )
        )
        taken.append((m.start(), m.start() + len(raw)))
    found.sort(key=lambda p: p.start)
    return found


def same_phone(a: str, b: str) -> bool:
    """Digits equal, or equal once the national trunk 0 / country code is set aside."""
    if a == b:
        return True
    a0, b0 = a.lstrip("0"), b.lstrip("0")
    short, long_ = sorted((a0, b0), key=len)
    return len(short) >= 8 and long_.endswith(short) and len(long_) - len(short) <= 3


def same(a: Placeable, b: Placeable) -> bool:
    """The same placeable: a phone by its digits, anything else exactly."""
    if a.kind != b.kind:
        return False
    return same_phone(a.key, b.key) if a.kind == "phone" else a.key == b.key


def unmatched(
    wanted: list[Placeable], have: list[Placeable]
) -> tuple[list[Placeable], list[Placeable]]:
    """(missing from `have`, extra in `have`), pairing each wanted one with its first match."""
    left = list(have)
    missing = []
    for placeable in wanted:
        match = next((other for other in left if same(placeable, other)), None)
        if match is None:
            missing.append(placeable)
        else:
            left.remove(match)
    return missing, left


def mask(text: str, placeables: list[Placeable] | None = None) -> str:
    """Blank out placeables (same length) so that other checks ignore their contents."""
    chars = list(text)
    for p in find(text) if placeables is None else placeables:
        chars[p.start : p.end] = " " * (p.end - p.start)
    return "".join(chars)
