"""Review decisions bound to what the reviewer was shown, second approvals, revert, names.

The workflow functions the web app calls (and `publisher approve`), without a
server: what each decision leaves in the catalog and in the history.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from publisher.core.catalog import Catalog, approval_hash
from publisher.core.history import person_name
from publisher.core.release import Release, find_release
from publisher.core.states import State
from publisher.errors import ReviewRefused, SegmentChanged, UsageError
from publisher.web.diff import Piece, tokens, word_diff
from publisher.workflow.decisions import Decision, Shown, decide, decide_shown
from publisher.workflow.revert import revert_to_approved
from tests.support.releases import history, reviewed_by
from tests.support.workspace import SAMPLE_LABEL, SAMPLE_SLUG, Cli


@pytest.fixture
def release(repo_workspace: Path) -> Release:
    return find_release(repo_workspace / "releases", SAMPLE_SLUG)


@pytest.fixture
def run(repo_workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("PUBLISHER_REVIEWER", "Press Secretary")
    return Cli(repo_workspace)


def km(release: Release) -> Catalog:
    return Catalog.load(release.catalog_path("km"))


def shown(release: Release, segment: str) -> Shown:
    entry = km(release).get(segment)
    return Shown(
        approval_hash=approval_hash(segment, entry.source, entry.target), state=entry.state
    )


def test_a_second_persons_approval_is_recorded_not_the_same_persons(
    release: Release, run: Cli
) -> None:
    run("reject", SAMPLE_SLUG, "--lang", "km", "--segment", "s1", "--comment", "again")
    run("approve", SAMPLE_SLUG, "--lang", "km", "--segment", "s1", "--by", "Li Wei")
    count = len(history(release))
    again = run("approve", SAMPLE_SLUG, "--lang", "km", "--segment", "s1", "--by", "li  wei")
    assert again.stdout == f"{SAMPLE_LABEL} km: 0 approved, 1 already approved\n"
    assert len(history(release)) == count  # the same person: nothing new
    other = run("approve", SAMPLE_SLUG, "--lang", "km", "--segment", "s1", "--by", "Sok Dara")
    assert other.stdout == f"{SAMPLE_LABEL} km: 0 approved, 1 already approved\n"
    last = history(release)[-1]
    assert {k: last[k] for k in ("action", "segment", "before", "after", "by", "detail")} == {
        "action": "approve",
        "segment": "s1",
        "before": "approved",
        "after": "approved",
        "by": "Sok Dara",
        "detail": "also approved by Li Wei",
    }
    assert last["text"] == km(release).get("s1").target
    assert reviewed_by(km(release).get("s1")) == "Li Wei"


def test_a_decision_on_what_changed_meanwhile_is_refused(release: Release) -> None:
    seen = shown(release, "s2")
    decide(release, "km", "s2", Decision.REJECT, by="Li Wei", comment="the ministry's name")
    with pytest.raises(SegmentChanged) as refused:
        decide(release, "km", "s2", Decision.APPROVE, by="Sok Dara", shown=seen)
    assert refused.value.message.startswith("s2 is now draft (rejected by Li Wei on ")
    assert km(release).get("s2").state is State.DRAFT
    with pytest.raises(SegmentChanged):  # an edit on the old text too
        decide(release, "km", "s2", Decision.EDIT, by="Sok Dara", shown=seen, text="ថ្មី")
    # an agreeing change is no conflict: approving what another approved meanwhile
    seen = shown(release, "s2")
    decide(release, "km", "s2", Decision.APPROVE, by="Li Wei")
    stored = decide(release, "km", "s2", Decision.APPROVE, by="Sok Dara", shown=seen)
    assert stored is not None and reviewed_by(stored) == "Li Wei"
    assert decide(release, "km", "s2", Decision.APPROVE, by="Li Wei", shown=seen) is None


def test_approving_what_was_shown_decides_each_segment_and_reports_the_rest(
    release: Release,
) -> None:
    for segment in ("s3", "s4", "s5"):
        decide(release, "km", segment, Decision.REJECT, by="Li Wei", comment="read again")
    seen = {segment: shown(release, segment) for segment in ("s3", "s4", "s5", "s6")}
    decide(release, "km", "s4", Decision.EDIT, by="Li Wei", text="ទស្សនកិច្ច")
    report = decide_shown(release, "km", seen, Decision.APPROVE, by="Sok Dara")
    assert report.decided == ["s3", "s5"]
    assert report.unchanged == ["s6"] and report.confirmed == ["s6"]
    assert list(report.refused) == ["s4"]
    assert report.refused["s4"].startswith("s4 was changed by someone else")
    stamps = {e["at"] for e in history(release)[-3:]}
    assert len(stamps) == 1  # one session: one time, one write
    with pytest.raises(UsageError):
        decide_shown(release, "km", seen, Decision.REJECT, by="Sok Dara")


def test_revert_needs_an_approved_text_in_the_history(release: Release) -> None:
    # the shipped history predates approvals carrying their text: nothing to go back to
    with pytest.raises(ReviewRefused) as refused:
        revert_to_approved(release, "km", "s6", by="Sok Dara")
    assert refused.value.message == (
        "s6 has no approved translation other than its current one to go back to"
    )
    approved = km(release).get("s6").target
    decide(release, "km", "s6", Decision.EDIT, by="Li Wei", text=approved + " ១")
    decide(release, "km", "s6", Decision.APPROVE, by="Sok Dara")
    decide(release, "km", "s6", Decision.EDIT, by="Li Wei", text=approved)
    with pytest.raises(SegmentChanged):
        revert_to_approved(
            release,
            "km",
            "s6",
            by="Sok Dara",
            shown=Shown(approval_hash="0" * 16, state=State.TRANSLATED),
        )
    entry = revert_to_approved(release, "km", "s6", by="Sok Dara")
    assert (entry.target, entry.state) == (approved + " ១", State.TRANSLATED)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "say who you are with --by NAME (or set PUBLISHER_REVIEWER)"),
        ("Sok\nDara", "--by must be a plain name, without line breaks or control characters"),
        ("Sok\u2067Dara", "--by must be a plain name, without line breaks or control characters"),
        ("[x] Dara", "--by must be a plain name of at most 100 characters, without [ ]"),
        ("D" * 101, "--by must be a plain name of at most 100 characters, without [ ]"),
    ],
)
def test_names_are_one_plain_line(raw: str, message: str) -> None:
    with pytest.raises(UsageError) as refused:
        person_name(raw)
    assert refused.value.message == message


def test_names_are_tidied() -> None:
    assert person_name("  សុខ   ដារា ") == "សុខ ដារា"
    assert person_name("<b>Li</b> Wei") == "<b>Li</b> Wei"  # escaped where shown, kept as typed


def test_word_diff_by_word_khmer_syllable_and_chinese_character() -> None:
    assert tokens("ទៅប្រទេសចិន") == ["ទៅ", "ប្រ", "ទេ", "ស", "ចិ", "ន"]
    assert tokens("访问中国 2024") == ["访", "问", "中", "国", " ", "2024"]
    assert word_diff("visit to China", "visit to the People’s Republic of China") == [
        Piece("same", "visit to "),
        Piece("ins", "the People’s Republic of "),
        Piece("same", "China"),
    ]
    assert word_diff("នៅប្រទេសចិន", "ទៅប្រទេសចិន") == [
        Piece("del", "នៅ"),
        Piece("ins", "ទៅ"),
        Piece("same", "ប្រទេសចិន"),
    ]
    assert word_diff("将访问中国", "将访问柬埔寨") == [
        Piece("same", "将访问"),
        Piece("del", "中国"),
        Piece("ins", "柬埔寨"),
    ]
