"""A new user's first day: the tool says what it does, and leads where they stumble.

Status applies the publishing rule, a broken release does not stop the others,
approvals say whose name they record, the glossary keeps its comments, import
conflicts say where the suggestion is and how to take it, a PO file with a BOM
is read, summaries are plain sentences, Chinese wire copy keeps numbers whole.
"""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from publisher.core.catalog import Catalog
from publisher.core.glossary import Glossary
from publisher.core.release import Release
from publisher.core.wording import counted, listing
from publisher.core.workspace import Workspace
from publisher.publishing.builders.wire import wrap
from tests.support.workspace import SAMPLE_LABEL, SAMPLE_NUMBER, SAMPLE_SLUG, Cli

RELEASE = f"releases/{SAMPLE_SLUG}"


def break_a_date(repo_workspace: Path) -> None:
    """An approved Chinese translation whose date no longer matches: a QA error."""
    po = repo_workspace / RELEASE / "translations" / "zh-Hans.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace("2024年12月2日至4日", "2024年12月3日至4日", 1), encoding="utf-8")
    Cli(repo_workspace)("approve", SAMPLE_SLUG, "--lang", "zh-Hans", "--all", "--by", "Li Wei")


# ---------------------------------------------------------------- 13. status = the rule


def test_status_applies_the_publishing_rule_and_says_why_not(repo_workspace: Path) -> None:
    cli = Cli(repo_workspace)
    break_a_date(repo_workspace)
    result = cli("status")
    lines = result.stdout.splitlines()
    publishable = next(line for line in lines if line.strip().startswith("publishable"))
    assert publishable.split() == ["publishable", "yes", "no", "(1", "QA", "error)"]
    assert (
        f"  why not: {SAMPLE_LABEL}: zh-Hans not published: 1 QA error: s1 date-missing "
        f"(see `publisher check {SAMPLE_NUMBER}`)"
    ) in lines
    data = json.loads(cli("status", "--json").stdout)["releases"][0]["languages"]
    assert data["km"]["publishable"] is True and data["km"]["why_not"] == []
    assert data["zh-Hans"]["publishable"] is False
    assert data["zh-Hans"]["qa_errors"] == ["s1"]
    build = cli("build", "--format", "html", ok=False)
    assert build.exit_code == 1 and "zh-Hans not published: 1 QA error" in build.stderr


def test_status_names_both_reasons_of_a_language(repo_workspace: Path) -> None:
    cli = Cli(repo_workspace)
    break_a_date(repo_workspace)
    po = repo_workspace / RELEASE / "translations" / "zh-Hans.po"
    po.write_text(po.read_text(encoding="utf-8").replace('"结语"', '"结束语"'), encoding="utf-8")
    data = json.loads(cli("status", "--json").stdout)["releases"][0]["languages"]["zh-Hans"]
    assert data["why_not"] == [
        f"{SAMPLE_LABEL}: zh-Hans not published: 1 segment not approved: s10",
        f"{SAMPLE_LABEL}: zh-Hans not published: 1 QA error: s1 date-missing "
        f"(see `publisher check {SAMPLE_NUMBER}`)",
    ]


def test_status_verdicts_are_cached_until_a_file_changes(
    repo_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from publisher.publishing import readiness

    judged: list[str] = []
    original = readiness._judge

    def counting(ws: Workspace, release: Release) -> dict[str, Any]:
        judged.append(release.slug)
        return original(ws, release)

    monkeypatch.setattr(readiness, "_judge", counting)
    cli = Cli(repo_workspace)
    cli("status")
    cli("status")
    # The second status read the verdicts from the cache (the boilerplate is judged too).
    assert judged == [SAMPLE_SLUG, "boilerplate"]
    break_a_date(repo_workspace)
    data = json.loads(cli("status", "--json").stdout)["releases"][0]["languages"]
    assert judged == [SAMPLE_SLUG, "boilerplate", SAMPLE_SLUG]
    assert data["zh-Hans"]["publishable"] is False


# ---------------------------------------------------------------- 15. who approves


def test_approve_says_whose_name_git_gave(
    cli: Cli, sample: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text("[user]\n\tname = Seed f1c5a834 maintainers\n")
    monkeypatch.delenv("PUBLISHER_REVIEWER")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    cli("translate", sample, "--lang", "km", "--engine", "memory", ok=False)
    result = cli("approve", sample, "--lang", "km", "--all")
    assert result.stderr.splitlines()[0] == (
        "recorded as Seed f1c5a834 maintainers (from git config user.name; "
        "--by NAME records another name)"
    )
    given = cli("approve", sample, "--lang", "km", "--all", "--by", "Sok Dara")
    assert "recorded as" not in given.stderr


def test_an_empty_by_is_refused(cli: Cli, sample: str) -> None:
    result = cli("approve", sample, "--lang", "km", "--all", "--by", "", ok=False)
    assert result.exit_code == 2
    assert result.stderr == (
        "error: --by is empty: give the name to record, e.g. --by 'Sok Dara'\n"
    )


# ---------------------------------------------------------------- 16. one broken release


def test_a_broken_release_toml_does_not_stop_the_others(repo_workspace: Path) -> None:
    cli = Cli(repo_workspace)
    broken = repo_workspace / "releases" / "2024-12-01-broken"
    shutil.copytree(repo_workspace / RELEASE, broken)
    (broken / "release.toml").write_text('date = 2024-12-01\nplace = "unterminated\n')
    expected = f"error: {broken / 'release.toml'}:2: invalid TOML: "
    status = cli("status", ok=False)
    assert status.exit_code == 2 and SAMPLE_SLUG in status.stdout
    assert status.stderr.startswith(expected) and len(status.stderr.splitlines()) == 1
    build = cli("build", "--format", "html", ok=False)
    assert build.exit_code == 1 and (repo_workspace / "dist" / SAMPLE_SLUG / "km.html").exists()
    assert build.stderr.startswith(expected)
    site = cli("site", "--out", str(repo_workspace / "site"), ok=False)
    assert site.exit_code == 1 and (repo_workspace / "site" / "index.html").exists()
    assert site.stderr.startswith(
        expected.replace("error: ", f"error: {broken.name} is not on the site: ")
    )
    assert "The site has 1 release." in site.stdout


# ---------------------------------------------------------------- 17. glossary comments


def test_glossary_add_keeps_the_offices_comments(cli: Cli, workspace: Path) -> None:
    path = workspace / "glossary.toml"
    original = (
        "# Protocol terms agreed with the Council of Ministers, 2024.\n\n"
        "[[term]]\n"
        'en = "Senate"  # not "upper house"\n'
        'km = "ព្រឹទ្ធសភា"\n'
        "\n# Titles come next.\n"
    )
    path.write_text(original, encoding="utf-8")
    cli("glossary", "add", "President of the Senate", "--km", "ប្រធានព្រឹទ្ធសភា", "--zh", "参议院主席")
    text = path.read_text(encoding="utf-8")
    assert text.startswith(original)
    assert text[len(original) :] == (
        '\n[[term]]\nen = "President of the Senate"\nkm = "ប្រធានព្រឹទ្ធសភា"\nzh-Hans = "参议院主席"\n'
    )
    assert [t.names["en"] for t in Glossary.load(workspace).terms] == [
        "Senate",
        "President of the Senate",
    ]


# ---------------------------------------------------------------- 18. suggestions


def conflict(cli: Cli, repo_workspace: Path, tmp_path: Path) -> Path:
    """A translator's XLIFF meets a newer catalog edit of s10: a conflict."""
    export = tmp_path / "zh.xlf"
    cli("export", SAMPLE_SLUG, "--lang", "zh-Hans", "--out", str(export))
    po = repo_workspace / RELEASE / "translations" / "zh-Hans.po"
    po.write_text(po.read_text(encoding="utf-8").replace('"结语"', '"总结"'), encoding="utf-8")
    export.write_text(
        export.read_text(encoding="utf-8").replace(">结语<", ">结束语<"), encoding="utf-8"
    )
    return export


def test_a_conflict_says_where_the_suggestion_is_and_how_to_take_it(
    repo_workspace: Path, tmp_path: Path
) -> None:
    cli = Cli(repo_workspace)
    result = cli("import", str(conflict(cli, repo_workspace, tmp_path)), "--by", "Li Wei")
    assert result.stdout == (
        f"{SAMPLE_LABEL} zh-Hans: 0 updated, 12 unchanged, 1 conflict (s10): the catalog kept "
        "its newer text and the file's text is a suggestion in "
        f"releases/{SAMPLE_SLUG}/translations/zh-Hans.po; see them with `publisher "
        f"suggestions list {SAMPLE_NUMBER} --lang zh-Hans`, take one with `publisher suggestions "
        f"accept {SAMPLE_NUMBER} --lang zh-Hans --segment s10` or drop it with `publisher "
        "suggestions drop ...`\n"
    )
    listed = cli("suggestions", "list", SAMPLE_SLUG, "--lang", "zh-Hans")
    assert listed.stdout.splitlines()[:4] == [
        f"{SAMPLE_SLUG} zh-Hans: 1 suggestion in releases/{SAMPLE_SLUG}/translations/zh-Hans.po",
        "s10 (translated): 总结",
        "  1. 结束语",
        "     from a translator's file that met a newer edit",
    ]
    taken = cli("suggestions", "accept", SAMPLE_SLUG, "--lang", "zh-Hans", "--segment", "s10",
                "--by", "Li Wei")  # fmt: skip
    assert taken.stdout == f"{SAMPLE_LABEL} zh-Hans s10: translated: 结束语\n"
    po = repo_workspace / RELEASE / "translations" / "zh-Hans.po"
    assert "suggestion:" not in po.read_text(encoding="utf-8")
    entry = Catalog.load(po).get("s10")
    assert entry.target == "结束语" and entry.suggestions == []
    assert cli("suggestions", "list", SAMPLE_SLUG, "--lang", "zh-Hans").stdout == (
        f"{SAMPLE_SLUG} zh-Hans: no suggestions in releases/{SAMPLE_SLUG}/translations/zh-Hans.po\n"
    )


def test_a_suggestion_can_be_dropped(repo_workspace: Path, tmp_path: Path) -> None:
    cli = Cli(repo_workspace)
    cli("import", str(conflict(cli, repo_workspace, tmp_path)), "--by", "Li Wei")
    dropped = cli("suggestions", "drop", SAMPLE_SLUG, "--lang", "zh-Hans", "--segment", "s10",
                  "--by", "Li Wei")  # fmt: skip
    assert dropped.stdout == f"{SAMPLE_LABEL} zh-Hans s10: dropped 1 suggestion\n"
    entry = Catalog.load(repo_workspace / RELEASE / "translations" / "zh-Hans.po").get("s10")
    assert entry.target == "总结" and entry.suggestions == []
    again = cli("suggestions", "drop", SAMPLE_SLUG, "--lang", "zh-Hans", "--segment", "s10",
                "--by", "Li Wei", ok=False)  # fmt: skip
    assert again.stderr == "error: s10 has no suggestions in the zh-Hans catalog\n"


# ---------------------------------------------------------------- 19. BOM


def test_a_po_file_with_a_bom_is_imported_with_a_note(repo_workspace: Path, tmp_path: Path) -> None:
    cli = Cli(repo_workspace)
    path = tmp_path / "km.po"
    cli("export", SAMPLE_SLUG, "--lang", "km", "--format", "po", "--out", str(path))
    text = path.read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = cli("import", str(path), "--by", "Sok Dara")
    assert result.stderr == (
        f"note: {path}: the file starts with a byte-order mark (BOM), which PO tools do not "
        "expect; it was ignored (save the file as UTF-8 without BOM to avoid this note)\n"
    )
    assert result.stdout == f"{SAMPLE_LABEL} km: 0 updated, 13 unchanged\n"


def test_a_catalog_saved_with_a_bom_still_loads(repo_workspace: Path) -> None:
    po = repo_workspace / RELEASE / "translations" / "km.po"
    po.write_bytes(b"\xef\xbb\xbf" + po.read_bytes())
    data = json.loads(Cli(repo_workspace)("status", "--json").stdout)
    assert data["releases"][0]["languages"]["km"]["approved"] == 13


# ---------------------------------------------------------------- 20. plain sentences


def test_build_summary_is_plain_sentences(repo_workspace: Path) -> None:
    cli = Cli(repo_workspace)
    first = cli("build", "--format", "html")
    out = repo_workspace / "dist"
    assert first.stdout.splitlines()[-2:] == [
        f"Wrote 8 files in {out}.",
        "Rendered 3 web pages and 4 photo files.",
    ]
    again = cli("build", "--format", "html")
    assert again.stdout.splitlines() == [
        f"Nothing to write: the 8 files in {out} are up to date.",
        "Rendered nothing; 3 web pages and 4 photo files came from the cache.",
    ]


def test_counts_and_lists_read_as_english() -> None:
    assert [counted(n, "file") for n in (0, 1, 2)] == ["0 files", "1 file", "2 files"]
    assert counted(2, "entry", "entries") == "2 entries"
    assert listing([]) == "" and listing(["a"]) == "a"
    assert listing(["a", "b"]) == "a and b" and listing(["a", "b", "c"]) == "a, b and c"


# ---------------------------------------------------------------- 10. Chinese wire copy


@pytest.mark.parametrize("width", range(20, 44, 2))
def test_chinese_wire_copy_never_splits_a_number_or_latin_word(width: int) -> None:
    text = (
        "柬埔寨参议院主席洪森亲王将于2023年8月2日至4日对中国进行正式友好访问，"
        "增长3.5%，会见HunSen。"
    )
    lines = wrap(text, "zh-Hans", width=width)
    assert "".join(lines) == text
    for first, second in itertools.pairwise(lines):
        joint = first[-1] + second[0]
        assert not (first[-1].isdigit() and (second[0].isdigit() or second[0] in "年月日.%"))
        assert not (first[-1] in "年月" and second[0].isdigit()), joint
        assert not (first[-1].isascii() and first[-1].isalpha() and second[0].isalpha()), joint
    assert any("2023年8月2日" in line for line in lines)


def test_wire_copy_keeps_item_numbers_and_reads_a_signature_by_column() -> None:
    from markupsafe import Markup

    from publisher.core.list_markers import default_style
    from publisher.publishing.builders import wire
    from publisher.render.model import Leaf

    def leaf(
        kind: str,
        text: str = "",
        *,
        start: int | None = None,
        number: int | None = None,
        header: bool = False,
        children: list[Leaf] | None = None,
    ) -> Leaf:
        return Leaf(
            kind,
            None,
            Markup(text),
            text,
            start=start,
            number=number,
            header=header,
            children=children or [],
        )

    numbered = leaf(
        "ordered_list",
        start=3,
        children=[leaf("item", "Third.", number=3), leaf("item", "Seventh.", number=7)],
    )
    signature = leaf(
        "table",
        children=[
            leaf("row", header=True, children=[leaf("cell"), leaf("cell")]),
            leaf("row", children=[leaf("cell", "Prak Sokhonn"), leaf("cell", "Wang Yi")]),
            leaf("row", children=[leaf("cell", "Minister"), leaf("cell", "Minister")]),
        ],
    )
    assert wire.wire_blocks([numbered, signature], "en", default_style("en")) == [
        ["3. Third."],
        ["7. Seventh."],
        ["Prak Sokhonn", "Minister"],
        ["Wang Yi", "Minister"],
    ]
    assert wire.wire_blocks([numbered], "km", default_style("km")) == [
        ["៣. Third."],
        ["៧. Seventh."],
    ]
