"""The whole first day of a new press officer, in a fresh folder holding only the source:
`init --yes` with flags, `new`, `translate`, an import of the translators' files,
`approve`, `build`, `site`, `send --dry-run`. Every command exits 0, every release has
its number, and every command a message names exists.

Run as a user types it: `python -m publisher` in the workspace folder (no --workspace),
stdin not a terminal.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import polib
import pytest

from publisher.cli.app import COMMANDS, real_command
from tests.support.workspace import REPO, SAMPLE_SLUG, SAMPLE_TITLE, SAMPLE_TXT

#: The boilerplate `init` writes for this organisation and contact, translated faithfully.
BOILERPLATE_KM = {
    "About the Ministry of Foreign Affairs and International Cooperation": (
        "អំពីក្រសួងការបរទេស និងសហប្រតិបត្តិការអន្តរជាតិ"
    ),
    "The Ministry of Foreign Affairs and International Cooperation publishes its press "
    "releases in English, Khmer and Chinese.": (
        "ក្រសួងការបរទេស និងសហប្រតិបត្តិការអន្តរជាតិ ផ្សព្វផ្សាយសេចក្តីប្រកាសព័ត៌មានរបស់ខ្លួន"
        "ជាភាសាអង់គ្លេស ភាសាខ្មែរ និងភាសាចិន។"
    ),
    "Media contacts": "ទំនាក់ទំនងសារព័ត៌មាន",
    "Spokesperson": "អ្នកនាំពាក្យ",
}
BOILERPLATE_ZH = {
    "About the Ministry of Foreign Affairs and International Cooperation": (
        "关于柬埔寨外交与国际合作部"
    ),
    "The Ministry of Foreign Affairs and International Cooperation publishes its press "
    "releases in English, Khmer and Chinese.": (
        "柬埔寨外交与国际合作部以英文、高棉文和中文发布新闻稿。"
    ),
    "Media contacts": "媒体联系人",
    "Spokesperson": "发言人",
}
NAMED = re.compile(r"publisher ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?")


def named_commands_exist(text: str) -> list[str]:
    """Every `publisher CMD [SUB]` in `text` that is not a command (empty: all exist)."""
    wrong = []
    for match in NAMED.finditer(text):
        name, sub = match.group(1), match.group(2)
        if name not in COMMANDS:
            wrong.append(match.group(0))
            continue
        command = real_command(name)
        if sub and isinstance(command, click.Group) and sub not in command.commands:
            wrong.append(match.group(0))
    return wrong


class Officer:
    """Runs `publisher` in a folder, as a press officer types it, and keeps the outputs."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self.said: list[str] = []
        self.env = {
            **os.environ,
            "PUBLISHER_REVIEWER": "Sok Dara",
            "COLUMNS": "200",
        }

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "publisher", *args],
            cwd=self.cwd,
            capture_output=True,
            text=True,
            env=self.env,
            stdin=subprocess.DEVNULL,
            timeout=300,
        )
        assert done.returncode == 0, f"{args}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
        self.said += [done.stdout, done.stderr]
        return done


def fill(exported: Path, translations: dict[str, str]) -> None:
    """A translator's work: every entry of an exported PO file filled from `translations`."""
    po = polib.pofile(str(exported))
    for entry in po:
        entry.msgstr = translations[entry.msgid]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()


def approved_sample(lang: str) -> dict[str, str]:
    """The shipped sample's approved translations, by source text."""
    po = polib.pofile(str(REPO / "releases" / SAMPLE_SLUG / "translations" / f"{lang}.po"))
    return {entry.msgid: entry.msgstr for entry in po if entry.msgstr}


@pytest.mark.slow
def test_first_day_from_init_to_a_dry_run_send(tmp_path: Path) -> None:
    home = tmp_path / "office"
    home.mkdir()
    shutil.copy(SAMPLE_TXT, home / "visit.txt")
    assert sorted(p.name for p in home.iterdir()) == ["visit.txt"]
    run = Officer(home)

    init = run(
        "init",
        "press",
        "--yes",
        "--organisation",
        "Ministry of Foreign Affairs and International Cooperation",
        "--organisation",
        "km=ក្រសួងការបរទេស និងសហប្រតិបត្តិការអន្តរជាតិ",
        "--organisation",
        "zh-Hans=柬埔寨外交与国际合作部",
        "--time-zone",
        "Asia/Phnom_Penh",
        "--numbering",
        "MFAIC/{year}/{seq:03d}",
        "--contact",
        "Mr Sok Dara; Spokesperson; spokesperson@example.org; +855 23 216 122",
    )
    nexts = init.stdout.split("next:\n", 1)[1].splitlines()
    assert len(nexts) == 3 and all("publisher " in line for line in nexts)
    ws = home / "press"
    run.cwd = ws

    new = run(
        "new",
        "../visit.txt",
        "--title",
        SAMPLE_TITLE,
        "--date",
        "2024-11-30",
        "--place",
        "Phnom Penh",
    )
    assert "number: MFAIC/2024/001" in new.stdout
    assert "--title" not in new.stderr  # the title was given: no note about it

    translated = run("translate")  # every release and the boilerplate, every language
    for lang in ("km", "zh-Hans"):
        assert f"MFAIC/2024/001 Samdech Techo Hun Sen to Pay… {lang}:" in translated.stdout
        assert f"boilerplate {lang}:" in translated.stdout

    # The translators' files: PO for Khmer, XLIFF for Chinese, each filled and imported.
    run("export", "001", "--lang", "km", "--format", "po", "--out", "../km.po")
    fill(home / "km.po", approved_sample("km"))
    run("import", "../km.po", "--by", "Sok Dara")
    run("export", "MFAIC/2024/001", "--lang", "zh-Hans", "--format", "po", "--out", "../zh.po")
    fill(home / "zh.po", approved_sample("zh-Hans"))
    run("import", "../zh.po", "--by", "Li Wei")
    for lang, texts in (("km", BOILERPLATE_KM), ("zh-Hans", BOILERPLATE_ZH)):
        run("export", "boilerplate", "--lang", lang, "--format", "po", "--out", f"../b-{lang}.po")
        fill(home / f"b-{lang}.po", texts)
        run("import", f"../b-{lang}.po", "--by", "Li Wei")

    for name in ("2024-11-30-samdech", "boilerplate"):  # a prefix of the slug, and by name
        for lang in ("km", "zh-Hans"):
            run("approve", name, "--lang", lang, "--all", "--by", "Sok Dara")

    status = json.loads(run("status", "--json").stdout)
    release = next(r for r in status["releases"] if r["slug"] == SAMPLE_SLUG)
    assert release["number"] == "MFAIC/2024/001"
    assert all(lang["publishable"] for lang in release["languages"].values())

    run("build")
    built = sorted(p.name for p in (ws / "dist" / SAMPLE_SLUG).iterdir() if p.is_file())
    assert {"km.pdf", "zh-Hans.pdf", "en.pdf", "km.html"} <= set(built)
    run("site", "--out", "site")
    assert (ws / "site" / "km" / "index.html").is_file()
    run("lists", "add", "press", "sophea@example.org", "--name", "Chan Sophea", "--lang", "km")
    sent = run("send", "001", "--list", "press", "--dry-run")
    outbox = list((ws / "outbox").rglob("*.eml"))
    assert len(outbox) == 1, sent.stderr
    message = email.message_from_bytes(outbox[0].read_bytes(), policy=email.policy.default)
    assert str(message["Subject"]).startswith("MFAIC/2024/001 ")
    assert "spokesperson@example.org" in str(message["From"])  # no [smtp] yet: the contact

    wrong = [name for text in run.said for name in named_commands_exist(text)]
    assert wrong == []
