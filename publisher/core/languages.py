"""The languages a release can be written and published in.

One table maps each canonical BCP 47 code to what the libraries need (Babel
locale, Argos code) and to the aliases people type on the command line, so the
rest of the code only ever sees canonical codes.
"""

from __future__ import annotations

from dataclasses import dataclass

from publisher.errors import UsageError


@dataclass(frozen=True)
class Language:
    code: str  # canonical BCP 47 code, used in file names
    babel: str  # Babel / CLDR locale identifier
    argos: str | None  # Argos Translate code; None when no public model exists
    english_name: str
    native_name: str
    plural_forms: str  # gettext Plural-Forms header
    aliases: tuple[str, ...] = ()
    script: str = "Latn"


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language(
            "en",
            "en_GB",
            "en",
            "English",
            "English",
            "nplurals=2; plural=(n != 1);",
            ("en-GB", "en-US"),
        ),
        Language(
            "km", "km", "km", "Khmer", "ខ្មែរ", "nplurals=1; plural=0;", ("km-KH", "km_KH"), "Khmr"
        ),
        Language(
            "zh-Hans",
            "zh_Hans",
            "zh",
            "Chinese (Simplified)",
            "简体中文",
            "nplurals=1; plural=0;",
            ("zh", "zh-CN", "zh_CN", "zh_Hans", "zh-hans", "zh-SG"),
            "Hans",
        ),
    )
}

_BY_ALIAS: dict[str, str] = {}
for _lang in LANGUAGES.values():
    _BY_ALIAS[_lang.code.lower()] = _lang.code
    for _alias in _lang.aliases:
        _BY_ALIAS[_alias.lower()] = _lang.code


def canonical(code: str) -> str:
    """Return the canonical code for `code` or an accepted alias (`zh-CN` -> `zh-Hans`)."""
    found = _BY_ALIAS.get(code.strip().lower().replace("_", "-")) or _BY_ALIAS.get(
        code.strip().lower()
    )
    if found is None:
        known = ", ".join(sorted(LANGUAGES))
        raise UsageError(f"unknown language {code!r}; known languages: {known}")
    return found


def get(code: str) -> Language:
    return LANGUAGES[canonical(code)]


def native_name(code: str) -> str:
    """The language's name in itself ("ខ្មែរ", "简体中文"), for language switchers."""
    return get(code).native_name
