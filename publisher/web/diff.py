"""Word differences between two versions of a text, for reviewers to see what changed.

English is compared word by word. Khmer is written without spaces between words
and Chinese without any, so a whole Khmer or Chinese sentence would be one
"word": Khmer is compared by orthographic syllable (a base letter with its
subscripts, vowels and signs), Chinese character by character, which shows a
changed name or number rather than a changed sentence.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"[\u1780-\u17B3](?:\u17D2[\u1780-\u17B3]|[\u17B4-\u17D1\u17D3\u17DD\u200C\u200D])*"  # Khmer
    r"|[\u17E0-\u17E9]+"  # Khmer digits
    r"|[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]"  # one Chinese character
    r"|[^\W\u1780-\u17FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]+"  # a word of other letters
    r"|\s+"
    r"|.",
    re.DOTALL,
)


@dataclass(frozen=True)
class Piece:
    """A run of text that is unchanged (`same`), removed (`del`) or added (`ins`)."""

    op: str
    text: str


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def word_diff(old: str, new: str) -> list[Piece]:
    """The pieces that turn `old` into `new`, in reading order (deletions first)."""
    a, b = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    pieces: list[Piece] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(Piece("same", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(Piece("del", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            pieces.append(Piece("ins", "".join(b[j1:j2])))
    return _merged(pieces)


def _merged(pieces: list[Piece]) -> list[Piece]:
    out: list[Piece] = []
    for piece in pieces:
        if not piece.text:
            continue
        if out and out[-1].op == piece.op:
            out[-1] = Piece(piece.op, out[-1].text + piece.text)
        else:
            out.append(piece)
    return out
