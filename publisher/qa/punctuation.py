"""Punctuation and spacing conventions of each target language.

Chinese uses full-width punctuation (，。：；？！（）“”); an ASCII comma after a
Han character is a visible typo in print. Khmer ends sentences with the khan
(។), and an ASCII colon between Khmer letters is almost always a mistyped
yuukaleapintu (ៈ). These checks only fire next to the script concerned, so
Latin names, acronyms, decimals ("3.5"), times ("10:30") and URLs inside a
Chinese or Khmer sentence are left alone.
"""

from __future__ import annotations

import re

from publisher.core.messages import N_, Joined, Message, Param
from publisher.qa import khmer, markup, placeables
from publisher.qa.findings import Issue

_FULL_WIDTH = {
    ",": "，",
    ".": "。",
    ":": "：",
    ";": "；",
    "?": "？",
    "!": "！",
    "(": "（",
    ")": "）",
}
_PAIRS = {
    "(": ")",
    "[": "]",
    "{": "}",
    "（": "）",
    "【": "】",
    "《": "》",
    "「": "」",
    "『": "』",
    "“": "”",
    "«": "»",
}


_CLOSERS = frozenset("）」』】》”’")


def is_han(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x3400 <= cp <= 0x4DBF
        or 0x4E00 <= cp <= 0x9FFF
        or 0xF900 <= cp <= 0xFAFF
        or 0x20000 <= cp <= 0x3FFFF
    )


def is_cjk(ch: str) -> bool:
    """Han characters and CJK punctuation: what makes ASCII punctuation wrong next to it."""
    cp = ord(ch)
    return is_han(ch) or 0x3000 <= cp <= 0x303F or 0xFF01 <= cp <= 0xFF60 or ch in "…—“”‘’"


def _protected(text: str) -> set[int]:
    """Indices inside URLs, e-mail addresses, phone numbers and Markdown syntax."""
    found = {i for p in placeables.find(text) for i in range(p.start, p.end)}
    return found | markup.syntax(text)


def _neighbour(text: str, index: int, step: int, skip: set[int] | None = None) -> str | None:
    """The nearest character before (step -1) or after (+1) index that a reader sees:
    spaces and the Markdown syntax in `skip` (emphasis markers, link brackets) aside."""
    i = index + step
    while 0 <= i < len(text) and (text[i] in " \u00a0\u3000" or (skip and i in skip)):
        i += step
    return text[i] if 0 <= i < len(text) else None


def chinese_issues(text: str) -> list[Issue]:
    """ASCII punctuation and quotes in a Chinese text, with the full-width fix."""
    protected = _protected(text)
    hidden = markup.syntax(text)
    han = sum(1 for c in text if is_han(c))
    if not han:
        return []
    fixes: dict[int, str] = {}  # index -> replacement
    quoted: list[Param] = []
    # Ellipsis first: "..." becomes "……", not three full stops.
    for m in re.finditer(r"\.{2,}", text):
        if m.start() in protected:
            continue
        before, after = (
            _neighbour(text, m.start(), -1, hidden),
            _neighbour(text, m.end() - 1, 1, hidden),
        )
        latin = [c for c in (before, after) if c and (c.isascii() and c.isalnum())]
        if len(latin) < 2:  # "Sen... and" between Latin words stays as it is
            fixes[m.start()] = "……"
            for k in range(m.start() + 1, m.end()):
                fixes[k] = ""
            quoted.append(m.group())
    ellipsis = {k for k in fixes}
    # Parentheses as pairs, so that "(CPP)" becomes "（CPP）" as a whole.
    stack: list[int] = []
    pairs: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        if i in protected:
            continue
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            pairs.append((stack.pop(), i))
    paired = {i for pair in pairs for i in pair}
    for open_, close in pairs:
        before, after = _neighbour(text, open_, -1, hidden), _neighbour(text, close, 1, hidden)
        inside = text[open_ + 1 : close]
        if (before and is_cjk(before)) or (after and is_cjk(after)) or any(map(is_han, inside)):
            fixes[open_], fixes[close] = "（", "）"
            quoted.append(text[open_ : close + 1])
    for i, ch in enumerate(text):
        if i in protected or i in ellipsis or i in paired or ch not in _FULL_WIDTH:
            continue
        before, after = _neighbour(text, i, -1, hidden), _neighbour(text, i, 1, hidden)
        if ch in ".,:" and before and after and before.isdigit() and after.isdigit():
            continue  # 3.5, 1,500, 10:30
        if ch == "." and re.fullmatch(r"\s*[0-9]{1,2}", text[:i]):
            continue  # "1. " numbering a list item
        if ch == "." and (
            re.search(r"(?:\b[A-Za-z]\.){1,}[A-Za-z]$", text[:i])
            or (before and before.isascii() and before.isalpha() and after in _CLOSERS)
        ):
            continue  # "U.S.", "Co., Ltd.）": a Latin abbreviation inside Chinese
        if (
            (before and is_cjk(before))
            or (after and is_cjk(after))
            or (ch in ".!?" and after is None and before is not None)
        ):
            fixes[i] = _FULL_WIDTH[ch]
            quoted.append(
                Message.of(N_("%(mark)s after %(before)s"), mark=ch, before=before)
                if before
                else ch
            )
    # Straight double quotes become alternating curly ones; a straight
    # apostrophe only when it touches Chinese (O'Brien stays as it is).
    double = [i for i, ch in enumerate(text) if ch == '"' and i not in protected]
    for n, i in enumerate(double):
        fixes[i] = "“" if n % 2 == 0 else "”"
    if double:
        quoted.append('"')
    single = [
        i
        for i, ch in enumerate(text)
        if ch == "'"
        and i not in protected
        and any(
            c and is_cjk(c)
            for c in (_neighbour(text, i, -1, hidden), _neighbour(text, i, 1, hidden))
        )
    ]
    for n, i in enumerate(single):
        fixes[i] = "‘" if n % 2 == 0 else "’"
    if single:
        quoted.append("'")
    if not fixes:
        return []
    out: list[str] = []
    for i, ch in enumerate(text):
        out.append(fixes.get(i, ch))
    fixed = "".join(out)
    # Full-width punctuation carries its own spacing.
    fixed = re.sub(r"[ \u00a0]*([，。：；？！（）“”‘’]|……)[ \u00a0]*", r"\1", fixed)
    shown: list[Param] = [Joined(("“", q, "”"), "") for q in quoted[:3]]
    shown += ["..."] if len(quoted) > 3 else []
    return [
        Issue(
            "zh-ascii-punctuation",
            "error",
            Message.of(
                N_("Chinese text needs full-width punctuation instead of ASCII: %(found)s."),
                found=Joined(tuple(shown)),
            ),
            fixed,
        )
    ]


# Khmer abbreviations are single letters with dots: គ.ស. ព.ស. ល.រ
_KM_ABBREVIATION = re.compile(r"(?:^|[\s.\u200b])[\u1780-\u17b3]\.$")


def khmer_share(text: str) -> float:
    """Share of letters that are Khmer."""
    letters = [c for c in text if c.isalpha() or khmer.is_khmer_letter(c)]
    return sum(map(khmer.is_khmer_letter, letters)) / len(letters) if letters else 0.0


def khmer_issues(text: str) -> list[Issue]:
    """ASCII full stops ending Khmer sentences and ASCII colons inside Khmer words."""
    protected = _protected(text)
    hidden = markup.syntax(text)
    issues: list[Issue] = []
    stops: list[int] = []
    for m in re.finditer(r"(?<!\.)\.(?!\.)", text):
        i = m.start()
        if i in protected or i == 0:
            continue
        k = i - 1
        while k > 0 and k in hidden:  # "**ខ្មែរ**." : the stop follows the word
            k -= 1
        before = text[k]
        at_end = not text[i + 1 :].strip()
        khmer_before = khmer.is_khmer_letter(before) or "\u17e0" <= before <= "\u17e9"
        # After Latin or ASCII digits only the segment's final stop is surely Khmer.
        if not khmer_before and not (at_end and before.isalnum() and khmer_share(text) > 0.5):
            continue
        after = text[i + 1 : i + 2]
        if after and not after.isspace() and after != khmer.ZWSP:
            continue
        if _KM_ABBREVIATION.search(text[: i + 1]):
            continue  # ព.ស. / គ.ស. style abbreviations
        stops.append(i)
    if stops:
        fixed = "".join("។" if k in stops else ch for k, ch in enumerate(text))
        at_end = stops[-1] == len(text.rstrip()) - 1
        word = text[max(0, stops[0] - 12) : stops[0] + 1].split()[-1]
        issues.append(
            Issue(
                "km-ascii-full-stop",
                "error" if at_end else "warning",
                Message.of(
                    N_(
                        'A Khmer sentence ends with an ASCII full stop ("%(word)s"); '
                        "use the khan ។."
                    ),
                    word=word,
                ),
                fixed,
            )
        )
    colons = [
        i
        for i in range(1, len(text) - 1)
        if text[i] == ":"
        and i not in protected
        and khmer.is_khmer_letter(text[i - 1])
        and khmer.is_khmer_letter(text[i + 1])
    ]
    if colons:
        fixed = "".join("ៈ" if k in colons else ch for k, ch in enumerate(text))
        i = colons[0]
        words = text[max(0, i - 8) : i + 8].split()
        issues.append(
            Issue(
                "km-ascii-colon",
                "error",
                Message.of(
                    N_(
                        'An ASCII colon is typed inside a Khmer word ("%(word)s"); '
                        "use the Khmer sign ៈ (yuukaleapintu)."
                    ),
                    word=" ".join(words),
                ),
                fixed,
            )
        )
    return issues


def spacing_issues(source: str, target: str) -> list[Issue]:
    """Doubled spaces and stray leading/trailing whitespace the source does not have."""
    issues: list[Issue] = []
    blank = " \t\u00a0\u3000\u200b\n\r"
    lead = target[: len(target) - len(target.lstrip(blank))]
    trail = target[len(target.rstrip(blank)) :]
    src_lead = source[: len(source) - len(source.lstrip(blank))]
    src_trail = source[len(source.rstrip(blank)) :]
    if (lead and lead != src_lead) or (trail and trail != src_trail):
        fixed = src_lead + target.strip(blank) + src_trail
        issues.append(
            Issue(
                "whitespace-edges",
                "warning",
                Message.of(N_("The translation starts or ends with extra whitespace.")),
                fixed,
            )
        )
    inner = target.strip(blank)
    doubles = re.findall(r"\S?[ \u00a0]{2,}\S?", inner)
    if doubles and not re.search(r"[ \u00a0]{2,}", source.strip(blank)):
        fixed = target.replace(inner, re.sub(r"[ \u00a0]{2,}", " ", inner))
        issues.append(
            Issue(
                "double-space",
                "warning",
                Message.of(N_('The translation has doubled spaces ("%(text)s").'), text=doubles[0]),
                fixed,
            )
        )
    return issues


def _balanced(text: str) -> tuple[bool, str | None]:
    """Whether brackets and quotes pair up; the first offending character if not."""
    stack: list[str] = []
    closers = {v: k for k, v in _PAIRS.items()}
    for ch in text:
        if ch in _PAIRS:
            stack.append(ch)
        elif ch in closers:
            if not stack or stack[-1] != closers[ch]:
                return False, ch
            stack.pop()
    if stack:
        return False, stack[-1]
    if text.count('"') % 2:
        return False, '"'
    return True, None


def _mask_syntax(masked: str, original: str) -> str:
    """`masked` with the Markdown syntax of `original` blanked out (same length)."""
    hidden = markup.syntax(original)
    return "".join(" " if i in hidden else ch for i, ch in enumerate(masked))


def bracket_issues(source: str, target: str) -> list[Issue]:
    """Unbalanced brackets or quotes, unless the source is unbalanced too (split quotes)."""
    text = _mask_syntax(placeables.mask(target), target)
    ok, culprit = _balanced(text)
    if ok or not _balanced(_mask_syntax(placeables.mask(source), source))[0]:
        return []
    return [
        Issue(
            "unbalanced-brackets",
            "warning",
            Message.of(
                N_(
                    "The translation has an unpaired “%(mark)s”; "
                    "check brackets and quotation marks."
                ),
                mark=str(culprit),
            ),
            None,
        )
    ]


_ASCII_FOR = {
    "，": ", ",
    "。": ". ",
    "：": ": ",
    "；": "; ",
    "？": "? ",
    "！": "! ",
    "（": " (",
    "）": ") ",
    "、": ", ",
}


def latin_issues(text: str) -> list[Issue]:
    """Full-width CJK punctuation left in an English translation."""
    found = [ch for ch in text if ch in _ASCII_FOR]
    if not found:
        return []
    fixed = "".join(_ASCII_FOR.get(ch, ch) for ch in text)
    fixed = re.sub(r" {2,}", " ", fixed)
    fixed = re.sub(r" +([,.:;?!)])", r"\1", fixed)
    fixed = re.sub(r"\( +", "(", fixed).strip()
    return [
        Issue(
            "en-full-width-punctuation",
            "warning",
            Message.of(
                N_("The English text contains Chinese full-width punctuation (“%(mark)s”)."),
                mark=found[0],
            ),
            fixed,
        )
    ]
