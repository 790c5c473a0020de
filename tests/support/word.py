"""Word files built in the tests: python-docx for what it can do, raw WordprocessingML
for what it cannot (numbering definitions, hyperlinks, tracked changes, footnotes,
text boxes), as Word itself writes them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.shared import Inches

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = (
    f'xmlns:w="{W_NS}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)


class WordFile:
    """A .docx under construction; `save(path)` writes it."""

    def __init__(self) -> None:
        self.doc = docx.Document()
        self._footnotes: list[str] = []
        self._next_num = 100

    @property
    def body(self) -> Any:
        return self.doc.element.body

    def paragraph(self, text: str = "", style: str | None = None) -> Any:
        return self.doc.add_paragraph(text, style=style)

    def xml_paragraph(self, inner: str, ppr: str = "") -> Any:
        """A paragraph written in WordprocessingML (runs, hyperlinks, w:ins...)."""
        element = parse_xml(f"<w:p {NS}>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{inner}</w:p>")
        self.body.insert(len(self.body) - 1, element)  # before the final w:sectPr
        return element

    def numbering(self, *, fmt: str = "decimal", text: str = "%1.", start: int = 1) -> str:
        """A list definition of its own (an abstractNum and a num); returns the numId."""
        numbering = self.doc.part.numbering_part.element
        self._next_num += 1
        abstract_id = str(self._next_num)
        levels = "".join(
            f'<w:lvl w:ilvl="{i}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text.replace("%1", f"%{i + 1}")}"/></w:lvl>'
            for i in range(3)
        )
        abstract = parse_xml(
            f'<w:abstractNum {NS} w:abstractNumId="{abstract_id}">{levels}</w:abstractNum>'
        )
        first_num = numbering.find(f"{{{W_NS}}}num")
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            numbering.append(abstract)
        numbering.append(
            parse_xml(
                f'<w:num {NS} w:numId="{abstract_id}"><w:abstractNumId w:val="{abstract_id}"/>'
                "</w:num>"
            )
        )
        return abstract_id

    def restart(self, num_id: str, start: int) -> str:
        """Word's "Set numbering value": the same list, counted on from `start`."""
        numbering = self.doc.part.numbering_part.element
        self._next_num += 1
        new_id = str(self._next_num)
        numbering.append(
            parse_xml(
                f'<w:num {NS} w:numId="{new_id}"><w:abstractNumId w:val="{num_id}"/>'
                f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start}"/></w:lvlOverride>'
                "</w:num>"
            )
        )
        return new_id

    def numbered(self, text: str, num_id: str, level: int = 0) -> Any:
        return self.xml_paragraph(
            f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>',
            f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>',
        )

    def hyperlink_run(self, url: str, text: str) -> str:
        rid = self.doc.part.relate_to(url, RT.HYPERLINK, is_external=True)
        return (
            f'<w:hyperlink r:id="{rid}"><w:r><w:rPr><w:rStyle w:val="Hyperlink"/></w:rPr>'
            f"<w:t>{text}</w:t></w:r></w:hyperlink>"
        )

    def footnote_run(self, text: str) -> str:
        """A footnote reference; the note's text goes into word/footnotes.xml on save."""
        self._footnotes.append(text)
        number = len(self._footnotes)
        return (
            '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
            f'<w:footnoteReference w:id="{number}"/></w:r>'
        )

    def picture(self, path: Path, alt: str = "") -> None:
        shape = self.doc.add_picture(str(path), width=Inches(1))
        if alt:
            shape._inline.docPr.set("descr", alt)

    def save(self, path: Path) -> Path:
        if self._footnotes:
            notes = "".join(
                f'<w:footnote w:id="{i}"><w:p><w:r><w:footnoteRef/></w:r>'
                f'<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote>'
                for i, text in enumerate(self._footnotes, start=1)
            )
            blob = (
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes {NS}>'
                '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
                f"</w:footnote>{notes}</w:footnotes>"
            ).encode()
            part = Part(
                PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, blob, self.doc.part.package
            )
            self.doc.part.relate_to(part, RT.FOOTNOTES)
        self.doc.save(str(path))
        return path
