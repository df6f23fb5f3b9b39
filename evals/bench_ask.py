"""Ask latency benchmark (not a test): warm extractive `ask` p50/p95 on the corpus and on a store
scaled to N chunks, plus the cold start of one `guideqa ask` process.

    python -m evals.bench_ask [--scale 100000] [--rounds 3]

The scaled store repeats the corpus's chunks under synthetic document ids, with their real
vectors lightly perturbed (embedding 100k texts would only measure the embedder), in a real
embedded Chroma with the real BM25 index. Targets: warm p95 < 150 ms at 100k chunks; cold start
< 6 s.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
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
from rag.embeddings import SentenceTransformerEmbedder  # noqa: E402
from rag.index import Index  # noqa: E402
from rag.lexical import LexicalIndex  # noqa: E402
from rag.settings import Settings, StoreSettings  # noqa: E402
from rag.types import DocumentRecord  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def questions() -> list[str]:
    return [json.loads(line)["question"] for line in DEFAULT_GOLD.read_text().splitlines() if line.strip()]


def _ms(values: list[float], pct: float) -> float | None:
    """A latency percentile in ms, rounded for the report; None when nothing was measured."""
    value = percentile(values, pct)
    return None if value is None else round(value, 1)


def warm_latency(index: Index, qs: list[str], rounds: int) -> dict:
    answerer = Answerer(index)
    answerer.ask(qs[0])  # warm caches
    totals, retrieves = [], []
    for _ in range(rounds):
        for q in qs:
            answer = answerer.ask(q, mode="extractive")
            totals.append(answer.timings_ms.total)
            retrieves.append(answer.timings_ms.retrieve)
    return {"n": len(totals), "p50_ms": _ms(totals, 50), "p95_ms": _ms(totals, 95),
            "retrieve_p95_ms": _ms(retrieves, 95)}


def scale_up(index: Index, target: int, seed: int = 0) -> int:
    """Copy the committed chunks under new doc ids until the store holds `target` chunks."""
    data = index.manifest.load()
    base = index.store.get(sorted(data.committed_ids()))
    vectors = index.embedder.embed_documents([c.embedding_text() for c in base])
    rng = np.random.default_rng(seed)
    lexical = LexicalIndex(entries=dict(index.lexical.entries))
    copies = max(0, (target - len(base)) // len(base))
    for n in range(copies):
        chunks = [c.model_copy(update={"chunk_id": f"{c.chunk_id}-x{n}", "doc_id": f"{c.doc_id}-x{n}"})
                  for c in base]
        noisy = vectors + rng.normal(0, 0.02, vectors.shape).astype(np.float32)
        noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
        index.store.add(chunks, noisy)
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


def cold_start(data_dir: Path, runs: int = 3) -> float:
    env = dict(os.environ, GUIDEQA_DATA_DIR=str(data_dir))
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "api.cli", "ask", "What is the starting dose of luspatercept?",
                        "--json"], env=env, cwd=ROOT, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100_000, help="chunks in the scaled store")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the gold questions")
    args = parser.parse_args()
    embedder = SentenceTransformerEmbedder()
    embedder.warm_up()
    qs = questions()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-ask-") as tmp:
        small = Path(tmp) / "corpus"
        index = Index(Settings(store=StoreSettings(data_dir=small)), embedder)
        sync(index, [ROOT / "corpus"])
        results["cold_start_s"] = cold_start(small)
        results["corpus"] = {"chunks": index.store.count(), **warm_latency(index, qs, args.rounds)}
        big = Path(tmp) / "scaled"
        scaled = Index(Settings(store=StoreSettings(data_dir=big)), embedder)
        sync(scaled, [ROOT / "corpus"])
        started = time.perf_counter()
        count = scale_up(scaled, args.scale)
        results["scale_build_s"] = round(time.perf_counter() - started, 1)
        results["scaled"] = {"chunks": count, **warm_latency(scaled, qs, 1)}
    results["load_average"] = round(os.getloadavg()[0], 2)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
