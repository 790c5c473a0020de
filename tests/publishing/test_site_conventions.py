"""Khmer and Chinese lines as their readers expect them, in Chromium at a phone's width:
personal names never broken inside a word, no space inside brackets, the language
links on one line of one height.

Measured in the page, as a reader sees it: the lines a name's text occupies (one
Range, its client rectangles), the width of a bracket, the boxes of the links.
"""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from playwright.sync_api import Browser

from tests.support.releases import REVIEWER
from tests.support.workspace import Cli

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]

SOURCE = """# Programme of the Visit of Samdech Techo Hun Sen to Beijing

Deputy Prime Minister Prak Sokhonn met Mr Sok Dara, Ms Chea Malis and the delegation of \
H.E. Prak Sokhonn to discuss cooperation between the two ministries, trade and investment.
"""
TEXTS = {
    "km": [
        "កិច្ចប្រជុំរបស់ឧបនាយករដ្ឋមន្ត្រី ប្រាក់ សុខុន ជាមួយលោក សុខ ដារា ស្តីពីកិច្ចសហប្រតិបត្តិការ",
        "ឧបនាយករដ្ឋមន្ត្រី ប្រាក់ សុខុន បានជួបជាមួយលោក សុខ ដារា លោកស្រី ជា ម៉ាលីស "
        "និងគណៈប្រតិភូរបស់ឯកឧត្តម ប្រាក់ សុខុន ដើម្បីពិភាក្សាអំពីកិច្ចសហប្រតិបត្តិការ"
        "រវាងក្រសួងទាំងពីរ ពាណិជ្ជកម្ម និងការវិនិយោគ។",
    ],
    "zh-Hans": [
        "洪森亲王北京访问日程",
        "副首相布拉索昆会见了索达拉先生、谢玛莉斯女士和布拉索昆阁下的代表团，"
        "讨论两部之间的合作、贸易和投资。",
    ],
}
NAMES = ("សុខុន", "ដារា", "ម៉ាលីស")

#: The lines (distinct tops of its client rectangles) each occurrence of `name` takes.
LINES_OF = """([name]) => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let text = "", nodes = [];
  for (let node; (node = walker.nextNode()); ) {
    nodes.push([node, text.length]); text += node.data;
  }
  const at = (offset) => { let found = nodes[0];
    for (const pair of nodes) { if (pair[1] <= offset) found = pair; } return found; };
  for (let i = text.indexOf(name); i >= 0; i = text.indexOf(name, i + 1)) {
    const [startNode, startBase] = at(i), [endNode, endBase] = at(i + name.length - 1);
    const range = document.createRange();
    range.setStart(startNode, i - startBase);
    range.setEnd(endNode, i + name.length - endBase);
    out.push(new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size);
  }
  return out;
}"""

#: The width of the first "(" in the first edition's size line of a home page.
BRACKET_WIDTH = """() => {
  const meta = document.querySelector(".editions .meta").firstChild;
  const range = document.createRange(); range.setStart(meta, 0); range.setEnd(meta, 1);
  return range.getBoundingClientRect().width;
}"""

#: The top and bottom of each language link's text.
LINK_BOXES = """() => [...document.querySelectorAll(".languages li")].map((li) => {
  const range = document.createRange(); range.selectNodeContents(li);
  const box = range.getBoundingClientRect(); return [box.top, box.bottom];
})"""


def build_site(cli: Cli, workspace: Path, tmp_path: Path) -> Path:
    source = tmp_path / "meeting.md"
    source.write_text(SOURCE, encoding="utf-8")
    cli("new", str(source), "--slug", "meeting", "--date", "2024-12-05")
    for lang, texts in TEXTS.items():
        path = workspace / "releases" / "meeting" / "translations" / f"{lang}.po"
        po = polib.pofile(str(path))
        for entry, text in zip(po, texts, strict=True):
            entry.msgstr = text
        po.save()
        cli("approve", "meeting", "--lang", lang, "--all", "--by", REVIEWER)
    site = tmp_path / "site"
    cli("site", "--out", str(site))
    return site


def test_khmer_names_brackets_and_language_links_at_phone_width(
    cli: Cli, workspace: Path, tmp_path: Path, browser: Browser
) -> None:
    site = build_site(cli, workspace, tmp_path)
    page = browser.new_page(viewport={"width": 390, "height": 800})
    release = (site / "releases" / "meeting" / "km.html").as_uri()
    split = []
    for width in range(300, 424, 4):  # wherever the lines fall, no name is cut
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(release)
        for name in NAMES:
            lines = page.evaluate(LINES_OF, [name])
            assert lines, name
            if any(count > 1 for count in lines):
                split.append((width, name))
    assert split == []

    home = (site / "km" / "index.html").as_uri()  # the listing's title: its words whole too
    for width in range(300, 424, 4):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(home)
        for name in ("សម្តេច", "ប៉េកាំង"):
            if any(count > 1 for count in page.evaluate(LINES_OF, [name])):
                split.append((width, f"home {name}"))
    assert split == []

    page.set_viewport_size({"width": 390, "height": 800})
    page.goto((site / "en" / "index.html").as_uri())
    latin = page.evaluate(BRACKET_WIDTH)
    for lang in ("km", "zh-Hans"):
        page.goto((site / lang / "index.html").as_uri())
        assert page.evaluate(BRACKET_WIDTH) <= latin * 1.25, lang  # no space inside "("
        boxes = page.evaluate(LINK_BOXES)
        assert len(boxes) == 3
        bottoms = [bottom for _, bottom in boxes]
        assert max(bottoms) - min(bottoms) <= 3, (lang, boxes)  # one baseline
    page.close()
