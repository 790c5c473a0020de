"""`publisher send` against a real SMTP server (aiosmtpd, STARTTLS, AUTH): what every
journalist receives, checked on the bytes the server got, and the never-twice rules
across drops, 5xx replies, kills and changed releases."""

from __future__ import annotations

import base64
import email
import email.policy
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pyexiv2
import pytest
from PIL import Image

from publisher.core.approvals import load_catalog
from publisher.core.release import find_release
from publisher.core.sendlog import SendLog
from publisher.core.workspace import Workspace
from publisher.mail.flowed import unflowed
from publisher.mail.headers import check_header_lines
from tests.support.mail import (
    BIG_LIST_SIZE,
    LANG_CYCLE,
    PRESS,
    parse,
    rfc2047,
    set_smtp,
    smtp_section,
)
from tests.support.photos import CAPTIONS, add_approved_photo, noisy_jpeg, picture
from tests.support.smtp_server import PASSWORD, USER, Received, SmtpServer
from tests.support.workspace import SAMPLE_SLUG, SAMPLE_TITLE, Cli

pytestmark = [pytest.mark.xdist_group("mail")]

#: How many times the drop and kill tests run (MAIL_STRESS_REPEAT=20 for the 20-out-of-20 check).
REPEAT = int(os.environ.get("MAIL_STRESS_REPEAT", "1"))


def kill_points(count: int) -> list[tuple[int, float]]:
    """(messages received before the kill, server delay before answering DATA)."""
    fixed = [(3, 0.0), (11, 0.02), (25, 0.05)]
    if count <= 1:
        return fixed
    delays = [0.0, 0.01, 0.03, 0.05]
    return [(1 + (run * 7) % 36, delays[run % len(delays)]) for run in range(count)]


BIG = [f"reporter{i:03d}@example.org" for i in range(1, BIG_LIST_SIZE + 1)]


def by_recipient(received: list[Received]) -> Counter[str]:
    return Counter(address for message in received for address in message.recipients)


def titles(root: Path) -> dict[str, str]:
    ws = Workspace.load(root)
    release = find_release(ws.releases_dir, SAMPLE_SLUG)
    out = {"en": SAMPLE_TITLE}
    for lang in ("km", "zh-Hans"):
        out[lang] = load_catalog(release, lang).entries["title"].target
    return out


def send_log(root: Path) -> list[dict[str, object]]:
    return SendLog(root / "releases" / SAMPLE_SLUG).entries()


# --------------------------------------------------------------------------- what arrives


def test_each_journalist_gets_one_message_in_their_languages(
    mail_cli: Cli,
    mail_ws: Path,
    smtp_server: SmtpServer,
    built_pdfs: dict[str, bytes],
    built_photos: dict[str, bytes],
) -> None:
    result = mail_cli("send", SAMPLE_SLUG, "--list", "press")
    assert result.stdout == f"{SAMPLE_SLUG} to press: sent 7\n"
    assert "sending to 7 recipient(s)\n" in result.stderr
    received = smtp_server.recorder.received()
    assert by_recipient(received) == Counter({address: 1 for address in PRESS})
    expected_titles = titles(mail_ws)
    log = send_log(mail_ws)
    for item in received:
        assert len(item.recipients) == 1, "one message per journalist, nobody sees another"
        address = item.recipients[0]
        name, langs = PRESS[address]
        assert check_header_lines(item.data) == []
        message = parse(item.data)
        # Nobody sees another address: To is the journalist alone, no Cc or Bcc.
        assert message["To"].addresses[0].addr_spec == address
        assert len(message["To"].addresses) == 1 and message["Cc"] is None
        assert rfc2047(str(message.get("To"))) in (f"{name} <{address}>", address)
        assert message["Content-Language"] == ", ".join(langs)
        assert str(message["Subject"]) == f"MFAIC/2024/001 – {expected_titles[langs[0]]}"
        assert message["From"].addresses[0].addr_spec == "press-office@example.org"
        assert message["Reply-To"].addresses[0].addr_spec == "press-office@example.org"
        assert message["List-Id"] == "<press.example.org>"
        unsubscribe = "".join(str(message["List-Unsubscribe"]).split())
        assert unsubscribe == (
            "<https://press.example.org/unsubscribe?list=press&email="
            f"{address.replace('@', '%40')}>,<mailto:unsubscribe@example.org?subject="
            "unsubscribe%20press>"
        )
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert email.utils.parsedate_to_datetime(message["Date"]).tzinfo is not None
        msgid = message["Message-ID"]
        assert msgid.endswith("@example.org>")
        results = [e for e in log if e.get("message_id") == msgid]
        assert [e["event"] for e in results] == ["attempt", "commit", "result"]
        assert results[-1]["status"] == "sent" and results[-1]["code"] == 250
        # The PDFs of exactly their languages, byte for byte what `publisher build` wrote,
        # then the photo as `build` publishes it.
        attached = list(message.iter_attachments())
        pdfs, photos = attached[: len(langs)], attached[len(langs) :]
        assert [part.get_content_type() for part in pdfs] == ["application/pdf"] * len(langs)
        assert {p.get_filename(): p.get_content() for p in photos} == built_photos
        assert [part.get_content() for part in pdfs] == [built_pdfs[lang] for lang in langs]
        filenames = [part.get_filename() for part in pdfs]
        labels = {"en": "Press Release", "km": "សេចក្តីប្រកាសព័ត៌មាន", "zh-Hans": "新闻公报"}
        assert filenames == [f"{labels[lang]} MFAIC-2024-001.pdf" for lang in langs]
        # A plain-text body and an HTML alternative, each in their languages.
        plain = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        assert plain is not None and html is not None
        text, page = plain.get_content(), html.get_content()
        for lang in langs:
            assert " ".join(expected_titles[lang].split()) in " ".join(text.split())
        assert (
            f"Attached: {labels['en']} MFAIC-2024-001.pdf, phnom-penh-beijing.jpg" in text
            or langs[0] != "en"
        )
        for forbidden in ("<script", "<img", "<link", "<iframe", "<style", " src=", "url("):
            assert forbidden not in page.lower(), forbidden
        assert 'style="' in page  # the CSS is inlined
        assert f'lang="{langs[0]}"' in page


def test_messages_parse_with_a_second_parser(mail_cli: Cli, smtp_server: SmtpServer) -> None:
    """Python's legacy parser (compat32, a separate code path from policy.default) reads
    every header and part, and RFC 2047 decoding of its raw headers agrees."""
    mail_cli("send", SAMPLE_SLUG, "--list", "press")
    for item in smtp_server.recorder.received():
        legacy = email.message_from_bytes(item.data, policy=email.policy.compat32)
        modern = parse(item.data)
        assert not legacy.defects and not modern.defects
        assert rfc2047(str(legacy["Subject"])) == str(modern["Subject"])
        legacy_parts = [p.get_content_type() for p in legacy.walk()]
        modern_parts = [p.get_content_type() for p in modern.walk()]
        assert legacy_parts == modern_parts
        assert legacy_parts[:4] == [
            "multipart/mixed",
            "multipart/alternative",
            "text/plain",
            "text/html",
        ]
        for part in legacy.walk():
            if part.get_content_maintype() != "multipart":
                assert part.get_payload(decode=True)


def test_khmer_and_chinese_subjects_with_number_and_embargo_decode_exactly(
    mail_cli: Cli, mail_ws: Path, smtp_server: SmtpServer
) -> None:
    release_toml = mail_ws / "releases" / SAMPLE_SLUG / "release.toml"
    release_toml.write_text(
        release_toml.read_text(encoding="utf-8").replace(
            'number = "MFAIC/2024/001"',
            'number = "MFAIC/2024/031"\nembargo = 2024-12-02T08:00:00+07:00',
        ),
        encoding="utf-8",
    )
    mail_cli("send", SAMPLE_SLUG, "--list", "press")
    expected = titles(mail_ws)
    embargo = {
        "en": "EMBARGOED UNTIL 08:00, 2 December 2024 (Phnom Penh, UTC+07:00)",
        "km": "ហាមផ្សព្វផ្សាយមុនម៉ោង ០៨:០០ ថ្ងៃទី២ ខែធ្នូ ឆ្នាំ២០២៤ (ម៉ោងនៅភ្នំពេញ UTC+07:00)",
        "zh-Hans": "禁发至2024年12月2日8时（金边时间，UTC+07:00）",
    }
    seen = set()
    for item in smtp_server.recorder.received():
        message = parse(item.data)
        lang = PRESS[item.recipients[0]][1][0]
        subject = str(message["Subject"])
        raw = item.data.split(b"\r\n\r\n", 1)[0].decode("ascii")
        raw_subject = raw.split("\r\nSubject: ", 1)[1].split("\r\nDate:")[0]
        assert rfc2047(raw_subject) == subject  # an RFC 2047 decoder agrees with Python's
        assert subject.endswith(f" – MFAIC/2024/031 – {' '.join(expected[lang].split())}")
        assert subject.startswith(embargo[lang] + " – "), subject
        if lang in ("km", "zh-Hans"):
            assert raw_subject.startswith("=?utf-8?b?")
            words = raw_subject.split()
            assert all(len(w) <= 75 for w in words)
            # Each encoded-word alone decodes to whole characters.
            for word in words:
                base64.b64decode(word[10:-2]).decode("utf-8")
        assert check_header_lines(item.data) == []
        seen.add(lang)
    assert seen == {"en", "km", "zh-Hans"}


def test_implicit_tls_port(
    mail_cli: Cli, mail_ws: Path, smtp_certificate: tuple[Path, Path]
) -> None:
    server = SmtpServer(*smtp_certificate, implicit_tls=True)
    try:
        set_smtp(mail_ws, smtp_section(server, smtp_certificate[0], security="tls"))
        result = mail_cli("send", SAMPLE_SLUG, "--list", "press", "--tag", "wire")
        assert result.stdout == f"{SAMPLE_SLUG} to press: sent 3\n"
        assert by_recipient(server.recorder.received()) == Counter(
            {"li.wei@example.com": 1, "jane.doe@example.com": 1, "newsdesk@example.com": 1}
        )
    finally:
        server.stop()


def test_lang_option_sends_only_that_language(mail_cli: Cli, smtp_server: SmtpServer) -> None:
    result = mail_cli("send", SAMPLE_SLUG, "--list", "press", "--lang", "km", "--json")
    report = json.loads(result.stdout)
    assert report["counts"] == {"skipped": 3, "sent": 4}
    for item in smtp_server.recorder.received():
        assert parse(item.data)["Content-Language"] == "km"


# --------------------------------------------------------------------------- the rule


def test_a_journalist_who_reads_only_an_unapproved_language_is_skipped(
    mail_cli: Cli, smtp_server: SmtpServer
) -> None:
    mail_cli("reject", SAMPLE_SLUG, "--lang", "zh-Hans", "--segment", "s3", "--comment", "check")
    result = mail_cli("send", SAMPLE_SLUG, "--list", "press", ok=True)
    assert (
        "skipped: li.wei@example.com: asked only for zh-Hans, not approved for publishing "
        "(see `publisher status`)\n" in result.stderr
    )
    assert "not approved: zh-Hans: " in result.stderr
    assert result.stdout == f"{SAMPLE_SLUG} to press: sent 6, 1 skipped\n"
    received = {i.recipients[0]: parse(i.data) for i in smtp_server.recorder.received()}
    assert "li.wei@example.com" not in received  # never English instead
    assert received["wang.fang@example.com"]["Content-Language"] == "en"
    assert received["newsdesk@example.com"]["Content-Language"] == "en, km"
    for message in received.values():
        assert "zh-Hans" not in message["Content-Language"]


# --------------------------------------------------------------------------- failures


def test_a_5xx_for_one_address_is_recorded_and_the_others_are_delivered(
    mail_cli: Cli, mail_ws: Path, smtp_server: SmtpServer
) -> None:
    smtp_server.recorder.reject["jane.doe@example.com"] = (
        "550 5.1.1 <jane.doe@example.com>: no such user"
    )
    result = mail_cli("send", SAMPLE_SLUG, "--list", "press", ok=False)
    assert result.exit_code == 1
    assert "failed: jane.doe@example.com: 550 5.1.1 <jane.doe@example.com>: no such user\n" in (
        result.stderr
    )
    assert result.stdout == f"{SAMPLE_SLUG} to press: sent 6, 1 failed\n"
    assert set(by_recipient(smtp_server.recorder.received())) == set(PRESS) - {
        "jane.doe@example.com"
    }
    failed = [e for e in send_log(mail_ws) if e["event"] == "result" and e["status"] != "sent"]
    assert [(e["address"], e["status"], e["code"]) for e in failed] == [
        ("jane.doe@example.com", "failed", 550)
    ]
    again = mail_cli("send", SAMPLE_SLUG, "--list", "press", "--json", ok=False)
    report = json.loads(again.stdout)
    assert report["counts"] == {"already": 6, "failed": 1}


def test_a_4xx_is_retried_with_back_off_and_delivered_once(
    mail_cli: Cli, smtp_server: SmtpServer
) -> None:
    smtp_server.recorder.tempfail["li.wei@example.com"] = 2
    result = mail_cli("send", SAMPLE_SLUG, "--list", "press")
    assert result.stdout == f"{SAMPLE_SLUG} to press: sent 7\n"
    assert by_recipient(smtp_server.recorder.received())["li.wei@example.com"] == 1


def test_a_4xx_that_lasts_is_deferred_and_sent_on_the_next_run(
    mail_cli: Cli, smtp_server: SmtpServer
) -> None:
    smtp_server.recorder.tempfail["li.wei@example.com"] = 10
    result = mail_cli("send", SAMPLE_SLUG, "--list", "press", ok=False)
    assert "deferred: li.wei@example.com: 451 4.7.1 try again later\n" in result.stderr
    smtp_server.recorder.tempfail.clear()
    again = mail_cli("send", SAMPLE_SLUG, "--list", "press")
    assert again.stdout == f"{SAMPLE_SLUG} to press: sent 1, 6 already had it\n"
    assert by_recipient(smtp_server.recorder.received())["li.wei@example.com"] == 1


def run_drop_test(cli: Cli, server: SmtpServer) -> None:
    server.recorder.drop_after = 7
    first = cli("send", SAMPLE_SLUG, "--list", "big", ok=False)
    assert first.exit_code == 1
    assert "stopped: the connection to 127.0.0.1 was lost" in first.stdout
    assert first.stdout.startswith(f"{SAMPLE_SLUG} to big: sent 7, {BIG_LIST_SIZE - 7} not sent")
    got = [m.recipients[0] for m in server.recorder.received()]
    assert got == BIG[:7]
    server.recorder.down = False
    server.recorder.drop_after = None
    second = cli("send", SAMPLE_SLUG, "--list", "big")
    assert f"resuming: 7 recipient(s) already have this edition; {BIG_LIST_SIZE - 7} to send" in (
        second.stderr
    )
    assert second.stdout == f"{SAMPLE_SLUG} to big: sent {BIG_LIST_SIZE - 7}, 7 already had it\n"
    got = [m.recipients[0] for m in server.recorder.received()]
    assert got == BIG[:7] + BIG[7:], "the second send delivers messages 8 onward, each once"


@pytest.mark.parametrize("run", range(REPEAT))
def test_a_server_that_drops_after_the_7th_message(
    mail_cli: Cli, smtp_server: SmtpServer, run: int
) -> None:
    run_drop_test(mail_cli, smtp_server)


# --------------------------------------------------------------------------- kills


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _publisher(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "publisher", "--workspace", str(root), *args]


def run_kill_test(root: Path, server: SmtpServer, kill_after: int, delay: float) -> None:
    """Kill `publisher send` with SIGKILL once the server has `kill_after` messages (the server
    answering each DATA after `delay`, so some kills land between the "." and the reply);
    a second send completes the list. Across both, nobody has two copies."""
    env = dict(os.environ, PUBLISHER_SMTP_PASSWORD=PASSWORD)
    server.recorder.delay = delay
    with subprocess.Popen(
        _publisher(root, "send", SAMPLE_SLUG, "--list", "big"),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        deadline = time.monotonic() + 60
        while server.recorder.count() < kill_after and time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            time.sleep(0.002)
        time.sleep(random.uniform(0, delay or 0.01))
        proc.send_signal(signal.SIGKILL)
        _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL, stderr
    first = by_recipient(server.recorder.received())
    server.recorder.delay = 0
    second = subprocess.run(
        _publisher(root, "send", SAMPLE_SLUG, "--list", "big", "--json"),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = json.loads(second.stdout)
    total = by_recipient(server.recorder.received())
    assert max(total.values()) == 1, f"someone got two copies: {total.most_common(3)}"
    held = {o["address"] for o in report["recipients"] if o["status"] == "held"}
    # Held back: the kill came after the message was handed over (its commit is logged,
    # its reply is not): the server may or may not have it, and has it at most once.
    # Everyone else has it exactly once; the second run sent to everyone the first missed.
    missing = set(BIG) - set(total) - held
    assert not missing, (
        missing,
        [o for o in report["recipients"] if o["address"] in missing],
        [e for e in send_log(root) if e.get("address") in missing],
    )
    assert report["counts"].get("sent", 0) == len(set(BIG) - set(first) - held)
    assert second.returncode == (1 if held else 0), second.stderr
    delivered = len(held & set(total))
    print(
        f"kill after {kill_after} (delay {delay}): first run {len(first)}, held {len(held)} "
        f"(delivered {delivered})"
    )


@pytest.mark.parametrize(("kill_after", "delay"), kill_points(REPEAT))
def test_sigkill_while_sending_never_sends_twice(
    mail_ws: Path, smtp_server: SmtpServer, kill_after: int, delay: float
) -> None:
    run_kill_test(mail_ws, smtp_server, kill_after, delay)


def test_unconfirmed_messages_are_held_until_asked(
    mail_cli: Cli, mail_ws: Path, smtp_server: SmtpServer
) -> None:
    """A log that ends after a message's commit (a kill between the "." and the reply):
    the next send holds that journalist back and says why; --resend-unconfirmed sends."""
    mail_cli("send", SAMPLE_SLUG, "--list", "press", "--tag", "tv")
    log_path = mail_ws / "releases" / SAMPLE_SLUG / "sends.jsonl"
    lines = log_path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["event"] for line in lines] == ["attempt", "commit", "result"]
    log_path.write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")  # no result
    result = mail_cli("send", SAMPLE_SLUG, "--list", "press", "--tag", "tv", ok=False)
    assert result.exit_code == 1
    assert "held back: tep.vannak@example.org: handed to the server on " in result.stderr
    assert "--resend-unconfirmed if it was not" in result.stderr
    assert result.stdout == f"{SAMPLE_SLUG} to press: sent 0, 1 held back\n"
    assert smtp_server.recorder.count() == 1
    result = mail_cli("send", SAMPLE_SLUG, "--list", "press", "--tag", "tv", "--resend-unconfirmed")
    assert result.stdout == f"{SAMPLE_SLUG} to press: sent 1\n"
    assert smtp_server.recorder.count() == 2


def test_an_attempt_that_never_reached_the_server_is_sent_again(
    mail_cli: Cli, mail_ws: Path, smtp_server: SmtpServer
) -> None:
    log = SendLog(mail_ws / "releases" / SAMPLE_SLUG)
    mail_cli(
        "send",
        SAMPLE_SLUG,
        "--list",
        "press",
        "--tag",
        "tv",
        "--dry-run",
        "--out",
        str(mail_ws.parent / "out"),
    )
    log.write(
        "attempt",
        address="tep.vannak@example.org",
        langs=["km", "en"],
        edition="x",
        message_id="<lost@example.org>",
        list="press",
    )
    result = mail_cli("send", SAMPLE_SLUG, "--list", "press", "--tag", "tv")
    assert result.stdout == f"{SAMPLE_SLUG} to press: sent 1\n"


# --------------------------------------------------------------------------- editions


def test_a_changed_release_is_a_new_edition_that_needs_resend(
    mail_cli: Cli, mail_ws: Path, smtp_server: SmtpServer
) -> None:
    mail_cli("send", SAMPLE_SLUG, "--list", "press")
    release_toml = mail_ws / "releases" / SAMPLE_SLUG / "release.toml"
    release_toml.write_text(
        release_toml.read_text(encoding="utf-8").replace("MFAIC/2024/001", "MFAIC/2024/032"),
        encoding="utf-8",
    )
    result = mail_cli("send", SAMPLE_SLUG, "--list", "press", ok=False)
    assert result.exit_code == 2
    assert "the release changed since it was sent: 7 recipient(s) already had an earlier " in (
        result.stderr
    )
    assert "sok.dara@example.org, chan.sophea@example.org" in result.stderr
    assert "Add --resend to send them the new edition" in result.stderr
    assert smtp_server.recorder.count() == 7
    result = mail_cli("send", SAMPLE_SLUG, "--list", "press", "--resend")
    assert "sok.dara@example.org had the earlier edition (sent " in result.stderr
    assert result.stdout == f"{SAMPLE_SLUG} to press: sent 7\n"
    assert max(by_recipient(smtp_server.recorder.received()).values()) == 2
    again = mail_cli("send", SAMPLE_SLUG, "--list", "press", "--resend")
    assert again.stdout == f"{SAMPLE_SLUG} to press: sent 0, 7 already had it\n"


def test_two_sends_of_one_release_cannot_interleave(
    mail_cli: Cli, mail_ws: Path, smtp_server: SmtpServer
) -> None:
    with SendLog(mail_ws / "releases" / SAMPLE_SLUG).locked():
        result = mail_cli("send", SAMPLE_SLUG, "--list", "press", ok=False)
    assert result.exit_code == 2
    assert "another `publisher send` of this release is running" in result.stderr
    assert smtp_server.recorder.count() == 0


# --------------------------------------------------------------------------- secrets


def test_the_password_appears_in_no_file_log_or_output(
    mail_cli: Cli, mail_ws: Path, smtp_server: SmtpServer
) -> None:
    smtp_server.recorder.reject["jane.doe@example.com"] = f"550 5.7.1 echo {PASSWORD}"
    outputs = [
        mail_cli("send", SAMPLE_SLUG, "--list", "press", ok=False),
        mail_cli("send", SAMPLE_SLUG, "--list", "press", "--json", ok=False),
        mail_cli(
            "send",
            SAMPLE_SLUG,
            "--list",
            "press",
            "--dry-run",
            "--out",
            str(mail_ws / "outbox"),
            ok=False,
        ),
        mail_cli("send", SAMPLE_SLUG, "--list", "press", "--test-to", "officer@example.org"),
    ]
    assert smtp_server.recorder.auth_attempts[0] == ("PLAIN", USER)
    forms = [
        PASSWORD,
        base64.b64encode(PASSWORD.encode()).decode(),
        base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode(),
    ]
    for output in outputs:
        for form in forms:
            assert form not in output.stdout and form not in output.stderr
    assert "550 5.7.1 echo [redacted]" in outputs[0].stderr
    for path in mail_ws.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for form in forms:
                assert form.encode() not in data, path


def test_a_wrong_password_is_a_clear_error_and_nothing_is_logged(
    mail_cli: Cli, mail_ws: Path, smtp_server: SmtpServer
) -> None:
    result = mail_cli(
        "send",
        SAMPLE_SLUG,
        "--list",
        "press",
        env={"PUBLISHER_SMTP_PASSWORD": "wrong"},
        ok=False,
    )
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"error: 127.0.0.1 refused the login of '{USER}': 535 5.7.8 Authentication credentials "
        "invalid (check PUBLISHER_SMTP_PASSWORD)"
    ), result.stderr
    assert smtp_server.recorder.count() == 0
    assert not (mail_ws / "releases" / SAMPLE_SLUG / "sends.jsonl").exists()


def test_no_password_and_a_password_in_the_config_are_refused(
    mail_cli: Cli, mail_ws: Path, smtp_server: SmtpServer, smtp_certificate: tuple[Path, Path]
) -> None:
    result = mail_cli(
        "send", SAMPLE_SLUG, "--list", "press", env={"PUBLISHER_SMTP_PASSWORD": ""}, ok=False
    )
    assert result.exit_code == 2
    assert "no password is set: export PUBLISHER_SMTP_PASSWORD" in result.stderr
    set_smtp(mail_ws, smtp_section(smtp_server, smtp_certificate[0], password="hunter2"))
    result = mail_cli("send", SAMPLE_SLUG, "--list", "press", ok=False)
    assert result.exit_code == 2
    config = mail_ws / "publisher.toml"
    line = next(i for i, t in enumerate(config.read_text().splitlines(), 1) if "hunter2" in t)
    assert result.stderr.startswith(f"error: {config}:{line}: [smtp] a password may not be stored")
    assert "hunter2" not in result.stderr
    assert smtp_server.recorder.count() == 0


def test_an_untrusted_certificate_is_refused(
    mail_cli: Cli, mail_ws: Path, smtp_server: SmtpServer, smtp_certificate: tuple[Path, Path]
) -> None:
    section = smtp_section(smtp_server, smtp_certificate[0])
    del section["ca_file"]
    set_smtp(mail_ws, section)
    result = mail_cli("send", SAMPLE_SLUG, "--list", "press", ok=False)
    assert result.exit_code == 2
    assert "the certificate of 127.0.0.1 is not trusted" in result.stderr
    assert smtp_server.recorder.count() == 0


# --------------------------------------------------------------------------- dry run, test


def test_dry_run_writes_one_eml_per_recipient_and_sends_nothing(
    mail_cli: Cli,
    mail_ws: Path,
    smtp_server: SmtpServer,
    built_pdfs: dict[str, bytes],
    built_photos: dict[str, bytes],
) -> None:
    out = mail_ws.parent / "outbox"
    result = mail_cli("send", SAMPLE_SLUG, "--list", "press", "--dry-run", "--out", str(out))
    assert result.stdout == f"{SAMPLE_SLUG} to press: wrote 7 message(s) to {out}; sent nothing\n"
    files = sorted(out.glob("*.eml"))
    assert [f.name.split("-", 1)[1] for f in files] == [f"{a}.eml" for a in PRESS]
    expected = titles(mail_ws)
    for path in files:
        data = path.read_bytes()
        assert check_header_lines(data) == []
        message = parse(data)
        address = message["To"].addresses[0].addr_spec
        langs = PRESS[address][1]
        assert str(message["Subject"]) == f"MFAIC/2024/001 – {expected[langs[0]]}"
        assert [p.get_content() for p in message.iter_attachments()] == [
            *(built_pdfs[lang] for lang in langs),
            *built_photos.values(),
        ]
    assert smtp_server.recorder.count() == 0
    assert not (mail_ws / "releases" / SAMPLE_SLUG / "sends.jsonl").exists()
    again = mail_cli("send", SAMPLE_SLUG, "--list", "press", "--dry-run", "--out", str(out))
    assert again.exit_code == 0 and len(list(out.glob("*.eml"))) == 7
    elsewhere = mail_ws.parent / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "notes.txt").write_text("mine")
    refused = mail_cli(
        "send", SAMPLE_SLUG, "--list", "press", "--dry-run", "--out", str(elsewhere), ok=False
    )
    assert refused.exit_code == 2 and "is not empty and was not written by a dry run" in (
        refused.stderr
    )


def test_test_to_sends_one_copy_of_each_language_version_first(
    mail_cli: Cli, mail_ws: Path, smtp_server: SmtpServer
) -> None:
    result = mail_cli("send", SAMPLE_SLUG, "--list", "press", "--test-to", "officer@example.org")
    assert result.stdout == (
        f"{SAMPLE_SLUG} to press: sent 6 test message(s); the list was not sent to\n"
    )
    received = smtp_server.recorder.received()
    assert by_recipient(received) == Counter({"officer@example.org": 6})
    versions = sorted(parse(m.data)["Content-Language"] for m in received)
    assert versions == ["en", "en, zh-Hans, km", "km", "km, en", "zh-Hans", "zh-Hans, en"]
    subjects = [str(parse(m.data)["Subject"]) for m in received]
    assert sorted(s.split("]")[0] + "]" for s in subjects) == [
        "[TEST en+zh-Hans+km]",
        "[TEST en]",
        "[TEST km+en]",
        "[TEST km]",
        "[TEST zh-Hans+en]",
        "[TEST zh-Hans]",
    ]
    real = mail_cli("send", SAMPLE_SLUG, "--list", "press")
    assert real.stdout == f"{SAMPLE_SLUG} to press: sent 7\n"


def test_big_list_languages(mail_cli: Cli, smtp_server: SmtpServer) -> None:
    mail_cli("send", SAMPLE_SLUG, "--list", "big", "--tag", "wire")
    received = smtp_server.recorder.received()
    assert len(received) == len([i for i in range(1, BIG_LIST_SIZE + 1) if i % 3 == 0])
    for item in received:
        index = int(item.recipients[0][8:11])
        langs = LANG_CYCLE[(index - 1) % len(LANG_CYCLE)]
        assert parse(item.data)["Content-Language"] == ", ".join(langs)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_stop_cleanly_and_the_next_send_resumes(
    mail_ws: Path, smtp_server: SmtpServer, signum: int
) -> None:
    env = dict(os.environ, PUBLISHER_SMTP_PASSWORD=PASSWORD)
    smtp_server.recorder.delay = 0.02
    proc = subprocess.Popen(
        _publisher(mail_ws, "send", SAMPLE_SLUG, "--list", "big"),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # as from a terminal: a test run started in the background (`make test &`) has
        # SIGINT ignored, which Python, and so the command, would inherit
        preexec_fn=_default_sigint,
    )
    deadline = time.monotonic() + 60
    while smtp_server.recorder.count() < 5 and time.monotonic() < deadline:
        time.sleep(0.005)
    proc.send_signal(signum)
    stdout, _ = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert stdout.startswith(f"{SAMPLE_SLUG} to big: sent ")
    assert stdout.endswith(" not sent (stopped: interrupted)\n"), stdout
    smtp_server.recorder.delay = 0
    second = subprocess.run(
        _publisher(mail_ws, "send", SAMPLE_SLUG, "--list", "big", "--json"),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = json.loads(second.stdout)
    total = by_recipient(smtp_server.recorder.received())
    assert max(total.values()) == 1
    held = {o["address"] for o in report["recipients"] if o["status"] == "held"}
    assert set(total) | held == set(BIG)


def test_photos_and_the_contacts_reply_to(
    mail_cli: Cli, mail_ws: Path, smtp_server: SmtpServer, smtp_certificate: tuple[Path, Path]
) -> None:
    """Photos travel as attachments while they fit max_attachment_mb, else as a link; with no
    reply_to, Reply-To is the first contact with an e-mail, named in the reader's language."""
    visit = mail_ws.parent / "visit.png"
    visit.write_bytes(picture(64, 48, "PNG"))
    add_approved_photo(mail_cli, mail_ws, SAMPLE_SLUG, visit)
    section = smtp_section(
        smtp_server, smtp_certificate[0], photos_url="https://press.example.org/p/{release}/"
    )
    del section["reply_to"]
    set_smtp(mail_ws, section)
    # the shipped publisher.toml names the spokesperson first, with their Khmer name
    mail_cli("send", SAMPLE_SLUG, "--list", "press", "--tag", "radio", "--tag", "wire")
    received = {i.recipients[0]: parse(i.data) for i in smtp_server.recorder.received()}
    khmer = received["chan.sophea@example.org"]
    assert rfc2047(str(khmer.get("Reply-To"))) == "លោក សុខ ដារា <spokesperson@mfaic.gov.kh>"
    english = received["jane.doe@example.com"]
    assert str(english["Reply-To"]) == "Mr Sok Dara <spokesperson@mfaic.gov.kh>"
    attached = {p.get_filename(): p.get_content() for p in english.iter_attachments()}
    # the photo as `build` publishes it: its pixels, and the captions in its metadata
    with pyexiv2.ImageData(attached["visit.png"]) as sent:
        assert sent.read_iptc()["Iptc.Application2.Caption"] == CAPTIONS["en"]
        assert sent.read_xmp()["Xmp.dc.description"]['lang="km"'] == CAPTIONS["km"]
    assert Image.open(io.BytesIO(attached["visit.png"])).tobytes() == (Image.open(visit).tobytes())
    plain = english.get_body(("plain",))
    assert plain is not None
    assert "Attached: Press Release MFAIC-2024-001.pdf, phnom-penh-beijing.jpg, visit.png" in (
        unflowed(plain.get_content().replace("\r\n", "\n"))
    )
    # Over the cap: a link instead of the photo.
    mail_ws.joinpath("releases", SAMPLE_SLUG, "sends.jsonl").unlink()
    big = mail_ws.parent / "big.jpg"
    big.write_bytes(noisy_jpeg(3000, 2000))  # about 7 MB; the PDF shows it at 300 dpi: ~1.3 MB
    add_approved_photo(mail_cli, mail_ws, SAMPLE_SLUG, big)
    section["max_attachment_mb"] = 4
    set_smtp(mail_ws, section)
    smtp_server.recorder.reset()
    mail_cli("send", SAMPLE_SLUG, "--list", "press", "--tag", "wire", "--lang", "en")
    message = parse(smtp_server.recorder.received()[0].data)
    assert [p.get_filename() for p in message.iter_attachments()] == [
        "Press Release MFAIC-2024-001.pdf"
    ]
    plain = message.get_body(("plain",))
    assert plain is not None
    text = unflowed(plain.get_content().replace("\r\n", "\n"))
    assert f"Photos: https://press.example.org/p/{SAMPLE_SLUG}/" in text
