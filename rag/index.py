"""The index of one data directory: manifest, chunk store and lexical index, opened together.

Readers see only committed chunks (those the manifest names), so a document being replaced is
seen in its old version or its new one, never a mixture.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.atomic import exclusive_lock, try_exclusive_lock
from rag.embeddings import Embedder
from rag.errors import EmbedderMismatchError
from rag.lexical import LexicalIndex
from rag.manifest import ManifestData
from rag.rerankers import Reranker
from rag.settings import Settings
from rag.store import ChunkStore, open_chunk_store, open_manifest

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    """One consistent view of the committed index: the manifest and the lexical index read
    together, and the chunk ids the manifest commits. A question is answered from one snapshot,
    so an ingest running meanwhile cannot mix two versions into its answer."""

    data: ManifestData
    lexical: LexicalIndex
    committed: frozenset[str]

    @property
    def corpus_version(self) -> str:
        return self.data.corpus_version


class Index:
    """Opens (or creates) the index in ``settings.store.data_dir`` for one embedder."""

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder,
        store: ChunkStore | None = None,
        *,
        check_embedder: bool = True,
        reranker: Reranker | None = None,
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.reranker = reranker  # None: the retriever keeps the fused order
        self.data_dir: Path = settings.store.resolved_data_dir
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.manifest = open_manifest(settings.store, self.data_dir)
        self._lock = threading.RLock()
        self._committed_cache: tuple[ManifestData, frozenset[str]] | None = None
        self._data = self.manifest.load()
        self._token = self.manifest.token()
        if check_embedder:
            self.check_embedder(self._data)
        if not self.manifest.exists():
            self._create_manifest()
        collection = f"{settings.store.collection_prefix}-{self._data.index_id}"
        self.store = store if store is not None else open_chunk_store(
            settings.store, collection, self.data_dir
        )
        self.lexical = self._lexical_for(self._data)

    def _lexical_for(self, committed: ManifestData) -> LexicalIndex:
        """The BM25 index of the committed corpus. A file missing, damaged, written by another
        version of the index format, or (with a shared Chroma server) of another corpus version
        than the shared manifest's is rebuilt from the chunk store now (nothing is re-embedded),
        so a process that only answers never searches with an empty or stale lexical leg."""
        lexical = LexicalIndex.load(self.data_dir)
        if not committed.documents or lexical.corpus_version == committed.corpus_version:
            return lexical
        log.warning("the BM25 index in %s is missing or stale; rebuilding it from the stored chunks",
                    self.data_dir)
        fresh = LexicalIndex()
        fresh.replace_documents([], self.store.get(sorted(committed.committed_ids())))
        fresh.rebuild(committed.corpus_version)
        with try_exclusive_lock(self.data_dir / ".lock") as locked:  # never wait for an ingest
            if locked and self.manifest.load().corpus_version == committed.corpus_version:
                fresh.save(self.data_dir)  # the local cache, for the next process
        return fresh

    def _create_manifest(self) -> None:
        """Write a new data directory's manifest, which fixes the index id, hence the collection
        name. Under the directory's lock, so processes opening it together (`serve --workers`)
        agree on one id: the first writes it, the others read it."""
        with exclusive_lock(self.data_dir / ".lock"):
            if not self.manifest.exists():
                self.manifest.save(self._data)
            self._data = self.manifest.load()
            self._token = self.manifest.token()

    def check_embedder(self, data: ManifestData) -> None:
        """Refuse an index built with another model. With GUIDEQA_EMBEDDER_BACKEND=auto, an index
        built with the other precision of the same model (fp32 before int8 became the default)
        is answered and extended with that precision instead."""
        if not data.embedder or data.embedder == self.embedder.name:
            return
        variant = self.embedder.variant_named(data.embedder) if self.settings.embedder.backend == "auto" else None
        if variant is None:
            raise EmbedderMismatchError(data.embedder, self.embedder.name, str(self.data_dir))
        log.info("the index in %s holds %s vectors; using that embedder (`guideqa ingest --reindex` "
                 "moves it to %s)", self.data_dir, data.embedder, self.embedder.name)
        self.embedder = variant

    # ------------------------------------------------------------------ committed view
    @property
    def data(self) -> ManifestData:
        """The committed manifest; reloaded when another process replaced it."""
        with self._lock:
            # changes when another process commits: the manifest file's mtime, or the shared
            # head's commit time polled every GUIDEQA_REFRESH_SECONDS
            token = self.manifest.token()
            if token != self._token:
                data = self.manifest.load()
                self.check_embedder(data)  # another process may have re-indexed with another model
                self._data, self._token = data, token
                self.lexical = self._lexical_for(self._data)
            return self._data

    def publish(self, data: ManifestData, lexical: LexicalIndex | None = None) -> None:
        """Commit `data` (atomic rename) and make it, and `lexical`, what readers see."""
        with self._lock:
            self.manifest.save(data)
            # publish a copy: the caller goes on mutating its own while readers use this one
            self._data = data.model_copy(update={"documents": dict(data.documents),
                                                 "superseded": {k: list(v) for k, v in data.superseded.items()}})
            self._token = self.manifest.token()
            if lexical is not None:
                self.lexical = lexical

    def snapshot(self) -> Snapshot:
        """The committed manifest, the lexical index and the committed chunk ids, read together."""
        with self._lock:
            data = self.data
            return Snapshot(data, self.lexical, self._committed_ids(data))

    def _committed_ids(self, data: ManifestData) -> frozenset[str]:
        """Chunk ids of a manifest, cached per manifest object."""
        cached = self._committed_cache
        if cached is not None and cached[0] is data:
            return cached[1]
        ids = frozenset(data.committed_ids())
        self._committed_cache = (data, ids)
        return ids

    @property
    def corpus_version(self) -> str:
        return self.data.corpus_version

    def close(self) -> None:
        self.store.close()


def open_index(settings: Settings, embedder: Embedder | None = None, **kwargs: Any) -> Index:
    """The index for these settings, with the configured embedder and reranker unless given
    (models load on first use)."""
    from rag.embeddings import make_embedder
    from rag.rerankers import make_reranker

    kwargs.setdefault("reranker", make_reranker(settings.reranker))
    return Index(settings, embedder or make_embedder(settings.embedder), **kwargs)
