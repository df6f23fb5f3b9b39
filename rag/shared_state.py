"""The manifest and the ingest journal kept in a Chroma server, so that any number of API
processes, on any machines, answer from one corpus that one ingester writes.

Layout (collection ``<prefix>-state``; each record's vector is a 1-d placeholder):

- ``rec:<sha256>``: one `DocumentRecord` as JSON. Immutable and content-addressed: a changed
  document gets a new record, never an edited one.
- ``head``: the commit point. Its document is the manifest's header (index id, embedder, dim)
  and, per document, the key of its current record and of its superseded ones; its metadata holds
  the corpus version and the time of the commit. Replacing this one record is atomic, so a reader
  sees the old manifest or the new one, never a mixture; the records it names are written before
  it, and records no head names any more are deleted after it.
- ``journal``: present while an ingest runs (the crash marker, as `ingest.journal` is locally).

`token()` (the commit time in `head`) is polled at most every `refresh_seconds`: a server
notices a new corpus version within that interval and reloads the manifest and its BM25 cache.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from typing import Any

from rag.errors import StoreError
from rag.manifest import ManifestData
from rag.types import DocumentRecord

HEAD, JOURNAL = "head", "journal"
_PLACEHOLDER = [0.0]


class ChromaManifest:
    """`rag.manifest.Manifest`'s interface over a collection of a Chroma server."""

    def __init__(self, client: Any, collection: str, url: str, refresh_seconds: float = 2.0) -> None:
        self.where = f"the Chroma server {url} (collection {collection})"
        self.refresh_seconds = refresh_seconds
        self._lock = threading.Lock()
        self._polled: tuple[float, object] | None = None
        try:
            self._col = client.get_or_create_collection(collection, embedding_function=None)
        except Exception as exc:  # chromadb raises many types
            raise StoreError(f"Could not open the state collection {collection!r} at {url}: {exc}") from exc

    # ------------------------------------------------------------------ manifest
    def exists(self) -> bool:
        return bool(self._col.get(ids=[HEAD], include=[])["ids"])

    def load(self) -> ManifestData:
        found = self._col.get(ids=[HEAD], include=["documents", "metadatas"])
        if not found["ids"]:
            return ManifestData()
        head = json.loads(found["documents"][0])
        keys = set(head["documents"].values()) | {k for ks in head["superseded"].values() for k in ks}
        records = self._records(sorted(keys))
        try:
            documents = {d: records[k] for d, k in head["documents"].items()}
            superseded = {d: [records[k] for k in ks] for d, ks in head["superseded"].items()}
        except KeyError as exc:
            raise StoreError(f"The manifest in {self.where} names a record that is missing ({exc}): "
                             f"rebuild it with `guideqa ingest --reindex`.") from exc
        return ManifestData(format_version=head["format_version"], index_id=head["index_id"],
                            embedder=head["embedder"], dim=head["dim"], documents=documents, superseded=superseded)

    def save(self, data: ManifestData) -> None:
        """Write the records the head will name, then the head (the commit), then drop the
        records no head names any more."""
        current = {d: (_key(r), r) for d, r in data.documents.items()}  # each key hashed once
        older = {d: [(_key(r), r) for r in rs] for d, rs in data.superseded.items()}
        wanted = dict(current.values()) | {k: r for pairs in older.values() for k, r in pairs}
        present = set(self._col.get(ids=list(wanted), include=[])["ids"]) if wanted else set()
        missing = [k for k in wanted if k not in present]
        if missing:
            self._col.upsert(ids=missing, embeddings=[_PLACEHOLDER] * len(missing),
                             documents=[wanted[k].model_dump_json() for k in missing],
                             metadatas=[{"kind": "record"} for _ in missing])
        head = {"format_version": data.format_version, "index_id": data.index_id, "embedder": data.embedder,
                "dim": data.dim, "documents": {d: k for d, (k, _) in current.items()},
                "superseded": {d: [k for k, _ in pairs] for d, pairs in older.items()}}
        saved = time.time_ns()
        self._col.upsert(ids=[HEAD], embeddings=[_PLACEHOLDER], documents=[json.dumps(head)],
                         metadatas=[{"kind": "head", "corpus_version": data.corpus_version, "saved_ns": saved}])
        with self._lock:  # this process knows its own commit at once
            self._polled = (time.monotonic(), saved)
        stale = [k for k in self._col.get(where={"kind": "record"}, include=[])["ids"] if k not in wanted]
        if stale:
            self._col.delete(ids=stale)

    def token(self) -> object:
        """The commit time of the head, read from the server at most every `refresh_seconds`."""
        now = time.monotonic()
        with self._lock:
            if self._polled is not None and now - self._polled[0] < self.refresh_seconds:
                return self._polled[1]
        found = self._col.get(ids=[HEAD], include=["metadatas"])
        value: object = found["metadatas"][0].get("saved_ns") if found["ids"] else 0
        with self._lock:
            self._polled = (now, value)
        return value

    # ------------------------------------------------------------------ journal
    def begin(self, note: dict) -> None:
        self._col.upsert(ids=[JOURNAL], embeddings=[_PLACEHOLDER], documents=[json.dumps(note)],
                         metadatas=[{"kind": "journal"}])

    def end(self) -> None:
        self._col.delete(ids=[JOURNAL])

    def interrupted(self) -> bool:
        return bool(self._col.get(ids=[JOURNAL], include=[])["ids"])

    # ------------------------------------------------------------------ records
    def _records(self, keys: list[str]) -> dict[str, DocumentRecord]:
        out: dict[str, DocumentRecord] = {}
        for i in range(0, len(keys), 1000):
            got = self._col.get(ids=keys[i : i + 1000], include=["documents"])
            for key, text in zip(got["ids"], got["documents"], strict=True):
                out[key] = DocumentRecord.model_validate_json(text)
        return out


def _key(record: DocumentRecord) -> str:
    return "rec:" + hashlib.sha256(record.model_dump_json().encode()).hexdigest()
