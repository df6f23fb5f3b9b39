"""Ingestion benchmark (not a test): embedder alone vs full ingestion, no-op re-sync, peak memory,
and the embedder backends side by side (torch, onnx, onnx-int8) on the same chunks.

    python -m evals.bench_ingest [--extra ../shared/pdfs] \
        [--big ../shared/pdfs/cms_medicaid_ncci_policy_manual_2025.pdf] \
        [--backends torch@32/1:unsorted,onnx/1,onnx-int8/1,onnx-int8]

Everything is measured in one run on the same machine and the same chunks, so the ratios hold
even when the machine is noisy. Targets: ingestion within 1.15x of embedding alone; a no-op
re-sync under 2% of a full ingest; peak RSS under 1.5 GB for the CMS manual; the default
backend embeds >= 2x as many chunks/s as torch.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
logging.getLogger("pypdf").setLevel(logging.ERROR)

from ingest.loaders import discover  # noqa: E402
from ingest.pipeline import file_hash, prepare  # noqa: E402
from ingest.sync import sync  # noqa: E402
from rag.embeddings import Embedder, make_embedder  # noqa: E402
from rag.errors import IngestError  # noqa: E402
from rag.index import Index  # noqa: E402
from rag.settings import EmbedderSettings, IngestSettings, Settings, StoreSettings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def chunk_groups(paths: list[Path], settings: IngestSettings) -> list[list[str]]:
    """The texts ingestion would embed for these paths, one list per document (ingestion embeds a
    document's chunks in one `embed_documents` call)."""
    groups = []
    for path, root in discover(paths)[0]:
        try:
            prepared = prepare(path, root, settings, file_hash(path))
        except IngestError:
            continue
        groups.append([c.embedding_text() for c in prepared.chunks])
    return groups


def chunk_texts(paths: list[Path], settings: IngestSettings) -> list[str]:
    """The texts ingestion would embed for these paths."""
    return [text for group in chunk_groups(paths, settings) for text in group]


def embed_alone(embedder: Embedder, paths: list[Path],
                settings: IngestSettings) -> tuple[float, int]:
    """Seconds to embed the chunks ingestion would make (parsing excluded), and their count."""
    texts = chunk_texts(paths, settings)
    started = time.perf_counter()
    defaults = EmbedderSettings()
    embedder.embed_documents(texts, batch_size=defaults.batch_size, parallel=defaults.ingest_runs())
    return time.perf_counter() - started, len(texts)


def full_ingest(embedder: Embedder, paths: list[Path], data_dir: Path) -> tuple[float, float, int]:
    """Seconds of a first ingest, of a no-op re-sync, and chunks embedded."""
    settings = Settings(store=StoreSettings(data_dir=data_dir))
    index = Index(settings, embedder)
    started = time.perf_counter()
    report = sync(index, paths)
    full = time.perf_counter() - started
    again = Index(settings, embedder)
    started = time.perf_counter()
    noop = sync(again, paths)
    resync = time.perf_counter() - started
    assert noop.chunks_embedded == 0, "a no-op re-sync embedded something"
    return full, resync, report.chunks_embedded


def peak_rss_mb(path: Path, data_dir: Path) -> float:
    """Peak resident memory of a separate `guideqa ingest PATH` process, in MB."""
    code = (
        "import resource, sys; from api.cli import app\n"
        "try:\n    app([ 'ingest', sys.argv[1], '--json'])\nexcept SystemExit:\n    pass\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    env = dict(os.environ, GUIDEQA_DATA_DIR=str(data_dir))
    out = subprocess.run([sys.executable, "-c", code, str(path)], env=env, cwd=ROOT,
                         capture_output=True, text=True, check=False)
    return int(out.stdout.strip().splitlines()[-1]) / 1024  # ru_maxrss is in KB on Linux


def measure(name: str, embedder: Embedder, paths: list[Path], tmp: Path) -> dict:
    alone, n_chunks = embed_alone(embedder, paths, IngestSettings())
    full, resync, embedded = full_ingest(embedder, paths, tmp / name)
    return {
        "set": name, "chunks": n_chunks, "embed_alone_s": round(alone, 2), "ingest_s": round(full, 2),
        "ingest_over_embed": round(full / alone, 3), "noop_resync_s": round(resync, 3),
        "resync_share": round(resync / full, 4), "chunks_embedded": embedded,
    }


def compare_backends(backends: list[str], paths: list[Path], rounds: int) -> list[dict]:
    """Chunks/s of each backend on the same chunks, interleaved round by round (best round kept),
    so machine noise hits every backend alike; with the load time of each.

    Each document's chunks go in one `embed_documents` call, as ingestion sends them. An entry is
    `BACKEND[@BATCH][/RUNS][:unsorted]`: `@32` embeds batches of 32 (default: the setting, one text
    per run), `/1` makes one run at a time (default: the setting, one per core), `:unsorted` keeps
    document order; so `torch@32/1:unsorted` is the torch path as it was before these changes.
    The first entry is the baseline of the speedup column.
    """
    groups = chunk_groups(paths, IngestSettings())
    n_chunks = sum(len(g) for g in groups)
    embedders: dict[str, tuple[Embedder, int, int, bool]] = {}
    rows: dict[str, dict] = {}
    defaults = EmbedderSettings()
    for entry in backends:
        spec, _, variant = entry.partition(":")
        spec, _, runs = spec.partition("/")
        backend, _, batch = spec.partition("@")
        started = time.perf_counter()
        embedder = make_embedder(EmbedderSettings(backend=backend))
        embedder.warm_up()
        embedder.embed_documents(["warm up"] * 8)
        embedders[entry] = (embedder, int(batch or defaults.batch_size),
                            int(runs or defaults.ingest_runs()), variant != "unsorted")
        rows[entry] = {"backend": entry, "embedder": embedder.name, "chunks": n_chunks,
                       "load_s": round(time.perf_counter() - started, 2), "rounds_s": []}
    for _ in range(rounds):
        for entry, (embedder, batch_size, parallel, by_length) in embedders.items():
            started = time.perf_counter()
            for group in groups:
                embedder.embed_documents(group, batch_size=batch_size, by_length=by_length,
                                         parallel=parallel)
            rows[entry]["rounds_s"].append(round(time.perf_counter() - started, 2))
    base = min(rows[backends[0]]["rounds_s"])
    for row in rows.values():
        best = min(row["rounds_s"])
        row["chunks_per_s"] = round(n_chunks / best, 1)
        row[f"speedup_vs_{backends[0]}"] = round(base / best, 2)
    return list(rows.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--extra", type=Path, help="a larger set, e.g. ../shared/pdfs")
    parser.add_argument("--big", type=Path, help="one big PDF for peak memory (the CMS manual)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--backends", default="torch@32/1:unsorted,onnx/1,onnx-int8/1,onnx-int8",
                        help="embedder backends to compare on the same chunks, BACKEND[@BATCH]"
                        "[/RUNS][:unsorted] (first = baseline); '' = skip")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the chunks per backend")
    args = parser.parse_args()
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    results = []
    if backends:
        results += compare_backends(backends, [args.extra or args.corpus], args.rounds)
        for row in results:
            print(json.dumps(row), flush=True)
    embedder = make_embedder(EmbedderSettings())  # the default backend, for the ingestion ratios
    embedder.warm_up()
    embedder.embed_documents(["warm up"] * 8)
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        results.append(measure("corpus", embedder, [args.corpus], Path(tmp)))
        if args.extra:
            results.append(measure("extra", embedder, [args.extra], Path(tmp)))
        if args.big:
            results.append({"set": "big", "file": args.big.name,
                            "peak_rss_mb": round(peak_rss_mb(args.big, Path(tmp) / "big"), 1)})
    print(f"load average {os.getloadavg()[0]:.2f}, self peak RSS "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    for row in results:
        print(json.dumps(row))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
