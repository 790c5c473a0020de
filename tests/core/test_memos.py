"""Parses remembered by their text (core/memos.py) answer as a new parse would: a changed
file is read anew, and what a caller does to its answer never reaches the next caller."""

from __future__ import annotations

from pathlib import Path

import pytest

from publisher.core import history, memos
from publisher.core.approvals import recorded_approvals
from publisher.core.document import parse_markdown
from publisher.core.glossary import GLOSSARY_NAME, Glossary
from publisher.core.links import find_links
from publisher.core.release import Release
from publisher.core.tomlfile import parse_toml
from publisher.errors import ReleaseError
from tests.support.workspace import SAMPLE_SLUG, copy_repo_workspace

SOURCE = "# Title\n\nA paragraph with a [link](https://example.org/).\n\n- one\n- two\n"


def test_a_remembered_parse_gives_each_caller_its_own_document() -> None:
    first = parse_markdown(SOURCE)
    first.blocks[0].text = "changed by a caller"
    first.blocks.clear()
    second = parse_markdown(SOURCE)
    assert [leaf.text for leaf in second.leaves()] == [
        "Title",
        "A paragraph with a [link](https://example.org/).",
        "one",
        "two",
    ]
    found = find_links(SOURCE)
    found.clear()
    assert [link.url for link in find_links(SOURCE)] == ["https://example.org/"]


def test_an_approval_appended_to_the_history_counts_at_once(tmp_path: Path) -> None:
    root = copy_repo_workspace(tmp_path / "ws")
    release = Release.load(root / "releases" / SAMPLE_SLUG)
    before = recorded_approvals(release)
    assert before  # the sample is approved
    event = history.Event(
        at="2026-12-07T05:00:00Z",
        action="approve",
        lang="km",
        segment="s999",
        by="Sok Dara",
        seal="0123456789abcdef",
    )
    history.append(release.history_path, [event])
    after = recorded_approvals(release)
    assert after - before == {
        ("km", "s999", "approved", "Sok Dara", "2026-12-07T05:00:00Z", "0123456789abcdef")
    }
    release.history_path.unlink()
    assert recorded_approvals(release) == set()


def test_forget_starts_every_memo_afresh() -> None:
    calls: list[str] = []

    @memos.memo(maxsize=4)
    def length(text: str) -> int:
        calls.append(text)
        return len(text)

    assert (length("abc"), length("abc")) == (3, 3)
    assert calls == ["abc"]
    memos.forget()
    assert length("abc") == 3
    assert calls == ["abc", "abc"]


def test_a_glossary_edit_is_read_at_once_and_a_caller_s_changes_stay_its_own(
    tmp_path: Path,
) -> None:
    (tmp_path / GLOSSARY_NAME).write_text(
        '[[term]]\nen = "Senate"\nkm = "ព្រឹទ្ធសភា"\n', encoding="utf-8"
    )
    first = Glossary.load(tmp_path)
    first.terms[0].names["km"] = "changed by a caller"
    first.terms.clear()
    assert [t.names for t in Glossary.load(tmp_path).terms] == [{"en": "Senate", "km": "ព្រឹទ្ធសភា"}]
    (tmp_path / GLOSSARY_NAME).write_text(
        '[[term]]\nen = "Senate"\nkm = "ព្រឹទ្ធសភា"\nzh-Hans = "参议院"\n', encoding="utf-8"
    )
    assert Glossary.load(tmp_path).terms[0].get("zh-Hans") == "参议院"


def test_a_release_toml_edit_is_read_at_once_and_a_caller_s_changes_stay_its_own(
    tmp_path: Path,
) -> None:
    """release.toml is parsed once per text (core/tomlfile.py): a command that changes
    what it read (as `photo add` does before writing it back) leaves the next reader the
    file's own values, and an edit of the file is what the next reader gets."""
    root = copy_repo_workspace(tmp_path / "ws")
    path = root / "releases" / SAMPLE_SLUG / "release.toml"
    text = path.read_text(encoding="utf-8")
    first = parse_toml(text, path, ReleaseError)
    credit = first["photos"][0]["credit"]
    first["photos"][0]["credit"] = "changed by a caller"
    first["photos"].clear()
    again = parse_toml(text, path, ReleaseError)
    assert again["photos"][0]["credit"] == credit
    assert Release.load(path.parent).meta.photos[0].credit == credit
    path.write_text(text.replace(credit, "Ministry of Information"), encoding="utf-8")
    assert Release.load(path.parent).meta.photos[0].credit == "Ministry of Information"


def test_invalid_toml_is_refused_with_its_file_and_line_each_time(tmp_path: Path) -> None:
    """An error is never remembered in place of a parse: each read names the file read."""
    for name in ("a.toml", "b.toml"):
        with pytest.raises(ReleaseError) as raised:
            parse_toml('title = "x"\nbroken =\n', tmp_path / name, ReleaseError)
        assert raised.value.path == tmp_path / name and raised.value.line == 2
