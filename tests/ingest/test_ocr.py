"""OCR of pages without a text layer: which pages, flags, confidence, modes, failures (FakeOcr);
then Tesseract itself on rendered pages, and a verified citation from OCR'd text (integration)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.bench_ocr import cer
from ingest.loaders import load_file
from ingest.ocr import FakeOcr, OcrResult, TesseractOcr, parse_tsv, render_page
from ingest.ocr_pages import OcrMode, PageOcr
from ingest.pipeline import file_hash, prepare
from ingest.progress import SyncProgress
from ingest.sync import sync
from rag.embeddings import HashEmbedder
from rag.errors import NeedsOCRError
from rag.index import Index
from rag.settings import IngestSettings
from rag.verify import DraftCitation, check_citation
from tests import pdf_factory
from tests.conftest import make_settings

DPI = 72  # FakeOcr only hashes the pixels: a small render keeps the unit tests fast
# Neutral sentences standing in for what an engine reads off a page.
READ = {
    1: "This sentence stands in for the first scanned page of a test document.",
    2: "This sentence stands in for the second scanned page of a test document.",
    3: "This sentence stands in for the third scanned page of a test document.",
    4: "This sentence stands in for the fourth scanned page of a test document.",
}


def fake_for(path: Path, pages: list[int], confidence: dict[int, float] | None = None,
             broken: tuple[int, ...] = ()) -> FakeOcr:
    """A FakeOcr that reads READ[n] off page n of `path` (rendered as ingest renders it)."""
    fake = FakeOcr()
    data = path.read_bytes()
    for number in pages:
        image = render_page(data, number, DPI)
        if number in broken:
            fake.break_on(image)
        else:
            fake.learn(image, READ[number], (confidence or {}).get(number, 95.0))
    return fake


def page_ocr(engine: FakeOcr | TesseractOcr, mode: OcrMode = "auto", **kwargs) -> PageOcr:
    return PageOcr(engine=engine, mode=mode, dpi=kwargs.pop("dpi", DPI), workers=kwargs.pop("workers", 2),
                   **kwargs)


# ---------------------------------------------------------------- unit: FakeOcr


@pytest.mark.unit
def test_an_image_only_pdf_is_read_by_ocr_and_its_pages_flagged(tmp_path):
    path = pdf_factory.image_pdf(tmp_path / "scan.pdf", pages=2)
    loaded = load_file(path, ocr=page_ocr(fake_for(path, [1, 2], {2: 88.5})))
    assert loaded.pages == [READ[1], READ[2]]
    assert loaded.ocr_pages == {1: 95.0, 2: 88.5}
    assert loaded.warnings == []


@pytest.mark.unit
def test_only_the_image_pages_of_a_digital_pdf_are_read(tmp_path):
    path = pdf_factory.image_pdf(tmp_path / "mixed.pdf", pages=4, text_pages=(1,))
    loaded = load_file(path, ocr=page_ocr(fake_for(path, [2, 3, 4])))
    assert "missed dose" in loaded.pages[0] and loaded.pages[1:] == [READ[2], READ[3], READ[4]]
    assert sorted(loaded.ocr_pages) == [2, 3, 4] and loaded.warnings == []


@pytest.mark.unit
def test_chunks_from_ocr_pages_are_flagged_and_the_document_records_them(tmp_path):
    path = pdf_factory.image_pdf(tmp_path / "mixed.pdf", pages=2, text_pages=(1,))
    prepared = prepare(path, tmp_path, IngestSettings(chunk_size=100, chunk_overlap=0),
                       file_hash(path), page_ocr(fake_for(path, [2])))
    assert prepared.document.ocr_pages == {2: 95.0}
    by_page = {(c.page_start, c.page_end): c.ocr for c in prepared.chunks}
    assert by_page[(1, 1)] is False and by_page[(2, 2)] is True
    assert all(c.ocr == (c.page_end == 2) for c in prepared.chunks)


@pytest.mark.unit
def test_low_confidence_pages_are_kept_with_a_warning_naming_them(tmp_path):
    path = pdf_factory.image_pdf(tmp_path / "faint.pdf", pages=3)
    loaded = load_file(path, ocr=page_ocr(fake_for(path, [1, 2, 3], {1: 41.0, 3: 52.4}), min_confidence=60))
    assert loaded.pages == [READ[1], READ[2], READ[3]] and loaded.ocr_pages == {1: 41.0, 2: 95.0, 3: 52.4}
    assert loaded.warnings == [
        "OCR confidence is low on pages 1 (41), 3 (52), below GUIDEQA_OCR_MIN_CONFIDENCE=60: their text "
        "is kept but may be garbled; check it, or rescan at a higher resolution"]


@pytest.mark.unit
def test_force_mode_reads_every_page_over_the_text_layer(tmp_path):
    path = pdf_factory.multipage_pdf(tmp_path / "digital.pdf")
    without = load_file(path, ocr=page_ocr(fake_for(path, [1, 2, 3])))
    assert without.ocr_pages == {} and "Luspatercept" in without.pages[0]  # auto: text layer used
    forced = load_file(path, ocr=page_ocr(fake_for(path, [1, 2, 3]), mode="force"))
    assert forced.pages == [READ[1], READ[2], READ[3]] and sorted(forced.ocr_pages) == [1, 2, 3]


@pytest.mark.unit
def test_one_broken_page_does_not_stop_the_file(tmp_path):
    path = pdf_factory.image_pdf(tmp_path / "scan.pdf", pages=3)
    loaded = load_file(path, ocr=page_ocr(fake_for(path, [1, 2, 3], broken=(2,))))
    assert loaded.pages[0] == READ[1] and loaded.pages[2] == READ[3] and sorted(loaded.ocr_pages) == [1, 3]
    assert loaded.warnings == [
        "OCR failed on page 2 (RuntimeError: fake OCR engine crashed on this page)",
        "page 2 has no text layer (images only); their content is not indexed: OCR could not read "
        "them (see the warnings above); OCR them yourself (e.g. ocrmypdf) and re-ingest"]


@pytest.mark.unit
def test_without_tesseract_ocr_is_unavailable_and_the_message_gives_the_install_command(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract binary on it
    engine = TesseractOcr()
    assert engine.available() is False
    scan = pdf_factory.image_pdf(tmp_path / "scan.pdf", pages=2)
    with pytest.raises(NeedsOCRError, match=r"scan\.pdf: image-only PDF \(2 pages, no text layer\): OCR "
                       r"\(tesseract\) is not installed here: apt-get install -y tesseract-ocr "
                       r"tesseract-ocr-eng .*; then re-ingest"):
        load_file(scan, ocr=page_ocr(engine))
    mixed = load_file(pdf_factory.image_pdf(tmp_path / "mixed.pdf", pages=3, text_pages=(1,)),
                      ocr=page_ocr(engine))
    assert mixed.ocr_pages == {} and len(mixed.warnings) == 1
    assert mixed.warnings[0].startswith("pages 2-3 have no text layer (images only); their content is not "
                                        "indexed: OCR (tesseract) is not installed here: apt-get install")


@pytest.mark.unit
def test_ocr_off_keeps_the_old_behaviour_and_says_which_setting(tmp_path):
    path = pdf_factory.image_pdf(tmp_path / "scan.pdf", pages=2)
    with pytest.raises(NeedsOCRError, match="set GUIDEQA_OCR=auto to OCR it during ingest"):
        load_file(path, ocr=page_ocr(FakeOcr(READ[1]), mode="off"))


@pytest.mark.unit
def test_progress_hears_of_every_page(tmp_path):
    class Recorder(SyncProgress):
        def __init__(self) -> None:
            self.events: list[object] = []

        def ocr_started(self, n_pages: int) -> None:
            self.events.append(n_pages)

        def ocr_page_done(self) -> None:
            self.events.append("page")

    path = pdf_factory.image_pdf(tmp_path / "scan.pdf", pages=3)
    recorder = Recorder()
    load_file(path, ocr=page_ocr(fake_for(path, [1, 2, 3], broken=(3,)), progress=recorder))
    assert recorder.events == [3, "page", "page", "page"]


@pytest.mark.unit
def test_settings_read_the_ocr_environment(monkeypatch):
    monkeypatch.setenv("GUIDEQA_OCR", "force")
    monkeypatch.setenv("GUIDEQA_OCR_MIN_CONFIDENCE", "75")
    settings = IngestSettings()
    assert settings.ocr == "force" and settings.ocr_min_confidence == 75.0
    built = PageOcr.from_settings(settings, engine=FakeOcr())
    assert built.mode == "force" and built.min_confidence == 75.0 and built.dpi == 300


@pytest.mark.unit
def test_tesseract_tsv_becomes_lines_paragraphs_and_a_mean_confidence():
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    rows = [
        "5\t1\t1\t1\t1\t1\t0\t0\t1\t1\t96.0\tThis",
        "5\t1\t1\t1\t1\t2\t0\t0\t1\t1\t90.0\tsentence",
        "5\t1\t1\t1\t2\t1\t0\t0\t1\t1\t84.0\tcontinues.",
        "4\t1\t1\t1\t2\t0\t0\t0\t1\t1\t-1\t",
        "5\t1\t2\t1\t1\t1\t0\t0\t1\t1\t70.0\tNext",
    ]
    assert parse_tsv("\n".join([header, *rows])) == OcrResult("This sentence\ncontinues.\n\nNext", 85.0)


# ---------------------------------------------------------------- integration: Tesseract

needs_tesseract = pytest.mark.skipif(not TesseractOcr().available(), reason=TesseractOcr().fix)


@pytest.mark.integration
@needs_tesseract
def test_tesseract_reads_a_rendered_page_within_two_percent_cer(tmp_path):
    text = " ".join(pdf_factory.PAGE_1)
    path = pdf_factory.scanned_pdf(tmp_path / "scan.pdf", [text])
    result = TesseractOcr().read(render_page(path.read_bytes(), 1, 300))
    assert cer(result.text, text) < 0.02
    assert result.mean_confidence > 80


@pytest.mark.integration
@needs_tesseract
def test_a_citation_of_ocr_text_is_marked_ocr_in_a_real_index(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    pdf_factory.scanned_pdf(docs / "scanned.pdf", [" ".join(pdf_factory.PAGE_1), " ".join(pdf_factory.PAGE_2)])
    pdf_factory.multipage_pdf(docs / "digital.pdf")
    index = Index(make_settings(tmp_path / "data"), HashEmbedder())
    report = sync(index, [docs])
    assert report.failed == [] and sorted(report.added) == ["digital", "scanned"]
    assert report.ocr_pages == 2 and report.ocr_seconds > 0
    assert sorted(index.data.documents["scanned"].ocr_pages) == [1, 2]
    assert index.data.documents["digital"].ocr_pages == {}
    chunks = index.store.get(sorted(index.data.committed_ids()))  # read back from Chroma
    scanned = [c for c in chunks if c.doc_id == "scanned"]
    assert scanned and all(c.ocr for c in scanned)
    assert not any(c.ocr for c in chunks if c.doc_id == "digital")
    source = next(c for c in scanned if "subcutaneously" in c.text)
    citation = check_citation(DraftCitation(id=1, source=1, quote="administered subcutaneously"), [source])
    assert not isinstance(citation, str) and citation.ocr is True and citation.page == 1
