"""run_benchmark(): ingest a public benchmark into its own data dir, then score the hybrid
retriever and its three baselines (BM25 alone, dense alone, naive LangChain) in one run."""

from __future__ import annotations

import json
import logging
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from evals.benchmarks import fda_label, gold_retrieval, pubmedqa
from evals.benchmarks.baselines import NaiveLangChain, hybrid_search, standard_retrievers
from evals.benchmarks.variants import Overrides
from rag.errors import ConfigurationError
from rag.index import Index
from rag.settings import Settings, get_settings
from rag.store import ChunkStore

log = logging.getLogger(__name__)

BENCHMARKS: dict[str, ModuleType] = {
    "pubmedqa": pubmedqa, "fda-label": fda_label, "gold": gold_retrieval,
}
BASELINES = ("bm25", "dense", "langchain")
COMPARED = ("recall@1", "recall@5", "recall@10", "mrr@10", "fact_f1")


class UnknownBenchmarkError(ConfigurationError):
    """--benchmark names no benchmark we know."""


def default_work_dir(name: str, embedder_name: str) -> Path:
    slug = re.sub(r"[^A-Za-z0-9.-]+", "-", embedder_name)
    return Path(tempfile.gettempdir()) / "guideqa-bench" / name / slug


def bench_settings(base: Settings, data_dir: Path) -> Settings:
    """The caller's settings with the store moved to the benchmark's own embedded Chroma."""
    store = base.store.model_copy(update={"data_dir": data_dir, "chroma_url": None,
                                          "collection_prefix": "bench"})
    return base.model_copy(update={"store": store})


def run_benchmark(
    name: str,
    data: Path,
    out: Path | None = None,
    *,
    work_dir: Path | None = None,
    settings: Settings | None = None,
    store_factory: Callable[[], ChunkStore] | None = None,
    limit: int | None = None,
    variants: dict[str, Overrides] | None = None,
    questions: Path | None = None,
    split: str | None = None,
) -> dict[str, Any]:
    """Run one benchmark; return (and write to `out`, a file or folder) its report.

    The documents go into `work_dir` (default: a folder per benchmark and embedder under the
    system temp dir), ingested incrementally, so a second run re-embeds nothing.
    `variants` adds experimental retrievers: the hybrid retriever with some retrieval settings
    overridden (see :mod:`evals.benchmarks.variants`). `questions` and `split` (the gold
    benchmark only) ask another gold-format file's questions, or one split of them.
    """
    from ingest.sync import sync
    from rag.embeddings import make_embedder
    from rag.rerankers import make_reranker

    module = BENCHMARKS.get(name)
    if module is None:
        raise UnknownBenchmarkError(
            f"unknown benchmark {name!r}; choose one of: {', '.join(BENCHMARKS)}"
        )
    if (questions is not None or split is not None) and name != "gold":
        raise ConfigurationError(f"--questions and --split are for the gold benchmark, not {name}")
    data = Path(data)
    if not data.exists():
        raise ConfigurationError(
            f"--data {data}: no such file or directory; pass the benchmark's folder, "
            f"e.g. ../shared/benchmarks/pubmedqa (see its README)"
        )
    base = settings or get_settings()
    embedder = make_embedder(base.embedder)
    embedder.warm_up()
    work = work_dir or default_work_dir(name, embedder.name)
    settings = bench_settings(base, work / "index")
    raw_docs = module.prepare_documents(data, work / "docs")

    index = Index(settings, embedder, store=store_factory() if store_factory else None,
                  reranker=make_reranker(settings.reranker))
    try:
        started = time.perf_counter()
        ingest = sync(index, [work / "docs"], prune=True)
        ingest_s = time.perf_counter() - started
        if ingest.failed:
            log.warning("%d documents failed to ingest: %s", len(ingest.failed), ingest.failed[:3])
        started = time.perf_counter()
        naive = NaiveLangChain(embedder, raw_docs, cache_dir=work / "cache",
                               batch_size=settings.embedder.batch_size)
        naive_s = time.perf_counter() - started
        queries = (module.queries(data, limit, questions, split) if name == "gold"
                   else module.queries(data, limit))
        extra = {name: hybrid_search(index, settings.retrieval.model_copy(update=changes))
                 for name, changes in (variants or {}).items()}
        result = module.evaluate(index, naive, queries, standard_retrievers(index, naive, extra))
        n_chunks = len(index.snapshot().committed)
    finally:
        index.close()

    scores = result.pop("scores")
    rows = {n: s.row() for n, s in scores.items()}
    report: dict[str, Any] = {
        "benchmark": name,
        "data": str(data),
        "work_dir": str(work),
        "embedder": embedder.name,
        "retrieval_settings": settings.retrieval.model_dump(),
        "chunking": {"project": [settings.ingest.chunk_size, settings.ingest.chunk_overlap],
                     "langchain": [1000, 200]},
        "n_documents": len(raw_docs),
        "n_chunks": {"project": n_chunks, "langchain": len(naive.chunks)},
        "n_queries": len(queries),
        "ingest_seconds": {"project (incremental)": round(ingest_s, 1),
                           "project embedded now": ingest.chunks_embedded,
                           "langchain (cached)": round(naive_s, 1)},
        "retrievers": rows,
        "hybrid_beats_baselines": beats(rows),
        **result,
    }
    if out is not None:
        write_report(report, Path(out))
    return report


def beats(rows: dict[str, dict[str, float]]) -> dict[str, bool]:
    """Per metric: is the hybrid strictly better than every baseline?"""
    hybrid = rows.get("hybrid", {})
    others = [rows[b] for b in BASELINES if b in rows]
    return {m: all(hybrid[m] > o[m] for o in others) for m in COMPARED if m in hybrid}


def write_report(report: dict[str, Any], out: Path) -> Path:
    path = out / f"{report['benchmark']}.json" if out.is_dir() or not out.suffix else out
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    return path
