"""The review app's own words in the reviewer's language: English, Khmer or Chinese.

Every string the app shows (buttons, filters, headings, messages, errors,
toasts, keyboard help, and the QA findings and publishing-rule reasons it shows
from lower tiers, which are `core.messages.Message`s rendered with this catalog)
is a gettext message of the `web` domain, extracted with `pybabel extract -F
babel-web.cfg` (`make locales`) into `publisher/resources/locales/web.pot`; the
catalogs sit beside the product's
print labels (`publisher/resources/locales/<locale>/LC_MESSAGES/web.po`) and
are compiled in memory once per process, as those labels are (no `.mo` is
committed). A separate domain keeps the app's words out of the catalogs that
builds fingerprint: a changed button label never makes a PDF stale.

The language is chosen, in order, by the reviewer's switch on the page (a
cookie), the reviewer's entry in the register when there is one, then the
browser's `Accept-Language`; English when none of them names en, km or zh-Hans.
Numbers, dates and times are written in that language's forms, as the PDFs
write them (Khmer digits, "ថ្ងៃទី២ ខែធ្នូ ឆ្នាំ២០២៤", "2024年12月2日").
"""

from __future__ import annotations

import datetime as dt
import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from publisher.core import dates, languages
from publisher.errors import UsageError

#: The languages the app speaks, in the order of the switch on every page.
UI_LANGUAGES: tuple[str, ...] = ("en", "km", "zh-Hans")
DEFAULT = "en"
#: The cookie holding the reviewer's own choice (a year: they choose once).
COOKIE = "publisher_ui_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
DOMAIN = "web"
LOCALES = Path(__file__).resolve().parents[1] / "resources" / "locales"


def catalog_path(lang: str) -> Path:
    folder = "en" if lang == "en" else languages.get(lang).babel
    return LOCALES / folder / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> NullTranslations:
    """The compiled catalog of `lang` (English: the messages themselves)."""
    path = catalog_path(lang)
    if not path.is_file():
        return NullTranslations()
    with open(path, "rb") as handle:
        catalog = read_po(handle, abort_invalid=True)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def known(code: str | None) -> str | None:
    """`code` as one of the UI languages (aliases accepted: zh-CN, km-KH), or None."""
    if not code:
        return None
    try:
        found: str | None = languages.canonical(code)
    except UsageError:
        found = "zh-Hans" if code.lower().split("-")[0] == "zh" else None
    return found if found in UI_LANGUAGES else None


def from_accept_language(header: str | None) -> str | None:
    """The first UI language the browser asks for, by its q-values (RFC 9110 12.5.4)."""
    if not header:
        return None
    wanted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip()
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and quality > 0:
            wanted.append((-quality, position, tag))
    for _, _, tag in sorted(wanted):
        if tag.lower().startswith(("zh-hant", "zh-tw", "zh-hk", "zh-mo")):
            continue  # Traditional Chinese readers are not served Simplified unasked
        found = known(tag)
        if found:
            return found
    return None


def choose(chosen: str | None, entry: str | None, accept_language: str | None) -> str:
    """The UI language: the reviewer's switch, then their register entry, then the browser."""
    return known(chosen) or known(entry) or from_accept_language(accept_language) or DEFAULT


# ------------------------------------------------------------------ numbers and dates


def number(value: int, lang: str) -> str:
    """`1,234` / `១,២៣៤` / `1,234`: digits as the language's documents write them."""
    return dates.format_number(value, lang)


def _clock(moment: dt.datetime, lang: str) -> str:
    return dates.localize_digits(moment.strftime("%H:%M"), lang)


def day(value: dt.date, lang: str) -> str:
    """A date as the PDFs write it: 2 December 2024, ថ្ងៃទី២ ខែធ្នូ ឆ្នាំ២០២៤, 2024年12月2日."""
    return dates.format_date(value, lang)


def when(iso: str | None, lang: str) -> str:
    """A history time in UTC, in the reader's forms (`2 December 2024, 09:15 UTC`)."""
    if not iso:
        return ""
    try:
        moment = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    zone = ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
        zone = " UTC"
    return _joined(moment, lang, zone)


def moment(value: dt.datetime | None, lang: str) -> str:
    """An embargo time with its offset: `2 December 2024, 08:00 (UTC+07:00)`."""
    if value is None:
        return ""
    offset = value.strftime("%z")
    sign, hours, minutes = offset[:1], offset[1:3], offset[3:5]
    zone = " " + dates.localize_digits(f"(UTC{sign}{hours}:{minutes})", lang)
    return _joined(value, lang, zone)


def _joined(moment: dt.datetime, lang: str, zone: str) -> str:
    date = day(moment.date(), lang)
    if lang == "km":
        return f"{date} ម៉ោង {_clock(moment, lang)}{zone}"
    if lang == "zh-Hans":
        return f"{date} {_clock(moment, lang)}{zone}"
    return f"{date}, {_clock(moment, lang)}{zone}"
