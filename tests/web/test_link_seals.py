"""Approvals through personal links carry the server's seal (an HMAC under a key kept outside
the workspace, publisher/core/link_mac.py), and a `link` record counts as one only when its
seal checks on this machine.

The genuine approvals are made through the real server (`publisher serve`) by a reviewer's
personal link; the hostile records are what someone who can write the workspace (a translator
with commit rights, a script) could write by hand: a link record with no seal or a made-up
one, by a reviewer or by someone who is not one, a sealed record whose texts were changed
after the approval, a sealed record copied to another segment or release, and a sealed record
copied back after the reviewer rejected the segment (a replay). The test session's link key
lives in a temporary folder (tests/conftest.py)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from publisher.core import link_mac
from publisher.core.catalog import Catalog
from publisher.core.states import State
from tests.support.releases import history, po_path, release_dir, states
from tests.support.web import (  # noqa: F401 (registered_*: fixtures `cli` and `server`)
    Client,
    Server,
    decide,
    invite,
    registered_cli,
    registered_server,
)
from tests.support.workspace import SAMPLE_SLUG, Cli, reopen, set_review

KM_PAGE = f"/r/{SAMPLE_SLUG}/km"


def _dara(cli: Cli, server: Server) -> Client:
    """Sok Dara's browser, opened on their personal link."""
    return server.link_client(invite(cli, server, "Sok Dara"), KM_PAGE + "?filter=all")


def _approved_through_the_link(cli: Cli, server: Server, root: Path) -> dict[str, Any]:
    """s3 sent back, then approved again by Sok Dara through their link: its history line."""
    reopen(cli, "s3", by="Sok Dara")
    status, _ = decide(_dara(cli, server), "s3", "approve")
    assert status == 200
    last = history(root)[-1]
    assert (last["action"], last["segment"], last["evidence"]) == ("approve", "s3", "link")
    return last


def _append(root: Path, record: dict[str, Any], slug: str = SAMPLE_SLUG) -> None:
    """A line added to the release's history by hand."""
    path = release_dir(root, slug) / "history.jsonl"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def _set_record(
    root: Path, segment: str, by: str, at: str, target: str | None = None, slug: str = SAMPLE_SLUG
) -> str:
    """The Khmer catalog's review record of `segment` written by hand (its translation
    changed first when `target` is given); the record's seal."""
    path = po_path(root, "km", slug)
    catalog = Catalog.load(path, release=slug)
    entry = catalog.get(segment)
    if target is not None:
        entry.target = target
    entry.set_review(State.APPROVED, by, at)
    catalog.save(path)
    assert entry.review is not None
    return entry.review.hash


def _forged(root: Path, segment: str, by: str, mac: str | None) -> str:
    """A `link` approval of `segment` written into the history and the catalog by hand, dated
    a minute after the segment was sent back; its time."""
    reopen(Cli(root), segment, by="Sok Dara")
    later = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(minutes=1)
    at = later.isoformat().replace("+00:00", "Z")
    seal = _set_record(root, segment, by, at)
    target = Catalog.load(po_path(root), release=SAMPLE_SLUG).get(segment).target
    record = {"at": at, "action": "approve", "lang": "km", "segment": segment}
    record |= {"before": "draft", "after": "approved", "by": by, "text": target, "seal": seal}
    record |= {"evidence": "link"} | ({"mac": mac} if mac else {})
    _append(root, record)
    return at


def test_a_personal_links_approval_is_sealed_and_counts_as_a_link(
    cli: Cli, server: Server, root: Path
) -> None:
    last = _approved_through_the_link(cli, server, root)
    key = link_mac.load_key()
    assert key is not None and last["mac"].startswith(f"{key.ident}:")
    assert states(root)["s3"] == "approved"
    out = cli("verify", SAMPLE_SLUG).stdout
    assert f"link approvals checked with the link key {key.ident} ({key.path})\n" in out
    assert "  km: 13 approvals: 1 link, 12 typed\n" in out
    assert "LINK" not in out
    assert "not counted" not in cli("status").stdout


def test_a_link_record_written_by_hand_without_a_seal_counts_only_as_typed(
    cli: Cli, root: Path
) -> None:
    """Also what an approval recorded before link approvals were sealed is worth: its file
    reads as before, and the approval counts as a typed name does (published under the
    default rule, refused where `[review] require = "link"`)."""
    at = _forged(root, "s3", "Sok Dara", mac=None)
    assert states(root)["s3"] == "approved"
    out = cli("verify", SAMPLE_SLUG).stdout
    assert "  km: 13 approvals: 13 typed\n" in out, out
    assert (
        f"  UNCHECKED LINK: approve of km s3 by Sok Dara at {at}: no link seal "
        "(recorded before link approvals were sealed, or written by hand); counted as typed\n"
    ) in out
    # Everything else of the sample is typed too: require link refuses km, naming s3 typed.
    set_review(root, require="link")
    build = cli("build", "--lang", "km", "--format", "html", ok=False)
    assert build.exit_code == 1 and "s3 (typed)" in build.stderr


@pytest.mark.parametrize("by", ["Sok Dara", "Mallory"])
def test_a_link_record_with_a_made_up_seal_is_not_counted_and_is_reported(
    cli: Cli, root: Path, by: str
) -> None:
    key = link_mac.ensure_key()
    at = _forged(root, "s3", by, mac=f"{key.ident}:{'1' * 16}:{'0' * 64}")
    assert states(root)["s3"] == "translated"
    status = cli("status").stdout
    assert (
        f"1 link approval not counted, its seal does not match the record (written or "
        f"changed by hand, or copied from another segment or release): km s3 by {by}"
    ) in status
    verify = cli("verify", SAMPLE_SLUG, ok=False)
    assert verify.exit_code == 1 and verify.stderr == "1 link seal did not check\n"
    assert f"  BAD LINK: approve of km s3 by {by} at {at}: its seal" in (verify.stdout)
    # fsck names the record and takes it out of the catalog.
    report = cli("fsck", SAMPLE_SLUG).stdout
    assert "review records in translations/km.po that the history does not back" in report
    assert f"approved by {by}" not in po_path(root).read_text(encoding="utf-8")


def test_a_sealed_approval_whose_texts_were_changed_afterwards_is_not_counted(
    cli: Cli, server: Server, root: Path
) -> None:
    """The translation changed after the approval, and the catalog's record and the history
    line made to agree with the new text by hand."""
    approved = _approved_through_the_link(cli, server, root)
    changed = approved["text"] + " (and a sentence nobody approved)"
    seal = _set_record(root, "s3", "Sok Dara", approved["at"], target=changed)
    lines = (release_dir(root) / "history.jsonl").read_text(encoding="utf-8").splitlines()
    lines[-1] = json.dumps({**approved, "text": changed, "seal": seal}, ensure_ascii=False)
    (release_dir(root) / "history.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert states(root)["s3"] == "translated"
    assert "1 link approval not counted" in cli("status").stdout
    assert "BAD LINK: approve of km s3 by Sok Dara" in cli("verify", ok=False).stdout


def test_a_sealed_approval_copied_to_another_segment_or_release_is_not_counted(
    cli: Cli, server: Server, root: Path
) -> None:
    approved = _approved_through_the_link(cli, server, root)
    reopen(cli, "s4", by="Sok Dara")
    target = Catalog.load(po_path(root), release=SAMPLE_SLUG).get("s4").target
    seal = _set_record(root, "s4", "Sok Dara", approved["at"])
    _append(root, {**approved, "segment": "s4", "text": target, "seal": seal})
    assert (states(root)["s3"], states(root)["s4"]) == ("approved", "translated")
    assert "BAD LINK: approve of km s4 by Sok Dara" in cli("verify", ok=False).stdout
    # The whole release folder copied under another name: its link approval is not counted
    # there (the seal names the release), the others' typed records are.
    copy = "2024-12-01-a-copy-of-the-sample"
    shutil.copytree(release_dir(root), release_dir(root, copy))
    assert states(root, slug=copy)["s3"] == "translated"
    assert states(root, slug=copy)["s1"] == "approved"


def test_a_sealed_approval_copied_back_after_a_rejection_is_not_counted(
    cli: Cli, server: Server, root: Path
) -> None:
    """The reviewer approves, then rejects; the catalog of the moment they approved is put
    back and their approval line copied after the rejection (a replay)."""
    approved = _approved_through_the_link(cli, server, root)
    catalog_then = po_path(root).read_bytes()
    dara = _dara(cli, server)
    status, _ = decide(dara, "s3", "reject", comment="the date is wrong")
    assert status == 200 and history(root)[-1]["action"] == "reject"
    assert states(root)["s3"] == "draft"
    po_path(root).write_bytes(catalog_then)
    _append(root, approved)
    assert states(root)["s3"] == "translated"
    # Approved again through the link, it counts again.
    status, _ = decide(_dara(cli, server), "s3", "approve")
    assert status == 200 and states(root)["s3"] == "approved"
