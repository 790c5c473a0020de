"""Changing the register of reviewers: add, remove, invite (a personal link), revoke.

Each change holds the register's lock and writes the file atomically
(core/reviewers.py). A new name or alias is refused when it reads like one of
another entry (the same after normalisation, or made of look-alike letters):
two entries that can be taken for each other would let one person pass for
another. A personal link's token is shown once, here, and only its SHA-256 is
kept; inviting again replaces the link, revoking removes it at once.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from publisher.core import languages
from publisher.core.history import person_name
from publisher.core.reviewers import Link, Reviewer, now_utc, public_key, token_digest, update
from publisher.errors import UsageError

#: The default base of personal links: `publisher serve`'s own address.
LOCAL_URL = "http://127.0.0.1:8765"
DEFAULT_EXPIRY = "30d"
_DURATION = re.compile(r"^\s*(\d{1,4})\s*([hdw])\s*$")
_UNITS = {"h": dt.timedelta(hours=1), "d": dt.timedelta(days=1), "w": dt.timedelta(weeks=1)}


def parse_expiry(text: str) -> dt.timedelta:
    """`30d`, `12h`, `2w`: how long a personal link opens (at most a year)."""
    found = _DURATION.match(text)
    if not found or int(found.group(1)) == 0:
        raise UsageError(f"--expires must be a duration such as 30d, 12h or 2w (not {text!r})")
    span = int(found.group(1)) * _UNITS[found.group(2)]
    if span > dt.timedelta(days=366):
        raise UsageError("--expires: a personal link opens for a year at most; invite again then")
    return span


def add_reviewer(
    root: Path,
    name: str,
    langs: list[str],
    *,
    aliases: list[str] | None = None,
    email: str = "",
    key_text: str = "",
) -> Reviewer:
    """Register a reviewer; refused if any of their names reads like another entry's."""
    name = person_name(name, "NAME")
    codes = list(dict.fromkeys(languages.canonical(x) for x in langs))
    if not codes:
        raise UsageError("say which languages they approve: --lang km (repeat for more)")
    alias_list = list(dict.fromkeys(person_name(a, "--alias") for a in aliases or []))
    key = public_key(key_text) if key_text else ""
    with update(root) as register:
        entry = Reviewer(name, codes, [], email.strip(), key)
        for candidate in (name, *alias_list):
            taken = register.confusable_with(candidate)
            if taken is not None:
                owner = register.find(taken)
                who = owner.name if owner is not None else taken
                same = candidate == taken
                raise UsageError(
                    f"{candidate!r} "
                    + ("is already" if same else f"reads like {taken!r}, already")
                    + f" in the register (as {who}); if it is the same person, add it as an "
                    "alias of that entry; otherwise write the name so that nobody can take "
                    "one for the other"
                )
            if candidate != name:
                entry.aliases.append(candidate)
        register.reviewers.append(entry)
    return entry


def remove_reviewer(root: Path, name: str) -> Reviewer:
    """Take a reviewer out of the register (their link stops opening at once).

    Their past decisions stay in the histories; a signature of theirs can no longer be
    checked (`publisher verify` says so), as their key left with them."""
    with update(root) as register:
        entry = register.get(name)
        register.reviewers.remove(entry)
    return entry


@dataclass
class Invitation:
    reviewer: Reviewer
    url: str
    expires: dt.datetime


def invite(root: Path, name: str, *, base: str, expires: str = DEFAULT_EXPIRY) -> Invitation:
    """A personal link for the web app: a new 256-bit token (only its hash is kept)."""
    span = parse_expiry(expires)
    token = secrets.token_urlsafe(32)
    until = now_utc() + span
    with update(root) as register:
        entry = register.get(name)
        entry.link = Link(token_digest(token), until)
    return Invitation(entry, f"{base.rstrip('/')}/?token={token}", until)


def revoke(root: Path, name: str) -> tuple[Reviewer, bool]:
    """End a reviewer's personal link at once; False if they had none."""
    with update(root) as register:
        entry = register.get(name)
        had = entry.link is not None
        entry.link = None
    return entry, had
