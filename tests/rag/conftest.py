"""Fixtures for answering tests: the corpus indexed with fakes (hash embedder, in-memory store)."""

from __future__ import annotations

import pytest

from ingest.sync import sync
from rag.embeddings import HashEmbedder
from rag.index import Index
from rag.store import InMemoryStore
from tests.conftest import CORPUS, make_settings


@pytest.fixture
def fake_index(tmp_path):
    index = Index(make_settings(tmp_path / "data"), HashEmbedder(), store=InMemoryStore())
    sync(index, [CORPUS])
    return index
