"""Hybrid retrieval: dense (vector store) + lexical (BM25), fused by reciprocal rank fusion.

The query is expanded with the corpus's own abbreviations (both directions), both legs see only
committed chunks, and the fused list is diversified so one document cannot crowd out the rest.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from rag.abbreviations import expand_query
from rag.index import Index
from rag.lexical import tokenize
from rag.questions import NECESSITY_SECTIONS, intent_terms
from rag.settings import RetrievalSettings
from rag.types import Chunk, Filters

log = logging.getLogger(__name__)


@dataclass
class Retrieved:
    chunk: Chunk
    score: float  # fused RRF score
    dense: float | None = None  # cosine similarity, if the dense leg found it
    lexical: float | None = None  # BM25 score, if the lexical leg found it


@dataclass
class Retrieval:
    """What one retrieval saw: the ranked chunks, plus what abstention and extraction need."""

    query: str
    expanded: str  # the query with abbreviations and implied intent terms added
    hits: list[Retrieved]
    corpus_version: str
    query_terms: list[str] = field(default_factory=list)
    known_terms: frozenset[str] = frozenset()  # those of query_terms the corpus contains


def rrf(rankings: list[list[str]], k: int) -> dict[str, float]:
    """Reciprocal rank fusion: sum over rankings of 1 / (k + rank), ranks from 1."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return scores


def score_fusion(legs: list[dict[str, float]], weights: list[float]) -> dict[str, float]:
    """Weighted sum of min-max normalised scores (each leg's best candidate 1, its last 0); an
    item a leg did not return counts as that leg's minimum."""
    out: dict[str, float] = {}
    for leg, weight in zip(legs, weights, strict=True):
        if not leg:
            continue
        lo, hi = min(leg.values()), max(leg.values())
        for item, value in leg.items():
            out[item] = out.get(item, 0.0) + weight * ((value - lo) / (hi - lo) if hi > lo else 1.0)
    return out


def diversify(ranked: list[str], scores: dict[str, float], doc_of: dict[str, str], top_k: int,
              decay: float, max_per_doc: int) -> list[str]:
    """Greedy soft diversity: each chunk already taken from a document multiplies the score of
    that document's next chunk by `decay`, so another document's chunk comes first unless it is
    clearly weaker; no document takes more than `max_per_doc` while others have candidates."""
    chosen: list[str] = []
    per_doc: dict[str, int] = {}
    rank = {c: i for i, c in enumerate(ranked)}
    pool = list(ranked)
    while pool and len(chosen) < top_k:
        open_docs = [c for c in pool if per_doc.get(doc_of[c], 0) < max_per_doc] or pool
        best = max(open_docs, key=lambda c: (scores[c] * decay ** per_doc.get(doc_of[c], 0), -rank[c]))
        chosen.append(best)
        pool.remove(best)
        per_doc[doc_of[best]] = per_doc.get(doc_of[best], 0) + 1
    return chosen


class Retriever:
    def __init__(self, index: Index, settings: RetrievalSettings | None = None) -> None:
        self.index = index
        self.settings = settings or index.settings.retrieval

    def _fuse(self, dense: list, lex: list[tuple[str, float]], chunks: dict[str, Chunk],
              intent: bool) -> dict[str, float]:
        """Fused scores of every candidate. For medical-necessity questions, criteria-like
        sections get a boost (score fusion) or a third ranking (RRF)."""
        cfg = self.settings
        criteria = [c for c in chunks if NECESSITY_SECTIONS.search(chunks[c].section or "")]
        if cfg.fusion == "score":
            w = cfg.dense_weight
            fused = score_fusion([{h.chunk.chunk_id: h.score for h in dense}, dict(lex)],
                                 [2 * w, 2 - 2 * w])
            if intent:
                for cid in criteria:
                    fused[cid] = fused.get(cid, 0.0) + cfg.section_boost
            return fused
        rankings = [[h.chunk.chunk_id for h in dense], [c for c, _ in lex]]
        if intent:
            base = rrf(rankings, cfg.rrf_k)
            rankings.append(sorted((c for c in base if c in criteria), key=lambda c: (-base[c], c)))
        return rrf(rankings, cfg.rrf_k)

    def retrieve(self, query: str, top_k: int | None = None, filters: Filters | None = None) -> Retrieval:
        top_k = top_k or self.settings.top_k
        data, lexical = self.index.snapshot()
        committed = self.index.committed_ids(data)
        expanded = expand_query(query, lexical.abbreviations)
        intent = intent_terms(query)
        search_text = f"{expanded} {intent}" if intent else expanded
        n = max(self.settings.candidates, top_k * 2)

        vector = self.index.embedder.embed_query(search_text)
        dense = [h for h in self.index.store.query(vector, n, filters) if h.chunk.chunk_id in committed]
        terms = tokenize(search_text)
        lex = [(c, s) for c, s in lexical.search(terms, n, filters) if c in committed]

        chunks = {h.chunk.chunk_id: h.chunk for h in dense}
        missing = [c for c, _ in lex if c not in chunks]
        chunks.update({c.chunk_id: c for c in self.index.store.get(missing)})
        fused = self._fuse(dense, lex, chunks, bool(intent))
        ranked = sorted((c for c in fused if c in chunks), key=lambda c: (-fused[c], c))
        doc_of = {cid: chunks[cid].doc_id for cid in ranked}
        keep = diversify(ranked, fused, doc_of, top_k, self.settings.diversity_decay,
                         self.settings.max_per_doc)

        dense_score = {h.chunk.chunk_id: h.score for h in dense}
        lex_score = dict(lex)
        hits = [
            Retrieved(chunks[c], fused[c], dense_score.get(c), lex_score.get(c)) for c in keep
        ]
        query_terms = tokenize(query)
        known = frozenset(t for t in query_terms if lexical.knows(t))
        return Retrieval(query, search_text, hits, data.corpus_version, query_terms, known)
