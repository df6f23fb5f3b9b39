"""Citation verification: ids must name retrieved chunks, quotes must be found in them."""

from __future__ import annotations

import pytest

from rag.types import Chunk, Criterion
from rag.verify import Draft, DraftCitation, check_citation, locate, strip_markers, unsupported_sentences, verify

pytestmark = pytest.mark.unit

# Text from corpus/luspatercept-drug-information.md
TEXT_A = ("Luspatercept is administered subcutaneously (under the skin).  Dosage varies based on the "
          "underlying condition and individual response.  The initial dose is generally 1 mg/kg every three weeks.")
TEXT_B = "Regular blood pressure monitoring is necessary."


def chunk(cid: str, text: str) -> Chunk:
    return Chunk(chunk_id=cid, doc_id=f"doc-{cid}", text=text, title=f"T{cid}", char_start=0,
                 char_end=len(text), ordinal=0, page_start=3, section="Dosage")


SOURCES = [chunk("a", TEXT_A), chunk("b", TEXT_B)]


def test_locate_ignores_case_and_whitespace_and_returns_the_verbatim_span():
    span = locate("the INITIAL dose is generally\n1 mg/kg", TEXT_A)
    assert span is not None
    assert TEXT_A[span[0]:span[1]] == "The initial dose is generally 1 mg/kg"
    assert locate("the initial dose is 2 mg/kg", TEXT_A) is None
    assert locate("  ", TEXT_A) is None


def test_valid_citation_keeps_its_marker_and_gets_the_exact_span():
    draft = Draft(answer="Give 1 mg/kg every three weeks [1].",
                  citations=[DraftCitation(id=1, source=1,
                                           quote="initial dose is generally 1 mg/kg every three weeks")])
    out = verify(draft, SOURCES)
    assert [c.id for c in out.citations] == [1]
    cit = out.citations[0]
    assert cit.quote in cit.text and cit.chunk_id == "a" and cit.page == 3
    assert out.answer == "Give 1 mg/kg every three weeks [1]."
    assert out.dropped == []


def test_invented_quote_and_unknown_source_are_dropped_with_their_markers():
    draft = Draft(
        answer="Give 5 mg/kg [1]. Monitor blood pressure [2]. It cures MDS [7].",
        criteria=[Criterion(criterion="dose", status="met", citations=[1, 2])],
        citations=[
            DraftCitation(id=1, source=1, quote="The initial dose is 5 mg/kg"),  # not in the text
            DraftCitation(id=2, source=2, quote="Regular blood pressure monitoring is necessary."),
            DraftCitation(id=7, source=9, quote="cures MDS"),  # source 9 was never retrieved
        ],
    )
    out = verify(draft, SOURCES)
    assert [c.id for c in out.citations] == [2]
    assert out.answer == "Give 5 mg/kg. Monitor blood pressure [2]. It cures MDS."
    assert out.criteria[0].citations == [2]
    assert len(out.dropped) == 2 and any("not retrieved" in d for d in out.dropped)
    assert out.unsupported == ["Give 5 mg/kg.", "It cures MDS."]  # both lost their support
    assert any("It cures MDS" in s for s in unsupported_sentences("It cures MDS in every single patient."))


def test_marker_lists_are_filtered_not_dropped_whole():
    assert strip_markers("Dose [1, 3] and [2][3].", {1, 2}) == "Dose [1] and [2]."


def test_no_valid_citation_leaves_nothing():
    draft = Draft(answer="Anything [1].", citations=[DraftCitation(id=1, source=1, quote="made up words")])
    out = verify(draft, SOURCES)
    assert out.citations == [] and out.answer == "Anything."



def test_a_citation_says_whether_its_chunk_was_read_by_ocr():
    scanned = chunk("s", TEXT_B).model_copy(update={"ocr": True})
    quote = "blood pressure monitoring"
    from_scan = check_citation(DraftCitation(id=1, source=1, quote=quote), [scanned])
    from_text = check_citation(DraftCitation(id=1, source=1, quote=quote), [SOURCES[1]])
    assert not isinstance(from_scan, str) and from_scan.ocr is True
    assert not isinstance(from_text, str) and from_text.ocr is False
