"""The publishing rule: what may be published, in which language, and why not.

A language of a release is published only when every segment it shows has
reached the workspace's required state for the exact source text being
published, and QA finds no error in its translations. The segments it shows
are its own and those it takes from the workspace's boilerplate (the About
paragraph, the contact roles: `boilerplate/s1` in a refusal). With `[review]
require = "link"` or `"signed"`, each of those approvals must rest on that
evidence at least (workflow/evidence.py). A draft build
publishes anyway, marking every page DRAFT and each unapproved segment. Every
builder (dist, site, bundle, mail) and `publisher status` ask `judge`, so they
can never disagree about what is publishable; a page, a PDF, a wire copy or a
mail edition of one language takes `choose`'s answer (its texts, and in a draft
the segments to mark), read once. Each refusal carries its reason as a `Message`
(`reason`, extracted into the review app's catalog) beside the English sentence
the CLI prints, so that the review page says it in the reviewer's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from publisher.core import boilerplate
from publisher.core.approvals import load_catalog
from publisher.core.catalog import Catalog
from publisher.core.document import Document
from publisher.core.limits import MAX_SEGMENT_CHARS
from publisher.core.links import unsafe_links
from publisher.core.messages import N_, Joined, Message, N_plural, Param
from publisher.core.release import Release
from publisher.core.reviewers import Evidence, Register
from publisher.core.states import State
from publisher.core.workspace import Workspace
from publisher.errors import NotApproved, QaBlocked, Unpublishable, WeakEvidence
from publisher.workflow.checking import ReleaseFinding, check_release, workspace_glossary
from publisher.workflow.evidence import approval_evidence

#: segment id -> the text to publish (None: shown as untranslated in a draft); boilerplate
#: segments are keyed `boilerplate/<id>`.
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


@dataclass
class Shared:
    """The boilerplate a release carries: its folder, its document and what is used."""

    release: Release | None
    document: Document | None
    use: boilerplate.Use

    @classmethod
    def of(cls, ws: Workspace, release: Release) -> Shared:
        if release.root == ws.boilerplate_dir:  # the boilerplate carries nothing of itself
            return cls(None, None, boilerplate.Use([], [], None, {}))
        shared = boilerplate.load(ws)
        document = shared.synced_document() if shared is not None else None
        return cls(shared, document, boilerplate.use(ws, release, document))


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
    shared = Shared.of(ws, release)
    for lang in langs or release.languages:
        choice = choose(ws, release, document, lang, shared=shared)
        refusal = choice.refusal(release, ws.config.required_state)
        if refusal is not None and not draft:
            verdict.refused[lang] = refusal
        else:
            verdict.texts[lang] = choice.texts
    if not draft:
        for lang, blocked in qa_refusals(ws, release, list(verdict.texts), shared).items():
            del verdict.texts[lang]
            verdict.refused[lang] = blocked
        for lang, weak in evidence_refusals(ws, release, list(verdict.texts), shared).items():
            del verdict.texts[lang]
            verdict.refused[lang] = weak
    return verdict


def evidence_refusals(
    ws: Workspace, release: Release, langs: list[str], shared: Shared | None = None
) -> dict[str, WeakEvidence]:
    """Languages whose approvals (the release's and the boilerplate's it shows) rest on
    weaker evidence than `[review] require`; none when the workspace requires nothing."""
    if ws.config.require is None:
        return {}
    required = Evidence(ws.config.require)
    register = Register.load(ws.root)
    targets = [lang for lang in langs if lang != release.meta.source_language]
    weak: dict[str, dict[str, str]] = {lang: {} for lang in targets}
    forged: set[str] = set()
    forged_links: set[str] = set()
    for lang, found in approval_evidence(release, register, targets).items():
        weak[lang].update(found.weaker_than(required))
        forged |= {lang} if found.forged else set()
        forged_links |= {lang} if found.forged_links else set()
    shared = shared or Shared.of(ws, release)
    if shared.release is not None and shared.use.segments:
        there = [x for x in targets if x in shared.release.meta.target_languages]
        used = set(shared.use.segments)
        for lang, found in approval_evidence(shared.release, register, there).items():
            for segment, kind in found.weaker_than(required).items():
                if segment in used:
                    weak[lang][boilerplate.PREFIX + segment] = kind
            forged |= {lang} if found.forged & used else set()
            forged_links |= {lang} if found.forged_links & used else set()
    out = {}
    for lang, segments in weak.items():
        if not segments:
            continue
        shown = ", ".join(f"{seg} ({kind})" for seg, kind in list(segments.items())[:12])
        more = " ..." if len(segments) > 12 else ""
        shared_count = sum(seg.startswith(boilerplate.PREFIX) for seg in segments)
        notes: list[Param] = []
        if shared_count:
            notes += [
                " (",
                Message.of(N_("%(count)s of them the boilerplate's"), count=shared_count),
                ")",
            ]
        if lang in forged:
            notes += ["; ", Message.of(N_("a signature does not check"))]
        if lang in forged_links:
            notes += ["; ", Message.of(N_("a link seal does not match its record"))]
        reason = Message.counted(
            *N_plural(
                "%(release)s: %(lang)s not published: %(count)s approval rests on weaker "
                'evidence than [review] require = "%(required)s"%(notes)s: %(approvals)s '
                "(see `publisher verify %(name)s`)",
                "%(release)s: %(lang)s not published: %(count)s approvals rest on weaker "
                'evidence than [review] require = "%(required)s"%(notes)s: %(approvals)s '
                "(see `publisher verify %(name)s`)",
            ),
            count_of="count",
            release=release.label,
            lang=lang,
            count=len(segments),
            required=required.value,
            notes=Joined(tuple(notes), ""),
            approvals=shown + more,
            name=release.short_name,
        )
        out[lang] = WeakEvidence(
            reason.english(),
            release=release.slug,
            lang=lang,
            blocking=list(segments),
            reason=reason.to_json(),
        )
    return out


@dataclass
class Choice:
    """The rule's answer for one language of a release, from one read of its catalog and
    the boilerplate's: the text of every segment it shows (its own, and the boilerplate's
    as `boilerplate/<id>`; None where a draft shows it untranslated) and the segments that
    hold it back (not in the required state, or translated from another source text)."""

    lang: str
    texts: Texts
    blocking: list[str]

    def refusal(self, release: Release, required: State) -> NotApproved | None:
        """Why the language may not be published outside a draft (None: it may)."""
        if not self.blocking:
            return None
        reason = not_approved_reason(release.label, self.lang, self.blocking, required)
        return NotApproved(
            reason.english(),
            release=release.slug,
            lang=self.lang,
            blocking=self.blocking,
            reason=reason.to_json(),
        )

    def publishable(self, release: Release, required: State, *, draft: bool) -> Texts:
        """The texts to publish, or the refusal raised (never in a draft)."""
        refusal = None if draft else self.refusal(release, required)
        if refusal is not None:
            raise refusal
        return self.texts

    def unapproved(self, *, draft: bool) -> set[str]:
        """The segments a draft marks as not yet approved (none outside drafts)."""
        return set(self.blocking) if draft else set()


def choose(
    ws: Workspace,
    release: Release,
    document: Document,
    lang: str,
    *,
    shared: Shared | None = None,
) -> Choice:
    """Every text `lang` shows of `release`, its own and its boilerplate's, and what holds
    the language back: the one answer builders, pages and editions take."""
    shared = shared or Shared.of(ws, release)
    required = ws.config.required_state
    catalog = None if lang == release.meta.source_language else load_catalog(release, lang)
    texts, blocking = _choose(document, catalog, required)
    if shared.use.segments:
        found, missing = _boilerplate_texts(shared, lang, required)
        texts.update(found)
        blocking += missing
    return Choice(lang, texts, blocking)


#: The states a workspace may require, as the refusals name them (the review page's
#: words for the states: the same message ids).
_STATE_WORDS = {
    State.UNTRANSLATED: N_("untranslated"),
    State.STALE: N_("stale"),
    State.DRAFT: N_("draft"),
    State.TRANSLATED: N_("translated"),
    State.REVIEWED: N_("reviewed"),
    State.APPROVED: N_("approved"),
}


def not_approved_reason(label: str, lang: str, blocking: list[str], required: State) -> Message:
    """The refusal, counting the release's own segments as `status`'s table does and the
    boilerplate's apart (they are its own line in `status`)."""
    own = [seg for seg in blocking if not seg.startswith(boilerplate.PREFIX)]
    shared = [seg for seg in blocking if seg.startswith(boilerplate.PREFIX)]
    state = Message.of(_STATE_WORDS[required]) if required in _STATE_WORDS else required.value
    parts: list[Param] = []
    if own:
        shown = ", ".join(own[:20]) + (" ..." if len(own) > 20 else "")
        parts.append(
            Message.counted(
                *N_plural(
                    "%(count)s segment not %(state)s: %(segments)s",
                    "%(count)s segments not %(state)s: %(segments)s",
                ),
                count_of="count",
                count=len(own),
                state=state,
                segments=shown,
            )
        )
    if shared:
        shown = ", ".join(shared[:10]) + (" ..." if len(shared) > 10 else "")
        parts.append(
            Message.counted(
                *N_plural(
                    "%(count)s boilerplate segment not %(state)s: %(segments)s",
                    "%(count)s boilerplate segments not %(state)s: %(segments)s",
                ),
                count_of="count",
                count=len(shared),
                state=state,
                segments=shown,
            )
        )
    return Message.of(
        N_("%(release)s: %(lang)s not published: %(reasons)s"),
        release=label,
        lang=lang,
        reasons=Joined(tuple(parts)),
    )


def _boilerplate_texts(shared: Shared, lang: str, required: State) -> tuple[Texts, list[str]]:
    shared_release, document = shared.release, shared.document
    wanted = set(shared.use.segments)
    if shared_release is None or document is None:
        return {}, []
    if lang == shared_release.meta.source_language:
        catalog = None
    elif lang in shared_release.meta.target_languages:
        catalog = load_catalog(shared_release, lang)
    else:  # the boilerplate is not translated into this language at all
        ids = [boilerplate.PREFIX + seg for seg in shared.use.segments]
        return dict.fromkeys(ids), ids
    texts, blocking = _choose(document, catalog, required, only=wanted)
    return (
        {boilerplate.PREFIX + seg: text for seg, text in texts.items()},
        [boilerplate.PREFIX + seg for seg in blocking],
    )


def _choose(
    document: Document, catalog: Catalog | None, required: State, only: set[str] | None = None
) -> tuple[Texts, list[str]]:
    """The text of each segment (None when it cannot be shown) and the segments not ready."""
    texts: Texts = {}
    blocking: list[str] = []
    for leaf in document.leaves():
        seg = leaf.segment or ""
        if only is not None and seg not in only:
            continue
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
        # A link that may not be published, or a text far over the length cap (edited
        # into a catalog by hand), is never rendered, even in a draft; outside drafts QA
        # reports it as an error, which refuses the language.
        safe = (
            bool(entry.target.strip())
            and len(entry.target) <= MAX_SEGMENT_CHARS
            and not unsafe_links(entry.target)
        )
        texts[seg] = entry.target if safe else None
    return texts, blocking


def qa_blocked(release: Release, lang: str, errors: list[ReleaseFinding]) -> QaBlocked:
    """The refusal of a language whose translations have QA errors."""
    shown = "; ".join(f"{f.segment} {f.code}" for f in errors[:8])
    reason = Message.counted(
        *N_plural(
            "%(release)s: %(lang)s not published: %(count)s QA error: %(errors)s "
            "(see `publisher check %(name)s`)",
            "%(release)s: %(lang)s not published: %(count)s QA errors: %(errors)s "
            "(see `publisher check %(name)s`)",
        ),
        count_of="count",
        release=release.label,
        lang=lang,
        count=len(errors),
        errors=shown,
        name=release.short_name,
    )
    return QaBlocked(
        reason.english(),
        release=release.slug,
        lang=lang,
        blocking=list(dict.fromkeys(f.segment for f in errors)),
        reason=reason.to_json(),
    )


def qa_refusals(
    ws: Workspace, release: Release, langs: list[str], shared: Shared | None = None
) -> dict[str, QaBlocked]:
    """The QA errors `publisher check` reports block publishing, as approvals do; the
    boilerplate's count where the release shows the segment."""
    targets = [lang for lang in langs if lang != release.meta.source_language]
    shared = shared or Shared.of(ws, release)
    findings = (
        check_release(release, targets, glossary=workspace_glossary(ws.root, release))
        if targets
        else []
    )
    if shared.release is not None and shared.use.segments:
        used = set(shared.use.segments)
        langs_there = [x for x in langs if x in shared.release.meta.target_languages]
        if langs_there:
            glossary = workspace_glossary(ws.root, shared.release)
            for finding in check_release(shared.release, langs_there, glossary=glossary):
                if finding.segment in used:
                    findings.append(finding.prefixed(boilerplate.PREFIX))
    out = {}
    for lang in langs:
        errors = [f for f in findings if f.lang == lang and f.is_error]
        if errors:
            out[lang] = qa_blocked(release, lang, errors)
    return out
