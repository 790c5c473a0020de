"""Everyday use from a new workspace (issue 24): what `init` writes and asks, short names
for releases, `--version`, `translate` without `--lang`, `status` counting the same
segments in its table and its reasons, and saying what the workspace lacks.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from publisher import __version__
from publisher.cli import workspace as workspace_commands
from publisher.cli.app import app
from tests.support.workspace import SAMPLE_TITLE, SAMPLE_TXT, Cli


def init(root: Path, *args: str, stdin: str | None = None) -> str:
    result = CliRunner().invoke(app, ["init", str(root), *args], input=stdin)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout == f"publisher {__version__}\n"


def test_init_writes_every_section_commented_and_a_template_boilerplate(tmp_path: Path) -> None:
    root = tmp_path / "press"
    out = init(root, "--yes", "--contact", "Mr Sok Dara; Spokesperson; sok@example.org")
    text = (root / "publisher.toml").read_text(encoding="utf-8")
    config = tomllib.loads(text)
    for section in ("workspace", "organisation", "motto", "places", "models", "numbering"):
        assert section in config
        assert re.search(rf"# [^\n]*\n\[{section}[\].]", text), section  # said what it is
    assert config["numbering"]["pattern"] == "MFAIC/{year}/{seq:03d}"
    assert config["contacts"] == [
        {"name": "Mr Sok Dara", "role": "Spokesperson", "email": "sok@example.org"}
    ]
    assert config["workspace"]["time_zone"] == "Asia/Phnom_Penh"
    assert "smtp" not in config and "\n# [smtp]\n" in text and "README" in text
    assert "[review]" in text and "[conventions]" in text
    source = (root / "boilerplate" / "source.md").read_text(encoding="utf-8")
    assert source.startswith("# About the Ministry of Foreign Affairs")
    assert "<!--" in source and "\n- Spokesperson\n" in source
    assert (root / "lists" / "press.csv").read_text() == "email,name,outlet,languages,tags\n"
    nexts = out.split("next:\n")[1].splitlines()
    assert [line.split()[0:2] for line in nexts][1:] == [
        ["publisher", "translate"],
        ["publisher", "status"],
    ]
    assert "publisher new" in nexts[0]


def test_init_asks_on_a_terminal_with_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workspace_commands, "_on_terminal", lambda: True)
    answers = "\n".join(
        [
            "Ministry of Tourism",  # en
            "ក្រសួងទេសចរណ៍",  # km
            "",  # zh-Hans: the default
            "Asia/Bangkok",
            "",  # numbering: the default from the name
            "Ms Chea Malis; Press Officer",
        ]
    )
    out = init(tmp_path / "t", stdin=answers + "\n")
    assert "Organisation's name (en)" in out and "Time zone" in out
    config = tomllib.loads((tmp_path / "t" / "publisher.toml").read_text(encoding="utf-8"))
    assert config["organisation"]["en"] == "Ministry of Tourism"
    assert config["organisation"]["km"] == "ក្រសួងទេសចរណ៍"
    assert config["organisation"]["zh-Hans"] == "柬埔寨外交与国际合作部"
    assert config["workspace"]["time_zone"] == "Asia/Bangkok"
    assert config["numbering"]["pattern"] == "MT/{year}/{seq:03d}"
    assert config["contacts"][0]["role"] == "Press Officer"


def test_init_with_flags_asks_nothing_even_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workspace_commands, "_on_terminal", lambda: True)
    out = init(tmp_path / "f", "--time-zone", "Asia/Phnom_Penh", "--numbering", "none")
    assert "?" not in out and "Organisation" not in out
    config = tomllib.loads((tmp_path / "f" / "publisher.toml").read_text(encoding="utf-8"))
    assert "pattern" not in config["numbering"]


def test_a_bad_flag_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["init", str(tmp_path / "x"), "--time-zone", "Mars/Base"])
    assert result.exit_code == 2 and "not a time zone" in result.stderr
    assert not (tmp_path / "x" / "publisher.toml").exists()


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """A workspace as `init --yes` with a contact makes it, and the sample imported twice."""
    monkeypatch.setenv("PUBLISHER_REVIEWER", "Sok Dara")
    root = tmp_path / "office"
    init(root, "--yes", "--contact", "Mr Sok Dara; Spokesperson; sok@example.org")
    cli = Cli(root)
    for date in ("2024-11-30", "2024-12-01"):
        cli(
            "new", str(SAMPLE_TXT), "--title", SAMPLE_TITLE, "--date", date, "--place", "Phnom Penh"
        )
    return cli


def test_short_names_for_releases(office: Cli) -> None:
    first = json.loads(office("status", "2024-11-30", "--json").stdout)["releases"][0]
    assert first["number"] == "MFAIC/2024/001"
    for name in ("MFAIC/2024/002", "2024/002", "002", "2024-12"):
        data = json.loads(office("status", name, "--json").stdout)["releases"][0]
        assert data["number"] == "MFAIC/2024/002", name
    ambiguous = office("status", "2024-1", ok=False)
    assert ambiguous.exit_code == 2
    assert "'2024-1' names 2 releases" in ambiguous.stderr
    assert "(MFAIC/2024/001)" in ambiguous.stderr and "(MFAIC/2024/002)" in ambiguous.stderr
    unknown = office("approve", "nothing", "--lang", "km", "--all", ok=False)
    assert unknown.exit_code == 2 and "no release named 'nothing'" in unknown.stderr


def test_translate_without_lang_drafts_every_language_of_every_release(office: Cli) -> None:
    out = office("translate").stdout.splitlines()
    assert sorted(line.split(":")[0] for line in out) == sorted(
        [
            "MFAIC/2024/001 Samdech Techo Hun Sen to Pay… km",
            "MFAIC/2024/001 Samdech Techo Hun Sen to Pay… zh-Hans",
            "MFAIC/2024/002 Samdech Techo Hun Sen to Pay… km",
            "MFAIC/2024/002 Samdech Techo Hun Sen to Pay… zh-Hans",
            "boilerplate km",
            "boilerplate zh-Hans",
        ]
    )
    one = office("translate", "002").stdout.splitlines()
    assert [line.split(":")[0].rsplit(" ", 1)[1] for line in one] == ["km", "zh-Hans"]


def test_status_counts_the_same_segments_in_table_and_reasons(office: Cli) -> None:
    text = office("status", "001").stdout
    lines = text.splitlines()
    verdict = next(line for line in lines if line.strip().startswith("publishable"))
    left = re.findall(r"no \((\d+) left\)", verdict)
    assert left == ["12", "12"]
    reasons = [line for line in lines if line.startswith("  why not:")]
    assert len(reasons) == 2
    for reason in reasons:
        own = re.search(r"not published: (\d+) segments not approved", reason)
        assert own and own.group(1) == "12", reason
        assert "4 boilerplate segments not approved" in reason
    assert "`publisher build --draft MFAIC/2024/001`" in text
    whole = office("status").stdout
    assert "boilerplate (About paragraph, contact roles)" in whole
    assert "publisher build --draft boilerplate" not in whole


def test_status_says_what_the_workspace_lacks_and_still_shows_releases(office: Cli) -> None:
    root = office.root
    config = root / "publisher.toml"
    text = config.read_text(encoding="utf-8").replace('pattern = "', '# pattern = "')
    config.write_text(text + '\n[[contacts]]\nname = "Ms Chea Malis"\nrole = "Press Officer"\n')
    result = office("status")
    lines = result.stdout.splitlines()
    assert lines[0] == "the workspace still lacks"
    assert any(line.startswith("  releases get no number: add [numbering]") for line in lines)
    assert any("'Press Officer' of Ms Chea Malis is not in boilerplate/source.md" in line
               for line in lines)  # fmt: skip
    assert any(line.startswith("MFAIC/2024/001 ") for line in lines)  # the releases, still
    missing = json.loads(office("status", "--json").stdout)["missing"]
    assert any("no number" in gap["what"] for gap in missing)


def test_boilerplate_init_without_a_file_writes_the_template(office: Cli) -> None:
    root = office.root
    import shutil

    shutil.rmtree(root / "boilerplate")
    gap = office("status").stdout
    assert "no boilerplate (About paragraph, contact roles): create it with " in gap
    out = office("boilerplate", "init").stdout
    assert "created boilerplate/" in out
    source = (root / "boilerplate" / "source.md").read_text(encoding="utf-8")
    assert "\n- Spokesperson\n" in source and "<!--" in source
    assert "up to date" in office("sync", "boilerplate").stdout
