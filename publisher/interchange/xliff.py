"""XLIFF 2.1 export and safe import.

Layout (core XLIFF 2 plus the standard Metadata module, nothing proprietary):

    <xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1" srcLang="en" trgLang="km">
      <file id="RELEASE">
        <mda:metadata>  release, export time
        <unit id="SEGMENT">
          <mda:metadata>  kind, source/target hash, state and review record at export
          <notes>         for the translator: origin, review, rejection, previous source
          <segment state="final" subState="publisher:approved" canResegment="no">
            <source>...</source><target>...</target>

Our six states map onto XLIFF's four (untranslated/stale/draft -> initial,
translated, reviewed, approved -> final); `subState` keeps the finer one and
is trusted on import only while it agrees with `state`, because a CAT tool
that changes `state` usually leaves `subState` alone.

Reading never resolves entities, loads a DTD or touches the network: a file
with a DOCTYPE is refused outright (external entities read local files,
nested ones explode memory), whatever the DOCTYPE says.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from publisher.core import languages
from publisher.core.catalog import Catalog, Entry, Review, note_lines
from publisher.core.history import now_iso
from publisher.core.release import Release
from publisher.core.states import State
from publisher.errors import InterchangeError, PublisherError
from publisher.interchange.model import Declared, IncomingFile, IncomingUnit, text_hash

NS = "urn:oasis:names:tc:xliff:document:2.0"
MDA = "urn:oasis:names:tc:xliff:metadata:2.0"
VERSION = "2.1"
ACCEPTED_VERSIONS = ("2.0", "2.1", "2.2")
PREFIX = "publisher"  # our subState and metaGroup category

_TO_XLIFF = {
    State.UNTRANSLATED: "initial",
    State.STALE: "initial",
    State.DRAFT: "initial",
    State.TRANSLATED: "translated",
    State.REVIEWED: "reviewed",
    State.APPROVED: "final",
}
_FROM_XLIFF = {
    "initial": State.DRAFT,
    "translated": State.TRANSLATED,
    "reviewed": State.REVIEWED,
    "final": State.APPROVED,
}


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _m(name: str) -> str:
    return f"{{{MDA}}}{name}"


# ---------------------------------------------------------------- writing


def write(release: Release, catalog: Catalog) -> bytes:
    """The XLIFF 2.1 document for one release and language (UTF-8, pretty-printed)."""
    root = etree.Element(
        _q("xliff"),
        nsmap={None: NS, "mda": MDA},
        version=VERSION,
        srcLang=catalog.source_lang or release.meta.source_language,
        trgLang=catalog.lang,
    )
    file = etree.SubElement(root, _q("file"), id=release.slug)
    _metadata(file, [("release", release.slug), ("exported", now_iso())])
    for entry in catalog:
        _write_unit(file, entry)
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data


def _metadata(parent: etree._Element, pairs: list[tuple[str, str]]) -> None:
    metadata = etree.SubElement(parent, _m("metadata"))
    group = etree.SubElement(metadata, _m("metaGroup"), category=PREFIX)
    for key, value in pairs:
        etree.SubElement(group, _m("meta"), type=key).text = value


def _write_unit(file: etree._Element, entry: Entry) -> None:
    state = entry.state
    unit = etree.SubElement(file, _q("unit"), id=entry.id)
    meta = [
        ("kind", entry.kind),
        ("source-hash", text_hash(entry.id, entry.source)),
        ("target-hash", text_hash(entry.id, entry.target)),
        ("state", state.value),
    ]
    if entry.review is not None and state in (State.REVIEWED, State.APPROVED):
        r = entry.review
        meta += [
            ("review-level", r.level.value),
            ("review-by", r.by),
            ("review-at", r.at),
            ("review-hash", r.hash),
        ]
    _metadata(unit, meta)
    notes = [("comment", n.strip()) for n in entry.notes if n.strip()]
    if entry.origin:
        notes.append(("origin", entry.origin))
    if entry.review is not None and state in (State.REVIEWED, State.APPROVED):
        notes.append(("review", f"{state.value} by {entry.review.by} on {entry.review.at}"))
    if entry.rejection:
        notes.append(("rejection", entry.rejection))
    if state is State.STALE and entry.previous_source is not None:
        notes.append(("previous-source", entry.previous_source))
    notes += [("suggestion", s) for s in entry.suggestions]
    if notes:
        container = etree.SubElement(unit, _q("notes"))
        for category, text in notes:
            etree.SubElement(container, _q("note"), category=category).text = text
    segment = etree.SubElement(
        unit,
        _q("segment"),
        canResegment="no",
        state=_TO_XLIFF[state],
        subState=f"{PREFIX}:{state.value}",
    )
    etree.SubElement(segment, _q("source")).text = entry.source
    if entry.target:
        etree.SubElement(segment, _q("target")).text = entry.target


# ---------------------------------------------------------------- reading

_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
}
_ROOT_START = re.compile(rb"<[A-Za-z_]")
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_REFUSED = (
    "refused: the file has a DOCTYPE/entity declaration; XLIFF files must not declare "
    "entities (they can read local files or exhaust memory)"
)


#: A start tag of <file> or <unit> (any namespace prefix), for the scan before the parse.
_START_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(file|unit|xliff)(?=[\s/>])([^>]*)>")
_ATTRIBUTE = re.compile(rb"""(?:^|\s)(id|trgLang)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def declared(data: bytes) -> list[Declared]:
    """Each <file>'s release id, the document's target language and the file's number of
    <unit>s, by a scan of the start tags (no parse: what a comment or CDATA hides is
    counted too, which only ever counts more)."""
    files: list[tuple[str, str]] = []
    counts: list[int] = []
    lang = ""
    for tag in _START_TAG.finditer(data):
        name = tag.group(1)
        if name == b"unit":
            if counts:
                counts[-1] += 1
            continue
        attributes = {
            m.group(1): (m.group(2) if m.group(2) is not None else m.group(3)) or b""
            for m in _ATTRIBUTE.finditer(tag.group(2))
        }
        if name == b"xliff":
            lang = attributes.get(b"trgLang", b"").decode("utf-8", "replace")
        else:
            files.append((attributes.get(b"id", b"").decode("utf-8", "replace"), lang))
            counts.append(0)
    return [
        Declared(release, lang, count, "units")
        for (release, lang), count in zip(files, counts, strict=True)
    ]


def looks_like_xliff(data: bytes) -> bool:
    return b"<xliff" in data[:4096] or data.lstrip().startswith(b"<?xml")


def read(data: bytes, path: Path) -> list[IncomingFile]:
    """Parse an XLIFF 2 document without resolving anything; one IncomingFile per <file>."""
    head = data[: (m.start() if (m := _ROOT_START.search(data)) else len(data))]
    if m_doctype := _DOCTYPE.search(head):
        raise InterchangeError(_REFUSED, path=path, line=head[: m_doctype.start()].count(b"\n") + 1)
    parser = etree.XMLParser(**_PARSER_OPTIONS)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        message = exc.msg or str(exc)
        message = re.sub(r",? line \d+, column \d+$", "", message)
        raise InterchangeError(
            f"not well-formed XML: {message}", path=path, line=exc.lineno
        ) from None
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.externalDTD is not None:
        raise InterchangeError(_REFUSED, path=path, line=1)
    if root.tag != _q("xliff"):
        found = etree.QName(root).namespace or "no namespace"
        raise InterchangeError(
            f"not an XLIFF 2 document: root <{etree.QName(root).localname}> in {found}, "
            f"expected <xliff> in {NS}",
            path=path,
            line=root.sourceline,
        )
    version = root.get("version", "")
    if version not in ACCEPTED_VERSIONS:
        raise InterchangeError(
            f"XLIFF version {version or '(none)'!r} is not supported; export XLIFF 2.1",
            path=path,
            line=root.sourceline,
        )
    src_lang = _language(root, "srcLang", path)
    trg_lang = _language(root, "trgLang", path)
    files = [_read_file(f, path, src_lang, trg_lang) for f in root.iterchildren(_q("file"))]
    if not files:
        raise InterchangeError("the XLIFF document has no <file>", path=path, line=root.sourceline)
    return files


def _language(root: etree._Element, attr: str, path: Path) -> str:
    value = root.get(attr)
    if not value:
        raise InterchangeError(f"<xliff> has no {attr}", path=path, line=root.sourceline)
    try:
        return languages.canonical(value)
    except PublisherError as exc:
        raise InterchangeError(f"{attr}: {exc.message}", path=path, line=root.sourceline) from None


def _meta(element: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for group in element.iterchildren(_m("metadata")):
        for meta_group in group.iterchildren(_m("metaGroup")):
            if meta_group.get("category") != PREFIX:
                continue
            for meta in meta_group.iter(_m("meta")):
                if meta.get("type"):
                    found[meta.get("type", "")] = meta.text or ""
    return found


def _read_file(file: etree._Element, path: Path, src_lang: str, trg_lang: str) -> IncomingFile:
    release = file.get("id", "")
    incoming = IncomingFile(path, release, src_lang, trg_lang, line=file.sourceline)
    seen: set[str] = set()
    for unit in file.iter(_q("unit")):
        parsed = _read_unit(unit, path)
        if parsed.id in seen:
            raise InterchangeError(
                f"unit {parsed.id!r} appears twice", path=path, line=unit.sourceline
            )
        seen.add(parsed.id)
        incoming.units.append(parsed)
    return incoming


def _read_unit(unit: etree._Element, path: Path) -> IncomingUnit:
    unit_id = unit.get("id")
    if not unit_id:
        raise InterchangeError("<unit> without id", path=path, line=unit.sourceline)
    segments = list(unit.iterchildren(_q("segment")))
    if len(segments) != 1:
        raise InterchangeError(
            f"unit {unit_id!r} has {len(segments)} segments; each unit must keep exactly one "
            "(do not let the tool resegment)",
            path=path,
            line=unit.sourceline,
        )
    segment = segments[0]
    source_el = segment.find(_q("source"))
    if source_el is None:
        raise InterchangeError(
            f"unit {unit_id!r} has no <source>", path=path, line=segment.sourceline
        )
    target_el = segment.find(_q("target"))
    source = _text(source_el, unit_id, path)
    target = _text(target_el, unit_id, path) if target_el is not None else ""
    xliff_state = segment.get("state", "initial")
    if xliff_state not in _FROM_XLIFF:
        raise InterchangeError(
            f"unit {unit_id!r}: unknown state {xliff_state!r} "
            "(XLIFF 2 states: initial, translated, reviewed, final)",
            path=path,
            line=segment.sourceline,
        )
    state = _FROM_XLIFF[xliff_state]
    sub = segment.get("subState", "")
    if sub.startswith(f"{PREFIX}:"):
        try:
            finer = State(sub.split(":", 1)[1])
        except ValueError:
            finer = None
        if finer is not None and _TO_XLIFF[finer] == xliff_state:
            state = finer  # trusted only while the tool left `state` as we wrote it
    if not target.strip():
        state = State.UNTRANSLATED
    elif state is State.UNTRANSLATED:
        state = State.DRAFT
    meta = _meta(unit)
    review = None
    if meta.get("review-level") in ("reviewed", "approved") and meta.get("review-hash"):
        review = Review(
            State(meta["review-level"]),
            meta.get("review-by", ""),
            meta.get("review-at", ""),
            meta["review-hash"],
        )
    exported_state = None
    if meta.get("state") in {s.value for s in State}:
        exported_state = State(meta["state"])
    # The translator's notes: ours (category "comment") and those a CAT tool adds without
    # a category; the others (origin, review, ...) are what we wrote for information.
    notes = [
        line
        for note in unit.iterfind(f"{_q('notes')}/{_q('note')}")
        if note.get("category") in (None, "comment")
        for line in note_lines("".join(note.itertext()))
    ]
    return IncomingUnit(
        unit_id,
        source,
        target,
        state,
        line=segment.sourceline,
        source_hash=meta.get("source-hash") or None,
        target_hash=meta.get("target-hash") or None,
        exported_state=exported_state,
        review=review,
        notes=notes,
    )


def _text(element: etree._Element, unit_id: str, path: Path) -> str:
    """Plain text of <source>/<target>; inline codes would be lost, so they are refused."""
    for child in element.iterdescendants():
        if not isinstance(child.tag, str):
            continue  # comments, processing instructions
        if etree.QName(child).localname not in ("mrk", "sm", "em"):
            raise InterchangeError(
                f"unit {unit_id!r}: inline element <{etree.QName(child).localname}> is not "
                "supported; segments are plain text",
                path=path,
                line=child.sourceline,
            )
    return "".join(element.itertext())
