"""FDA label benchmark: 86 question/answer pairs over the Veklury (remdesivir) label PDF.

The PDF is ingested through the project's pipeline, like a user's PDF. Retrieval is scored
against each pair's ``label_sentence`` with the rules of :mod:`evals.benchmarks.matching`
(exact, split across two adjacent chunks, fuzzy in-order containment). Fact overlap is the
token F1 (and recall) between the gold ``answer`` and the extractive answer built from each
retriever's top 10 — for the hybrid exactly ``Answerer(index).ask(q, mode="extractive")``;
``declined`` is the share of those answers that abstained (every question is answerable).
"""

from __future__ import annotations

import json
import logging
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from evals.benchmarks.baselines import NaiveLangChain, RawDoc, pdf_pages
from evals.benchmarks.common import Hit, Query, RetrieverScores, SearchFn, run_retrievers, token_f1
from evals.benchmarks.matching import LabelMatcher
from rag.abbreviations import expand_query
from rag.answer import Answerer
from rag.errors import ConfigurationError
from rag.index import Index
from rag.lexical import tokenize
from rag.retrieve import Retrieval, Retrieved

log = logging.getLogger(__name__)

NAME = "fda-label"
BASELINES = ("bm25", "dense", "langchain")  # they search the raw question; variants expand it
RULE = "label_sentence: exact | split over 2 adjacent chunks | fuzzy >=0.8 tokens in order"


def locate(data: Path) -> tuple[Path, Path]:
    """(qa_pairs.json, the label PDF) from the benchmark directory or the JSON file's path."""
    folder = data if data.is_dir() else data.parent
    pairs = data if data.is_file() else folder / "qa_pairs.json"
    pdfs = sorted(folder.glob("*.pdf"))
    if not pairs.exists() or len(pdfs) != 1:
        raise ConfigurationError(
            f"{data}: expected qa_pairs.json and exactly one PDF (the label) in {folder}"
        )
    return pairs, pdfs[0]


def _text(value: Any) -> str:
    """Some answers are stored as numbers (the approval year as 2020.0)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def load_queries(pairs: Path, limit: int | None = None) -> list[Query]:
    items = json.loads(pairs.read_text(encoding="utf-8"))
    queries = [
        Query(str(item.get("qa_number", i)), item["question"].strip(),
              {"label": _text(item["label_sentence"]), "answer": _text(item["answer"]),
               "nature": item.get("answer_nature", "")})
        for i, item in enumerate(items, start=1)
    ]
    return queries[:limit] if limit else queries


def prepare_documents(data: Path, docs_dir: Path) -> list[RawDoc]:
    """Copy the label into the benchmark's own documents folder; the raw text for LangChain."""
    _, pdf = locate(data)
    docs_dir.mkdir(parents=True, exist_ok=True)
    target = docs_dir / pdf.name
    if not target.exists() or target.stat().st_size != pdf.stat().st_size:
        shutil.copyfile(pdf, target)
    return [RawDoc(pdf.stem, pdf.stem, pdf_pages(pdf))]


def queries(data: Path, limit: int | None = None) -> list[Query]:
    return load_queries(locate(data)[0], limit)


def judge_factory() -> tuple[LabelMatcher, Any]:
    matcher = LabelMatcher()
    return matcher, lambda query, hits: matcher.rank(query.gold["label"], hits)


# ---------------------------------------------------------------------------- facts
def answer_text(answer: Any) -> str:
    """The extractive answer's statements: its verified quotes ('' when it abstained)."""
    return " ".join(c.quote for c in answer.citations) if answer.answerable else ""


class FactScorer:
    """Fact overlap of the extractive answer built from any retriever's hits."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.answerer = Answerer(index)
        chunks = index.store.get(sorted(index.snapshot().committed))
        vectors = index.embedder.embed_documents([c.embedding_text() for c in chunks])
        self.vector = {c.chunk_id: v for c, v in zip(chunks, vectors, strict=True)}

    def retrieval(self, question: str, hits: list[Hit], expand: bool) -> Retrieval:
        """What the answerer needs from a baseline's hits; dense cosine filled in for all."""
        snapshot = self.index.snapshot()
        qvec = self.index.embedder.embed_query(question)
        retrieved = []
        for hit in hits:
            vec = self.vector.get(hit.chunk_id)
            dense = float(np.dot(vec, qvec)) if vec is not None else hit.score
            retrieved.append(Retrieved(hit.chunk, hit.score, dense, None))
        expanded = expand_query(question, snapshot.lexical.abbreviations) if expand else question
        return Retrieval(question, expanded, retrieved, snapshot, tokenize(question))

    def score(self, name: str, qs: list[Query], hit_lists: list[list[Hit]]) -> dict[str, float]:
        f1s, recalls, declined = [], [], []
        for query, hits in zip(qs, hit_lists, strict=True):
            if name == "hybrid":
                answer = self.answerer.ask(query.question, mode="extractive")
            else:
                retrieval = self.retrieval(query.question, hits, expand=name not in BASELINES)
                answer = self.answerer.answer(retrieval, mode="extractive")
            _, recall, f1 = token_f1(answer_text(answer), query.gold["answer"])
            f1s.append(f1)
            recalls.append(recall)
            declined.append(not answer.answerable)
        # every question is answerable from the label: a declined one is a false abstention
        return {"fact_f1": float(np.mean(f1s)) if f1s else 0.0,
                "fact_recall": float(np.mean(recalls)) if recalls else 0.0,
                "declined": float(np.mean(declined)) if declined else 0.0}


# ---------------------------------------------------------------------------- run
def evaluate(index: Index, naive: NaiveLangChain, qs: list[Query],
             retrievers: dict[str, SearchFn]) -> dict[str, Any]:
    matcher, judge = judge_factory()
    scores, kept = run_retrievers(retrievers, qs, judge, keep_hits=True)
    facts = FactScorer(index)
    for name, result in scores.items():
        result.extra.update(facts.score(name, qs, kept[name]))
    project = _all_hits(index)
    lc_hits = [Hit(c.chunk_id, c.doc_id, c.text, c.ordinal, 0.0, c) for c in naive.chunks]
    ceilings = {
        "project_chunks": Counter(str(matcher.ceiling(q.gold["label"], project)) for q in qs),
        "langchain_chunks": Counter(str(matcher.ceiling(q.gold["label"], lc_hits)) for q in qs),
    }
    return {
        "rule": RULE,
        "ceiling": {k: dict(v) for k, v in ceilings.items()},
        "rules_used": {n: _rules_used(matcher, qs, kept[n]) for n in scores},
        "per_query": _per_query(matcher, qs, scores, kept),
        "scores": scores,
    }


def _all_hits(index: Index) -> list[Hit]:
    chunks = index.store.get(sorted(index.snapshot().committed))
    return [Hit(c.chunk_id, c.doc_id, c.text, c.ordinal, 0.0, c) for c in chunks]


def _rules_used(matcher: LabelMatcher, qs: list[Query], lists: list[list[Hit]]) -> dict[str, int]:
    found = (matcher.rule_at(q.gold["label"], hits) for q, hits in zip(qs, lists, strict=True))
    return dict(Counter(f[1] if f else "miss" for f in found))


def _per_query(matcher: LabelMatcher, qs: list[Query], scores: dict[str, RetrieverScores],
               kept: dict[str, list[list[Hit]]]) -> list[dict[str, Any]]:
    rows = []
    for i, query in enumerate(qs):
        row: dict[str, Any] = {"qid": query.qid, "question": query.question,
                               "nature": query.gold["nature"]}
        for name in scores:
            found = matcher.rule_at(query.gold["label"], kept[name][i])
            row[name] = f"{found[0]}:{found[1]}" if found else None
        rows.append(row)
    return rows
