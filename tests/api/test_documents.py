"""The corpus over HTTP: list, read, upload (replace, limits, types, names), delete, reindex."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from api.uploads import safe_name
from tests.api.conftest import is_problem
from tests.api.fakes import make_pdf
from tests.conftest import CORPUS

pytestmark = pytest.mark.unit

TITLE = "Zibotentan Upload Test Policy"
PARAS = [
    "Zibotentan coverage criteria for this upload test: the request must document prior "
    "therapy and a specialist prescriber.",
    "Renewal requires documented response after sixteen weeks of zibotentan therapy.",
]


def upload(client, name: str, data: bytes, content_type: str = "application/octet-stream", **kw):
    return client.post("/v1/documents", files={"file": (name, data, content_type)}, **kw)


def uploads_of(client) -> Path:
    return client.app.state.answerer.index.data_dir / "uploads"


def test_list_documents(client):
    docs = client.get("/v1/documents").json()
    assert [d["doc_id"] for d in docs] == sorted(p.stem for p in CORPUS.iterdir()
                                                 if p.suffix in (".txt", ".md"))
    label = next(d for d in docs if d["doc_id"] == "luspatercept-drug-information")
    assert label["title"] == "Luspatercept: usage, dosage, side effects and precautions"
    assert label["doc_type"] == "drug_label" and label["origin"] == "corpus"
    assert label["file_name"] == "luspatercept-drug-information.md" and label["n_chunks"] > 0
    assert "/" not in label["file_name"]


def test_get_document_with_its_chunks_in_order(client):
    doc = client.get("/v1/documents/luspatercept-drug-information").json()
    assert [c["ordinal"] for c in doc["chunks"]] == list(range(doc["n_chunks"]))
    assert all(c["text"] for c in doc["chunks"])


def test_unknown_document_is_404(client):
    for method in ("get", "delete"):
        problem = is_problem(getattr(client, method)("/v1/documents/no-such-doc"), 404)
        assert "no-such-doc" in problem["detail"] and "GET /v1/documents" in problem["detail"]


def test_upload_a_pdf_then_ask_about_it(client):
    version = client.get("/v1/corpus").json()["corpus_version"]
    response = upload(client, "zibotentan-policy.pdf", make_pdf(TITLE, PARAS, pages=2),
                      "application/pdf")
    assert response.status_code == 201, response.text
    report = response.json()
    assert report["added"] == ["zibotentan-policy"] and report["chunks_embedded"] >= 1
    assert report["corpus_version"] != version
    doc = client.get("/v1/documents/zibotentan-policy").json()
    assert doc["title"] == TITLE and doc["n_pages"] == 2 and doc["origin"] == "upload"
    assert doc["chunks"][0]["page_start"] == 1
    answer = client.post("/v1/ask", json={
        "question": "What do the zibotentan coverage criteria require?"}).json()
    assert "zibotentan-policy" in {c["doc_id"] for c in answer["citations"]}


def test_uploading_the_same_name_replaces_the_document(client):
    first = b"# Policy\n\nZibotentan needs prior therapy.\n"
    assert upload(client, "policy.md", first).status_code == 201
    same = upload(client, "policy.md", first)
    assert same.status_code == 200 and same.json()["unchanged"] == ["policy"]
    new = upload(client, "policy.md", b"# Policy\n\nZibotentan now needs a specialist.\n")
    assert new.status_code == 200 and new.json()["updated"] == ["policy"]
    ids = [d["doc_id"] for d in client.get("/v1/documents").json()]
    assert ids.count("policy") == 1 and len(ids) == 6
    text = " ".join(c["text"] for c in client.get("/v1/documents/policy").json()["chunks"])
    assert "specialist" in text and "prior therapy" not in text
    assert [p.name for p in uploads_of(client).iterdir()] == ["policy.md"]


def test_a_failed_replacement_keeps_the_old_version(client):
    assert upload(client, "policy.txt", b"Zibotentan needs prior therapy.\n").status_code == 201
    problem = is_problem(upload(client, "policy.txt", b"   \n\n  "), 422)
    assert "policy.txt" in problem["detail"] and "no text" in problem["detail"]
    assert str(uploads_of(client)) not in problem["detail"]  # no server paths
    text = client.get("/v1/documents/policy").json()["chunks"][0]["text"]
    assert "prior therapy" in text
    assert (uploads_of(client) / "policy.txt").read_bytes() == b"Zibotentan needs prior therapy.\n"


def test_unreadable_pdf_is_422_with_the_loader_message(client):
    problem = is_problem(upload(client, "broken.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 50), 422)
    assert "broken.pdf" in problem["detail"]
    assert "broken" not in [d["doc_id"] for d in client.get("/v1/documents").json()]
    assert not any(uploads_of(client).iterdir())


def test_same_content_as_another_document_is_409(client):
    data = (CORPUS / "luspatercept-drug-information.md").read_bytes()
    problem = is_problem(upload(client, "copy.md", data), 409)
    assert "luspatercept-drug-information" in problem["detail"]
    assert not (uploads_of(client) / "copy.md").exists()


@pytest.mark.parametrize("name, data, hint", [
    ("slides.pptx", b"PK\x03\x04 presentation", ".pptx"),
    ("notes", b"plain text", "no extension"),
    ("scan.pdf", b"This is plain text pretending to be a PDF.", "not a PDF"),
    ("notes.txt", b"%PDF-1.4 a pdf named .txt", "a PDF"),
    ("notes.md", b"text with \x00 NUL bytes \x00", "NUL"),
    ("image.txt", b"\x89PNG\r\n\x1a\n....", "PNG"),
])
def test_unsupported_or_mismatched_files_are_415(client, name, data, hint):
    problem = is_problem(upload(client, name, data), 415)
    assert hint in problem["detail"]
    assert not uploads_of(client).exists() or not any(uploads_of(client).iterdir())


def test_utf16_text_with_a_bom_is_accepted(client):
    data = "\ufeffZibotentan needs prior therapy and a specialist.".encode("utf-16-le")
    assert upload(client, "utf16.txt", data).status_code == 201


def test_over_the_size_limit_is_413(make_client):
    client = make_client(max_upload_mb=0.01)  # 10 KiB
    big = b"Zibotentan needs prior therapy. " * 700  # ~22 KiB: counted while saving
    problem = is_problem(upload(client, "big.txt", big), 413)
    assert "0.01 MB" in problem["detail"] and "GUIDEQA_MAX_UPLOAD_MB" in problem["detail"]
    huge = b"x" * 300_000  # past the limit plus multipart slack: refused on Content-Length
    early = is_problem(upload(client, "huge.txt", huge), 413)
    assert early["type"] == problem["type"] == "urn:guideqa:problem:content-too-large"
    assert early["title"] == problem["title"] == "Content Too Large"
    assert not any(uploads_of(client).iterdir())


def test_chunked_upload_over_the_limit_is_413(make_client):
    client = make_client(max_upload_mb=0.01)
    boundary = "b0undary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"big.txt\"\r\nContent-Type: text/plain\r\n\r\n").encode()

    def body():  # a generator: sent chunked, without Content-Length
        yield head
        for _ in range(20):
            yield b"y" * 10_000
        yield f"\r\n--{boundary}--\r\n".encode()

    response = client.post("/v1/documents", content=body(),
                           headers={"content-type": f"multipart/form-data; boundary={boundary}"})
    is_problem(response, 413)


def test_missing_file_field_is_422(client):
    problem = is_problem(client.post("/v1/documents", data={"other": "x"}), 422)
    assert "file" in problem["detail"]


@pytest.mark.parametrize("given, expected", [
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\windows\\evil.md", "evil.md"),
    ("/abs/path/Policy 2024 (final).PDF", "Policy-2024-final.pdf"),
    ("..", "upload-"),
    (".hidden.txt", "hidden.txt"),
    ("r\u00e9sum\u00e9.txt", "r-sum.txt"),
    ("../.txt", "upload-"),
])
def test_safe_names_never_leave_the_uploads_directory(given, expected):
    name = safe_name(given)
    assert "/" not in name and "\\" not in name and not name.startswith(".")
    assert name.startswith(expected) if expected.endswith("-") else name == expected


def test_traversal_in_an_upload_name_stays_inside_uploads(client, tmp_path):
    response = upload(client, "../../../escape.txt", b"Zibotentan needs prior therapy.\n")
    assert response.status_code == 201 and response.json()["added"] == ["escape"]
    assert (uploads_of(client) / "escape.txt").exists()
    assert list(tmp_path.rglob("escape.txt")) == [uploads_of(client) / "escape.txt"]


def test_delete_an_uploaded_document(client):
    upload(client, "policy.txt", b"Zibotentan needs prior therapy.\n")
    response = client.delete("/v1/documents/policy")
    assert response.status_code == 200 and response.json()["removed"] == ["policy"]
    is_problem(client.get("/v1/documents/policy"), 404)
    assert not (uploads_of(client) / "policy.txt").exists()
    answer = client.post("/v1/ask", json={"question": "zibotentan prior therapy"}).json()
    assert "policy" not in {c["doc_id"] for c in answer["contexts"]}


def test_delete_a_corpus_document_warns_that_reindex_brings_it_back(client):
    response = client.delete("/v1/documents/luspatercept-livertox-hepatotoxicity")
    assert response.status_code == 200
    assert "reindex" in " ".join(response.json()["warnings"])
    assert (CORPUS / "luspatercept-livertox-hepatotoxicity.txt").exists()
    report = client.post("/v1/reindex").json()
    assert report["added"] == ["luspatercept-livertox-hepatotoxicity"]
    assert len(report["unchanged"]) == 4


def test_reindex_prunes_vanished_files_and_keeps_uploads(make_client, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    client = make_client(corpus_dir=corpus)
    upload(client, "policy.txt", b"Zibotentan needs prior therapy.\n")
    (corpus / "luspatercept-drug-information.md").unlink()
    (corpus / "new-policy.txt").write_text("Zibotentan renewal needs a documented response.\n")
    report = client.post("/v1/reindex").json()
    assert report["removed"] == ["luspatercept-drug-information"]
    assert report["added"] == ["new-policy"]
    ids = {d["doc_id"] for d in client.get("/v1/documents").json()}
    assert "policy" in ids and "luspatercept-drug-information" not in ids


def test_reindex_without_a_corpus_directory_is_409(make_client, tmp_path):
    client = make_client(corpus_dir=CORPUS)
    client.app.state.answerer.index.settings.ingest.corpus_dir = tmp_path / "gone"
    problem = is_problem(client.post("/v1/reindex"), 409)
    assert "GUIDEQA_CORPUS_DIR" in problem["detail"]
