"""The no-LLM answerer: verbatim sentences that best answer the question, each with its citation.

It never states a verdict: no model that runs offline here can be trusted with one. The
candidates are the quotes of the retrieved chunks (rag.quotes), scored by the IDF-weighted overlap
of their words with the (abbreviation-expanded) question, their embedding's cosine similarity to
the question, a prior from the chunk's retrieval rank, and, for medical-necessity questions, cue
words of criteria, requirements and warnings; with a reranker at hand the best twelve (twenty for
a necessity judgement) are then read by the cross-encoder with the question (a vignette's question
part). Only quotes close enough to the best are kept (`QuotePolicy`: broad for a medical-necessity
judgement, sharp for the other questions); near-duplicates, and sentences another quote already
holds, are dropped and the rest grouped by document.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from rag.lexical import tokenize
from rag.questions import CRITERIA_SECTIONS, asks, asks_for_a_judgement, is_necessity_question, question_part
from rag.quotes import Span, lead_in, quote_spans, quote_text
from rag.rerankers import Reranker
from rag.retrieve import Retrieval, minmax
from rag.verify import Draft, DraftCitation

NO_VERDICT_NOTE = (
    "Evidence only: these are verbatim passages from the corpus. A medical-necessity verdict "
    "needs an LLM backend (set GUIDEQA_LLM, e.g. openai:gpt-4o-mini)."
)
_CUES = re.compile(
    r"\b(indicat\w*|approv\w*|criteri\w*|requir\w*|only|not|should|must|recommend\w*|"
    r"eligib\w*|contraindicat\w*|missing|lack\w*|failure|refractory|higher-risk|prefer\w*)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class QuotePolicy:
    """How many quotes an answer gets and how close to the best each must score."""

    max_sentences: int
    per_source: int  # quotes per chunk
    dense_weight: float  # times a quote's cosine to the question, added to its word score
    share_of_best: float = 0.0  # a quote scores at least this share of the best quote ...
    doc_share_of_best: float = 0.0  # ... its document's best at least this share of the best ...
    share_of_doc_best: float = 0.0  # ... and it at least this share of its document's best
    rerank_pool: int = 0  # with a reranker: the best this many are read by it, the rest dropped
    rerank_weight: float = 0.0  # ... and its score's share of theirs (see rerank_candidates)


SHARP = QuotePolicy(max_sentences=8, per_source=3, dense_weight=4.0, doc_share_of_best=0.8,
                    share_of_doc_best=0.65)
"""Questions of fact, no reranker. Calibrated on the calibrate half of
evals/gold/calibration.jsonl (README, "Sharper quotes"): a document near the best is quoted
(corroboration), an aside is not."""
SHARP_RERANKED = QuotePolicy(max_sentences=8, per_source=3, dense_weight=4.0, doc_share_of_best=0.8,
                             share_of_doc_best=0.7, rerank_pool=12, rerank_weight=0.7)
"""Questions of fact (and wh-questions worded like necessity ones, "What does the assessment
require ...?") with the cross-encoder: it reads the 12 best sentences with the question, and the
floors apply to 0.3 x their word-and-cosine score + 0.7 x its score (README, "Sharper quotes";
calibrate half: citation precision 0.620 -> 0.728 at recall 0.865)."""
BROAD = QuotePolicy(max_sentences=10, per_source=2, dense_weight=0.0, share_of_best=0.35)
"""Medical-necessity questions without a reranker: the criteria, the gaps and the warnings all
need room, and the sharp policy lost them (held-out fact recall on such questions 0.89 -> 0.80)."""
BROAD_RERANKED = QuotePolicy(max_sentences=10, per_source=2, dense_weight=4.0, share_of_best=0.35,
                             rerank_pool=20, rerank_weight=0.3)
"""A medical-necessity judgement with the cross-encoder: broad floors over the 20 best sentences,
its score a 0.3 share (README, "Sharper quotes": on the calibrate half's 11 such questions
citation precision 0.140 -> 0.180 at recall 0.727 -> 0.818; the sharp policy reached 0.397 but
lost recall, 0.636, and fact recall, 0.818 -> 0.727)."""


@dataclass
class Candidate:
    source: int  # 1-based rank of the chunk among the retrieved
    doc_id: str
    start: int
    end: int
    text: str
    tokens: frozenset[str]
    score: float


def _score(tokens: list[str], weights: dict[str, float], rank: int) -> float:
    if not tokens:
        return 0.0
    overlap = sum(weights.get(t, 0.0) for t in set(tokens))
    return overlap / math.sqrt(max(8, len(tokens))) + 0.6 / (1 + rank)


def candidates(retrieval: Retrieval, similarity: Mapping[tuple[str, Span], float] | None = None,
               dense_weight: float = SHARP.dense_weight) -> list[Candidate]:
    """Every quote of the retrieved chunks, scored; word weights come from the lexical index of
    the retrieval's own snapshot, `similarity` (see rag.quotes.quote_similarity) gives each
    quote's cosine to the question (none: words alone)."""
    terms = set(tokenize(retrieval.expanded))
    lexical = retrieval.snapshot.lexical
    weights = {t: lexical.idf(t) for t in terms}
    necessity = is_necessity_question(retrieval.query)
    out = []
    for rank, hit in enumerate(retrieval.hits):
        chunk = hit.chunk
        section_bonus = 0.4 if necessity and CRITERIA_SECTIONS.search(chunk.section or "") else 0.0
        for start, end in quote_spans(chunk):
            text = quote_text(chunk, (start, end))
            tokens = tokenize(text)
            score = _score(tokens, weights, rank) + section_bonus
            if similarity:
                score += dense_weight * similarity.get((chunk.chunk_id, (start, end)), 0.0)
            if necessity:
                score += 0.15 * min(3, len(_CUES.findall(text)))
            out.append(Candidate(rank + 1, chunk.doc_id, start, end, text, frozenset(tokens), score))
    return out


def rerank_candidates(cands: list[Candidate], retrieval: Retrieval, reranker: Reranker,
                      policy: QuotePolicy) -> list[Candidate]:
    """The policy's `rerank_pool` best candidates, each rescored as 0.05 + (1 - w) x its score + w x
    the reranker's score of (question, "title > section" + sentence), both min-max normalised
    over the pool (w = `rerank_weight`; the 0.05 keeps the floors, which are ratios, meaningful
    at the bottom); the rest are dropped. The reranker reads the question part of a vignette
    (rag.questions.question_part). For a question of several asks (rag.questions.asks) it also
    reads each ask, and a sentence keeps its best normalised score: the sentence answering the
    second ask reads as less relevant to the whole question than the one answering the first,
    and would fall under the floors."""
    pool = sorted(cands, key=lambda c: (-c.score, c.source, c.start))[:policy.rerank_pool]
    if len(pool) < 2:
        return pool
    chunks = [retrieval.hits[cand.source - 1].chunk for cand in pool]
    texts = [f"{chunk.heading()}\n{lead_in(chunk.text, cand.start)}{cand.text}"
             for chunk, cand in zip(chunks, pool, strict=True)]
    # a multi-part question: each ask is read too, and a sentence counts by the ask it answers best
    question = question_part(retrieval.query)
    queries = [question] + (parts if len(parts := asks(question)) > 1 else [])
    relevance = [max(col) for col in zip(*(minmax(reranker.score(q, texts)) for q in queries), strict=True)]
    w = policy.rerank_weight
    return [replace(cand, score=0.05 + (1 - w) * score + w * rel)
            for cand, score, rel in zip(pool, minmax([c.score for c in pool]), relevance, strict=True)]


def _near_duplicate(a: frozenset[str], b: frozenset[str]) -> bool:
    """Most words shared, or nearly all of the shorter one's: a list item quoted alone after its
    list was quoted whole (lead-in and items) says nothing new."""
    if not a or not b:
        return False
    shared = len(a & b)
    return shared / len(a | b) >= 0.6 or shared / min(len(a), len(b)) >= 0.9


def above_floors(cands: list[Candidate], policy: QuotePolicy) -> list[Candidate]:
    """The candidates close enough to the best to be quoted (see QuotePolicy)."""
    best = max((c.score for c in cands), default=0.0)
    doc_best: dict[str, float] = {}
    for cand in cands:
        doc_best[cand.doc_id] = max(doc_best.get(cand.doc_id, cand.score), cand.score)
    return [c for c in cands
            if c.score >= policy.share_of_best * best
            and doc_best[c.doc_id] >= policy.doc_share_of_best * best
            and c.score >= policy.share_of_doc_best * doc_best[c.doc_id]]


def select(cands: list[Candidate], policy: QuotePolicy, doc_share: float = 0.7) -> list[Candidate]:
    """The best sentences above the policy's floors: at most `policy.per_source` per chunk, and
    one document takes at most `doc_share` of them while other documents have candidates
    (corroboration helps a reviewer)."""
    chosen: list[Candidate] = []
    per: dict[int, int] = {}
    per_doc: dict[str, int] = {}
    doc_cap = max(1, int(policy.max_sentences * doc_share))
    kept = above_floors(cands, policy)
    several_docs = len({c.doc_id for c in kept}) > 1
    for cand in sorted(kept, key=lambda c: (-c.score, c.source, c.start)):
        if len(chosen) == policy.max_sentences:
            break
        if per.get(cand.source, 0) >= policy.per_source:
            continue
        if several_docs and per_doc.get(cand.doc_id, 0) >= doc_cap:
            continue
        if any(_near_duplicate(cand.tokens, c.tokens) for c in chosen):
            continue
        chosen.append(cand)
        per[cand.source] = per.get(cand.source, 0) + 1
        per_doc[cand.doc_id] = per_doc.get(cand.doc_id, 0) + 1
    return chosen


def quote_policy(question: str, reranked: bool = False) -> QuotePolicy:
    """With a reranker at hand: BROAD_RERANKED for a medical-necessity judgement, SHARP_RERANKED
    for the other questions. Without: BROAD for every medical-necessity question, SHARP for the
    others."""
    if reranked:
        judgement = is_necessity_question(question) and asks_for_a_judgement(question)
        return BROAD_RERANKED if judgement else SHARP_RERANKED
    return BROAD if is_necessity_question(question) else SHARP


def extractive_draft(retrieval: Retrieval, similarity: Mapping[tuple[str, Span], float] | None = None,
                     policy: QuotePolicy | None = None, reranker: Reranker | None = None) -> Draft:
    """Verbatim sentences grouped by document, every one cited; no verdict (policy: by default
    `quote_policy` of the question; its reranker pool applies only with a `reranker`)."""
    if policy is None:
        policy = quote_policy(retrieval.query, reranker is not None)
    cands = candidates(retrieval, similarity, policy.dense_weight)
    if reranker is not None and policy.rerank_pool:
        cands = rerank_candidates(cands, retrieval, reranker, policy)
    chosen = select(cands, policy)
    if not chosen:
        return Draft(answer="")
    by_doc: dict[str, list[Candidate]] = {}
    for cand in chosen:  # documents ordered by their best sentence
        by_doc.setdefault(retrieval.hits[cand.source - 1].chunk.doc_id, []).append(cand)
    paragraphs, citations, next_id = [], [], 1
    for group in by_doc.values():
        title = retrieval.hits[group[0].source - 1].chunk.title
        quoted = []
        for cand in sorted(group, key=lambda c: (c.source, c.start)):
            quoted.append(f"\u201c{cand.text}\u201d [{next_id}]")
            citations.append(DraftCitation(id=next_id, source=cand.source, quote=cand.text))
            next_id += 1
        paragraphs.append(f"{title}:\n" + "\n".join(quoted))
    return Draft(answer="\n\n".join(paragraphs), citations=citations)

