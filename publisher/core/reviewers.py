"""The register of reviewers: who may approve which language, under which names and keys.

`reviewers.toml` at the top of the workspace lists one entry per person: the
name decisions are recorded under, the other ways that person's name is written
(aliases: a Khmer-script name and its romanisation), the languages they may
approve, an e-mail address, an SSH public key that signs their approvals, and
the digest of their personal link's token for the web app.

Invariants:

* identity is the entry, never the typed string: `find` answers the entry for
  any of its names, compared after normalisation (`name_key`: NFKC, case folded,
  punctuation, spaces and invisible characters removed), so "Sok Dara.",
  "sok  dara" and "SOK DARA" are one person;
* no two entries can be mistaken for each other: a new name or alias that is
  confusable with another entry's (Unicode's confusables, e.g. a Cyrillic "а"
  for a Latin "a") is refused (`confusable_with`); a file edited by hand that
  gives one name (normalised) to two entries is refused when read;
* a link token is never stored, only its SHA-256; a link past its expiry, or
  revoked (its digest removed), opens nothing;
* the file is written atomically, under a lock, by `update`.

An empty (or missing) register keeps the workspace as it was before registers:
approvals by typed name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import tomli_w

from publisher.core import languages
from publisher.core.fsutil import atomic_write_text, locked
from publisher.core.history import person_name
from publisher.core.tomlfile import read_toml
from publisher.errors import UsageError, WorkspaceError

REGISTER_NAME = "reviewers.toml"
_LOCK = ".publisher/reviewers.lock"
#: The namespace of approval signatures (`ssh-keygen -Y sign -n`): a signature made for
#: another purpose (a git commit, a file) never passes for an approval.
SIGNATURE_NAMESPACE = "publisher-approval"


class Evidence(StrEnum):
    """How the person behind an approval was identified, weakest first."""

    TYPED = "typed"  # a name given to the CLI (or to the web app's name form)
    LINK = "link"  # a personal link's token, checked by the web app
    SIGNED = "signed"  # an SSH signature checkable against the register's key

    @property
    def rank(self) -> int:
        return list(Evidence).index(self)


def name_key(name: str) -> str:
    """A name as identities compare: NFKC, case folded, without punctuation, spaces,
    control or invisible (format) characters."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    kept = "".join(c for c in folded if unicodedata.category(c)[0] not in "PZC")
    return unicodedata.normalize("NFKC", kept)


def confusable(a: str, b: str) -> bool:
    """Whether two names could be taken for each other when read (same key, or keys
    made of look-alike characters in Unicode's confusables table)."""
    ka, kb = name_key(a), name_key(b)
    if ka == kb:
        return True
    if not ka or not kb:
        return False
    # Imported here: the table (2.7 MB of JSON, 0.2-0.3 s) is read only when two names
    # differ after normalisation.
    from confusables import is_confusable

    return bool(is_confusable(ka, kb))


_KEY_LINE = re.compile(
    r"^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-\S+@openssh\.com) "
    r"[A-Za-z0-9+/=]+( .*)?$"
)


def public_key(text: str, where: str = "--key") -> str:
    """One OpenSSH public key line (type and base64; the comment is dropped)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) != 1 or not _KEY_LINE.match(lines[0]):
        raise UsageError(
            f"{where}: not an SSH public key (one line such as `ssh-ed25519 AAAA...`); give "
            "the .pub file, never the private key"
        )
    kind, blob = lines[0].split()[:2]
    return f"{kind} {blob}"


def fingerprint(key: str) -> str:
    """A public key's fingerprint as `ssh-keygen -l` prints it (SHA256:...)."""
    import base64

    blob = base64.b64decode(key.split()[1])
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


@dataclass
class Link:
    """A personal link for the web app: the SHA-256 of its token and when it expires."""

    digest: str
    expires: dt.datetime

    def opens(self, token: str, at: dt.datetime) -> bool:
        given = token_digest(token)
        return hmac.compare_digest(given, self.digest) and at < self.expires


@dataclass
class Reviewer:
    """One person of the register."""

    name: str
    langs: list[str]
    aliases: list[str] = field(default_factory=list)
    email: str = ""
    key: str = ""  # an OpenSSH public key line, or "" (approvals not signed)
    link: Link | None = None

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]

    @property
    def principal(self) -> str:
        """The signer's identity in allowed_signers (names may hold spaces and any script)."""
        return "reviewer-" + hashlib.sha256(self.name.encode("utf-8")).hexdigest()[:20]

    def may_review(self, lang: str) -> bool:
        return languages.canonical(lang) in self.langs

    def to_toml(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "languages": list(self.langs)}
        if self.aliases:
            data["aliases"] = list(self.aliases)
        if self.email:
            data["email"] = self.email
        if self.key:
            data["key"] = self.key
        if self.link is not None:
            data["link"] = {"sha256": self.link.digest, "expires": iso(self.link.expires)}
        return data


@dataclass
class Register:
    """The workspace's reviewers (empty: approvals are by typed name)."""

    path: Path
    reviewers: list[Reviewer] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.reviewers)

    @classmethod
    def load(cls, root: Path) -> Register:
        path = root / REGISTER_NAME
        if not os.path.lexists(path):  # a dangling link is refused below, not "no register"
            return cls(path)
        data = read_toml(path, WorkspaceError)
        items = data.get("reviewer", [])
        if not isinstance(items, list):
            raise WorkspaceError("[[reviewer]] entries expected", path=path)
        register = cls(path)
        owners: dict[str, int] = {}
        for index, item in enumerate(items, start=1):
            entry = _entry(item, index, path)
            for name in entry.names:
                # A hand edit can give one name to two entries: `find` would answer the
                # first, and the second could never decide under it.
                first = owners.setdefault(name_key(name), index)
                if first != index:
                    raise WorkspaceError(
                        f"reviewer {index} ({entry.name}): the name {name!r} is also reviewer "
                        f"{first}'s ({register.reviewers[first - 1].name}); one person is one "
                        "entry: give them all their languages and names there",
                        path=path,
                    )
            register.reviewers.append(entry)
        return register

    def find(self, name: str) -> Reviewer | None:
        """The entry one of whose names is `name` (normalised), or None."""
        key = name_key(name)
        for reviewer in self.reviewers:
            if any(name_key(n) == key for n in reviewer.names):
                return reviewer
        return None

    def get(self, name: str) -> Reviewer:
        found = self.find(name)
        if found is None:
            known = ", ".join(r.name for r in self.reviewers) or "none"
            raise UsageError(f"{name} is not in the register of reviewers (registered: {known})")
        return found

    def of_lang(self, lang: str) -> list[Reviewer]:
        return [r for r in self.reviewers if r.may_review(lang)]

    def confusable_with(self, name: str, *, besides: Reviewer | None = None) -> str | None:
        """A name of another entry that `name` could be mistaken for, or None."""
        for reviewer in self.reviewers:
            if reviewer is besides:
                continue
            for other in reviewer.names:
                if confusable(name, other):
                    return other
        return None

    def by_token(self, token: str, at: dt.datetime | None = None) -> Reviewer | None:
        """The reviewer whose personal link carries `token`, if it is neither expired nor
        revoked."""
        moment = at or now_utc()
        for reviewer in self.reviewers:
            if reviewer.link is not None and reviewer.link.opens(token, moment):
                return reviewer
        return None

    def allowed_signers(self) -> str:
        """The register's keys in ssh-keygen's allowed_signers format."""
        lines = [
            f'{r.principal} namespaces="{SIGNATURE_NAMESPACE}" {r.key}'
            for r in self.reviewers
            if r.key
        ]
        return "".join(line + "\n" for line in lines)

    def save(self) -> None:
        body = tomli_w.dumps({"reviewer": [r.to_toml() for r in self.reviewers]})
        atomic_write_text(self.path, _HEADER + body)


_HEADER = """\
# The register of reviewers (publisher reviewers add/remove/invite/revoke).
# Once it has an entry, only a reviewer of a language may approve it, under the
# entry's name. `link` holds the SHA-256 of a personal link's token, never the token.

"""


@contextmanager
def update(root: Path) -> Iterator[Register]:
    """The register, changed by the block and written atomically if it succeeds."""
    with locked(root / _LOCK, what="the register of reviewers"):
        register = Register.load(root)
        yield register
        register.save()


def _entry(item: Any, index: int, path: Path) -> Reviewer:
    if not isinstance(item, dict):
        raise WorkspaceError(f"reviewer {index}: a table expected", path=path)
    # The shapes first: a string where a list belongs would be read letter by letter.
    for field_name, kind, example in (
        ("name", str, 'name = "Sok Dara"'),
        ("languages", list, 'languages = ["km"]'),
        ("aliases", list, 'aliases = ["សុខ ដារា"]'),
        ("email", str, 'email = "sok.dara@example.org"'),
        ("key", str, 'key = "ssh-ed25519 AAAA..."'),
        ("link", dict, "[reviewer.link] with sha256 and expires"),
    ):
        value = item.get(field_name)
        wrong = value is not None and not isinstance(value, kind)
        if wrong or (kind is list and any(not isinstance(x, str) for x in value or [])):
            raise WorkspaceError(
                f"reviewer {index}: `{field_name}` must be written as {example}", path=path
            )
    try:
        name = person_name(str(item.get("name", "")), f"reviewer {index}'s name")
        langs = [languages.canonical(str(x)) for x in item.get("languages", [])]
        aliases = [
            person_name(str(x), f"reviewer {index}'s alias") for x in item.get("aliases", [])
        ]
        key = str(item.get("key", ""))
        if key:
            key = public_key(key, f"reviewer {index}'s key")
        link = None
        raw_link = item.get("link")
        if raw_link is not None:
            expires = dt.datetime.fromisoformat(str(raw_link["expires"]).replace("Z", "+00:00"))
            digest = str(raw_link["sha256"])
            if not re.fullmatch(r"[0-9a-f]{64}", digest) or expires.tzinfo is None:
                raise ValueError("link must be { sha256 = HEX, expires = UTC time }")
            link = Link(digest, expires)
    except UsageError as exc:
        raise WorkspaceError(exc.message, path=path) from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise WorkspaceError(f"reviewer {index}: {exc}", path=path) from None
    if not langs:
        raise WorkspaceError(f"reviewer {index} ({name}) has no languages", path=path)
    return Reviewer(name, langs, aliases, str(item.get("email", "")), key, link)
