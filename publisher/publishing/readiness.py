"""`publisher status`'s answer to "may it be published, and if not, why not".

The answer is the publishing rule's (`rule.judge`, approvals then QA errors, as
`build` decides), plus the QA errors of languages still waiting for approvals,
so a translator learns of both at once. Judging means running QA over every
catalog (about 0.1 s a release), so the verdict is cached like a build step,
under a hash of the release's files, the configuration, the glossary and the
tool: a `status` over hundreds of unchanged releases reads the cache.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection
from typing import Any

from publisher.core.boilerplate import contact_roles
from publisher.core.release import Release
from publisher.core.reviewers import REGISTER_NAME
from publisher.core.states import State
from publisher.core.workspace import CONFIG_NAME, Workspace
from publisher.errors import NotApproved, QaBlocked, Unpublishable
from publisher.publishing import fingerprint as fp
from publisher.publishing.cache import CACHE_DIRNAME, Cache
from publisher.workflow.status import LanguageStatus, release_status

#: QA codes about the workflow state, which "not approved" already says.
_NOT_APPROVED_CODES = frozenset({"untranslated", "empty-target", "stale", "not-reviewed"})


def workspace_stats(ws: Workspace) -> fp.StatCache:
    """The workspace's file hashes, shared with the builds (see fingerprint.StatCache)."""
    return fp.StatCache(Cache(ws.root / CACHE_DIRNAME).stats_path)


def cached_contact_roles(
    ws: Workspace, stats: fp.StatCache = fp.NO_STATS
) -> Callable[[Release], Collection[str]]:
    """`core.boilerplate.contact_roles`, kept in the cache under the boilerplate's files: a
    `status` of an unchanged workspace parses no Markdown (nor imports its parser)."""

    def roles_of(shared: Release) -> Collection[str]:
        cache = Cache(ws.root / CACHE_DIRNAME)
        key = fp.digest(
            "contact-roles", fp.tool_fingerprint(), fp.release_files(shared.root, stats)
        )
        known = cache.get(key)
        if known is not None:
            return list(known["roles"])
        roles = list(contact_roles(shared))
        with contextlib.suppress(OSError):  # a read-only workspace: read, not cached
            cache.put(key, {}, {"roles": roles})
        return roles

    return roles_of


def readiness(
    ws: Workspace, release: Release, stats: fp.StatCache = fp.NO_STATS
) -> list[LanguageStatus]:
    """Each target language's counts by state, whether the rule lets it be published,
    and every reason it does not. `stats`: file hashes to reuse (see fingerprint).

    The whole answer (counts, notes, verdicts) is cached under the release's files: a
    `status` over hundreds of unchanged releases parses no catalog."""
    cache = Cache(ws.root / CACHE_DIRNAME)
    key = fp.digest(
        "readiness-with-counts",
        fp.tool_fingerprint(),
        fp.file_hash(ws.root / CONFIG_NAME),
        fp.file_hash(ws.root / "glossary.toml"),
        fp.file_hash(ws.root / REGISTER_NAME) if ws.config.require else "",
        fp.release_files(release.root, stats),
        fp.release_files(ws.boilerplate_dir, stats) if ws.boilerplate_dir.is_dir() else {},
    )
    required = ws.config.required_state
    known = cache.get(key)
    if known is not None:
        return [_from_json(item, required) for item in known["statuses"]]
    statuses = release_status(release, required)
    if any(s.out_of_sync for s in statuses):
        return statuses  # nothing can be judged before `publisher sync`
    verdicts = _judge(ws, release)
    for status in statuses:
        found = verdicts.get(status.lang, {})
        status.refusals = list(found.get("refusals", []))
        status.qa_errors = list(found.get("qa_errors", []))
        status.judged = True
    with contextlib.suppress(OSError):  # a read-only workspace: judged, not cached
        cache.put(key, {}, {"statuses": [_to_json(status) for status in statuses]})
    return statuses


def _to_json(status: LanguageStatus) -> dict[str, Any]:
    return {
        "lang": status.lang,
        "counts": {state.value: count for state, count in status.counts.items()},
        "blocking": status.blocking,
        "refusals": status.refusals,
        "qa_errors": status.qa_errors,
        "notes": list(status.notes.items()),  # in reading order (the cache sorts keys)
    }


def _from_json(item: dict[str, Any], required: State) -> LanguageStatus:
    status = LanguageStatus(
        item["lang"],
        {State(state): count for state, count in item["counts"].items()},
        required,
        list(item["blocking"]),
        notes={segment: list(lines) for segment, lines in item["notes"]},
    )
    status.refusals = list(item["refusals"])
    status.qa_errors = list(item["qa_errors"])
    status.judged = True
    return status


def _judge(ws: Workspace, release: Release) -> dict[str, Any]:
    # imported on a cache miss only: the rule and QA checks are a third of the imports of
    # a `status` that reads every verdict from the cache
    from publisher.publishing.rule import judge, qa_blocked
    from publisher.workflow.checking import check_release, workspace_glossary

    document = release.synced_document()
    targets = list(release.meta.target_languages)
    verdict = judge(ws, release, document, draft=False, langs=targets)
    # The rule checks QA once approvals pass; status names both reasons at once.
    unapproved = [lang for lang, r in verdict.refused.items() if isinstance(r, NotApproved)]
    qa: dict[str, QaBlocked] = {}
    if unapproved:
        findings = check_release(release, unapproved, glossary=workspace_glossary(ws.root, release))
        for lang in unapproved:
            errors = [
                f
                for f in findings
                if f.lang == lang and f.is_error and f.code not in _NOT_APPROVED_CODES
            ]
            if errors:
                qa[lang] = qa_blocked(release, lang, errors)
    out: dict[str, Any] = {}
    for lang in targets:
        reasons: list[Unpublishable] = [
            r for r in (verdict.refused.get(lang), qa.get(lang)) if r is not None
        ]
        out[lang] = {
            "refusals": [r.message for r in reasons],
            "qa_errors": [s for r in reasons if isinstance(r, QaBlocked) for s in r.blocking],
        }
    return out
