"""Hybrid retrieval in explicit stages, each configured by `RetrievalSettings`:

1. query texts: the question, with the corpus's abbreviations expanded (both directions) and,
   for medical-necessity questions, the terms it implies; each leg may see its own text;
2. legs: dense (vector store) and lexical (BM25), both over the committed chunks of one snapshot;
   BM25 scores whole chunks or, as a setting, sentence windows (a chunk scores by its best
   window), with the title, section and source tokens weighted against the body;
3. fusion: weighted min-max (or z-score) score fusion by default, reciprocal rank fusion as a
   setting; criteria-like sections get a boost (a third ranking under RRF) for necessity questions;
4. ranking and diversity: best first (a table of contents's score scaled down), one document
   taking at most `max_per_doc` of the top k;
5. reranking: a cross-encoder (rag.rerankers) reads the question with each of the best
   `rerank_depth` passages, and its score, mixed with the fused one, reorders them.

Experiments (evals/benchmarks/variants.py) change these settings; they never copy the pipeline.
"""

from __future__ import annotations

import logging
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from rag.abbreviations import expand_query
from rag.index import Index, Snapshot
from rag.lexical import LexicalView, tokenize
from rag.questions import NECESSITY_SECTIONS, intent_terms, is_necessity_question
from rag.redundancy import is_contents
from rag.rerankers import Reranker
from rag.settings import RetrievalSettings
from rag.spelling import corpus_terms, respelt
from rag.types import Chunk, Filters
from rag.versions.select import parse_as_of, versions_snapshot

log = logging.getLogger(__name__)


@dataclass
class Retrieved:
    chunk: Chunk
    score: float  # the fused score (fusion setting: score fusion or RRF); after reranking, see rerank()
    dense: float | None = None  # cosine similarity, if the dense leg found it
    lexical: float | None = None  # BM25 score, if the lexical leg found it
    relevance: float | None = None  # the reranker's score (a logit), if it read this passage


@dataclass(frozen=True)
class QueryTexts:
    """What each leg searches for one question."""

    query: str
    expanded: str  # the query with abbreviations and implied intent terms added
    dense: str
    lexical: str
    intent: bool  # a medical-necessity question: criteria-like sections are boosted


@dataclass
class Legs:
    """Each leg's candidates (chunk id -> score, best first) and the chunks they name."""

    dense: dict[str, float]
    lexical: dict[str, float]
    chunks: dict[str, Chunk]


EVIDENCE_DEPTH = 10  # passages ranked for abstention at least, however few a question shows


@dataclass
class Retrieval:
    """What one retrieval saw: the ranked chunks, and the snapshot they were read from, which
    abstention and answer composition use too (one snapshot per question)."""

    query: str  # the question as searched: its typos written as the corpus spells them (rag.spelling)
    expanded: str
    hits: list[Retrieved]
    snapshot: Snapshot
    query_terms: list[str] = field(default_factory=list)  # its tokens as the corpus writes them (corpus_terms)
    filters: Filters | None = None  # what the search was restricted to, if anything
    asked: str = ""  # the question as the user wrote it (a Retrieval built by hand: its query)
    # the ranking the abstention rules read, `hits` first and at least EVIDENCE_DEPTH deep (empty: `hits`)
    pool: list[Retrieved] = field(default_factory=list)

    @property
    def question(self) -> str:
        """The question as the user wrote it (answers and the audit trail keep it)."""
        return self.asked or self.query

    @property
    def corpus_version(self) -> str:
        return self.snapshot.corpus_version

    @cached_property
    def known_terms(self) -> frozenset[str]:
        """Those of `query_terms` that occur somewhere in the corpus."""
        return frozenset(t for t in self.query_terms if self.snapshot.lexical.knows(t))

    @property
    def assessed(self) -> list[Retrieved]:
        """The passages abstention reads: `pool`, else `hits`."""
        return self.pool or self.hits

    @cached_property
    def hit_tokens(self) -> list[list[str]]:
        """Each assessed passage's embedding text, tokenised (read by every abstention rule, made once)."""
        return [tokenize(h.chunk.embedding_text()) for h in self.assessed]


# ---------------------------------------------------------------- 1. query texts
def query_texts(query: str, abbreviations: dict[str, str], cfg: RetrievalSettings) -> QueryTexts:
    """The leg texts. A medical-necessity question gets the section boost (`intent`); its implied
    terms (see `intent_questions`) go into `expanded`, which the extractive answer weighs, and
    into a leg's text only where `intent_in_dense` / `intent_in_lexical` say so."""
    expanded = expand_query(query, abbreviations)
    necessity = cfg.intent_terms and is_necessity_question(query)
    intent = intent_terms(query, cfg.intent_questions == "judgements") if necessity else ""

    def text(expand: bool, add_intent: bool = True) -> str:
        base = expanded if expand else query
        return f"{base} {intent}" if intent and add_intent else base

    return QueryTexts(query, text(True), text(cfg.expand_dense, cfg.intent_in_dense),
                      text(cfg.expand_lexical, cfg.intent_in_lexical), necessity)


def lexical_view(cfg: RetrievalSettings) -> LexicalView:
    """The BM25 index the lexical leg searches: chunks or sentence windows, fields weighted."""
    return LexicalView(cfg.lexical_unit, cfg.window_sentences, cfg.title_weight, cfg.section_weight,
                       cfg.source_weight, cfg.lexical_stem)


# ---------------------------------------------------------------- 2. legs
def search_legs(index: Index, snapshot: Snapshot, texts: QueryTexts, n: int,
                filters: Filters | None, cfg: RetrievalSettings) -> Legs:
    """Both legs' top `n`, committed chunks only, with every candidate chunk fetched."""
    vector = index.embedder.embed_query(texts.dense)
    # the store also holds superseded versions' chunks (dropped below): look deeper when it does
    depth = 2 * n if index.data.superseded else n
    dense_hits = [h for h in index.store.query(vector, depth, filters)
                  if h.chunk.chunk_id in snapshot.committed][:n]
    words = corpus_terms(texts.lexical, snapshot.lexical.df)
    found = snapshot.lexical.search(words, n, filters, view=lexical_view(cfg),
                                    second_share=cfg.window_second_share)
    lexical = {c: s for c, s in found if c in snapshot.committed}
    chunks = {h.chunk.chunk_id: h.chunk for h in dense_hits}
    missing = [c for c in lexical if c not in chunks]
    chunks.update({c.chunk_id: c for c in index.store.get(missing)})
    return Legs({h.chunk.chunk_id: h.score for h in dense_hits}, lexical, chunks)


# ---------------------------------------------------------------- 3. fusion
def minmax(values: Sequence[float], lo: float | None = None, hi: float | None = None) -> list[float]:
    """`values` scaled so that `lo` -> 0 and `hi` -> 1 (default: their own least and greatest;
    all 1 when those are equal)."""
    lo = min(values) if lo is None else lo
    hi = max(values) if hi is None else hi
    return [(v - lo) / (hi - lo) if hi > lo else 1.0 for v in values]


def rrf(rankings: Sequence[Sequence[str]], k: int, weights: Sequence[float] | None = None) -> dict[str, float]:
    """Reciprocal rank fusion: sum over rankings of weight / (k + rank), ranks from 1."""
    scores: dict[str, float] = {}
    for i, ranking in enumerate(rankings):
        weight = 1.0 if weights is None else weights[i]
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return scores


def score_fusion(legs: Sequence[dict[str, float]], weights: Sequence[float], norm: str = "minmax") -> dict[str, float]:
    """Weighted sum of normalised scores. 'minmax': each leg's best candidate 1, its last 0;
    'zscore': standard scores. An item a leg did not return counts as that leg's minimum
    (min-max: 0 added)."""
    out: dict[str, float] = {}
    for leg, weight in zip(legs, weights, strict=True):
        if not leg:
            continue
        if norm == "zscore":
            mean, std = statistics.fmean(leg.values()), statistics.pstdev(leg.values()) or 1.0
            floor = (min(leg.values()) - mean) / std
            for item in out.keys() | leg.keys():
                value = (leg[item] - mean) / std if item in leg else floor
                out[item] = out.get(item, 0.0) + weight * value
            continue
        for item, value in zip(leg, minmax(list(leg.values())), strict=True):
            out[item] = out.get(item, 0.0) + weight * value
    return out


def fuse(legs: Legs, cfg: RetrievalSettings, boosted: set[str]) -> dict[str, float]:
    """Fused scores of every candidate; `boosted` (criteria-like sections of a necessity
    question) get `section_boost` under score fusion, or a third ranking under RRF."""
    if cfg.fusion == "score":
        w = cfg.dense_weight
        fused = score_fusion([legs.dense, legs.lexical], [2 * w, 2 - 2 * w], cfg.score_norm)
        for cid in boosted:
            fused[cid] = fused.get(cid, 0.0) + cfg.section_boost
        return fused
    rankings: list[list[str]] = [list(legs.dense), list(legs.lexical)]
    weights = [cfg.rrf_dense_weight, 1.0]
    if boosted:
        base = rrf(rankings, cfg.rrf_k, weights)
        rankings.append(sorted((c for c in base if c in boosted), key=lambda c: (-base[c], c)))
        weights.append(1.0)
    return rrf(rankings, cfg.rrf_k, weights)


# ---------------------------------------------------------------- 4. ranking and diversity
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


def weigh_contents(fused: dict[str, float], chunks: dict[str, Chunk], weight: float) -> dict[str, float]:
    """`fused` with the scores of tables of contents (rag.redundancy.is_contents) times `weight`."""
    if weight >= 1:
        return fused
    return {c: s * weight if c in chunks and is_contents(chunks[c].text) else s for c, s in fused.items()}


def rank(fused: dict[str, float], chunks: dict[str, Chunk], cfg: RetrievalSettings, top_k: int) -> list[str]:
    """The top k chunk ids: best fused score first, diversified across documents."""
    ranked = sorted((c for c in fused if c in chunks), key=lambda c: (-fused[c], c))
    doc_of = {cid: chunks[cid].doc_id for cid in ranked}
    return diversify(ranked, fused, doc_of, top_k, cfg.diversity_decay, cfg.max_per_doc)


# ---------------------------------------------------------------- 5. reranking
def rerank(query: str, ranked: list[str], fused: dict[str, float], chunks: dict[str, Chunk],
           reranker: Reranker | None, cfg: RetrievalSettings) -> tuple[list[str], dict[str, float], dict[str, float]]:
    """The best `rerank_depth` of `ranked` reordered by w x their reranker score + (1 - w) x their
    fused score, each min-max normalised over them (w = `rerank_weight`). Returns the new order,
    every passage's score on that scale (a passage below the reordered ones: its fused score on
    the same scale, reranker share 0, so the order stays monotone) and the reranker's raw scores."""
    depth = min(cfg.rerank_depth, len(ranked))
    if reranker is None or depth < 2 or cfg.rerank_weight == 0:
        return ranked, fused, {}
    head = ranked[:depth]
    raw = reranker.score(query, [chunks[c].embedding_text() for c in head])
    relevance = dict(zip(head, raw, strict=True))
    lo, hi = min(fused[c] for c in head), max(fused[c] for c in head)
    w = cfg.rerank_weight
    scores = dict(zip(ranked, ((1 - w) * v for v in minmax([fused[c] for c in ranked], lo, hi)), strict=True))
    for c, r in zip(head, minmax(raw), strict=True):
        scores[c] += w * r
    position = {c: i for i, c in enumerate(ranked)}
    head.sort(key=lambda c: (-scores[c], position[c]))
    return head + ranked[depth:], scores, relevance


# ---------------------------------------------------------------- 6. continuations
PASSAGES_PER_CONTINUATION = 5  # top_k 10: the two best read on; under 5: none (each passage counts)


def follow(ranked: list[str], n: int, continuation: Callable[[str], str | None],
           room: Callable[[str, str], bool] = lambda cid, nxt: True) -> tuple[list[str], dict[str, str]]:
    """`ranked` with the passage that continues each of its best `n` (`continuation`: the next
    chunk of its section, or None) moved, or brought in, right after it, unless it already ranks
    above it or `room(passage, continuation)` says its document has no room left for it; and
    {continuation: the passage it continues} for those moved. Chunks cut a paragraph at a length,
    not where its sense ends: the best passage's last sentences often go on in the next chunk,
    which its own words may not rank."""
    out, moved = list(ranked), {}
    for cid in ranked[:n]:
        nxt = continuation(cid)
        at = out.index(cid)
        if nxt is None or nxt in out[:at] or not room(cid, nxt):
            continue
        if nxt in out:
            out.remove(nxt)
        out.insert(at + 1, nxt)
        moved[nxt] = cid
    return out, moved


class Retriever:
    """Runs the stages over one snapshot of an index."""

    def __init__(self, index: Index, settings: RetrievalSettings | None = None,
                 reranker: Reranker | None = None) -> None:
        self.index = index
        self.settings = settings or index.settings.retrieval
        self.reranker = reranker if reranker is not None else index.reranker

    def retrieve(self, query: str, top_k: int | None = None, filters: Filters | None = None) -> Retrieval:
        cfg = self.settings
        shown = top_k or cfg.top_k
        # ranked at least EVIDENCE_DEPTH deep whatever is shown: the abstention rules read that many
        # (with 8 shown, "... for sickle cell disease?" had been answered from MDS passages)
        depth = max(shown, EVIDENCE_DEPTH)
        if filters is not None and (filters.as_of or filters.pinned):
            day = parse_as_of(filters.as_of) if filters.as_of else None
            snapshot = versions_snapshot(self.index, day, filters.pinned)
        else:
            snapshot = self.index.snapshot()
        asked, query = query, respelt(query, snapshot.lexical.df)
        texts = query_texts(query, snapshot.lexical.abbreviations, cfg)
        legs = search_legs(self.index, snapshot, texts, max(cfg.candidates, depth * 2), filters, cfg)
        boosted = ({c for c, chunk in legs.chunks.items() if NECESSITY_SECTIONS.search(chunk.section or "")}
                   if texts.intent else set())
        fused = weigh_contents(fuse(legs, cfg, boosted), legs.chunks, cfg.contents_weight)
        ranked = rank(fused, legs.chunks, cfg, max(depth, cfg.rerank_depth))
        ranked, scores, relevance = rerank(query, ranked, fused, legs.chunks, self.reranker, cfg)
        # a small window keeps distinct passages: one continuation per five passages asked for
        continuations = min(cfg.continuations, shown // PASSAGES_PER_CONTINUATION)
        if continuations:
            ranked = self._continued(ranked, scores, legs.chunks, snapshot, continuations, shown)
        hits = [Retrieved(legs.chunks[c], scores[c], legs.dense.get(c), legs.lexical.get(c), relevance.get(c))
                for c in ranked[:depth]]
        return Retrieval(query, texts.expanded, hits[:shown], snapshot, corpus_terms(query, snapshot.lexical.df),
                         filters, asked, pool=hits)

    def _continued(self, ranked: list[str], scores: dict[str, float], chunks: dict[str, Chunk],
                   snapshot: Snapshot, n: int, top_k: int) -> list[str]:
        """`follow`, reading from the store a continuation no leg retrieved; a document at its
        `max_per_doc` in the top k (while others are shown) brings none in. A moved passage takes
        the score of the one it continues, so the scores stay in rank order."""
        window = ranked[:top_k]
        shown = Counter(chunks[c].doc_id for c in window)

        def room(cid: str, nxt: str) -> bool:  # shown already, its document under its cap, or no other
            return nxt in window or shown[chunks[cid].doc_id] < self.settings.max_per_doc or len(shown) == 1

        out, moved = follow(ranked, n, snapshot.lexical.continuation, room)
        new = [c for c in moved if c not in chunks]
        for chunk in self.index.store.get(new) if new else []:
            chunks[chunk.chunk_id] = chunk
        for cid, parent in moved.items():
            scores[cid] = scores[parent]
        return [c for c in out if c in chunks]  # one the store no longer holds is left out
