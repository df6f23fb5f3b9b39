"""`python -m evals.bench_api --workers 1,2,4`: worker counts side by side in one run.

One data dir is ingested once from corpus/ with the configured embedder. The in-process ask rate
(one thread calling `Answerer.ask`, no HTTP) is measured first, with no server running; then for
each worker count a real `guideqa serve --workers N` starts on a free loopback port, the clients
of `evals.bench_api.run` load it, and the resident memory of each worker process is read from
/proc/<pid>/status (VmRSS) before it stops. Targets per row: 0 errors, p95 within the target, and
requests/s >= 0.8 x in-process rate x min(workers, cores).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

THROUGHPUT_SHARE = 0.8
LISTENING = re.compile(r"GuideQA is listening on (\S+)(?:\s+\(\d+ worker processes, pids ([\d, ]+)\))?")


def compare_workers(counts: list[int], questions: list[str], clients: int, seconds: float,
                    mode: str, p95_target_ms: float, data_dir: Path | None,
                    run: Callable[..., dict]) -> int:
    """Run every worker count, print the table and one JSON line; 0 when every row meets its
    targets."""
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="guideqa-bench-") as tmp:
        data = data_dir or Path(tmp) / "data"
        ingest_seconds, chunks = ingest_once(data)
        inproc = in_process_rate(data, questions, mode, min(seconds, 15.0))
        cores = os.cpu_count() or 1
        rows = []
        for workers in counts:
            row = serve_and_load(data, workers, Path(tmp), lambda url: run(
                url, questions, clients, seconds, mode, None))
            row["target_rps"] = round(THROUGHPUT_SHARE * inproc["rps"] * min(workers, cores), 1)
            row["meets_target"] = (row["errors"] == 0 and row["p95_ms"] is not None
                                   and row["p95_ms"] <= p95_target_ms
                                   and row["rps"] >= row["target_rps"])
            rows.append(row)
    print(f"{clients} clients x {seconds:g} s per row, mode {mode}, {len(questions)} questions, "
          f"{cores} cores; in-process {inproc['rps']} asks/s (p50 {inproc['p50_ms']} ms, one "
          f"thread); corpus {chunks} chunks ingested in {ingest_seconds} s; load average "
          f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after (other jobs skew it)")
    header = (f"  {'workers':>7} {'req/s':>7} {'target':>7} {'p50 ms':>7} {'p95 ms':>7} "
              f"{'errors':>6} {'RSS/worker MB':>14} {'req/s/core':>10}  met")
    print(header)
    for row in rows:
        per_core = round(row["rps"] / min(row["workers"], cores), 1)
        print(f"  {row['workers']:>7} {row['rps']:>7} {row['target_rps']:>7} {row['p50_ms']!s:>7} "
              f"{row['p95_ms']!s:>7} {row['errors']:>6} {row['rss_mb_per_worker']!s:>14} "
              f"{per_core:>10}  {'yes' if row['meets_target'] else 'NO'}")
    print(f"  targets: 0 errors, p95 <= {p95_target_ms:g} ms, req/s >= {THROUGHPUT_SHARE} x "
          f"in-process x min(workers, cores)")
    print(json.dumps({"in_process": inproc, "cores": cores, "clients": clients, "mode": mode,
                      "ingest_seconds": ingest_seconds, "chunks": chunks,
                      "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
                      "rows": rows}))
    return 0 if all(row["meets_target"] for row in rows) else 1


def ingest_once(data: Path) -> tuple[float, int]:
    """Sync `data` with corpus/ (the configured embedder); seconds taken and chunks."""
    from ingest.sync import sync
    from rag.index import open_index

    settings = _settings(data)
    index = open_index(settings)
    try:
        started = time.perf_counter()
        sync(index, [settings.ingest.corpus_dir])
        return round(time.perf_counter() - started, 1), index.data.chunk_count()
    finally:
        index.close()


def in_process_rate(data: Path, questions: list[str], mode: str, seconds: float) -> dict[str, Any]:
    """Asks per second of one thread calling the answerer directly, models warm."""
    from api.main import build_answerer
    from evals.metrics import percentile

    answerer = build_answerer(_settings(data))
    try:
        answerer.ask(questions[0], mode=mode)  # type: ignore[arg-type]
        latencies = []
        deadline = time.perf_counter() + seconds
        started = time.perf_counter()
        i = 0
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            answerer.ask(questions[i % len(questions)], mode=mode)  # type: ignore[arg-type]
            latencies.append((time.perf_counter() - t0) * 1000)
            i += 1
        wall = time.perf_counter() - started
    finally:
        answerer.index.close()
    p50 = percentile(latencies, 50)
    return {"asks": len(latencies), "rps": round(len(latencies) / wall, 1),
            "p50_ms": None if p50 is None else round(p50, 1)}


def serve_and_load(data: Path, workers: int, tmp: Path, load: Callable[[str], dict]) -> dict:
    """Start `guideqa serve --workers N`, load it, read its workers' RSS, stop it."""
    port = _free_port()
    env = dict(os.environ, GUIDEQA_DATA_DIR=str(data), HF_HUB_OFFLINE="1",
               TOKENIZERS_PARALLELISM="false")
    env.pop("GUIDEQA_WORKERS", None)
    log_path = tmp / f"serve-{workers}.log"
    cmd = [sys.executable, "-m", "api.cli", "serve", "--workers", str(workers), "--port", str(port)]
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        started = time.perf_counter()
        url, pids = _wait_listening(proc, log_path)
        startup = round(time.perf_counter() - started, 1)
        result = load(url)
        rss = [_rss_mb(pid) for pid in pids]
        supervisor = None if workers == 1 else _rss_mb_or_none(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    result.update(workers=workers, startup_s=startup, worker_pids=pids, rss_mb=rss,
                  rss_mb_per_worker=round(sum(rss) / len(rss)),
                  supervisor_rss_mb=supervisor)
    return result


def _settings(data: Path) -> Any:
    from rag.settings import get_settings

    settings = get_settings()
    return settings.model_copy(update={
        "store": settings.store.model_copy(update={"data_dir": data})})


def _wait_listening(proc: subprocess.Popen, log_path: Path, timeout: float = 300.0) -> tuple[str, list[int]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log_path.read_text(errors="replace")
        if match := LISTENING.search(text):
            pids = [int(p) for p in match.group(2).split(",")] if match.group(2) else [proc.pid]
            return match.group(1), pids
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode}:\n{text}")
        time.sleep(0.2)
    raise TimeoutError(f"the server did not announce itself within {timeout:g} s: see {log_path}")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError(f"no VmRSS for process {pid}")


def _rss_mb_or_none(pid: int) -> float | None:
    try:
        return _rss_mb(pid)
    except (OSError, RuntimeError):
        return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
