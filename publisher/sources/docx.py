"""Word sources, read from the document's XML so that nothing is lost on the way.

python-docx's paragraph API skips what a ministry cannot lose: hyperlinks
(their words vanished), tracked insertions, footnotes, text boxes, fields. So
the body is walked element by element:

* runs keep bold and italic; hyperlinks (relationships and HYPERLINK fields)
  stay links with their words; non-breaking hyphens, tabs and breaks survive;
* Word numbering is computed as Word shows it (start values, overrides,
  levels, continued lists), so paragraph 5 stays 5; bullets stay bullets;
* tracked changes are refused unless `accept_changes`, which imports the
  text as if every change were accepted, and says so;
* footnotes and endnotes keep their marks in the text ("[1]") and their text
  at the end; text boxes become paragraphs after the paragraph holding them;
  tables stay tables (a segment per cell); pictures are copied into media/;
* paragraphs padded into columns with tabs or non-breaking spaces (signature
  blocks) become a two-column table;
* what cannot be imported (comments, charts, headers and footers, hidden
  text, symbols) is named in a warning, never dropped in silence.

python-docx is imported inside `import_docx` (about 0.1 s) so that commands
which never read a Word file do not pay for it.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publisher.core import media
from publisher.core.limits import MAX_DOCX_TEXT, MAX_DOCX_UNCOMPRESSED, MAX_SEGMENTS, megabytes
from publisher.core.wording import listing
from publisher.errors import SourceError
from publisher.sources.common import (
    ImportedSource,
    Notice,
    TitleChoice,
    Unit,
    assemble,
    escape_inline,
    normalise,
    signature_rows,
    table_markdown,
    take_title,
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
V = "urn:schemas-microsoft-com:vml"
M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _val(element: Any, attr: str = "val") -> str | None:
    if element is None:
        return None
    value = element.get(w(attr))
    return None if value is None else str(value)


def _on(element: Any) -> bool:
    """A Word toggle property (`<w:b/>`, `<w:b w:val="0"/>`)."""
    return element is not None and (_val(element) or "true").lower() not in ("0", "false", "off")


def import_docx(
    path: Path, *, title: TitleChoice | None = None, accept_changes: bool = False
) -> ImportedSource:
    """The body of a Word file as Markdown, with a notice for everything not kept as is."""
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
            if total > MAX_DOCX_UNCOMPRESSED:
                raise SourceError(
                    f"the .docx unpacks to {total / 1e6:.0f} MB; refusing (zip bomb?)", path=path
                )
            _check_parts(archive, path)
            text_size = archive.getinfo("word/document.xml").file_size
            if text_size > MAX_DOCX_TEXT:
                raise SourceError(
                    f"the .docx's text is {megabytes(text_size)} of XML; a release's is a few "
                    f"hundred KB (the limit is {megabytes(MAX_DOCX_TEXT)})",
                    path=path,
                )
    except zipfile.BadZipFile:
        raise SourceError("not a valid .docx file (not a zip archive)", path=path) from None
    import docx  # python-docx; imported here to keep CLI start-up fast

    try:
        document = docx.Document(str(path))
    except KeyError as exc:  # zipfile: "There is no item named 'X' in the archive"
        missing = re.search(r"named '([^']+)'", str(exc))
        part = f"it has no {missing.group(1)} part" if missing else "a part is missing"
        raise SourceError(f"the Word file is damaged: {part}", path=path) from None
    except Exception:  # python-docx raises many kinds on broken files, in its own words
        raise SourceError(
            "the Word file is damaged and cannot be read; open it in Word and save it again",
            path=path,
        ) from None
    count = len(document.element.body.findall(".//" + w("p")))
    if count > MAX_SEGMENTS:
        raise SourceError(
            f"the .docx has {count:,} paragraphs; a release may have at most "
            f"{MAX_SEGMENTS:,} segments",
            path=path,
        )
    reader = _WordReader(document, path)
    units = reader.read()
    reader.check_changes(accept_changes)
    notices = reader.notices
    found_title, body = take_title(units, title or TitleChoice(), notices, path)
    markdown = assemble(body, notices, colon_headings=True)
    markdown += reader.notes_markdown()
    return ImportedSource(markdown, found_title, notices, {}, reader.media)


#: The parts every Word document has, with the root element each must hold.
_PACKAGE = "http://schemas.openxmlformats.org/package/2006"
_REQUIRED_PARTS = (
    ("word/document.xml", None, ""),  # first: without it, the zip is no Word file at all
    ("[Content_Types].xml", f"{{{_PACKAGE}/content-types}}Types", "a list of content types"),
    ("_rels/.rels", f"{{{_PACKAGE}/relationships}}Relationships", "a list of relationships"),
)


def _check_parts(archive: zipfile.ZipFile, path: Path) -> None:
    """Refuse a zip that lacks a part every Word document has, naming it (python-docx
    would fail with an internal message such as "'_Element' object has no attribute
    'overrides'")."""
    from lxml import etree

    names = set(archive.namelist())
    for name, root_tag, what in _REQUIRED_PARTS:
        if name not in names:
            hint = " (not a Word document?)" if name == "word/document.xml" else ""
            raise SourceError(f"the Word file is damaged: it has no {name} part{hint}", path=path)
        if root_tag is None:
            continue
        try:
            with archive.open(name) as part:
                _, root = next(
                    etree.iterparse(
                        part,
                        events=("start",),
                        resolve_entities=False,
                        no_network=True,
                        load_dtd=False,
                    )
                )
            found = root.tag
        except (etree.XMLSyntaxError, StopIteration):
            found = None
        if found != root_tag:
            raise SourceError(f"the Word file is damaged: its {name} part is not {what}", path=path)


# ---------------------------------------------------------------- numbering


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    legal: bool = False


@dataclass
class _Numbered:
    kind: str  # bullet, number, marker (the marker's text goes before the paragraph), none
    value: int = 1
    marker: str = ""
    delimiter: str = "."
    depth: int = 0


class _Numbering:
    """Word's list numbering, counted the way Word displays it."""

    def __init__(self, element: Any, style_numbering: dict[str, tuple[str | None, int]]) -> None:
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.style_links: dict[str, str] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.counters: dict[str, list[int | None]] = {}
        self.overridden: set[tuple[str, int]] = set()
        self.style_numbering = style_numbering
        if element is None:
            return
        for abstract in element.iter(w("abstractNum")):
            levels: dict[int, _Level] = {}
            for lvl in abstract.iter(w("lvl")):
                levels[int(_val(lvl, "ilvl") or 0)] = _level(lvl)
            key = _val(abstract, "abstractNumId") or ""
            self.abstract[key] = levels
            link = abstract.find(w("numStyleLink"))
            if link is not None:
                self.style_links[key] = _val(link) or ""
        for num in element.iter(w("num")):
            overrides: dict[int, int] = {}
            for override in num.iter(w("lvlOverride")):
                start = override.find(w("startOverride"))
                if start is not None:
                    overrides[int(_val(override, "ilvl") or 0)] = int(_val(start) or 1)
                lvl = override.find(w("lvl"))
                if lvl is not None:
                    abstract_id = _val(num.find(w("abstractNumId"))) or ""
                    self.abstract.setdefault(abstract_id, {})[int(_val(override, "ilvl") or 0)] = (
                        _level(lvl)
                    )
            self.nums[_val(num, "numId") or ""] = (
                _val(num.find(w("abstractNumId"))) or "",
                overrides,
            )

    def _abstract_id(self, num_id: str) -> str | None:
        entry = self.nums.get(num_id)
        if entry is None:
            return None
        abstract_id = entry[0]
        style = self.style_links.get(abstract_id)
        if style and not self.abstract.get(abstract_id):
            linked = self.style_numbering.get(style, (None, 0))[0]
            if linked and linked in self.nums:
                return self.nums[linked][0]
        return abstract_id

    def next(self, num_id: str, ilvl: int) -> _Numbered | None:
        abstract_id = self._abstract_id(num_id)
        if abstract_id is None or abstract_id not in self.abstract:
            return None
        levels = self.abstract[abstract_id]
        level = levels.get(ilvl, _Level())
        counters = self.counters.setdefault(abstract_id, [None] * 10)
        overrides = self.nums[num_id][1]
        if ilvl in overrides and (num_id, ilvl) not in self.overridden:
            self.overridden.add((num_id, ilvl))
            counters[ilvl] = overrides[ilvl] - 1
        current = counters[ilvl]
        counters[ilvl] = level.start if current is None else current + 1
        for deeper in range(ilvl + 1, len(counters)):
            counters[deeper] = None
        value = counters[ilvl] or 0
        if level.fmt == "bullet":
            return _Numbered("bullet", depth=ilvl)
        if level.fmt == "none" or not level.text:
            return _Numbered("none", depth=ilvl)

        def shown(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            lvl = levels.get(k, _Level())
            number = counters[k] if counters[k] is not None else lvl.start
            return _format_number(number or 0, "decimal" if level.legal else lvl.fmt)

        marker = re.sub(r"%(\d)", shown, level.text)
        simple = re.fullmatch(rf"%{ilvl + 1}([.)])", level.text)
        if level.fmt == "decimal" and simple:
            return _Numbered("number", value, marker, simple.group(1), ilvl)
        return _Numbered("marker", value, marker, depth=ilvl)


def _level(lvl: Any) -> _Level:
    start = _val(lvl.find(w("start")))
    return _Level(
        int(start) if start and start.lstrip("-").isdigit() else 1,
        _val(lvl.find(w("numFmt"))) or "decimal",
        _val(lvl.find(w("lvlText"))) or "",
        lvl.find(w("isLgl")) is not None,
    )


_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))  # fmt: skip
_CHINESE = "〇一二三四五六七八九"


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerRoman", "upperRoman"):
        out, rest = "", n
        for value, letters in _ROMAN:
            while rest >= value:
                out, rest = out + letters, rest - value
        return out.upper() if fmt == "upperRoman" else out
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "decimalZero":
        return f"{n:02d}"
    if (
        fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional")
        and 0 < n < 100
    ):
        tens, ones = divmod(n, 10)
        return (("" if tens == 1 else _CHINESE[tens]) + "十" if tens else "") + (
            _CHINESE[ones] if ones or not tens else ""
        )
    return str(n)


# ---------------------------------------------------------------- inline content


@dataclass
class _Piece:
    text: str
    bold: bool = False
    italic: bool = False
    link: str | None = None
    raw: bool = False  # already Markdown (a picture, a note mark): not escaped


@dataclass
class _Paragraph:
    pieces: list[_Piece] = field(default_factory=list)
    boxes: list[Any] = field(default_factory=list)  # w:p elements of text boxes inside


class _WordReader:
    def __init__(self, document: Any, path: Path) -> None:
        self.document = document
        self.path = path
        self.part = document.part
        self.notices: list[Notice] = []
        self.media: dict[str, bytes] = {}
        self.changes = {"insertions": 0, "deletions": 0}
        self.paragraph_number = 0
        self.where = ""
        self.notes: list[tuple[str, str]] = []  # (mark, inline Markdown) in reference order
        self._note_marks: dict[tuple[str, str], str] = {}
        self._note_bodies = {
            "footnote": self._notes_part("footnotes", "footnote"),
            "endnote": self._notes_part("endnotes", "endnote"),
        }
        self._fields: list[dict[str, Any]] = []
        self._pictures: dict[str, str] = {}
        self.dropped: dict[str, list[str]] = {}
        self.styles, style_numbering = self._read_styles()
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            numbering = None
        self.numbering = _Numbering(numbering, style_numbering)
        self.style_numbering = style_numbering

    # ------------------------------------------------------------ parts

    def _related(self, kind: str) -> list[Any]:
        return [
            rel.target_part
            for rel in self.part.rels.values()
            if rel.reltype == _RT + kind and not rel.is_external
        ]

    def _notes_part(self, kind: str, tag: str) -> dict[str, Any]:
        from docx.oxml import parse_xml  # python-docx's safe parser (no entities, no network)

        bodies: dict[str, Any] = {}
        for part in self._related(kind):
            root = parse_xml(part.blob)
            for note in root.iter(w(tag)):
                if (_val(note, "type") or "normal") == "normal":
                    bodies[_val(note, "id") or ""] = note
        return bodies

    def _read_styles(self) -> tuple[dict[str, dict[str, Any]], dict[str, tuple[str | None, int]]]:
        styles: dict[str, dict[str, Any]] = {}
        numbering: dict[str, tuple[str | None, int]] = {}
        try:
            element = self.document.styles.element
        except Exception:  # no styles part: Word's defaults
            return styles, numbering
        for style in element.iter(w("style")):
            style_id = _val(style, "styleId") or ""
            num_pr = style.find(f"{w('pPr')}/{w('numPr')}")
            styles[style_id] = {
                "name": (_val(style.find(w("name"))) or style_id).lower(),
                "based": _val(style.find(w("basedOn"))),
                "default": _val(style, "default") in ("1", "true"),
                "type": _val(style, "type"),
                "num": (
                    _val(num_pr.find(w("numId"))),
                    int(_val(num_pr.find(w("ilvl"))) or 0),
                )
                if num_pr is not None
                else None,
            }
        for style_id, info in styles.items():
            if info["num"] is not None:
                numbering[style_id] = info["num"]
        return styles, numbering

    def _style_chain(self, style_id: str | None) -> list[dict[str, Any]]:
        if style_id is None:
            style_id = next(
                (k for k, v in self.styles.items() if v["default"] and v["type"] == "paragraph"),
                None,
            )
        chain: list[dict[str, Any]] = []
        while style_id and style_id in self.styles and len(chain) < 20:
            chain.append(self.styles[style_id])
            style_id = self.styles[style_id]["based"]
        return chain

    # ------------------------------------------------------------ notices

    def warn(self, message: str) -> None:
        self.notices.append(
            Notice("warning", f"{self.where}: {message}" if self.where else message)
        )

    def drop(self, what: str, sample: str = "") -> None:
        """Something not imported, reported once per kind with where it was."""
        self.dropped.setdefault(what, []).append(self.where + (f" (“{sample}”)" if sample else ""))

    def check_changes(self, accept: bool) -> None:
        inserted, deleted = self.changes["insertions"], self.changes["deletions"]
        if not (inserted or deleted):
            self._report_dropped()
            return
        counted = listing(
            [_counted(n, word) for n, word in ((inserted, "insertion"), (deleted, "deletion")) if n]
        )
        if not accept:
            raise SourceError(
                f"the document has tracked changes ({counted}); accept or reject them in Word "
                "first (Review > Accept / Reject), or pass --accept-changes to import the text "
                "as if every change were accepted",
                path=self.path,
            )
        self.notices.append(
            Notice(
                "warning",
                f"tracked changes accepted ({counted}): inserted text is kept, deleted text "
                "is left out; check the release against the final Word text",
            )
        )
        self._report_dropped()

    def _report_dropped(self) -> None:
        for what, places in self.dropped.items():
            shown = "; ".join(places[:4]) + (
                f"; and {len(places) - 4} more" if len(places) > 4 else ""
            )
            self.notices.append(Notice("warning", f"{what} not imported: {shown}"))
        for part_kind, label in (("header", "page header"), ("footer", "page footer")):
            texts = []
            for part in self._related(part_kind):
                from docx.oxml import parse_xml

                text = " ".join(
                    "".join(t.text or "" for t in parse_xml(part.blob).iter(w("t"))).split()
                )
                if text and text not in texts:
                    texts.append(text)
            if texts:
                sample = texts[0][:60]
                self.notices.append(
                    Notice(
                        "warning",
                        f"the {label} (“{sample}”) is not imported: the letterhead and page "
                        "numbers come from the workspace",
                    )
                )

    # ------------------------------------------------------------ body

    def read(self) -> list[Unit]:
        units: list[Unit] = []
        self._blocks(self.document.element.body, units)
        return _signature_tables(units)

    def _blocks(self, container: Any, units: list[Unit]) -> None:
        for child in container:
            tag = child.tag
            if tag == w("p"):
                self.paragraph_number += 1
                self.where = f"paragraph {self.paragraph_number}"
                self._paragraph(child, units)
            elif tag == w("tbl"):
                self.where = f"table after paragraph {self.paragraph_number}"
                unit = self._table(child)
                if unit is not None:
                    units.append(unit)
            elif tag in (w("sdt"),):
                content = child.find(w("sdtContent"))
                if content is not None:
                    self._blocks(content, units)
            elif tag == w("customXml"):
                self._blocks(child, units)
            elif tag in (w("ins"), w("moveTo")):
                self.changes["insertions"] += 1
                self._blocks(child, units)
            elif tag in (w("del"), w("moveFrom")):
                self.changes["deletions"] += 1

    def _paragraph(self, element: Any, units: list[Unit], *, in_box: bool = False) -> None:
        para = _Paragraph()
        self._fields = []
        self._inline(element, para, _Format())
        where = self.where
        text_lines = _plain_lines(para.pieces)
        if any(line.strip() for line in text_lines):
            unit = self._unit(element, para, text_lines)
            if unit is not None:
                units.append(unit)
        for box in para.boxes:
            before = len(units)
            self.where = f"text box in {where}"
            self._blocks(box, units)
            if len(units) > before and not in_box:
                self.notices.append(
                    Notice("note", f"{where}: a text box's text is imported after its paragraph")
                )
        self.where = where

    def _unit(self, element: Any, para: _Paragraph, text_lines: list[str]) -> Unit | None:
        ppr = element.find(w("pPr"))
        style_id = _val(ppr.find(w("pStyle"))) if ppr is not None else None
        chain = self._style_chain(style_id)
        names = [s["name"] for s in chain]
        text = _markdown(para.pieces)
        where = self.where
        written = [x for x in text_lines if x.strip()]
        if len(written) > 1 and (rows := signature_rows(written)) is not None:
            cells = [[escape_inline(" ".join(c.split())) for c in row] for row in rows]
            return Unit("table", markdown=table_markdown(cells), where=where)
        numbered = self._numbered(ppr, chain)
        lines = [escape_inline(" ".join(x.split())) for x in written]
        if names and names[0] == "title":
            return Unit("heading", text, level=1, lines=lines, where=where)
        for name in names:
            if m := re.match(r"heading\s*(\d)", name):
                level = min(6, int(m.group(1)) + 1)
                return Unit("heading", text, level=level, lines=lines, where=where)
        if numbered is not None and numbered.kind == "bullet":
            return Unit("bullet", text, depth=numbered.depth, where=where)
        if numbered is not None and numbered.kind == "number":
            return Unit(
                "number",
                text,
                number=numbered.value,
                delimiter=numbered.delimiter,
                depth=numbered.depth,
                where=where,
            )
        if numbered is not None and numbered.kind == "marker":
            text = f"{escape_inline(numbered.marker)} {text}"
            return Unit("paragraph", text, lines=[text], where=where)
        if numbered is None:
            for name in names:
                if "list bullet" in name:
                    return Unit("bullet", text, where=where)
                if "list number" in name:
                    return Unit("number", text, where=where)
            if any("quote" in name for name in names):
                return Unit("quote", text, where=where)
            # numbers and bullets typed by hand ("1.<tab>The Minister...")
            if m := _TYPED_NUMBER.match(text):
                return Unit(
                    "number",
                    text[m.end() :],
                    number=int(m.group(1)),
                    delimiter=m.group(2),
                    where=where,
                )
            if m := _TYPED_BULLET.match(text):
                return Unit("bullet", text[m.end() :], where=where)
        return Unit("paragraph", text, lines=lines, where=where, raw_lines=written)

    def _numbered(self, ppr: Any, chain: list[dict[str, Any]]) -> _Numbered | None:
        num_id: str | None = None
        ilvl = 0
        num_pr = ppr.find(w("numPr")) if ppr is not None else None
        if num_pr is not None:
            num_id = _val(num_pr.find(w("numId")))
            ilvl = int(_val(num_pr.find(w("ilvl"))) or 0)
        if num_id is None:
            for style in chain:
                if style["num"] is not None and style["num"][0] is not None:
                    num_id, style_level = style["num"]
                    if num_pr is None or num_pr.find(w("ilvl")) is None:
                        ilvl = style_level
                    break
        if num_id is None or num_id == "0":
            return None
        return self.numbering.next(num_id, max(0, min(8, ilvl)))

    def _inline(self, element: Any, para: _Paragraph, fmt: _Format) -> None:
        for child in element:
            tag = child.tag
            if tag == w("r"):
                self._run(child, para, fmt)
            elif tag == w("hyperlink"):
                link = self._hyperlink_target(child)
                start = len(para.pieces)
                self._inline(child, para, fmt)
                if link:
                    for piece in para.pieces[start:]:
                        piece.link = piece.link or link
            elif tag in (w("ins"), w("moveTo")):
                self.changes["insertions"] += 1
                self._inline(child, para, fmt)
            elif tag in (w("del"), w("moveFrom")):
                self.changes["deletions"] += 1
            elif tag == w("fldSimple"):
                start = len(para.pieces)
                self._inline(child, para, fmt)
                link = _field_link(_val(child, "instr") or "")
                if link:
                    for piece in para.pieces[start:]:
                        piece.link = piece.link or link
            elif tag in (
                w("smartTag"),
                w("customXml"),
                w("sdt"),
                w("sdtContent"),
                w("bdo"),
                w("dir"),
            ):
                self._inline(child, para, fmt)
            elif tag == f"{{{MC}}}AlternateContent":
                choice = child.find(f"{{{MC}}}Choice")
                self._inline(choice if choice is not None else child, para, fmt)
            elif tag in (f"{{{M}}}oMath", f"{{{M}}}oMathPara"):
                text = "".join(t.text or "" for t in child.iter(f"{{{M}}}t"))
                para.pieces.append(_Piece(normalise(text)))
                self.drop("equations (kept as plain text)", text[:30])
            elif tag == w("pPr") and child.find(f"{w('rPr')}/{w('ins')}") is not None:
                self.changes["insertions"] += 1
            elif tag == w("pPr") and child.find(f"{w('rPr')}/{w('del')}") is not None:
                self.changes["deletions"] += 1

    def _run(self, run: Any, para: _Paragraph, inherited: _Format) -> None:
        fmt = inherited.merged(run.find(w("rPr")))
        for child in run:
            tag = child.tag
            if tag == w("fldChar"):
                kind = _val(child, "fldCharType")
                if kind == "begin":
                    self._fields.append({"instr": "", "result": False, "start": len(para.pieces)})
                elif kind == "separate" and self._fields:
                    self._fields[-1]["result"] = True
                    self._fields[-1]["start"] = len(para.pieces)
                elif kind == "end" and self._fields:
                    done = self._fields.pop()
                    link = _field_link(done["instr"])
                    if link:
                        for piece in para.pieces[done["start"] :]:
                            piece.link = piece.link or link
                continue
            if self._fields and not self._fields[-1]["result"]:
                if tag == w("instrText"):
                    self._fields[-1]["instr"] += child.text or ""
                continue  # a field's instruction is not text
            if tag == w("t"):
                if fmt.hidden:
                    if (child.text or "").strip():
                        self.drop("hidden text", (child.text or "").strip()[:30])
                    continue
                para.pieces.append(_Piece(normalise(child.text or ""), fmt.bold, fmt.italic))
            elif tag in (w("tab"), w("ptab")):
                para.pieces.append(_Piece("\t"))
            elif tag in (w("br"), w("cr")):
                if (_val(child, "type") or "textWrapping") == "textWrapping":
                    para.pieces.append(_Piece("\n"))
            elif tag == w("noBreakHyphen"):
                para.pieces.append(_Piece("\u2011", fmt.bold, fmt.italic))
            elif tag == w("sym"):
                self.drop("symbols (Symbol or Wingdings characters)", _val(child, "char") or "")
            elif tag in (w("footnoteReference"), w("endnoteReference")):
                kind = "footnote" if tag == w("footnoteReference") else "endnote"
                mark = self._note_mark(kind, _val(child, "id") or "")
                para.pieces.append(_Piece(f"\\[{mark}\\]", raw=True))
            elif tag == w("commentReference"):
                self.drop("comments (Word's review comments)")
            elif tag == w("drawing") or tag == w("pict") or tag == f"{{{MC}}}AlternateContent":
                self._drawing(child, para)
            elif tag == w("object"):
                self.drop("embedded objects")

    def _hyperlink_target(self, element: Any) -> str | None:
        rid = element.get(f"{{{R}}}id")
        if rid and rid in self.part.rels:
            rel = self.part.rels[rid]
            if rel.is_external:
                target = str(rel.target_ref)
                anchor = _val(element, "anchor")
                return target + (f"#{anchor}" if anchor and "#" not in target else "")
        return None  # an anchor inside the document: the words stay, the jump does not

    def _drawing(self, element: Any, para: _Paragraph) -> None:
        boxes = [
            box
            for box in element.iter(w("txbxContent"))
            if not any(a.tag == f"{{{MC}}}Fallback" for a in box.iterancestors())
        ]
        if boxes:
            para.boxes.extend(boxes)
        found = False
        for blip in element.iter(f"{{{A}}}blip", f"{{{V}}}imagedata"):
            if any(a.tag == f"{{{MC}}}Fallback" for a in blip.iterancestors()):
                continue
            found = True
            rid = blip.get(f"{{{R}}}embed") or blip.get(f"{{{R}}}id")
            alt = ""
            for ancestor in blip.iterancestors():
                doc_pr = ancestor.find(f"{{{WP}}}docPr")
                if doc_pr is not None:
                    alt = doc_pr.get("descr") or doc_pr.get("title") or ""
                    break
            picture = self._picture(rid, alt)
            if picture:
                para.pieces.append(_Piece(picture, raw=True))
        if not found and not boxes:
            self.drop("charts, shapes and diagrams")

    def _picture(self, rid: str | None, alt: str) -> str | None:
        if not rid or rid not in self.part.rels or self.part.rels[rid].is_external:
            self.drop("linked pictures (not stored in the file)")
            return None
        if rid in self._pictures:
            return self._pictures[rid]
        part = self.part.rels[rid].target_part
        data = bytes(part.blob)
        original = str(part.partname).rsplit("/", 1)[-1]
        kind = media.sniff(data)
        if kind is None:
            self.drop("pictures in formats other than PNG, JPEG, GIF or WebP", original)
            return None
        stem = original.rsplit(".", 1)[0]
        name = media.unique_name(f"{stem}.{kind[0]}", self.media)
        self.media[name] = data
        text = f"![{escape_inline(' '.join(normalise(alt).split()))}]({media.MEDIA_DIR}/{name})"
        self._pictures[rid] = text
        return text

    # ------------------------------------------------------------ notes

    def _note_mark(self, kind: str, note_id: str) -> str:
        key = (kind, note_id)
        if key in self._note_marks:
            return self._note_marks[key]
        count = sum(1 for k, _ in self._note_marks if k == kind) + 1
        mark = str(count) if kind == "footnote" else _format_number(count, "lowerRoman")
        self._note_marks[key] = mark
        body = self._note_bodies[kind].get(note_id)
        text = ""
        if body is not None:
            saved_where, saved_fields = self.where, self._fields
            self.where = f"{kind} {mark}"
            parts = []
            for p in body.iter(w("p")):
                para = _Paragraph()
                self._fields = []
                self._inline(p, para, _Format())
                parts.append(_markdown(para.pieces))
            self.where, self._fields = saved_where, saved_fields
            text = " ".join(x for x in parts if x.strip())
        self.notes.append((mark, text))
        return mark

    def notes_markdown(self) -> str:
        """Footnotes and endnotes after the body, each with the mark its text carries."""
        if not self.notes:
            return ""
        kinds = Counter(kind for kind, _ in self._note_marks)
        found = listing([_counted(kinds[k], k) for k in ("footnote", "endnote") if kinds[k]])
        marks = ", ".join(f"[{mark}]" for mark, _ in self.notes[:3])
        self.notices.append(
            Notice(
                "note",
                f"{found} imported at the end of the release; their marks ({marks}"
                f"{', ...' if len(self.notes) > 3 else ''}) stay in the text",
            )
        )
        blocks = ["* * *"] + [f"\\[{mark}\\] {text}".rstrip() for mark, text in self.notes]
        return "\n" + "\n\n".join(blocks) + "\n"

    # ------------------------------------------------------------ tables

    def _table(self, element: Any) -> Unit | None:
        rows: list[list[str]] = []
        header = False
        merged = False
        for index, tr in enumerate(element.iter(w("tr"))):
            if tr.getparent() is not element:
                continue  # a nested table's rows: flattened into their cell below
            trpr = tr.find(w("trPr"))
            if trpr is not None and trpr.find(w("del")) is not None:
                self.changes["deletions"] += 1
                continue
            if trpr is not None and trpr.find(w("ins")) is not None:
                self.changes["insertions"] += 1
            if index == 0 and trpr is not None and trpr.find(w("tblHeader")) is not None:
                header = True
            cells: list[str] = []
            for tc in tr.findall(w("tc")):
                tcpr = tc.find(w("tcPr"))
                span = int(_val(tcpr.find(w("gridSpan"))) or 1) if tcpr is not None else 1
                vmerge = tcpr.find(w("vMerge")) if tcpr is not None else None
                continued = vmerge is not None and (_val(vmerge) or "continue") == "continue"
                text = "" if continued else self._cell_text(tc)
                if span > 1 or continued:
                    merged = True
                cells.append(text)
                cells.extend([""] * (span - 1))
            rows.append(cells)
        if not any(any(c.strip() for c in row) for row in rows):
            return None
        if merged:
            self.notices.append(
                Notice(
                    "note",
                    f"{self.where}: merged cells are split; each text is in its first cell",
                )
            )
        # The first row is the header, as Word shows it on top and as the Markdown and
        # HTML importers read the same table: one table, one source.md, whatever the
        # format it came in. A one-row table, or one whose first row is empty, has none.
        header = header or any(c.strip() for c in rows[0])
        if header and len(rows) > 1:
            return Unit(
                "table", markdown=table_markdown(rows[1:], header=rows[0]), where=self.where
            )
        return Unit("table", markdown=table_markdown(rows), where=self.where)

    def _cell_text(self, tc: Any) -> str:
        parts: list[str] = []
        for child in tc:
            if child.tag == w("p"):
                para = _Paragraph()
                self._fields = []
                self._inline(child, para, _Format())
                text = " ".join(_markdown(para.pieces).split())
                numbered = self._numbered(child.find(w("pPr")), [])
                if text and numbered is not None and numbered.kind != "none":
                    mark = "•" if numbered.kind == "bullet" else numbered.marker
                    text = f"{escape_inline(mark)} {text}"
                if text:
                    parts.append(text)
                for box in para.boxes:
                    parts.append(self._cell_text(box))
            elif child.tag == w("tbl"):
                self.drop("nested tables (their text is kept in the outer cell)")
                for tc2 in child.iter(w("tc")):
                    parts.append(self._cell_text(tc2))
            elif child.tag == w("sdt"):
                content = child.find(w("sdtContent"))
                if content is not None:
                    parts.append(self._cell_text(content))
        return " ".join(p for p in parts if p.strip())


@dataclass
class _Format:
    bold: bool = False
    italic: bool = False
    hidden: bool = False

    def merged(self, rpr: Any) -> _Format:
        if rpr is None:
            return self
        style = (_val(rpr.find(w("rStyle"))) or "").lower()
        return _Format(
            _on(rpr.find(w("b"))) or self.bold or style in ("strong", "bold"),
            _on(rpr.find(w("i"))) or self.italic or style in ("emphasis",),
            _on(rpr.find(w("vanish"))) or _on(rpr.find(w("webHidden"))) or self.hidden,
        )


_TYPED_NUMBER = re.compile(r"^(\d{1,3})([.)])\s+(?=\S)")
_TYPED_BULLET = re.compile(r"^(?:[-•–▪●]|\\\*)\s+(?=\S)")


def _field_link(instruction: str) -> str | None:
    m = re.match(r'\s*HYPERLINK\s+(?!\\l)"?([^"\s]+)"?', instruction)
    if m and re.match(r"(?i)^(https?:|mailto:|tel:)", m.group(1)):
        return m.group(1)
    return None


def _plain_lines(pieces: list[_Piece]) -> list[str]:
    return "".join(p.text if not p.raw else "x" for p in pieces).split("\n")


def _markdown(pieces: list[_Piece]) -> str:
    """Inline Markdown of a paragraph's pieces: bold, italic and links merged across runs."""
    out: list[str] = []
    index = 0
    while index < len(pieces):
        link = pieces[index].link
        group = [pieces[index]]
        index += 1
        while index < len(pieces) and pieces[index].link == link:
            group.append(pieces[index])
            index += 1
        text = _formatted(group)
        if link and text.strip():
            lead = text[: len(text) - len(text.lstrip())]
            trail = text[len(text.rstrip()) :]
            destination = f"<{link}>" if re.search(r"[\s()<>]", link) else link
            text = f"{lead}[{text.strip()}]({destination}){trail}"
        out.append(text)
    return re.sub(r"[ \t\n]+", " ", "".join(out)).strip()


def _formatted(pieces: list[_Piece]) -> str:
    """Runs with the same bold/italic merged, then marked up once (`**a b**`, not `**a****b**`)."""
    spans: list[tuple[str, bool, bool]] = []
    for piece in pieces:
        text = piece.text if piece.raw else escape_inline(piece.text)
        bold, italic = (piece.bold, piece.italic) if piece.text.strip() else (None, None)
        if spans and (bold is None or (spans[-1][1], spans[-1][2]) == (bold, italic)):
            last = spans[-1]
            spans[-1] = (last[0] + text, last[1], last[2])
        else:
            spans.append((text, bool(bold), bool(italic)))
    out = []
    for text, bold, italic in spans:
        core = text.strip()
        if not core or not (bold or italic):
            out.append(text)
            continue
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()) :]
        if bold:
            core = f"**{core}**"
        if italic:
            core = f"*{core}*"
        out.append(lead + core + trail)
    return "".join(out)


def _signature_tables(units: list[Unit]) -> list[Unit]:
    """Consecutive one-line paragraphs laid out in columns (tabs, runs of non-breaking
    spaces) become one table: names and titles side by side, a cell each."""
    out: list[Unit] = []
    pending: list[Unit] = []

    def columns(unit: Unit) -> bool:
        return (
            unit.kind == "paragraph"
            and len(unit.raw_lines) == 1
            and signature_rows(unit.raw_lines) is not None
        )

    def flush() -> None:
        rows = signature_rows([u.raw_lines[0] for u in pending]) if len(pending) >= 2 else None
        if rows is not None:
            cells = [[escape_inline(" ".join(c.split())) for c in row] for row in rows]
            out.append(Unit("table", markdown=table_markdown(cells), where=pending[0].where))
        else:
            out.extend(pending)
        pending.clear()

    for unit in units:
        if columns(unit):
            pending.append(unit)
            continue
        flush()
        out.append(unit)
    flush()
    return out


def _counted(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"
