"""An IPv6 address that carries an IPv4 one is judged as that IPv4 address (issue 20, item 10).

`::127.0.0.1` (IPv4-compatible, deprecated but still parsed by browsers and URL
libraries) and `::ffff:127.0.0.1` (IPv4-mapped) reach the IPv4 host they carry; a
release may link to them only where it may link to that IPv4 address.
"""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest

from tests.support.workspace import Cli


@pytest.mark.parametrize(
    "host",
    ["[::127.0.0.1]", "[::7f00:1]", "[::ffff:127.0.0.1]", "[::10.0.0.5]", "[::ffff:192.168.1.1]"],
)
def test_new_refuses_a_link_to_an_ipv6_form_of_a_private_ipv4_address(
    cli: Cli, tmp_path: Path, host: str
) -> None:
    source = tmp_path / "visit.md"
    source.write_text(
        f"# Visit\n\nThe programme is on [the intranet](http://{host}/admin).\n", encoding="utf-8"
    )
    result = cli("new", str(source), "--date", "2024-11-30", ok=False)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {source}:3: links to private or local addresses are not allowed: "
        f"http://{host}/admin\n"
    )
    assert not (cli.root / "releases").exists() or not any((cli.root / "releases").iterdir())


def test_an_ipv6_form_of_a_public_ipv4_address_stays_a_link(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "visit.md"
    source.write_text(
        "# Visit\n\nThe programme is on [the site](http://[::ffff:8.8.8.8]/).\n", encoding="utf-8"
    )
    assert "created releases/" in cli("new", str(source), "--date", "2024-11-30").stdout


def test_a_translation_linking_to_an_ipv4_compatible_loopback_fails_the_check(
    cli: Cli, sample: str, tmp_path: Path
) -> None:
    path = tmp_path / "km.po"
    cli("export", sample, "--lang", "km", "--format", "po", "--out", str(path))
    po = polib.pofile(str(path), wrapwidth=0)
    next(e for e in po if e.msgctxt == "s1").msgstr = "មើល [ទំព័រ](http://[::127.0.0.1]/)"
    po.save()
    cli("import", str(path))
    result = cli("check", sample, "--lang", "km", "--json", ok=False)
    assert result.exit_code == 1
    found = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "unsafe-link"]
    assert [(f["segment"], f["message"]) for f in found] == [
        ("s1", "links to private or local addresses are not allowed: http://[::127.0.0.1]/")
    ]
