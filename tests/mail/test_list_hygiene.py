"""Media-list hygiene (issue 23, point 6): `lists import` from a spreadsheet's export (its
encoding and delimiter found, every bad line as file:line, never half an import), `lists
export`, and the unsubscribe record that outlives edits and re-imports: an address that
unsubscribed is never mailed again."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from tests.support.mail import PRESS
from tests.support.smtp_server import SmtpServer
from tests.support.workspace import SAMPLE_SLUG, Cli

pytestmark = [pytest.mark.xdist_group("mail")]


def test_import_finds_the_encoding_and_the_delimiter(
    mail_cli: Cli, mail_ws: Path, tmp_path: Path
) -> None:
    # A German Excel's "CSV (Trennzeichen-getrennt)": Windows-1252, semicolons, CRLF.
    legacy = tmp_path / "presse.csv"
    legacy.write_bytes(
        b"Phone;Name;Outlet;Languages;Email;Tags\r\n"
        + "+855 12 345;José Müller;Zeitung Köln;en;jose@example.de;print\r\n".encode("cp1252")
        + "+855 12 346;Zoë Ærø;Ålesund Avis;en;zoe@example.no;\r\n".encode("cp1252")
    )
    result = mail_cli("lists", "import", str(legacy), "--list", "europe")
    assert result.stdout == (
        "imported 2 recipient(s) into lists/europe.csv (cp1252, semicolon-separated; "
        "columns not kept: phone)\n"
    )
    assert (mail_ws / "lists" / "europe.csv").read_text(encoding="utf-8") == (
        "email,name,outlet,languages,tags\n"
        "jose@example.de,José Müller,Zeitung Köln,en,print\n"
        "zoe@example.no,Zoë Ærø,Ålesund Avis,en,\n"
    )
    # Excel's "Unicode Text": UTF-16 with a BOM, tab-separated; Khmer and Chinese names.
    unicode_text = tmp_path / "asia.txt"
    unicode_text.write_bytes(
        codecs.BOM_UTF16_LE
        + (
            "email\tname\tlanguages\r\n"
            "dara@example.org\tសុខ ដារា\tkm\r\n"
            "wei@example.com\t李伟\tzh-Hans en\r\n"
        ).encode("utf-16-le")
    )
    result = mail_cli("lists", "import", str(unicode_text), "--list", "asia")
    assert "imported 2 recipient(s) into lists/asia.csv (utf-16, tab-separated)" in result.stdout
    shown = mail_cli("lists", "show", "asia").stdout
    assert "dara@example.org\tសុខ ដារា\tkm" in shown and "李伟\tzh-Hans en" in shown


def test_import_reports_every_bad_line_and_writes_nothing(
    mail_cli: Cli, mail_ws: Path, tmp_path: Path
) -> None:
    before = (mail_ws / "lists" / "press.csv").read_bytes()
    source = tmp_path / "new.csv"
    source.write_text(
        "email,name,languages\n"
        "good@example.org,Good,en\n"
        "not-an-address,Bad Address,en\n"
        'x@example.org,=HYPERLINK("http://evil"),km\n'
        "y@example.org,Unknown Language,fr\n"
        "good@example.org,Twice,en\n",
        encoding="utf-8",
    )
    result = mail_cli("lists", "import", str(source), "--list", "press", "--replace", ok=False)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert [line.split(": ")[0] for line in lines[:-1]] == [
        f"{source}:3",
        f"{source}:4",
        f"{source}:5",
        f"{source}:6",
    ]
    assert lines[-1] == f"{source}: 4 problem(s); nothing was imported"
    assert (mail_ws / "lists" / "press.csv").read_bytes() == before
    # Without --replace an existing list is never overwritten.
    fine = tmp_path / "fine.csv"
    fine.write_text("email,name,languages\nok@example.org,OK,en\n", encoding="utf-8")
    refused = mail_cli("lists", "import", str(fine), "--list", "press", ok=False)
    assert refused.exit_code == 2 and "add --replace" in refused.stderr
    assert (mail_ws / "lists" / "press.csv").read_bytes() == before
    # A file that is no list at all: a clear message, exit 2.
    junk = tmp_path / "junk.csv"
    junk.write_text("hello world\n", encoding="utf-8")
    bad = mail_cli("lists", "import", str(junk), "--list", "other", ok=False)
    assert bad.exit_code == 2 and f"{junk}:1: " in bad.stderr
    assert not (mail_ws / "lists" / "other.csv").exists()


def test_export_then_import_gives_the_same_list(
    mail_cli: Cli, mail_ws: Path, tmp_path: Path
) -> None:
    out = tmp_path / "press-export.csv"
    mail_cli("lists", "export", "press", "--out", str(out))
    data = out.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    before = mail_cli("lists", "show", "press").stdout
    mail_cli("lists", "import", str(out), "--list", "press", "--replace")
    assert mail_cli("lists", "show", "press").stdout == before
    printed = mail_cli("lists", "export", "press").stdout
    assert printed == data.decode("utf-8-sig")


def test_an_unsubscribed_address_is_never_mailed_again(
    mail_cli: Cli, mail_ws: Path, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    result = mail_cli("lists", "unsubscribe", "press", "Sok.Dara@example.org")
    assert result.stdout == (
        "unsubscribed sok.dara@example.org from press (recorded in lists/unsubscribed.txt)\n"
    )
    # The office pastes what the one-click endpoint logged.
    record = mail_ws / "lists" / "unsubscribed.txt"
    with record.open("a", encoding="utf-8") as handle:
        handle.write(
            '127.0.0.1 - - [07/Dec/2026:09:12:00 +0700] "POST '
            '/unsubscribe?list=press&email=li.wei%40example.com HTTP/1.1" 200\n'
        )
    sent = mail_cli("send", SAMPLE_SLUG, "--list", "press")
    mailed = {r for item in smtp_server.recorder.received() for r in item.recipients}
    assert mailed == set(PRESS) - {"sok.dara@example.org", "li.wei@example.com"}
    assert "skipped: sok.dara@example.org: unsubscribed (unsubscribed.txt:1)" in sent.stderr
    assert "skipped: li.wei@example.com: unsubscribed (unsubscribed.txt:2)" in sent.stderr
    # Re-imported from an old spreadsheet: they are left out, and still never mailed.
    old = tmp_path / "old.csv"
    old.write_text((mail_ws / "lists" / "press.csv").read_text(encoding="utf-8"), "utf-8")
    imported = mail_cli("lists", "import", str(old), "--list", "press", "--replace")
    assert "left out sok.dara@example.org: unsubscribed (unsubscribed.txt:1)" in imported.stderr
    assert "sok.dara@example.org" not in (mail_ws / "lists" / "press.csv").read_text("utf-8")
    (mail_ws / "lists" / "press.csv").write_text(
        old.read_text(encoding="utf-8"), encoding="utf-8"
    )  # or put back by hand
    (mail_ws / "releases" / SAMPLE_SLUG / "sends.jsonl").unlink()
    smtp_server.recorder.reset()
    mail_cli("send", SAMPLE_SLUG, "--list", "press")
    mailed = {r for item in smtp_server.recorder.received() for r in item.recipients}
    assert "sok.dara@example.org" not in mailed and "li.wei@example.com" not in mailed
    assert len(mailed) == len(PRESS) - 2


def test_an_unreadable_unsubscribe_record_stops_the_send(
    mail_cli: Cli, mail_ws: Path, smtp_server: SmtpServer
) -> None:
    record = mail_ws / "lists" / "unsubscribed.txt"
    record.write_text("press sok.dara@example.org\npress\n", encoding="utf-8")
    result = mail_cli("send", SAMPLE_SLUG, "--list", "press", ok=False)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {record}:2: expected `LIST ADDRESS` (or a logged URL with list= and email=)\n"
    )
    assert smtp_server.recorder.received() == []


def test_import_refuses_a_file_that_mixes_encodings(
    mail_cli: Cli, mail_ws: Path, tmp_path: Path
) -> None:
    """A UTF-8 export with lines pasted from an old Windows-1252 one: read as either, one
    name would be imported as mojibake (`CafÃ©`); nothing is written, the line is named."""
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes(
        b"email,name,languages\n"
        + "jose@example.de,José Müller,en\n".encode()
        + b"ok@example.org,Plain,en\n"
        + "zoe@example.no,Zoë Ærø,en\n".encode("cp1252")
    )
    refused = mail_cli("lists", "import", str(mixed), "--list", "mixed", ok=False)
    assert (refused.exit_code, refused.stdout) == (2, "")
    assert refused.stderr == (
        f"error: {mixed}:4: this line is not UTF-8, but line 2 is: the file mixes encodings "
        "(lines pasted from another file?); save it from the spreadsheet as CSV UTF-8, or give "
        "--encoding\n"
    )
    assert not (mail_ws / "lists" / "mixed.csv").exists()
