"""A table of short cells laid out as text, as rich draws its `SIMPLE_HEAD` tables.

Invariant: for cells that fit the console on one line, `TextTable.lines()` is the text
rich's `Table(box=box.SIMPLE_HEAD, pad_edge=False)` prints, character for character
(a test compares the two), with the same colours; it is built with string
formatting, a hundred times cheaper than rich's layout engine, which measures and wraps
every cell (`publisher status` over 200 releases spent most of its time there). A table
wider than the console is left to rich (`fits` says which), which wraps its cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import click


@dataclass(frozen=True)
class Cell:
    text: str
    colour: str | None = None  # a click colour name ("green"), None for the default
    bold: bool = False


@dataclass
class TextTable:
    """Columns (the first left-aligned, the others right-aligned) and rows of cells."""

    headers: Sequence[str]
    rows: list[list[Cell]] = field(default_factory=list)
    section_ends: set[int] = field(default_factory=set)  # rows followed by a blank line

    def add_row(self, *cells: str | Cell, end_section: bool = False) -> None:
        self.rows.append([c if isinstance(c, Cell) else Cell(c) for c in cells])
        if end_section:
            self.section_ends.add(len(self.rows) - 1)

    def widths(self) -> list[int]:
        return [
            max([len(header), *(len(row[i].text) for row in self.rows)])
            for i, header in enumerate(self.headers)
        ]

    def width(self) -> int:
        """Characters per line, the edges included."""
        widths = self.widths()
        return sum(widths) + 3 * (len(widths) - 1) + 2

    def fits(self, columns: int) -> bool:
        return self.width() <= columns and all(c.text.isascii() for r in self.rows for c in r)

    def lines(self, colour: bool) -> list[str]:
        """The table's lines; `colour`: with ANSI colours (else plain text)."""
        widths = self.widths()
        blank = " " * self.width()

        def line(cells: Sequence[Cell]) -> str:
            parts = []
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True)):
                pad = " " * (w - len(cell.text))
                styled = colour and (cell.colour or cell.bold)
                text = (
                    click.style(cell.text, fg=cell.colour, bold=cell.bold or None)
                    if styled
                    else cell.text
                )
                parts.append(text + pad if i == 0 else pad + text)
            return " " + "   ".join(parts) + " "

        out = [blank, line([Cell(h, bold=True) for h in self.headers])]  # as rich: bold
        out.append(" " + "─" * (self.width() - 2) + " ")
        for i, row in enumerate(self.rows):
            out.append(line(row))
            if i in self.section_ends:
                out.append(blank)
        out.append(blank)
        return out
