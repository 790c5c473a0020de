"""What the office wrote is what the release holds: imports of .txt, .md and .docx.

Each test imports a file as a press officer would (`publisher new`) and reads
back the release: its source.md, its segments, and the lines the command
printed (a count of what was imported, a warning for anything left out).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from publisher.core.document import Block, parse_markdown, plain_text
from tests.support.sources import (
    NBSP,
    NUMBERED_MD,
    NUMBERED_TXT,
    new,
    numbered_docx,
    png,
    stored,
    write,
)
from tests.support.word import WordFile
from tests.support.workspace import Cli


def segments(workspace: Path, slug: str = "r") -> list[tuple[str, str]]:
    data = json.loads((workspace / "releases" / slug / "segments.json").read_text())
    return [(s["kind"], s["source"]) for s in data["segments"]]


def numbers(workspace: Path, slug: str = "r") -> list[object]:
    """The list markers of the body in reading order: item numbers, "•" for bullets."""
    out: list[object] = []

    def walk(blocks: list[Block]) -> None:
        for block in blocks:
            if block.kind == "ordered_list":
                out.extend(item.number for item in block.children)
            elif block.kind == "bullet_list":
                out.extend("•" for _ in block.children)
            else:
                walk(block.children)

    walk(parse_markdown(stored(workspace, slug)).blocks)
    return out


# ---------------------------------------------------------------- 1. numbers kept


@pytest.mark.parametrize("fmt", ["txt", "md", "docx"])
def test_numbered_paragraphs_keep_their_numbers(
    cli: Cli, workspace: Path, tmp_path: Path, fmt: str
) -> None:
    path = tmp_path / f"numbered.{fmt}"
    if fmt == "docx":
        numbered_docx(path)
    else:
        write(path, NUMBERED_TXT if fmt == "txt" else NUMBERED_MD)
    result = new(cli, path)
    assert numbers(workspace) == [1, 2, "•", "•", 3, 4, 7]
    assert result.stdout.splitlines()[-1] == (
        "imported the title and 7 list items (8 segments); nothing left out"
    )


def test_items_all_numbered_one_count_up(cli: Cli, workspace: Path, tmp_path: Path) -> None:
    """Lazy Markdown numbering ("1." on every item) is counted, as every renderer does."""
    new(cli, write(tmp_path / "lazy.md", "# T\n\n1. a\n1. b\n1. c\n"))
    assert numbers(workspace) == [1, 2, 3]


def test_paragraph_five_stays_five_after_a_restart(
    cli: Cli, workspace: Path, tmp_path: Path
) -> None:
    source = "Title\n\n1. One.\n\nA paragraph between.\n\n5. Five.\n6. Six.\n\n2. Two again.\n"
    new(cli, write(tmp_path / "restart.txt", source))
    assert numbers(workspace) == [1, 5, 6, 2]


def test_word_numbering_levels_and_formats(cli: Cli, workspace: Path, tmp_path: Path) -> None:
    word = WordFile()
    word.paragraph("Title", style="Title")
    points = word.numbering()
    word.numbered("First.", points)
    word.numbered("Nested one.", points, level=1)
    word.numbered("Nested two.", points, level=1)
    word.numbered("Second.", points)
    letters = word.numbering(fmt="lowerLetter", text="(%1)")
    word.numbered("Lettered.", letters)
    word.numbered("Lettered again.", letters)
    new(cli, word.save(tmp_path / "levels.docx"))
    text = stored(workspace)
    assert "1. First.\n   1. Nested one.\n   2. Nested two.\n2. Second." in text
    assert "(a) Lettered.\n\n(b) Lettered again." in text


# ---------------------------------------------------------------- 2. nothing dropped from .docx


def full_docx(path: Path, picture: Path) -> Path:
    word = WordFile()
    word.paragraph("Statement on the Official Visit", style="Title")
    word.xml_paragraph(
        '<w:r><w:t xml:space="preserve">Read the statement on the </w:t></w:r>'
        + word.hyperlink_run("https://www.mfaic.gov.kh/", "ministry website")
        + '<w:r><w:t xml:space="preserve"> before Friday</w:t></w:r>'
        '<w:ins w:id="1" w:author="Sok Dara" w:date="2024-11-29T10:00:00Z">'
        '<w:r><w:t xml:space="preserve"> at noon</w:t></w:r></w:ins>'
        '<w:del w:id="2" w:author="Sok Dara" w:date="2024-11-29T10:00:00Z">'
        "<w:r><w:delText> or later</w:delText></w:r></w:del>"
        "<w:r><w:t>.</w:t></w:r>" + word.footnote_run("The website is in Khmer and English.")
    )
    table = word.doc.add_table(rows=2, cols=2)
    for (row, col), text in {
        (0, 0): "Delegation",
        (0, 1): "Members",
        (1, 0): "Senate",
        (1, 1): "Twelve",
    }.items():
        table.cell(row, col).text = text
    word.picture(picture, alt="The President of the Senate")
    word.xml_paragraph(
        '<w:r><w:t xml:space="preserve">A field link: </w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> HYPERLINK "https://www.senate.gov.kh/" '
        "</w:instrText></w:r>"
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        "<w:r><w:t>the Senate</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><w:t xml:space="preserve"> and a word</w:t></w:r>'
        '<w:r><w:rPr><w:vanish/></w:rPr><w:t xml:space="preserve"> hidden from print</w:t></w:r>'
        '<w:r><w:commentReference w:id="0"/></w:r>'
    )
    return word.save(path)


def test_docx_with_tracked_changes_is_refused_until_accepted(
    cli: Cli, workspace: Path, tmp_path: Path
) -> None:
    path = full_docx(tmp_path / "full.docx", png(tmp_path / "photo.png"))
    refused = new(cli, path, ok=False)
    assert refused.exit_code == 2 and not (workspace / "releases" / "r").exists()
    assert refused.stderr == (
        f"error: {path}: the document has tracked changes (1 insertion and 1 deletion); "
        "accept or reject them in Word first (Review > Accept / Reject), or pass "
        "--accept-changes to import the text as if every change were accepted\n"
    )


def test_docx_keeps_links_insertions_notes_tables_and_pictures(
    cli: Cli, workspace: Path, tmp_path: Path
) -> None:
    path = full_docx(tmp_path / "full.docx", png(tmp_path / "photo.png"))
    result = new(cli, path, "--accept-changes")
    text = stored(workspace)
    assert (
        "Read the statement on the [ministry website](https://www.mfaic.gov.kh/) before Friday "
        "at noon.\\[1\\]"
    ) in text
    assert "or later" not in text  # the deleted text, as Word shows it accepted
    # A table without Word's header-row flag: its first row is the header, as the
    # Markdown import of the same table reads it (no empty `| | |` row).
    assert "| Delegation | Members |\n|---|---|\n| Senate | Twelve |" in text
    assert "![The President of the Senate](media/" in text
    assert "A field link: [the Senate](https://www.senate.gov.kh/) and a word" in text
    assert text.endswith("* * *\n\n\\[1\\] The website is in Khmer and English.\n")
    pictures = list((workspace / "releases" / "r" / "media").iterdir())
    assert len(pictures) == 1 and pictures[0].read_bytes()[:4] == b"\x89PNG"
    assert result.stderr.splitlines() == [
        f"warning: {path}: tracked changes accepted (1 insertion and 1 deletion): inserted "
        "text is kept, deleted text is left out; check the release against the final Word text",
        f"warning: {path}: hidden text not imported: paragraph 4 (“hidden from print”)",
        f"warning: {path}: comments (Word's review comments) not imported: paragraph 4",
        f"note: {path}: 1 footnote imported at the end of the release; "
        "their marks ([1]) stay in the text",
    ]
    assert result.stdout.splitlines()[-1] == (
        "imported the title, 4 paragraphs, 1 table (4 cells) and 1 picture (9 segments); "
        "3 warnings above"
    )


def test_docx_signature_block_and_text_box(cli: Cli, workspace: Path, tmp_path: Path) -> None:
    word = WordFile()
    word.paragraph("Joint Statement", style="Title")
    word.xml_paragraph(
        "<w:r><w:t>The two ministers signed.</w:t></w:r><w:r><w:drawing><wp:anchor "
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphic>'
        '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        "<wps:txbx><w:txbxContent><w:p><w:r><w:t>Text in a box.</w:t></w:r></w:p>"
        "</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor>"
        "</w:drawing></w:r>"
    )
    word.paragraph("Prak Sokhonn\tWang Yi")
    word.paragraph("Minister of Foreign Affairs\tMinister of Foreign Affairs")
    result = new(cli, word.save(tmp_path / "signed.docx"))
    text = stored(workspace)
    assert "The two ministers signed.\n\nText in a box.\n\n" in text
    assert text.endswith(
        "| | |\n|---|---|\n| Prak Sokhonn | Wang Yi |\n"
        "| Minister of Foreign Affairs | Minister of Foreign Affairs |\n"
    )
    assert "a text box's text is imported after its paragraph" in result.stderr


# ---------------------------------------------------------------- 3. Markdown that is not content


def test_html_comment_is_dropped_with_a_warning(cli: Cli, workspace: Path, tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.md",
        "# Title\n\n<!-- internal note: check with protocol -->\n\n"
        "The visit <!-- tbc --> starts Monday.\n",
    )
    result = new(cli, path)
    assert stored(workspace) == "# Title\n\nThe visit starts Monday.\n"
    assert result.stderr.splitlines() == [
        f"warning: {path}:3: HTML comment left out: “internal note: check with protocol”",
        f"warning: {path}:5: HTML comment left out: “tbc”",
    ]


def test_word_to_web_html_keeps_text_links_and_footnote_marks(
    cli: Cli, workspace: Path, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "web.md",
        "# Title\n\n"
        '<span style="font-family:Arial">The visit</span><o:p></o:p> is <b>historic</b>'
        '<a href="#_ftn1" name="_ftnref1">[1]</a>, see <a href="https://www.mfaic.gov.kh/">'
        "the ministry</a>.\n\n"
        '<div id="ftn1"><p><a href="#_ftnref1" name="_ftn1">[1]</a> As announced.</p></div>\n',
    )
    result = new(cli, path)
    assert stored(workspace) == (
        "# Title\n\nThe visit is **historic**\\[1\\], see "
        "[the ministry](https://www.mfaic.gov.kh/).\n\n\\[1\\] As announced.\n"
    )
    assert result.stderr.splitlines() == [
        f"note: {path}: HTML tags removed, their text kept: <a>, <div>, <o:p>, <p>, <span>"
    ]


def test_script_iframe_and_file_pictures_in_html_are_left_out(
    cli: Cli, workspace: Path, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "hostile.md",
        "# Title\n\nSaid <script>alert(1)</script> and "
        '<img src="file:///etc/passwd" alt="x">.\n\n<iframe src="http://127.0.0.1/"></iframe>\n\n'
        "Last.\n",
    )
    result = new(cli, path)
    assert stored(workspace) == "# Title\n\nSaid and x.\n\nLast.\n"
    assert f"warning: {path}:3: HTML <script> content left out: “alert(1)”" in result.stderr
    assert "HTML picture 'file:///etc/passwd' left out" in result.stderr


def test_table_is_kept_with_a_segment_per_cell(cli: Cli, workspace: Path, tmp_path: Path) -> None:
    path = write(
        tmp_path / "t.md",
        "# Title\n\n| Delegation | Members |\n|:--|--:|\n| Senate \\| Assembly | Twelve |\n"
        "| Ministry | |\n",
    )
    new(cli, path)
    assert stored(workspace).endswith(
        "| Delegation | Members |\n|:--|--:|\n| Senate \\| Assembly | Twelve |\n| Ministry | |\n"
    )
    assert segments(workspace) == [
        ("title", "Title"),
        ("cell", "Delegation"),
        ("cell", "Members"),
        ("cell", "Senate | Assembly"),
        ("cell", "Twelve"),
        ("cell", "Ministry"),
    ]
    po = (workspace / "releases" / "r" / "translations" / "km.po").read_text(encoding="utf-8")
    assert '#. cell\nmsgctxt "s3"\nmsgid "Senate | Assembly"' in po


def test_setext_title_and_heading_are_not_segments_of_underline(
    cli: Cli, workspace: Path, tmp_path: Path
) -> None:
    new(cli, write(tmp_path / "s.md", "Title of the Release\n====================\n\n"
                   "Background\n----------\n\nText.\n"))  # fmt: skip
    assert stored(workspace) == "# Title of the Release\n\n## Background\n\nText.\n"


def test_setext_underline_in_text_file(cli: Cli, workspace: Path, tmp_path: Path) -> None:
    new(cli, write(tmp_path / "s.txt", "Title of the Release\n====\n\nText.\n"))
    assert stored(workspace) == "# Title of the Release\n\nText.\n"


def test_front_matter_is_metadata(cli: Cli, workspace: Path, tmp_path: Path) -> None:
    path = write(
        tmp_path / "fm.md",
        "---\ntitle: Official Visit to China\ndate: 2024-12-02\nplace: Phnom Penh\n"
        "author: Press Office\n---\n\nThe visit starts Monday.\n",
    )
    result = cli("new", str(path))
    slug = "2024-12-02-official-visit-china"
    assert stored(workspace, slug) == "# Official Visit to China\n\nThe visit starts Monday.\n"
    meta = (workspace / "releases" / slug / "release.toml").read_text()
    assert 'date = 2024-12-02\nplace = "Phnom Penh"\n' in meta
    assert result.stderr.splitlines() == [f"note: {path}:1: front matter not used: author"]


def test_command_line_wins_over_front_matter(cli: Cli, workspace: Path, tmp_path: Path) -> None:
    path = write(tmp_path / "fm.md", "+++\ndate = 2024-12-02\n+++\n# Title\n\nText.\n")
    result = new(cli, path)
    assert "date = 2024-11-30" in (workspace / "releases" / "r" / "release.toml").read_text()
    assert result.stderr.splitlines() == [
        f"note: {path}: front matter date 2024-12-02 not used: --date 2024-11-30 was given"
    ]


@pytest.mark.parametrize("mark", ["\\###", "###", "-END-", "-30-", "（完）"])
def test_end_mark_is_recognised_not_printed_twice(
    cli: Cli, workspace: Path, tmp_path: Path, mark: str
) -> None:
    path = write(tmp_path / "e.md", f"# Title\n\nText.\n\n{mark}\n")
    result = new(cli, path)
    assert stored(workspace) == "# Title\n\nText.\n"
    shown = mark.replace("\\", "")
    assert result.stderr.splitlines() == [
        f"note: {path}:5: the end mark “{shown}” is printed by the templates; not kept as text"
    ]


def test_reference_links_become_inline(cli: Cli, workspace: Path, tmp_path: Path) -> None:
    path = write(
        tmp_path / "ref.md",
        "# Title\n\nSee [the ministry][mfaic] and [MFA].\n\n[mfaic]: https://www.mfaic.gov.kh/\n"
        '[mfa]: https://www.mfa.gov.kh/ "Ministry"\n',
    )
    new(cli, path)
    assert stored(workspace) == (
        "# Title\n\nSee [the ministry](https://www.mfaic.gov.kh/) and "
        '[MFA](https://www.mfa.gov.kh/ "Ministry").\n'
    )


# ---------------------------------------------------------------- 4. titles


def test_title_is_the_first_block_not_the_first_line(
    cli: Cli, workspace: Path, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "wrapped.md",
        "Samdech Techo Hun Sen to Pay Official\nand Goodwill Visit to China\n\n"
        "In a move that highlights the partnership, the visit\nwill take place in December.\n",
    )
    result = new(cli, path)
    assert segments(workspace) == [
        ("title", "Samdech Techo Hun Sen to Pay Official and Goodwill Visit to China"),
        ("paragraph", "In a move that highlights the partnership, the visit will take place in "
                      "December."),
    ]  # fmt: skip
    assert result.stderr.splitlines() == [
        f"note: {path}:1: the title is the first paragraph: “Samdech Techo Hun Sen to Pay "
        "Official and Goodwill Visit to China” (--title TEXT chooses another)"
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bold.md", "**Official Visit to China**\n\nText.\n"),
        ("heading.md", "# **Official** Visit to *China*\n\nText.\n"),
        ("bold.txt", "**Official Visit to China**\n\nText.\n"),
    ],
)
def test_title_markup_is_stripped(
    cli: Cli, workspace: Path, tmp_path: Path, name: str, content: str
) -> None:
    new(cli, write(tmp_path / name, content))
    assert segments(workspace)[0] == ("title", "Official Visit to China")


def test_bold_word_title_is_plain(cli: Cli, workspace: Path, tmp_path: Path) -> None:
    word = WordFile()
    word.xml_paragraph(
        "<w:r><w:rPr><w:b/></w:rPr><w:t>Official Visit</w:t></w:r>"
        '<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve"> to China</w:t></w:r>'
    )
    word.paragraph("Text.")
    new(cli, word.save(tmp_path / "bold.docx"))
    assert segments(workspace)[0] == ("title", "Official Visit to China")


def test_title_ending_in_a_full_stop_is_taken(cli: Cli, workspace: Path, tmp_path: Path) -> None:
    new(cli, write(tmp_path / "stop.txt", "Cambodia and China Sign a Trade Agreement.\n\nText.\n"))
    assert segments(workspace)[0] == ("title", "Cambodia and China Sign a Trade Agreement.")


@pytest.mark.parametrize("fmt", ["txt", "md"])
def test_given_title_equal_to_the_first_block_is_printed_once(
    cli: Cli, workspace: Path, tmp_path: Path, fmt: str
) -> None:
    path = write(tmp_path / f"t.{fmt}", "Official Visit to China\n\nText.\n")
    result = new(cli, path, "--title", "Official visit to China.")
    assert segments(workspace) == [("title", "Official visit to China."), ("paragraph", "Text.")]
    assert result.stderr.splitlines() == [
        f"note: {path}:1: the first paragraph repeats --title; it is printed once, as the title"
    ]


def test_first_line_title_makes_the_choice_explicit(
    cli: Cli, workspace: Path, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "first.txt",
        "Official Visit to China\nThe President of the Senate will lead a delegation to Beijing "
        "from 2 to 4 December, the ministry said today in Phnom Penh, and he will meet the "
        "leaders of the People's Republic of China.\n\nSecond paragraph.\n",
    )
    refused = new(cli, path, ok=False)
    assert "--first-line-title if its first line is the title" in refused.stderr
    new(cli, path, "--first-line-title")
    kinds = segments(workspace)
    assert kinds[0] == ("title", "Official Visit to China")
    assert kinds[1][1].startswith("The President of the Senate will lead")
    assert kinds[2] == ("paragraph", "Second paragraph.")


# ---------------------------------------------------------------- 5. headings and salutations


def test_colon_lines_heading_or_paragraph(cli: Cli, workspace: Path, tmp_path: Path) -> None:
    new(
        cli,
        write(
            tmp_path / "colons.txt",
            "Remarks\n"
            "The statement reads as follows:\n"
            "“We welcome the visit.”\n"
            "Conclusion:\n"
            "It went well.\n",
        ),
    )
    assert segments(workspace)[1:] == [
        ("paragraph", "The statement reads as follows:"),
        ("paragraph", "“We welcome the visit.”"),
        ("heading", "Conclusion"),
        ("paragraph", "It went well."),
    ]


def test_two_line_salutation_keeps_its_colon(cli: Cli, workspace: Path, tmp_path: Path) -> None:
    new(
        cli,
        write(
            tmp_path / "salutation.txt",
            "讲话\n\n尊敬的各位来宾,\n女士们、先生们:\n\n今天我们欢迎贵宾。\n\n结论：\n\n访问成功。\n",
        ),
    )
    assert segments(workspace)[1:] == [
        ("paragraph", "尊敬的各位来宾, 女士们、先生们:"),
        ("paragraph", "今天我们欢迎贵宾。"),
        ("heading", "结论"),
        ("paragraph", "访问成功。"),
    ]


# ---------------------------------------------------------------- 6. empty items


@pytest.mark.parametrize(
    ("name", "content", "line"),
    [
        ("empty.txt", "Title\n\n- one\n-\n- two\n1.\n", 4),
        ("empty.md", "# Title\n\n- one\n-\n- two\n", 4),
    ],
)
def test_empty_items_are_skipped_with_a_warning(
    cli: Cli, workspace: Path, tmp_path: Path, name: str, content: str, line: int
) -> None:
    path = write(tmp_path / name, content)
    result = new(cli, path)
    assert [text for _, text in segments(workspace)] == ["Title", "one", "two"]
    warnings = [x for x in result.stderr.splitlines() if x.startswith("warning:")]
    assert warnings[0].startswith(f"warning: {path}:{line}: empty list item")


# ---------------------------------------------------------------- 7. signature blocks


def test_signature_block_padded_with_nbsp_is_a_table(
    cli: Cli, workspace: Path, tmp_path: Path
) -> None:
    pad = NBSP * 62
    path = write(
        tmp_path / "signed.txt",
        "Joint Statement\n\nThe two ministers signed the agreement.\n\n"
        f"Prak Sokhonn{pad}Wang Yi\n"
        f"Minister of Foreign Affairs{NBSP * 40}Minister of Foreign Affairs\n"
        f"{pad}of the People's Republic of China\n",
    )
    result = new(cli, path)
    assert stored(workspace).endswith(
        "| | |\n|---|---|\n| Prak Sokhonn | Wang Yi |\n"
        "| Minister of Foreign Affairs | Minister of Foreign Affairs |\n"
        "| | of the People's Republic of China |\n"
    )
    cells = [text for kind, text in segments(workspace) if kind == "cell"]
    assert cells == [
        "Prak Sokhonn",
        "Wang Yi",
        "Minister of Foreign Affairs",
        "Minister of Foreign Affairs",
        "of the People's Republic of China",
    ]
    assert not any(NBSP in text for _, text in segments(workspace))
    assert "1 table (5 cells)" in result.stdout


# ---------------------------------------------------------------- the import's report


def test_every_word_of_the_word_file_reaches_the_release(
    cli: Cli, workspace: Path, tmp_path: Path
) -> None:
    """Nothing silently lost: each word Word shows (deleted text and hidden text aside)
    is in the release's text."""
    import docx

    path = full_docx(tmp_path / "full.docx", png(tmp_path / "photo.png"))
    new(cli, path, "--accept-changes")
    body = docx.Document(str(path)).element.body
    shown = " ".join(
        t.text or ""
        for t in body.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t")
    )
    shown = shown.replace("hidden from print", "")
    release = " ".join(plain_text(text) for _, text in segments(workspace))
    missing = [w for w in re.findall(r"\w+", shown) if w not in release]
    assert missing == []


def test_a_plain_import_says_nothing_was_left_out(cli: Cli, workspace: Path) -> None:
    from tests.support.workspace import SAMPLE_TXT

    source = SAMPLE_TXT
    result = cli("new", str(source), "--title", "Visit", "--slug", "r")
    assert result.stdout.splitlines()[-1] == (
        "imported the title, 1 heading, 7 paragraphs and 3 list items (12 segments); "
        "nothing left out"
    )
    assert result.stderr == ""


def test_picture_outside_the_source_folder_is_refused(
    cli: Cli, workspace: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "sources"
    folder.mkdir()
    png(tmp_path / "elsewhere.png")
    path = write(folder / "p.md", "# Title\n\n![x](../elsewhere.png)\n")
    result = new(cli, path, ok=False)
    assert result.stderr.startswith(f"error: {path}:3: the picture ../elsewhere.png is outside")
    shutil.rmtree(folder)


# ---------------------------------------------------------------- what the author wrote is kept

AUTHORED = [
    "# T\n\n- a\n  - b\n    1. c\n    2. d\n- e\n\n> quote *em*\n> - in list\n>\n> para\n",
    "# T\n\n1. item one\n\n   second para of item\n\n2) other delim\n3) three\n",
    "# T\n\nA [link (x)](https://x.org/a_(b)) and <https://auto.org> and &amp; `co*de` \\*lit\\*\n",
    "# T\n\n```\ncode block\n```\n\n    indented code\n\n***\n\nAfter rule.\n",
    "# T\n\n- # heading in item\n- > quote in item\n",
    "# T\n\n10. ten\n11. eleven\n\n* star\n+ plus\n",
    "# T\n\nLine one  \nhard break\\\nand more\n",
    "# T\n\n| a | b |\n|---|---|\n| `x|y` | [l](https://x.org) |\n",
]


@pytest.mark.parametrize("markdown", AUTHORED)
def test_authored_markdown_keeps_its_segments(markdown: str) -> None:
    """The body is written again from its parse: the same segments, kinds and numbers."""
    from publisher.sources.common import TitleChoice
    from publisher.sources.markdown import import_markdown

    imported = import_markdown(markdown, title=TitleChoice())
    again = f"# {imported.title}\n\n{imported.markdown}"

    def leaves(text: str) -> list[tuple[str, str, int | None]]:
        return [(b.kind, b.text or "", b.number) for b in parse_markdown(text).leaves()]

    assert leaves(again) == leaves(markdown)
    assert imported.notices == []


def test_the_sample_imports_as_the_shipped_release(cli: Cli, workspace: Path) -> None:
    from tests.support.workspace import REPO, SAMPLE_SLUG, SAMPLE_TITLE, SAMPLE_TXT

    cli("new", str(SAMPLE_TXT), "--title", SAMPLE_TITLE, "--date", "2024-11-30",
        "--place", "Phnom Penh")  # fmt: skip
    shipped = (REPO / "releases" / SAMPLE_SLUG / "source.md").read_text(encoding="utf-8")
    assert stored(workspace, SAMPLE_SLUG) == shipped
