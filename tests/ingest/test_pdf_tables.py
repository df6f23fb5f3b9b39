"""Tables in PDFs kept as rows, with their column headers and caption (ingest/pdf_tables.py)."""

from __future__ import annotations

import pytest

from ingest.chunking import chunk_document, detect_sections
from ingest.loaders import load_file
from ingest.normalize import normalize_pages
from ingest.pdf_tables import Table, rows_in_text
from rag.types import Document, DocumentMeta
from tests import pdf_factory

pytestmark = pytest.mark.unit

ROWS = [
    "Meeting room: North | Day of the week: Monday | Start time: 09:00",
    "Meeting room: North | Day of the week: Tuesday | Start time: 11:30",
    "Meeting room: South | Day of the week: Friday | Start time: 14:00",
]


def test_a_ruled_table_becomes_one_line_per_row_with_its_headers(tmp_path):
    text = load_file(pdf_factory.table_pdf(tmp_path / "schedule.pdf")).pages[0]
    lines = [line.strip() for line in text.splitlines()]
    at = lines.index(ROWS[0])
    assert lines[at : at + 3] == ROWS
    assert lines[at - 1].split() == pdf_factory.SCHEDULE_CAPTION.split()  # the caption leads the rows
    assert "Tuesday\n" not in text  # no stream of single cells is left
    assert "The minutes were sent to every member the same day." in text


def test_caption_and_rows_stay_in_one_chunk_and_no_cell_becomes_a_heading(tmp_path):
    path = pdf_factory.table_pdf(tmp_path / "schedule.pdf")
    text, starts, _ = normalize_pages(load_file(path).pages)
    doc = Document(doc_id="schedule", path=str(path), meta=DocumentMeta(title="Schedule"), text=text,
                   page_starts=starts, content_hash="x")
    assert all(s.path is None for s in detect_sections(text, markdown=False))
    holding = [c for c in chunk_document(doc, 900, 100) if ROWS[0] in c.text]
    assert len(holding) == 1 and all(row in holding[0].text for row in ROWS)
    assert pdf_factory.SCHEDULE_CAPTION.split()[-1] in holding[0].text


def test_a_merged_cell_repeats_its_value_and_a_lone_first_cell_is_a_subheading():
    table = Table([["Part", "Size", "Colour"], ["Frame", "Large", "Red"], [None, "Small", "Blue"],
                   ["Extras", None, None], ["Bell", "", "Silver"]])
    assert table.lines() == ["Part: Frame | Size: Large | Colour: Red",
                             "Part: Frame | Size: Small | Colour: Blue",
                             "Extras:",
                             "Part: Bell | Colour: Silver"]


def test_a_two_column_table_of_labels_reads_label_value():
    table = Table([["Program", "Prior Authorization"], ["Effective Date", "03/01/2024"]])
    assert table.lines() == ["Program: Prior Authorization", "Effective Date: 03/01/2024"]


def test_text_is_left_alone_when_the_cells_are_not_found_as_one_run():
    table = Table([["Part", "Size", "Colour"], ["Frame", "Large", "Red"]])
    text = "An unrelated page about the weather.\nNothing here is a table.\n"
    assert rows_in_text(text, [table]) == text


def test_a_layout_box_is_not_a_table(tmp_path):
    from ingest.pdf_tables import _is_table

    assert not _is_table([["A whole paragraph boxed in a frame."], ["Another boxed paragraph."]])
    assert not _is_table([["Head", None, None], [None, None, ""], ["", None, "x"]])
    assert _is_table(pdf_factory.SCHEDULE)
