"""Word documents: headings, lists and tables in document order, titles, and unreadable files.

Documents are written here with python-docx; the text is neutral or verbatim from
corpus/luspatercept-drug-information.md.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest

from ingest.loaders import load_file
from ingest.sync import sync
from rag.embeddings import HashEmbedder
from rag.errors import CorruptFileError, EmptyDocumentError, EncryptedDocumentError
from rag.index import Index
from rag.store import InMemoryStore

pytestmark = pytest.mark.unit

# Verbatim from corpus/luspatercept-drug-information.md.
ADMIN = "Luspatercept is administered subcutaneously (under the skin)."
DOSE = "The initial dose is generally 1 mg/kg every three weeks."
MONITOR = "Regular blood pressure monitoring is necessary."
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def save(document: docx.document.Document, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def sample(title: str = "") -> docx.document.Document:
    document = docx.Document()
    document.core_properties.title = title
    document.add_paragraph("Fruit notes", style="Title")
    document.add_heading("Administration", level=1)
    document.add_paragraph(ADMIN)
    document.add_paragraph("first point", style="List Bullet")
    document.add_paragraph("second point", style="List Bullet")
    table = document.add_table(rows=3, cols=2)
    for row, values in zip(table.rows, [("Name", "Colour"), ("Apple", "Red"), ("Pear", "")],
                           strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_heading("Dosing", level=2)
    document.add_paragraph("step one", style="List Number")
    document.add_paragraph("step two", style="List Number")
    document.add_paragraph(DOSE)
    return document


def test_headings_lists_and_tables_in_document_order(tmp_path):
    loaded = load_file(save(sample(), tmp_path / "notes.docx"))
    assert loaded.pages == [
        "# Fruit notes\n\n"
        "# Administration\n\n"
        f"{ADMIN}\n\n"
        "- first point\n- second point\n\n"
        "Name: Apple | Colour: Red\nName: Pear\n\n"
        "## Dosing\n\n"
        "1. step one\n2. step two\n\n"
        f"{DOSE}\n"
    ]
    assert not loaded.paged and loaded.warnings == []


def test_a_merged_cell_keeps_every_column_header(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    for cell, value in zip(table.rows[0].cells, ("Name", "Colour", "Shape"), strict=True):
        cell.text = value
    table.cell(1, 0).text = "Plum"
    table.cell(1, 1).merge(table.cell(1, 2)).text = "Not recorded"
    text = load_file(save(document, tmp_path / "t.docx")).pages[0]
    assert text == "Name: Plum | Colour: Not recorded | Shape: Not recorded\n"


def test_title_from_core_properties_else_first_heading(tmp_path):
    assert load_file(save(sample("Declared title"), tmp_path / "a.docx")).meta.title \
        == "Declared title"
    assert load_file(save(sample(), tmp_path / "b.docx")).meta.title == "Fruit notes"
    junk = load_file(save(sample("Microsoft Word - draft.docx"), tmp_path / "c.docx"))
    assert junk.meta.title == "Fruit notes"


def test_headings_become_sections_of_the_chunks(tmp_path, settings):
    document = docx.Document()
    document.add_heading("Luspatercept", level=1)
    document.add_heading("Administration", level=2)
    document.add_paragraph(ADMIN)
    document.add_heading("Precautions", level=2)
    document.add_paragraph(MONITOR)
    save(document, tmp_path / "docs" / "lusp.docx")
    index = Index(settings, HashEmbedder(64), store=InMemoryStore())
    report = sync(index, [tmp_path / "docs"])
    assert report.added == ["lusp"] and report.failed == []
    chunks = index.store.get(index.data.documents["lusp"].chunk_ids)
    by_section = {c.section: c.text for c in chunks}
    assert ADMIN in by_section["Luspatercept > Administration"]
    assert MONITOR in by_section["Luspatercept > Precautions"]


def zipped(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name.replace("__", "/"), data)
    return buffer.getvalue()


@pytest.mark.parametrize("data, reason", [
    (b"this is plain text, not a Word document", "not a ZIP archive"),
    (zipped(hello__txt=b"hi"), "without word/document.xml"),
    (zipped(word__document__xml=b"<not xml"), "not a readable Word document"),
    (OLE + b"\x00" * 100, "old Word 97-2003"),
])
def test_an_unreadable_docx_is_a_corrupt_file_error_naming_the_fix(tmp_path, data, reason):
    path = tmp_path / "broken.docx"
    path.write_bytes(data)
    with pytest.raises(CorruptFileError, match=r"broken\.docx") as caught:
        load_file(path)
    message = str(caught.value)
    assert reason in message and ("save it" in message or "PDF" in message)


def test_a_truncated_docx_is_a_corrupt_file_error(tmp_path):
    buffer = io.BytesIO()
    sample().save(buffer)
    path = tmp_path / "cut.docx"
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    with pytest.raises(CorruptFileError, match=r"cut\.docx: not a readable Word document"):
        load_file(path)


def test_a_password_protected_docx_is_an_encrypted_document_error(tmp_path):
    # An encrypted .docx is an OLE compound file holding EncryptionInfo and EncryptedPackage.
    data = OLE + b"\x00" * 64 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64
    path = tmp_path / "locked.docx"
    path.write_bytes(data)
    with pytest.raises(EncryptedDocumentError, match=r"locked\.docx: .*password-protected.*remove"):
        load_file(path)


def test_a_docx_without_text_is_an_empty_document_error(tmp_path):
    with pytest.raises(EmptyDocumentError, match=r"blank\.docx: the Word document has no text"):
        load_file(save(docx.Document(), tmp_path / "blank.docx"))
