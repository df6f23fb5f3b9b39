"""Uploading HTML pages and Word documents: accepted, sectioned, and rejected when the bytes lie.

Files are made here; the text is neutral or verbatim from corpus/luspatercept-drug-information.md.
"""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from tests.api.conftest import is_problem
from tests.api.test_documents import upload, uploads_of

pytestmark = pytest.mark.unit

ADMIN = "Luspatercept is administered subcutaneously (under the skin)."  # verbatim, corpus
HTML = (b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Upload page</title></head>"
        b"<body><nav><a href='/'>Home link</a></nav><main><h1>Upload page</h1>"
        b"<h2>Administration</h2><p>" + ADMIN.encode() + b"</p></main></body></html>")


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_heading("Upload document", level=1)
    document.add_heading("Administration", level=2)
    document.add_paragraph(ADMIN)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zip_bytes(name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, b"hello")
    return buffer.getvalue()


@pytest.mark.parametrize("name, data, content_type, doc_id, title", [
    ("upload-page.html", HTML, "text/html", "upload-page", "Upload page"),
    ("Upload Page.HTM", HTML, "text/html", "Upload-Page", "Upload page"),
    ("upload-doc.docx", docx_bytes(),
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     "upload-doc", "Upload document"),
])
def test_html_and_docx_uploads_are_ingested_with_sections(client, name, data, content_type,
                                                          doc_id, title):
    response = upload(client, name, data, content_type)
    assert response.status_code == 201, response.text
    doc = client.get(f"/v1/documents/{doc_id}").json()
    assert doc["title"] == title
    texts = {c["section"]: c["text"] for c in doc["chunks"]}
    assert ADMIN in texts[f"{title} > Administration"]
    assert all("Home link" not in c["text"] for c in doc["chunks"])


@pytest.mark.parametrize("name, data, hint", [
    ("page.html", b"\x89PNG\r\n\x1a\n....", "PNG"),
    ("page.html", b"<html>\x00\x01\x02 binary", "NUL"),
    ("page.htm", b"Just words in a file without any markup at all.", "no HTML markup"),
    ("notes.docx", b"plain text named docx", "not a ZIP archive"),
    ("notes.docx", zip_bytes("hello.txt"), "without word/document.xml"),
    ("notes.docx", b"PK\x03\x04 truncated", "damaged ZIP archive"),
    ("locked.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "password-protected"),
])
def test_html_and_docx_whose_bytes_do_not_match_are_415(client, name, data, hint):
    problem = is_problem(upload(client, name, data), 415)
    assert hint in problem["detail"] and name in problem["detail"]
    assert not uploads_of(client).exists() or not any(uploads_of(client).iterdir())


def test_a_docx_that_python_docx_cannot_read_is_422(client):
    problem = is_problem(upload(client, "bad.docx", zip_bytes("word/document.xml")), 422)
    assert "bad.docx" in problem["detail"] and "not a readable Word document" in problem["detail"]


def test_unsupported_type_message_lists_the_new_formats(client):
    problem = is_problem(upload(client, "slides.pptx", b"PK\x03\x04"), 415)
    assert ".docx, .html" in problem["detail"]


def test_the_upload_form_accepts_the_new_formats(client):
    page = client.get("/").text
    accept = page.split('id="upload-file"', 1)[1].split("accept=\"", 1)[1].split('"', 1)[0]
    assert {".html", ".htm", ".docx", ".pdf", ".txt", ".md"} <= set(accept.split(","))
