"""Embargo times typed on the day the clocks change (issue 20, item 8).

In America/New_York, 2030-03-10 02:30 never happens (clocks jump from 02:00 to
03:00) and 2030-11-03 01:30 happens twice (at -04:00, then again at -05:00). The
first is refused; the second is refused with both readings so that the officer types
one, and a time typed with its offset is taken as typed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.workspace import SAMPLE_TXT, Cli, Result


@pytest.fixture
def new_york(cli: Cli) -> Cli:
    config = cli.root / "publisher.toml"
    text = re.sub(r"(?m)^time_zone = .*\n", "", config.read_text("utf-8"))
    zone = '[workspace]\ntime_zone = "America/New_York"\n'
    config.write_text(text.replace("[workspace]\n", zone, 1))
    return cli


def _new(cli: Cli, embargo: str, *, ok: bool = True) -> Result:
    return cli(
        "new", str(SAMPLE_TXT), "--title", "Visit", "--date", "2030-03-01",
        "--embargo", embargo, ok=ok,
    )  # fmt: skip


def _releases(root: Path) -> list[str]:
    folder = root / "releases"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_a_time_the_clocks_skip_is_refused(new_york: Cli) -> None:
    result = _new(new_york, "2030-03-10 02:30", ok=False)
    assert result.exit_code == 2
    assert result.stderr == (
        "error: '2030-03-10 02:30' does not exist in America/New_York: the clocks go from "
        "02:00 to 03:00 that night (UTC-05:00 to UTC-04:00); type a time that exists, "
        "e.g. 2030-03-10 03:30\n"
    )
    assert _releases(new_york.root) == []


def test_a_time_that_happens_twice_is_refused_with_both_readings(new_york: Cli) -> None:
    result = _new(new_york, "2030-11-03 01:30", ok=False)
    assert result.exit_code == 2
    assert result.stderr == (
        "error: '2030-11-03 01:30' happens twice in America/New_York (the clocks go back "
        "that night); type the one you mean: 2030-11-03T01:30-04:00 (the first, UTC-04:00) "
        "or 2030-11-03T01:30-05:00 (the second, UTC-05:00)\n"
    )
    assert _releases(new_york.root) == []


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("2030-11-03T01:30-04:00", "2030-11-03T01:30:00-04:00"),
        ("2030-11-03T01:30-05:00", "2030-11-03T01:30:00-05:00"),
        ("2030-03-10 03:30", "2030-03-10T03:30:00-04:00"),
        ("2030-03-10 01:30", "2030-03-10T01:30:00-05:00"),
    ],
)
def test_a_reading_typed_with_its_offset_or_an_ordinary_time_is_taken(
    new_york: Cli, typed: str, stored: str
) -> None:
    assert _new(new_york, typed).stdout.endswith(f"embargoed until {stored}\n")


def test_the_embargo_command_refuses_them_too(new_york: Cli) -> None:
    _new(new_york, "2030-03-10 01:30")
    (slug,) = _releases(new_york.root)
    for typed, says in (
        ("2030-03-10 02:15", "does not exist in America/New_York"),
        ("2030-11-03 01:05", "happens twice in America/New_York"),
    ):
        result = new_york("embargo", slug, typed, "--by", "Officer", "--now", "2030-01-01 09:00",
                          "--force", "--reason", "moved", ok=False)  # fmt: skip
        assert result.exit_code == 2 and says in result.stderr, result.stderr
