"""Abstention from evidence: a question's specific terms must be spoken of by its best passages.

The rule is tested on hand-built evidence (the figures on real questions come from
`guideqa eval` on the gold set and on evals/gold/calibration.jsonl)."""

from __future__ import annotations

import pytest

from rag.abstention.rules import missing_focus
from rag.index import Snapshot
from rag.lexical import LexicalIndex, tokenize
from rag.manifest import ManifestData
from rag.retrieve import Retrieval, Retrieved
from rag.types import Chunk
from rag.vocabulary import common_words

pytestmark = pytest.mark.unit

# Sentences from corpus/luspatercept-drug-information.md and the review (verbatim)
PASSAGES = [
    "The initial dose is generally 1 mg/kg every three weeks.",
    "Luspatercept is administered subcutaneously (under the skin).",
    "Luspatercept is used to treat anemia in adults with beta-thalassemia who require regular red blood cell "
    "transfusions.",
]
ELSEWHERE = "Patients with an SF3B1 mutation and ring sideroblasts responded; ask your oncologist."


def retrieval(question: str, passages: list[str], corpus: list[str] | None = None) -> Retrieval:
    chunks = [Chunk(chunk_id=f"c{i}", doc_id="d", text=t, title="Luspatercept", char_start=0, char_end=len(t),
                    ordinal=i) for i, t in enumerate(passages)]
    every = chunks + [Chunk(chunk_id=f"x{i}", doc_id="e", text=t, title="Other", char_start=0, char_end=len(t),
                            ordinal=i) for i, t in enumerate(corpus or [])]
    lexical = LexicalIndex()
    lexical.replace_documents([], every)
    lexical.rebuild("v1")
    snapshot = Snapshot(ManifestData(), lexical, frozenset(c.chunk_id for c in every))
    hits = [Retrieved(c, 1.0, 0.5, 1.0) for c in chunks]
    return Retrieval(question, question, hits, snapshot, tokenize(question))


def test_common_words_come_from_the_packaged_vocabulary():
    words = common_words()
    assert {"price", "tried", "half", "disease"} <= words
    assert not {"zidovudine", "myelofibrosis", "luspatercept"} & words


def test_two_specific_terms_missing_from_the_evidence_decline_it():
    question = "Is luspatercept given to HIV patients taking zidovudine?"
    assert set(missing_focus(retrieval(question, PASSAGES))) == {"hiv", "zidovudine"}


def test_one_unknown_term_declines_only_when_the_evidence_covers_little_else():
    covered = "What is the initial dose of luspatercept every three weeks for beta-thalassemia in Aetna plans?"
    assert missing_focus(retrieval(covered, PASSAGES)) == []  # the rest is answered by one passage
    uncovered = "Does Aetna require step therapy before it approves luspatercept?"
    assert missing_focus(retrieval(uncovered, PASSAGES)) == ["aetna"]


def test_a_term_the_corpus_knows_elsewhere_is_not_enough_alone():
    question = "Does luspatercept work in ring sideroblast disease?"  # 'sideroblast' is in another passage
    assert missing_focus(retrieval(question, PASSAGES, corpus=[ELSEWHERE])) == []


def test_a_form_of_a_word_the_evidence_has_is_not_missing():
    question = "Is luspatercept for SF3B1 mutated patients?"
    found = retrieval(question, [*PASSAGES, ELSEWHERE])
    assert "mutated" not in missing_focus(found)  # 'mutation' is in the evidence


def test_what_a_cost_question_asks_for_counts_though_it_is_a_common_word():
    question = "What is the list price of luspatercept?"
    assert missing_focus(retrieval(question, PASSAGES)) == ["price"]


def test_words_of_the_request_framing_are_not_its_focus():
    question = "PA vignette: what is the initial dose of luspatercept?"
    assert missing_focus(retrieval(question, PASSAGES)) == []


def test_terms_the_corpus_has_count_only_when_the_whole_window_was_retrieved():
    question = "Is luspatercept given before azacitidine or decitabine?"
    few = retrieval(question, PASSAGES[:2], corpus=["Azacitidine or decitabine in higher-risk disease."])
    assert missing_focus(few, k=10) == []  # two passages retrieved (--top-k 2): not enough to say
    assert set(missing_focus(few, k=2)) == {"azacitidine", "decitabine"}


@pytest.mark.parametrize(("question", "asked"), [
    ("How long after an injection does luspatercept reach its peak level?", "peak"),
    ("Does luspatercept interact with warfarin?", "interact"),
    ("What share of patients develop antibodies against luspatercept?", "antibody"),
])
def test_a_pharmacokinetic_property_asked_for_counts_like_a_price(question, asked):
    assert asked in missing_focus(retrieval(question, PASSAGES))


def test_a_property_the_evidence_speaks_of_is_not_missing():
    # verbatim from corpus/luspatercept-drug-information.md
    passages = [*PASSAGES, "**Drug interactions:** While specific interactions are not extensively documented, "
                "informing your doctor about all other medications being taken is crucial."]
    question = "Does luspatercept interact with other medications?"
    assert missing_focus(retrieval(question, passages)) == []
