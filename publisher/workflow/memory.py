"""Translation memory: the office's own approved translations, reused.

Built on demand from every `approved` segment of every release in the
workspace, plus any TMX files placed in `memory/` (from another office, a CAT
tool, an older system). Exact matches become drafts; fuzzy matches (75 % and
up) are offered to the translator as suggestions, never as the translation.
Exported and imported as TMX 1.4, which every CAT tool reads.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from publisher.core.approvals import load_catalog
from publisher.core.release import BOILERPLATE, Release, iter_releases
from publisher.core.states import State
from publisher.interchange.model import TranslationUnit
from publisher.interchange.tmx import read_tmx

FUZZY_THRESHOLD = 0.75
MEMORY_DIR = "memory"


@dataclass(frozen=True)
class Match:
    unit: Unit
    score: int  # 0-100


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


class Memory:
    def __init__(self, units: Iterable[Unit] = ()):
        self.units: list[Unit] = []
        self._exact: dict[tuple[str, str, str], Unit] = {}
        for unit in units:
            self.add(unit)

    def add(self, unit: Unit) -> None:
        self.units.append(unit)
        self._exact.setdefault((unit.source_lang, unit.target_lang, _key(unit.source)), unit)

    def exact(
        self,
        source: str,
        source_lang: str,
        target_lang: str,
        exclude_origin_prefix: str | None = None,
    ) -> Unit | None:
        unit = self._exact.get((source_lang, target_lang, _key(source)))
        if unit and exclude_origin_prefix and unit.origin.startswith(exclude_origin_prefix):
            others = [
                u
                for u in self.units
                if u.source_lang == source_lang
                and u.target_lang == target_lang
                and _key(u.source) == _key(source)
                and not u.origin.startswith(exclude_origin_prefix)
            ]
            return others[0] if others else None
        return unit

    def fuzzy(
        self,
        source: str,
        source_lang: str,
        target_lang: str,
        *,
        limit: int = 3,
        exclude_origin_prefix: str | None = None,
    ) -> list[Match]:
        """Best matches scoring at least 75, by difflib similarity of the texts."""
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(_key(source))
        found: list[Match] = []
        for unit in self.units:
            if unit.source_lang != source_lang or unit.target_lang != target_lang:
                continue
            if exclude_origin_prefix and unit.origin.startswith(exclude_origin_prefix):
                continue
            matcher.set_seq1(_key(unit.source))
            if matcher.real_quick_ratio() < FUZZY_THRESHOLD or matcher.quick_ratio() < (
                FUZZY_THRESHOLD
            ):
                continue
            score = matcher.ratio()
            if score >= FUZZY_THRESHOLD and _key(unit.source) != _key(source):
                found.append(Match(unit, int(score * 100)))
        found.sort(key=lambda m: -m.score)
        return found[:limit]


Unit = TranslationUnit


def build_memory(workspace_root: Path) -> Memory:
    """Every approved segment of every release, then the TMX files in memory/."""

    memory = Memory()
    releases = list(iter_releases(workspace_root / "releases"))
    if (workspace_root / BOILERPLATE / "release.toml").is_file():
        releases.append(Release.load(workspace_root / BOILERPLATE))
    for release in releases:
        for lang in release.meta.target_languages:
            if not release.catalog_path(lang).exists():
                continue
            for entry in load_catalog(release, lang):
                if entry.state is State.APPROVED:
                    memory.add(
                        Unit(
                            release.meta.source_language,
                            lang,
                            entry.source,
                            entry.target,
                            f"{release.slug}/{entry.id}",
                        )
                    )
    folder = workspace_root / MEMORY_DIR
    if folder.is_dir():
        for tmx in sorted(folder.glob("*.tmx")):
            for unit in read_tmx(tmx):
                memory.add(unit)
    return memory
