"""Khmer encoding checks: text that looks right to the typist but is stored wrong.

Khmer is typed as a sequence of code points that a shaping engine reorders and
stacks. Fonts and keyboards forgive a lot, so a translator may not see that a
vowel was typed before a subscript, or that a sign came before its vowel, yet
such text renders with dotted circles in other fonts, breaks search and
sorting, and extracts wrongly from PDFs. The Unicode Khmer encoding model
fixes one order inside each orthographic cluster:

    base, [robat], {coeng + consonant}*, [register shifter], [vowel], [sign]*

This module parses clusters leniently, reports deviations from that order and
computes the canonical spelling as a suggestion. It also spots text typed with
legacy (pre-Unicode) Khmer fonts such as Limon or ABC, which is stored as
Latin letters and shows as Khmer only with that font.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from publisher.core.messages import N_, Message
from publisher.qa.findings import Issue

COENG = "\u17d2"
ROBAT = "\u17cc"
RO = "\u179a"
ZWSP = "\u200b"
JOINERS = frozenset("\u200c\u200d")
SHIFTERS = frozenset("\u17c9\u17ca")
SIGNS = frozenset("\u17c6\u17c7\u17c8\u17cb\u17cd\u17ce\u17cf\u17d0\u17d1\u17d3\u17dd")
INHERENT_VOWELS = frozenset("\u17b4\u17b5")  # invisible; deprecated
# Bases that Unicode allows for showing a mark on its own (teaching material).
DISPLAY_BASES = frozenset("\u25cc\u00a0")

# Deprecated or discouraged characters and what to type instead (None: no
# mechanical replacement; the reason is a message id, read in the reviewer's language).
# The two obsolete consonants are kept apart: they
# are rare but not wrong in Sanskrit or Pali loanwords.
DEPRECATED: dict[str, tuple[str | None, str]] = {
    "\u17a3": ("\u17a2", N_("deprecated independent vowel ឣ (U+17A3); type អ")),
    "\u17a4": ("\u17a2\u17b6", N_("deprecated independent vowel ឤ (U+17A4); type អា")),
    "\u17a8": ("\u17a7\u1780", N_("discouraged independent vowel ឨ (U+17A8); type ឧក")),
    "\u17b4": ("", N_("invisible inherent vowel U+17B4, which should not be used; delete it")),
    "\u17b5": ("", N_("invisible inherent vowel U+17B5, which should not be used; delete it")),
    "\u17d3": (None, N_("discouraged sign ៓ (U+17D3); use the lunar date symbols U+19E0-U+19FF")),
    "\u17d8": ("\u17d4\u179b\u17d4", N_("discouraged sign ៘ (U+17D8); type ។ល។")),
}
OBSOLETE = {"\u179d": "ឝ", "\u179e": "ឞ"}

# Two vowel signs typed for one: the pair looks like this single vowel.
VOWEL_COMPOSITES: dict[frozenset[str], str] = {
    frozenset("\u17c1\u17b8"): "\u17be",  # េ + ី -> ើ
    frozenset("\u17c1\u17b6"): "\u17c4",  # េ + ា -> ោ
}

# VIRIAM (U+17D1) is ordered with the vowels but is not one (Karlsson, L2/01-476).
_RANK = {
    "base": 0,
    "robat": 1,
    "sub": 2,
    "shifter": 3,
    "vowel": 4,
    "viriam": 4,
    "sign": 5,
    "dangling": 6,
}


def is_consonant(ch: str) -> bool:
    return "\u1780" <= ch <= "\u17a2"


def is_base(ch: str) -> bool:
    """Consonants and independent vowels carry marks (plus display bases)."""
    return "\u1780" <= ch <= "\u17b3" or ch in DISPLAY_BASES


def is_dependent_vowel(ch: str) -> bool:
    return "\u17b6" <= ch <= "\u17c5"


def is_mark(ch: str) -> bool:
    """Anything that must follow a base inside a cluster."""
    return (
        is_dependent_vowel(ch)
        or ch in SHIFTERS
        or ch in SIGNS
        or ch in INHERENT_VOWELS
        or ch in (ROBAT, COENG)
    )


def is_khmer_letter(ch: str) -> bool:
    """Khmer letters and marks (not digits or punctuation)."""
    return "\u1780" <= ch <= "\u17d3" or ch == "\u17dd"


def _category(ch: str) -> str:
    if ch == ROBAT:
        return "robat"
    if ch in SHIFTERS:
        return "shifter"
    if is_dependent_vowel(ch):
        return "vowel"
    if ch == "\u17d1":
        return "viriam"
    return "sign"  # signs and the deprecated inherent vowels


@dataclass
class Cluster:
    """One orthographic cluster as typed: a base and the marks after it."""

    start: int
    end: int
    items: list[tuple[str, str]] = field(default_factory=list)  # (category, text)
    dangling_coeng: bool = False  # a coeng with no consonant to attach to
    coeng_then_mark: bool = False  # coeng typed, then a vowel/sign, then the consonant
    has_joiner: bool = False

    @property
    def typed(self) -> str:
        return "".join(text for _, text in self.items)

    def canonical(self) -> str:
        """The cluster in Unicode order, with doubled vowels merged where possible."""
        if self.has_joiner:
            return self.typed
        ordered = sorted(self.items, key=lambda item: _RANK[item[0]])  # stable
        subs = [t for c, t in ordered if c == "sub"]
        # COENG RO is encoded last among subscripts ("ស្ត្រី").
        subs = [t for t in subs if t != COENG + RO] + [t for t in subs if t == COENG + RO]
        vowels = [t for c, t in ordered if c == "vowel"]
        if len(vowels) > 1:
            if len(set(vowels)) == 1:
                vowels = vowels[:1]
            elif frozenset(vowels) in VOWEL_COMPOSITES:
                vowels = [VOWEL_COMPOSITES[frozenset(vowels)]]
        parts = [t for c, t in ordered if c in ("base", "robat")]
        parts += subs
        parts += [t for c, t in ordered if c == "shifter"]
        parts += vowels
        parts += [t for c, t in ordered if c == "viriam"]
        parts += [t for c, t in ordered if c == "sign"]  # a dangling coeng is dropped
        return "".join(parts)

    def vowel_count(self) -> int:
        return sum(1 for c, _ in self.items if c == "vowel")

    def marks_before_subscript(self) -> bool:
        seen_mark = False
        for category, _ in self.items:
            if category in ("vowel", "viriam", "sign", "shifter"):
                seen_mark = True
            elif category == "sub" and seen_mark:
                return True
        return self.coeng_then_mark

    def out_of_order(self) -> bool:
        """Anything but the subscript placement differs from canonical order."""
        if self.has_joiner:
            return False
        ranks = [_RANK[c] for c, _ in self.items]
        return ranks != sorted(ranks)

    def ro_not_last(self) -> bool:
        subs = [t for c, t in self.items if c == "sub"]
        return COENG + RO in subs[:-1]


@dataclass(frozen=True)
class Orphan:
    """A mark with no base before it (after a space, at the start, after punctuation)."""

    index: int
    char: str


def parse(text: str) -> tuple[list[Cluster], list[Orphan]]:
    """Split text into Khmer clusters, leniently, keeping positions.

    Lenient means: marks are collected in whatever order they were typed, and
    a coeng followed by marks and then a consonant is read as that subscript
    with misplaced marks, which is what the typist meant.
    """
    clusters: list[Cluster] = []
    orphans: list[Orphan] = []
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        if not is_base(ch):
            if is_mark(ch):
                orphans.append(Orphan(i, ch))
            i += 1
            continue
        cluster = Cluster(start=i, end=i + 1, items=[("base", ch)])
        j = i + 1
        while j < n:
            c = text[j]
            if c == COENG:
                if j + 1 < n and is_consonant(text[j + 1]):
                    cluster.items.append(("sub", c + text[j + 1]))
                    j += 2
                    continue
                k = j + 1
                while k < n and is_mark(text[k]) and text[k] != COENG:
                    k += 1
                if k > j + 1 and k < n and is_consonant(text[k]):
                    for m in text[j + 1 : k]:
                        cluster.items.append((_category(m), m))
                    cluster.items.append(("sub", COENG + text[k]))
                    cluster.coeng_then_mark = True
                    j = k + 1
                    continue
                cluster.dangling_coeng = True
                cluster.items.append(("dangling", c))
                j += 1
                continue
            if c in JOINERS:
                cluster.has_joiner = True
                cluster.items.append(("sign", c))
                j += 1
                continue
            if is_mark(c):
                cluster.items.append((_category(c), c))
                j += 1
                continue
            break
        cluster.end = j
        clusters.append(cluster)
        i = j
    return clusters, orphans


@lru_cache(maxsize=8192)
def normalize(text: str) -> str:
    """Rewrite text in canonical Khmer encoding (for suggestions and matching).

    Memoized: the checker asks for the same words again and again.

    Clusters are reordered, doubled vowels merged and
    deprecated characters replaced where Unicode names a replacement. A coeng
    with no consonant to subscript is dropped (it renders as a dotted circle or
    nothing, and leaving it would attach it to the next cluster); marks without
    a base are kept, since which base they belong to would be a guess.
    Non-Khmer text is returned unchanged.
    """
    if not any("\u1780" <= ch <= "\u17ff" for ch in text):
        return text
    for old, (new, _) in DEPRECATED.items():
        if new is not None:
            text = text.replace(old, new)
    clusters, _ = parse(text)
    out: list[str] = []
    pos = 0
    for cluster in clusters:
        out.append(text[pos : cluster.start])
        out.append(cluster.canonical())
        pos = cluster.end
    out.append(text[pos:])
    return unicodedata.normalize("NFC", "".join(out))


def _join_orphans(text: str) -> str:
    """Remove whitespace that split a mark from its base ("ក ា" -> "កា")."""
    text = re.sub(r"(?<=[\u1780-\u17d3])[ \u200b]+(?=[\u17b6-\u17d3\u17dd])", "", text)
    return re.sub(r"(?<=\u17d2)[ \u200b]+(?=[\u1780-\u17a2])", "", text)


def _word_at(text: str, start: int, end: int) -> str:
    """The whitespace-delimited word around text[start:end], for messages."""
    left = start
    while left > 0 and not text[left - 1].isspace() and text[left - 1] != ZWSP:
        left -= 1
    right = end
    while right < len(text) and not text[right].isspace() and text[right] != ZWSP:
        right += 1
    return text[left:right]


def encoding_issues(text: str) -> list[Issue]:
    """Every Khmer encoding problem in `text`, one per code and word."""
    issues: list[Issue] = []
    seen: set[tuple[str, str]] = set()
    fixed = normalize(_join_orphans(text))
    suggestion = fixed if fixed != text else None

    def add(code: str, severity: str, word: str, message: Message, fix: str | None) -> None:
        if (code, word) in seen:
            return
        seen.add((code, word))
        issues.append(Issue(code, severity, message, fix))

    clusters, orphans = parse(text)
    for cluster in clusters:
        suspect = (
            cluster.dangling_coeng
            or cluster.marks_before_subscript()
            or cluster.out_of_order()
            or cluster.vowel_count() > 1
            or (cluster.ro_not_last() and not cluster.has_joiner)
        )
        if not suspect:  # the common case: skip finding the word for a message
            continue
        word = _word_at(text, cluster.start, cluster.end)
        good = normalize(word)
        if cluster.dangling_coeng:
            add(
                "km-coeng",
                "error",
                word,
                Message.of(
                    N_(
                        'In "%(word)s" the subscript sign (coeng, U+17D2) is not followed by a '
                        "consonant; type coeng immediately before the consonant it subscripts."
                    ),
                    word=word,
                ),
                suggestion,
            )
        if cluster.marks_before_subscript():
            add(
                "km-coeng-order",
                "error",
                word,
                Message.of(
                    N_(
                        'In "%(word)s" a vowel or sign is typed before the subscript consonant; '
                        'type the subscript first: "%(fixed)s".'
                    ),
                    word=word,
                    fixed=good,
                ),
                suggestion,
            )
        elif cluster.out_of_order():
            add(
                "km-sign-order",
                "error",
                word,
                Message.of(
                    N_(
                        'In "%(word)s" the vowel and signs are typed in the wrong order '
                        '(base, subscript, shifter, vowel, sign); it should be "%(fixed)s".'
                    ),
                    word=word,
                    fixed=good,
                ),
                suggestion,
            )
        if cluster.vowel_count() > 1:
            add(
                "km-double-vowel",
                "error",
                word,
                Message.of(
                    N_(
                        '"%(word)s" has two vowel signs on one consonant; did you mean "%(fixed)s"?'
                    ),
                    word=word,
                    fixed=good,
                )
                if good != word
                else Message.of(
                    N_('"%(word)s" has two vowel signs on one consonant; retype the vowel.'),
                    word=word,
                ),
                suggestion if good != word else None,
            )
        if cluster.ro_not_last() and not cluster.has_joiner:
            add(
                "km-coeng-ro-order",
                "warning",
                word,
                Message.of(
                    N_(
                        'In "%(word)s" the subscript ro (្រ) should be typed after the other '
                        'subscript: "%(fixed)s".'
                    ),
                    word=word,
                    fixed=good,
                ),
                suggestion,
            )
    for orphan in orphans:
        if orphan.char == COENG:
            code, what = "km-coeng", Message.of(N_("the subscript sign (coeng)"))
        else:
            code = "km-missing-base"
            what = Message.of(N_("the vowel or sign %(mark)s"), mark=repr(orphan.char))
        word = _word_at(text, orphan.index, orphan.index + 1)
        add(
            code,
            "error",
            word,
            Message.of(
                N_(
                    'In "%(word)s" %(what)s (U+%(code)s) has no consonant before it; it is '
                    "probably separated from its consonant by a space or typed out of order."
                ),
                word=word,
                what=what,
                code=f"{ord(orphan.char):04X}",
            ),
            suggestion,
        )
    for index, ch in enumerate(text):
        if ch in DEPRECATED:
            replacement, why = DEPRECATED[ch]
            word = _word_at(text, index, index + 1)
            severity = "error" if ch in "\u17a3\u17a4\u17b4\u17b5" else "warning"
            add(
                "km-deprecated-char",
                severity,
                word,
                Message.of(
                    N_('"%(word)s" contains the %(what)s.'), word=word, what=Message.of(why)
                ),
                suggestion if replacement is not None else None,
            )
        elif ch in OBSOLETE:
            word = _word_at(text, index, index + 1)
            add(
                "km-obsolete-char",
                "warning",
                word,
                Message.of(
                    N_(
                        '"%(word)s" contains the obsolete letter %(letter)s (U+%(code)s); '
                        "check that it is intended and not a typing slip."
                    ),
                    word=word,
                    letter=OBSOLETE[ch],
                    code=f"{ord(ch):04X}",
                ),
                None,
            )
    return issues


# --- legacy fonts -----------------------------------------------------------

_LATIN_TOKEN = re.compile(r"[^\s\u200b]*[A-Za-z\u00c0-\u00ff][^\s\u200b]*")
# Limon/ABC put Khmer glyphs on keys like [ ] { } | < > @ inside words.
_SYMBOLS_IN_WORD = re.compile(r"[\[\]{}|\\^~<>@#$&*+=_`]|[A-Za-z][;:/\"][A-Za-z]")
_ENGLISH_STOPWORDS = frozenset(
    {
        "the",
        "of",
        "and",
        "to",
        "in",
        "is",
        "will",
        "for",
        "with",
        "on",
        "that",
        "by",
        "as",
        "from",
        "at",
        "has",
        "have",
        "be",
        "was",
        "are",
        "an",
        "this",
        "its",
        "which",
        "were",
        "it",
        "their",
        "his",
        "her",
        "not",
        "or",
    }
)


def _looks_legacy(token: str) -> bool:
    """A token typed with a Limon/ABC-style font: case and symbols mixed inside a word."""
    letters = [c for c in token if c.isalpha()]
    if len(letters) < 2:
        return False
    if any("\u00a1" <= c <= "\u00ff" for c in token):
        return True  # ABC and Limon map Khmer glyphs to Latin-1 symbols
    if _SYMBOLS_IN_WORD.search(token):
        return True
    core = token.strip(".,;:!?()[]\"'")
    # lower-to-upper inside a word: "RksYgkarbreTs"; acronyms and "McX" stay clean
    inner_caps = re.findall(r"[a-z][A-Z]", core)
    if inner_caps and not re.fullmatch(r"(Mc|Mac|O')?[A-Z][a-z]+", core):
        return True
    word = core.lower()
    return len(word) >= 5 and not re.search(r"[aeiouy]", word)


def latin_tokens(text: str) -> list[str]:
    return _LATIN_TOKEN.findall(text)


def legacy_score(text: str) -> float:
    """Share of Latin tokens that look like legacy-font Khmer rather than a language."""
    tokens = latin_tokens(text)
    if not tokens:
        return 0.0
    return sum(1 for t in tokens if _looks_legacy(t)) / len(tokens)


def english_score(text: str) -> float:
    """Share of Latin tokens that are common English function words."""
    tokens = [t.strip(".,;:!?()[]\"'“”‘’").lower() for t in latin_tokens(text)]
    if not tokens:
        return 0.0
    return sum(1 for t in tokens if t in _ENGLISH_STOPWORDS) / len(tokens)


def looks_like_legacy_font(text: str) -> bool:
    """Mostly-Latin text that is not a language but a legacy-font Khmer encoding."""
    tokens = latin_tokens(text)
    if not tokens:
        return False
    score = legacy_score(text)
    if len(tokens) == 1:
        return score == 1.0
    return score >= 0.25 and english_score(text) < 0.15


def iter_khmer_words(text: str) -> Iterator[str]:
    """Runs of Khmer letters (used by tests and for counting)."""
    yield from re.findall(r"[\u1780-\u17d3\u17dd]+", text)
