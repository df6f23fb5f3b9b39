"""Experimental variants of the hybrid retriever, to find out what moves the benchmarks.

A variant is a named set of :class:`rag.settings.RetrievalSettings` overrides (fusion,
dense_weight, score_norm, rrf_k, rrf_dense_weight, candidates, expand_dense, expand_lexical,
intent_terms, intent_questions, intent_in_dense, intent_in_lexical, lexical_unit, window_sentences,
window_second_share, title_weight, section_weight, source_weight, section_boost, rerank_depth,
rerank_weight, max_per_doc, diversity_decay ...). The project's own :class:`rag.retrieve.Retriever`
runs it as is: there is no second copy of the pipeline to drift from the product. A variant that wins is a proposal for
the defaults.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from rag.settings import RetrievalSettings

Overrides = dict[str, Any]
KNOBS = ", ".join(RetrievalSettings.model_fields)

VARIANTS: dict[str, Overrides] = {
    "rrf-cap4": {"fusion": "rrf", "max_per_doc": 4},  # the retriever this work started from
    # the defaults before "evidence first": implied words in both legs, fields unweighted
    "before-evidence-first": {"intent_questions": "all", "intent_in_dense": True, "intent_in_lexical": True,
                              "title_weight": 1, "source_weight": 0},
    "rrf": {"fusion": "rrf"},
    "rrf-k10": {"fusion": "rrf", "rrf_k": 10},
    "rrf-k20": {"fusion": "rrf", "rrf_k": 20},
    "rrf-dense-0.5": {"fusion": "rrf", "rrf_dense_weight": 0.5},
    **{f"dense-{w}": {"dense_weight": w} for w in (0.2, 0.3, 0.5, 0.6, 0.7)},
    "zscore": {"score_norm": "zscore"},
    "cand-20": {"candidates": 20},
    "cand-100": {"candidates": 100},
    "no-expand": {"expand_dense": False, "expand_lexical": False},
    "no-intent": {"intent_terms": False},
    # implied words of necessity questions (default: BM25 text of judgement questions only)
    "intent-in-query": {"intent_questions": "all", "intent_in_dense": True, "intent_in_lexical": True},
    "intent-boost-only": {"intent_in_lexical": False},
    "intent-all-questions": {"intent_questions": "all"},
    "intent-dense-too": {"intent_in_dense": True},
    "intent-dense-only": {"intent_in_dense": True, "intent_in_lexical": False},
    # BM25 over sentence windows (a chunk scores by its best window, + a share of its second)
    **{f"window-{n}": {"lexical_unit": "window", "window_sentences": n} for n in (1, 2, 3)},
    **{f"window-{n}-second": {"lexical_unit": "window", "window_sentences": n,
                              "window_second_share": 0.5} for n in (1, 2, 3)},
    # BM25 field weights (default: title 2, section 1, source 0 -> 1); tokens counted n times
    "title-0": {"title_weight": 0},
    "title-1": {"title_weight": 1},
    "title-3": {"title_weight": 3},
    "section-0": {"section_weight": 0},
    "section-2": {"section_weight": 2},
    "section-3": {"section_weight": 3},
    "source-0": {"source_weight": 0},
    "source-2": {"source_weight": 2},
    "stem": {"lexical_stem": True},
    # tables of contents' fused score scaled by 0.75 by default (rag/redundancy.py)
    "contents-1": {"contents_weight": 1.0},
    "contents-0": {"contents_weight": 0.0},
    "contents-0.5": {"contents_weight": 0.5},
    "fields-plain": {"title_weight": 1, "source_weight": 0},
    "no-section-boost": {"section_boost": 0.0},
    # the cross-encoder's stage (default: the best 10 reordered, its score weighted 0.5)
    "no-rerank": {"rerank_depth": 0},
    "rerank-5": {"rerank_depth": 5},
    "rerank-20": {"rerank_depth": 20},
    "rerank-only": {"rerank_weight": 1.0},
    "cap-1": {"max_per_doc": 1},
    "cap-4": {"max_per_doc": 4},
    "no-cap": {"max_per_doc": 100},
}


def check_overrides(spec: str, changes: Overrides) -> Overrides:
    """`changes`, validated against RetrievalSettings (types converted), or ValueError."""
    unknown = set(changes) - set(RetrievalSettings.model_fields)
    if unknown:
        raise ValueError(f"variant {spec!r}: unknown knobs {sorted(unknown)}; known: {KNOBS}")
    try:
        checked = RetrievalSettings.model_validate(changes)
    except ValidationError as exc:
        raise ValueError(f"variant {spec!r}: {exc}") from exc
    return {name: getattr(checked, name) for name in changes}


def parse_variant(spec: str) -> Overrides:
    """A registered name, or knobs inline: ``fusion=rrf;rrf_k=10;max_per_doc=4``."""
    if spec in VARIANTS:
        return VARIANTS[spec]
    changes: Overrides = {}
    for part in spec.split(";"):
        key, sep, value = (x.strip() for x in part.partition("="))
        if not sep or not key:
            raise ValueError(f"variant {spec!r}: {part!r} is not knob=value (knobs: {KNOBS})")
        changes[key] = value
    return check_overrides(spec, changes)
