"""Ask latency benchmark (not a test): warm extractive `ask` p50/p95 on the corpus and on a store
scaled to N chunks, plus the cold start of one `guideqa ask` process per embedder backend, with
its import-time breakdown (`python -X importtime`, summed by top-level package).

    python -m evals.bench_ask [--scale 100000] [--rounds 3] [--backends torch,onnx,onnx-int8]

The scaled store repeats the corpus's chunks under synthetic document ids, with their real
vectors lightly perturbed (embedding 100k texts would only measure the embedder), in a real
embedded Chroma with the real BM25 index. Targets: warm p95 < 150 ms at 100k chunks; cold start
< 6 s, and with the default (ONNX) backend <= 0.5x the torch backend's. With the cross-encoder
on (the default), the corpus is also asked with and without it, question by question, and the
ratio of the medians reported (`corpus_reranker_on_off`).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
logging.getLogger("pypdf").setLevel(logging.ERROR)

from evals.gold import DEFAULT_GOLD  # noqa: E402
from evals.metrics import percentile  # noqa: E402
from ingest.sync import sync  # noqa: E402
from rag.answer import Answerer  # noqa: E402
from rag.embeddings import make_embedder  # noqa: E402
from rag.index import Index  # noqa: E402
from rag.lexical import LexicalIndex  # noqa: E402
from rag.rerankers import make_reranker  # noqa: E402
from rag.settings import EmbedderSettings, RerankerSettings, Settings, StoreSettings  # noqa: E402
from rag.store import QuoteVectors  # noqa: E402
from rag.types import DocumentRecord  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def questions() -> list[str]:
    return [json.loads(line)["question"] for line in DEFAULT_GOLD.read_text().splitlines() if line.strip()]


def _ms(values: list[float], pct: float) -> float | None:
    """A latency percentile in ms, rounded for the report; None when nothing was measured."""
    value = percentile(values, pct)
    return None if value is None else round(value, 1)


Times = tuple[list[float], list[float]]  # total ms, retrieve ms: one entry per ask


def _ask_times(answerers: dict[str, Answerer], qs: list[str], rounds: int) -> dict[str, Times]:
    """Each answerer's warm extractive asks, (total ms, retrieve ms) per ask; the answerers take
    turns question by question, so they all see the same machine load."""
    for answerer in answerers.values():
        answerer.ask(qs[0])  # warm caches
    times: dict[str, Times] = {name: ([], []) for name in answerers}
    for _ in range(rounds):
        for q in qs:
            for name, answerer in answerers.items():
                timings = answerer.ask(q, mode="extractive").timings_ms
                times[name][0].append(timings.total)
                times[name][1].append(timings.retrieve)
    return times


def warm_latency(index: Index, qs: list[str], rounds: int) -> dict:
    totals, retrieves = _ask_times({"default": Answerer(index)}, qs, rounds)["default"]
    return {"n": len(totals), "p50_ms": _ms(totals, 50), "p95_ms": _ms(totals, 95),
            "retrieve_p95_ms": _ms(retrieves, 95)}


def reranker_side_by_side(index: Index, qs: list[str], rounds: int) -> dict:
    """Warm extractive asks with the index's reranker and without it, alternating question by
    question, and the ratio of their medians."""
    without = Answerer(index)
    without.retriever.reranker = None
    times = _ask_times({"on": Answerer(index), "off": without}, qs, rounds)
    out: dict = {name: {"p50_ms": _ms(totals, 50), "p95_ms": _ms(totals, 95)} for name, (totals, _) in times.items()}
    out["p50_ratio"] = round(out["on"]["p50_ms"] / out["off"]["p50_ms"], 1)
    return out


def scale_up(index: Index, target: int, seed: int = 0) -> int:
    """Copy the committed chunks (and their quote vectors) under new doc ids until the store holds
    `target` chunks."""
    data = index.manifest.load()
    base = index.store.get(sorted(data.committed_ids()))
    vectors = index.embedder.embed_documents([c.embedding_text() for c in base])
    quotes = list(index.store.quotes([c.chunk_id for c in base]).values())  # answers read them too
    rng = np.random.default_rng(seed)
    lexical = LexicalIndex(entries=dict(index.lexical.entries))
    copies = max(0, (target - len(base)) // len(base))
    for n in range(copies):
        chunks = [c.model_copy(update={"chunk_id": f"{c.chunk_id}-x{n}", "doc_id": f"{c.doc_id}-x{n}"})
                  for c in base]
        noisy = vectors + rng.normal(0, 0.02, vectors.shape).astype(np.float32)
        noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
        index.store.add(chunks, noisy)
        index.store.add_quotes([QuoteVectors(f"{q.chunk_id}-x{n}", q.spans, q.vectors) for q in quotes])
        for doc_id in {c.doc_id for c in chunks}:
            original = data.documents[doc_id.rsplit("-x", 1)[0]]
            data.documents[doc_id] = DocumentRecord(**original.model_dump(exclude={"doc_id", "chunk_ids"}),
                                                    doc_id=doc_id,
                                                    chunk_ids=[c.chunk_id for c in chunks if c.doc_id == doc_id])
        lexical.replace_documents([], chunks)
    lexical.rebuild(data.corpus_version)
    lexical.save(index.data_dir)
    index.publish(data, lexical)
    return index.store.count()


ASK = ["-m", "api.cli", "ask", "What is the starting dose of luspatercept?", "--json"]
_IMPORT_LINE = re.compile(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")


def cold_start(data_dir: Path, runs: int = 3, backend: str | None = None) -> float:
    env = dict(os.environ, GUIDEQA_DATA_DIR=str(data_dir))
    if backend:
        env["GUIDEQA_EMBEDDER_BACKEND"] = backend
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, *ASK], env=env, cwd=ROOT, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 2)


def import_breakdown(data_dir: Path, backend: str, top: int = 8) -> dict[str, Any]:
    """One cold `guideqa ask` under -X importtime: total import seconds, the slowest top-level
    packages (cumulative, each counted once where first imported), and whether torch was imported."""
    env = dict(os.environ, GUIDEQA_DATA_DIR=str(data_dir), GUIDEQA_EMBEDDER_BACKEND=backend)
    out = subprocess.run([sys.executable, "-X", "importtime", *ASK], env=env, cwd=ROOT,
                         capture_output=True, text=True, check=True)
    by_package: dict[str, int] = {}
    modules = set()
    for line in out.stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if not match:
            continue
        cumulative, indent, module = int(match[2]), len(match[3]), match[4]
        modules.add(module)
        if indent <= 1:  # imported at top level (not by another module's import)
            root = module.split(".")[0]
            by_package[root] = by_package.get(root, 0) + cumulative
    ranked = sorted(by_package.items(), key=lambda kv: -kv[1])
    return {"imports_s": round(sum(by_package.values()) / 1e6, 2),
            "slowest": {name: round(us / 1e6, 2) for name, us in ranked[:top]},
            "torch_imported": "torch" in modules}


def cold_by_backend(tmp: Path, backends: list[str], runs: int) -> list[dict[str, Any]]:
    """Cold `guideqa ask` per backend, each on an index built with that backend's embedder."""
    rows = []
    for backend in backends:
        embedder = make_embedder(EmbedderSettings(backend=backend))
        data_dir = tmp / f"cold-{embedder.name}"
        if not data_dir.exists():
            sync(Index(Settings(store=StoreSettings(data_dir=data_dir)), embedder), [ROOT / "corpus"])
        cold_start(data_dir, runs=1, backend=backend)  # page cache and ONNX export, not timed
        rows.append({"backend": backend, "embedder": embedder.name,
                     "cold_start_s": cold_start(data_dir, runs, backend),
                     **import_breakdown(data_dir, backend)})
    base = rows[0]["cold_start_s"]
    for row in rows:
        row[f"vs_{rows[0]['backend']}"] = round(row["cold_start_s"] / base, 2)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100_000, help="chunks in the scaled store (0 = skip)")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the gold questions")
    parser.add_argument("--backends", default="torch,onnx,onnx-int8",
                        help="embedder backends whose cold start to compare (first = baseline); '' = skip")
    parser.add_argument("--cold-runs", type=int, default=3, help="cold starts per backend (median)")
    args = parser.parse_args()
    embedder = make_embedder(EmbedderSettings())
    embedder.warm_up()
    reranker = make_reranker(RerankerSettings())
    if reranker is not None:
        reranker.warm_up()
    qs = questions()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-ask-") as tmp:
        backends = [b.strip() for b in args.backends.split(",") if b.strip()]
        if backends:
            results["cold_by_backend"] = cold_by_backend(Path(tmp), backends, args.cold_runs)
            print(json.dumps(results["cold_by_backend"], indent=2), flush=True)
        small = Path(tmp) / "corpus"
        index = Index(Settings(store=StoreSettings(data_dir=small)), embedder, reranker=reranker)
        sync(index, [ROOT / "corpus"])
        results["cold_start_s"] = cold_start(small)
        results["corpus"] = {"chunks": index.store.count(), **warm_latency(index, qs, args.rounds)}
        if reranker is not None:  # what the cross-encoder costs, side by side in this run
            results["corpus_reranker_on_off"] = reranker_side_by_side(index, qs, 1)
        if args.scale <= 0:
            results["load_average"] = round(os.getloadavg()[0], 2)
            print(json.dumps(results, indent=2))
            return
        big = Path(tmp) / "scaled"
        scaled = Index(Settings(store=StoreSettings(data_dir=big)), embedder, reranker=reranker)
        sync(scaled, [ROOT / "corpus"])
        started = time.perf_counter()
        count = scale_up(scaled, args.scale)
        results["scale_build_s"] = round(time.perf_counter() - started, 1)
        results["scaled"] = {"chunks": count, **warm_latency(scaled, qs, 1)}
    results["load_average"] = round(os.getloadavg()[0], 2)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
