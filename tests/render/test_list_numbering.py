"""List markers follow each language's conventions in every output: Khmer digits in
Khmer by default, Arabic digits in Chinese by default, GB/T 9704's 一、（一）1.（1）
when the workspace asks for it ([conventions] list_numbering). Read as a user reads
them: the PDF's text layer (pdftotext), the page in Chromium, the wire copy.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import polib
import pytest

from publisher.core.list_markers import chinese_numeral, item_prefix, marker
from tests.support.mail import parse
from tests.support.pdf import pdf_text
from tests.support.releases import REVIEWER
from tests.support.workspace import Cli

SOURCE = """# Programme of the Visit

1. The delegation will arrive in Beijing.
2. The two sides will hold talks.
   1. On trade.
   2. On culture.
3. The delegation will return home.
"""

TEXTS = {
    "km": {
        "Programme of the Visit": "កម្មវិធីនៃទស្សនកិច្ច",
        "The delegation will arrive in Beijing.": "គណៈប្រតិភូនឹងមកដល់ទីក្រុងប៉េកាំង។",
        "The two sides will hold talks.": "ភាគីទាំងពីរនឹងធ្វើកិច្ចពិភាក្សា។",
        "On trade.": "អំពីពាណិជ្ជកម្ម។",
        "On culture.": "អំពីវប្បធម៌។",
        "The delegation will return home.": "គណៈប្រតិភូនឹងវិលត្រឡប់មកប្រទេសវិញ។",
    },
    "zh-Hans": {
        "Programme of the Visit": "访问日程",
        "The delegation will arrive in Beijing.": "代表团将抵达北京。",
        "The two sides will hold talks.": "双方将举行会谈。",
        "On trade.": "关于贸易。",
        "On culture.": "关于文化。",
        "The delegation will return home.": "代表团将返回国内。",
    },
}


def numbered_release(cli: Cli, workspace: Path, tmp_path: Path) -> str:
    """The programme above, translated and approved in Khmer and Chinese."""
    source = tmp_path / "programme.md"
    source.write_text(SOURCE, encoding="utf-8")
    cli("new", str(source), "--slug", "programme", "--date", "2024-11-30")
    for lang, texts in TEXTS.items():
        po_path = workspace / "releases" / "programme" / "translations" / f"{lang}.po"
        po = polib.pofile(str(po_path))
        for entry in po:
            entry.msgstr = texts[entry.msgid]
        po.save()
        cli("approve", "programme", "--lang", lang, "--all", "--by", REVIEWER)
    return "programme"


def set_chinese_numbering(workspace: Path, style: str) -> None:
    config = workspace / "publisher.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace(
            "[conventions]\n", f'[conventions]\nlist_numbering = {{ zh-Hans = "{style}" }}\n'
        ),
        encoding="utf-8",
    )


def test_markers_of_each_style() -> None:
    assert [marker(n, 0, "khmer") for n in (1, 2, 10)] == ["១.", "២.", "១០."]
    assert [marker(n, 0, "latin") for n in (1, 12)] == ["1.", "12."]
    assert [marker(3, depth, "gbt9704") for depth in range(4)] == ["三、", "（三）", "3.", "（3）"]
    assert [item_prefix(1, depth, "gbt9704") for depth in range(4)] == [
        "一、",
        "（一）",
        "1. ",
        "（1）",
    ]
    assert item_prefix(2, 0, "khmer") == "២. "
    assert [chinese_numeral(n) for n in (1, 10, 11, 20, 21, 99)] == [
        "一",
        "十",
        "十一",
        "二十",
        "二十一",
        "九十九",
    ]


@pytest.mark.slow
def test_khmer_pdf_and_wire_copy_number_in_khmer_digits_chinese_in_arabic(
    cli: Cli, workspace: Path, tmp_path: Path
) -> None:
    slug = numbered_release(cli, workspace, tmp_path)
    out = tmp_path / "dist"
    cli("build", slug, "--out", str(out))
    km = pdf_text(out / slug / "km.pdf")
    for mark in ("១.", "២.", "៣."):
        assert mark in km, km
    assert not any(f"{n}." in km for n in (1, 2, 3))
    zh = pdf_text(out / slug / "zh-Hans.pdf")
    assert "1." in zh and "3." in zh and "一、" not in zh
    bundle = tmp_path / "programme.zip"
    cli("bundle", slug, "--out", str(bundle))
    with zipfile.ZipFile(bundle) as archive:
        wire = {
            name: archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.endswith(".txt")
        }
    km_wire = next(text for name, text in wire.items() if "km" in name)
    assert "១. គណៈប្រតិភូនឹងមកដល់ទីក្រុងប៉េកាំង។" in km_wire


@pytest.mark.slow
def test_chinese_official_hierarchy_when_the_workspace_asks(
    cli: Cli, workspace: Path, tmp_path: Path
) -> None:
    slug = numbered_release(cli, workspace, tmp_path)
    set_chinese_numbering(workspace, "gbt9704")
    out = tmp_path / "dist"
    cli("build", slug, "--lang", "zh-Hans", "--out", str(out))
    zh = pdf_text(out / slug / "zh-Hans.pdf")
    for mark in ("一、", "二、", "三、", "（一）", "（二）"):
        assert mark in zh, zh
    # The e-mail's text part numbers as the PDF does (one style in every output).
    (workspace / "lists" / "press.csv").write_text(
        "email,name,outlet,languages,tags\nli.wei@example.com,Li Wei,Xinhua,zh-Hans,\n",
        encoding="utf-8",
    )
    with (workspace / "publisher.toml").open("a", encoding="utf-8") as config:
        config.write('\n[smtp]\nfrom = "press@example.org"\n')
    eml = tmp_path / "eml"
    cli("send", slug, "--list", "press", "--dry-run", "--out", str(eml), "--yes")
    (message,) = [parse(p.read_bytes()) for p in eml.glob("*.eml")]
    text = message.get_body(preferencelist=("plain",))
    assert text is not None
    lines = text.get_content().splitlines()
    for line in ("一、代表团将抵达北京。", "二、双方将举行会谈。", "三、代表团将返回国内。"):
        assert line in lines, lines
    assert any(line.strip() == "（一）关于贸易。" for line in lines), lines
    # And the wire copy (the bundle's text file).
    bundle = tmp_path / "programme.zip"
    cli("bundle", slug, "--out", str(bundle))
    with zipfile.ZipFile(bundle) as archive:
        (wire,) = [
            archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith("zh-Hans.txt")
        ]
    assert "一、代表团将抵达北京。" in wire.splitlines(), wire


def test_an_unknown_style_is_refused_with_the_known_ones(cli: Cli, workspace: Path) -> None:
    set_chinese_numbering(workspace, "roman")
    result = cli("status", ok=False)
    assert result.exit_code == 2
    assert "list_numbering zh-Hans = 'roman': use one of latin, khmer, gbt9704" in result.stderr
