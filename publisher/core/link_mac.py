"""The seal of an approval made through a personal link: an HMAC under a key kept outside the
workspace.

A personal link authenticates a reviewer to the running server (`publisher serve`) only; the
history line it leaves is text anyone who can write the workspace can write. So the server
adds to each approval it records for a link visitor a MAC: HMAC-SHA256, under a secret held in
a file outside every workspace (`PUBLISHER_LINK_KEY_FILE`, or
`$XDG_CONFIG_HOME/publisher/link-key`), over the release, action, language, segment, the seal
of the exact source and translation, the time, the reviewer's name and the translation. A
`link` record counts as a link approval only when its MAC checks with this machine's key.

Invariants:

* a key file inside a workspace (a folder with `publisher.toml` at or above it) is never used,
  nor made: committed with the workspace, it would let anyone who can write the workspace seal;
* `check` answers VERIFIED, UNCHECKED (no MAC, no key here, or a MAC made with another key:
  nothing can be told) or FORGED (this machine's key, and the MAC does not match the record):
  only FORGED proves the record was written or changed by something other than the server;
* the key is made once (32 random bytes, mode 0600, written atomically) by the server that
  records link approvals, never by a reader.

What it does not prove: whoever holds the key (the server's machine, a copy of the file) can
seal any record.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from publisher.core.fsutil import atomic_write_bytes
from publisher.core.history import Event
from publisher.errors import UsageError

KEY_ENV = "PUBLISHER_LINK_KEY_FILE"
HEADER = "publisher-link-approval v1"
_WORKSPACE_MARK = "publisher.toml"


def key_path() -> Path:
    """Where this machine keeps the link key (the file need not exist)."""
    named = os.environ.get(KEY_ENV)
    if named:
        return Path(named).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "publisher" / "link-key"


@dataclass(frozen=True)
class LinkKey:
    """The secret and where it was read from."""

    secret: bytes
    path: Path

    @property
    def ident(self) -> str:
        """A short name of the key (not the key): says which key made a MAC."""
        return hashlib.sha256(b"publisher-link-key\x00" + self.secret).hexdigest()[:12]


def _inside_workspace(path: Path) -> Path | None:
    """The workspace folder holding `path`, if any."""
    for folder in path.resolve().parents:
        if (folder / _WORKSPACE_MARK).is_file():
            return folder
    return None


def key_problem() -> str | None:
    """Why this machine's link key cannot be used (None: it can, or there is none)."""
    path = key_path()
    if not path.exists():
        return None
    return _read(path)[1]


def _read(path: Path) -> tuple[bytes | None, str | None]:
    """The secret in the key file at `path`, or why it cannot be used."""
    workspace = _inside_workspace(path)
    if workspace is not None:
        return None, (
            f"{path} is inside the workspace {workspace}: a key there is committed with it, so "
            "it is not used (keep it outside every workspace)"
        )
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"{path} cannot be read ({exc.__class__.__name__})"
    if len(text) != 64 or any(c not in "0123456789abcdef" for c in text):
        return None, f"{path} is not a link key (64 hexadecimal digits)"
    return bytes.fromhex(text), None


#: (path, inode, size, mtime) -> the key read there: every catalog read asks (status reads
#: thousands), one `stat` answers.
_loaded: dict[tuple[str, int, int, int], LinkKey | None] = {}


def load_key() -> LinkKey | None:
    """This machine's link key, or None (none made here, or not usable: `key_problem`)."""
    path = key_path()
    try:
        st = path.stat()
    except OSError:
        return None
    stamp = (str(path), st.st_ino, st.st_size, st.st_mtime_ns)
    if stamp not in _loaded:
        secret = _read(path)[0] if path.is_file() else None
        _loaded.clear()
        _loaded[stamp] = LinkKey(secret, path) if secret is not None else None
    return _loaded[stamp]


def ensure_key() -> LinkKey:
    """This machine's link key, made now if there is none (by the server that seals)."""
    problem = key_problem()
    if problem is not None:
        raise UsageError(f"link approvals cannot be sealed: {problem}")
    found = load_key()
    if found is not None:
        return found
    path = key_path()
    workspace = _inside_workspace(path)
    if workspace is not None:
        raise UsageError(
            f"link approvals cannot be sealed: {path} is inside the workspace {workspace}; "
            f"set {KEY_ENV} to a file outside every workspace"
        )
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    old = os.umask(0o077)
    try:
        atomic_write_bytes(path, (secrets.token_hex(32) + "\n").encode("ascii"))
    finally:
        os.umask(old)
    os.chmod(path, 0o600)
    made = load_key()
    assert made is not None
    return made


def statement(release: str, event: Event) -> bytes:
    """What a link approval's MAC covers: every field that says what was approved, by whom,
    when, where."""
    text = hashlib.sha256((event.text or "").encode("utf-8")).hexdigest()
    lines = [
        HEADER,
        f"release {release}",
        f"action {event.action}",
        f"lang {event.lang or ''}",
        f"segment {event.segment or ''}",
        f"seal {event.seal or ''}",
        f"at {event.at}",
        f"by {event.by or ''}",
        f"evidence {event.evidence or ''}",
        f"text-sha256 {text}",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def mac(key: LinkKey, release: str, event: Event, nonce: str | None = None) -> str:
    """The MAC a link approval carries: `<key ident>:<nonce>:<HMAC-SHA256 hex>`. The nonce
    (random unless given) makes each decision's MAC its own, so that a copy of a line is
    told from a new decision on the same text in the same second."""
    nonce = nonce if nonce is not None else secrets.token_hex(8)
    data = statement(release, event) + f"nonce {nonce}\n".encode("ascii")
    digest = hmac.new(key.secret, data, hashlib.sha256).hexdigest()
    return f"{key.ident}:{nonce}:{digest}"


class Seal(StrEnum):
    """What a `link` record's MAC tells on this machine."""

    VERIFIED = "verified"
    UNCHECKED = "unchecked"  # no MAC, no key here, or another key's: nothing can be told
    FORGED = "forged"  # this machine's key, and the MAC does not match the record


def check(key: LinkKey | None, release: str, event: Event) -> tuple[Seal, str]:
    """Whether a `link` record was sealed by this machine's server as it reads now, and why
    not in a few words."""
    if not event.mac:
        return Seal.UNCHECKED, (
            "no link seal (recorded before link approvals were sealed, or written by hand)"
        )
    ident, _, rest = event.mac.partition(":")
    nonce, _, _ = rest.partition(":")
    if key is None:
        return Seal.UNCHECKED, (
            f"sealed with link key {ident}, and this machine has no usable link key ({key_path()})"
        )
    if ident != key.ident:
        return Seal.UNCHECKED, (
            f"sealed with link key {ident}, not this machine's ({key.ident}, {key.path})"
        )
    if hmac.compare_digest(event.mac, mac(key, release, event, nonce)):
        return Seal.VERIFIED, "sealed by this machine's server"
    return Seal.FORGED, (
        "its seal does not match the record (written or changed by hand, or copied from "
        "another segment or release)"
    )
