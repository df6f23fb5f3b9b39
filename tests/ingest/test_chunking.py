"""Chunking: sections, packing, overlap, page mapping and the verbatim-span invariant.

Sentence splitting has its own tests in tests/rag/test_sentences.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.chunking import chunk_document, detect_sections, make_chunk_id
from ingest.loaders import load_file
from ingest.normalize import normalize_pages
from rag.errors import ConfigurationError
from rag.sentences import split_sentences
from rag.types import Chunk, Document, DocumentMeta
from tests import pdf_factory

pytestmark = pytest.mark.unit

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
CORPUS_FILES = sorted(p for p in CORPUS.iterdir() if p.suffix in {".md", ".txt"})
# Neutral filler sentences of varied length (no clinical content).
FILLER = [
    "The committee met in the morning.",
    "Each member read the draft before the meeting and marked the passages to discuss.",
    "Dr. Smith et al. proposed a shorter outline, i.e. fewer sections.",
    "The outline in Fig. 2 shows the order of the chapters.",
    "Version No. 5 replaced the older text.",
    "A revision of 1.5 pages was accepted with a margin of 0.2 cm.",
    "Nobody objected.",
    "The secretary wrote the minutes and sent them to all members on the same day.",
]


def make_doc(text: str, path: str = "/docs/sample.txt", page_starts: list[int] | None = None,
             doc_id: str = "sample") -> Document:
    return Document(
        doc_id=doc_id, path=path, meta=DocumentMeta(title="Sample"), text=text,
        page_starts=page_starts or [], content_hash="0" * 64,
    )


def load_doc(path: Path) -> Document:
    loaded = load_file(path)
    text, starts, _ = normalize_pages(loaded.pages)
    return Document(
        doc_id=path.stem, path=str(path), meta=loaded.meta, text=text,
        page_starts=starts if loaded.paged else [], content_hash="0" * 64,
    )


def assert_invariants(doc: Document, chunks: list[Chunk], chunk_size: int) -> None:
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    assert len({c.chunk_id for c in chunks}) == len(chunks)
    for chunk in chunks:
        assert chunk.text == doc.text[chunk.char_start : chunk.char_end]
        assert chunk.text == chunk.text.strip() and any(ch.isalnum() for ch in chunk.text)
        assert len(chunk.text) <= chunk_size
        assert chunk.chunk_id == make_chunk_id(doc.doc_id, chunk.char_start, chunk.text)
        assert chunk.title == doc.meta.title and chunk.doc_id == doc.doc_id


# ---------------------------------------------------------------- ids


def test_chunk_ids_are_stable_content_hashes():
    first = make_chunk_id("doc", 10, "text")
    assert first == make_chunk_id("doc", 10, "text") and len(first) == 32
    assert int(first, 16) >= 0
    assert len({first, make_chunk_id("doc", 11, "text"), make_chunk_id("doc2", 10, "text"),
                make_chunk_id("doc", 10, "text!")}) == 4


# ---------------------------------------------------------------- sections


def test_markdown_sections_nest_and_bold_lines_are_not_headings():
    doc = load_doc(CORPUS / "luspatercept-drug-information.md")
    paths = [s.path for s in detect_sections(doc.text, markdown=True)]
    assert "Luspatercept > Dosage" in paths and "Luspatercept > Side Effects" in paths
    assert not any("Pediatric" in p or "beta-thalassemia" in p for p in paths)


def test_plain_text_headings():
    doc = load_doc(CORPUS / "luspatercept-livertox-hepatotoxicity.txt")
    paths = [s.path for s in detect_sections(doc.text, markdown=False)]
    assert {"Introduction", "Background", "Hepatotoxicity", "Mechanism of Injury"} <= set(paths)
    doc = load_doc(CORPUS / "luspatercept-off-label-hematologic-malignancies-abstract.txt")
    paths = [s.path for s in detect_sections(doc.text, markdown=False)]
    assert paths == ["Background", "Methods", "Results", "Conclusion"]


def test_numbered_headings_nest_by_their_numbers():
    text = (
        "1. Overview\n\nThe committee met in the morning.\n\n"
        "1.1 Scope of Use\nNobody objected.\n"
        "1.2 Dosage and Administration\nThe minutes were sent.\n\n"
        "2 GENERAL PROVISIONS\nThe meeting ended."
    )
    paths = [s.path for s in detect_sections(text, markdown=False)]
    assert paths == ["1. Overview", "1. Overview > 1.1 Scope of Use",
                     "1. Overview > 1.2 Dosage and Administration", "2 GENERAL PROVISIONS"]


def test_lead_in_lines_and_numbered_list_items_are_not_headings():
    doc = load_doc(CORPUS / "luspatercept-mds-medical-necessity-answer.txt")
    paths = {s.path for s in detect_sections(doc.text, markdown=False)}
    assert "Luspatercept Indication Criteria" in paths
    assert not any(p and (p.startswith("Critical errors") or p.startswith("2.")) for p in paths)


# ---------------------------------------------------------------- chunks of the corpus


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize(("size", "overlap"), [(900, 150), (300, 80), (120, 0)])
def test_corpus_chunks_are_verbatim_spans_within_one_section(path, size, overlap):
    doc = load_doc(path)
    chunks = chunk_document(doc, size, overlap)
    assert chunks
    assert_invariants(doc, chunks, size)
    sections = detect_sections(doc.text, markdown=path.suffix == ".md")
    for chunk in chunks:
        inside = [s for s in sections if chunk.char_start < s.start < chunk.char_end]
        # only heading-only sections may be merged into the chunk that starts the next one
        for merged in inside[:-1]:
            assert not any(ch.isalnum() for ch in doc.text[merged.body_start : merged.end])
        if inside:
            assert chunk.section == inside[-1].path
        assert chunk.page_start is None and chunk.page_end is None


def test_markdown_chunks_carry_section_paths_and_headings():
    doc = load_doc(CORPUS / "luspatercept-drug-information.md")
    chunks = chunk_document(doc, 900, 150)
    dosage = [c for c in chunks if c.section == "Luspatercept > Dosage"]
    assert dosage and dosage[0].text.startswith("### Dosage\n")
    # "# Luspatercept" has no body of its own: it opens the next section's first chunk
    assert chunks[0].text.startswith("# Luspatercept\n### Generic Name")
    assert chunks[0].section == "Luspatercept > Generic Name"


def test_a_lead_in_line_stays_with_the_list_it_introduces():
    doc = load_doc(CORPUS / "luspatercept-drug-information.md")
    for chunk in chunk_document(doc, 900, 150):
        assert not chunk.text.endswith(":**"), chunk.text[-80:]


# ---------------------------------------------------------------- packing and overlap


def filler_doc(paragraph_sentences: int = 8, paragraphs: int = 3) -> Document:
    paragraph = " ".join(FILLER[:paragraph_sentences])
    return make_doc("\n\n".join([paragraph] * paragraphs))


def sentence_ends(doc: Document) -> set[int]:
    return {e for _, e in split_sentences(doc.text)}


def sentence_starts(doc: Document) -> set[int]:
    return {s for s, _ in split_sentences(doc.text)}


def test_chunks_end_at_sentence_ends():
    doc = filler_doc()
    chunks = chunk_document(doc, 200, 0)
    assert len(chunks) > 3
    assert_invariants(doc, chunks, 200)
    assert all(c.char_end in sentence_ends(doc) for c in chunks)
    assert all(c.char_start in sentence_starts(doc) for c in chunks)


def test_short_paragraphs_are_packed_whole():
    doc = make_doc("\n\n".join(FILLER[:4]))
    chunks = chunk_document(doc, 900, 150)
    assert len(chunks) == 1 and chunks[0].text == doc.text


def test_overlap_repeats_whole_trailing_sentences():
    doc = filler_doc()
    chunks = chunk_document(doc, 300, 100)
    assert_invariants(doc, chunks, 300)
    overlapping = 0
    for before, after in zip(chunks, chunks[1:], strict=False):
        if after.char_start < before.char_end:
            overlapping += 1
            assert before.char_end - after.char_start <= 100
            assert after.char_start in sentence_starts(doc)
            assert after.char_start > before.char_start
    assert overlapping >= 2


def test_zero_overlap_disables_it():
    chunks = chunk_document(filler_doc(), 300, 0)
    assert all(a.char_start >= b.char_end for b, a in zip(chunks, chunks[1:], strict=False))


def test_overlap_never_crosses_a_section():
    paragraph = " ".join(FILLER)
    doc = make_doc(f"First Part\n\n{paragraph}\n\nSecond Part\n\n{paragraph}")
    chunks = chunk_document(doc, 250, 120)
    second = doc.text.index("Second Part")
    assert_invariants(doc, chunks, 250)
    assert any(c.char_start == second for c in chunks)
    assert all(c.char_start >= second or c.char_end <= second for c in chunks)
    assert {c.section for c in chunks} == {"First Part", "Second Part"}


def test_only_a_sentence_longer_than_the_chunk_size_is_cut():
    long_sentence = "The " + ", ".join(["committee read the draft"] * 20) + "."
    doc = make_doc(f"{FILLER[0]} {long_sentence} {FILLER[1]}")
    chunks = chunk_document(doc, 150, 0)
    assert_invariants(doc, chunks, 150)
    assert chunks[0].text == FILLER[0] and chunks[-1].text == FILLER[1]
    pieces = chunks[1:-1]
    assert len(pieces) >= 4 and all(p.text.endswith((",", ".")) for p in pieces)  # cut at ", "
    assert " ".join(p.text for p in pieces) == long_sentence


def test_punctuation_only_chunks_are_dropped():
    doc = make_doc("The committee met.\n\n* * * * *\n\nNobody objected.")
    chunks = chunk_document(doc, 20, 0)
    assert [c.text for c in chunks] == ["The committee met.", "Nobody objected."]


def test_overlap_must_be_smaller_than_the_chunk_size():
    with pytest.raises(ConfigurationError, match="GUIDEQA_CHUNK_OVERLAP"):
        chunk_document(filler_doc(), 100, 100)


def test_empty_text_gives_no_chunks():
    assert chunk_document(make_doc(""), 900, 150) == []


# ---------------------------------------------------------------- PDFs: pages


def test_pdf_chunks_map_to_pages_and_lose_headers_and_footers(tmp_path):
    doc = load_doc(pdf_factory.multipage_pdf(tmp_path / "dosing.pdf"))
    chunks = chunk_document(doc, 300, 0)
    assert_invariants(doc, chunks, 300)
    assert len(doc.page_starts) == 3
    for chunk in chunks:
        assert pdf_factory.HEADER not in chunk.text and "Page 2 of 3" not in chunk.text
        assert 1 <= chunk.page_start <= chunk.page_end <= 3
    on_page_2 = next(c for c in chunks if "have not been established" in c.text)
    assert on_page_2.page_start == 2 == on_page_2.page_end
    assert chunks[0].page_start == 1 and chunks[0].text.startswith(pdf_factory.HEADING)
    assert chunks[0].section == pdf_factory.HEADING
    assert chunks[-1].page_end == 3


def test_a_chunk_spanning_pages_reports_both():
    doc = make_doc("Page one ends here.\n\nPage two starts here.", page_starts=[0, 21])
    (chunk,) = chunk_document(doc, 900, 0)
    assert (chunk.page_start, chunk.page_end) == (1, 2)


def test_label_section_headings_of_one_word_and_wrapped_numbered_headings():
    # the layout of an FDA label's numbered sections; neutral filler as their text
    text = (
        "8.7 Hepatic Impairment\nThe committee met in the morning.\n"
        "10 OVERDOSAGE\nNobody objected.\n"
        "11 DESCRIPTION\nThe minutes were sent.\n"
        "2.2 Recommended Dosage in Adults and Pediatric Patients 12 Years of Age and Older and\n"
        "Weighing at Least 40 kg\nThe meeting ended.\n"
    )
    paths = [s.path for s in detect_sections(text, markdown=False)]
    assert paths[1:3] == ["10 OVERDOSAGE", "11 DESCRIPTION"]
    assert paths[3].startswith("2.2 Recommended Dosage in Adults")


def test_title_case_outline_headings_but_never_table_rows_or_captions():
    # the layout of a UnitedHealthcare policy: no blank line before its criteria headings
    text = (
        "Table 2   Recommended Rate of Infusion\n"
        "Infusion bag volume: 250 mL | Infusion time: 30 min\n\n"
        "Limitation of Use:\nThe form is not for the annual report.\n"
        "2. Coverage Criteriaa:\nA. Atopic Dermatitis\n\n1. Initial Authorization\n\nThe committee met.\n"
        "The rule applies to:\n1. Patient is an adult\nNobody objected.\n"
    )
    paths = [s.path for s in detect_sections(text, markdown=False)]
    assert "2. Coverage Criteria" in paths and "A. Atopic Dermatitis" in paths  # footnote letter dropped
    assert not any(p and "Patient is an adult" in p for p in paths)  # a list item, not Title Case
    assert not any(p and ("Table" in p or "|" in p) for p in paths)
