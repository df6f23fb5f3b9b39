"""Tables in PDFs with a text layer, kept as rows.

Text extraction (pypdf) writes a ruled table as a stream of cells, one per line, so a dose and
the volume it goes with end up lines apart and the cell "VEKLURY 10" reads like a heading.
pdfplumber finds the table from its ruling lines and gives its cells; the cells' text in the
page is then replaced by one line per row, each cell with its column header::

    Infusion bag volume: 250 mL | Infusion time: 30 min | Rate of infusion: 8.33 mL/min

A cell merged over several rows (pdfplumber gives None below its first row) repeats its value in
each row; a row with only its first cell filled is a subheading ("Absorption:"). The rows follow
the table's caption with no blank line between, so caption and rows form one paragraph, which
the chunker never splits when it fits in a chunk (a longer one is cut between rows).

Only what is safely a table is rewritten: at least two columns and two rows, most cells filled,
and the cell text found as one run of lines in the page's text; otherwise the page keeps its
extracted text. Everything outside the table's run is left exactly as pypdf wrote it.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ingest.tables import clean_cell, table_lines

logger = logging.getLogger(__name__)

_MIN_FILLED_SHARE = 0.5  # of a table's cells; below it, a page layout boxed in lines, not a table
_MAX_COLUMNS = 8
_MIN_WORD_SHARE = 0.8  # of the replaced lines' words that must be the table's words
_CAPTION_RE = re.compile(r"(Table|TABLE)\s+[A-Z]?\d+[A-Za-z]?\b")


@dataclass(frozen=True)
class Table:
    """One table of a page: its rows of cell texts (None where a merged cell continues)."""

    rows: list[list[str | None]]

    def lines(self) -> list[str]:
        """One line per body row, each filled cell as 'header: value' (`ingest.tables`); a
        two-column table of short labels and their values gives 'label: value' per row."""
        if self.is_key_value():
            return [f"{_cell(k)}: {_cell(v)}" for k, v in self.rows if _cell(k) and _cell(v)]
        header = [_cell(c) for c in self.rows[0]]
        out: list[str] = []
        above: list[str] = [""] * len(header)
        for raw in self.rows[1:]:
            cells = [_cell(c) for c in raw]
            if not any(cells):
                continue
            if cells[0] and raw[1:] and all(c is None or c == "" for c in raw[1:]):
                out.append(f"{cells[0]}:")  # a subheading row such as "Absorption"
                continue
            row = [above[i] if raw[i] is None and i < len(above) else cells[i] for i in range(len(cells))]
            above = row
            out += table_lines(header, [row])
        return out

    def is_key_value(self) -> bool:
        """Two columns whose first holds short labels ("Effective Date", "Program Number")."""
        if any(len(row) != 2 for row in self.rows):
            return False
        labels = [_cell(row[0]) for row in self.rows if _cell(row[0])]
        return len(labels) == len(self.rows) and all(len(label.split()) <= 5 for label in labels)

    def words(self) -> list[str]:
        return [w for row in self.rows for cell in row if cell for w in _words(cell)]


def page_tables(data: bytes) -> dict[int, list[Table]]:
    """1-based page number -> the tables found on it (pages with ruling lines only); {} when
    pdfplumber is missing or cannot read the file (the pages keep their extracted text)."""
    try:
        import pdfplumber
    except ImportError:  # pragma: no cover - a declared dependency
        logger.warning("pdfplumber is not installed; tables are read as extracted text")
        return {}
    found: dict[int, list[Table]] = {}
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for number, page in enumerate(pdf.pages, start=1):
                tables = list(_tables(page, number))
                if tables:
                    found[number] = tables
    except Exception as exc:  # tables are an improvement; a parser failure costs only them
        logger.warning("table detection failed (%s: %s); tables are read as extracted text",
                       type(exc).__name__, exc)
    return found


def _tables(page: Any, number: int) -> Iterator[Table]:
    try:
        if not (page.lines or page.rects):
            return
        candidates = page.find_tables()
        for candidate in sorted(candidates, key=lambda t: t.bbox[1]):
            rows = candidate.extract()
            if _is_table(rows):
                yield Table(rows)
    except Exception as exc:  # one odd page must not cost the others their tables
        logger.warning("page %d: table detection failed: %s", number, exc)


def _is_table(rows: list[list[str | None]]) -> bool:
    if len(rows) < 2 or not 2 <= max(len(r) for r in rows) <= _MAX_COLUMNS:
        return False
    cells = [c for r in rows for c in r]
    filled = sum(1 for c in cells if c and c.strip())
    header = [c for c in rows[0] if c and c.strip()]
    return filled / len(cells) >= _MIN_FILLED_SHARE and len(header) >= 2


def rows_in_text(text: str, tables: list[Table]) -> str:
    """`text` with each table's run of cell lines replaced by its rows (see the module doc)."""
    for table in tables:
        text = _replace(text, table)
    return text


def _replace(text: str, table: Table) -> str:
    span = _cell_run(text, table)
    if span is None:
        return text
    start, end = span
    head = _caption_start(text, start)
    block = "\n".join(table.lines())
    # blank lines around caption + rows make them one paragraph of their own
    return f"{text[:head].rstrip(' ')}\n{text[head:start]}{block}\n\n{text[end:].lstrip(chr(10))}"


def _caption_start(text: str, start: int) -> int:
    """Where the table's caption ("Table 2  Recommended ...") begins, if one of the three lines
    before the rows starts one; else `start`."""
    before = text[:start].split("\n")[-4:-1]
    offset = start - 1
    for line in reversed(before):
        offset -= len(line) + 1
        if _CAPTION_RE.match(line.strip()):
            return offset + 1
    return start


def _cell_run(text: str, table: Table) -> tuple[int, int] | None:
    """(start, end) of the lines of `text` that hold the table's cells, or None when they are
    not found as one run made (almost) only of the table's words."""
    words = table.words()
    if len(words) < 4:
        return None
    lines = [(m.start(), m.end(), m.group()) for m in re.finditer(r"[^\n]*", text) if m.group().strip()]
    first, last = words[:3], words[-3:]
    vocabulary = set(words)
    for i, (start, _, line) in enumerate(lines):
        if _words(line)[:3] != first[: len(_words(line)[:3])] or not _words(line):
            continue
        seen: list[str] = []
        best: tuple[int, int] | None = None  # (distance from the table's word count, end)
        for j in range(i, len(lines)):
            seen += _words(lines[j][2])
            if len(seen) > 1.5 * len(words) + 10:
                break
            ends = seen[-len(last):] == last or set(last) <= set(seen[-6:])
            if len(seen) < 0.8 * len(words) or not ends:
                continue
            if sum(1 for w in seen if w in vocabulary) / len(seen) >= _MIN_WORD_SHARE:
                distance = abs(len(seen) - len(words))
                if best is None or distance < best[0]:
                    best = (distance, lines[j][1])
        if best is not None:
            return start, best[1]
    return None


def _cell(value: str | None) -> str:
    return clean_cell(value or "")


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())
