"""PubMedQA (PQA-L) as a retrieval benchmark.

All 1000 abstracts are documents (``<pubmed id>.txt``: the context passages, one paragraph
each; no question, no conclusion); the 500 test-split questions are asked, and a question is
answered at the rank of the first chunk of its own abstract (doc-level recall@k, MRR@10).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from evals.benchmarks.baselines import NaiveLangChain, RawDoc
from evals.benchmarks.common import Query, SearchFn, first_relevant, run_retrievers
from rag.errors import ConfigurationError

log = logging.getLogger(__name__)

NAME = "pubmedqa"
RULE = "doc-level: any chunk of the question's own abstract"


def locate(data: Path) -> tuple[Path, Path | None]:
    """(ori_pqal.json, test_ground_truth.json or None) from the folder or the JSON's path."""
    folder = data if data.is_dir() else data.parent
    items = data if data.is_file() else folder / "ori_pqal.json"
    if not items.exists():
        raise ConfigurationError(f"{data}: no ori_pqal.json there (PubMedQA PQA-L)")
    split = folder / "test_ground_truth.json"
    return items, split if split.exists() else None


def load(data: Path) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The items by PubMed id, and the ids of the questions to ask (the test split if given)."""
    items_path, split_path = locate(data)
    items = json.loads(items_path.read_text(encoding="utf-8"))
    if split_path is None:
        return items, sorted(items)
    test = json.loads(split_path.read_text(encoding="utf-8"))
    return items, [pmid for pmid in test if pmid in items]


def document_text(item: dict[str, Any]) -> str:
    return "\n\n".join(" ".join(c.split()) for c in item["CONTEXTS"]) + "\n"


def prepare_documents(data: Path, docs_dir: Path) -> list[RawDoc]:
    """One text file per abstract (rewritten only when it changed, so syncs stay incremental)."""
    items, _ = load(data)
    docs_dir.mkdir(parents=True, exist_ok=True)
    raw = []
    for pmid, item in sorted(items.items()):
        text = document_text(item)
        path = docs_dir / f"{pmid}.txt"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        raw.append(RawDoc(pmid, pmid, [text]))
    return raw


def queries(data: Path, limit: int | None = None) -> list[Query]:
    items, ids = load(data)
    out = [Query(pmid, items[pmid]["QUESTION"].strip(), pmid) for pmid in ids]
    return out[:limit] if limit else out


def judge(query: Query, hits: list) -> int | None:
    return first_relevant(hits, lambda h: h.doc_id == query.gold)


def evaluate(index: Any, naive: NaiveLangChain, qs: list[Query],
             retrievers: dict[str, SearchFn]) -> dict[str, Any]:
    scores, kept = run_retrievers(retrievers, qs, judge, keep_hits=True)
    per_query = []
    for i, query in enumerate(qs):
        row: dict[str, Any] = {"qid": query.qid, "question": query.question}
        for name in scores:
            row[name] = scores[name].ranks[i]
            row[f"{name}_docs"] = len({h.doc_id for h in kept[name][i]})
        per_query.append(row)
    distinct = {
        name: round(sum(len({h.doc_id for h in hits}) for hits in kept[name]) / max(1, len(qs)), 2)
        for name in scores
    }
    return {"rule": RULE, "distinct_docs_in_top10": distinct, "per_query": per_query,
            "scores": scores}
