"""`publisher review`, the interactive terminal review, driven through piped stdin.

Each test types keys as a reviewer would, then reads back what a later user
or tool sees: the PO catalog (through polib, as Poedit would), history.jsonl,
and `publisher status --json`. Every decision must be on disk at once, so the
tests also stop the walk midway (q, end of input) and check nothing is lost.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

from publisher.cli import review_prompt
from publisher.core.release import find_release
from publisher.errors import CatalogError
from publisher.workflow import decisions as reviewing
from tests.support.releases import po_entries, po_path, review_events, status_languages, translate
from tests.support.workspace import Cli, set_review


def test_piped_review_approves_rejects_and_quits(cli: Cli, workspace: Path, sample: str) -> None:
    texts = translate(workspace, ["title", "s1", "s2", "s3"])
    result = cli("review", sample, "--lang", "km", input="a\na\nx\nWrong date\nq\n")
    out = result.stdout
    # What the reviewer saw: position, id, state, both texts side by side.
    assert "1/4" in out and "4/4" in out and "title" in out
    assert "translated" in out and "source (en)" in out and "translation (km)" in out
    assert "Samdech Techo Hun Sen" in out and "សម្តេចតេជោ" in out
    assert "2 approved, 0 reviewed, 1 rejected, 0 edited, 0 skipped" in out

    po = po_entries(workspace)
    assert "approved by Test Reviewer on" in po["title"].tcomment
    assert "approved by Test Reviewer on" in po["s1"].tcomment
    assert "fuzzy" in po["s2"].flags and po["s2"].msgstr == texts["s2"]  # text kept, back to draft
    assert "rejected by Test Reviewer on" in po["s2"].tcomment
    assert po["s2"].tcomment.endswith(": Wrong date")
    assert "fuzzy" not in po["s3"].flags and "approved" not in po["s3"].tcomment  # not reached
    assert not any(po[s].msgstr for s in ("s4", "s5", "s6"))

    events = review_events(workspace)
    assert [(e["action"], e["segment"], e["before"], e["after"]) for e in events] == [
        ("approve", "title", "translated", "approved"),
        ("approve", "s1", "translated", "approved"),
        ("reject", "s2", "translated", "draft"),
    ]
    assert all(e["by"] == "Test Reviewer" and e["lang"] == "km" for e in events)
    assert events[2]["comment"] == "Wrong date"

    status = status_languages(cli)["km"]
    assert (status["approved"], status["draft"], status["translated"]) == (2, 1, 1)
    assert status["untranslated"] == status["total"] - 4
    assert "title" not in status["blocking"] and "s2" in status["blocking"]


def test_review_then_approve_keys_and_summary(cli: Cli, workspace: Path, sample: str) -> None:
    translate(workspace, ["title", "s1"])
    out = cli("review", sample, "--lang", "km", "--by", "Sok Dara", input="r\ns\n").stdout
    assert "1 approved" not in out
    assert "0 approved, 1 reviewed, 0 rejected, 0 edited, 1 skipped" in out
    assert "end of the list" in out
    po = po_entries(workspace)
    assert po["title"].tcomment.startswith("reviewed by Sok Dara on")
    # Reviewed is not approved: the default queue still offers it, and `a` approves it.
    out = cli("review", sample, "--lang", "km", input="a\nq\n").stdout
    assert re.search(r"title +1/2 +reviewed", out)
    assert "approved by Test Reviewer" in po_entries(workspace)["title"].tcomment


def test_edit_inline_changes_translation_and_records_history(
    cli: Cli, workspace: Path, sample: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", "false")  # stdin is not a terminal: inline, never the editor
    translate(workspace, ["title"])
    new = "សម្តេចតេជោ ហ៊ុន សែន នឹងអញ្ជើញទៅប្រទេសចិន"
    out = cli("review", sample, "--lang", "km", input=f"e\n{new}\na\n").stdout
    assert "title: edited, now translated" in out
    assert out.count("1/1") == 2  # the edited segment is shown again to be decided on
    assert "1 approved, 0 reviewed, 0 rejected, 1 edited, 0 skipped" in out
    po = po_entries(workspace)
    assert po["title"].msgstr == new
    assert "origin: human" in po["title"].tcomment
    assert "approved by Test Reviewer" in po["title"].tcomment  # bound to the new text
    events = review_events(workspace)
    assert [(e["action"], e["before"], e["after"]) for e in events] == [
        ("edit", "translated", "translated"),
        ("approve", "translated", "approved"),
    ]
    assert events[0]["by"] == "Test Reviewer"
    assert status_languages(cli)["km"]["approved"] == 1


def test_empty_edit_and_empty_rejection_change_nothing(
    cli: Cli, workspace: Path, sample: str
) -> None:
    texts = translate(workspace, ["title"])
    out = cli("review", sample, "--lang", "km", input="e\n\nx\n\nq\n").stdout
    assert "translation unchanged" in out
    assert "a rejection needs a comment" in out
    assert po_entries(workspace)["title"].msgstr == texts["title"]
    assert "fuzzy" not in po_entries(workspace)["title"].flags
    assert review_events(workspace) == []


def test_back_returns_to_the_previous_segment(cli: Cli, workspace: Path, sample: str) -> None:
    translate(workspace, ["title", "s1", "s2"])
    out = cli("review", sample, "--lang", "km", input="b\ns\nb\na\nq\n").stdout
    assert "this is the first segment" in out  # b on the first one stays there
    # title, (b: stays) s -> s1, b -> title again, a -> approves it and moves on to s1.
    assert re.findall(r"\b(title|s1|s2) +(\d)/3", out) == [
        ("title", "1"),
        ("s1", "2"),
        ("title", "1"),
        ("s1", "2"),
    ]
    po = po_entries(workspace)
    assert "approved by" in po["title"].tcomment
    assert "approved by" not in po["s1"].tcomment
    assert "0 edited, 1 skipped" in out


def test_end_of_input_quits_cleanly_keeping_decisions(
    cli: Cli, workspace: Path, sample: str
) -> None:
    translate(workspace, ["title", "s1", "s2"])
    result = cli("review", sample, "--lang", "km", input="a\n")
    assert result.exit_code == 0 and not result.stderr
    assert "1 approved, 0 reviewed, 0 rejected, 0 edited, 0 skipped" in result.stdout
    assert "2 segments still need review" in result.stdout
    assert "approved by" in po_entries(workspace)["title"].tcomment
    # EOF in the middle of a rejection's comment also ends cleanly, writing nothing more.
    result = cli("review", sample, "--lang", "km", input="x\n")
    assert "0 rejected" in result.stdout
    assert "fuzzy" not in po_entries(workspace)["s1"].flags


def test_approving_untranslated_is_refused_and_stays(
    cli: Cli, workspace: Path, sample: str
) -> None:
    translate(workspace, ["s1"])
    out = cli("review", sample, "--lang", "km", "--state", "all", input="a\nr\ns\na\nq\n").stdout
    assert "cannot approve title: it is untranslated" in out
    assert "cannot mark as reviewed title" in out
    assert "(not translated)" in out
    po = po_entries(workspace)
    assert po["title"].msgstr == "" and not po["title"].tcomment.count("approved")
    assert "approved by" in po["s1"].tcomment  # after skipping title, s1 was approved
    assert [e["segment"] for e in review_events(workspace)] == ["s1"]


def test_approving_stale_is_refused(cli: Cli, workspace: Path, sample: str) -> None:
    translate(workspace, ["s1"])
    po = polib.pofile(str(po_path(workspace)))
    entry = next(e for e in po if e.msgctxt == "s1")
    entry.flags = ["fuzzy"]
    entry.previous_msgid = "An older version of the paragraph."
    po.save()
    out = cli("review", sample, "--lang", "km", "--state", "stale", input="a\nq\n").stdout
    assert "stale" in out and "previous source: An older version" in out
    assert "cannot approve s1: it is stale" in out
    assert "fuzzy" in po_entries(workspace)["s1"].flags
    assert review_events(workspace) == []


def test_qa_findings_and_history_are_shown(cli: Cli, workspace: Path, sample: str) -> None:
    translate(workspace, ["s1"], {"s1": "គណៈប្រតិភូនឹងធ្វើដំណើរទៅប្រទេសចិន។"})  # the dates left out
    cli("reject", sample, "--lang", "km", "--segment", "s1", "--comment", "Dates missing")
    out = cli("review", sample, "--lang", "km", input="q\n").stdout
    assert "error date-missing" in out
    assert "reject by Test Reviewer (translated -> draft): Dates missing" in out
    assert "rejected by Test Reviewer" in out


def test_nothing_to_review_and_bad_state(cli: Cli, sample: str) -> None:
    out = cli("review", sample, "--lang", "km").stdout
    assert "nothing to review" in out
    bad = cli("review", sample, "--lang", "km", "--state", "finished", ok=False)
    assert bad.exit_code == 2 and "--state must be one of" in bad.stderr


def test_decision_refused_when_text_changed_since_shown(
    cli: Cli, workspace: Path, sample: str
) -> None:
    """Nobody approves a text they did not read: a concurrent edit invalidates the screen."""
    translate(workspace, ["title"])
    release = find_release(workspace / "releases", sample)
    with pytest.raises(CatalogError, match="changed by someone else"):
        reviewing.decide(
            release, "km", "title", reviewing.Decision.APPROVE, by="X", shown_target="old text"
        )
    assert "approved" not in po_entries(workspace)["title"].tcomment


def test_fuzzy_memory_suggestions_are_shown(cli: Cli, workspace: Path, sample: str) -> None:
    """A near match from the office's memory (here a TMX file) is offered, never applied."""
    translate(workspace, ["title"])
    source = po_entries(workspace)["title"].msgid.replace("China", "Vietnam")
    (workspace / "memory").mkdir(exist_ok=True)
    (workspace / "memory" / "office.tmx").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">'
        '<header srclang="en" datatype="plaintext" segtype="paragraph" adminlang="en"'
        ' creationtool="test" creationtoolversion="1" o-tmf="none"/><body><tu>'
        f'<tuv xml:lang="en"><seg>{source}</seg></tuv>'
        '<tuv xml:lang="km"><seg>ទស្សនកិច្ចនៅប្រទេសវៀតណាម</seg></tuv>'
        "</tu></body></tmx>\n",
        encoding="utf-8",
    )
    out = cli("review", sample, "--lang", "km", input="q\n").stdout
    assert re.search(r"suggestion memory \d\d% \(office\.tmx[^)]*\): ទស្សនកិច្ចនៅប្រទេសវៀតណាម", out)
    assert po_entries(workspace)["title"].msgstr != "ទស្សនកិច្ចនៅប្រទេសវៀតណាម"


# ---------------------------------------------------------------- the prompt without a terminal


def test_review_walk_without_a_terminal(workspace: Path, sample: str) -> None:
    """The walk the prompt draws runs without a terminal: keys in, decisions and messages out."""
    translate(workspace, ["title", "s1", "s2"])
    release = find_release(workspace / "releases", sample)
    walk = review_prompt.ReviewWalk(release, "km", by="Sok Dara")
    assert walk.queue == ["title", "s1", "s2"] and walk.item.entry.id == "title"
    assert [m.text for m in walk.press(review_prompt.Key.BACK)] == ["this is the first segment"]
    assert walk.press(review_prompt.Key.APPROVE)[0].text == "title: approved, now approved"
    assert walk.item.entry.id == "s1" and walk.item.position == 2
    assert walk.press(review_prompt.Key.SKIP) == []
    assert walk.item.entry.id == "s2"
    refused = walk.press(review_prompt.Key.REJECT, comment="")
    assert refused[0].tone == "error" and "needs a comment" in refused[0].text
    assert walk.item.entry.id == "s2"  # a refused decision stays on the segment
    assert walk.press(review_prompt.Key.EDIT, text="   ")[0].text == "translation unchanged"
    walk.press(review_prompt.Key.EDIT, text="ថ្មី")
    assert walk.item.entry.id == "s2" and walk.item.entry.target == "ថ្មី"
    walk.press(review_prompt.Key.BACK)
    assert walk.item.entry.id == "s1"
    walk.press(review_prompt.Key.SKIP)
    walk.press(review_prompt.Key.REVIEW)
    assert walk.finished and walk.reached_end
    assert walk.tally.summary() == "1 approved, 1 reviewed, 0 rejected, 1 edited, 2 skipped"
    assert walk.summary().endswith(
        "km: 1 approved, 1 reviewed, 0 rejected, 1 edited, 2 skipped; 2 segments still need review"
    )


def test_keys_parse_as_typed() -> None:
    assert review_prompt.parse_key(" A ") is review_prompt.Key.APPROVE
    assert review_prompt.parse_key("quit") is review_prompt.Key.QUIT
    assert review_prompt.parse_key("help") is review_prompt.Key.HELP
    assert review_prompt.parse_key("z") is None and review_prompt.parse_key("") is None


# ---------------------------------------------------------------- four eyes


def test_four_eyes_refuses_the_last_editor_in_the_cli(
    cli: Cli, workspace: Path, sample: str
) -> None:
    set_review(workspace, four_eyes=True)
    translate(workspace, ["title", "s1"])
    release = find_release(workspace / "releases", sample)
    reviewing.decide(release, "km", "title", reviewing.Decision.EDIT, by="Sok Dara", text="ចំណងជើង")
    refused = cli(
        "approve", sample, "--lang", "km", "--segment", "title", "--by", "Sok Dara", ok=False
    )
    assert refused.exit_code == 2
    assert refused.stderr == (
        "error: title cannot be approved by Sok Dara: Sok Dara made its current translation, "
        "and this workspace requires another person to approve it ([review] four_eyes = true)\n"
    )
    out = cli("approve", sample, "--lang", "km", "--all", "--by", "sok  dara")
    assert "skipped under the four-eyes rule (you made their current translation): title" in (
        out.stderr
    )
    assert "approved by" in po_entries(workspace)["s1"].tcomment
    assert "approved by" not in po_entries(workspace)["title"].tcomment
    cli("approve", sample, "--lang", "km", "--segment", "title", "--by", "Li Wei")
    assert "approved by Li Wei" in po_entries(workspace)["title"].tcomment


def test_four_eyes_refuses_the_last_editor_in_a_review_walk(workspace: Path, sample: str) -> None:
    set_review(workspace, four_eyes=True)
    translate(workspace, ["title"])
    release = find_release(workspace / "releases", sample)
    walk = review_prompt.ReviewWalk(release, "km", by="Sok Dara")
    walk.press(review_prompt.Key.EDIT, text="ចំណងជើងថ្មី")
    (message,) = walk.press(review_prompt.Key.APPROVE)
    assert message.tone == "error" and "four_eyes = true" in message.text
    assert walk.press(review_prompt.Key.REVIEW)[0].text == "title: reviewed, now reviewed"
