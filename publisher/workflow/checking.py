"""Running the QA checks over whole releases: what `publisher check` and the build call.

`publisher.qa` judges one segment and knows nothing about files; this module
reads each target catalog of a release, hands every live segment (with its
workflow state, so untranslated and stale segments are reported too) to
`check_segment`, and tags each finding with its release and language so a
reviewer sees where to look and the build can refuse to publish on errors.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from publisher.core.approvals import load_catalog
from publisher.core.glossary import Glossary as GlossaryFile
from publisher.core.release import Release
from publisher.qa import Finding, check_segment

#: lang -> {source term: the term that language must use}, from glossary.toml.
Glossary = Mapping[str, Mapping[str, str]]


@dataclass(frozen=True)
class ReleaseFinding:
    """A QA finding placed in its release and language (the finding alone has the segment)."""

    release: str
    lang: str
    finding: Finding

    @property
    def segment(self) -> str:
        return self.finding.segment

    @property
    def severity(self) -> str:
        return self.finding.severity

    @property
    def code(self) -> str:
        return self.finding.code

    @property
    def message(self) -> str:
        return self.finding.message

    @property
    def suggestion(self) -> str | None:
        return self.finding.suggestion

    @property
    def is_error(self) -> bool:
        return self.finding.is_error

    def prefixed(self, prefix: str) -> ReleaseFinding:
        """The same finding with its segment named from another release (`boilerplate/s1`)."""
        finding = dataclasses.replace(self.finding, segment=prefix + self.finding.segment)
        return ReleaseFinding(self.release, self.lang, finding)

    def to_json(self) -> dict[str, Any]:
        return {
            "release": self.release,
            "lang": self.lang,
            "segment": self.segment,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "suggestion": self.suggestion,
        }


def check_release(
    release: Release,
    langs: Iterable[str] | None = None,
    *,
    glossary: Glossary | None = None,
) -> list[ReleaseFinding]:
    """Every finding of every segment of `release` in `langs` (default: all its targets).

    Findings come in catalog (reading) order, language by language in the
    release's order. A language the release is not translated into raises a
    `UsageError`, because silently checking nothing would read as "all clean".
    Obsolete entries (segments removed from the source) are not checked: they
    are never published.
    """
    wanted = (
        list(release.meta.target_languages)
        if langs is None
        else list(dict.fromkeys(release.require_target(lang) for lang in langs))
    )
    found: list[ReleaseFinding] = []
    for lang in wanted:
        catalog = load_catalog(release, lang)
        terms = tuple(sorted((glossary or {}).get(lang, {}).items()))
        source_lang = catalog.source_lang or release.meta.source_language
        for entry in catalog:
            findings = _checked(
                entry.id, entry.source, entry.target, source_lang, lang, entry.state.value, terms
            )
            found.extend(ReleaseFinding(release.slug, lang, finding) for finding in findings)
    return found


@lru_cache(maxsize=50_000)
def _checked(
    segment: str,
    source: str,
    target: str,
    source_lang: str,
    target_lang: str,
    state: str,
    terms: tuple[tuple[str, str], ...],
) -> tuple[Finding, ...]:
    """`check_segment`, remembered by everything it reads (it is a pure function): a
    process that checks again (the server's previews and live rebuilds after one edit,
    a build checking the boilerplate's segments with every release) checks only what
    changed."""
    return tuple(
        check_segment(
            segment,
            source,
            target,
            source_lang=source_lang,
            target_lang=target_lang,
            state=state,
            glossary=dict(terms),
        )
    )


def workspace_glossary(workspace_root: Path, release: Release) -> Glossary:
    """The workspace's glossary.toml as {target language: {source term: target term}}."""

    terms = GlossaryFile.load(workspace_root)
    return {
        lang: terms.mapping(release.meta.source_language, lang)
        for lang in release.meta.target_languages
    }


def count(findings: Iterable[ReleaseFinding]) -> tuple[int, int]:
    """(errors, warnings): what decides the exit code and the build's verdict."""
    errors = warnings = 0
    for f in findings:
        if f.is_error:
            errors += 1
        else:
            warnings += 1
    return errors, warnings
