"""Signed approvals: a reviewer's SSH key signs, `publisher verify` checks, `require` refuses.

The keys are made in each test with OpenSSH's own `ssh-keygen -t ed25519 -N ''`;
signatures are made and checked by `ssh-keygen -Y`, as git does for signed
commits. Forgeries are made as someone who can write the workspace would: by
editing history.jsonl.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from publisher.core import link_mac
from publisher.core.release import Release
from publisher.core.reviewers import Evidence
from publisher.workflow import decisions
from tests.support.releases import history
from tests.support.workspace import SAMPLE_LABEL, SAMPLE_NUMBER, SAMPLE_SLUG, Cli, set_review

HISTORY = Path("releases") / SAMPLE_SLUG / "history.jsonl"


def keypair(folder: Path, name: str) -> Path:
    """A new ed25519 key without passphrase; returns the private key's path."""
    key = folder / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True
    )
    return key


def write_history(root: Path, events: list[dict[str, Any]]) -> None:
    lines = [json.dumps(e, ensure_ascii=False) for e in events]
    (root / HISTORY).write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def signed(repo_workspace: Path, tmp_path: Path) -> tuple[Cli, Path, Path]:
    """The shipped sample (approved by typed names), Sok Dara registered with a key."""
    cli = Cli(repo_workspace)
    key = keypair(tmp_path, "sok")
    cli("reviewers", "add", "Sok Dara", "--lang", "km", "--key", f"{key}.pub")
    cli("reviewers", "add", "Li Wei", "--lang", "zh-Hans")
    return cli, repo_workspace, key


def test_a_cli_approval_is_signed_and_verify_checks_it(signed: tuple[Cli, Path, Path]) -> None:
    cli, root, key = signed
    cli("approve", SAMPLE_SLUG, "--lang", "km", "--segment", "s1", "--segment", "s2",
        "--by", "Sok Dara", "--key-file", str(key))  # fmt: skip
    s1, s2 = history(root)[-2:]
    assert (s1["segment"], s2["segment"]) == ("s1", "s2")
    assert s1["evidence"] == s2["evidence"] == "signed"
    assert s1["signature"] == s2["signature"]
    assert s1["signature"].startswith("-----BEGIN SSH SIGNATURE-----")
    out = cli("verify", SAMPLE_SLUG)
    fingerprint = subprocess.run(
        ["ssh-keygen", "-l", "-f", f"{key}.pub"], capture_output=True, text=True, check=True
    ).stdout.split()[1]
    assert out.stdout == (
        "keys in the register (compare them with the reviewers' own):\n"
        f"    Sok Dara: {fingerprint}\n"
        f"{SAMPLE_SLUG}: 1 signature checked, 1 good\n"
        "  km: 13 approvals: 2 signed, 11 typed\n"
        "  zh-Hans: 13 approvals: 13 typed\n"
    )


def test_verify_counts_link_approvals(signed: tuple[Cli, Path, Path]) -> None:
    cli, root, _ = signed
    release = Release.load(root / "releases" / SAMPLE_SLUG)
    decisions.decide(
        release,
        "zh-Hans",
        "s3",
        decisions.Decision.APPROVE,
        by="Li Wei",
        evidence=Evidence.LINK,
        link_key=link_mac.ensure_key(),  # as the web app seals a personal link's approval
    )
    assert "  zh-Hans: 13 approvals: 1 link, 12 typed\n" in cli("verify", SAMPLE_SLUG).stdout


def test_a_reviewer_with_a_key_must_sign(
    signed: tuple[Cli, Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli, root, _ = signed
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    monkeypatch.delenv("PUBLISHER_SIGNING_KEY", raising=False)
    before = (root / HISTORY).read_bytes()
    unsigned = cli("approve", SAMPLE_SLUG, "--lang", "km", "--all", "--by", "Sok Dara", ok=False)
    assert (unsigned.exit_code, unsigned.stderr) == (
        2,
        "error: Sok Dara signs approvals (the register holds their SSH key): give --key-file "
        "PRIVATE_KEY, or load the key into ssh-agent\n",
    )
    other = keypair(tmp_path, "mallory")
    forged = cli("approve", SAMPLE_SLUG, "--lang", "km", "--segment", "s1", "--by", "Sok Dara",
                 "--key-file", str(other), ok=False)  # fmt: skip
    assert forged.exit_code == 2
    assert forged.stderr == (
        f"error: the key in {other} is not the one the register holds for Sok Dara; "
        "nothing was approved\n"
    )
    nokey = cli("approve", SAMPLE_SLUG, "--lang", "zh-Hans", "--segment", "s1", "--by", "Li Wei",
                "--key-file", str(other), ok=False)  # fmt: skip
    assert nokey.exit_code == 2 and "the register holds no key for Li Wei" in nokey.stderr
    assert (root / HISTORY).read_bytes() == before


def test_ssh_agent_signs_when_no_key_file_is_given(
    signed: tuple[Cli, Path, Path], tmp_path: Path
) -> None:
    cli, root, key = signed
    agent = subprocess.run(
        ["ssh-agent", "-s", "-a", str(tmp_path / "agent.sock")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pid = agent.split("SSH_AGENT_PID=")[1].split(";")[0]
    env = {"SSH_AUTH_SOCK": str(tmp_path / "agent.sock"), "PUBLISHER_SIGNING_KEY": ""}
    try:
        subprocess.run(["ssh-add", "-q", str(key)], env=env, check=True, capture_output=True)
        cli("approve", SAMPLE_SLUG, "--lang", "km", "--segment", "s3", "--by", "Sok Dara", env=env)
    finally:
        subprocess.run(["kill", pid], check=True)
    assert history(root)[-1]["evidence"] == "signed"
    assert "1 signature checked, 1 good" in cli("verify", SAMPLE_SLUG).stdout


def _sign(key: Path, data: bytes) -> str:
    return subprocess.run(
        ["ssh-keygen", "-Y", "sign", "-q", "-f", str(key), "-n", "publisher-approval"],
        input=data,
        capture_output=True,
        check=True,
    ).stdout.decode()


def test_verify_refuses_a_signature_made_for_other_text(signed: tuple[Cli, Path, Path]) -> None:
    """Three forgeries by someone who can write the workspace and holds Sok Dara's key for
    another text only: the signature of another approval moved onto this one, a record
    edited after signing, and a `signed` mark with no signature."""
    cli, root, key = signed
    cli("approve", SAMPLE_SLUG, "--lang", "km", "--segment", "s1", "--by", "Sok Dara",
        "--key-file", str(key))  # fmt: skip
    assert cli("verify", SAMPLE_SLUG).exit_code == 0
    events = history(root)
    real = events[-1]
    # 1. A signature Sok Dara really made, but for another text (another release's s1).
    other = _sign(key, b"publisher-approval v1\nrelease another-release\n")
    events[-1] = {**real, "signature": other}
    write_history(root, events)
    bad = cli("verify", SAMPLE_SLUG, ok=False)
    assert bad.exit_code == 1
    assert f"  BAD: approve by Sok Dara at {real['at']} (km s1): the signature does not match " in (
        bad.stdout
    )
    # s1 was approved by a typed name before: that approval is what remains.
    assert "  km: 13 approvals: 13 typed\n" in bad.stdout
    assert bad.stderr == "1 signature did not check\n"
    # 2. The real signature kept, the record's seal (the text it binds) changed.
    events[-1] = {**real, "seal": "0123456789abcdef"}
    write_history(root, events)
    assert cli("verify", SAMPLE_SLUG, ok=False).exit_code == 1
    # 3. Marked signed, without a signature.
    events[-1] = {k: v for k, v in real.items() if k != "signature"}
    write_history(root, events)
    marked = cli("verify", SAMPLE_SLUG, ok=False)
    assert "marked signed, but carries no signature" in marked.stdout
    events[-1] = real
    write_history(root, events)
    assert cli("verify", SAMPLE_SLUG).stdout.count("1 signature checked, 1 good") == 1


def _require(root: Path, level: str) -> None:
    set_review(root, require=level)


def test_require_signed_refuses_a_build_on_weaker_evidence(
    signed: tuple[Cli, Path, Path], tmp_path: Path
) -> None:
    cli, root, key = signed
    _require(root, "signed")
    refused = cli("build", SAMPLE_SLUG, "--lang", "km", "--out", str(tmp_path / "dist"), ok=False)
    assert refused.exit_code == 1
    assert (
        f"{SAMPLE_LABEL}: km not published: 18 approvals rest on weaker evidence than [review] "
        'require = "signed" (5 of them the boilerplate\'s): title (typed), s1 (typed), '
    ) in refused.stderr
    assert f"(see `publisher verify {SAMPLE_NUMBER}`)" in refused.stderr
    assert not list((tmp_path / "dist").rglob("*.pdf"))
    # Sok Dara signs his own approval of every km segment and of the boilerplate's.
    for release in (SAMPLE_SLUG, "boilerplate"):
        cli("approve", release, "--lang", "km", "--all", "--by", "Sok Dara", "--key-file", str(key))
    assert "km: 13 approvals: 13 signed" in cli("verify", SAMPLE_SLUG).stdout
    built = cli("build", SAMPLE_SLUG, "--lang", "km", "--out", str(tmp_path / "dist"))
    assert built.exit_code == 0
    assert list((tmp_path / "dist").rglob("km.pdf"))
    # The register is an input of the rule: without Sok Dara's key nothing checks.
    cli("reviewers", "remove", "Sok Dara")
    unkeyed = cli("build", SAMPLE_SLUG, "--lang", "km", "--out", str(tmp_path / "dist"), ok=False)
    assert 'require = "signed" (5 of them the boilerplate\'s); a signature does not check' in (
        unkeyed.stderr
    )
    status = json.loads(cli("status", SAMPLE_SLUG, "--json").stdout)["releases"][0]
    assert status["languages"]["km"]["publishable"] is False
    assert "rest on weaker evidence" in status["languages"]["km"]["why_not"][0]
    cli("reviewers", "add", "Sok Dara", "--lang", "km", "--key", f"{key}.pub")
    cli("build", SAMPLE_SLUG, "--lang", "km", "--out", str(tmp_path / "dist"))
    # A forged record (an edit of the history) is refused again.
    events = history(root)
    for event in events:
        if event.get("signature"):
            armor = event["signature"].split("\n")
            armor[3] = armor[3][:10] + ("A" if armor[3][10] != "A" else "B") + armor[3][11:]
            event["signature"] = "\n".join(armor)
            break
    write_history(root, events)
    again = cli("build", SAMPLE_SLUG, "--lang", "km", "--out", str(tmp_path / "dist2"), ok=False)
    assert again.exit_code == 1
    assert 'require = "signed"; a signature does not check: title (typed)' in again.stderr


def test_require_link_is_a_workspace_setting_checked_on_load(repo_workspace: Path) -> None:
    _require(repo_workspace, "sealed")
    refused = Cli(repo_workspace)("status", ok=False)
    assert refused.exit_code == 2
    assert '[review] require must be "link" or "signed" (not \'sealed\')' in refused.stderr


def test_a_private_key_is_never_taken_into_the_register(
    repo_workspace: Path, tmp_path: Path
) -> None:
    cli = Cli(repo_workspace)
    key = keypair(tmp_path, "sok")
    refused = cli("reviewers", "add", "Sok Dara", "--lang", "km", "--key", str(key), ok=False)
    assert refused.exit_code == 2
    assert refused.stderr == (
        "error: --key: not an SSH public key (one line such as `ssh-ed25519 AAAA...`); give the "
        ".pub file, never the private key\n"
    )
    assert not (repo_workspace / "reviewers.toml").exists()


def test_require_signed_holds_back_send_and_site(
    signed: tuple[Cli, Path, Path], tmp_path: Path
) -> None:
    cli, root, key = signed
    _require(root, "signed")
    cli("lists", "add", "press", "sok@example.org", "--name", "Sok Dara", "--lang", "km")
    cli("approve", SAMPLE_SLUG, "--lang", "km", "--all", "--by", "Sok Dara", "--key-file", str(key))
    cli(
        "approve",
        "boilerplate",
        "--lang",
        "km",
        "--all",
        "--by",
        "Sok Dara",
        "--key-file",
        str(key),
    )
    cli("lists", "add", "press", "li@example.org", "--name", "Li Wei", "--lang", "zh-Hans")
    out = tmp_path / "eml"
    sent = cli("send", SAMPLE_SLUG, "--list", "press", "--dry-run", "--out", str(out))
    assert "skipped: li@example.org: asked only for zh-Hans, not approved for publishing" in (
        sent.stdout + sent.stderr
    )
    assert "zh-Hans not published: 18 approvals rest on weaker evidence than [review] require" in (
        sent.stdout + sent.stderr
    )
    assert [p.name for p in out.glob("*.eml")] and len(list(out.glob("*.eml"))) == 1
    site = cli("site", "--out", str(tmp_path / "site"))  # the site publishes what it may
    assert "zh-Hans not published" in site.stdout + site.stderr
    pages = {p.name for p in (tmp_path / "site").rglob("*.html")}
    assert "km.html" in pages and "zh-Hans.html" not in pages


def test_a_signature_counts_only_for_the_signers_languages(
    signed: tuple[Cli, Path, Path],
) -> None:
    """Sok Dara reviews km only. He signs, with his own key and ssh-keygen by hand, an
    approval of a Chinese segment and adds it to the history (the CLI would refuse him):
    the signature is his, but the register does not let him approve zh-Hans."""
    cli, root, key = signed
    events = history(root)
    typed = next(
        e
        for e in reversed(events)
        if (e.get("lang"), e.get("segment"), e.get("action")) == ("zh-Hans", "s1", "approve")
    )
    at = "2026-12-07T03:00:00Z"
    text = (
        f"publisher-approval v1\nrelease {SAMPLE_SLUG}\n"
        f"approve zh-Hans s1 {typed['seal']} {at} by Sok Dara\n"
    ).encode()
    signature = _sign(key, text)
    forged = {**typed, "by": "Sok Dara", "at": at, "evidence": "signed", "signature": signature}
    write_history(root, [*events, forged])
    out = cli("verify", SAMPLE_SLUG, ok=False)
    assert out.exit_code == 1
    assert (
        f"  BAD: approve by Sok Dara at {at} (zh-Hans s1): Sok Dara does not review zh-Hans "
        "(the register)\n"
    ) in out.stdout
    # What remains of s1 is the typed approval it had: no signed zh-Hans approval counted.
    assert "  zh-Hans: 13 approvals: 13 typed\n" in out.stdout
    # Given zh-Hans in the register, the same record is a good signature.
    cli("reviewers", "remove", "Sok Dara")
    cli("reviewers", "add", "Sok Dara", "--lang", "km", "--lang", "zh-Hans", "--key", f"{key}.pub")
    assert "  zh-Hans: 13 approvals: 1 signed, 12 typed\n" in cli("verify", SAMPLE_SLUG).stdout
