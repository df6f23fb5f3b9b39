"""API fixtures: the app over the real corpus, indexed with fakes (hash embedder, in-memory
store) in a temporary data directory, and a TestClient on it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from ingest.sync import sync
from rag.answer import Answerer
from rag.embeddings import HashEmbedder
from rag.index import Index
from rag.settings import APISettings, IngestSettings, Settings
from rag.store import ChunkStore, InMemoryStore
from tests.conftest import CORPUS, make_settings


def api_settings(data_dir: Path, corpus_dir: Path = CORPUS, **api: Any) -> Settings:
    settings = make_settings(data_dir)
    return settings.model_copy(update={
        "api": APISettings(**api),
        "ingest": IngestSettings(corpus_dir=corpus_dir),
    })


def build_answerer(settings: Settings, *, chat_model: Any = None, store: ChunkStore | None = None,
                   ingest: bool = True) -> Answerer:
    index = Index(settings, HashEmbedder(), store=store if store is not None else InMemoryStore())
    if ingest:
        sync(index, [settings.ingest.corpus_dir])
    return Answerer(index, chat_model=chat_model)


ClientFactory = Callable[..., TestClient]


@pytest.fixture
def make_client(tmp_path: Path) -> Iterator[ClientFactory]:
    """make_client(chat_model=None, store=None, corpus_dir=CORPUS, **api_settings) -> TestClient."""
    clients: list[TestClient] = []

    def factory(*, chat_model: Any = None, store: ChunkStore | None = None,
                corpus_dir: Path = CORPUS, **api: Any) -> TestClient:
        settings = api_settings(tmp_path / f"data{len(clients)}", corpus_dir, **api)
        app = create_app(settings, build_answerer(settings, chat_model=chat_model, store=store))
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: ClientFactory) -> TestClient:
    return make_client()


def is_problem(response: Any, status: int) -> dict:
    """Assert `response` is problem JSON with `status`; return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["type"] and body["title"] and body["detail"]
    return body


def events(response) -> list[tuple[str, Any]]:
    """The (event, data) pairs of a server-sent event stream."""
    assert response.headers["content-type"].startswith("text/event-stream")
    out = []
    for block in response.text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        out.append((lines["event"], json.loads(lines["data"])))
    return out
