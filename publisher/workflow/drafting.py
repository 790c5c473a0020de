"""`publisher translate`: give translators the best draft the office has.

Order of preference for each segment that needs a draft (untranslated or
stale; any segment with --force): an exact match from the office's own
approved translations (translation memory), then an offline machine
translation (Argos), with protocol terms, numbers, dates, URLs, e-mails and
phone numbers protected from the machine; an empty machine output is no draft
(the segment is left as it was and the report names it). Fuzzy memory matches are attached
as suggestions for the translator, never used as the draft. Nothing is
written unless the whole run succeeds.

The default engine, `auto`, uses whatever the office has: with no model
installed for the pair (Khmer, as a rule) the memory's drafts are kept and
the report says that no model was there; `--engine argos` insists on a
model and fails without one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from publisher.core import languages
from publisher.core.catalog import Entry
from publisher.core.glossary import Glossary
from publisher.core.release import Release
from publisher.core.states import State
from publisher.core.text import clean_text
from publisher.errors import UsageError
from publisher.mt import argos, store
from publisher.mt.protect import translate_protected
from publisher.workflow.memory import build_memory
from publisher.workflow.session import changing, set_translation

ENGINES = ("auto", "memory", "argos")
FILLABLE = (State.UNTRANSLATED, State.STALE)


@dataclass
class DraftReport:
    lang: str
    from_memory: list[str] = field(default_factory=list)
    from_machine: list[str] = field(default_factory=list)
    suggested: list[str] = field(default_factory=list)  # got fuzzy-match suggestions
    left: list[str] = field(default_factory=list)  # still without a draft
    #: The machine gave no text for these (left as they were, no origin recorded).
    empty: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # not fillable without --force
    model: str | None = None
    #: Why segments were left without a machine draft, when it is not the user's choice.
    no_model: str | None = None


#: progress(done, total), in sentences translated.
DraftProgress = Callable[[int, int], None]


class BatchTranslator(Protocol):
    """What drafting needs of a translator (`mt.argos.Translator` has it)."""

    model: store.ModelInfo

    def translate_batch(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> list[str]: ...


def fill_drafts(
    release: Release,
    lang: str,
    *,
    workspace_root: Path,
    models_dir: Path,
    engine: str = "auto",
    segments: Iterable[str] = (),
    force: bool = False,
    progress: DraftProgress | None = None,
) -> DraftReport:
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}; use auto, memory or argos")
    code = release.require_target(lang)
    source_lang = release.meta.source_language
    wanted = list(dict.fromkeys(segments))
    memory = build_memory(workspace_root) if engine in ("auto", "memory") else None
    glossary = Glossary.load(workspace_root).mapping(source_lang, code)
    report = DraftReport(code)
    with changing(release) as session:
        catalog = session.catalog(code)
        entries = [catalog.get(s) for s in wanted] if wanted else list(catalog)
        todo: list[Entry] = []
        for entry in entries:
            if entry.state in FILLABLE or force:
                todo.append(entry)
            else:
                report.skipped.append(entry.id)
        own = f"{release.slug}/"
        machine: list[Entry] = []
        for entry in todo:
            unit = (
                memory.exact(entry.source, source_lang, code, exclude_origin_prefix=own)
                if (memory)
                else None
            )
            if unit is not None:
                set_translation(
                    session,
                    code,
                    entry.id,
                    unit.target,
                    draft=True,
                    origin=f"memory {unit.origin} score 100",
                    action="translate",
                )
                report.from_memory.append(entry.id)
                continue
            if memory is not None:
                matches = memory.fuzzy(entry.source, source_lang, code, exclude_origin_prefix=own)
                suggestions = [
                    f"memory {m.score}% ({m.unit.origin}): {m.unit.target}" for m in matches
                ]
                if suggestions != entry.suggestions:
                    entry.suggestions = suggestions
                    session.changed(code)
                if suggestions:
                    report.suggested.append(entry.id)
            machine.append(entry)
        if machine and engine == "auto" and store.model_for(source_lang, code, models_dir) is None:
            report.no_model = f"no machine-translation model for {source_lang}->{code} is installed"
        if machine and engine in ("auto", "argos") and report.no_model is None:
            translator = _translator(source_lang, code, models_dir)
            report.model = f"{translator.model.name} {translator.model.version}"
            drafts = machine_drafts(
                translator, [e.source for e in machine], code, glossary, progress
            )
            for entry, draft in zip(machine, drafts, strict=True):
                if not clean_text(draft).strip():
                    # An empty output is no draft: the segment stays as it was.
                    report.empty.append(entry.id)
                    report.left.append(entry.id)
                    continue
                set_translation(
                    session,
                    code,
                    entry.id,
                    draft,
                    draft=True,
                    action="translate",
                    origin=f"machine argos {translator.model.name} {translator.model.version}",
                )
                report.from_machine.append(entry.id)
        elif machine:
            report.left = [e.id for e in machine]
    return report


def _translator(source_lang: str, target_lang: str, models_dir: Path) -> argos.Translator:
    return argos.load_translator(source_lang, target_lang, models_dir)


def machine_drafts(
    translator: BatchTranslator,
    texts: list[str],
    lang: str,
    glossary: dict[str, str],
    progress: DraftProgress | None = None,
    *,
    protected: bool = True,
) -> list[str]:
    """Protect what the machine must not touch, translate in one batch, restore.

    `protected=False` sends the texts as they are (the model alone, as the
    scorecard measures it on request).
    """

    def batch(items: list[str]) -> list[str]:
        total, done = len(items), 0

        def advance(finished: int) -> None:
            nonlocal done
            done += finished
            if progress:
                progress(done, total)

        return translator.translate_batch(items, progress=advance)

    if not protected:
        return batch(list(texts))
    return translate_protected(texts, languages.canonical(lang), batch, glossary)
