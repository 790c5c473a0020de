"""A real SMTP server for the mail tests and the send benchmark: aiosmtpd on 127.0.0.1.

STARTTLS (or implicit TLS) with a self-signed certificate made here, AUTH with
a user and password, and a handler that records every message's bytes and can
misbehave on purpose: refuse an address for good (5xx) or for a while (4xx),
take its time before answering DATA, or drop every connection after the Nth
message until told to come back.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import (
    SMTP,
    AuthenticatorType,
    AuthResult,
    Envelope,
    LoginPassword,
    Session,
)
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USER = "press-office@example.org"
PASSWORD = "s3cret-Pa55-never-printed"


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes
    at: float


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost: (cert.pem, key.pem)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "publisher test SMTP")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Recorder:
    """The server's handler: records messages, misbehaves when told to."""

    messages: list[Received] = field(default_factory=list)
    #: address -> a permanent refusal for RCPT TO ("550 ...")
    reject: dict[str, str] = field(default_factory=dict)
    #: address -> how many times RCPT TO is refused with 451 before it is accepted
    tempfail: dict[str, int] = field(default_factory=dict)
    #: after this many messages, every connection is dropped (until `down` is reset)
    drop_after: int | None = None
    down: bool = False
    #: seconds to wait before answering the end of DATA
    delay: float = 0.0
    auth_attempts: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.messages.clear()
        self.reject.clear()
        self.tempfail.clear()
        self.drop_after = None
        self.down = False
        self.delay = 0.0
        self.auth_attempts.clear()

    def count(self) -> int:
        with self.lock:
            return len(self.messages)

    def received(self) -> list[Received]:
        with self.lock:
            return list(self.messages)

    def _drop(self, server: SMTP) -> bool:
        if self.down and server.transport is not None:
            server.transport.close()
            return True
        return False

    async def handle_EHLO(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        hostname: str,
        responses: list[str],
    ) -> list[str]:
        if self._drop(server):
            return ["421 4.3.2 going away"]
        session.host_name = hostname
        return responses

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self._drop(server):
            return "421 4.3.2 going away"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self._drop(server):
            return "421 4.3.2 going away"
        if address in self.reject:
            return self.reject[address]
        if self.tempfail.get(address, 0) > 0:
            self.tempfail[address] -= 1
            return "451 4.7.1 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        data = envelope.original_content or b""
        with self.lock:
            self.messages.append(
                Received(str(envelope.mail_from), list(envelope.rcpt_tos), data, time.time())
            )
            total = len(self.messages)
        if self.drop_after is not None and total >= self.drop_after:
            self.down = True
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 2.0.0 queued"


def authenticator(recorder: Recorder) -> AuthenticatorType:
    # `data`: a LoginPassword for LOGIN and PLAIN, whatever another mechanism gives (Any in
    # aiosmtpd's own AuthenticatorType)
    def check(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if isinstance(data, LoginPassword):
            login = data.login.decode()
            password = data.password.decode()
            recorder.auth_attempts.append((mechanism, login))
            if login == USER and password == PASSWORD:
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    return check


class SmtpServer:
    """aiosmtpd's Controller on 127.0.0.1 with TLS and AUTH; `stop()` when done."""

    def __init__(self, cert: Path, key: Path, *, implicit_tls: bool = False) -> None:
        self.recorder = Recorder()
        self.port = free_port()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        kwargs: dict[str, Any] = {
            "authenticator": authenticator(self.recorder),
            "auth_required": True,
            "data_size_limit": 64 * 1024 * 1024,
        }
        if implicit_tls:
            kwargs["ssl_context"] = context
            kwargs["auth_require_tls"] = False  # the whole connection is TLS
        else:
            kwargs["tls_context"] = context
            kwargs["require_starttls"] = True
        self.controller = Controller(
            self.recorder,
            hostname="127.0.0.1",
            port=self.port,
            server_hostname="localhost",
            **kwargs,
        )
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()
