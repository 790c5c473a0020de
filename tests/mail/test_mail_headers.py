"""Hand-written RFC 2047 headers: any subject or name, in any script, decodes back exactly and
stays within the line and word limits; settings errors name publisher.toml's line."""

from __future__ import annotations

import base64
import email
import email.policy
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.errors import MailError
from publisher.mail.headers import check_header_lines, mailbox, unstructured
from publisher.mail.settings import load_settings
from tests.support.mail import rfc2047

KHMER = "".join(chr(c) for c in range(0x1780, 0x17DD)) + "\u200b"
CJK = "洪森亲王将对中国进行正式友好访问柬埔寨王国民族宗教国王，。“”（）"
LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789 .,:;()?=_-–\"'/"
texts = st.text(alphabet=st.sampled_from(KHMER + CJK + LATIN + " 😀é"), min_size=1, max_size=300)


def raw_header(name: str, value: str) -> bytes:
    return f"{name}: {value}\r\n\r\n".encode("ascii")


@settings(max_examples=300, deadline=None)
@given(texts)
def test_any_subject_decodes_back_exactly_within_the_limits(text: str) -> None:
    expected = " ".join(text.split())
    if not expected:
        return
    value = unstructured("Subject", text)
    data = raw_header("Subject", value)
    assert check_header_lines(data) == []
    for line in data.decode().split("\r\n"):
        assert len(line) <= 78
    for word in value.split():
        if word.startswith("=?"):
            assert len(word) <= 75
            base64.b64decode(word[10:-2]).decode("utf-8")  # whole characters in each word
    assert "?==?" not in value
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert str(parsed["Subject"]) == expected
    assert rfc2047(value) == expected


@settings(max_examples=200, deadline=None)
@given(texts)
def test_any_display_name_decodes_back_exactly(name: str) -> None:
    expected = " ".join(name.split())
    value = mailbox("From", name, "press-office@example.org")
    data = raw_header("From", value)
    assert check_header_lines(data) == []
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert parsed["From"].addresses[0].addr_spec == "press-office@example.org"
    if expected and value.startswith("=?"):
        assert rfc2047(value) == f"{expected} <press-office@example.org>"
    elif expected:
        assert parsed["From"].addresses[0].display_name == expected


def test_a_khmer_subject_is_encoded_words_separated_by_folding() -> None:
    title = "សម្តេចតេជោ ហ៊ុន សែន នឹងអញ្ជើញបំពេញទស្សនកិច្ចផ្លូវការ និងមិត្តភាពនៅប្រទេសចិន"
    value = unstructured("Subject", title)
    lines = value.split("\r\n")
    assert len(lines) > 3
    assert all(line.startswith(" =?utf-8?b?") for line in lines[1:])
    # No encoded-word begins with a combining mark or right after a coeng (U+17D2).
    for word in value.split():
        piece = base64.b64decode(word[10:-2]).decode("utf-8")
        assert not ("\u17b6" <= piece[0] <= "\u17d3") and not piece.endswith("\u17d2")


def test_check_header_lines_finds_what_providers_reject() -> None:
    bad = (
        b"Subject: =?utf-8?b?4Z6f?==?utf-8?b?4Z6Y?=\r\n"
        b"X-Long: " + b"a" * 80 + b"\r\n"
        b"X-Cut: =?utf-8?b?4Z4=?=\r\n\r\n"
    )
    problems = check_header_lines(bad)
    assert problems == [
        "header line 1 has adjacent encoded-words: Subject: =?utf-8?b?4Z6f?==?utf-8?b?4Z6Y?...",
        "header line 2 has 88 characters: X-Long: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...",
        "encoded-word on line 3 is not whole utf-8: =?utf-8?b?4Z4=?=",
    ]


@pytest.mark.parametrize(
    ("section", "line", "message"),
    [
        ('host = "smtp.example.org"\n', 0, "[smtp] `from` is required"),
        (
            'from = "press@example.org"\nsecurity = "ssl"\n',
            2,
            "[smtp] `security` must be one of starttls, tls, none, not 'ssl'",
        ),
        (
            'from = "press@example.org"\nport = 99999\n',
            2,
            "[smtp] `port` must be a whole number from 1 to 65535, not 99999",
        ),
        (
            'from = "press@example.org"\nrate = "fast"\n',
            2,
            "[smtp] `rate` must be a number from 0 to 100000, not 'fast'",
        ),
        (
            'from = "not an address"\n',
            1,
            "[smtp] `from`: invalid address 'not an address': An email address must have "
            "an @-sign.",
        ),
        (
            'from = "press@example.org"\nunsubscribe_url = "http://x.example.org/u"\n',
            2,
            "[smtp] `unsubscribe_url` must be an https:// URL (RFC 8058 one-click unsubscribe)",
        ),
        (
            'from = "press@example.org"\nunsubscribe_url = "https://x.example.org/{who}"\n',
            2,
            "[smtp] unknown placeholder {who} (use email, list)",
        ),
        ('from = "press@example.org"\nhots = "x"\n', 2, "[smtp] unknown setting 'hots'"),
    ],
)
def test_smtp_settings_errors_name_the_line(
    tmp_path: Path, section: str, line: int, message: str
) -> None:
    config = tmp_path / "publisher.toml"
    text = '[workspace]\nsource_language = "en"\n\n[smtp]\n' + section
    config.write_text(text, encoding="utf-8")
    with pytest.raises(MailError) as caught:
        load_settings(tomllib.loads(text), config, need_server=False)
    assert caught.value.message.startswith(message), caught.value.message
    assert caught.value.path == config
    assert caught.value.line == (4 + line if line else 4)
