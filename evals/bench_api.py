"""Load benchmark of the running API (not a timed test).

N concurrent clients ask retrieval-backed questions against POST /v1/ask for a fixed time and
report requests per second, p50/p95/p99 latency and errors. Target on the shipped corpus in
extractive mode: zero errors and p95 under 300 ms with 8 clients.

    guideqa serve &                       # or `make run`
    python -m evals.bench_api --clients 8 --seconds 30

With --workers 1,2,4 it starts the servers itself instead (`guideqa serve --workers N` on free
loopback ports, the configured embedder, one data dir ingested once from corpus/), measures the
in-process ask rate in the same run, and reports the worker counts side by side, each against
p95 < 300 ms, 0 errors and 0.8 x in-process rate x min(workers, cores), with the RSS of each
worker process (evals/bench_workers.py does that part):

    python -m evals.bench_api --workers 1,2,4 --seconds 20
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from evals.gold import DEFAULT_GOLD
from evals.metrics import percentile

FALLBACK = [
    "What is the starting dose of luspatercept?",
    "Is luspatercept medically necessary for a patient with MDS, Hb 7.4 and platelets 57,000 "
    "whose plan is azacitidine and then a transplant?",
    "Which patients with lower-risk MDS are eligible for luspatercept?",
    "Does luspatercept cause liver injury?",
    "What did the off-label study of luspatercept in hematologic malignancies find?",
]


def load_questions(path: Path | None) -> list[str]:
    """Questions from a JSONL file ({"question": ...}, answerable ones) or plain lines."""
    path = path or (DEFAULT_GOLD if DEFAULT_GOLD.exists() else None)
    if path is None:
        return FALLBACK
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("{"):
            item = json.loads(line)
            if item.get("answerable", True) and item.get("question"):
                out.append(str(item["question"]))
        else:
            out.append(line)
    return out or FALLBACK


def _ms(values: list[float], pct: float) -> float | None:
    """A latency percentile in ms, rounded for the report; None when no request succeeded."""
    value = percentile(values, pct)
    return None if value is None else round(value, 1)


def _connection(url: str) -> http.client.HTTPConnection:
    """A keep-alive connection for one client. The load generator shares the machine's cores with
    the servers it measures, so it is the standard library's client: about 0.3 ms of CPU per
    request where httpx took 1.5 ms (13% of a core at 85 req/s, taken from the servers)."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if parts.scheme == "https":
        return http.client.HTTPSConnection(parts.hostname or "127.0.0.1", port, timeout=60)
    return http.client.HTTPConnection(parts.hostname or "127.0.0.1", port, timeout=60)


def run(url: str, questions: list[str], clients: int, seconds: float, mode: str | None,
        api_key: str | None) -> dict:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    deadline = time.perf_counter() + seconds

    urls = [u.strip() for u in url.split(",") if u.strip()]

    def client(n: int) -> None:  # several servers: client n asks urls[n % len(urls)], as a balancer would
        conn = _connection(urls[n % len(urls)])
        send = {"Content-Type": "application/json", **headers}
        i = n
        try:
            while time.perf_counter() < deadline:
                body = {"question": questions[i % len(questions)]}
                if mode:
                    body["mode"] = mode
                i += clients
                payload = json.dumps(body).encode()
                started = time.perf_counter()
                try:
                    conn.request("POST", "/v1/ask", body=payload, headers=send)
                    response = conn.getresponse()
                    response.read()
                    failure = None if response.status == 200 else f"HTTP {response.status}"
                except (OSError, http.client.HTTPException) as exc:
                    failure = type(exc).__name__
                    conn.close()  # the next request opens a new connection
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    if failure:
                        errors[failure] = errors.get(failure, 0) + 1
                    else:
                        latencies.append(elapsed)
        finally:
            conn.close()

    versions = set()
    for base in urls:
        with httpx.Client(base_url=base, timeout=10) as http:
            corpus = http.get("/v1/corpus").json()
            versions.add(corpus.get("corpus_version"))
    if len(versions) > 1:
        raise RuntimeError(f"the servers {urls} answer from different corpus versions: {sorted(versions)}")
    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "url": url, "clients": clients, "seconds": round(wall, 2), "mode": mode or "server default",
        "corpus_version": corpus.get("corpus_version"), "embedder": corpus.get("embedder"),
        "requests": len(latencies), "errors": sum(errors.values()), "error_kinds": errors,
        "rps": round(len(latencies) / wall, 1),
        "p50_ms": _ms(latencies, 50),
        "p95_ms": _ms(latencies, 95),
        "p99_ms": _ms(latencies, 99),
        "mean_ms": round(statistics.fmean(latencies), 1) if latencies else None,
        "cpus": os.cpu_count(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000",
                        help="Base URL of the server; several, comma-separated, share the clients "
                             "(e.g. two servers on one Chroma server).")
    parser.add_argument("--clients", type=int, default=8, help="Concurrent clients (default 8).")
    parser.add_argument("--seconds", type=float, default=30.0, help="How long to run (default 30).")
    parser.add_argument("--questions", type=Path, help="JSONL ({question}) or one question a line.")
    parser.add_argument("--mode", default="extractive", choices=["extractive", "llm", "default"],
                        help="Answer mode (default extractive; 'default' = the server's).")
    parser.add_argument("--api-key", default=os.environ.get("GUIDEQA_BENCH_KEY"),
                        help="Bearer key, if the server requires one for ask.")
    parser.add_argument("--p95-target-ms", type=float, default=300.0)
    parser.add_argument("--workers", help="Comma-separated worker counts (e.g. 1,2,4): start a "
                        "server for each and compare them (ignores --url).")
    parser.add_argument("--data-dir", type=Path, help="With --workers: the data dir to serve "
                        "(ingested from corpus/ first; default a temporary one).")
    args = parser.parse_args(argv)
    questions = load_questions(args.questions)
    mode = None if args.mode == "default" else args.mode
    if args.workers:
        from evals.bench_workers import compare_workers

        counts = [int(n) for n in args.workers.split(",") if n.strip()]
        return compare_workers(counts, questions, args.clients, args.seconds, mode or "extractive",
                               args.p95_target_ms, args.data_dir, run)
    try:
        result = run(args.url, questions, args.clients, args.seconds, mode, args.api_key)
    except httpx.HTTPError as exc:
        print(f"cannot reach {args.url}: {exc}. Start the server first (`guideqa serve`).",
              file=sys.stderr)
        return 2
    except RuntimeError as exc:  # servers on different corpus versions: not one deployment
        print(f"{exc}; point every URL at servers of one corpus (one Chroma server and prefix)", file=sys.stderr)
        return 2
    result["questions"] = len(questions)
    p95 = result["p95_ms"]
    result["meets_target"] = result["errors"] == 0 and p95 is not None and p95 <= args.p95_target_ms
    rows = [("requests", result["requests"]), ("errors", result["errors"]),
            ("requests/s", result["rps"]), ("p50 ms", result["p50_ms"]),
            ("p95 ms", result["p95_ms"]), ("p99 ms", result["p99_ms"]),
            (f"target (0 errors, p95 <= {args.p95_target_ms:g} ms)",
             "met" if result["meets_target"] else "NOT met")]
    print(f"{args.clients} clients x {result['seconds']} s, mode {result['mode']}, "
          f"{len(questions)} questions, {args.url}")
    for name, value in rows:
        print(f"  {name:<36} {value}")
    print(json.dumps(result))
    return 0 if result["meets_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
