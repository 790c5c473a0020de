"""The register of reviewers from the command line: who may approve, under which name.

Each test types the commands a press office would and reads what they print and
what the release files hold afterwards (the PO catalog, history.jsonl).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from publisher.core.release import find_release
from publisher.workflow import decisions
from tests.support.releases import po_entries, review_events, translate
from tests.support.workspace import SAMPLE_SLUG, Cli, set_review

CYRILLIC_A = "\u0430"


def register(workspace: Path) -> str:
    path = workspace / "reviewers.toml"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def test_add_list_and_remove(cli: Cli, workspace: Path) -> None:
    assert cli("reviewers", "list").stdout == (
        "no reviewers registered: approvals are by typed name "
        "(publisher reviewers add NAME --lang km)\n"
    )
    added = cli(
        "reviewers",
        "add",
        "Sok Dara",
        "--lang",
        "km",
        "--alias",
        "សុខ ដារា",
        "--email",
        "sok.dara@example.org",
    )
    assert added.stdout == "added Sok Dara (also សុខ ដារា): reviews km\n"
    cli("reviewers", "add", "Li Wei", "--lang", "zh-CN", "--lang", "km")
    assert cli("reviewers", "list").stdout == (
        "Sok Dara: km; also សុខ ដារា; sok.dara@example.org; no key; no link\n"
        "Li Wei: zh-Hans, km; no key; no link\n"
    )
    assert cli("reviewers", "remove", "សុខ ដារា").stdout == (
        "removed Sok Dara; their past decisions stay in the histories\n"
    )
    assert cli("reviewers", "list").stdout == "Li Wei: zh-Hans, km; no key; no link\n"
    missing = cli("reviewers", "remove", "Nobody", ok=False)
    assert (missing.exit_code, missing.stderr) == (
        2,
        "error: Nobody is not in the register of reviewers (registered: Li Wei)\n",
    )


@pytest.mark.parametrize(
    ("name", "looks_like"),
    [
        (f"Tr{CYRILLIC_A}ns", "Trans"),  # a Cyrillic а for the Latin a
        ("Trans.", "Trans"),
        ("TRANS", "Trans"),
        ("T r a n s", "Trans"),
        ("Tran\u200bs", "Trans"),  # an invisible zero-width space
        ("ＴＲＡＮＳ", "Trans"),  # full-width letters (NFKC)
        ("សុខ ដារា។", "សុខ ដារា"),  # the Khmer alias with a Khmer full stop
    ],
)
def test_a_name_that_reads_like_another_entry_is_refused(
    cli: Cli, workspace: Path, name: str, looks_like: str
) -> None:
    cli("reviewers", "add", "Trans", "--lang", "km")
    cli("reviewers", "add", "Sok Dara", "--lang", "km", "--alias", "សុខ ដារា")
    before = register(workspace)
    for args in (
        ["add", name, "--lang", "zh-Hans"],
        ["add", "Chea Malis", "--lang", "km", "--alias", name],
    ):
        refused = cli("reviewers", *args, ok=False)
        assert refused.exit_code == 2
        assert refused.stderr.startswith(f"error: {name!r} reads like {looks_like!r}, already in")
        assert "add it as an alias of that entry" in refused.stderr
        assert register(workspace) == before


def test_approvals_name_a_reviewer_of_that_language(cli: Cli, workspace: Path, sample: str) -> None:
    translate(workspace, ["title", "s1", "s2"])
    cli("reviewers", "add", "Sok Dara", "--lang", "km", "--alias", "សុខ ដារា")
    cli("reviewers", "add", "Li Wei", "--lang", "zh-Hans")
    before = km_po_bytes(workspace)
    listing = "km is approved by: Sok Dara (also សុខ ដារា) (publisher reviewers add NAME --lang km)"
    for command in (
        ["approve", sample, "--lang", "km", "--segment", "s1", "--by", "Chea Malis"],
        ["reject", sample, "--lang", "km", "--segment", "s1", "--comment", "no", "--by", "Chea"],
        ["review", sample, "--lang", "km", "--by", "Chea Malis"],
    ):
        refused = cli(*command, input="a\n", ok=False)
        assert refused.exit_code == 2, command
        who = command[command.index("--by") + 1]
        assert refused.stderr == f"error: {who} is not in the register of reviewers; {listing}\n"
    other = cli("approve", sample, "--lang", "km", "--segment", "s1", "--by", "Li Wei", ok=False)
    assert other.stderr == f"error: Li Wei does not review km; {listing}\n"
    # The PUBLISHER_REVIEWER of the fixture (Test Reviewer) is not a reviewer either.
    assert cli("approve", sample, "--lang", "km", "--all", ok=False).exit_code == 2
    assert km_po_bytes(workspace) == before
    # Any of the entry's names is accepted; the decision is recorded under the entry.
    cli("approve", sample, "--lang", "km", "--segment", "s1", "--by", "សុខ  ដារា")
    cli("review", sample, "--lang", "km", "--by", "sok dara.", input="x\nwrong name\nq\n")
    assert "approved by Sok Dara on" in po_entries(workspace)["s1"].tcomment
    decided = [(e["action"], e["segment"], e["by"]) for e in review_events(workspace)]
    assert decided == [("approve", "s1", "Sok Dara"), ("reject", "title", "Sok Dara")]


def km_po_bytes(workspace: Path) -> bytes:
    return (workspace / "releases" / SAMPLE_SLUG / "translations" / "km.po").read_bytes()


def test_an_empty_register_keeps_typed_names_and_status_says_so(
    cli: Cli, workspace: Path, sample: str
) -> None:
    translate(workspace, ["s1"])
    cli("approve", sample, "--lang", "km", "--segment", "s1", "--by", "Anyone At All")
    (event,) = review_events(workspace)
    assert (event["by"], event["evidence"]) == ("Anyone At All", "typed")
    status = cli("status", sample).stdout
    assert status.endswith(
        "approvals are by typed name (no register of reviewers: publisher reviewers add NAME "
        "--lang km)\n"
    )
    assert json.loads(cli("status", sample, "--json").stdout)["approvals_by"] == "typed name"
    cli("reviewers", "add", "Sok Dara", "--lang", "km")
    assert cli("status", sample).stdout.endswith(
        "approvals are by the register's reviewers (1 entry)\n"
    )


def test_four_eyes_compares_entries_across_aliases(cli: Cli, workspace: Path, sample: str) -> None:
    """The translator edited under the Khmer-script name before the register existed; the
    romanised name is the same entry, so it may not approve that translation."""
    set_review(workspace, four_eyes=True)
    translate(workspace, ["title", "s1"])
    release = find_release(workspace / "releases", sample)
    decisions.decide(release, "km", "s1", decisions.Decision.EDIT, by="សុខ ដារា", text="ការបកប្រែថ្មី")
    cli("reviewers", "add", "Sok Dara", "--lang", "km", "--alias", "សុខ ដារា")
    cli("reviewers", "add", "Chea Malis", "--lang", "km")
    refused = cli(
        "approve", sample, "--lang", "km", "--segment", "s1", "--by", "Sok Dara", ok=False
    )
    assert refused.stderr == (
        "error: s1 cannot be approved by Sok Dara: Sok Dara (as សុខ ដារា) made its current "
        "translation, and this workspace requires another person to approve it "
        "([review] four_eyes = true)\n"
    )
    walk = cli("review", sample, "--lang", "km", "--by", "Sok Dara", input="s\na\nq\n")
    assert "four_eyes = true" in walk.stdout
    assert "approved by" not in po_entries(workspace)["s1"].tcomment
    cli("approve", sample, "--lang", "km", "--segment", "s1", "--by", "Chea Malis")
    assert "approved by Chea Malis" in po_entries(workspace)["s1"].tcomment


@pytest.mark.parametrize("approver", [f"Tr{CYRILLIC_A}ns", "Trans.", "trans", "TRANS "])
def test_four_eyes_without_a_register_refuses_look_alike_names(
    cli: Cli, workspace: Path, sample: str, approver: str
) -> None:
    set_review(workspace, four_eyes=True)
    translate(workspace, ["s1"])
    release = find_release(workspace / "releases", sample)
    decisions.decide(release, "km", "s1", decisions.Decision.EDIT, by="Trans", text="អត្ថបទថ្មី")
    refused = cli("approve", sample, "--lang", "km", "--segment", "s1", "--by", approver, ok=False)
    assert refused.exit_code == 2
    assert "made its current translation" in refused.stderr
    assert "approved by" not in po_entries(workspace)["s1"].tcomment


def test_a_damaged_register_is_named_with_its_file(cli: Cli, workspace: Path, sample: str) -> None:
    (workspace / "reviewers.toml").write_text(
        '[[reviewer]]\nname = "Sok Dara"\nlanguages = ["xx-Nope"]\n', encoding="utf-8"
    )
    refused = cli("approve", sample, "--lang", "km", "--all", "--by", "Sok Dara", ok=False)
    assert refused.exit_code == 2
    assert refused.stderr.startswith(f"error: {workspace / 'reviewers.toml'}")
    assert "Traceback" not in refused.stderr


def test_a_register_giving_one_name_to_two_entries_is_refused(
    cli: Cli, workspace: Path, sample: str
) -> None:
    """A hand edit adds "sok dara" for zh-Hans beside "Sok Dara" for km: one name, two
    entries, of which only the first could ever be found. Refused, naming both."""
    cli("reviewers", "add", "Sok Dara", "--lang", "km")
    with (workspace / "reviewers.toml").open("a", encoding="utf-8") as register:
        register.write('\n[[reviewer]]\nname = "sok  dara"\nlanguages = ["zh-Hans"]\n')
    approve = ("approve", sample, "--lang", "zh-Hans", "--all", "--by", "sok dara")
    for command in (("reviewers", "list"), approve):
        refused = cli(*command, ok=False)
        assert (refused.exit_code, refused.stdout) == (2, "")
        assert refused.stderr == (
            f"error: {workspace / 'reviewers.toml'}: reviewer 2 (sok dara): the name "
            "'sok dara' is also reviewer 1's (Sok Dara); one person is one entry: give them "
            "all their languages and names there\n"
        )


@pytest.mark.parametrize(
    ("entry", "said"),
    [
        ('name = "Sok Dara"\nlanguages = "km"', "`languages` must be written as languages"),
        ('name = "Sok Dara"\nlanguages = ["km", 3]', "`languages` must be written as"),
        ('name = "Sok Dara"\nlanguages = ["km"]\nlink = "x"', "`link` must be written as"),
        ('name = "Sok Dara"\nlanguages = ["km"]\naliases = "Dara"', "`aliases` must be written"),
    ],
)
def test_a_register_entry_of_the_wrong_shape_is_named(
    cli: Cli, workspace: Path, entry: str, said: str
) -> None:
    """A hand edit writing a string where a list or table belongs: one sentence saying how
    to write it (not "unknown language 'k'", read letter by letter, nor Python's words)."""
    (workspace / "reviewers.toml").write_text(f"[[reviewer]]\n{entry}\n", encoding="utf-8")
    refused = cli("reviewers", "list", ok=False)
    assert refused.exit_code == 2
    assert refused.stderr.startswith(f"error: {workspace / 'reviewers.toml'}: reviewer 1: {said}")
