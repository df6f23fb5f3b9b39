"""The chunk store interface, its in-memory fake, and the factory that opens the configured one.

A store keeps chunks with their vectors. It knows nothing of documents' lifecycle: the manifest
(`rag.manifest`) says which chunks are committed, and readers filter through it.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from rag.manifest import Manifest
from rag.settings import StoreSettings
from rag.types import Chunk, Filters

if TYPE_CHECKING:
    from rag.shared_state import ChromaManifest


@dataclass(frozen=True)
class StoredHit:
    chunk: Chunk
    score: float  # cosine similarity, higher is closer


@dataclass(frozen=True)
class QuoteVectors:
    """The vectors of one chunk's quotes (see rag.quotes): row i embeds `chunk.text[spans[i]]`."""

    chunk_id: str
    spans: tuple[tuple[int, int], ...]
    vectors: np.ndarray  # (len(spans), dim), float32


class ChunkStore(ABC):
    """Chunks with their vectors, and the vectors of each chunk's quotes. Ids are chunk ids;
    adding an existing id replaces it; deleting a chunk deletes its quotes."""

    @abstractmethod
    def add(self, chunks: Sequence[Chunk], embeddings: np.ndarray) -> None: ...

    @abstractmethod
    def delete(self, chunk_ids: Sequence[str]) -> None: ...

    @abstractmethod
    def query(self, embedding: np.ndarray, k: int, filters: Filters | None = None) -> list[StoredHit]:
        """The k nearest chunks by cosine similarity, best first."""

    @abstractmethod
    def get(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        """The chunks with these ids that exist, in the order asked."""

    @abstractmethod
    def ids(self, doc_id: str | None = None) -> list[str]:
        """Every stored chunk id, or those of one document."""

    @abstractmethod
    def reset(self) -> None:
        """Drop every chunk."""

    @abstractmethod
    def add_quotes(self, quotes: Sequence[QuoteVectors]) -> None:
        """Store the quote vectors of chunks, replacing any a chunk had."""

    @abstractmethod
    def quotes(self, chunk_ids: Sequence[str], counts: Sequence[int] | None = None) -> dict[str, QuoteVectors]:
        """The stored quote vectors of those chunks that have them. `counts`, when the caller
        knows how many quotes each chunk has, lets a store look them up by id (what an answer
        does); a chunk with other than that many stored may then come back partial."""

    def count(self) -> int:
        return len(self.ids())

    def close(self) -> None:
        """Release resources."""


class InMemoryStore(ChunkStore):
    """Deterministic fake: brute-force cosine over a dict. For tests."""

    def __init__(self) -> None:
        self._chunks: dict[str, Chunk] = {}
        self._vectors: dict[str, np.ndarray] = {}
        self._quotes: dict[str, QuoteVectors] = {}
        self._lock = threading.Lock()  # readers and an ingest may run on different threads

    def add(self, chunks: Sequence[Chunk], embeddings: np.ndarray) -> None:
        if len(chunks) != len(embeddings):
            raise ValueError("one embedding per chunk")
        with self._lock:
            for chunk, vector in zip(chunks, embeddings, strict=True):
                self._chunks[chunk.chunk_id] = chunk
                self._vectors[chunk.chunk_id] = np.asarray(vector, dtype=np.float32)

    def delete(self, chunk_ids: Sequence[str]) -> None:
        with self._lock:
            for cid in chunk_ids:
                self._chunks.pop(cid, None)
                self._vectors.pop(cid, None)
                self._quotes.pop(cid, None)

    def query(self, embedding: np.ndarray, k: int, filters: Filters | None = None) -> list[StoredHit]:
        query = np.asarray(embedding, dtype=np.float32)
        with self._lock:
            hits = [
                StoredHit(chunk, float(np.dot(self._vectors[cid], query)))
                for cid, chunk in self._chunks.items()
                if matches(chunk, filters)
            ]
        hits.sort(key=lambda h: (-h.score, h.chunk.chunk_id))
        return hits[:k]

    def get(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        with self._lock:
            return [self._chunks[c] for c in chunk_ids if c in self._chunks]

    def ids(self, doc_id: str | None = None) -> list[str]:
        with self._lock:
            return sorted(c for c, ch in self._chunks.items() if doc_id is None or ch.doc_id == doc_id)

    def reset(self) -> None:
        with self._lock:
            self._chunks.clear()
            self._vectors.clear()
            self._quotes.clear()

    def add_quotes(self, quotes: Sequence[QuoteVectors]) -> None:
        with self._lock:
            for q in quotes:
                if len(q.spans) != len(q.vectors):
                    raise ValueError("one vector per quote span")
                self._quotes[q.chunk_id] = q

    def quotes(self, chunk_ids: Sequence[str], counts: Sequence[int] | None = None) -> dict[str, QuoteVectors]:
        with self._lock:
            return {c: self._quotes[c] for c in chunk_ids if c in self._quotes}


def matches(chunk: Chunk, filters: Filters | None) -> bool:
    if filters is None:
        return True
    if filters.doc_ids and chunk.doc_id not in filters.doc_ids:
        return False
    return not (filters.doc_types and chunk.doc_type not in filters.doc_types)


def open_chunk_store(settings: StoreSettings, collection: str, data_dir: Path) -> ChunkStore:
    """The configured store: embedded Chroma under data_dir, or a Chroma server."""
    from rag.chroma_store import ChromaStore

    if settings.chroma_url:
        return ChromaStore.connect(settings.chroma_url, collection)
    return ChromaStore.persistent(data_dir / "chroma", collection)


def open_manifest(settings: StoreSettings, data_dir: Path) -> Manifest | ChromaManifest:
    """Where the manifest and the ingest journal live: the data directory, or (with a Chroma
    server) the server itself, shared by every process that uses it."""
    if settings.chroma_url:
        from rag.chroma_store import http_client
        from rag.shared_state import ChromaManifest

        return ChromaManifest(http_client(settings.chroma_url), f"{settings.collection_prefix}-state",
                              settings.chroma_url, settings.refresh_seconds)
    return Manifest(data_dir)
