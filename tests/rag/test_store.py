"""The store contract on the in-memory fake, embedded Chroma and a real Chroma server."""

from __future__ import annotations

import uuid

import pytest

from rag.chroma_store import ChromaStore
from rag.errors import StoreUnavailableError
from rag.store import InMemoryStore
from tests.conftest import free_port
from tests.rag.store_contract import StoreContract


@pytest.mark.unit
class TestInMemoryStore(StoreContract):
    @pytest.fixture
    def store(self):
        return InMemoryStore()


@pytest.mark.integration
class TestEmbeddedChroma(StoreContract):
    @pytest.fixture
    def store(self, tmp_path):
        return ChromaStore.persistent(tmp_path / "chroma", "test-collection")

    def test_persists_across_clients(self, tmp_path):
        first = ChromaStore.persistent(tmp_path / "chroma", "persist-test")
        self.fill(first)
        del first
        again = ChromaStore.persistent(tmp_path / "chroma", "persist-test")
        assert again.count() == 4


@pytest.mark.integration
class TestChromaServer(StoreContract):
    @pytest.fixture
    def store(self, chroma_server):
        return ChromaStore.connect(chroma_server, f"t-{uuid.uuid4().hex[:10]}")


@pytest.mark.unit
def test_unreachable_server_says_how_to_fix():
    with pytest.raises(StoreUnavailableError, match="chroma run"):
        ChromaStore.connect(f"http://127.0.0.1:{free_port()}", "nothing-here")


def test_a_stale_bm25_file_is_rebuilt_from_the_store_when_the_index_opens(tmp_path):
    """After an upgrade changes the stored BM25 format, a process that only answers must not
    search with an empty lexical leg: the index rebuilds it from the chunks, re-embedding nothing."""
    from ingest.sync import sync
    from rag.embeddings import HashEmbedder
    from rag.index import Index
    from rag.lexical import LEXICAL_FILE
    from tests.conftest import CORPUS, make_settings

    settings = make_settings(tmp_path / "data")
    store = InMemoryStore()
    sync(Index(settings, HashEmbedder(), store=store), [CORPUS])
    (tmp_path / "data" / LEXICAL_FILE).write_bytes(b"written by another version")
    reopened = Index(settings, HashEmbedder(), store=store)
    assert len(reopened.lexical) == reopened.data.chunk_count() > 0
    assert reopened.lexical.corpus_version == reopened.corpus_version
    assert reopened.lexical.search("luspatercept dose", 3)  # BM25 finds passages again
