"""Loading: discovery, metadata precedence, text decoding, PDF extraction and every error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest.loaders import discover, load_file, read_directory_metadata
from rag.errors import (
    CorruptFileError,
    EmptyDocumentError,
    EncryptedPDFError,
    IngestError,
    NeedsOCRError,
    UnsupportedFormatError,
)
from tests import pdf_factory

pytestmark = pytest.mark.unit

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
SENTENCE = "The safety and effectiveness of Luspatercept in children have not been established."


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


# ---------------------------------------------------------------- discovery


def test_discover_walks_sorted_and_skips_hidden_and_metadata(tmp_path):
    for name in ["b.txt", "a.md", "sub/c.pdf", "sub/d.pptx", ".hidden.txt", ".git/e.txt",
                 "metadata.toml", "notes.MARKDOWN"]:
        write(tmp_path / name, "x")
    files, skipped = discover([tmp_path])
    assert [f.relative_to(tmp_path).as_posix() for f, _ in files] == [
        "a.md", "b.txt", "notes.MARKDOWN", "sub/c.pdf"]
    assert all(root == tmp_path and f.is_absolute() for f, root in files)
    assert skipped == [tmp_path / "sub" / "d.pptx"]


def test_discover_a_single_file_uses_its_parent_as_root(tmp_path):
    file = write(tmp_path / "one.txt", "x")
    files, skipped = discover([file, tmp_path])  # the file is not listed twice
    assert files == [(file, tmp_path)] and skipped == []


def test_discover_a_missing_path_says_so(tmp_path):
    with pytest.raises(IngestError, match="no such file or directory"):
        discover([tmp_path / "missing"])


# ---------------------------------------------------------------- metadata


def test_corpus_metadata_wins_and_front_matter_is_removed():
    path = CORPUS / "luspatercept-drug-information.md"
    loaded = load_file(path)
    assert loaded.meta.title == "Luspatercept: usage, dosage, side effects and precautions"
    assert loaded.meta.doc_type == "drug_label" and loaded.meta.source == "Drug information page"
    assert loaded.pages[0].lstrip().startswith("# Luspatercept") and not loaded.paged
    assert "layout: minimal-medicine" not in loaded.pages[0]
    assert loaded.warnings == [] and loaded.explicit_id is None


def test_corpus_date_comes_from_metadata():
    loaded = load_file(CORPUS / "luspatercept-mds-medical-necessity-answer.txt")
    assert loaded.meta.date == "2025-12-01" and loaded.meta.doc_type == "coverage_answer"


def test_metadata_precedence_field_by_field(tmp_path):
    write(tmp_path / "doc.md", (
        "---\ntitle: From front matter\npublisher: Front Publisher\ntype: review\n"
        "date: 2024-05-01\nid: fm-id\nurl: https://example.org/doc\nlayout: ignored\n---\n"
        "# Heading\n\nBody text.\n"
    ))
    write(tmp_path / "metadata.toml", '["doc.md"]\ntitle = "From the manifest"\nid = "toml-id"\n')
    loaded = load_file(tmp_path / "doc.md")
    assert loaded.meta.title == "From the manifest" and loaded.explicit_id == "toml-id"
    assert loaded.meta.source == "Front Publisher" and loaded.meta.doc_type == "review"
    assert loaded.meta.date == "2024-05-01" and loaded.meta.url == "https://example.org/doc"
    assert loaded.pages[0] == "# Heading\n\nBody text.\n" and loaded.warnings == []


def test_unknown_doc_type_becomes_other_with_a_warning(tmp_path):
    write(tmp_path / "doc.txt", "---\ndoc_type: leaflet\ndate: last spring\n---\nBody text.\n")
    loaded = load_file(tmp_path / "doc.txt")
    assert loaded.meta.doc_type == "other" and loaded.meta.date == "last spring"
    assert any("unknown doc_type 'leaflet'" in w for w in loaded.warnings)
    assert any("not ISO-like" in w for w in loaded.warnings)


def test_manifest_typos_are_reported(tmp_path):
    write(tmp_path / "doc.txt", "Body text.\n")
    write(tmp_path / "metadata.toml", '["doc.txt"]\ntitel = "Typo"\ndoc_type = "Payer Policy"\n')
    loaded = load_file(tmp_path / "doc.txt")
    assert loaded.meta.doc_type == "payer_policy"
    assert any("unknown key 'titel'" in w for w in loaded.warnings)


def test_invalid_manifest_fails_every_file_it_describes(tmp_path):
    write(tmp_path / "doc.txt", "Body text.\n")
    write(tmp_path / "metadata.toml", '["doc.txt"\ntitle = \n')
    with pytest.raises(IngestError, match="metadata.toml: invalid TOML"):
        load_file(tmp_path / "doc.txt")


def test_manifest_edits_are_seen(tmp_path):
    manifest = write(tmp_path / "metadata.toml", '["a.txt"]\ntitle = "One"\n')
    assert read_directory_metadata(tmp_path) == {"a.txt": {"title": "One"}}
    write(manifest, '["a.txt"]\ntitle = "Two, edited"\n')
    os.utime(manifest, ns=(1, 2_000_000_000_000_000_000))
    assert read_directory_metadata(tmp_path)["a.txt"]["title"] == "Two, edited"
    assert read_directory_metadata(tmp_path / "nowhere") == {}


@pytest.mark.parametrize(
    ("name", "text", "title"),
    [
        ("notes.md", "Intro line\n\n## First Heading\nBody.", "First Heading"),
        ("notes.txt", "\n\nLuspatercept Indication Criteria\nBody.", "Luspatercept Indication Criteria"),
        ("long-first-line.txt", "word " * 40 + "\nBody.", "long-first-line"),
    ],
)
def test_title_fallbacks(tmp_path, name, text, title):
    assert load_file(write(tmp_path / name, text)).meta.title == title


def test_pdf_title_from_document_info_else_first_line(tmp_path):
    pdf = pdf_factory.text_pdf(tmp_path / "a.pdf", ["Page one text here."], title="Dosing Guide")
    assert load_file(pdf).meta.title == "Dosing Guide"
    pdf = pdf_factory.text_pdf(tmp_path / "b.pdf", ["Antiseizure Medications Policy"],
                               title="Microsoft Word - draft.docx")
    assert load_file(pdf).meta.title == "Antiseizure Medications Policy"


# ---------------------------------------------------------------- text files


def test_utf8_bom_is_dropped(tmp_path):
    loaded = load_file(write(tmp_path / "bom.txt", "\ufeffBody text.".encode()))
    assert loaded.pages == ["Body text."]


def test_windows_1252_text_is_read_with_a_warning(tmp_path):
    data = "Caf\u00e9 au lait. The na\u00efve r\u00e9sum\u00e9 was reviewed.".encode("cp1252")
    loaded = load_file(write(tmp_path / "legacy.txt", data))
    assert loaded.pages == ["Café au lait. The naïve résumé was reviewed."]
    assert any("Windows-1252" in w for w in loaded.warnings)


def test_undecodable_bytes_say_how_to_convert(tmp_path):
    path = write(tmp_path / "bad.txt", bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 30 + b"text")
    with pytest.raises(CorruptFileError, match=r"bad\.txt: the text is not UTF-8.*iconv"):
        load_file(path)


def test_binary_junk_named_txt_looks_binary(tmp_path):
    path = write(tmp_path / "junk.txt", bytes((i * 37 + 11) % 256 for i in range(4000)))
    with pytest.raises(CorruptFileError, match=r"junk\.txt: looks binary.*NUL"):
        load_file(path)
    path = write(tmp_path / "controls.md", bytes(range(1, 32)) * 50)
    with pytest.raises(CorruptFileError, match=r"controls\.md: looks binary"):
        load_file(path)


@pytest.mark.parametrize(
    ("name", "data"),
    [("empty.txt", b""), ("blank.md", b"  \n\t\n"), ("only-front-matter.md", b"---\ntitle: T\n---\n\n"),
     ("empty.pdf", b"")],
)
def test_empty_files(tmp_path, name, data):
    with pytest.raises(EmptyDocumentError, match=name.replace(".", r"\.")):
        load_file(write(tmp_path / name, data))


def test_unsupported_extension(tmp_path):
    with pytest.raises(UnsupportedFormatError, match=r"report\.pptx: unsupported file type '\.pptx'"):
        load_file(write(tmp_path / "report.pptx", b"PK\x03\x04"))


def test_size_limit_names_the_setting(tmp_path):
    path = write(tmp_path / "big.txt", "x" * 2048)
    with pytest.raises(IngestError, match="GUIDEQA_MAX_FILE_MB"):
        load_file(path, max_bytes=1024)
    assert load_file(path, max_bytes=4096).pages == ["x" * 2048]


# ---------------------------------------------------------------- PDFs


def test_multipage_pdf_gives_one_text_per_page(tmp_path):
    loaded = load_file(pdf_factory.multipage_pdf(tmp_path / "dosing.pdf"))
    assert loaded.paged and len(loaded.pages) == 3 and loaded.warnings == []
    assert loaded.meta.title == "Luspatercept Test Document"
    assert pdf_factory.HEADING in loaded.pages[0] and "1 mg/kg every 3 weeks" in loaded.pages[0]
    assert SENTENCE in loaded.pages[1] and "Page 2 of 3" in loaded.pages[1]


def test_not_a_pdf(tmp_path):
    with pytest.raises(CorruptFileError, match=r"page\.pdf: not a PDF"):
        load_file(write(tmp_path / "page.pdf", b"<html>Not found</html>"))


def test_truncated_pdf_asks_for_a_new_download(tmp_path):
    with pytest.raises(CorruptFileError, match=r"cut\.pdf: the PDF is truncated.*re-download"):
        load_file(pdf_factory.truncated_pdf(tmp_path / "cut.pdf"))


def test_unparsable_pdf_is_corrupt(tmp_path):
    path = write(tmp_path / "mangled.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n")
    with pytest.raises(CorruptFileError, match=r"mangled\.pdf: cannot be read as a PDF"):
        load_file(path)


def test_password_protected_pdf(tmp_path):
    with pytest.raises(EncryptedPDFError, match=r"locked\.pdf: password-protected.*qpdf --decrypt"):
        load_file(pdf_factory.encrypted_pdf(tmp_path / "locked.pdf"))


def test_pdf_encrypted_with_an_empty_password_opens(tmp_path):
    loaded = load_file(pdf_factory.encrypted_pdf(tmp_path / "open.pdf", user_password=""))
    assert SENTENCE in loaded.pages[0]


def test_image_only_pdf_read_without_ocr_needs_ocr(tmp_path):
    """load_file OCRs nothing unless given a PageOcr (ingest gives one: tests/ingest/test_ocr.py)."""
    path = pdf_factory.image_pdf(tmp_path / "scan.pdf", pages=2)
    with pytest.raises(NeedsOCRError, match=r"scan\.pdf: image-only PDF \(2 pages.*ocrmypdf"):
        load_file(path)


def test_pages_without_a_text_layer_are_reported_when_read_without_ocr(tmp_path):
    loaded = load_file(pdf_factory.image_pdf(tmp_path / "mixed.pdf", pages=4, text_pages=(1,)))
    assert len(loaded.pages) == 4 and "missed dose" in loaded.pages[0]
    assert loaded.warnings == [
        "pages 2-4 have no text layer (images only); their content is not indexed: OCR them "
        "(e.g. ocrmypdf) and re-ingest"]


def test_form_values_in_annotations_are_kept(tmp_path):
    loaded = load_file(pdf_factory.form_pdf(tmp_path / "form.pdf"))
    text = loaded.pages[-1]
    assert "Form fields:\n" in text
    block = text.split("Form fields:\n", 1)[1].splitlines()
    assert block == [f"Patient Name: {pdf_factory.FORM_VALUE}", pdf_factory.FREE_TEXT_VALUE]


def test_every_ingest_error_names_its_file(tmp_path):
    bad = [write(tmp_path / "x.pptx", b"x"), write(tmp_path / "y.txt", b""),
           write(tmp_path / "z.pdf", b"nope")]
    for path in bad:
        with pytest.raises(IngestError) as info:
            load_file(path)
        assert str(path) in str(info.value)


def test_form_values_are_placed_on_the_page_of_their_field(tmp_path):
    loaded = load_file(pdf_factory.two_page_form_pdf(tmp_path / "form2.pdf"))
    assert "Form fields" not in loaded.pages[0]
    assert f"Patient Name: {pdf_factory.FORM_VALUE}" in loaded.pages[1]


def test_a_title_comes_from_the_largest_type_when_there_is_no_metadata(tmp_path):
    body = ["The committee met in the morning.", "Nobody objected.", "The minutes were sent."]
    loaded = load_file(pdf_factory.titled_pdf(tmp_path / "notes.pdf", "Committee Meeting Notes", body))
    assert loaded.meta.title == "Committee Meeting Notes"


def test_a_table_of_contents_or_copyright_line_is_never_the_title(tmp_path):
    path = tmp_path / "manual.txt"
    path.write_text("2025 Complete Table of Contents\n© 2022 Some Publisher\nCoding Policy Manual\nText.\n",
                    encoding="utf-8")
    assert load_file(path).meta.title == "Coding Policy Manual"
