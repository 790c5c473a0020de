"""Workspace, import, segments, catalogs, sync, status, approve/reject."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import polib
import pytest

from tests.support.process import loaded_modules
from tests.support.releases import status_languages
from tests.support.workspace import REPO, SAMPLE_SLUG, SAMPLE_TITLE, SAMPLE_TXT, Cli


def po(workspace: Path, slug: str, lang: str) -> polib.POFile:
    return polib.pofile(str(workspace / "releases" / slug / "translations" / f"{lang}.po"))


def set_msgstr(
    workspace: Path, slug: str, lang: str, seg: str, text: str, fuzzy: bool = False
) -> None:
    """Edit the PO as a translator's tool would (polib writes like any PO editor)."""
    catalog = po(workspace, slug, lang)
    entry = next(e for e in catalog if e.msgctxt == seg)
    entry.msgstr = text
    if fuzzy and "fuzzy" not in entry.flags:
        entry.flags.append("fuzzy")
    if not fuzzy and "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    catalog.save()


def test_init_creates_workspace_files(workspace: Path) -> None:
    config = (workspace / "publisher.toml").read_text()
    assert 'required_state = "approved"' in config
    assert "ព្រះរាជាណាចក្រកម្ពុជា" in config
    for folder in ("releases", "templates", "locales"):
        assert (workspace / folder).is_dir()
    # Overrides only: nothing of the package's defaults is copied.
    assert list((workspace / "templates").iterdir()) == []
    assert list((workspace / "locales").iterdir()) == []


def test_init_refuses_existing_workspace(cli: Cli, workspace: Path) -> None:
    result = cli("init", str(workspace), ok=False)
    assert result.exit_code == 2
    assert "already exists" in result.stderr


def test_sample_import_counts_segments(cli: Cli, workspace: Path, sample: str) -> None:
    langs = status_languages(cli, sample)
    assert set(langs) == {"km", "zh-Hans"}
    for counts in langs.values():
        assert counts["untranslated"] == counts["total"] == 12
        assert counts["publishable"] is False
    segments = json.loads((workspace / "releases" / sample / "segments.json").read_text())
    kinds = [s["kind"] for s in segments["segments"]]
    assert kinds == ["title"] + ["paragraph"] * 6 + ["item"] * 3 + ["heading", "paragraph"]
    assert segments["segments"][10]["source"] == "Conclusion"
    source = (workspace / "releases" / sample / "source.md").read_text()
    assert source.startswith(f"# {SAMPLE_TITLE}\n")
    assert "Cambodia’s commitment" in source  # curly quote kept
    assert "## Conclusion\n" in source


def test_catalogs_pass_msgfmt_check(cli: Cli, workspace: Path, sample: str) -> None:
    for lang in ("km", "zh-Hans"):
        path = workspace / "releases" / sample / "translations" / f"{lang}.po"
        subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)], check=True)


def test_long_first_line_asks_for_title(cli: Cli, workspace: Path) -> None:
    before = sorted(p.name for p in (workspace / "releases").iterdir())
    result = cli("new", str(SAMPLE_TXT), ok=False)
    assert result.exit_code == 2
    assert "--title" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in (workspace / "releases").iterdir()) == before


def test_short_first_line_is_title_and_slug(cli: Cli, workspace: Path, tmp_path: Path) -> None:
    src = tmp_path / "r.txt"
    src.write_text(
        "Minister Meets Ambassador\n\nThe minister met the ambassador.\n\nThey talked.\n"
    )
    cli("new", str(src), "--date", "2025-01-15")
    release = workspace / "releases" / "2025-01-15-minister-meets-ambassador"
    assert (release / "source.md").read_text().startswith("# Minister Meets Ambassador\n")
    segments = json.loads((release / "segments.json").read_text())["segments"]
    assert [s["id"] for s in segments] == ["title", "s1", "s2"]


def test_text_is_nfc_and_kept_faithfully(cli: Cli, workspace: Path, tmp_path: Path) -> None:
    src = tmp_path / "r.txt"
    decomposed = "Cafe\u0301 talks"  # e + combining acute -> é
    src.write_text(f"Title\n“Quoted” — dash\u00a0nbsp {decomposed}.\n", encoding="utf-8")
    cli("new", str(src), "--date", "2025-01-15", "--slug", "faithful")
    seg = json.loads((workspace / "releases" / "faithful" / "segments.json").read_text())
    text = seg["segments"][1]["source"]
    assert text == "“Quoted” — dash\u00a0nbsp Café talks."


def test_markdown_and_docx_give_same_segments(
    cli: Cli, workspace: Path, tmp_path: Path, sample: str
) -> None:
    import docx

    lines = SAMPLE_TXT.read_text(encoding="utf-8").splitlines()
    md = [f"# {SAMPLE_TITLE}", ""]
    document = docx.Document()
    document.add_paragraph(SAMPLE_TITLE, style="Title")
    for line in lines:
        if line.startswith("- "):
            md.append(line)
            document.add_paragraph(line[2:], style="List Bullet")
        elif line == "Conclusion:":
            md += ["", "## Conclusion", ""]
            document.add_paragraph("Conclusion", style="Heading 1")
        else:
            md += ["", line, ""]
            document.add_paragraph(line)
    (tmp_path / "r.md").write_text("\n".join(md), encoding="utf-8")
    document.save(str(tmp_path / "r.docx"))
    cli("new", str(tmp_path / "r.md"), "--slug", "from-md", "--date", "2024-11-30")
    cli("new", str(tmp_path / "r.docx"), "--slug", "from-docx", "--date", "2024-11-30")

    def segs(slug: str) -> list[dict[str, Any]]:
        segments: list[dict[str, Any]] = json.loads(
            (workspace / "releases" / slug / "segments.json").read_text()
        )["segments"]
        return segments

    assert segs("from-md") == segs(sample)
    assert segs("from-docx") == segs(sample)


def test_approve_then_source_edit_makes_segment_stale(
    cli: Cli, workspace: Path, sample: str
) -> None:
    set_msgstr(workspace, sample, "km", "s2", "នៅថ្ងៃទី៣០ ខែវិច្ឆិកា ឆ្នាំ២០២៤ ...។")
    assert status_languages(cli, sample)["km"]["translated"] == 1
    cli("approve", sample, "--lang", "km", "--segment", "s2", "--by", "Dara")
    assert status_languages(cli, sample)["km"]["approved"] == 1

    source = workspace / "releases" / sample / "source.md"
    text = source.read_text()
    source.write_text(text.replace("On 30 November 2024,", "On 1 December 2024,"))
    assert status_languages(cli, sample)["km"]["out_of_sync"] is True
    out = cli("sync", sample).stdout
    assert "1 stale (s2)" in out
    langs = status_languages(cli, sample)
    assert langs["km"]["stale"] == 1 and langs["km"]["approved"] == 0
    entry = next(e for e in po(workspace, sample, "km") if e.msgctxt == "s2")
    assert entry.msgstr == "នៅថ្ងៃទី៣០ ខែវិច្ឆិកា ឆ្នាំ២០២៤ ...។"  # old translation kept
    assert entry.previous_msgid is not None
    assert entry.previous_msgid.startswith("On 30 November 2024,")  # old source kept
    assert "fuzzy" in entry.flags
    # the zh catalog had no translation: still untranslated, not stale
    assert langs["zh-Hans"]["untranslated"] == 12
    history = (workspace / "releases" / sample / "history.jsonl").read_text()
    assert '"action": "stale"' in history and '"by": "Dara"' in history


def test_hand_edit_invalidates_approval(cli: Cli, workspace: Path, sample: str) -> None:
    set_msgstr(workspace, sample, "zh-Hans", "title", "洪森亲王将对中国进行正式友好访问")
    cli("approve", sample, "--lang", "zh", "--segment", "title")
    assert status_languages(cli, sample)["zh-Hans"]["approved"] == 1
    set_msgstr(workspace, sample, "zh-Hans", "title", "洪森将访问中国")
    langs = status_languages(cli, sample)["zh-Hans"]
    assert langs["approved"] == 0 and langs["translated"] == 1


def test_sync_adds_and_obsoletes(cli: Cli, workspace: Path, sample: str) -> None:
    set_msgstr(workspace, sample, "km", "s9", "ការពិភាក្សា។")
    source = workspace / "releases" / sample / "source.md"
    text = source.read_text()
    bullet = next(line for line in text.splitlines() if line.startswith("- High-level"))
    text = text.replace(bullet + "\n", "").replace(
        "## Conclusion", "New paragraph.\n\n## Conclusion"
    )
    source.write_text(text)
    out = cli("sync", sample).stdout
    assert "1 new (s12)" in out and "1 removed (s9)" in out
    catalog = po(workspace, sample, "km")
    obsolete = [e for e in catalog if e.obsolete]
    assert [e.msgctxt for e in obsolete] == ["s9"] and obsolete[0].msgstr == "ការពិភាក្សា។"
    assert status_languages(cli, sample)["km"]["total"] == 12
    assert cli("sync", sample).stdout.strip().endswith("up to date")


def test_approve_refuses_untranslated_and_changes_nothing(
    cli: Cli, workspace: Path, sample: str
) -> None:
    path = workspace / "releases" / sample / "translations" / "km.po"
    before = path.read_bytes()
    result = cli("approve", sample, "--lang", "km", "--segment", "s1", ok=False)
    assert result.exit_code == 2
    assert "s1 (untranslated)" in result.stderr
    assert path.read_bytes() == before


def test_reject_goes_back_to_draft_with_comment(cli: Cli, workspace: Path, sample: str) -> None:
    set_msgstr(workspace, sample, "km", "s10", "សេចក្តីសន្និដ្ឋាន")
    cli("approve", sample, "--lang", "km", "--segment", "s10", "--level", "reviewed")
    cli(
        "reject",
        sample,
        "--lang",
        "km",
        "--segment",
        "s10",
        "--by",
        "Chan",
        "--comment",
        "Use the official heading",
    )
    langs = status_languages(cli, sample)["km"]
    assert langs["draft"] == 1 and langs["reviewed"] == 0
    entry = next(e for e in po(workspace, sample, "km") if e.msgctxt == "s10")
    assert "rejected by Chan" in entry.tcomment and "Use the official heading" in entry.tcomment


def test_reviewer_is_required(
    workspace: Path, sample: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("PUBLISHER_REVIEWER")
    monkeypatch.setenv("HOME", str(tmp_path))  # no git user.name
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    set_msgstr(workspace, sample, "km", "s10", "សេចក្តីសន្និដ្ឋាន")
    result = Cli(workspace)("approve", sample, "--lang", "km", "--all", ok=False)
    assert result.exit_code == 2 and "--by" in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["status", "no-such-release"], "no release named"),
        (["approve", SAMPLE_SLUG, "--lang", "fr", "--all", "--by", "x"], "unknown language"),
    ],
)
def test_user_errors_are_one_line(cli: Cli, sample: str, args: list[str], message: str) -> None:
    result = cli(*args, ok=False)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_malformed_files_name_file_and_line(cli: Cli, workspace: Path, sample: str) -> None:
    po_path = workspace / "releases" / sample / "translations" / "km.po"
    po_path.write_text(po_path.read_text() + '\nmsgctxt "x"\nmsgid "broken\n', encoding="utf-8")
    result = cli("status", sample, ok=False)
    assert result.exit_code == 2 and str(po_path) in result.stderr
    toml = workspace / "releases" / sample / "release.toml"
    toml.write_text('date = 2024-11-30\nplace = "unterminated\n')
    result = cli("status", sample, ok=False)
    assert result.exit_code == 2 and "release.toml:2" in result.stderr


def test_source_language_per_release(cli: Cli, workspace: Path, tmp_path: Path) -> None:
    src = tmp_path / "km.txt"
    src.write_text("សេចក្តីប្រកាសព័ត៌មាន\nក្រសួងការបរទេសបានប្រកាស។\n", encoding="utf-8")
    cli(
        "new",
        str(src),
        "--source-lang",
        "km",
        "--lang",
        "en",
        "--lang",
        "zh-CN",
        "--slug",
        "khmer-source",
        "--date",
        "2025-02-01",
    )
    langs = status_languages(cli, "khmer-source")
    assert set(langs) == {"en", "zh-Hans"}
    assert po(workspace, "khmer-source", "en").metadata["X-Source-Language"] == "km"


def test_workspace_found_from_subfolder(workspace: Path, sample: str) -> None:
    cwd = workspace / "releases" / sample
    proc = subprocess.run(
        [sys.executable, "-m", "publisher", "status", "--json"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(proc.stdout)["releases"][0]["slug"] == sample


def test_shipped_sample_is_approved_and_clean() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "publisher", "status", "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    release = json.loads(proc.stdout)["releases"][0]
    assert release["slug"] == SAMPLE_SLUG
    for counts in release["languages"].values():
        assert counts["approved"] == counts["total"] == 13 and counts["publishable"]


#: Libraries `publisher --help` and `publisher status` must not import: the renderer, machine
#: translation, Word files, the web stack and the mail stack (their cost is measured by
#: benchmarks/startup.py).
HEAVY = (
    "weasyprint",
    "argostranslate",
    "ctranslate2",
    "docx",
    "pydantic",
    "starlette",
    "uvicorn",
    "smtplib",
    "aiosmtpd",
    "PIL",
    "pyexiv2",
    "fontTools",
    "icu4py",
    "sacrebleu",
    "onnx",
    "sentencepiece",
    "minisbd",
)


@pytest.mark.parametrize(
    "args", [["--help"], ["status"], ["status", "--json"], ["serve", "--help"]]
)
def test_help_and_status_import_no_heavy_library(args: list[str]) -> None:
    heavy, process = loaded_modules(args, HEAVY)
    assert heavy == [], process.stderr
