"""The manifest: which documents are committed, with their hashes and chunk ids.

It is the source of truth for what is indexed. A document's record is written only after all its
chunks are in the store, by atomic rename, so a crash leaves either the old record or the new one.
Chunks in the store that no committed record names are orphans: readers ignore them and the next
ingest deletes them. A journal file marks an ingest in progress; if one is found at start-up, the
previous run died and the store is checked chunk by chunk.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, Field

from rag.atomic import atomic_write_bytes
from rag.errors import StoreError
from rag.types import DocumentRecord

log = logging.getLogger(__name__)

MANIFEST_FILE = "manifest.json"
JOURNAL_FILE = "ingest.journal"
FORMAT_VERSION = 1


class ManifestData(BaseModel):
    format_version: int = FORMAT_VERSION
    index_id: str = Field(default_factory=lambda: uuid.uuid4().hex[:12])
    embedder: str | None = None
    dim: int | None = None
    documents: dict[str, DocumentRecord] = Field(default_factory=dict)
    superseded: dict[str, list[DocumentRecord]] = Field(
        default_factory=dict, description="Earlier versions of each document, newest first; their chunks "
        "stay in the store for as-of questions and diffs.")

    @property
    def corpus_version(self) -> str:
        return corpus_version(self.documents.values())

    def committed_ids(self) -> set[str]:
        """The chunks of the current versions: what questions are answered from by default."""
        return {cid for rec in self.documents.values() for cid in rec.chunk_ids}

    def referenced_ids(self) -> set[str]:
        """The chunks of every version kept, current or superseded: none of them is an orphan."""
        old = {cid for recs in self.superseded.values() for rec in recs for cid in rec.chunk_ids}
        return self.committed_ids() | old

    def versions(self, doc_id: str) -> list[DocumentRecord]:
        """Every version kept of a document, newest (the current one) first; [] when unknown."""
        current = [self.documents[doc_id]] if doc_id in self.documents else []
        return current + list(self.superseded.get(doc_id, []))

    def chunk_count(self) -> int:
        return sum(len(rec.chunk_ids) for rec in self.documents.values())


def corpus_version(records: Iterable[DocumentRecord]) -> str:
    """A short hash over (doc_id, content hash) pairs: equal corpora, equal versions."""
    lines = sorted(f"{r.doc_id}\t{r.content_hash}\t{r.config_hash}" for r in records)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


class Manifest:
    """Reads and atomically replaces ``DATA_DIR/manifest.json``; owns the ingest journal.
    (`rag.shared_state.ChromaManifest` is the same interface kept in a Chroma server.)"""

    where = "the data directory"

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.path = data_dir / MANIFEST_FILE
        self.journal_path = data_dir / JOURNAL_FILE

    def exists(self) -> bool:
        return self.path.exists()

    def load(self) -> ManifestData:
        if not self.path.exists():
            return ManifestData()
        try:
            return ManifestData.model_validate_json(self.path.read_bytes())
        except ValueError as exc:
            raise StoreError(
                f"The manifest {self.path} is unreadable ({exc}). It is only ever replaced "
                f"atomically, so this means outside damage: rebuild with `guideqa ingest --reindex`."
            ) from exc

    def save(self, data: ManifestData) -> None:
        atomic_write_bytes(self.path, data.model_dump_json(indent=1).encode())

    def token(self) -> object:
        """Changes whenever another process commits a new manifest (its file's mtime)."""
        try:
            return self.path.stat().st_mtime_ns
        except FileNotFoundError:
            return 0

    # ------------------------------------------------------------------ journal
    def begin(self, note: dict) -> None:
        atomic_write_bytes(self.journal_path, json.dumps(note).encode())

    def end(self) -> None:
        self.journal_path.unlink(missing_ok=True)

    def interrupted(self) -> bool:
        return self.journal_path.exists()
