"""What a text may contain before it reaches a release: one cleaning for sources and
translations alike.

Invisible control characters change what a reader sees without anyone seeing
them: a bidi override shows "5月6日" as "日6月5", a NUL breaks the PDF, a
byte-order mark (U+FEFF) pasted inside a sentence splits a word for search. They are
removed from every text on its way in (a source import, a translation, a draft,
a file from a translator's tool); a text that still has one (a catalog edited by
hand) fails QA with an error, which blocks publishing. Khmer's zero-width
joiners and non-joiners and the zero-width space are text, not controls, and
are kept.
"""

from __future__ import annotations

import re
import unicodedata

#: C0 controls but tab and newline, DEL, C1 controls, and the bidi embeddings,
#: overrides, isolates and marks (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069),
#: and the byte-order mark (U+FEFF; inside a text it is an obsolete invisible joiner).
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)


def is_forbidden_control(char: str) -> bool:
    return _FORBIDDEN.match(char) is not None


def strip_controls(text: str) -> str:
    """`text` without the forbidden control characters (everything else kept)."""
    return _FORBIDDEN.sub("", text)


def clean_text(text: str) -> str:
    """NFC, Unix newlines, no forbidden control characters: what every stored text is."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return strip_controls(text)
