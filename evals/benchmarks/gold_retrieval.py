"""The project's own gold set (evals/gold/corpus.jsonl) as a retrieval benchmark, so a retriever
change that helps the public benchmarks is checked on the medical-necessity questions too.

``--data`` is the corpus folder (``corpus/``); ``--questions`` another gold-format file, e.g.
evals/gold/calibration.jsonl with ``--split calibrate``, to choose a retriever on one half. A
question is answered at the rank of the first chunk holding one of its evidence quotes (same
rules as the FDA label benchmark); unanswerable questions are skipped.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from evals.benchmarks.baselines import NaiveLangChain, RawDoc, pdf_pages
from evals.benchmarks.common import Hit, Query, SearchFn, run_retrievers
from evals.benchmarks.matching import LabelMatcher
from evals.gold import DEFAULT_GOLD
from rag.errors import ConfigurationError

NAME = "gold"
RULE = "any evidence quote: exact | split | fuzzy"
_TEXT = (".txt", ".md", ".markdown")


def prepare_documents(data: Path, docs_dir: Path) -> list[RawDoc]:
    if not data.is_dir():
        raise ConfigurationError(f"--data {data}: give the corpus folder (e.g. corpus/)")
    docs_dir.mkdir(parents=True, exist_ok=True)
    raw = []
    for path in sorted(data.iterdir()):
        if path.is_file() and not path.name.startswith("."):
            shutil.copyfile(path, docs_dir / path.name)
            if path.suffix.lower() in _TEXT:
                raw.append(RawDoc(path.stem, path.stem, [path.read_text(encoding="utf-8")]))
            elif path.suffix.lower() == ".pdf":
                raw.append(RawDoc(path.stem, path.stem, pdf_pages(path)))
    return raw


def queries(data: Path, limit: int | None = None, questions: Path | None = None,
            split: str | None = None) -> list[Query]:
    """The answerable questions with evidence of `questions` (default: the gold set), only those
    of one `split` when given (evals/gold/calibration.jsonl's "calibrate" or "heldout")."""
    path = questions or DEFAULT_GOLD
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigurationError(f"--questions {path}: cannot read it ({exc})") from exc
    rows = [json.loads(line) for line in lines if line.strip()]
    if split is not None:
        rows = [r for r in rows if r.get("split") == split]
        if not rows:
            raise ConfigurationError(f"--split {split}: no question of {path} is in that split")
    out = [Query(r["id"], r["question"], [e["quote"] for e in r.get("evidence", [])])
           for r in rows if r.get("answerable", True) and r.get("evidence")]
    return out[:limit] if limit else out


def evaluate(index: Any, naive: NaiveLangChain, qs: list[Query],
             retrievers: dict[str, SearchFn]) -> dict[str, Any]:
    matcher = LabelMatcher()

    def judge(query: Query, hits: list[Hit]) -> int | None:
        ranks = [matcher.rank(quote, hits) for quote in query.gold]
        return min((r for r in ranks if r is not None), default=None)

    scores, _ = run_retrievers(retrievers, qs, judge)
    per_query = [{"qid": q.qid, **{n: s.ranks[i] for n, s in scores.items()}}
                 for i, q in enumerate(qs)]
    return {"rule": RULE, "per_query": per_query, "scores": scores}
