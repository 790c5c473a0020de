"""Mail settings for the tests' SMTP server: a big media list, an [smtp] section pointing at
the server, written into a workspace's publisher.toml (used by tests/mail/conftest.py and
benchmarks/send.py); the sample's press list; a message read back as policy.default reads
it, and a header as an RFC 2047 decoder reads it."""

from __future__ import annotations

import email
import email.policy
import tomllib
from email.header import decode_header, make_header
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import tomli_w

from tests.support.smtp_server import USER, SmtpServer

BIG_LIST_SIZE = 40
LANG_CYCLE = [["km"], ["zh-Hans"], ["en"], ["km", "en"], ["zh-Hans", "en"]]


PRESS = {
    "sok.dara@example.org": ("Sok Dara", ["km"]),
    "chan.sophea@example.org": ("ចាន់ សុភា", ["km"]),
    "li.wei@example.com": ("李伟", ["zh-Hans"]),
    "wang.fang@example.com": ("Wang Fang", ["zh-Hans", "en"]),
    "jane.doe@example.com": ("Jane Doe", ["en"]),
    "tep.vannak@example.org": ("Tep Vannak", ["km", "en"]),
    "newsdesk@example.com": ("Newsdesk", ["en", "zh-Hans", "km"]),
}


def parse(data: bytes) -> EmailMessage:
    """A message as Python's modern parser (policy.default) reads it."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def big_list(count: int = BIG_LIST_SIZE) -> str:
    lines = ["email,name,outlet,languages,tags"]
    for index in range(1, count + 1):
        langs = " ".join(LANG_CYCLE[(index - 1) % len(LANG_CYCLE)])
        tag = "wire" if index % 3 == 0 else "print"
        address = f"reporter{index:03d}@example.org"
        lines.append(f"{address},Reporter {index},Example Outlet {index},{langs},{tag}")
    return "\n".join(lines) + "\n"


def smtp_section(server: SmtpServer, cert: Path, **extra: Any) -> dict[str, Any]:
    section: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": server.port,
        "security": "starttls",
        "user": USER,
        "from": "press-office@example.org",
        "reply_to": "press-office@example.org",
        "rate": 0,
        "retries": 2,
        "retry_delay": 0.05,
        "timeout": 10,
        "unsubscribe_mailto": "unsubscribe@example.org",
        "unsubscribe_url": "https://press.example.org/unsubscribe?list={list}&email={email}",
        "ca_file": str(cert),
    }
    section.update(extra)
    return section


def set_smtp(root: Path, section: dict[str, Any]) -> None:
    config = root / "publisher.toml"
    data = tomllib.loads(config.read_text(encoding="utf-8"))
    data["smtp"] = section
    config.write_text(tomli_w.dumps(data), encoding="utf-8")


def rfc2047(value: str) -> str:
    """A header as an RFC 2047 decoder reads it: unfolded, encoded-words decoded (whitespace
    between adjacent encoded-words dropped)."""
    return str(make_header(decode_header(value.replace("\r\n ", " "))))
