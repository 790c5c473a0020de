"""TMX 1.4, the translation-memory format every CAT tool reads and writes.

Read without DTDs, entities or network access; written with lxml so that no
text can break the XML.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from lxml import etree

from publisher import __version__
from publisher.core import languages
from publisher.core.fsutil import atomic_write_bytes
from publisher.errors import UsageError
from publisher.interchange.model import TranslationUnit

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def write_tmx(units: Iterable[TranslationUnit], path: Path, source_lang: str = "en") -> int:

    root = etree.Element("tmx", version="1.4")
    etree.SubElement(
        root,
        "header",
        {
            "creationtool": "publisher",
            "creationtoolversion": __version__,
            "datatype": "plaintext",
            "segtype": "paragraph",
            "adminlang": "en",
            "srclang": source_lang,
            "o-tmf": "publisher",
        },
    )
    body = etree.SubElement(root, "body")
    count = 0
    for unit in units:
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
    data = etree.tostring(
        root,
        xml_declaration=True,
        encoding="UTF-8",
        pretty_print=True,
        doctype='<!DOCTYPE tmx SYSTEM "tmx14.dtd">',
    )
    atomic_write_bytes(path, data)
    return count


def read_tmx(path: Path) -> list[TranslationUnit]:
    """Units of a TMX 1.4 file, parsed without DTDs, entities or network."""

    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        dtd_validation=False,
    )
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
    units: list[TranslationUnit] = []
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
                units.append(
                    TranslationUnit(
                        source_lang,
                        lang,
                        variants[source_lang],
                        text,
                        f"{path.name}:{tu.get('tuid', '')}",
                    )
                )
    return units
