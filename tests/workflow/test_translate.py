"""Machine drafts, translation memory, glossary, through the CLI."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from tests.support.releases import po_entries, status_languages
from tests.support.workspace import SAMPLE_SLUG, Cli


@pytest.fixture
def with_model(cli: Cli, argos_test_archive: Path) -> Cli:
    out = cli("models", "install", str(argos_test_archive)).stdout
    assert out == "installed translate-en_zh-test-2x64 (en->zh-Hans, Argos package 0.1)\n"
    assert cli("models", "list").stdout.splitlines() == [
        "pair         package                    model",
        "en->zh-Hans  translate-en_zh-test-2x64  Argos package 0.1",
    ]
    return cli


def test_translate_fills_untranslated_with_named_model_drafts(
    with_model: Cli, workspace: Path, sample: str
) -> None:
    cli = with_model
    po_path = workspace / "releases" / sample / "translations" / "zh-Hans.po"
    catalog = polib.pofile(str(po_path))
    title = next(e for e in catalog if e.msgctxt == "title")
    title.msgstr = "洪森亲王将对中国进行正式友好访问"
    catalog.save()
    cli("approve", sample, "--lang", "zh-Hans", "--segment", "title")
    out = cli("translate", sample, "--lang", "zh").stdout
    assert out == (
        "Samdech Techo Hun Sen to Pay… zh-Hans: 0 drafts from memory, 11 machine drafts "
        "(translate-en_zh-test-2x64 0.1)\n"
    )
    found = po_entries(workspace, "zh-Hans", sample)
    assert found["title"].msgstr == "洪森亲王将对中国进行正式友好访问"  # approved: untouched
    assert "approved by" in found["title"].tcomment
    for seg, entry in found.items():
        if seg == "title":
            continue
        assert entry.msgstr and "fuzzy" in entry.flags, seg
        assert "origin: machine argos" in entry.tcomment and "translate-en_zh" in (
            entry.tcomment
        ), entry.tcomment
    counts = status_languages(cli, sample)["zh-Hans"]
    assert counts["draft"] == 11 and counts["approved"] == 1
    history = (workspace / "releases" / sample / "history.jsonl").read_text()
    assert history.count('"action": "translate"') == 11


def test_missing_pair_is_a_clear_message_and_changes_nothing(
    with_model: Cli, workspace: Path, sample: str
) -> None:
    po_path = workspace / "releases" / sample / "translations" / "km.po"
    before = po_path.read_bytes()
    result = with_model("translate", sample, "--lang", "km", "--engine", "argos", ok=False)
    assert result.exit_code == 2
    assert result.stderr == (
        "error: no Argos model for en->km is installed; install one with `publisher models "
        "install FILE` or `publisher models import DIR`, or translate by hand\n"
    )
    assert po_path.read_bytes() == before


def test_default_engine_without_a_model_keeps_memory_drafts_and_says_so(
    repo_workspace: Path, tmp_path: Path
) -> None:
    """Issue 16 item 11: Khmer has no public model, so the default uses the memory alone."""
    cli = Cli(repo_workspace)
    sentence = (
        "The Cambodian government views China as an important partner in regional "
        "affairs, and this visit is expected to enhance the country’s role in regional "
        "and international diplomacy."
    )
    source = tmp_path / "again.txt"
    source.write_text(
        f"Another Visit\n\n{sentence}\n\nA sentence the memory has never seen.\n",
        encoding="utf-8",
    )
    cli("new", str(source), "--slug", "again", "--date", "2025-02-01")
    result = cli("translate", "again", "--lang", "km")
    assert result.stdout == (
        "MFAIC/2025/001 Another Visit km: 1 draft from memory, no machine drafts: "
        "no machine-translation model "
        "for en->km is installed\n"
    )
    assert result.stderr == (
        "MFAIC/2025/001 Another Visit km: no draft for 2 segments: title, s2\n"
        "install a model with `publisher models install FILE.argosmodel` or "
        "`publisher models import DIR`\n"
    )
    found = po_entries(repo_workspace, "km", "again")
    approved = po_entries(repo_workspace, "km", SAMPLE_SLUG)["s6"].msgstr
    assert found["s1"].msgstr == approved and "fuzzy" in found["s1"].flags
    assert "origin: memory " + SAMPLE_SLUG + "/s6 score 100" in found["s1"].tcomment
    assert found["s2"].msgstr == ""


def test_protected_content_survives_the_machine(
    with_model: Cli, workspace: Path, tmp_path: Path
) -> None:
    source = tmp_path / "contact.txt"
    source.write_text(
        "Press Contact\n\nOn 2 December 2024 the ministry opens https://www.mfaic.gov.kh/press "
        "to journalists; write to press@mfaic.gov.kh or call +855 23 216 122.\n",
        encoding="utf-8",
    )
    with_model("new", str(source), "--slug", "contact", "--date", "2024-12-01")
    with_model("translate", "contact", "--lang", "zh-Hans")
    draft = po_entries(workspace, "zh-Hans", "contact")["s1"].msgstr
    for kept in (
        "https://www.mfaic.gov.kh/press",
        "press@mfaic.gov.kh",
        "+855 23 216 122",
        "2024年12月2日",
    ):
        assert kept in draft, (kept, draft)


def test_second_release_gets_repeated_sentence_from_memory(
    cli: Cli, repo_workspace: Path, tmp_path: Path
) -> None:
    cli = Cli(repo_workspace)
    sentence = (
        "The Cambodian government views China as an important partner in regional "
        "affairs, and this visit is expected to enhance the country’s role in regional "
        "and international diplomacy."
    )
    near = sentence.replace("regional affairs", "regional and global affairs")
    source = tmp_path / "again.txt"
    source.write_text(f"Another Visit\n\n{sentence}\n\n{near}\n", encoding="utf-8")
    cli("new", str(source), "--slug", "again", "--date", "2025-02-01")
    out = cli("translate", "again", "--lang", "km", "--engine", "memory").stdout
    assert out == "MFAIC/2025/001 Another Visit km: 1 draft from memory, 1 with fuzzy suggestions\n"
    found = po_entries(repo_workspace, "km", "again")
    assert "origin: memory " + SAMPLE_SLUG + "/s6 score 100" in found["s1"].tcomment
    # an exact match: the sample's approved translation of the same sentence, as it stands
    assert found["s1"].msgstr == po_entries(repo_workspace, "km", SAMPLE_SLUG)["s6"].msgstr
    assert found["s1"].msgstr.startswith("រាជរដ្ឋាភិបាលកម្ពុជា")
    assert "fuzzy" in found["s1"].flags  # a memory match is a draft, still to be reviewed
    assert found["s2"].msgstr == ""  # fuzzy match: offered as a suggestion, not used
    assert "suggestion: memory" in found["s2"].tcomment and "%" in found["s2"].tcomment


def test_tmx_export_is_read_by_translate_toolkit(repo_workspace: Path, tmp_path: Path) -> None:
    from translate.storage import tmx

    cli = Cli(repo_workspace)
    out = tmp_path / "memory.tmx"
    # 13 segments of the sample and 5 of the boilerplate, in Khmer and in Chinese
    assert "36 translation units" in cli("memory", "export", "--out", str(out)).stdout
    store = tmx.tmxfile.parsefile(str(out))
    units = {u.source: u.target for u in store.units}
    assert units["Conclusion"] in ("សេចក្តីសន្និដ្ឋាន", "结语")
    cli("memory", "import", str(out))
    assert (repo_workspace / "memory" / "memory.tmx").exists()


def test_glossary_check_flags_a_planted_wrong_term(repo_workspace: Path) -> None:
    import shutil

    from tests.support.workspace import REPO

    shutil.copy(REPO / "glossary.toml", repo_workspace / "glossary.toml")
    cli = Cli(repo_workspace)
    assert "all glossary terms used" in cli("glossary", "check", SAMPLE_SLUG).stdout
    po_path = repo_workspace / "releases" / SAMPLE_SLUG / "translations" / "zh-Hans.po"
    catalog = polib.pofile(str(po_path))
    entry = next(e for e in catalog if e.msgctxt == "s1")
    entry.msgstr = entry.msgstr.replace("全面战略合作伙伴关系", "全面合作关系")
    catalog.save()
    result = cli("glossary", "check", SAMPLE_SLUG, ok=False)
    assert result.exit_code == 1
    assert "zh-Hans s1" in result.stdout and "全面战略合作伙伴关系" in result.stdout
    cli("glossary", "add", "Senate", "--km", "ព្រឹទ្ធសភា", "--zh-Hans", "参议院")
    assert "Senate" in cli("glossary", "list").stdout
