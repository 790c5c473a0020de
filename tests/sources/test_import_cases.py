"""The import cases of a first day (issue 24): a Word table without Word's header-row
flag, a paragraph pasted from Word that starts with its number and non-breaking spaces,
and the title of a Markdown file's front matter. Each through `publisher new`, and the
outputs a reader sees.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html

from tests.support.pdf import pdf_text, squash
from tests.support.sources import NBSP, new, stored, write
from tests.support.word import WordFile
from tests.support.workspace import Cli


def test_word_table_without_header_flag_takes_its_first_row_as_header(
    cli: Cli, workspace: Path, tmp_path: Path
) -> None:
    """Word shows the first row on top and the Markdown import of the same table makes it
    the header: so does the Word import (no empty `| | |` header, `<th>` in the page)."""
    word = WordFile()
    word.paragraph("Delegation List", style="Title")
    table = word.doc.add_table(rows=3, cols=2)
    for (row, col), text in {
        (0, 0): "Institution",
        (0, 1): "Members",
        (1, 0): "Senate",
        (1, 1): "Twelve",
        (2, 0): "Ministry",
        (2, 1): "Four",
    }.items():
        table.cell(row, col).text = text
    path = word.save(tmp_path / "table.docx")
    new(cli, path)
    text = stored(workspace)
    assert "| Institution | Members |\n|---|---|\n| Senate | Twelve |\n| Ministry | Four |" in text
    assert "| | |" not in text
    out = tmp_path / "dist"
    cli("build", "r", "--lang", "en", "--format", "html", "--out", str(out))
    page = lxml.html.fromstring((out / "r" / "en.html").read_bytes())
    assert [th.text_content().strip() for th in page.iter("th")] == ["Institution", "Members"]


def test_word_table_with_an_empty_first_row_stays_without_header(
    cli: Cli, workspace: Path, tmp_path: Path
) -> None:
    word = WordFile()
    word.paragraph("Signatures", style="Title")
    table = word.doc.add_table(rows=2, cols=2)
    table.cell(1, 0).text = "Sok Dara"
    table.cell(1, 1).text = "Li Wei"
    new(cli, word.save(tmp_path / "sign.docx"))
    assert "| Sok Dara | Li Wei |" in stored(workspace)
    out = tmp_path / "dist"
    cli("build", "r", "--lang", "en", "--format", "html", "--out", str(out))
    page = lxml.html.fromstring((out / "r" / "en.html").read_bytes())
    assert list(page.iter("th")) == []


def test_paragraph_starting_with_number_and_nbsp_keeps_it_without_backslash(
    cli: Cli, workspace: Path, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "agreement.md",
        f"# Agreement on Trade\n\n1.{NBSP}{NBSP}Cambodia shall host the meeting.\n\n"
        f"2.{NBSP}{NBSP}China shall attend it.\n",
    )
    new(cli, path)
    text = stored(workspace)
    assert f"\n1.{NBSP}{NBSP}Cambodia shall host the meeting.\n" in text
    assert "\\" not in text
    out = tmp_path / "dist"
    cli("build", "r", "--lang", "en", "--out", str(out))
    page = lxml.html.fromstring((out / "r" / "en.html").read_bytes())
    body = " ".join(p.text_content() for p in page.iter("p"))
    assert "1.\xa0\xa0Cambodia shall host" in body and "\\" not in body
    assert list(page.iter("ol")) == []  # a paragraph, as written, not a list
    printed = squash(pdf_text(out / "r" / "en.pdf"))
    assert "1.Cambodiashallhostthemeeting." in printed and "\\" not in printed
    exported = tmp_path / "km.po"
    cli("export", "r", "--lang", "km", "--format", "po", "--out", str(exported))
    po = exported.read_text(encoding="utf-8")
    assert f'msgid "1.{NBSP}{NBSP}Cambodia shall host the meeting."' in po


def test_title_from_front_matter_gives_no_note_about_the_title_option(
    cli: Cli, workspace: Path, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "meeting.md",
        "---\ntitle: Meeting on Trade\n---\n\nThe ministers met in Phnom Penh.\n",
    )
    result = new(cli, path)
    assert "--title" not in result.stderr and "title" not in result.stderr
    assert stored(workspace).startswith("# Meeting on Trade\n\nThe ministers met")


def test_a_first_paragraph_repeating_the_front_matter_title_names_the_front_matter(
    cli: Cli, workspace: Path, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "meeting.md",
        "---\ntitle: Meeting on Trade\n---\n\nMeeting on Trade\n\nThe ministers met.\n",
    )
    result = new(cli, path)
    assert "--title" not in result.stderr
    assert "the first paragraph repeats the front matter's title" in result.stderr
