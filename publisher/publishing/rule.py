"""The publishing rule: what may be published, in which language, and why not.

A language of a release is published only when every segment has reached the
workspace's required state for the exact source text being published, and QA
finds no error in its translations. A draft build publishes anyway, marking
every page DRAFT and each unapproved segment. Every builder (dist, site,
bundle) and `publisher status` ask `judge`, so they can never disagree about
what is publishable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from publisher.core.catalog import Catalog
from publisher.core.document import Document
from publisher.core.links import check_links
from publisher.core.release import Release
from publisher.core.states import State
from publisher.core.workspace import Workspace
from publisher.errors import NotApproved, QaBlocked, RenderError, SourceError, Unpublishable
from publisher.workflow.checking import ReleaseFinding, check_release, workspace_glossary
from publisher.workflow.session import load_catalog

#: segment id -> the text to publish (None: shown as untranslated in a draft)
Texts = dict[str, str | None]


@dataclass
class Verdict:
    """The rule's answer for one release: the texts of each publishable language and
    the refusal of each other language."""

    texts: dict[str, Texts] = field(default_factory=dict)
    refused: dict[str, Unpublishable] = field(default_factory=dict)

    @property
    def published(self) -> list[str]:
        return list(self.texts)


def judge(
    ws: Workspace,
    release: Release,
    document: Document,
    *,
    draft: bool,
    langs: list[str] | None = None,
) -> Verdict:
    """Apply the rule to every language of `release` (or to `langs`)."""
    verdict = Verdict()
    for lang in langs or release.languages:
        catalog = None if lang == release.meta.source_language else load_catalog(release, lang)
        try:
            verdict.texts[lang] = translated_texts(
                document,
                catalog,
                ws.config.required_state,
                draft=draft,
                release=release.slug,
                lang=lang,
            )
        except Unpublishable as refusal:
            verdict.refused[lang] = refusal
    if not draft:
        for lang, blocked in qa_refusals(ws, release, list(verdict.texts)).items():
            del verdict.texts[lang]
            verdict.refused[lang] = blocked
    return verdict


def unapproved_segments(document: Document, catalog: Catalog | None, required: State) -> set[str]:
    """Segments whose translation is not (or no longer) in the required state."""
    if catalog is None:
        return set()
    out: set[str] = set()
    for leaf in document.leaves():
        entry = catalog.entries.get(leaf.segment or "")
        if entry is None or entry.source != leaf.text or not entry.state.at_least(required):
            out.add(leaf.segment or "")
    return out


def draft_unapproved(
    ws: Workspace, release: Release, document: Document, lang: str, draft: bool
) -> set[str]:
    """In a draft, the segments to mark as not yet approved (none outside drafts)."""
    if not draft or lang == release.meta.source_language:
        return set()
    return unapproved_segments(document, load_catalog(release, lang), ws.config.required_state)


def translated_texts(
    document: Document,
    catalog: Catalog | None,
    required: State,
    *,
    draft: bool,
    release: str,
    lang: str,
) -> Texts:
    """Segment id -> text to publish (None: show as untranslated), or refuse."""
    texts: Texts = {}
    blocking: list[str] = []
    for leaf in document.leaves():
        seg = leaf.segment or ""
        if catalog is None:
            texts[seg] = leaf.text
            continue
        entry = catalog.entries.get(seg)
        if entry is None or entry.source != leaf.text:
            blocking.append(seg)
            texts[seg] = None
            continue
        if not entry.state.at_least(required):
            blocking.append(seg)
        if entry.target.strip():
            try:
                check_links(entry.target)
            except SourceError as exc:
                raise RenderError(f"{release}: {lang} segment {seg}: {exc.message}") from None
        texts[seg] = entry.target if entry.target.strip() else None
    if blocking and not draft:
        shown = ", ".join(blocking[:20]) + (" ..." if len(blocking) > 20 else "")
        raise NotApproved(
            f"{release}: {lang} not published: {len(blocking)} segment(s) not "
            f"{required.value}: {shown} (use --draft to publish a marked draft)",
            release=release,
            lang=lang,
            blocking=blocking,
        )
    return texts


def qa_blocked(release: str, lang: str, errors: list[ReleaseFinding]) -> QaBlocked:
    """The refusal of a language whose translations have QA errors."""
    shown = "; ".join(f"{f.segment} {f.code}" for f in errors[:8])
    return QaBlocked(
        f"{release}: {lang} not published: {len(errors)} QA "
        f"error(s): {shown} (see `publisher check`; --draft publishes anyway)",
        release=release,
        lang=lang,
        blocking=list(dict.fromkeys(f.segment for f in errors)),
    )


def qa_refusals(ws: Workspace, release: Release, langs: list[str]) -> dict[str, QaBlocked]:
    """The QA errors `publisher check` reports block publishing, as approvals do."""
    targets = [lang for lang in langs if lang != release.meta.source_language]
    if not targets:
        return {}
    findings = check_release(release, targets, glossary=workspace_glossary(ws.root, release))
    out = {}
    for lang in targets:
        errors = [f for f in findings if f.lang == lang and f.is_error]
        if errors:
            out[lang] = qa_blocked(release.slug, lang, errors)
    return out
