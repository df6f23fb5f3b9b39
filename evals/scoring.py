"""Scoring one answer against its gold item, and aggregating items into headline metrics.

Aggregates are means over the items where a metric is defined (macro), except the dropped-
citation share, which pools all citations (micro). Per-document numbers group items by the
doc_ids of their gold evidence; retrieval recall there counts only that document's quotes.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field

from evals import metrics as m
from evals.gold import GoldItem
from rag.types import Answer

KS = (1, 3, 5, 10)
NO_EVIDENCE = "(no gold evidence)"


class QuoteRank(BaseModel):
    doc_id: str
    quote: str
    rank: int | None = Field(description="1-based rank at which the retrieved chunks cover it.")
    cited: bool = Field(description="Whether the answer's cited chunks cover it.")


class ItemScores(BaseModel):
    abstained: bool
    evidence: list[QuoteRank] = Field(default_factory=list)
    recall_at: dict[str, float | None] = Field(default_factory=dict)
    reciprocal_rank: float | None = None
    citation_precision: float | None = None
    citation_recall: float | None = None
    n_citations: int = 0
    n_dropped: int = 0
    fact_recall: float | None = None
    missing_facts: list[str] = Field(default_factory=list)
    verdict_correct: bool | None = None
    retrieve_ms: float | None = None
    total_ms: float | None = None


class CitationView(BaseModel):
    id: int
    doc_id: str
    chunk_id: str
    page: int | None = None
    quote: str
    supports_gold: bool


class ItemResult(BaseModel):
    """One gold item: the question, what the system answered, its scores and what failed."""

    id: str
    question: str
    doc_ids: list[str]
    gold_answerable: bool
    gold_verdict: str | None = None
    answer: str = ""
    answerable: bool = False
    verdict: str | None = None
    citations: list[CitationView] = Field(default_factory=list)
    contexts: list[str] = Field(default_factory=list, description="doc_id#chunk_id, rank order.")
    dropped_citations: list[str] = Field(default_factory=list)
    error: str | None = None
    scores: ItemScores
    failures: list[str] = Field(default_factory=list)
    passed: bool = False


def _gold_fields(gold: GoldItem) -> dict:
    return {"id": gold.id, "question": gold.question, "doc_ids": gold.doc_ids,
            "gold_answerable": gold.answerable, "gold_verdict": gold.verdict}


def score_item(
    gold: GoldItem, answer: Answer | None, mode: str, error: str | None = None
) -> ItemResult:
    """Score one answer (None when asking failed with `error`)."""
    if answer is None:
        # an error counts as finding nothing: zero fact and citation recall, no retrieval data
        scores = ItemScores(
            abstained=True,
            fact_recall=0.0 if gold.facts else None,
            citation_recall=0.0 if gold.evidence else None,
        )
        result = ItemResult(**_gold_fields(gold), error=error, scores=scores)
        result.failures = [f"error: {error}"]
        return result
    contexts = [(c.doc_id, c.text) for c in answer.contexts]
    cited = [(c.doc_id, c.text) for c in answer.citations]
    support = [_support(e.doc_id, e.quote, cited) for e in gold.evidence]
    evidence = [
        QuoteRank(doc_id=e.doc_id, quote=e.quote, rank=_rank(e.doc_id, e.quote, contexts),
                  cited=found is not None)
        for e, found in zip(gold.evidence, support, strict=True)
    ]
    supporting = set().union(*(found for found in support if found))
    ranks = [q.rank for q in evidence]
    hits = m.fact_hits(gold.facts, answer.answer)
    n_dropped = len(answer.dropped_citations)
    scores = ItemScores(
        abstained=not answer.answerable,
        evidence=evidence,
        recall_at={str(k): m.recall_at_k(ranks, k) for k in KS},
        reciprocal_rank=m.reciprocal_rank(ranks),
        citation_precision=(m.ratio(len(supporting), len(cited)) if gold.evidence else None),
        citation_recall=m.share([q.cited for q in evidence]),
        n_citations=len(cited),
        n_dropped=n_dropped,
        fact_recall=m.share(hits),
        missing_facts=[f[0] for f, hit in zip(gold.facts, hits, strict=True) if not hit],
        verdict_correct=(
            answer.verdict == gold.verdict if mode == "llm" and gold.verdict is not None else None
        ),
        retrieve_ms=answer.timings_ms.retrieve,
        total_ms=answer.timings_ms.total,
    )
    result = ItemResult(
        **_gold_fields(gold),
        answer=answer.answer,
        answerable=answer.answerable,
        verdict=answer.verdict,
        dropped_citations=answer.dropped_citations,
        scores=scores,
        citations=[
            CitationView(
                id=c.id,
                doc_id=c.doc_id,
                chunk_id=c.chunk_id,
                page=c.page,
                quote=c.quote,
                supports_gold=i in supporting,
            )
            for i, c in enumerate(answer.citations)
        ],
        contexts=[f"{c.doc_id}#{c.chunk_id}" for c in answer.contexts],
    )
    result.failures = failures(result, top_k=len(contexts))
    result.passed = not result.failures
    return result


def _only(doc_id: str, chunks: Sequence[tuple[str, str]]) -> list[str]:
    """Chunk texts in order, blanked where the chunk belongs to another document."""
    return [text if doc == doc_id else "" for doc, text in chunks]


def _rank(doc_id: str, quote: str, contexts: Sequence[tuple[str, str]]) -> int | None:
    return m.first_rank(quote, _only(doc_id, contexts))


def _support(doc_id: str, quote: str, cited: Sequence[tuple[str, str]]) -> set[int] | None:
    return m.supporting_chunks(quote, _only(doc_id, cited))


def failures(result: ItemResult, top_k: int) -> list[str]:
    """Why an item fails, in words; empty when it passes."""
    s = result.scores
    if not result.gold_answerable:
        return [] if s.abstained else ["answered a question the corpus does not cover"]
    if s.abstained:
        return ["false abstention: declined an answerable question"]
    out = []
    if s.missing_facts:
        out.append("missing facts: " + "; ".join(s.missing_facts))
    missed = [q for q in s.evidence if q.rank is None]
    if missed:
        out.append(
            f"evidence not retrieved in top {top_k}: "
            + "; ".join(f"{q.doc_id}: \u201c{_short(q.quote)}\u201d" for q in missed)
        )
    if s.evidence and s.citation_precision in (None, 0.0):
        out.append("no citation holds gold evidence" if s.n_citations else "no citations")
    if s.verdict_correct is False:
        out.append(f"verdict {result.verdict or 'none'}, expected {result.gold_verdict}")
    return out


def _short(text: str, size: int = 70) -> str:
    return text if len(text) <= size else text[: size - 1] + "\u2026"


# ---------------------------------------------------------------- aggregation


def aggregate(
    results: Sequence[ItemResult], mode: str, doc_id: str | None = None
) -> dict[str, float | None]:
    """Headline metrics of `results`; with `doc_id`, retrieval counts that document's quotes."""
    scored = [r for r in results if r.error is None]
    with_evidence = [r for r in scored if r.scores.evidence]
    ranks = [
        [q.rank for q in r.scores.evidence if doc_id is None or q.doc_id == doc_id]
        for r in with_evidence
    ]
    retrieve = [r.scores.retrieve_ms for r in scored if r.scores.retrieve_ms is not None]
    total = [r.scores.total_ms for r in scored if r.scores.total_ms is not None]
    kept = sum(r.scores.n_citations for r in scored)
    dropped = sum(r.scores.n_dropped for r in scored)
    out: dict[str, float | None] = {
        "items": float(len(results)),
        "errors": float(len(results) - len(scored)),
        "pass_rate": m.share([r.passed for r in results]),
    }
    for k in KS:
        out[f"retrieval.recall@{k}"] = m.mean(m.recall_at_k(rk, k) for rk in ranks)
    out["retrieval.hit@1"] = m.mean(m.hit_at_k(rk, 1) for rk in ranks)
    out["retrieval.mrr"] = m.mean(m.reciprocal_rank(rk) for rk in ranks)
    out["citations.precision"] = m.mean(r.scores.citation_precision for r in with_evidence)
    out["citations.recall"] = m.mean(r.scores.citation_recall for r in results)
    out["citations.dropped_share"] = m.ratio(dropped, kept + dropped)
    out["answer.fact_recall"] = m.mean(r.scores.fact_recall for r in results)
    verdicts = [r.scores.verdict_correct for r in scored if r.scores.verdict_correct is not None]
    out["answer.verdict_accuracy"] = m.share(verdicts) if mode == "llm" else None
    abst = m.abstention([r.gold_answerable for r in results], [r.scores.abstained for r in results])
    out.update({f"answer.{k}": v for k, v in abst.items()})
    out["latency.retrieve_p50_ms"] = m.percentile(retrieve, 50)
    out["latency.retrieve_p95_ms"] = m.percentile(retrieve, 95)
    out["latency.total_p50_ms"] = m.percentile(total, 50)
    out["latency.total_p95_ms"] = m.percentile(total, 95)
    return out


def per_document(results: Sequence[ItemResult], mode: str) -> dict[str, dict[str, float | None]]:
    """Headline metrics per document, items grouped by the doc_ids of their gold evidence."""
    groups: dict[str, list[ItemResult]] = {}
    for r in results:
        for doc in r.doc_ids or [NO_EVIDENCE]:
            groups.setdefault(doc, []).append(r)
    return {
        doc: aggregate(items, mode, None if doc == NO_EVIDENCE else doc)
        for doc, items in sorted(groups.items())
    }


def verdict_confusion(results: Sequence[ItemResult]) -> dict[str, dict[str, int]]:
    return m.confusion(
        (r.gold_verdict, r.verdict)
        for r in results
        if r.gold_verdict is not None and r.error is None
    )
