"""Media lists: the CSV format, `publisher lists`, and hostile lists that must send nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from publisher.core.medialists import parse_list
from tests.support.smtp_server import SmtpServer
from tests.support.workspace import SAMPLE_SLUG, Cli

HEADER = "email,name,outlet,languages,tags\n"


def write_list(root: Path, name: str, text: str) -> Path:
    path = root / "lists" / f"{name}.csv"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- commands


def test_add_show_remove(cli: Cli, workspace: Path) -> None:
    out = cli(
        "lists",
        "add",
        "press",
        "Sok.Dara@Example.org",
        "--name",
        "Sok Dara",
        "--lang",
        "km",
        "--lang",
        "en",
        "--outlet",
        "Example Daily",
        "--tag",
        "TV",
    )
    assert out.stdout == "added Sok.Dara@example.org (km en) to lists/press.csv\n"
    cli("lists", "add", "press", "li.wei@example.com", "--name", "李伟", "--lang", "zh-CN")
    path = workspace / "lists" / "press.csv"
    assert path.read_text(encoding="utf-8") == (
        HEADER
        + "Sok.Dara@example.org,Sok Dara,Example Daily,km en,tv\n"
        + "li.wei@example.com,李伟,,zh-Hans,\n"
    )
    shown = cli("lists", "show", "press").stdout
    assert shown == (
        "press: 2 recipient(s) (en 1, km 1, zh-Hans 1)\n"
        "  Sok.Dara@example.org\tSok Dara (Example Daily)\tkm en  [tv]\n"
        "  li.wei@example.com\t李伟\tzh-Hans\n"
    )
    data = json.loads(cli("lists", "show", "press", "--json").stdout)
    assert data[0]["recipients"][1] == {
        "email": "li.wei@example.com",
        "name": "李伟",
        "outlet": "",
        "languages": ["zh-Hans"],
        "tags": [],
        "line": 3,
    }
    again = cli(
        "lists", "add", "press", "sok.dara@EXAMPLE.org", "--name", "X", "--lang", "km", ok=False
    )
    assert again.exit_code == 2
    assert again.stderr == "error: sok.dara@example.org is already on the list press\n"
    assert cli("lists", "check").stdout == "press: 2 valid recipient(s), ok\n"
    out = cli("lists", "remove", "press", "sok.dara@example.org")
    assert out.stdout == "removed Sok.Dara@example.org (Sok Dara) from lists/press.csv\n"
    assert path.read_text(encoding="utf-8") == HEADER + "li.wei@example.com,李伟,,zh-Hans,\n"
    missing = cli("lists", "remove", "press", "nobody@example.org", ok=False)
    assert missing.stderr == "error: nobody@example.org is not on the list press\n"


def test_add_keeps_other_lines_byte_for_byte(cli: Cli, workspace: Path) -> None:
    text = HEADER + '"chan.sophea@example.org","Chan, Sophea",Radio,"km, en",\n'
    path = write_list(workspace, "press", text)
    cli("lists", "add", "press", "a@example.org", "--name", "A", "--lang", "en")
    assert path.read_text(encoding="utf-8") == text + "a@example.org,A,,en,\n"


def test_a_formula_name_is_written_escaped_and_reads_back_as_given(
    cli: Cli, workspace: Path
) -> None:
    cli(
        "lists", "add", "press", "a@example.org", "--name", '=HYPERLINK("http://x")', "--lang", "en"
    )
    line = (workspace / "lists" / "press.csv").read_text(encoding="utf-8").splitlines()[1]
    assert line == 'a@example.org,"\'=HYPERLINK(""http://x"")",,en,'
    shown = json.loads(cli("lists", "show", "press", "--json").stdout)
    assert shown[0]["recipients"][0]["name"] == '=HYPERLINK("http://x")'


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["bad@@example.org", "--name", "X", "--lang", "en"],
            "error: invalid address 'bad@@example.org': The part after the @-sign contains "
            "invalid characters: '@'.\n",
        ),
        (
            ["a@example.org", "--name", "X\r\nBcc: all@example.org", "--lang", "en"],
            "error: --name contains a line break or control character\n",
        ),
        (
            ["a@example.org", "--name", "X", "--lang", "fr"],
            "error: unknown language 'fr' (use en, km, zh-Hans)\n",
        ),
        (
            ["a@example.org", "--name", "X", "--lang", "en", "--tag", "a b/c"],
            "error: invalid tag 'b/c' (letters, digits, '.', '-', '_')\n",
        ),
        (
            ["a@example.org\r\nRCPT TO:<x@example.org>", "--name", "X", "--lang", "en"],
            "error: the address contains a line break or control character\n",
        ),
    ],
)
def test_add_refuses_bad_values(cli: Cli, workspace: Path, args: list[str], message: str) -> None:
    path = workspace / "lists" / "press.csv"
    before = path.read_bytes() if path.exists() else None  # `init` writes an empty list
    result = cli("lists", "add", "press", *args, ok=False)
    assert result.exit_code == 2
    assert result.stderr == message
    assert (path.read_bytes() if path.exists() else None) == before


def test_no_lists_yet(cli: Cli, workspace: Path) -> None:
    (workspace / "lists" / "press.csv").unlink(missing_ok=True)  # `init` writes an empty list
    result = cli("lists", "show", ok=False)
    assert result.exit_code == 2
    assert "there are no media lists yet" in result.stderr
    result = cli("lists", "show", "nope", ok=False)
    assert result.stderr.endswith("no media list named 'nope'; there are no lists yet\n")
    assert cli("lists", "show", "../x", ok=False).stderr.startswith("error: invalid list name")


# --------------------------------------------------------------------------- check


def test_check_reports_every_problem_with_its_line(cli: Cli, workspace: Path) -> None:
    path = write_list(
        workspace,
        "press",
        HEADER
        + "ok@example.org,Good,,km,\n"
        + "not-an-address,Bad Address,,en,\n"
        + "OK@example.org,Duplicate,,en,\n"
        + "fr@example.org,French,,fr,\n"
        + 'formula@example.org,=HYPERLINK("http://evil.example.com"),,en,\n'
        + '"inject@example.org","Name\r\nBcc: all@example.org",,en,\n'
        + "nolang@example.org,No Language,,,\n"
        + "plus@example.org,Plus,+Outlet,en,\n",
    )
    result = cli("lists", "check", "press", ok=False)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{path}:3: invalid address 'not-an-address': An email address must have an @-sign.",
        f"{path}:4: duplicate address OK@example.org (first on line 2)",
        f"{path}:5: unknown language 'fr' (use en, km, zh-Hans)",
        f"{path}:6: name starts with '=', which a spreadsheet runs as a formula; write it as "
        '\'=HYPERLINK("http://evil.example.com") to keep it as text',
        f"{path}:7: a line break inside a quoted cell (one journalist per line)",
        f"{path}:7: name contains a line break or control character (refused: it could inject "
        "headers)",
        f"{path}:9: no language given (the languages column needs one or more of en, km, zh-Hans)",
        f"{path}:10: outlet starts with '+', which a spreadsheet runs as a formula; write it as "
        "'+Outlet to keep it as text",
    ]
    assert result.stdout == "press: 1 valid recipient(s), 8 problem(s)\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "email,name,outlet\na@example.org,A,B\n",
            ":1: missing column languages in the header row (expected "
            "email,name,outlet,languages,tags; found email,name,outlet)",
        ),
        ("", ": the list is empty (it needs a header row: email,name,outlet,languages,tags)"),
        ("email,name,languages,email\n", ":1: column 'email' appears twice"),
    ],
)
def test_check_refuses_a_broken_file(cli: Cli, workspace: Path, text: str, message: str) -> None:
    path = write_list(workspace, "press", text)
    result = cli("lists", "check", "press", ok=False)
    assert result.exit_code == 2
    assert f"{path}{message}" in result.stderr


def test_a_list_over_the_size_cap_is_refused_before_it_is_read(cli: Cli, workspace: Path) -> None:
    path = workspace / "lists" / "huge.csv"
    path.parent.mkdir(exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(HEADER.encode())
        row = b"a@example.org,A,,en,\n" * 4096
        for _ in range(50 * 1024 * 1024 // len(row) + 1):
            handle.write(row)
    result = cli("lists", "check", "huge", ok=False)
    assert result.exit_code == 2
    assert result.stderr == f"error: {path}: the media list is 50 MB; the limit is 5 MB\n"


def test_a_list_that_is_not_utf8(cli: Cli, workspace: Path) -> None:
    path = workspace / "lists" / "latin.csv"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(HEADER.encode() + "a@example.org,Dara,Caf\xe9,en,\n".encode("latin-1"))
    result = cli("lists", "check", "latin", ok=False)
    assert (
        result.stderr == f"error: {path}:2: not UTF-8 text (byte 55); save the list as CSV UTF-8\n"
    )


def test_excel_bom_extra_columns_and_separators(tmp_path: Path) -> None:
    text = '\ufeffEmail,Name,Languages,Phone,Tags\nA@Example.org,A,"km; zh",+855 12,wire tv\n'
    media = parse_list("x", tmp_path / "x.csv", text)
    assert media.ok, media.problems
    assert media.ignored_columns == ["phone"]
    (recipient,) = media.recipients
    assert (recipient.email, recipient.languages, recipient.tags) == (
        "A@example.org",
        ("km", "zh-Hans"),
        ("wire", "tv"),
    )


# ---------------------------------------------------------------- hostile lists: nothing sent


HOSTILE = {
    "malformed address": "not-an-address,Bad,,en,\n",
    "unknown language": "a@example.org,A,,xx,\n",
    "formula injection": 'a@example.org,"=HYPERLINK(""http://evil.example.com"",""x"")",,en,\n',
    "header injection": '"a@example.org","Evil\r\nBcc: everyone@example.org",,en,\n',
    "header injection in outlet": 'a@example.org,A,"Outlet\nX-Evil: 1",en,\n',
}


@pytest.mark.xdist_group("mail")
@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_list_sends_nothing(
    mail_cli: Cli, mail_ws: Path, smtp_server: SmtpServer, case: str
) -> None:
    path = write_list(mail_ws, "hostile", HEADER + "good@example.org,Good,,en,\n" + HOSTILE[case])
    result = mail_cli("send", SAMPLE_SLUG, "--list", "hostile", ok=False)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}:3: "), result.stderr
    assert "see `publisher lists check hostile`" in result.stderr or result.stderr.count("\n") == 1
    assert smtp_server.recorder.count() == 0
    assert not (mail_ws / "releases" / SAMPLE_SLUG / "sends.jsonl").exists()


@pytest.mark.xdist_group("mail")
def test_a_missing_column_and_a_huge_list_send_nothing(
    mail_cli: Cli, mail_ws: Path, smtp_server: SmtpServer
) -> None:
    path = write_list(mail_ws, "nolangs", "email,name\na@example.org,A\n")
    result = mail_cli("send", SAMPLE_SLUG, "--list", "nolangs", ok=False)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}:1: missing column languages")
    huge = mail_ws / "lists" / "huge.csv"
    with open(huge, "wb") as handle:
        handle.write(HEADER.encode() + b"x" * (50 * 1024 * 1024))
    result = mail_cli("send", SAMPLE_SLUG, "--list", "huge", ok=False)
    assert result.stderr == f"error: {huge}: the media list is 50 MB; the limit is 5 MB\n"
    assert smtp_server.recorder.count() == 0
