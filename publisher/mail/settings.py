"""The `[smtp]` section of publisher.toml: how and as whom the office sends mail.

    [smtp]
    host = "smtp.example.org"
    port = 587                      # default: 587 starttls, 465 tls, 25 none
    security = "starttls"           # starttls | tls | none
    user = "press@example.org"      # omit for a server that needs no login
    from = "press@example.org"
    from_name = "Press Office"      # default: the organisation, in the message's language
    reply_to = "info@example.org"   # default: the first contact with an e-mail
    rate = 60                       # messages per minute; 0 = no limit
    retries = 3                     # on a 4xx reply or a dropped connection
    retry_delay = 2                 # seconds before the first retry; doubles each time
    max_attachment_mb = 15          # PDFs plus photos per message; photos over it become links
    unsubscribe_mailto = "unsubscribe@example.org"
    unsubscribe_url = "https://press.example.org/unsubscribe?list={list}&email={email}"
    list_domain = "press.example.org"   # List-Id and Message-ID; default: from's domain
    photos_url = "https://press.example.org/photos/{release}/"   # links for large photos
    timeout = 60                    # seconds for one SMTP reply
    ca_file = "certs/office-ca.pem" # trust a private CA (relative to the workspace)

The password is never here: it comes from the environment variable
PUBLISHER_SMTP_PASSWORD (a workspace is shared and committed; a password in it
would be in every clone and every backup). Every value is checked before
anything is sent, and a bad one is reported with publisher.toml's line.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from publisher.core.medialists import normalize_address
from publisher.errors import MailError, UsageError

PASSWORD_ENV = "PUBLISHER_SMTP_PASSWORD"
SECURITY_MODES = ("starttls", "tls", "none")
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
_HOST_RE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$|^\[[0-9A-Fa-f:.]+\]$")
_DOMAIN_RE = re.compile(
    r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"[A-Za-z][A-Za-z0-9-]{0,62}$"
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

KNOWN_KEYS = frozenset(
    {
        "host",
        "port",
        "security",
        "user",
        "from",
        "from_name",
        "reply_to",
        "rate",
        "retries",
        "max_attachment_mb",
        "unsubscribe_mailto",
        "unsubscribe_url",
        "list_domain",
        "photos_url",
        "timeout",
        "ca_file",
        "password",
        "retry_delay",
    }
)


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str
    user: str | None
    sender: str
    sender_name: str | None
    reply_to: str | None
    rate: float
    retries: int
    retry_delay: float
    max_attachment_bytes: int
    unsubscribe_mailto: str | None
    unsubscribe_url: str | None
    list_domain: str
    photos_url: str | None
    timeout: float
    ca_file: Path | None

    @property
    def sender_domain(self) -> str:
        return self.sender.rsplit("@", 1)[1]


def password_from_environment() -> str | None:
    """The SMTP password (never logged, never written): the environment variable only."""
    value = os.environ.get(PASSWORD_ENV)
    return value if value else None


def key_line(config_text: str, key: str, section: str = "smtp") -> int | None:
    """The line of `key = ...` inside `[section]` of a TOML text (for error messages)."""
    current = None
    for number, line in enumerate(config_text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            current = stripped.strip("[] \t").split("#")[0].strip()
            if key == "" and current == section:
                return number
            continue
        if current == section and re.match(rf'^"?{re.escape(key)}"?\s*=', stripped):
            return number
    return None


def load_settings(
    raw: dict[str, Any], config_path: Path, *, need_server: bool = True
) -> SmtpSettings:
    """The validated [smtp] settings; MailError with publisher.toml's line for a bad value.

    `need_server`: a dry run needs only the sender, not a host to connect to.
    """
    try:
        text = config_path.read_text(encoding="utf-8")
    except OSError:
        text = ""
    section = raw.get("smtp")

    def fail(key: str, message: str) -> MailError:
        return MailError(f"[smtp] {message}", path=config_path, line=key_line(text, key))

    if section is None and not need_server:
        # A dry run before [smtp] is set up (a new workspace): the first contact's address
        # stands for the sender, so the office can see its messages on the first day.
        first = next(
            (c for c in raw.get("contacts", []) if isinstance(c, dict) and c.get("email")), None
        )
        if first is not None:
            section = {"from": first["email"]}
    if section is None:
        raise MailError(
            "no [smtp] section: add one with at least `from` (and `host` to send; see the "
            "README, 'Sending a release by e-mail'), or a [[contacts]] e-mail for a dry run",
            path=config_path,
        )
    if not isinstance(section, dict):
        raise MailError("[smtp] must be a table", path=config_path)
    unknown = sorted(set(section) - KNOWN_KEYS)
    if unknown:
        raise fail(
            unknown[0],
            f"unknown setting {unknown[0]!r} "
            f"(known: {', '.join(sorted(KNOWN_KEYS - {'password'}))})",
        )
    if "password" in section:
        raise fail(
            "password",
            f"a password may not be stored in publisher.toml (the workspace is shared and "
            f"committed); remove it and set the environment variable {PASSWORD_ENV}",
        )

    def text_value(key: str, *, required: bool = False) -> str | None:
        value = section.get(key)
        if value is None:
            if required:
                raise fail("", f"`{key}` is required")
            return None
        if not isinstance(value, str) or not value.strip():
            raise fail(key, f"`{key}` must be a non-empty string")
        if _CONTROL.search(value):
            raise fail(key, f"`{key}` contains a line break or control character")
        return value.strip()

    def number(key: str, default: float, low: float, high: float, *, integer: bool) -> float:
        value = section.get(key, default)
        kinds = (int,) if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or not low <= value <= high:
            kind = "a whole number" if integer else "a number"
            raise fail(key, f"`{key}` must be {kind} from {low:g} to {high:g}, not {value!r}")
        return value

    def address(key: str, *, required: bool = False) -> str | None:
        value = text_value(key, required=required)
        if value is None:
            return None
        try:
            return normalize_address(value)
        except UsageError as exc:
            raise fail(key, f"`{key}`: {exc.message}") from None

    sender = address("from", required=True)
    assert sender is not None
    security = text_value("security") or "starttls"
    if security not in SECURITY_MODES:
        raise fail(
            "security", f"`security` must be one of {', '.join(SECURITY_MODES)}, not {security!r}"
        )
    host = text_value("host", required=need_server) or ""
    if host and not _HOST_RE.match(host):
        raise fail("host", f"`host` must be a host name or [address], not {host!r}")
    port = int(number("port", DEFAULT_PORTS[security], 1, 65535, integer=True))
    user = text_value("user")
    unsubscribe_url = text_value("unsubscribe_url")
    if unsubscribe_url is not None:
        parts = urlsplit(unsubscribe_url)
        if parts.scheme != "https" or not parts.hostname:
            raise fail(
                "unsubscribe_url",
                "`unsubscribe_url` must be an https:// URL (RFC 8058 one-click unsubscribe)",
            )
        _check_placeholders(
            unsubscribe_url, {"email", "list"}, lambda m: fail("unsubscribe_url", m)
        )
    photos_url = text_value("photos_url")
    if photos_url is not None:
        parts = urlsplit(photos_url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise fail("photos_url", "`photos_url` must be an http(s):// URL")
        _check_placeholders(photos_url, {"release"}, lambda m: fail("photos_url", m))
    list_domain = text_value("list_domain") or sender.rsplit("@", 1)[1]
    if not _DOMAIN_RE.match(list_domain):
        raise fail("list_domain", f"`list_domain` must be a domain name, not {list_domain!r}")
    ca_file = text_value("ca_file")
    ca_path = None
    if ca_file is not None:
        ca_path = (config_path.parent / ca_file).resolve()
        if not ca_path.is_file():
            raise fail("ca_file", f"`ca_file` {ca_file!r} is not a file")
    max_mb = number("max_attachment_mb", 15, 1, 100, integer=False)
    return SmtpSettings(
        host=host,
        port=port,
        security=security,
        user=user,
        sender=sender,
        sender_name=text_value("from_name"),
        reply_to=address("reply_to"),
        rate=number("rate", 60, 0, 100_000, integer=False),
        retries=int(number("retries", 3, 0, 10, integer=True)),
        retry_delay=number("retry_delay", 2, 0, 60, integer=False),
        max_attachment_bytes=int(max_mb * 1024 * 1024),
        unsubscribe_mailto=address("unsubscribe_mailto"),
        unsubscribe_url=unsubscribe_url,
        list_domain=list_domain.lower(),
        photos_url=photos_url,
        timeout=number("timeout", 60, 1, 600, integer=False),
        ca_file=ca_path,
    )


def _check_placeholders(url: str, allowed: set[str], fail: Any) -> None:
    for name in re.findall(r"\{([^{}]*)\}", url):
        if name not in allowed:
            raise fail(f"unknown placeholder {{{name}}} (use {', '.join(sorted(allowed))})")
