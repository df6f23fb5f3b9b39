"""Scoring hand-made answers against gold items: per-item checks and aggregation."""

from __future__ import annotations

import pytest

from evals.gold import GoldItem
from evals.scoring import NO_EVIDENCE, aggregate, per_document, score_item, verdict_confusion
from rag.types import Answer, Citation, Context, Timings

pytestmark = pytest.mark.unit

DOSE = "The initial dose is generally 1 mg/kg every three weeks."
ROUTE = "Luspatercept is administered subcutaneously."


def gold(**kw) -> GoldItem:
    base = {
        "id": "dose",
        "question": "What is the dose and route?",
        "answerable": True,
        "facts": [["1 mg/kg"], ["subcutaneous"]],
        "evidence": [{"doc_id": "label", "quote": DOSE}, {"doc_id": "label", "quote": ROUTE}],
    }
    return GoldItem.model_validate(base | kw)


def ctx(doc: str, text: str, n: int) -> Context:
    return Context(chunk_id=f"c{n}", doc_id=doc, title=doc, score=1.0 / n, text=text)


def cite(i: int, doc: str, text: str, quote: str) -> Citation:
    return Citation(id=i, chunk_id=f"c{i}", doc_id=doc, title=doc, quote=quote, text=text)


def answer(
    text: str,
    contexts: list[Context],
    citations: list[Citation],
    *,
    answerable: bool = True,
    verdict: str | None = None,
    mode: str = "extractive",
    dropped: int = 0,
) -> Answer:
    return Answer(
        question="q",
        answer=text,
        answerable=answerable,
        verdict=verdict,
        contexts=contexts,
        citations=citations,
        mode=mode,
        corpus_version="v1",
        timings_ms=Timings(retrieve=10, generate=5, total=15),
        dropped_citations=[f"bad {i}" for i in range(dropped)],
    )


CHUNK_DOSE = f"Dosage. {DOSE} Adjust later."
CHUNK_ROUTE = f"Route. {ROUTE}"


def test_a_perfect_answer_passes_with_full_scores():
    contexts = [ctx("label", CHUNK_DOSE, 1), ctx("label", CHUNK_ROUTE, 2)]
    cites = [cite(1, "label", CHUNK_DOSE, DOSE), cite(2, "label", CHUNK_ROUTE, ROUTE)]
    result = score_item(
        gold(), answer("1 mg/kg [1], given subcutaneously [2].", contexts, cites), "extractive"
    )
    s = result.scores
    assert result.passed and result.failures == []
    assert s.recall_at == {"1": 0.5, "3": 1.0, "5": 1.0, "10": 1.0}
    assert s.reciprocal_rank == 1.0
    assert (s.citation_precision, s.citation_recall, s.fact_recall) == (1.0, 1.0, 1.0)
    assert [c.supports_gold for c in result.citations] == [True, True]


def test_evidence_counts_only_in_chunks_of_its_own_document():
    contexts = [ctx("other-doc", CHUNK_DOSE, 1), ctx("label", CHUNK_ROUTE, 2)]
    result = score_item(
        gold(),
        answer("1 mg/kg, subcutaneous.", contexts, [cite(1, "other-doc", CHUNK_DOSE, DOSE)]),
        "extractive",
    )
    assert [q.rank for q in result.scores.evidence] == [None, 2]
    assert result.scores.citation_precision == 0.0
    assert any(f.startswith("evidence not retrieved in top 2") for f in result.failures)
    assert "no citation holds gold evidence" in result.failures


def test_missing_facts_and_a_wrong_citation_are_named():
    contexts = [ctx("label", CHUNK_DOSE, 1), ctx("label", "Storage: keep cold.", 2)]
    cites = [cite(1, "label", "Storage: keep cold.", "keep cold")]
    result = score_item(gold(), answer("Keep it cold [1].", contexts, cites), "extractive")
    assert "missing facts: 1 mg/kg; subcutaneous" in result.failures
    assert result.scores.fact_recall == 0.0 and not result.passed


def test_false_abstention_and_answered_unanswerable():
    declined = answer("The corpus does not cover this question.", [], [], answerable=False)
    assert score_item(gold(), declined, "extractive").failures == [
        "false abstention: declined an answerable question"
    ]
    unanswerable = gold(id="u", answerable=False, facts=[], evidence=[])
    assert score_item(unanswerable, declined, "extractive").passed
    answered = answer(
        "Something [1].", [ctx("label", CHUNK_DOSE, 1)], [cite(1, "label", CHUNK_DOSE, DOSE)]
    )
    assert score_item(unanswerable, answered, "extractive").failures == [
        "answered a question the corpus does not cover"
    ]


def test_verdicts_are_scored_in_llm_mode_only():
    item = gold(verdict="medically_necessary")
    contexts = [ctx("label", CHUNK_DOSE, 1), ctx("label", CHUNK_ROUTE, 2)]
    cites = [cite(1, "label", CHUNK_DOSE, DOSE), cite(2, "label", CHUNK_ROUTE, ROUTE)]
    wrong = answer(
        "1 mg/kg subcutaneous [1][2]", contexts, cites, verdict="conflicting", mode="llm"
    )
    assert score_item(item, wrong, "extractive").scores.verdict_correct is None
    llm = score_item(item, wrong, "llm")
    assert llm.scores.verdict_correct is False
    assert "verdict conflicting, expected medically_necessary" in llm.failures
    assert verdict_confusion([llm]) == {"medically_necessary": {"conflicting": 1}}
    assert aggregate([llm], "llm")["answer.verdict_accuracy"] == 0.0
    assert aggregate([llm], "extractive")["answer.verdict_accuracy"] is None


def test_an_error_fails_the_item_and_counts_as_nothing_found():
    result = score_item(gold(), None, "llm", error="LLM backend did not answer")
    assert result.failures == ["error: LLM backend did not answer"] and not result.passed
    metrics = aggregate([result], "llm")
    assert metrics["errors"] == 1 and metrics["answer.fact_recall"] == 0.0


def test_aggregate_and_per_document_breakdown():
    contexts = [ctx("label", CHUNK_DOSE, 1), ctx("label", CHUNK_ROUTE, 2)]
    cites = [cite(1, "label", CHUNK_DOSE, DOSE)]
    good = score_item(
        gold(), answer("1 mg/kg subcutaneous [1]", contexts, cites, dropped=1), "extractive"
    )
    other = gold(
        id="review",
        evidence=[{"doc_id": "review", "quote": "Review sentence here."}],
        facts=[["nothing"]],
    )
    bad = score_item(other, answer("x", [ctx("review", "Other text.", 1)], []), "extractive")
    unans = score_item(
        gold(id="u", answerable=False, facts=[], evidence=[]),
        answer("no", [], [], answerable=False),
        "extractive",
    )
    metrics = aggregate([good, bad, unans], "extractive")
    assert metrics["retrieval.recall@10"] == 0.5  # mean of 1.0 and 0.0
    # 'good' covers one of its two quotes at rank 1: half its recall@1, a whole hit@1
    assert (metrics["retrieval.recall@1"], metrics["retrieval.hit@1"]) == (0.25, 0.5)
    assert metrics["citations.dropped_share"] == 0.5  # 1 dropped of 2 (micro)
    assert metrics["answer.abstention_recall"] == 1.0
    assert metrics["latency.total_p50_ms"] == 15
    docs = per_document([good, bad, unans], "extractive")
    assert set(docs) == {"label", "review", NO_EVIDENCE}
    assert docs["label"]["retrieval.recall@10"] == 1.0 and docs["review"]["pass_rate"] == 0.0
