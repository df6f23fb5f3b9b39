"""The manifest and journal in a real Chroma server (rag/shared_state.py)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from rag.chroma_store import http_client
from rag.manifest import ManifestData
from rag.shared_state import ChromaManifest
from rag.types import DocumentMeta, DocumentRecord

pytestmark = pytest.mark.integration


def record(doc_id: str, content: str) -> DocumentRecord:
    return DocumentRecord(doc_id=doc_id, content_hash=content * 8, path=f"/x/{doc_id}.txt", root="/x",
                          meta=DocumentMeta(title=doc_id), chunk_ids=[f"{doc_id}-{content}"],
                          ingested_at=datetime.now(UTC).isoformat())


@pytest.fixture
def pair(chroma_server):
    """Two processes' views of one state collection (one never caches: refresh 0)."""
    name = f"state-{uuid.uuid4().hex[:8]}"
    return (ChromaManifest(http_client(chroma_server), name, chroma_server, refresh_seconds=0),
            ChromaManifest(http_client(chroma_server), name, chroma_server, refresh_seconds=3600))


def test_a_saved_manifest_is_what_another_process_loads(pair):
    writer, reader = pair
    assert not reader.exists() and reader.load().documents == {}
    data = ManifestData(embedder="hash", dim=8, documents={"a": record("a", "1"), "b": record("b", "2")},
                        superseded={"a": [record("a", "0")]})
    writer.save(data)
    loaded = reader.load()
    assert loaded.index_id == data.index_id and loaded.corpus_version == data.corpus_version
    assert loaded.documents == data.documents and loaded.superseded == data.superseded


def test_records_no_manifest_names_are_dropped_and_the_token_moves(pair):
    writer, reader = pair
    data = ManifestData(documents={"a": record("a", "1")})
    writer.save(data)
    before = writer.token()
    data.documents["a"] = record("a", "2")
    writer.save(data)
    assert writer.token() != before  # refresh 0: read from the server every time
    kinds = writer._col.get(include=["metadatas"])["metadatas"]
    assert sum(m["kind"] == "record" for m in kinds) == 1  # the old record is gone
    assert reader.load().documents["a"].content_hash == "2" * 8


def test_the_journal_marks_an_ingest_in_progress(pair):
    writer, reader = pair
    assert not reader.interrupted()
    writer.begin({"pid": 1})
    assert reader.interrupted()
    writer.end()
    assert not reader.interrupted()
