"""Experimental variants of the hybrid retriever, to find out what moves the benchmarks.

:class:`TunedRetriever` is :class:`rag.retrieve.Retriever` with its choices exposed as knobs:
RRF constant, candidate depth, leg weights, which legs see the abbreviation-expanded query,
score fusion instead of rank fusion, the per-document cap. Nothing here changes ``rag/``; a
variant that wins is a proposal for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from evals.benchmarks.baselines import hybrid_search
from evals.benchmarks.common import SearchFn
from rag.abbreviations import expand_query
from rag.index import Index
from rag.lexical import tokenize
from rag.questions import NECESSITY_SECTIONS, intent_terms
from rag.retrieve import Retrieval, Retrieved, Retriever, diversify


@dataclass(frozen=True)
class Knobs:
    rrf_k: int = 60
    candidates: int = 40
    max_per_doc: int | None = None  # None: the settings' value
    diversity_decay: float | None = None  # None: the settings' value
    w_dense: float = 1.0
    w_lexical: float = 1.0
    expand_dense: bool = True  # the dense leg embeds the expanded query
    expand_lexical: bool = True  # the BM25 leg searches the expanded query
    intent: bool = True  # medical-necessity intent terms and the section leg
    section_bonus: float = 0.0  # score fusion: added for criteria-like sections (necessity Qs)
    fusion: str = "rrf"  # or "score": weighted sum of normalised cosine and BM25
    norm: str = "minmax"  # score fusion's normalisation: "minmax" or "zscore" over each leg
    doc_cap: bool = True  # apply the per-document diversity cap at all


def weighted_rrf(rankings: list[list[str]], weights: list[float], k: int) -> dict[str, float]:
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return scores


def score_fusion(legs: list[dict[str, float]], weights: list[float],
                 norm: str = "minmax") -> dict[str, float]:
    """Weighted sum of normalised scores. Min-max: the leg's best is 1, its last candidate 0;
    z-score: standard deviations from the leg's mean (a missing item counts as the minimum)."""
    out: dict[str, float] = {}
    floor: dict[int, float] = {}
    for i, (leg, weight) in enumerate(zip(legs, weights, strict=True)):
        if not leg:
            continue
        values = np.array(list(leg.values()))
        if norm == "zscore":
            mean, std = float(values.mean()), float(values.std()) or 1.0
            scaled = {item: (v - mean) / std for item, v in leg.items()}
        else:
            lo, hi = float(values.min()), float(values.max())
            scaled = {item: (v - lo) / (hi - lo) if hi > lo else 1.0 for item, v in leg.items()}
        floor[i] = min(scaled.values())
        for item, value in scaled.items():
            out[item] = out.get(item, 0.0) + weight * value
    for i, (leg, weight) in enumerate(zip(legs, weights, strict=True)):
        for item in out:
            if leg and item not in leg:
                out[item] += weight * floor[i]
    return out


KNOBS = ", ".join(Knobs.__dataclass_fields__)


class TunedRetriever(Retriever):
    """The project's retrieval with knobs; defaults reproduce ``Retriever`` exactly."""

    def __init__(self, index: Index, knobs: Knobs) -> None:
        super().__init__(index)
        self.knobs = knobs

    def retrieve(self, query: str, top_k: int | None = None, filters=None) -> Retrieval:  # noqa: ANN001
        kn = self.knobs
        top_k = top_k or self.settings.top_k
        data, lexical = self.index.snapshot()
        committed = self.index.committed_ids(data)
        expanded = expand_query(query, lexical.abbreviations)
        intent = intent_terms(query) if kn.intent else ""

        def text(expand: bool) -> str:
            base = expanded if expand else query
            return f"{base} {intent}" if intent else base

        n = max(kn.candidates, top_k * 2)
        vector = self.index.embedder.embed_query(text(kn.expand_dense))
        dense = [h for h in self.index.store.query(vector, n, filters)
                 if h.chunk.chunk_id in committed]
        lex = [(c, s) for c, s in lexical.search(tokenize(text(kn.expand_lexical)), n, filters)
               if c in committed]
        chunks = {h.chunk.chunk_id: h.chunk for h in dense}
        missing = [c for c, _ in lex if c not in chunks]
        chunks.update({c.chunk_id: c for c in self.index.store.get(missing)})
        rankings = [[h.chunk.chunk_id for h in dense], [c for c, _ in lex]]
        weights = [kn.w_dense, kn.w_lexical]
        if kn.fusion == "score":
            legs = [{h.chunk.chunk_id: h.score for h in dense}, dict(lex)]
            fused = score_fusion(legs, weights, kn.norm)
            if kn.section_bonus and intent_terms(query):
                for c in fused:
                    if c in chunks and NECESSITY_SECTIONS.search(chunks[c].section or ""):
                        fused[c] += kn.section_bonus
        else:
            if intent:
                base = weighted_rrf(rankings, weights, kn.rrf_k)
                wanted = [c for c in base
                          if c in chunks and NECESSITY_SECTIONS.search(chunks[c].section or "")]
                rankings.append(sorted(wanted, key=lambda c: (-base[c], c)))
                weights.append(1.0)
            fused = weighted_rrf(rankings, weights, kn.rrf_k)
        ranked = sorted((c for c in fused if c in chunks), key=lambda c: (-fused[c], c))
        if kn.doc_cap:
            cap = kn.max_per_doc or self.settings.max_per_doc
            decay = kn.diversity_decay or self.settings.diversity_decay
            doc_of = {c: chunks[c].doc_id for c in ranked}
            keep = diversify(ranked, fused, doc_of, top_k, decay, cap)
        else:
            keep = ranked[:top_k]
        dense_score = {h.chunk.chunk_id: h.score for h in dense}
        lex_score = dict(lex)
        hits = [Retrieved(chunks[c], fused[c], dense_score.get(c), lex_score.get(c)) for c in keep]
        terms = tokenize(query)
        known = frozenset(t for t in terms if lexical.knows(t))
        return Retrieval(query, text(True), hits, data.corpus_version, terms, known)


def parse_variant(spec: str) -> Callable[[Index], SearchFn]:
    """A registered name, or knobs inline: ``fusion=score,w_dense=0.8,doc_cap=false``."""
    if spec in VARIANTS:
        return VARIANTS[spec]
    changes: dict[str, object] = {}
    fields = Knobs.__dataclass_fields__
    for part in spec.split(";"):
        key, sep, value = (x.strip() for x in part.partition("="))
        if not sep or key not in fields:
            raise ValueError(f"variant {spec!r}: {part!r} is not knob=value (knobs: {KNOBS})")
        kind = str(fields[key].type)  # annotations are strings here: "int | None", "bool" ...
        if kind == "bool":
            changes[key] = value.lower() in ("1", "true", "yes")
        elif "int" in kind:
            changes[key] = int(value)
        else:
            changes[key] = float(value) if "float" in kind else value
    return tuned(**changes)


def tuned(**changes: object) -> Callable[[Index], SearchFn]:
    knobs = replace(Knobs(), **changes)
    return lambda index: hybrid_search(index, retriever=TunedRetriever(index, knobs))


VARIANTS: dict[str, Callable[[Index], SearchFn]] = {
    "hybrid-same": tuned(),  # must equal "hybrid": checks the harness
    "rrf-k10": tuned(rrf_k=10),
    "rrf-k20": tuned(rrf_k=20),
    "cand-100": tuned(candidates=100),
    "cand-20": tuned(candidates=20),
    "no-expand": tuned(expand_dense=False, expand_lexical=False),
    "expand-lex-only": tuned(expand_dense=False),
    "no-intent": tuned(intent=False),
    "w-dense-2": tuned(w_dense=2.0),
    "w-lex-2": tuned(w_lexical=2.0),
    # convex combination: alpha * dense + (1 - alpha) * BM25, both min-max normalised
    **{f"score-a{a / 10:.1f}": tuned(fusion="score", w_dense=2 * a / 10, w_lexical=2 - 2 * a / 10)
       for a in range(2, 9)},
    **{f"zscore-a{a / 10:.1f}": tuned(fusion="score", norm="zscore", w_dense=2 * a / 10,
                                       w_lexical=2 - 2 * a / 10) for a in (4, 5)},
    "cap-1": tuned(max_per_doc=1),
    "no-cap": tuned(doc_cap=False),
}
