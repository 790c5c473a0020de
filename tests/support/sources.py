"""Source files as an office writes them: a text, Markdown and Word file with numbered
paragraphs (numbers that must survive import and publishing), a small picture; `new` imports
one as release `r`, `stored` reads back the source.md it became."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from tests.support.word import WordFile
from tests.support.workspace import Cli, Result


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


NUMBERED_TXT = """\
Statement on the Official Visit

1. The Minister will travel abroad.
2. He will meet his counterpart.
- Trade will be discussed.
- Culture will be discussed.
3. A joint statement will follow.
4. The press will be informed.
7. The visit ends with a dinner.
"""

NUMBERED_MD = """\
# Statement on the Official Visit

1. The Minister will travel abroad.
2. He will meet his counterpart.

- Trade will be discussed.
- Culture will be discussed.

3. A joint statement will follow.
4. The press will be informed.
7. The visit ends with a dinner.
"""


def numbered_docx(path: Path) -> Path:
    word = WordFile()
    word.paragraph("Statement on the Official Visit", style="Title")
    points = word.numbering()
    word.numbered("The Minister will travel abroad.", points)
    word.numbered("He will meet his counterpart.", points)
    word.paragraph("Trade will be discussed.", style="List Bullet")
    word.paragraph("Culture will be discussed.", style="List Bullet")
    word.numbered("A joint statement will follow.", points)
    word.numbered("The press will be informed.", points)
    word.numbered("The visit ends with a dinner.", word.restart(points, 7))
    return word.save(path)


def png(path: Path, size: tuple[int, int] = (40, 24)) -> Path:
    Image.new("RGB", size, (11, 61, 145)).save(path)
    return path


NBSP = "\u00a0"


def new(cli: Cli, source: Path, *args: str, ok: bool = True) -> Result:
    return cli("new", str(source), "--slug", "r", "--date", "2024-11-30", *args, ok=ok)


def stored(workspace: Path, slug: str = "r") -> str:
    return (workspace / "releases" / slug / "source.md").read_text(encoding="utf-8")
