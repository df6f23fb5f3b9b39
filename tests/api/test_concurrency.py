"""Questions asked while a document is being replaced see the old version or the new one,
never a mixture and never an error; ingestion is serialised."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from rag.store import InMemoryStore

pytestmark = pytest.mark.slow

QUESTION = "What are the zibotentan renewal criteria for the rotating policy?"


def version(tag: str) -> bytes:
    """A document of several chunks, every sentence tagged with its version."""
    paragraphs = [
        f"Section {i}. Zibotentan renewal criteria {tag} require a documented response {tag}. "
        f"The rotating policy {tag} asks for prior therapy {tag} and a specialist {tag}. "
        f"Coverage of zibotentan under the rotating policy {tag} lasts sixteen weeks {tag}."
        for i in range(8)
    ]
    return "\n\n".join(paragraphs).encode()


VERSIONS = {"alphaversion": version("alphaversion"), "betaversion": version("betaversion")}


def tags_in(texts: list[str]) -> set[str]:
    return {m for text in texts for m in re.findall(r"alphaversion|betaversion", text)}


def run_while_replacing(client, replacements: int = 12, readers: int = 6) -> list:
    first = client.post("/v1/documents", files={"file": ("rotating.txt", VERSIONS["alphaversion"])})
    assert first.status_code == 201, first.text
    chunks = client.get("/v1/documents/rotating").json()["n_chunks"]
    assert chunks >= 2  # a mixture would be possible if the index let one through
    done = threading.Event()
    results: list = []

    def writer() -> list[int]:
        statuses = []
        try:
            for i in range(replacements):
                tag = "betaversion" if i % 2 == 0 else "alphaversion"
                r = client.post("/v1/documents", files={"file": ("rotating.txt", VERSIONS[tag])})
                statuses.append(r.status_code)
        finally:
            done.set()
        return statuses

    def reader(n: int) -> None:
        body = {"question": QUESTION, "top_k": 6}
        if n % 2:
            body["filters"] = {"doc_ids": ["rotating"]}
        while not done.is_set():
            path = "/v1/ask" if n % 3 else "/v1/ask/stream"
            results.append((path, client.post(path, json=body)))
            got = client.get("/v1/documents/rotating")
            results.append(("detail", got))

    with ThreadPoolExecutor(max_workers=readers + 1) as pool:
        write = pool.submit(writer)
        reads = [pool.submit(reader, n) for n in range(readers)]
        for future in reads:
            future.result()
        assert write.result() == [200] * replacements
    return results


def check(results: list) -> None:
    assert len(results) > 20
    for path, response in results:
        assert response.status_code == 200, (path, response.text)
        if path == "detail":
            texts = [c["text"] for c in response.json()["chunks"]]
        elif path == "/v1/ask":
            answer = response.json()
            texts = [c["text"] for c in answer["contexts"] if c["doc_id"] == "rotating"]
            texts += [c["text"] for c in answer["citations"] if c["doc_id"] == "rotating"]
        else:
            assert "event: error" not in response.text, response.text
            texts = [line for line in response.text.splitlines() if line.startswith("data:")]
        assert len(tags_in(texts)) <= 1, f"{path} mixed two versions"
    asked = [r.json() for p, r in results if p == "/v1/ask"]
    seen = [tags_in([c["text"] for c in answer["contexts"]]) for answer in asked]
    assert sum(1 for tags in seen if tags) > len(seen) // 2  # the document was found


def test_questions_during_replacement_with_the_fakes(make_client):
    check(run_while_replacing(make_client(store=InMemoryStore())))


@pytest.mark.integration
def test_questions_during_replacement_with_embedded_chroma(tmp_path):
    from fastapi.testclient import TestClient

    from api.main import create_app
    from rag.answer import Answerer
    from rag.embeddings import HashEmbedder
    from rag.index import Index
    from tests.api.conftest import api_settings

    settings = api_settings(tmp_path / "data")
    index = Index(settings, HashEmbedder())  # the configured store: embedded Chroma
    with TestClient(create_app(settings, Answerer(index)), raise_server_exceptions=False) as client:
        check(run_while_replacing(client, replacements=6, readers=4))
    index.close()


def test_ingestion_is_serialised(make_client, monkeypatch):
    import api.ingestion as ingestion

    client = make_client()
    active, peak, lock = 0, 0, threading.Lock()
    real_sync = ingestion.sync

    def counting_sync(*args, **kwargs):
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        try:
            return real_sync(*args, **kwargs)
        finally:
            with lock:
                active -= 1

    monkeypatch.setattr(ingestion, "sync", counting_sync)
    files = [(f"doc{i}.txt", f"Zibotentan policy number {i} needs prior therapy.".encode())
             for i in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(lambda f: client.post("/v1/documents", files={"file": f}), files))
    assert [r.status_code for r in responses] == [201] * 8
    assert peak == 1
    assert len(client.get("/v1/documents").json()) == 13
