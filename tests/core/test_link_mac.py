"""The link key (publisher/core/link_mac.py): made once, readable by its owner alone, never
taken from inside a workspace (where it would be committed with the records it protects)."""

from __future__ import annotations

from pathlib import Path

import pytest

from publisher.core import link_mac
from publisher.core.history import Event
from publisher.errors import UsageError


def test_the_key_is_made_once_for_its_owner_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "config" / "publisher" / "link-key"
    monkeypatch.setenv(link_mac.KEY_ENV, str(path))
    assert link_mac.load_key() is None
    key = link_mac.ensure_key()
    assert key.path == path and len(key.secret) == 32
    assert path.stat().st_mode & 0o777 == 0o600
    assert link_mac.ensure_key() == key  # made once
    event = Event("2026-12-07T09:00:00Z", "approve", "km", "s3", by="Sok Dara", seal="ab" * 8)
    event.evidence = "link"
    event.mac = link_mac.mac(key, "a-release", event)
    assert link_mac.check(key, "a-release", event)[0] is link_mac.Seal.VERIFIED
    assert link_mac.check(key, "another-release", event)[0] is link_mac.Seal.FORGED
    assert link_mac.check(None, "a-release", event)[0] is link_mac.Seal.UNCHECKED
    path.write_text("not a key\n", encoding="ascii")
    assert link_mac.load_key() is None
    assert link_mac.key_problem() == f"{path} is not a link key (64 hexadecimal digits)"


def test_a_key_inside_a_workspace_is_neither_made_nor_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "publisher.toml").write_text("", encoding="utf-8")
    path = tmp_path / ".publisher" / "link-key"
    monkeypatch.setenv(link_mac.KEY_ENV, str(path))
    with pytest.raises(UsageError, match="is inside the workspace"):
        link_mac.ensure_key()
    assert not path.exists()
    path.parent.mkdir()
    path.write_text("ab" * 32 + "\n", encoding="ascii")  # put there by hand, or committed
    assert link_mac.load_key() is None
    assert "is inside the workspace" in (link_mac.key_problem() or "")
