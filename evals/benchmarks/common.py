"""What every benchmark shares: the hit type, ranking metrics, token F1, the timed runner.
(Tables of a report are in :mod:`evals.benchmarks.render`.)

A retriever here is any callable ``(question, k) -> list[Hit]``; a judge says at which rank
(1-based) the first relevant hit sits, or None. Every retriever sees the same questions in the
same run, and each is timed on its own.
"""

from __future__ import annotations

import logging
import re
import string
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from evals.metrics import recall_at_k

log = logging.getLogger(__name__)

KS = (1, 5, 10)
DEPTH = max(KS)  # every retriever returns this many hits; MRR is MRR@10


@dataclass(frozen=True)
class Hit:
    """One retrieved passage, whatever retriever produced it."""

    chunk_id: str
    doc_id: str
    text: str
    ordinal: int = 0  # position of the chunk in its document, for adjacency
    score: float = 0.0
    chunk: Any = field(default=None, compare=False, repr=False)  # the rag.types.Chunk, if any


@dataclass(frozen=True)
class Query:
    qid: str
    question: str
    gold: Any  # what the judge needs: a doc id, a label sentence ...


SearchFn = Callable[[str, int], list[Hit]]
JudgeFn = Callable[[Query, list[Hit]], int | None]


@dataclass
class RetrieverScores:
    name: str
    ranks: list[int | None] = field(default_factory=list)
    seconds: float = 0.0
    extra: dict[str, float] = field(default_factory=dict)  # e.g. fact F1

    def recall(self, k: int) -> float:
        """recall@k over this run's queries. A run with no queries scores 0.0, like its MRR:
        the table and `run.beats` compare numbers (`recall_at_k` itself says None, n/a)."""
        value = recall_at_k(self.ranks, k)
        return 0.0 if value is None else value

    def mrr(self) -> float:
        return mean_reciprocal_rank(self.ranks, DEPTH)

    def row(self) -> dict[str, float]:
        out = {f"recall@{k}": round(self.recall(k), 4) for k in KS}
        out["mrr@10"] = round(self.mrr(), 4)
        out.update({k: round(v, 4) for k, v in self.extra.items()})
        out["seconds"] = round(self.seconds, 2)
        out["ms_per_query"] = round(1000 * self.seconds / max(1, len(self.ranks)), 2)
        return out


# ---------------------------------------------------------------------------- metrics
# recall@k is evals.metrics.recall_at_k (imported above): the same count, None for no queries.


def mean_reciprocal_rank(ranks: Sequence[int | None], depth: int = DEPTH) -> float:
    if not ranks:
        return 0.0
    return sum(1.0 / r for r in ranks if r is not None and r <= depth) / len(ranks)


_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCT = str.maketrans(dict.fromkeys(string.punctuation + "®™•“”‘’–—‐", " "))


def answer_tokens(text: str) -> list[str]:
    """SQuAD-style normalisation: NFKC, lower case, punctuation and articles removed."""
    text = unicodedata.normalize("NFKC", text).lower().translate(_PUNCT)
    return _ARTICLES.sub(" ", text).split()


def token_f1(prediction: str, gold: str) -> tuple[float, float, float]:
    """(precision, recall, F1) of the prediction's tokens against the gold answer's."""
    pred, ref = answer_tokens(prediction), answer_tokens(gold)
    if not pred or not ref:
        return 0.0, 0.0, 0.0
    common = sum((Counter(pred) & Counter(ref)).values())
    if common == 0:
        return 0.0, 0.0, 0.0
    precision, recall = common / len(pred), common / len(ref)
    return precision, recall, 2 * precision * recall / (precision + recall)


def first_relevant(hits: Sequence[Hit], relevant: Callable[[Hit], bool]) -> int | None:
    return next((i for i, h in enumerate(hits, start=1) if relevant(h)), None)


# ---------------------------------------------------------------------------- runner
def run_retrievers(
    retrievers: dict[str, SearchFn],
    queries: Sequence[Query],
    judge: JudgeFn,
    *,
    depth: int = DEPTH,
    keep_hits: bool = False,
) -> tuple[dict[str, RetrieverScores], dict[str, list[list[Hit]]]]:
    """Every retriever over every query, timed per retriever (search only, not judging)."""
    scores: dict[str, RetrieverScores] = {}
    kept: dict[str, list[list[Hit]]] = {}
    for name, search in retrievers.items():
        result = RetrieverScores(name)
        lists: list[list[Hit]] = []
        search("warm up", depth)  # loads models and caches outside the timed loop
        for query in queries:
            started = time.perf_counter()
            hits = search(query.question, depth)[:depth]
            result.seconds += time.perf_counter() - started
            result.ranks.append(judge(query, hits))
            if keep_hits:
                lists.append(hits)
        scores[name] = result
        kept[name] = lists
        log.info("%s: recall@10 %.3f in %.1fs", name, result.recall(10), result.seconds)
    return scores, kept
