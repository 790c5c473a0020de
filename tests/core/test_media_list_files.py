"""Media lists as an attacker writes them (issue 20, items 4 and 9).

A list is a workspace file: a symbolic link in `lists/` is refused by `lists show`,
`lists check` and `send` alike, and nothing of the file it points to is printed; a
file that is not a list is never echoed. Every cell a spreadsheet would run as a
formula is refused, the address included, and every bad line of a list is reported
in one run, each as `file:line: message`.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.support.workspace import SAMPLE_SLUG, Cli

HEADER = "email,name,outlet,languages,tags\n"
OUTSIDE = "email,name,outlet,languages,tags\nsecret.contact@example.org,Secret Contact,,en,\n"


def _linked_list(workspace: Path, target: Path) -> Path:
    link = workspace / "lists" / "press.csv"
    link.parent.mkdir(exist_ok=True)
    link.unlink(missing_ok=True)  # `init` may have made an empty list
    link.symlink_to(target)
    return link


def test_lists_show_and_check_refuse_a_list_that_is_a_link(
    cli: Cli, workspace: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere.csv"
    outside.write_text(OUTSIDE, encoding="utf-8")
    link = _linked_list(workspace, outside)
    said = (
        f"error: {link}: is a symbolic link (to {outside}); files of a workspace must be "
        "regular files inside it: replace the link with the file itself\n"
    )
    for args in (("lists", "show", "press"), ("lists", "check", "press"), ("lists", "check")):
        result = cli(*args, ok=False)
        assert (result.exit_code, result.stdout, result.stderr) == (2, "", said), args
    result = cli(
        "lists", "add", "press", "new@example.org", "--name", "N", "--lang", "en", ok=False
    )
    assert (result.exit_code, result.stderr) == (2, said)
    assert outside.read_text(encoding="utf-8") == OUTSIDE


def test_send_refuses_a_list_that_is_a_link_and_writes_no_message(
    cli: Cli, repo_workspace: Path, tmp_path: Path
) -> None:
    cli = Cli(repo_workspace)
    outside = tmp_path / "elsewhere.csv"
    outside.write_text(OUTSIDE, encoding="utf-8")
    link = _linked_list(repo_workspace, outside)
    out = tmp_path / "eml"
    result = cli("send", SAMPLE_SLUG, "--list", "press", "--dry-run", "--out", str(out), ok=False)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {link}: is a symbolic link (to {outside})")
    assert "secret.contact" not in result.stdout + result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_a_link_to_a_system_file_is_never_echoed(cli: Cli, workspace: Path) -> None:
    (workspace / "lists").mkdir(exist_ok=True)
    (workspace / "lists" / "evil.csv").symlink_to("/etc/passwd")
    result = cli("lists", "show", "evil", ok=False)
    assert result.exit_code == 2
    assert "root:" not in result.stdout + result.stderr
    assert "is a symbolic link (to /etc/passwd)" in result.stderr


def test_a_file_that_is_not_a_list_is_not_echoed(cli: Cli, workspace: Path) -> None:
    path = workspace / "lists" / "copied.csv"
    path.parent.mkdir(exist_ok=True)
    path.write_text(
        "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n",
        encoding="utf-8",
    )
    result = cli("lists", "show", "copied", ok=False)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {path}:1: the first line is not the header row of a media list (it needs the "
        "columns email, name, languages; expected email,name,outlet,languages,tags)\n"
    )


def test_a_header_row_with_a_missing_column_still_names_what_it_found(
    cli: Cli, workspace: Path
) -> None:
    path = workspace / "lists" / "press.csv"
    path.parent.mkdir(exist_ok=True)
    path.write_text("email,name,outlet\nsok@example.org,Sok,Daily\n", encoding="utf-8")
    result = cli("lists", "check", "press", ok=False)
    assert result.stderr == (
        f"error: {path}:1: missing column languages in the header row (expected "
        "email,name,outlet,languages,tags; found email,name,outlet)\n"
    )


def test_every_formula_cell_and_every_bad_line_is_reported_in_one_run(
    cli: Cli, workspace: Path
) -> None:
    path = workspace / "lists" / "press.csv"
    path.parent.mkdir(exist_ok=True)
    path.write_text(
        HEADER
        + "-cmd@example.org,Minus,,en,\n"  # 2
        + "ok.one@example.org,Ok One,,en,\n"  # 3
        + '"broken"quote@example.org,Broken,,en,\n'  # 4: malformed CSV
        + "+plus@example.org,Plus,,km,\n"  # 5
        + "=eq@example.org,Equals,,en,\n"  # 6
        + "@at@example.org,At,,en,\n"  # 7
        + 'ok.two@example.org,=HYPERLINK("http://x"),,en,\n'  # 8
        + "ok.three@example.org,Ok Three,,en,\n",  # 9
        encoding="utf-8",
    )
    result = cli("lists", "check", "press", ok=False)
    assert result.exit_code == 2
    formula = "which a spreadsheet runs as a formula"
    lines = result.stderr.splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == [
        f"{path}:{n}" for n in (2, 4, 5, 6, 7, 8)
    ], result.stderr
    assert f"{path}:2: email starts with '-', {formula}" in lines[0]
    assert "malformed CSV" in lines[1]
    assert f"{path}:5: email starts with '+', {formula}" in lines[2]
    assert f"{path}:6: email starts with '=', {formula}" in lines[3]
    assert f"{path}:7: email starts with '@', {formula}" in lines[4]
    assert f"{path}:8: name starts with '=', {formula}" in lines[5]
    assert result.stdout == "press: 2 valid recipient(s), 6 problem(s)\n"
    assert os.path.getsize(path) > 0


def test_an_address_added_with_a_formula_character_is_written_as_text(
    cli: Cli, workspace: Path
) -> None:
    cli("lists", "add", "press", "+news@example.org", "--name", "News Desk", "--lang", "en")
    path = workspace / "lists" / "press.csv"
    assert path.read_text(encoding="utf-8") == HEADER + "'+news@example.org,News Desk,,en,\n"
    assert cli("lists", "check", "press").stdout == "press: 1 valid recipient(s), ok\n"
    shown = cli("lists", "show", "press").stdout
    assert "  +news@example.org\tNews Desk\ten\n" in shown
