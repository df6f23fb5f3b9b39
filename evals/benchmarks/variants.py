"""Experimental variants of the hybrid retriever, to find out what moves the benchmarks.

A variant changes :class:`rag.settings.RetrievalSettings` fields (fusion, dense_weight, rrf_k,
candidates, max_per_doc, section_boost ...), which the project's own :class:`Retriever` runs
as is, and/or knobs the settings do not expose (which legs see the abbreviation-expanded query,
intent terms, z-score normalisation, leg weights in RRF, no diversity at all), which
:class:`TunedRetriever` adds on a copy of ``Retriever.retrieve``. ``hybrid-same`` runs that copy
with nothing changed: it must score exactly like ``hybrid``, or the copy has drifted from
``rag/retrieve.py``. Nothing here changes ``rag/``; a variant that wins is a proposal for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from evals.benchmarks.baselines import hybrid_search
from evals.benchmarks.common import SearchFn
from rag.abbreviations import expand_query
from rag.index import Index
from rag.lexical import tokenize
from rag.questions import NECESSITY_SECTIONS, intent_terms
from rag.retrieve import Retrieval, Retrieved, Retriever, diversify, rrf
from rag.settings import RetrievalSettings
from rag.types import Chunk


@dataclass(frozen=True)
class Extra:
    """Knobs beyond the settings; the defaults are what ``Retriever`` does."""

    expand_dense: bool = True  # the dense leg embeds the abbreviation-expanded query
    expand_lexical: bool = True  # the BM25 leg searches the expanded query
    intent: bool = True  # medical-necessity intent terms (and the section boost / leg)
    norm: str = "minmax"  # score fusion's normalisation: "minmax" or "zscore"
    rrf_dense_weight: float = 1.0  # RRF: weight of the dense ranking (BM25's is 1)
    doc_cap: bool = True  # apply the per-document diversity step at all


def zscore_fusion(legs: list[dict[str, float]], weights: list[float]) -> dict[str, float]:
    """Weighted sum of z-scores; an item a leg did not return counts as that leg's minimum."""
    out: dict[str, float] = {}
    for leg, weight in zip(legs, weights, strict=True):
        if not leg:
            continue
        values = np.array(list(leg.values()))
        mean, std = float(values.mean()), float(values.std()) or 1.0
        floor = (float(values.min()) - mean) / std
        for item in set(out) | set(leg):
            value = (leg[item] - mean) / std if item in leg else floor
            out[item] = out.get(item, 0.0) + weight * value
    return out


class TunedRetriever(Retriever):
    """``Retriever`` with the :class:`Extra` knobs; ``retrieve`` mirrors the base class."""

    def __init__(self, index: Index, settings: RetrievalSettings, extra: Extra) -> None:
        super().__init__(index, settings)
        self.extra = extra

    def _fuse(self, dense: list, lex: list[tuple[str, float]], chunks: dict[str, Chunk],
              intent: bool) -> dict[str, float]:
        cfg, ex = self.settings, self.extra
        criteria = [c for c in chunks if NECESSITY_SECTIONS.search(chunks[c].section or "")]
        if cfg.fusion == "score" and ex.norm == "zscore":
            w = cfg.dense_weight
            fused = zscore_fusion([{h.chunk.chunk_id: h.score for h in dense}, dict(lex)],
                                  [2 * w, 2 - 2 * w])
            for cid in criteria if intent else []:
                fused[cid] = fused.get(cid, 0.0) + cfg.section_boost
            return fused
        if cfg.fusion == "rrf" and ex.rrf_dense_weight != 1.0:
            fused = rrf([[c for c, _ in lex]], cfg.rrf_k)
            for cid, value in rrf([[h.chunk.chunk_id for h in dense]], cfg.rrf_k).items():
                fused[cid] = fused.get(cid, 0.0) + ex.rrf_dense_weight * value
            return fused
        return super()._fuse(dense, lex, chunks, intent)

    def retrieve(self, query: str, top_k: int | None = None, filters=None) -> Retrieval:  # noqa: ANN001
        ex = self.extra
        top_k = top_k or self.settings.top_k
        data, lexical = self.index.snapshot()
        committed = self.index.committed_ids(data)
        expanded = expand_query(query, lexical.abbreviations)
        intent = intent_terms(query) if ex.intent else ""

        def text(expand: bool) -> str:
            base = expanded if expand else query
            return f"{base} {intent}" if intent else base

        n = max(self.settings.candidates, top_k * 2)
        vector = self.index.embedder.embed_query(text(ex.expand_dense))
        dense = [h for h in self.index.store.query(vector, n, filters)
                 if h.chunk.chunk_id in committed]
        lex = [(c, s) for c, s in lexical.search(tokenize(text(ex.expand_lexical)), n, filters)
               if c in committed]
        chunks = {h.chunk.chunk_id: h.chunk for h in dense}
        missing = [c for c, _ in lex if c not in chunks]
        chunks.update({c.chunk_id: c for c in self.index.store.get(missing)})
        fused = self._fuse(dense, lex, chunks, bool(intent))
        ranked = sorted((c for c in fused if c in chunks), key=lambda c: (-fused[c], c))
        if ex.doc_cap:
            doc_of = {c: chunks[c].doc_id for c in ranked}
            keep = diversify(ranked, fused, doc_of, top_k, self.settings.diversity_decay,
                             self.settings.max_per_doc)
        else:
            keep = ranked[:top_k]
        dense_score = {h.chunk.chunk_id: h.score for h in dense}
        lex_score = dict(lex)
        hits = [Retrieved(chunks[c], fused[c], dense_score.get(c), lex_score.get(c)) for c in keep]
        terms = tokenize(query)
        known = frozenset(t for t in terms if lexical.knows(t))
        return Retrieval(query, text(True), hits, data.corpus_version, terms, known)


_EXTRA = {f.name: f for f in fields(Extra)}
KNOBS = ", ".join([*RetrievalSettings.model_fields, *_EXTRA])


def tuned(*, copy: bool = False, **changes: Any) -> Callable[[Index], SearchFn]:
    """A variant: settings fields go to ``Retriever``; any Extra knob (or `copy`) selects
    :class:`TunedRetriever`."""
    extra = {k: v for k, v in changes.items() if k in _EXTRA}
    unknown = set(changes) - set(extra) - set(RetrievalSettings.model_fields)
    if unknown:
        raise ValueError(f"unknown knobs {sorted(unknown)}; known: {KNOBS}")

    def factory(index: Index) -> SearchFn:
        update = {k: v for k, v in changes.items() if k not in extra}
        settings = index.settings.retrieval.model_copy(update=update)
        if extra or copy:
            retriever: Retriever = TunedRetriever(index, settings, replace(Extra(), **extra))
        else:
            retriever = Retriever(index, settings)
        return hybrid_search(index, retriever=retriever)

    return factory


def parse_variant(spec: str) -> Callable[[Index], SearchFn]:
    """A registered name, or knobs inline: ``fusion=rrf;rrf_k=10;max_per_doc=4``."""
    if spec in VARIANTS:
        return VARIANTS[spec]
    changes: dict[str, Any] = {}
    for part in spec.split(";"):
        key, sep, value = (x.strip() for x in part.partition("="))
        default = getattr(Extra(), key, None) if key in _EXTRA else (
            RetrievalSettings.model_fields[key].default if key in RetrievalSettings.model_fields
            else None)
        if not sep or default is None:
            raise ValueError(f"variant {spec!r}: {part!r} is not knob=value (knobs: {KNOBS})")
        if isinstance(default, bool):
            changes[key] = value.lower() in ("1", "true", "yes")
        else:
            changes[key] = type(default)(value)
    return tuned(**changes)


VARIANTS: dict[str, Callable[[Index], SearchFn]] = {
    "hybrid-same": tuned(copy=True),  # must equal "hybrid": checks the copy above
    "rrf-cap4": tuned(fusion="rrf", max_per_doc=4),  # the retriever this work started from
    "rrf": tuned(fusion="rrf"),
    "rrf-k10": tuned(fusion="rrf", rrf_k=10),
    "rrf-k20": tuned(fusion="rrf", rrf_k=20),
    "rrf-dense-0.5": tuned(fusion="rrf", rrf_dense_weight=0.5),
    **{f"dense-{w}": tuned(dense_weight=w) for w in (0.2, 0.3, 0.5, 0.6, 0.7)},
    "zscore": tuned(norm="zscore"),
    "cand-20": tuned(candidates=20),
    "cand-100": tuned(candidates=100),
    "no-expand": tuned(expand_dense=False, expand_lexical=False),
    "no-intent": tuned(intent=False),
    "no-section-boost": tuned(section_boost=0.0),
    "cap-1": tuned(max_per_doc=1),
    "cap-4": tuned(max_per_doc=4),
    "no-cap": tuned(doc_cap=False),
}
