"""ChromaDB adapter of :class:`rag.store.ChunkStore`: embedded (persistent) or a Chroma server.

We always pass our own vectors and set ``embedding_function=None``: Chroma's default embedding
function downloads a model, which fails offline.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from rag.errors import StoreError, StoreUnavailableError
from rag.store import ChunkStore, QuoteVectors, StoredHit
from rag.types import Chunk, Filters

log = logging.getLogger(__name__)

_OPTIONAL = ("source", "page_start", "page_end", "section")


def _metadata(chunk: Chunk) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "doc_id": chunk.doc_id,
        "title": chunk.title,
        "doc_type": chunk.doc_type,
        "char_start": chunk.char_start,
        "char_end": chunk.char_end,
        "ordinal": chunk.ordinal,
        "ocr": chunk.ocr,
    }
    for key in _OPTIONAL:  # Chroma metadata values cannot be None
        value = getattr(chunk, key)
        if value is not None:
            meta[key] = value
    return meta


def _chunk(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    return Chunk(chunk_id=chunk_id, text=text, **{k: meta.get(k) for k in Chunk.model_fields if k in meta})


def _where(filters: Filters | None) -> dict[str, Any] | None:
    if filters is None:
        return None
    clauses = []
    if filters.doc_ids:
        clauses.append({"doc_id": {"$in": list(filters.doc_ids)}})
    if filters.doc_types:
        clauses.append({"doc_type": {"$in": list(filters.doc_types)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def http_client(url: str) -> Any:
    """A client of the Chroma server at `url`, checked with a heartbeat."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    parsed = urlparse(url)
    if not parsed.hostname:
        raise StoreUnavailableError(f"GUIDEQA_CHROMA_URL={url!r} is not a URL like http://127.0.0.1:8001")
    port = parsed.port or (443 if parsed.scheme == "https" else 8000)
    try:
        client = chromadb.HttpClient(
            host=parsed.hostname,
            port=port,
            ssl=parsed.scheme == "https",
            settings=ChromaSettings(anonymized_telemetry=False),
        )
        client.heartbeat()
    except Exception as exc:
        raise StoreUnavailableError(
            f"Cannot reach the Chroma server at {url}: {exc}. Start it (`chroma run --path DIR "
            f"--port {port}`) or unset GUIDEQA_CHROMA_URL to use the embedded store."
        ) from exc
    return client


QUOTES_SUFFIX = "-quotes"


class ChromaStore(ChunkStore):
    """Chunks in one collection; their quotes' vectors in a second (`<collection>-quotes`), one
    record per quote: id `<chunk id>#<i>`, metadata chunk_id, i, start, end."""

    def __init__(self, client: Any, collection: str, where: str) -> None:
        self._client = client
        self._name = collection
        self._where_desc = where
        try:
            self._col = self._open(collection)
            self._quotes = self._open(collection + QUOTES_SUFFIX)
            self._max_batch = int(client.get_max_batch_size())
        except Exception as exc:  # chromadb raises many types; one actionable error
            raise StoreError(f"Could not open the Chroma collection {collection!r} at {where}: {exc}") from exc

    def _open(self, name: str) -> Any:
        return self._client.get_or_create_collection(
            name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )

    @classmethod
    def persistent(cls, path: Path, collection: str) -> ChromaStore:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        path.mkdir(parents=True, exist_ok=True)
        client = chromadb.PersistentClient(
            path=str(path), settings=ChromaSettings(anonymized_telemetry=False)
        )
        return cls(client, collection, str(path))

    @classmethod
    def connect(cls, url: str, collection: str) -> ChromaStore:
        return cls(http_client(url), collection, url)

    def add(self, chunks: Sequence[Chunk], embeddings: np.ndarray) -> None:
        if len(chunks) != len(embeddings):
            raise ValueError("one embedding per chunk")
        for i in range(0, len(chunks), self._max_batch):
            part = chunks[i : i + self._max_batch]
            self._col.upsert(
                ids=[c.chunk_id for c in part],
                embeddings=np.asarray(embeddings[i : i + self._max_batch], dtype=np.float32),
                documents=[c.text for c in part],
                metadatas=[_metadata(c) for c in part],
            )

    def delete(self, chunk_ids: Sequence[str]) -> None:
        ids = list(chunk_ids)
        for i in range(0, len(ids), self._max_batch):
            part = ids[i : i + self._max_batch]
            self._quotes.delete(where={"chunk_id": {"$in": part}})
            self._col.delete(ids=part)

    def add_quotes(self, quotes: Sequence[QuoteVectors]) -> None:
        rows = [(q.chunk_id, i, span, vector) for q in quotes
                for i, (span, vector) in enumerate(zip(q.spans, q.vectors, strict=True))]
        chunk_ids = [q.chunk_id for q in quotes]
        for i in range(0, len(chunk_ids), self._max_batch):  # a chunk's quotes are replaced whole
            self._quotes.delete(where={"chunk_id": {"$in": chunk_ids[i : i + self._max_batch]}})
        for i in range(0, len(rows), self._max_batch):
            part = rows[i : i + self._max_batch]
            self._quotes.upsert(
                ids=[f"{cid}#{n}" for cid, n, _, _ in part],
                embeddings=np.asarray([v for *_, v in part], dtype=np.float32),
                metadatas=[{"chunk_id": cid, "i": n, "start": s, "end": e} for cid, n, (s, e), _ in part],
            )

    def quotes(self, chunk_ids: Sequence[str], counts: Sequence[int] | None = None) -> dict[str, QuoteVectors]:
        rows: dict[str, list[tuple[int, tuple[int, int], np.ndarray]]] = {}
        if counts is not None:  # by id: a primary-key lookup, where a metadata filter scans
            ids = [f"{cid}#{n}" for cid, count in zip(chunk_ids, counts, strict=True) for n in range(count)]
            queries: list[dict[str, Any]] = [{"ids": ids[i : i + self._max_batch]}
                                             for i in range(0, len(ids), self._max_batch)]
        else:
            wanted = list(dict.fromkeys(chunk_ids))
            queries = [{"where": {"chunk_id": {"$in": wanted[i : i + self._max_batch]}}}
                       for i in range(0, len(wanted), self._max_batch)]
        for query in queries:
            result = self._quotes.get(**query, include=["embeddings", "metadatas"])
            for meta, vector in zip(result["metadatas"], result["embeddings"], strict=True):
                rows.setdefault(meta["chunk_id"], []).append(
                    (meta["i"], (meta["start"], meta["end"]), np.asarray(vector, dtype=np.float32)))
        out = {}
        for cid, found in rows.items():
            found.sort(key=lambda r: r[0])
            out[cid] = QuoteVectors(cid, tuple(r[1] for r in found), np.stack([r[2] for r in found]))
        return out

    def query(self, embedding: np.ndarray, k: int, filters: Filters | None = None) -> list[StoredHit]:
        if k <= 0:
            return []
        result = self._col.query(
            query_embeddings=[np.asarray(embedding, dtype=np.float32)],
            n_results=k,
            where=_where(filters),
            include=["documents", "metadatas", "distances"],
        )
        ids, docs = result["ids"][0], result["documents"][0]
        metas, dists = result["metadatas"][0], result["distances"][0]
        return [
            StoredHit(_chunk(cid, text, meta), 1.0 - float(dist))
            for cid, text, meta, dist in zip(ids, docs, metas, dists, strict=True)
        ]

    def get(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        wanted = list(chunk_ids)
        found: dict[str, Chunk] = {}
        for i in range(0, len(wanted), self._max_batch):
            result = self._col.get(ids=wanted[i : i + self._max_batch], include=["documents", "metadatas"])
            for cid, text, meta in zip(result["ids"], result["documents"], result["metadatas"], strict=True):
                found[cid] = _chunk(cid, text, meta)
        return [found[c] for c in wanted if c in found]

    def ids(self, doc_id: str | None = None) -> list[str]:
        where = {"doc_id": doc_id} if doc_id is not None else None
        out: list[str] = []
        offset, page = 0, 10_000
        while True:
            result = self._col.get(where=where, include=[], limit=page, offset=offset)
            out.extend(result["ids"])
            if len(result["ids"]) < page:
                return sorted(out)
            offset += page

    def count(self) -> int:
        return int(self._col.count())

    def reset(self) -> None:
        for name in (self._name, self._name + QUOTES_SUFFIX):
            self._client.delete_collection(name)
        self._col = self._open(self._name)
        self._quotes = self._open(self._name + QUOTES_SUFFIX)
