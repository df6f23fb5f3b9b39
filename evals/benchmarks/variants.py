"""Experimental variants of the hybrid retriever, to find out what moves the benchmarks.

A variant is a named set of :class:`rag.settings.RetrievalSettings` overrides (fusion,
dense_weight, score_norm, rrf_k, rrf_dense_weight, candidates, expand_dense, expand_lexical,
intent_terms, section_boost, max_per_doc, diversity_decay ...). The project's own
:class:`rag.retrieve.Retriever` runs it as is: there is no second copy of the pipeline to drift
from the product. A variant that wins is a proposal for the defaults.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from rag.settings import RetrievalSettings

Overrides = dict[str, Any]
KNOBS = ", ".join(RetrievalSettings.model_fields)

VARIANTS: dict[str, Overrides] = {
    "rrf-cap4": {"fusion": "rrf", "max_per_doc": 4},  # the retriever this work started from
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
    "no-section-boost": {"section_boost": 0.0},
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
