"""Sign and check data with OpenSSH's `ssh-keygen -Y sign` / `-Y verify`.

The mechanism of git's SSH-signed commits: a signature is bound to a namespace
(`publisher-approval`: a signature made for anything else never passes) and
checked against an `allowed_signers` file that maps an identity (principal) to
its public key. Nothing here knows about releases; the caller says what is
signed (core/statement.py) and which keys are allowed (the register).

The private key never passes through this process: `ssh-keygen` reads it from
the file the reviewer names (asking for its passphrase on the terminal), or
asks ssh-agent when given the public key of a key the agent holds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from publisher.errors import UsageError

TIMEOUT = 120.0  # a passphrase typed at the terminal


def _ssh_keygen() -> str:
    found = shutil.which("ssh-keygen")
    if found is None:
        raise UsageError(
            "ssh-keygen is not installed (Debian package openssh-client): it signs and checks "
            "approvals"
        )
    return found


def sign(key_file: Path, namespace: str, data: bytes) -> str:
    """An armored SSH signature of `data` by the key in `key_file` (a private key, or the
    public key of one that ssh-agent holds).

    The data goes through a file, not standard input: a key with a passphrase makes
    ssh-keygen ask for it on the terminal, which must stay the reviewer's."""
    if not key_file.is_file():
        raise UsageError(f"--key-file {key_file}: no such file")
    with tempfile.TemporaryDirectory(prefix="publisher-sign-") as folder:
        statement = Path(folder) / "approval"
        statement.write_bytes(data)
        try:
            command = [_ssh_keygen(), "-Y", "sign", "-q", "-f", str(key_file), "-n", namespace]
            done = subprocess.run(
                [*command, str(statement)], capture_output=True, timeout=TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired:
            raise UsageError("ssh-keygen did not sign in time (a passphrase not given?)") from None
        made = Path(f"{statement}.sig")
        signature = made.read_text("ascii", "replace") if made.is_file() else ""
    if done.returncode != 0 or "BEGIN SSH SIGNATURE" not in signature:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(
            f"could not sign with {key_file}: {why[-1] if why else 'ssh-keygen failed'}"
        )
    return signature.strip() + "\n"


def verify(
    allowed_signers: str, principal: str, namespace: str, signature: str, data: bytes
) -> str | None:
    """None if `signature` is `principal`'s signature of `data` in `namespace` by a key of
    `allowed_signers`; otherwise why not, in a few words."""
    if not allowed_signers.strip():
        return "no key in the register"
    with tempfile.TemporaryDirectory(prefix="publisher-verify-") as folder:
        signers = Path(folder) / "allowed_signers"
        signers.write_text(allowed_signers, encoding="utf-8")
        sig = Path(folder) / "approval.sig"
        sig.write_text(signature, encoding="ascii", errors="replace")
        done = subprocess.run(
            [
                _ssh_keygen(),
                "-Y",
                "verify",
                "-f",
                str(signers),
                "-I",
                principal,
                "-n",
                namespace,
                "-s",
                str(sig),
            ],
            input=data,
            capture_output=True,
            timeout=30,
            check=False,
            env={**os.environ, "LC_ALL": "C"},
        )
    if done.returncode == 0:
        return None
    said = (done.stderr + done.stdout).decode("utf-8", "replace").strip().splitlines()
    return said[-1] if said else "ssh-keygen refused the signature"
