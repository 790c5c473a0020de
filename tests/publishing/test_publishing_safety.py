"""Property-based proof that nothing unapproved is ever published.

Hypothesis plays random sequences of what translators and reviewers do (edit,
draft, review, approve, reject, edit the source and sync), then builds. Without
--draft a language is published only if every segment is approved, and then
every segment's approved text is on the page; a draft always says DRAFT.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from publisher.core.approvals import load_catalog
from publisher.core.release import Release
from publisher.core.states import State
from publisher.core.workspace import Workspace
from publisher.publishing.builders.dist import DistBuilder
from publisher.workflow.review import approve, reject
from publisher.workflow.session import changing, set_translation
from publisher.workflow.sync import sync_release
from tests.support.pdf import pdf_pages, pdf_text, squash
from tests.support.workspace import SAMPLE_SLUG, copy_repo_workspace

IDS = ["title", *(f"s{n}" for n in range(1, 12))]
OPS = ("edit", "draft", "review", "approve", "reject", "source", "approve_all")

actions = st.lists(
    st.tuples(st.sampled_from(OPS), st.sampled_from(IDS), st.integers(0, 2)),
    min_size=0,
    max_size=12,
)


def _workspace(tmp: Path) -> Workspace:
    root = tmp / "ws"
    if root.exists():
        shutil.rmtree(root)
    return Workspace.load(copy_repo_workspace(root))


def _apply(ws: Workspace, steps: list[tuple[str, str, int]]) -> None:
    release = Release.load(ws.releases_dir / SAMPLE_SLUG)
    for op, seg, variant in steps:
        try:
            if op in ("edit", "draft"):
                with changing(release) as session:
                    entry = session.catalog("km").get(seg)
                    text = (
                        entry.target.rstrip("។") + "។" * (variant + 1)
                        if variant
                        else (entry.target)
                    )
                    set_translation(session, "km", seg, text, origin="human", draft=op == "draft")
            elif op in ("review", "approve"):
                level = State.REVIEWED if op == "review" else State.APPROVED
                approve(release, "km", by="R", segments=[seg], level=level)
            elif op == "approve_all":
                approve(release, "km", by="R", all_segments=True)
            elif op == "reject":
                reject(release, "km", segment=seg, by="R", comment="no")
            elif op == "source" and seg != "title":
                source = release.source_path.read_text(encoding="utf-8")
                paragraphs = source.split("\n\n")
                index = IDS.index(seg)
                if index < len(paragraphs):
                    paragraphs[index] = paragraphs[index].rstrip(".") + " today."
                    release.source_path.write_text("\n\n".join(paragraphs), encoding="utf-8")
                    sync_release(release)
        except Exception as exc:  # a refused operation is part of the game
            if not getattr(exc, "message", None):
                raise


def _expected_texts(ws: Workspace) -> dict[str, tuple[State, str]]:
    release = Release.load(ws.releases_dir / SAMPLE_SLUG)
    return {e.id: (e.state, e.target) for e in load_catalog(release, "km")}


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=actions)
def test_only_approved_text_is_published(tmp_path: Path, steps: list[tuple[str, str, int]]) -> None:
    ws = _workspace(tmp_path)
    _apply(ws, steps)
    release = Release.load(ws.releases_dir / SAMPLE_SLUG)
    out = tmp_path / "out"
    if out.exists():
        shutil.rmtree(out)
    report = DistBuilder(ws, out_dir=out, langs=["km"], formats=["html"]).build([release])
    page = out / SAMPLE_SLUG / "km.html"
    expected = _expected_texts(ws)
    all_approved = all(state is State.APPROVED for state, _ in expected.values())
    if page.exists():
        assert all_approved, "published with a segment that is not approved"
        text = squash(lxml_html.fromstring(page.read_bytes()).text_content())
        for seg, (_, target) in expected.items():
            assert squash(target) in text, seg
        assert "DRAFT" not in page.read_text()
    else:
        assert not report.ok
    draft = DistBuilder(ws, out_dir=out, langs=["km"], formats=["html"], draft=True).build(
        [release]
    )
    # A draft is never refused (neither approvals nor QA hold it back) and always says so.
    assert draft.ok, (draft.refused, draft.failed)
    tree = lxml_html.fromstring((out / SAMPLE_SLUG / "km.html").read_bytes())
    assert "DRAFT" in tree.xpath("//p[@class='draft-banner']")[0].text_content()


@pytest.mark.slow
@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=actions)
def test_draft_pdf_is_marked_on_every_page(
    tmp_path: Path, steps: list[tuple[str, str, int]]
) -> None:
    ws = _workspace(tmp_path)
    _apply(ws, [*steps, ("reject", "s5", 0)])  # at least one segment is not approved
    release = Release.load(ws.releases_dir / SAMPLE_SLUG)
    out = tmp_path / "out"
    DistBuilder(ws, out_dir=out, langs=["km"], formats=["pdf"], draft=True).build([release])
    pdf = out / SAMPLE_SLUG / "km.pdf"
    for number in range(1, pdf_pages(pdf) + 1):
        assert "DRAFT" in pdf_text(pdf, number), f"page {number} has no DRAFT mark"
