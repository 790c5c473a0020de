"""Sentences the tool tells a person, kept as a message id and its parameters until read.

A QA finding or a publishing-rule reason is computed once (in a build worker, in
the review app's cache) and read in several languages: English in the CLI,
Khmer or Chinese on the review page. A pre-formatted English sentence cannot be
translated afterwards, so checks and the rule return a `Message`: a gettext
message id (marked with `N_`, or `N_plural` for one with a plural form, so that
`pybabel extract -k N_ -k N_plural:1,2` finds it, the way
Weblate's checks and Babel-based UIs mark theirs) and named parameters. The
reader's side formats it with its own catalog (`Message.render`); `english()`
is the same sentence with no catalog, and is exactly what the CLI printed
before messages were translatable.

Invariant: a parameter is either verbatim text (a value quoted from the
translation, a segment id, a URL: never translated, never re-digited), a count
(written with the reader's digits and grouping, as the review page writes its
counts), a number as written in digits (`Digits`: Khmer digits for a Khmer
reader), a date (`Day`: as the reader's official documents write it), another
`Message` (a translatable phrase), or a `Joined` run of those. Everything is
plain data: hashable, picklable, and carried through JSON by `to_json` /
`from_json` (errors cross processes and the build cache as JSON).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol, Union

from babel import Locale

from publisher.core import dates

#: What a parameter may be (see the module's invariant).
Param = Union[str, int, "Digits", "Day", "Message", "Joined"]

ENGLISH = "en"


def N_(message: str) -> str:
    """Marks `message` for `pybabel extract -k N_`; translated where it is shown."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Marks a message with a plural form for `pybabel extract -k N_plural:1,2`: for
    `Message.counted(*N_plural("%(count)s error", "%(count)s errors"), count_of="count")`."""
    return singular, plural


class Translator(Protocol):
    """What a compiled catalog offers (babel's `Translations`, gettext's `NullTranslations`)."""

    def gettext(self, message: str, /) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...


class _Untranslated:
    """English: the message ids themselves."""

    def gettext(self, message: str, /) -> str:
        return message

    def ngettext(self, singular: str, plural: str, n: int, /) -> str:
        return singular if n == 1 else plural


_ENGLISH_TEXT = _Untranslated()


@dataclass(frozen=True)
class Digits:
    """A number as written with ASCII digits ("1500", "10:30", "15%"): a Khmer reader
    reads it in Khmer digits, others as it is (no regrouping: it is quoted, not counted)."""

    text: str


@dataclass(frozen=True)
class Day:
    """A date, possibly without its year or its day ("2 December", "December 2024"), as the
    reader's official documents write it; in English "2 December 2024" (en_GB order)."""

    month: int
    day: int | None = None
    year: int | None = None


@dataclass(frozen=True)
class Joined:
    """Parameters read one after the other with `separator` between them ("a; b; c")."""

    parts: tuple[Param, ...]
    separator: str = "; "


@dataclass(frozen=True)
class Message:
    """A message id, its plural (read with the count parameter `count_of`), its parameters."""

    msgid: str
    params: tuple[tuple[str, Param], ...] = ()
    plural: str | None = None
    count_of: str = "count"

    @classmethod
    def of(cls, msgid: str, /, **params: Param) -> Message:
        """`Message.of(N_('The link "%(url)s" ...'), url=...)`."""
        return cls(msgid, tuple(params.items()))

    @classmethod
    def counted(cls, singular: str, plural: str, /, count_of: str, **params: Param) -> Message:
        """A message with a plural form chosen by the integer parameter `count_of`."""
        return cls(singular, tuple(params.items()), plural, count_of)

    def render(self, translations: Translator, lang: str) -> str:
        """The sentence in the catalog's language `lang`, parameters in that language's forms."""
        values = {name: render_param(value, translations, lang) for name, value in self.params}
        if self.plural is not None:
            count = dict(self.params)[self.count_of]
            assert isinstance(count, int)
            template = translations.ngettext(self.msgid, self.plural, count)
        else:
            template = translations.gettext(self.msgid)
        return template % values if values else template

    def english(self) -> str:
        """The sentence as the CLI prints it (no catalog: the message ids are English)."""
        return self.render(_ENGLISH_TEXT, ENGLISH)

    def __str__(self) -> str:
        return self.english()

    def to_json(self) -> dict[str, object]:
        return _param_json(self)  # type: ignore[return-value]  # a Message encodes as a dict

    @staticmethod
    def from_json(data: object) -> Message:
        found = _param_from_json(data)
        if not isinstance(found, Message):
            raise ValueError(f"not a message: {data!r}")
        return found


#: List separators as each language writes them (Chinese: the enumeration comma 、 and
#: the full-width semicolon).
_SEPARATORS = {"zh-Hans": {", ": "、", "; ": "；"}}


def render_param(value: Param, translations: Translator, lang: str) -> str:
    """One parameter in the reader's language (see the module's invariant)."""
    if isinstance(value, Message):
        return value.render(translations, lang)
    if isinstance(value, Joined):
        separator = _SEPARATORS.get(lang, {}).get(value.separator, value.separator)
        return separator.join(render_param(p, translations, lang) for p in value.parts)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value) if lang == ENGLISH else dates.format_number(value, lang)
    if isinstance(value, Digits):
        return dates.localize_digits(value.text, lang)
    if isinstance(value, Day):
        return _day(value, lang)
    return value


def _day(value: Day, lang: str) -> str:
    if value.day is not None and value.year is not None:
        try:
            return dates.format_date(dt.date(value.year, value.month, value.day), lang)
        except ValueError:  # a day no calendar has ("30 February"): composed as below
            pass
    code = "en" if lang == ENGLISH else lang
    if code == "km":
        month: str = Locale.parse("km").months["format"]["wide"][value.month]
        text = (f"ថ្ងៃទី{value.day} " if value.day else "") + f"ខែ{month}"
        return dates.khmer_digits(text + (f" ឆ្នាំ{value.year}" if value.year else ""))
    if code == "zh-Hans":
        return (
            (f"{value.year}年" if value.year else "")
            + f"{value.month}月"
            + (f"{value.day}日" if value.day else "")
        )
    name: str = Locale.parse("en").months["format"]["wide"][value.month]
    return (f"{value.day} " if value.day else "") + name + (f" {value.year}" if value.year else "")


# ------------------------------------------------------------------------------ JSON


def _param_json(value: Param) -> object:
    if isinstance(value, Message):
        out: dict[str, object] = {"msgid": value.msgid}
        out["params"] = {name: _param_json(param) for name, param in value.params}
        if value.plural is not None:
            out["plural"], out["count_of"] = value.plural, value.count_of
        return out
    if isinstance(value, Joined):
        return {"joined": [_param_json(p) for p in value.parts], "separator": value.separator}
    if isinstance(value, Digits):
        return {"digits": value.text}
    if isinstance(value, Day):
        return {"day": [value.year, value.month, value.day]}
    return value


def _param_from_json(data: object) -> Param:
    if isinstance(data, str | int):
        return data
    if not isinstance(data, dict):
        raise ValueError(f"not a message parameter: {data!r}")
    if "msgid" in data:
        params = data.get("params") or {}
        assert isinstance(params, dict)
        plural = data.get("plural")
        return Message(
            str(data["msgid"]),
            tuple((str(name), _param_from_json(value)) for name, value in params.items()),
            None if plural is None else str(plural),
            str(data.get("count_of", "count")),
        )
    if "joined" in data:
        parts = data["joined"]
        assert isinstance(parts, list)
        return Joined(tuple(_param_from_json(p) for p in parts), str(data["separator"]))
    if "digits" in data:
        return Digits(str(data["digits"]))
    if "day" in data:
        year, month, day = data["day"]
        return Day(
            int(month), None if day is None else int(day), None if year is None else int(year)
        )
    raise ValueError(f"not a message parameter: {data!r}")
