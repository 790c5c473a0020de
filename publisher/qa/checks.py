"""check_segment: every QA check on one translated segment.

Reviewers rely on this before approving and the build refuses to publish while
errors remain, so two rules shape it. Errors are kept for what is really
wrong (a changed date, a broken link, a missing glossary term, text that will
render wrongly); matters of taste are warnings. And every message names the
offending value and, where a fix is mechanical, `suggestion` carries the whole
corrected target text.

The functions here are pure: no I/O, no CLI, no state between calls. Their
words are `Message`s marked with `N_` (extracted into the review app's `web`
catalog by babel-web.cfg), so that each reader reads them in their language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping

from publisher.core import languages
from publisher.core.limits import MAX_SEGMENT_CHARS
from publisher.core.links import unsafe_link_reasons
from publisher.core.messages import N_, Digits, Joined, Message, Param
from publisher.core.states import State
from publisher.core.text import is_forbidden_control, strip_controls
from publisher.qa import khmer, markup, numbers, placeables, punctuation
from publisher.qa.findings import ERROR, WARNING, Finding, Issue

STATES = frozenset(state.value for state in State)

# code -> default severity, for documentation, `publisher check --list-codes` and tests.
CODES: dict[str, str] = {
    "untranslated": ERROR,
    "empty-target": ERROR,
    "stale": ERROR,
    "not-reviewed": WARNING,
    "not-translated": ERROR,
    "km-legacy-font": ERROR,
    "url-missing": ERROR,
    "url-changed": ERROR,
    "url-extra": WARNING,
    "email-missing": ERROR,
    "email-changed": ERROR,
    "email-extra": WARNING,
    "phone-missing": ERROR,
    "phone-changed": ERROR,
    "phone-extra": WARNING,
    "date-missing": ERROR,  # WARNING for a month named without a year
    "date-extra": WARNING,
    "number-missing": ERROR,
    "number-extra": WARNING,
    "glossary-term-missing": ERROR,
    "picture-missing": ERROR,
    "zh-ascii-punctuation": ERROR,
    "en-full-width-punctuation": WARNING,
    "km-ascii-full-stop": ERROR,  # WARNING when not at the end of the segment
    "km-ascii-colon": ERROR,
    "km-coeng-order": ERROR,
    "km-sign-order": ERROR,
    "km-double-vowel": ERROR,
    "km-missing-base": ERROR,
    "km-coeng": ERROR,
    "km-coeng-ro-order": WARNING,
    "km-deprecated-char": ERROR,  # WARNING for merely discouraged characters
    "km-obsolete-char": WARNING,
    "unsafe-link": ERROR,
    "markup-missing": WARNING,
    "markup-extra": WARNING,
    "segment-too-long": ERROR,
    "control-character": ERROR,
    "whitespace-edges": WARNING,
    "double-space": WARNING,
    "unbalanced-brackets": WARNING,
}


def check_segment(
    segment: str,
    source: str,
    target: str,
    *,
    source_lang: str,
    target_lang: str,
    state: str,
    glossary: Mapping[str, str] | None = None,
) -> list[Finding]:
    """All findings for one segment's translation, errors and warnings, in reading order.

    `glossary` maps a source term to the term this target language must use.
    Language codes may be aliases ("zh-CN"); unknown codes and states raise,
    because a typo there would silently skip checks.
    """
    src_lang = languages.canonical(source_lang)
    tgt_lang = languages.canonical(target_lang)
    try:
        current = State(str(state).strip().lower())
    except ValueError:
        raise ValueError(f"unknown state {state!r}; expected one of {sorted(STATES)}") from None
    findings: list[Finding] = []

    def add(code: str, severity: str, text: Message, suggestion: str | None = None) -> None:
        findings.append(Finding(segment, severity, code, text, suggestion))

    if current is State.UNTRANSLATED:
        add("untranslated", ERROR, Message.of(N_("This segment has not been translated yet.")))
        return findings
    if not target.strip():
        if source.strip():
            add("empty-target", ERROR, Message.of(N_("The translation is empty.")))
        return findings
    if current is State.STALE:
        add(
            "stale",
            ERROR,
            Message.of(
                N_("The source text changed after this translation was made; update and review it.")
            ),
        )
    elif current is State.DRAFT:
        add(
            "not-reviewed",
            WARNING,
            Message.of(N_("This translation is a draft and has not been reviewed.")),
        )

    if len(target) > MAX_SEGMENT_CHARS:
        add(
            "segment-too-long",
            ERROR,
            Message.of(
                N_(
                    "The translation has %(length)s characters; a segment may have at most "
                    "%(limit)s."
                ),
                length=Digits(f"{len(target):,}"),
                limit=Digits(f"{MAX_SEGMENT_CHARS:,}"),
            ),
        )
        return findings  # the other checks would take seconds on such a text

    if src_lang != tgt_lang:
        untranslated = _untranslated(source, target, src_lang, tgt_lang)
        if untranslated:
            add(*untranslated)
            return findings  # everything else would be noise about the wrong text

    for check in _CONTENT_CHECKS:
        findings.extend(check(segment, source, target, src_lang, tgt_lang, glossary or {}))
    return findings


# --- not translated / legacy font --------------------------------------------


def _script_words(text: str) -> dict[str, float]:
    """Rough word counts per script, so that a Latin name in Chinese does not dominate.

    URLs, addresses and picture files are left out: they are Latin in every language.
    """
    text = _PICTURE.sub(" ", placeables.mask(text))
    latin = [
        w
        for w in re.findall(r"[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f'’\-]*", text)
        if len(w) >= 2 and any(c.islower() for c in w)
    ]
    han = sum(1 for c in text if punctuation.is_han(c))
    khmer_bases = sum(1 for c in text if "\u1780" <= c <= "\u17b3")
    return {"Latn": len(latin), "Hans": han / 1.7, "Khmr": khmer_bases / 3}


#: The target languages' names as the not-translated finding says them (their English names).
_LANGUAGE_NAMES = {
    "en": N_("English"),
    "km": N_("Khmer"),
    "zh-Hans": N_("Chinese (Simplified)"),
}


def _untranslated(
    source: str, target: str, src_lang: str, tgt_lang: str
) -> tuple[str, str, Message] | None:
    """A target that is the source, or not in the target language's script at all."""
    words = _script_words(target)
    own = words[languages.get(tgt_lang).script]
    foreign = sum(words.values()) - own
    # Strong evidence only: a romanised name or title inside a real translation is fine.
    mostly_foreign = foreign >= 1 if own == 0 else (foreign >= 4 and foreign >= 3 * own)
    if (
        tgt_lang == "km"
        and mostly_foreign
        and words["Latn"] >= foreign / 2
        and khmer.looks_like_legacy_font(target)
    ):
        return (
            "km-legacy-font",
            ERROR,
            Message.of(
                N_(
                    'This looks like Khmer typed with a legacy font (Limon/ABC): "%(text)s"; '
                    "retype it in Unicode or convert it with a Unicode converter."
                ),
                text=_clip(target),
            ),
        )
    if mostly_foreign:
        english = languages.get(tgt_lang).english_name
        name = _LANGUAGE_NAMES.get(tgt_lang)
        return (
            "not-translated",
            ERROR,
            Message.of(
                N_('The translation is not in %(language)s: "%(text)s".'),
                language=Message.of(name) if name == english else english,
                text=_clip(target),
            ),
        )
    if _same_text(source, target) and sum(_script_words(source).values()) >= 2:
        return (
            "not-translated",
            ERROR,
            Message.of(
                N_('The translation is identical to the source text: "%(text)s".'),
                text=_clip(target),
            ),
        )
    return None


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _clip(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# --- content checks ----------------------------------------------------------

Check = Callable[[str, str, str, str, str, Mapping[str, str]], list[Finding]]
#: One sentence per kind of placeable and what happened to it: a whole sentence each, so
#: that a translator never has to fit "link" or "phone number" into a sentence frame.
_PLACEABLE_MESSAGES = {
    ("url", "changed"): N_('The link "%(value)s" was changed to "%(found)s"; copy it exactly.'),
    ("url", "missing"): N_('The link "%(value)s" from the source is missing from the translation.'),
    ("url", "extra"): N_('The translation has the link "%(value)s", which is not in the source.'),
    ("email", "changed"): N_(
        'The e-mail address "%(value)s" was changed to "%(found)s"; copy it exactly.'
    ),
    ("email", "missing"): N_(
        'The e-mail address "%(value)s" from the source is missing from the translation.'
    ),
    ("email", "extra"): N_(
        'The translation has the e-mail address "%(value)s", which is not in the source.'
    ),
    ("phone", "changed"): N_(
        'The phone number "%(value)s" was changed to "%(found)s"; copy it exactly.'
    ),
    ("phone", "missing"): N_(
        'The phone number "%(value)s" from the source is missing from the translation.'
    ),
    ("phone", "extra"): N_(
        'The translation has the phone number "%(value)s", which is not in the source.'
    ),
}


def _placeables(
    segment: str,
    source: str,
    target: str,
    src_lang: str,
    tgt_lang: str,
    glossary: Mapping[str, str],
) -> list[Finding]:
    """URLs, e-mail addresses and phone numbers must come through unchanged."""
    out: list[Finding] = []
    src, tgt = placeables.find(source), placeables.find(target)
    for kind in ("url", "email", "phone"):
        missing, have = placeables.unmatched(
            [p for p in src if p.kind == kind], [p for p in tgt if p.kind == kind]
        )
        for p in missing:
            if have:
                changed = have.pop(0)
                fixed = target[: changed.start] + p.text + target[changed.end :]
                out.append(
                    Finding(
                        segment,
                        ERROR,
                        f"{kind}-changed",
                        Message.of(
                            _PLACEABLE_MESSAGES[kind, "changed"], value=p.text, found=changed.text
                        ),
                        fixed,
                    )
                )
            else:
                out.append(
                    Finding(
                        segment,
                        ERROR,
                        f"{kind}-missing",
                        Message.of(_PLACEABLE_MESSAGES[kind, "missing"], value=p.text),
                    )
                )
        for extra in have:
            out.append(
                Finding(
                    segment,
                    WARNING,
                    f"{kind}-extra",
                    Message.of(_PLACEABLE_MESSAGES[kind, "extra"], value=extra.text),
                )
            )
    return out


def _numbers(
    segment: str,
    source: str,
    target: str,
    src_lang: str,
    tgt_lang: str,
    glossary: Mapping[str, str],
) -> list[Finding]:
    """Every number, amount, percentage, time and date of the source, by value."""
    missing, extra = numbers.compare(numbers.extract(source), numbers.extract(target))
    out: list[Finding] = []
    for value in missing:
        family = "date" if value.kind in ("date", "month") else "number"
        instead = next((e for e in extra if e.kind == value.kind), None)
        if instead:
            message = Message.of(
                N_(
                    'The translation is missing %(what)s (source: "%(text)s"); it has %(other)s '
                    '("%(other_text)s") instead.'
                ),
                what=_what(value),
                text=value.text,
                other=instead.value_param(),
                other_text=instead.text,
            )
        else:
            message = Message.of(
                N_('The translation is missing %(what)s (source: "%(text)s").'),
                what=_what(value),
                text=value.text,
            )
        vague = value.kind == "month" and value.readings[0][0] is None
        out.append(Finding(segment, WARNING if vague else ERROR, f"{family}-missing", message))
    for value in extra:
        family = "date" if value.kind in ("date", "month") else "number"
        out.append(
            Finding(
                segment,
                WARNING,
                f"{family}-extra",
                Message.of(
                    N_('The translation has %(what)s ("%(text)s"), which is not in the source.'),
                    what=_what(value),
                    text=value.text,
                ),
            )
        )
    return out


_WHAT = {
    "date": N_("the date %(value)s"),
    "month": N_("the month %(value)s"),
    "percent": N_("the percentage %(value)s"),
    "time": N_("the time %(value)s"),
    "number": N_("the number %(value)s"),
}


def _what(value: numbers.Value) -> Message:
    """ "the date 2 December 2024": the kind of value and the value, in the reader's forms."""
    return Message.of(_WHAT.get(value.kind, _WHAT["number"]), value=value.value_param())


def _fold(text: str, lang: str) -> str:
    """Comparable form of a term: canonical Khmer, no invisible spaces, case-folded.

    Khmer and Chinese are compared without spaces, since translators space
    those scripts differently (ZWSP, space or nothing between words).
    """
    text = khmer.normalize(unicodedata.normalize("NFKC", text)).replace(khmer.ZWSP, "")
    text = text.casefold()
    if lang in ("km", "zh-Hans"):
        return re.sub(r"\s+", "", text)
    return " ".join(text.split())


def contains_term(text: str, term: str, lang: str) -> bool:
    """Whether `text` uses `term`, compared as translators write each language."""
    folded, needle = _fold(text, lang), _fold(term, lang)
    if not needle:
        return False
    if lang == "en" or re.fullmatch(r"[\w\s'’.-]+", needle, re.ASCII):
        return re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", folded) is not None
    return needle in folded


def glossary_terms(
    source: str, target: str, src_lang: str, tgt_lang: str, glossary: Mapping[str, str]
) -> list[tuple[str, str, bool]]:
    """The glossary terms a segment's source uses: (term, required target, whether the
    translation uses it), matched as the glossary check matches them."""
    return [
        (term, required, contains_term(target, required, tgt_lang))
        for term, required in glossary.items()
        if term.strip() and required.strip() and contains_term(source, term, src_lang)
    ]


def _glossary(
    segment: str,
    source: str,
    target: str,
    src_lang: str,
    tgt_lang: str,
    glossary: Mapping[str, str],
) -> list[Finding]:
    """A source term in the glossary must be translated by its required term."""
    out: list[Finding] = []
    for term, required, used in glossary_terms(source, target, src_lang, tgt_lang, glossary):
        if not used:
            out.append(
                Finding(
                    segment,
                    ERROR,
                    "glossary-term-missing",
                    Message.of(
                        N_(
                            'The glossary requires "%(required)s" for "%(term)s", but the '
                            "translation does not use it."
                        ),
                        required=required,
                        term=term,
                    ),
                )
            )
    return out


def _punctuation(
    segment: str,
    source: str,
    target: str,
    src_lang: str,
    tgt_lang: str,
    glossary: Mapping[str, str],
) -> list[Finding]:
    """Target-language punctuation, spacing and bracket balance."""
    issues: list[Issue] = []
    if tgt_lang == "zh-Hans":
        issues += punctuation.chinese_issues(target)
    elif tgt_lang == "km":
        issues += punctuation.khmer_issues(target)
    elif tgt_lang == "en":
        issues += punctuation.latin_issues(target)
    issues += punctuation.spacing_issues(source, target)
    issues += punctuation.bracket_issues(source, target)
    return [Finding(segment, i.severity, i.code, i.text, i.suggestion) for i in issues]


def _khmer_encoding(
    segment: str,
    source: str,
    target: str,
    src_lang: str,
    tgt_lang: str,
    glossary: Mapping[str, str],
) -> list[Finding]:
    """Khmer that renders wrongly or is stored in a non-canonical order."""
    if tgt_lang != "km":
        return []
    return [
        Finding(segment, i.severity, i.code, i.text, i.suggestion)
        for i in khmer.encoding_issues(target)
    ]


def _safety(
    segment: str,
    source: str,
    target: str,
    src_lang: str,
    tgt_lang: str,
    glossary: Mapping[str, str],
) -> list[Finding]:
    """What must never reach a published page: unsafe links, invisible control characters.

    A link to a private address or a `file:` URL would be followed by readers (or
    fetched by the renderer); a bidi override reorders what readers see ("日6月5"
    for "5月6日") and a control character breaks the PDF. Sources are cleaned on
    import; a translation edited by hand is caught here, and errors block publishing.
    """
    out: list[Finding] = []
    for link, problem in unsafe_link_reasons(target):
        text = Message.of(N_("%(problem)s: %(url)s"), problem=problem, url=link.url[:80])
        out.append(Finding(segment, ERROR, "unsafe-link", text))
    bad = sorted({f"U+{ord(c):04X}" for c in target if is_forbidden_control(c)})
    if bad:
        out.append(
            Finding(
                segment,
                ERROR,
                "control-character",
                Message.of(
                    N_(
                        "The translation contains invisible control characters (%(characters)s) "
                        "that change how it is displayed; remove them."
                    ),
                    characters=", ".join(bad),
                ),
                strip_controls(target),
            )
        )
    return out


_PICTURE = re.compile(r"\]\(\s*<?(media/[^)\s>]+)>?[^)]*\)")


def _pictures(
    segment: str,
    source: str,
    target: str,
    src_lang: str,
    tgt_lang: str,
    glossary: Mapping[str, str],
) -> list[Finding]:
    """A picture of the source must be in the translation, by the same file."""
    wanted = _PICTURE.findall(source)
    have = _PICTURE.findall(target)
    return [
        Finding(
            segment,
            ERROR,
            "picture-missing",
            Message.of(
                N_(
                    "The translation has lost the picture %(name)s (keep the `![...](%(name)s)` "
                    "part and translate only the words between the brackets)."
                ),
                name=name,
            ),
            None,
        )
        for name in dict.fromkeys(wanted)
        if name not in have
    ]


def _markup(
    segment: str,
    source: str,
    target: str,
    src_lang: str,
    tgt_lang: str,
    glossary: Mapping[str, str],
) -> list[Finding]:
    """Bold, italics and links of the source kept in the translation, none added.

    A warning, not an error: a language may stress differently, but a reviewer
    who sees the rendered text must know that the emphasis or link was dropped.
    """
    missing, extra = markup.differences(source, target)
    out: list[Finding] = []
    if missing:
        out.append(
            Finding(
                segment,
                WARNING,
                "markup-missing",
                Message.of(
                    N_("The source has markup the translation lacks: %(what)s."),
                    what=_listed(missing),
                ),
            )
        )
    if extra:
        out.append(
            Finding(
                segment,
                WARNING,
                "markup-extra",
                Message.of(
                    N_("The translation has markup the source lacks: %(what)s."),
                    what=_listed(extra),
                ),
            )
        )
    return out


def _listed(phrases: list[Message]) -> Joined:
    parts: tuple[Param, ...] = tuple(phrases)
    return Joined(parts, ", ")


_CONTENT_CHECKS: tuple[Check, ...] = (
    _safety,
    _pictures,
    _markup,
    _placeables,
    _numbers,
    _glossary,
    _punctuation,
    _khmer_encoding,
)
