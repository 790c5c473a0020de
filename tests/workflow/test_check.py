"""`publisher check` finds planted translation faults and stays silent on good ones.

The faults are written into a scratch release's PO files the way a
translator's tool would write them, and found through the real command, so
this also proves segment ids, languages and exit codes reach the user intact.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import polib
import pytest

from publisher.core.release import find_release
from publisher.workflow.checking import check_release
from tests.support.workspace import SAMPLE_SLUG, Cli

SOURCE = """Minister Visits Beijing

The delegation will travel to the People’s Republic of China from December 2-4, 2024.

The Comprehensive Strategic Partnership with China was signed in 2016.

Read the statement at https://www.mfaic.gov.kh/news/2024/visit-china.

On 30 November 2024, the Ministry of Foreign Affairs announced the visit.

Do not forget.

The visit marks the first time a Cambodian President has travelled to China.
"""

GOOD = {
    "km": {
        "title": "រដ្ឋមន្ត្រីអញ្ជើញទៅទីក្រុងប៉េកាំង",
        "s1": "គណៈប្រតិភូនឹងធ្វើដំណើរទៅសាធារណរដ្ឋប្រជាមានិតចិន ពីថ្ងៃទី២ ដល់ថ្ងៃទី៤ ខែធ្នូ ឆ្នាំ២០២៤។",
        "s2": "ភាពជាដៃគូយុទ្ធសាស្ត្រគ្រប់ជ្រុងជ្រោយជាមួយប្រទេសចិន ត្រូវបានចុះហត្ថលេខានៅឆ្នាំ២០១៦។",
        "s3": "សូមអានសេចក្តីថ្លែងការណ៍នៅ https://www.mfaic.gov.kh/news/2024/visit-china។",
        "s4": "នៅថ្ងៃទី៣០ ខែវិច្ឆិកា ឆ្នាំ២០២៤ ក្រសួងការបរទេស បានប្រកាសពីទស្សនកិច្ចនេះ។",
        "s5": "សូមកុំភ្លេច។",
        "s6": "ទស្សនកិច្ចនេះ ជាលើកទីមួយហើយ ដែលប្រធានព្រឹទ្ធសភាកម្ពុជាអញ្ជើញទៅប្រទេសចិន។",
    },
    "zh-Hans": {
        "title": "部长访问北京",
        "s1": "代表团将于2024年12月2日至4日前往中华人民共和国。",
        "s2": "柬中全面战略合作伙伴关系于2016年签署。",
        "s3": "声明全文见https://www.mfaic.gov.kh/news/2024/visit-china。",
        "s4": "2024年11月30日，外交部宣布了此次访问。",
        "s5": "请不要忘记。",
        "s6": "此访是柬埔寨参议院主席首次访问中国。",
    },
}

# (lang, segment) -> the faulty translation and the finding codes it must produce.
PLANTED = {
    ("km", "s2"): (GOOD["km"]["s2"].replace("២០១៦", "២០១៥"), {"number-missing"}),  # wrong year
    ("zh-Hans", "s1"): ("代表团将前往中华人民共和国。", {"date-missing"}),  # date left out
    ("zh-Hans", "s3"): (
        "声明全文见https://www.mfaic.gov.kh/news/2024/visit-chna。",
        {"url-changed"},
    ),
    ("zh-Hans", "s4"): ("2024年11月30日,外交部宣布了此次访问.", {"zh-ascii-punctuation"}),
    ("km", "s5"): ("សូម" + "ក\u17c6\u17bb" + "ភ្លេច។", {"km-sign-order"}),  # nikahit before U
    ("km", "s6"): (
        "The visit marks the first time a Cambodian President has travelled to China.",
        {"not-translated"},
    ),
}


def write_translations(workspace: Path, slug: str, texts: dict[tuple[str, str], str]) -> None:
    """Write msgstrs as a PO editor would (plain translated entries, no review record)."""
    for lang in ("km", "zh-Hans"):
        path = workspace / "releases" / slug / "translations" / f"{lang}.po"
        po = polib.pofile(str(path))
        for entry in po:
            if (lang, entry.msgctxt) in texts:
                entry.msgstr = texts[(lang, entry.msgctxt)]
        po.save()


def check_json(cli: Cli, *args: str, exit_code: int) -> dict[str, Any]:
    result = cli("check", *args, "--json", ok=False)
    assert result.exit_code == exit_code, result.stdout + result.stderr
    # exactly one JSON object, nothing else on stdout
    report: dict[str, Any] = json.loads(result.stdout)
    return report


@pytest.fixture
def scratch(cli: Cli, workspace: Path, tmp_path: Path) -> str:
    src = tmp_path / "visit.txt"
    src.write_text(SOURCE, encoding="utf-8")
    cli("new", str(src), "--date", "2024-11-30", "--slug", "scratch")
    write_translations(
        workspace,
        "scratch",
        {(lang, seg): text for lang, texts in GOOD.items() for seg, text in texts.items()},
    )
    return "scratch"


def test_good_translations_give_no_findings(cli: Cli, scratch: str) -> None:
    data = check_json(cli, scratch, exit_code=0)
    assert data == {"findings": [], "errors": 0, "warnings": 0}


def test_every_planted_fault_is_found_with_its_segment(
    cli: Cli, workspace: Path, scratch: str
) -> None:
    write_translations(workspace, scratch, {key: text for key, (text, _) in PLANTED.items()})
    data = check_json(cli, scratch, exit_code=1)
    found: dict[tuple[str, str], set[str]] = {}
    for f in data["findings"]:
        assert f["release"] == scratch
        assert set(f) == {"release", "lang", "segment", "severity", "code", "message", "suggestion"}
        found.setdefault((f["lang"], f["segment"]), set()).add(f["code"])
    assert set(found) == set(PLANTED), "findings outside the planted segments"
    for key, (_, codes) in PLANTED.items():
        assert codes <= found[key], (key, found[key])
    assert data["errors"] == sum(f["severity"] == "error" for f in data["findings"]) >= 6
    assert data["warnings"] == len(data["findings"]) - data["errors"]
    fixes = {(f["segment"], f["code"]): f["suggestion"] for f in data["findings"]}
    assert fixes[("s4", "zh-ascii-punctuation")] == "2024年11月30日，外交部宣布了此次访问。"
    assert fixes[("s5", "km-sign-order")] == "សូមកុំភ្លេច។"


def test_lang_option_limits_the_check(cli: Cli, workspace: Path, scratch: str) -> None:
    write_translations(workspace, scratch, {key: text for key, (text, _) in PLANTED.items()})
    data = check_json(cli, scratch, "--lang", "zh", exit_code=1)
    assert {f["lang"] for f in data["findings"]} == {"zh-Hans"}
    assert {f["segment"] for f in data["findings"]} == {"s1", "s3", "s4"}


def test_untranslated_and_stale_segments_are_errors(
    cli: Cli, workspace: Path, scratch: str
) -> None:
    source = workspace / "releases" / scratch / "source.md"
    source.write_text(
        source.read_text().replace("Do not forget.", "Do not forget the date.")
        + "\nA new closing paragraph.\n"
    )
    cli("sync", scratch)
    data = check_json(cli, scratch, exit_code=1)
    codes = {(f["lang"], f["segment"], f["code"]) for f in data["findings"]}
    for lang in ("km", "zh-Hans"):
        assert (lang, "s5", "stale") in codes
        assert (lang, "s7", "untranslated") in codes


def test_table_output_names_segment_code_and_suggestion(
    cli: Cli, workspace: Path, scratch: str
) -> None:
    write_translations(workspace, scratch, {key: text for key, (text, _) in PLANTED.items()})
    result = cli("check", scratch, ok=False, env={"COLUMNS": "250"})
    assert result.exit_code == 1
    assert "scratch zh-Hans" in result.stdout and "scratch km" in result.stdout
    assert "url-changed" in result.stdout and "visit-china" in result.stdout
    assert "2024年11月30日，外交部宣布了此次访问。" in result.stdout
    assert re.search(r"^\d+ errors, \d+ warnings?$", result.stdout, re.MULTILINE)


def test_unknown_language_is_a_one_line_error(cli: Cli, scratch: str) -> None:
    result = cli("check", scratch, "--lang", "en", ok=False)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "not translated into en" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_shipped_sample_is_clean(repo_workspace: Path) -> None:
    cli = Cli(repo_workspace)
    data = check_json(cli, exit_code=0)
    assert data == {"findings": [], "errors": 0, "warnings": 0}
    result = cli("check")
    assert "0 errors, 0 warnings" in result.stdout
    release = find_release(repo_workspace / "releases", SAMPLE_SLUG)
    assert check_release(release) == []
    assert check_release(release, ["zh-CN"]) == []


def test_suggestions_are_printed_literally_as_json_gives_them(
    cli: Cli, workspace: Path, tmp_path: Path
) -> None:
    """A suggestion holding `[www.mfaic.gov.kh]` is not eaten as rich markup, and sits on
    a line of its own, unfolded, so that it can be copied."""
    src = tmp_path / "link.md"
    src.write_text(
        "# Statement\n\nRead it at [www.mfaic.gov.kh](https://www.mfaic.gov.kh/news/2024/a).\n",
        encoding="utf-8",
    )
    cli("new", str(src), "--date", "2024-11-30", "--slug", "link")
    write_translations(
        workspace,
        "link",
        {
            ("zh-Hans", "title"): "声明",
            ("zh-Hans", "s1"): "全文见[www.mfaic.gov.kh](https://www.mfaic.gov.kh/news/2024/b)。",
        },
    )
    data = check_json(cli, "link", "--lang", "zh-Hans", exit_code=1)
    suggestion = next(f["suggestion"] for f in data["findings"] if f["code"] == "url-changed")
    assert "[www.mfaic.gov.kh]" in suggestion
    out = cli("check", "link", "--lang", "zh-Hans", ok=False, env={"COLUMNS": "60"}).stdout
    assert f"  s1 suggestion: {suggestion}" in out.splitlines()


def test_the_cli_prints_the_same_english_sentences(cli: Cli, workspace: Path, scratch: str) -> None:
    """Findings are messages to translate now; the CLI (English only) reads them as the
    sentences it printed before, word for word."""
    write_translations(workspace, scratch, {key: text for key, (text, _) in PLANTED.items()})
    data = check_json(cli, scratch, exit_code=1)
    said = {(f["lang"], f["segment"], f["code"]): f["message"] for f in data["findings"]}
    assert said[("km", "s2", "number-missing")] == (
        'The translation is missing the number 2016 (source: "2016"); it has 2015 ("២០១៥") instead.'
    )
    assert said[("zh-Hans", "s1", "date-missing")] == (
        'The translation is missing the date 4 December 2024 (source: "December 2-4, 2024").'
    )
    assert said[("zh-Hans", "s3", "url-changed")] == (
        'The link "https://www.mfaic.gov.kh/news/2024/visit-china" was changed to '
        '"https://www.mfaic.gov.kh/news/2024/visit-chna"; copy it exactly.'
    )
    assert said[("zh-Hans", "s4", "zh-ascii-punctuation")] == (
        "Chinese text needs full-width punctuation instead of ASCII: “, after 日”; “. after 问”."
    )
    assert said[("km", "s5", "km-sign-order")] == (
        'In "សូមកំុភ្លេច។" the vowel and signs are typed in the wrong order (base, subscript, '
        'shifter, vowel, sign); it should be "សូមកុំភ្លេច។".'
    )
    assert said[("km", "s6", "not-translated")] == (
        'The translation is not in Khmer: "The visit marks the first time a Cambodian '
        'President has tr…".'
    )
    table = cli("check", scratch, ok=False, env={"COLUMNS": "250"}).stdout
    assert "The translation is missing the number 2016" in table
