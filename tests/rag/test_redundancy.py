"""Tables of contents are told from numbered criteria and prose, and ranked below passages."""

from __future__ import annotations

import pytest

from rag.redundancy import is_contents, is_heading_line
from rag.retrieve import rank, weigh_contents
from rag.settings import RetrievalSettings
from rag.types import Chunk
from tests.rag.criteria.policy_text.documents import DRUG_LABEL

pytestmark = pytest.mark.unit

# The Veklury label's contents and its first numbered sections (verbatim, shared with the criteria tests)
LABEL_CONTENTS, LABEL_SECTIONS = DRUG_LABEL.split("\n\nFULL PRESCRIBING INFORMATION\n")
TITLED = "\n".join(LABEL_CONTENTS.splitlines()[:5])  # the title line and four entries
LEADERS = """Contents
1.0 Aim ............................................................ 4
2.0 Scope .......................................................... 4
Responsibilities ................................................... 5
Chapter IX ...................................................... IX-3
Radiology Services .............................................. IX-3"""
# numbered criteria and sentences, as payer policies write them (corpus/ wording; the last two
# sentences in Title Case, which the final period still tells from a heading)
CRITERIA = """1. Diagnosis of myelodysplastic syndromes
2. Serum erythropoietin level documented
3. Prior erythropoiesis-stimulating agent failure
4. Hemoglobin level drops to ≤11 g/dL
5. Red blood cell transfusion dependence"""
SENTENCES = """1. The initial dose is generally 1 mg/kg every three weeks.
2. Luspatercept is administered subcutaneously (under the skin).
3. Treatment is discontinued if there's no response after three doses at 1.75 mg/kg.
4. Luspatercept Is Administered Subcutaneously.
5. Take The Missed Dose As Soon As Possible."""


@pytest.mark.parametrize("text", [LABEL_CONTENTS, TITLED, LEADERS])
def test_a_table_of_contents_is_recognised(text):
    assert is_contents(text)


@pytest.mark.parametrize("text", [
    CRITERIA, SENTENCES, LABEL_SECTIONS, "2.2 Dosage\nThe initial dose is generally 1 mg/kg every three weeks.",
    "1 INDICATIONS\n2 DOSAGE\n3 FORMS\n4 USE",
])
def test_criteria_sentences_a_section_and_a_short_list_are_not_contents(text):
    assert not is_contents(text)


@pytest.mark.parametrize(("line", "heading"), [
    ("2.1 Testing Before Initiating and During Treatment with", True),  # stop words may stay lower case
    ("12.3. Pharmacokinetics", True),
    ("Coverage Rationale .......... 1", True),
    ("1. Diagnosis of beta thalassemia", False),  # a criterion in sentence case
    ("3. Hemoglobin Below 10 g/dL.", False),  # ends as a sentence
    ("Pregnancy", False),  # no number, no page
])
def test_an_entry_is_a_numbered_title_or_has_a_page(line, heading):
    assert is_heading_line(line) is heading


def _chunk(cid: str, text: str) -> Chunk:
    return Chunk(chunk_id=cid, doc_id="label", text=text, title="Label", char_start=0, char_end=len(text),
                 ordinal=0)


def test_a_table_of_contents_scored_a_little_higher_is_ranked_below_the_passage():
    chunks = {"toc": _chunk("toc", LABEL_CONTENTS),
              "answer": _chunk("answer", CRITERIA)}
    fused = {"toc": 0.9, "answer": 0.8}
    assert rank(fused, chunks, RetrievalSettings(), 2) == ["toc", "answer"]
    weighed = weigh_contents(fused, chunks, RetrievalSettings().contents_weight)
    assert weighed == {"toc": pytest.approx(0.9 * 0.75), "answer": 0.8}
    assert rank(weighed, chunks, RetrievalSettings(), 2) == ["answer", "toc"]  # still there, second
    assert weigh_contents(fused, chunks, 1.0) == fused
