"""Tables as text: one line per row, each cell led by its column header ("Drug: X | Dose: Y").

Shared by the HTML and DOCX readers, so a table reads the same whichever format it came in. A
row that only repeats the header is dropped; empty cells are left out; a table without a header
row joins its cells with " | ".
"""

from __future__ import annotations

from itertools import zip_longest

CELL_SEPARATOR = " | "


def clean_cell(text: str) -> str:
    """A cell's text on one line, whitespace collapsed."""
    return " ".join(text.split())


def table_lines(header: list[str] | None, rows: list[list[str]]) -> list[str]:
    """One line per non-empty row; see the module docstring."""
    header = [clean_cell(h) for h in header] if header and any(header) else None
    lines = []
    for raw in rows:
        row = [clean_cell(cell) for cell in raw]
        if header is not None and row == header[: len(row)]:
            continue
        if header is None:
            parts = [cell for cell in row if cell]
        else:
            parts = [
                f"{name}: {cell}" if name and name != cell else cell
                for name, cell in zip_longest(header, row, fillvalue="")
                if cell
            ]
        if parts:
            lines.append(CELL_SEPARATOR.join(_dedupe(parts)))
    return lines


def _dedupe(parts: list[str]) -> list[str]:
    """Neighbouring repeats, from a cell spanning several columns, kept once."""
    return [part for i, part in enumerate(parts) if i == 0 or part != parts[i - 1]]
