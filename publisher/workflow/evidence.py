"""The evidence behind approvals: signing a reviewer's approvals, and checking them later.

Every approval event says how its reviewer was identified (`typed`, `link`,
`signed`). Only a signature can be checked by someone who trusts nothing but
the files: `check_signatures` rebuilds the statement each signature covers
from the history (core/statement.py) and asks `ssh-keygen -Y verify` whether
the key the register holds for that reviewer made it, for languages the
register gives that reviewer (a key signs nothing of another language). `approval_evidence`
tells, for each approved segment, the strongest evidence behind its current
approval (a signature that does not check counts as `bad`, below everything).

What each level proves (README, SECURITY.md): `typed` that someone typed the
name, a record anyone who can write the workspace can forge; `link` that the
server holding this machine's link key recorded a decision by someone holding
the reviewer's personal link (its MAC checks, core/link_mac.py); a `link`
record whose MAC cannot be checked here (none, no key, another key) is worth
a typed one, and one whose MAC does not check counts as `bad`, like a failed
signature. `signed` survives anyone who can write the workspace, as far as the
register's keys are the reviewers' own (compare the fingerprints `publisher
verify` prints).
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from publisher.core import history, link_mac
from publisher.core.approvals import history_approvals, load_catalog
from publisher.core.history import Event
from publisher.core.release import Release
from publisher.core.reviewers import SIGNATURE_NAMESPACE, Evidence, Register, Reviewer
from publisher.core.statement import signable, signed_groups, statement
from publisher.errors import UsageError
from publisher.signing import ssh
from publisher.workflow.review import Signer

#: The kind of an approval whose signature does not check (or that claims one it lacks).
BAD = "bad signature"
_LEVEL_OF_ACTION = {"approve": "approved", "review": "reviewed"}


def ssh_signer(register: Register, reviewer: Reviewer, key_file: Path | None) -> Signer:
    """Signs as `reviewer` with `key_file` (a private key; $PUBLISHER_SIGNING_KEY when not
    given) or, with neither, with ssh-agent holding the key the register has for them.
    Each signature is checked against the register before it is recorded."""
    if key_file is None and os.environ.get("PUBLISHER_SIGNING_KEY"):
        key_file = Path(os.environ["PUBLISHER_SIGNING_KEY"])
    if key_file is None and not os.environ.get("SSH_AUTH_SOCK"):
        raise UsageError(
            f"{reviewer.name} signs approvals (the register holds their SSH key): give "
            "--key-file PRIVATE_KEY, or load the key into ssh-agent"
        )
    if key_file is not None and not key_file.is_file():
        raise UsageError(f"--key-file {key_file}: no such file")

    def sign(data: bytes) -> str:
        if key_file is not None:
            signature = ssh.sign(key_file, SIGNATURE_NAMESPACE, data)
        else:
            with tempfile.TemporaryDirectory(prefix="publisher-sign-") as folder:
                public = Path(folder) / "key.pub"
                public.write_text(reviewer.key + "\n", encoding="ascii")
                signature = ssh.sign(public, SIGNATURE_NAMESPACE, data)
        why = ssh.verify(
            register.allowed_signers(), reviewer.principal, SIGNATURE_NAMESPACE, signature, data
        )
        if why is not None:
            where = key_file if key_file is not None else "ssh-agent"
            raise UsageError(
                f"the key in {where} is not the one the register holds for {reviewer.name}; "
                "nothing was approved"
            )
        return signature

    return sign


@dataclass
class SignatureCheck:
    """One signature of the history (the approvals of one change) and whether it holds."""

    events: list[Event]
    problem: str | None  # None: the register's key for that reviewer made it

    def describe(self) -> str:
        first = self.events[0]
        segments = ", ".join(f"{e.lang} {e.segment}" for e in self.events[:6])
        more = f" and {len(self.events) - 6} more" if len(self.events) > 6 else ""
        return f"{first.action} by {first.by} at {first.at} ({segments}{more})"


def check_signatures(release: Release, register: Register) -> list[SignatureCheck]:
    """Every signature in the release's history, checked; and every approval that claims
    to be signed without a signature."""
    events = history.read(release.history_path)
    signers = register.allowed_signers()
    checks: list[SignatureCheck] = []
    for signature, group in signed_groups(events).items():
        names = {e.by for e in group}
        entry = register.find(group[0].by or "") if len(names) == 1 else None
        if len(names) != 1:
            problem: str | None = "one signature carried by approvals of several names"
        elif not all(signable(e) for e in group):
            problem = "a signature on a record that is not an approval"
        elif entry is None:
            problem = f"{group[0].by} is not in the register of reviewers"
        elif not entry.key:
            problem = f"the register holds no key for {entry.name}"
        elif outside := sorted({e.lang or "" for e in group if e.lang not in entry.langs}):
            # Their own key, on a language the register gives to others.
            problem = f"{entry.name} does not review {', '.join(outside)} (the register)"
        else:
            problem = ssh.verify(
                signers,
                entry.principal,
                SIGNATURE_NAMESPACE,
                signature,
                statement(release.slug, group),
            )
            if problem is not None:
                problem = f"the signature does not match these records ({problem})"
        checks.append(SignatureCheck(group, problem))
    for event in events:
        if event.evidence == Evidence.SIGNED.value and not event.signature:
            checks.append(SignatureCheck([event], "marked signed, but carries no signature"))
    return checks


@dataclass
class LanguageEvidence:
    """What the current approvals of one language rest on."""

    lang: str
    #: segment -> typed, link, signed or `BAD`
    segments: dict[str, str] = field(default_factory=dict)
    #: segments with an approval whose signature does not check (whatever else backs them)
    forged: set[str] = field(default_factory=set)
    #: segments with a `link` approval whose MAC does not check with this machine's key
    forged_links: set[str] = field(default_factory=set)

    @property
    def counts(self) -> Counter[str]:
        return Counter(self.segments.values())

    def weaker_than(self, required: Evidence) -> dict[str, str]:
        return {
            segment: kind
            for segment, kind in self.segments.items()
            if kind == BAD or Evidence(kind).rank < required.rank
        }


@dataclass
class LinkCheck:
    """A `link` record of the history that does not rest on a checked MAC."""

    event: Event
    problem: str
    forged: bool  # its MAC does not check with this machine's key: not counted at all

    def describe(self) -> str:
        e = self.event
        return f"{e.action} of {e.lang} {e.segment} by {e.by} at {e.at}"

    @property
    def counted_as(self) -> str:
        return "not counted" if self.forged else "counted as typed"


def check_links(release: Release) -> list[LinkCheck]:
    """Every `link` approval of the release's history whose MAC does not check here."""
    found = history_approvals(release)
    checks = [LinkCheck(event, why, True) for event, why in found.forged]
    checks += [LinkCheck(event, why, False) for event, why in found.unchecked]
    return checks


def _kind(event: Event, bad: set[str], release: str, key: link_mac.LinkKey | None) -> str:
    """The evidence an approval event rests on; `bad` holds the signatures that fail."""
    if event.signature and event.signature in bad:
        return BAD
    try:
        kind = Evidence(event.evidence or Evidence.TYPED.value)
    except ValueError:
        return BAD
    if kind is Evidence.SIGNED and not event.signature:
        return BAD
    if kind is Evidence.LINK:
        seal, _ = link_mac.check(key, release, event)
        if seal is link_mac.Seal.FORGED:
            return BAD
        if seal is link_mac.Seal.UNCHECKED:
            return Evidence.TYPED.value
    return kind.value


def _rank(kind: str) -> int:
    return -1 if kind == BAD else Evidence(kind).rank


def approval_evidence(
    release: Release,
    register: Register,
    langs: list[str] | None = None,
    checks: list[SignatureCheck] | None = None,
) -> dict[str, LanguageEvidence]:
    """For each language, the strongest evidence behind each segment's current review
    record (only records the history backs count)."""
    if checks is None:
        checks = check_signatures(release, register)
    bad = {e.signature for check in checks if check.problem for e in check.events if e.signature}
    events = history.read(release.history_path)
    key = link_mac.load_key()
    out: dict[str, LanguageEvidence] = {}
    for lang in langs or release.meta.target_languages:
        found = LanguageEvidence(lang)
        for entry in load_catalog(release, lang):
            review = entry.review
            if review is None or not entry.backed:
                continue
            matching = [
                e
                for e in events
                if e.lang == lang
                and e.segment == entry.id
                and e.seal == review.hash
                and _LEVEL_OF_ACTION.get(e.action) == review.level.value
            ]
            kinds = [_kind(e, bad, release.slug, key) for e in matching]
            if kinds:
                found.segments[entry.id] = max(kinds, key=_rank)
            for event, kind in zip(matching, kinds, strict=True):
                if kind == BAD and event.evidence == Evidence.LINK.value:
                    found.forged_links.add(entry.id)
                elif kind == BAD:
                    found.forged.add(entry.id)
        out[lang] = found
    return out
