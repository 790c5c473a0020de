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

from publisher import __version__, languages
from publisher.errors import UsageError
from publisher.fsutil import atomic_write_bytes
from publisher.release import iter_releases
from publisher.states import State

FUZZY_THRESHOLD = 0.75
MEMORY_DIR = "memory"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class Unit:
    source_lang: str
    target_lang: str
    source: str
    target: str
    origin: str  # "<release>/<segment>" or "<file>.tmx"


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

    def exact(self, source: str, source_lang: str, target_lang: str,
              exclude_origin_prefix: str | None = None) -> Unit | None:
        unit = self._exact.get((source_lang, target_lang, _key(source)))
        if unit and exclude_origin_prefix and unit.origin.startswith(exclude_origin_prefix):
            others = [u for u in self.units if u.source_lang == source_lang and
                      u.target_lang == target_lang and _key(u.source) == _key(source) and
                      not u.origin.startswith(exclude_origin_prefix)]
            return others[0] if others else None
        return unit

    def fuzzy(self, source: str, source_lang: str, target_lang: str, *, limit: int = 3,
              exclude_origin_prefix: str | None = None) -> list[Match]:
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
                    FUZZY_THRESHOLD):
                continue
            score = matcher.ratio()
            if score >= FUZZY_THRESHOLD and _key(unit.source) != _key(source):
                found.append(Match(unit, int(score * 100)))
        found.sort(key=lambda m: -m.score)
        return found[:limit]


def build_memory(workspace_root: Path) -> Memory:
    """Every approved segment of every release, then the TMX files in memory/."""
    from publisher.workflow import load_catalog

    memory = Memory()
    for release in iter_releases(workspace_root / "releases"):
        for lang in release.meta.target_languages:
            if not release.catalog_path(lang).exists():
                continue
            for entry in load_catalog(release, lang):
                if entry.state is State.APPROVED:
                    memory.add(Unit(release.meta.source_language, lang, entry.source,
                                    entry.target, f"{release.slug}/{entry.id}"))
    folder = workspace_root / MEMORY_DIR
    if folder.is_dir():
        for tmx in sorted(folder.glob("*.tmx")):
            for unit in read_tmx(tmx):
                memory.add(unit)
    return memory


# ---------------------------------------------------------------- TMX 1.4


def write_tmx(memory: Memory, path: Path, source_lang: str = "en") -> int:
    from lxml import etree

    root = etree.Element("tmx", version="1.4")
    etree.SubElement(root, "header", {
        "creationtool": "publisher", "creationtoolversion": __version__,
        "datatype": "plaintext", "segtype": "paragraph", "adminlang": "en",
        "srclang": source_lang, "o-tmf": "publisher"})
    body = etree.SubElement(root, "body")
    count = 0
    for unit in memory.units:
        if unit.source_lang != source_lang:
            continue
        tu = etree.SubElement(body, "tu", tuid=unit.origin)
        prop = etree.SubElement(tu, "prop", type="x-origin")
        prop.text = unit.origin
        for lang, text in ((unit.source_lang, unit.source), (unit.target_lang, unit.target)):
            tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
            seg = etree.SubElement(tuv, "seg")
            seg.text = text
        count += 1
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True,
                          doctype='<!DOCTYPE tmx SYSTEM "tmx14.dtd">')
    atomic_write_bytes(path, data)
    return count


def read_tmx(path: Path) -> list[Unit]:
    """Units of a TMX 1.4 file, parsed without DTDs, entities or network."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, dtd_validation=False)
    try:
        tree = etree.parse(str(path), parser)
    except (etree.XMLSyntaxError, OSError) as exc:
        raise UsageError(f"{path}: not a readable TMX file: {exc}") from None
    if tree.docinfo.internalDTD is not None and list(tree.docinfo.internalDTD.iterentities()):
        raise UsageError(f"{path}: TMX files with entity declarations are refused")
    root = tree.getroot()
    if root.tag != "tmx":
        raise UsageError(f"{path}: not a TMX file (root element <{root.tag}>)")
    header = root.find("header")
    srclang = header.get("srclang", "en") if header is not None else "en"
    units: list[Unit] = []
    for tu in root.iter("tu"):
        variants: dict[str, str] = {}
        for tuv in tu.findall("tuv"):
            lang = tuv.get(XML_LANG) or tuv.get("lang") or ""
            seg = tuv.find("seg")
            if seg is None:
                continue
            text = "".join(seg.itertext())
            try:
                variants[languages.canonical(lang)] = text
            except UsageError:
                continue
        try:
            source_lang = languages.canonical(srclang)
        except UsageError:
            source_lang = next(iter(variants), "en")
        if source_lang not in variants:
            continue
        for lang, text in variants.items():
            if lang != source_lang and text.strip():
                units.append(Unit(source_lang, lang, variants[source_lang], text,
                                  f"{path.name}:{tu.get('tuid', '')}"))
    return units
