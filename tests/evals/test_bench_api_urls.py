"""bench_api against several servers: the clients alternate between them, and servers on
different corpus versions are refused (two tiny real HTTP servers on loopback stand in for
`guideqa serve`; they answer only what the benchmark reads)."""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from evals import bench_api

pytestmark = pytest.mark.unit


def stand_in(version: str, hits: Counter, name: str) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def _reply(self, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # /v1/corpus
            self._reply({"corpus_version": version, "embedder": "hash"})

        def do_POST(self) -> None:  # /v1/ask
            self.rfile.read(int(self.headers["content-length"]))
            hits[name] += 1
            self._reply({"answer": ""})

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def url(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def test_clients_alternate_between_servers_of_one_corpus_version():
    hits: Counter = Counter()
    a, b = stand_in("v1", hits, "a"), stand_in("v1", hits, "b")
    try:
        result = bench_api.run(f"{url(a)},{url(b)}", ["q1", "q2"], clients=4, seconds=0.5, mode="extractive",
                               api_key=None)
    finally:
        a.shutdown()
        b.shutdown()
    assert result["errors"] == 0 and result["requests"] == hits["a"] + hits["b"]
    assert hits["a"] > 0 and hits["b"] > 0


def test_servers_on_different_corpus_versions_are_refused():
    hits: Counter = Counter()
    a, b = stand_in("v1", hits, "a"), stand_in("v2", hits, "b")
    try:
        with pytest.raises(RuntimeError, match="different corpus versions"):
            bench_api.run(f"{url(a)},{url(b)}", ["q"], clients=2, seconds=0.2, mode=None, api_key=None)
    finally:
        a.shutdown()
        b.shutdown()
    assert sum(hits.values()) == 0
