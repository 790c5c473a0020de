"""One e-mail per recipient, built from a language version that is built once.

A `Version` is what everyone reading the same language(s) gets: subject, plain
text, HTML, attachments. Its MIME body (multipart/mixed: an alternative of the
text and the HTML, then the PDFs and photos, base64 encoded once) is made with
`email.message.EmailMessage` the first time it is needed; each recipient's
message is then only a new header block over that body, so 2,000 recipients
cost 2,000 header blocks, not 2,000 encodings of the PDFs.

Headers are ours, not the policy's: Subject and display names are written as
RFC 2047 encoded-words by `headers` (see there why), stored raw so that the
generator does not fold them again, and every message's header block is
re-checked (lines <= 78, encoded-words <= 75) before it is handed over.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import email.utils
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from urllib.parse import quote

from publisher.mail import headers
from publisher.mail.flowed import PARAMS

#: CRLF line ends, lines folded at 78, no 8-bit bodies (no SMTPUTF8 or 8BITMIME needed).
POLICY = email.policy.SMTP.clone(max_line_length=headers.MAX_LINE, cte_type="7bit")
#: Our header values are folded already (`headers`): written as they are, never refolded
#: (the policy would re-encode a long `<URI>` line as encoded-words).
_AS_IS = POLICY.clone(refold_source="none")


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    mime: str = "application/pdf"


@dataclass
class Version:
    """The message everyone who reads `langs` receives (headers aside); `text` is
    format=flowed (publisher.mail.flowed)."""

    langs: tuple[str, ...]
    subject: str
    text: str
    html: str
    attachments: Sequence[Attachment] = ()
    _body: bytes | None = field(default=None, repr=False)
    _content_type: str = field(default="", repr=False)

    def body(self) -> tuple[str, bytes]:
        """(Content-Type value, the MIME body's bytes), built on first use."""
        if self._body is None:
            self._content_type, self._body = _build_body(self)
        return self._content_type, self._body


@dataclass(frozen=True)
class Sender:
    """Who the office is on every message, from [smtp] and the workspace's contacts."""

    address: str
    name: str | None
    reply_to: str | None
    reply_to_name: str | None
    list_name: str
    list_domain: str
    unsubscribe_mailto: str | None
    unsubscribe_url: str | None


def _cte(text: str) -> str:
    """The smaller encoding: quoted-printable spends 3 bytes on each non-ASCII byte, base64
    4 on every 3 bytes, so base64 wins once non-ASCII bytes exceed a fifth of the ASCII ones
    (Khmer and Chinese text); mostly-English text stays quoted-printable, readable raw."""
    data = text.encode("utf-8")
    high = sum(1 for byte in data if byte > 127)
    return "base64" if high * 5 > len(data) - high else "quoted-printable"


def _boundary() -> str:
    # "=_" never occurs in base64 or quoted-printable text, so no part can contain it.
    return f"=_publisher_{secrets.token_hex(12)}"


def _build_body(version: Version) -> tuple[str, bytes]:
    body = EmailMessage(policy=POLICY)
    body.set_content(
        version.text, subtype="plain", charset="utf-8", cte=_cte(version.text), params=PARAMS
    )
    body.add_alternative(version.html, subtype="html", charset="utf-8", cte=_cte(version.html))
    for item in version.attachments:
        maintype, subtype = item.mime.split("/", 1)
        body.add_attachment(item.data, maintype=maintype, subtype=subtype, filename=item.filename)
    if not body.is_multipart():  # pragma: no cover - set_content + add_alternative always is
        raise AssertionError("body is not multipart")
    body.set_boundary(_boundary())
    for part in body.walk():
        if part is not body:
            del part["MIME-Version"]
            if part.is_multipart():
                part.set_boundary(_boundary())
    raw = body.as_bytes(policy=POLICY)
    _, _, payload = raw.partition(b"\r\n\r\n")
    content_type = str(body["Content-Type"])
    return content_type, payload


def unsubscribe_targets(sender: Sender, recipient: str) -> list[str]:
    """The List-Unsubscribe URIs for one recipient (RFC 2369, one-click per RFC 8058)."""
    out: list[str] = []
    if sender.unsubscribe_url:
        out.append(
            sender.unsubscribe_url.replace("{email}", quote(recipient, safe="")).replace(
                "{list}", quote(sender.list_name, safe="")
            )
        )
    mailto = sender.unsubscribe_mailto or sender.address
    out.append(f"mailto:{mailto}?subject={quote('unsubscribe ' + sender.list_name)}")
    return out


def message_id(domain: str) -> str:
    return email.utils.make_msgid(idstring=secrets.token_hex(4), domain=domain)


def compose(
    version: Version,
    sender: Sender,
    *,
    to_address: str,
    to_name: str | None,
    msgid: str,
    date: dt.datetime,
) -> bytes:
    """The bytes of one recipient's message: our header block over the version's body."""
    msg = EmailMessage(policy=POLICY)
    msg.set_raw("From", headers.mailbox("From", sender.name, sender.address))
    msg.set_raw("To", headers.mailbox("To", to_name, to_address))
    if sender.reply_to:
        msg.set_raw("Reply-To", headers.mailbox("Reply-To", sender.reply_to_name, sender.reply_to))
    msg.set_raw("Subject", headers.unstructured("Subject", version.subject))
    msg.set_raw("Date", email.utils.format_datetime(date))
    msg.set_raw("Message-ID", msgid)
    msg.set_raw("List-Id", f"<{sender.list_name}.{sender.list_domain}>")
    targets = unsubscribe_targets(sender, to_address)
    msg.set_raw("List-Unsubscribe", _fold_list("List-Unsubscribe", [f"<{t}>" for t in targets]))
    if sender.unsubscribe_url:
        msg.set_raw("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
    msg.set_raw("Content-Language", ", ".join(version.langs))
    msg.set_raw("MIME-Version", "1.0")
    content_type, body = version.body()
    msg.set_raw("Content-Type", _fold_params("Content-Type", content_type))
    # The header block as the generator writes it (the body is already serialised).
    head = b"".join(_AS_IS.fold_binary(name, value) for name, value in msg.raw_items())
    data = head + b"\r\n" + body
    problems = headers.check_header_lines(data)
    if problems:  # never hand over a message a provider would reject
        raise ValueError("; ".join(problems))
    return data


def _fold_list(name: str, items: list[str]) -> str:
    """Comma-separated `<URI>`s, folded only between them, never inside the angle brackets:
    a reader that unfolds keeps the folding space (RFC 5322 3.2.2), and a space inside the
    URI breaks one-click unsubscribe. A URI too long for 78 columns gets a longer line
    (RFC 5322 allows 998)."""
    tokens = [item + ("," if index < len(items) - 1 else "") for index, item in enumerate(items)]
    return headers.fold_tokens(name, tokens)


def _fold_params(name: str, value: str) -> str:
    """`type/subtype; param="..."` folded between parameters."""
    parts = [p.strip() for p in value.split(";")]
    return headers.fold_tokens(name, [p + ";" for p in parts[:-1]] + parts[-1:])
