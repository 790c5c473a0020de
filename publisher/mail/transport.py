"""SMTP through the standard library: one connection, a rate, retries, and a commit point.

One connection is opened (STARTTLS or implicit TLS, certificate and host name
verified; AUTH when a user is configured) and reused for every message. A 4xx
reply or a dropped connection is retried with exponential back-off; a 5xx
reply for one recipient is that recipient's result and the run goes on.

The commit point. A message is delivered when the server has received the
final "." of DATA, whether or not its "250" reaches us. So `send` sends the
whole message except that final line, calls `on_commit` (the caller writes it
to the send log, durably), and only then sends "."; until then a crash leaves
nothing delivered, and the message may be sent again safely. Between the "."
and the reply the outcome is unknown, and it is reported as such, never
retried: a journalist must not get two copies.

The password is used for AUTH and nowhere else; every reply text we report is
scrubbed of it (a hostile server could echo what we sent).
"""

from __future__ import annotations

import base64
import re
import smtplib
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass

from publisher.errors import MailError
from publisher.mail.settings import SmtpSettings

#: The outcome of one message: delivered (sent), refused for good (failed), refused for
#: now after every retry (deferred), or handed over with no answer (unknown).
SENT, FAILED, DEFERRED, UNKNOWN = "sent", "failed", "deferred", "unknown"

_LOOPBACK = ("127.", "localhost", "[::1]", "::1")
_DOT_LINE = re.compile(rb"(?m)^\.")


@dataclass(frozen=True)
class Result:
    status: str
    code: int | None = None
    reply: str = ""

    @property
    def delivered(self) -> bool:
        return self.status == SENT


class ConnectionLost(MailError):
    """The server went away and did not come back within the retries."""


class _Retry(Exception):
    """A temporary failure before the commit point: the message may be sent again."""

    def __init__(self, code: int | None, reply: str) -> None:
        super().__init__(reply)
        self.code = code
        self.reply = reply


class SmtpTransport:
    """Sends messages over one reused SMTP connection; a context manager."""

    def __init__(
        self,
        settings: SmtpSettings,
        password: str | None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        local_hostname: str | None = None,
    ) -> None:
        self.settings = settings
        self._password = password
        self._sleep = sleep
        self._local_hostname = local_hostname
        self._conn: smtplib.SMTP | None = None
        self._last_start = 0.0
        self._secrets = _secret_forms(settings.user, password)
        if settings.user and not password:
            raise MailError(
                f"[smtp] user is {settings.user!r} but no password is set: export "
                "PUBLISHER_SMTP_PASSWORD (never put it in publisher.toml)"
            )
        if settings.user and settings.security == "none" and not _loopback(settings.host):
            raise MailError(
                '[smtp] security = "none" with a user would send the password in clear text '
                f"to {settings.host}; use starttls or tls"
            )

    # ------------------------------------------------------------------ connection

    def __enter__(self) -> SmtpTransport:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _context(self) -> ssl.SSLContext:
        cafile = str(self.settings.ca_file) if self.settings.ca_file else None
        context = ssl.create_default_context(cafile=cafile)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        return context

    def open(self) -> None:
        """Connect, secure and log in, or MailError saying which of these failed."""
        s = self.settings
        try:
            self._conn = self._connect()
        except smtplib.SMTPAuthenticationError as exc:
            raise MailError(
                f"{s.host} refused the login of {s.user!r}: {exc.smtp_code} "
                f"{self._scrub(_text(exc.smtp_error))} (check PUBLISHER_SMTP_PASSWORD)"
            ) from None
        except ssl.SSLCertVerificationError as exc:
            raise MailError(
                f"the certificate of {s.host} is not trusted: {exc.verify_message} "
                "(for a private CA set [smtp] ca_file)"
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(
                f"cannot connect to {s.host}:{s.port} ({s.security}): "
                f"{self._scrub(str(exc)) or type(exc).__name__}"
            ) from None

    def _connect(self) -> smtplib.SMTP:
        """A connection, secured and logged in; closed again if any of that fails (a refused
        login or an untrusted certificate leaves no socket open)."""
        s = self.settings
        if s.security == "tls":
            conn: smtplib.SMTP = smtplib.SMTP_SSL(
                s.host,
                s.port,
                timeout=s.timeout,
                context=self._context(),
                local_hostname=self._local_hostname,
            )
        else:
            conn = smtplib.SMTP(
                s.host, s.port, timeout=s.timeout, local_hostname=self._local_hostname
            )
        try:
            if conn.sock is not None:
                # The final "." goes out in a write of its own (the commit point): without
                # this, Nagle's algorithm holds it until the server's delayed ACK, 40 ms
                # a message.
                conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn.ehlo()
            if s.security == "starttls":
                if not conn.has_extn("starttls"):
                    raise MailError(
                        f"{s.host}:{s.port} does not offer STARTTLS; refusing to send in clear "
                        'text (set security = "tls" for a port with implicit TLS)'
                    )
                conn.starttls(context=self._context())
                conn.ehlo()
            if s.user:
                assert self._password is not None
                conn.login(s.user, self._password)
        except BaseException:
            conn.close()
            raise
        return conn

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.quit()
        except (OSError, smtplib.SMTPException):
            conn.close()

    def _reopen(self) -> None:
        """A new connection after the old one dropped, retried with back-off."""
        last = ""
        for attempt in range(self.settings.retries + 1):
            try:
                self.open()
                return
            except MailError as exc:
                last = exc.message
            if attempt < self.settings.retries:
                self._sleep(self._backoff(attempt))
        raise ConnectionLost(
            f"the connection to {self.settings.host} was lost and could not be opened again "
            f"({self.settings.retries + 1} tries): {last}"
        )

    def _backoff(self, attempt: int) -> float:
        return float(min(self.settings.retry_delay * (2**attempt), 60.0))

    # ------------------------------------------------------------------ sending

    def _pace(self) -> None:
        """Keep to [smtp] rate (messages per minute): a fixed interval between starts."""
        if self.settings.rate <= 0:
            return
        interval = 60.0 / self.settings.rate
        wait = self._last_start + interval - time.monotonic()
        if wait > 0:
            self._sleep(wait)
        self._last_start = time.monotonic()

    def send(
        self, sender: str, recipient: str, data: bytes, *, on_commit: Callable[[], None]
    ) -> Result:
        """Deliver `data` to `recipient`; the result (raises ConnectionLost when the server
        stays away, before committing anything of this message)."""
        self._pace()
        attempt = 0
        while True:
            if self._conn is None:
                self._reopen()
            try:
                return self._transaction(sender, recipient, data, on_commit)
            except _Retry as temporary:
                if attempt >= self.settings.retries:
                    if temporary.code is None:
                        raise ConnectionLost(
                            f"the connection to {self.settings.host} dropped "
                            f"{attempt + 1} times while sending to {recipient}"
                        ) from None
                    return Result(DEFERRED, temporary.code, self._scrub(temporary.reply))
                if temporary.code is not None:
                    self._sleep(self._backoff(attempt))
                attempt += 1

    def _transaction(
        self, sender: str, recipient: str, data: bytes, on_commit: Callable[[], None]
    ) -> Result:
        conn = self._conn
        assert conn is not None
        try:
            code, reply = conn.mail(sender)
            if code != 250:
                return self._refused(conn, code, reply)
            code, reply = conn.rcpt(recipient)
            if code not in (250, 251):
                return self._refused(conn, code, reply)
            conn.putcmd("data")
            code, reply = conn.getreply()
            if code != 354:
                return self._refused(conn, code, reply)
            body = _DOT_LINE.sub(b"..", data)
            if not body.endswith(b"\r\n"):
                body += b"\r\n"
            conn.send(body)
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self._conn = None
            raise _Retry(None, str(exc) or "connection closed") from None
        on_commit()
        try:
            conn.send(b".\r\n")
            code, reply = conn.getreply()
        except (TimeoutError, smtplib.SMTPServerDisconnected, OSError) as exc:
            self._conn = None
            return Result(UNKNOWN, None, self._scrub(f"no reply after the message: {exc}"))
        if code == 250:
            return Result(SENT, code, self._scrub(_text(reply)))
        if 400 <= code < 500:
            # The server says it did not take the message: sending it again is safe.
            raise _Retry(code, _text(reply))
        return Result(FAILED, code, self._scrub(_text(reply)))

    def _refused(self, conn: smtplib.SMTP, code: int, reply: bytes) -> Result:
        """A refusal before the message was handed over: retry a 4xx, record a 5xx."""
        try:
            conn.rset()
        except (smtplib.SMTPServerDisconnected, OSError):
            self._conn = None
        if code == -1 or 400 <= code < 500:
            raise _Retry(code if code != -1 else None, _text(reply))
        return Result(FAILED, code, self._scrub(_text(reply)))

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "[redacted]")
        return text


def _text(reply: bytes | str) -> str:
    if isinstance(reply, bytes):
        reply = reply.decode("utf-8", errors="replace")
    return " ".join(reply.split())[:300]


def _loopback(host: str) -> bool:
    return host.startswith(_LOOPBACK)


def _secret_forms(user: str | None, password: str | None) -> list[str]:
    """The password as it could come back in a reply: plain, and as AUTH sends it."""
    if not password:
        return []
    forms = [password, base64.b64encode(password.encode()).decode()]
    if user:
        forms.append(base64.b64encode(f"\0{user}\0{password}".encode()).decode())
    return [f for f in forms if len(f) >= 4]
