"""When to say "the corpus does not cover this" instead of answering.

Thresholds are settings (`GUIDEQA_ABSTAIN_*`), calibrated on the gold set's unanswerable items
(other drugs, prices, unrelated diseases) against its answerable ones; see evals/README.
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.retrieve import Retrieval


@dataclass
class Evidence:
    sufficient: bool
    reason: str
    top_dense: float
    top_lexical: float
    coverage: float


def assess(retrieval: Retrieval, min_dense: float = 0.30, min_coverage: float = 0.5) -> Evidence:
    dense = max((h.dense for h in retrieval.hits if h.dense is not None), default=0.0)
    lexical = max((h.lexical for h in retrieval.hits if h.lexical is not None), default=0.0)
    coverage = retrieval.vocabulary_coverage
    if not retrieval.hits:
        return Evidence(False, "nothing was retrieved", dense, lexical, coverage)
    if coverage < min_coverage:
        return Evidence(False, "most of its terms appear nowhere in the corpus", dense, lexical, coverage)
    if dense < min_dense:
        return Evidence(False, "no passage is close enough to it", dense, lexical, coverage)
    return Evidence(True, "", dense, lexical, coverage)
