"""Detect and repair what a killed ingest left behind, and keep the BM25 index in step.

The manifest is the truth. Store chunks it does not name are orphans (a crash between writing
chunks and committing the record, or between the commit and deleting stale chunks): deleted.
A committed record whose chunks are not all in the store (outside damage, or a store that lost
writes) is dropped so the document is ingested again as new.
"""

from __future__ import annotations

import logging

from rag.index import Index
from rag.lexical import LexicalIndex
from rag.manifest import ManifestData
from rag.types import Chunk

log = logging.getLogger(__name__)


def recover(index: Index) -> list[str]:
    """Repair the store after an interrupted run; returns the doc ids that must be redone."""
    data = index.manifest.load()
    store = index.store
    referenced = data.referenced_ids()  # superseded versions' chunks are kept, not orphans
    if not index.manifest.interrupted() and store.count() == len(referenced):
        return []
    stored = set(store.ids())
    orphans = sorted(stored - referenced)
    if orphans:
        log.warning("deleting %d orphan chunks left by an interrupted ingest", len(orphans))
        store.delete(orphans)
    broken = sorted(
        doc_id for doc_id, rec in data.documents.items() if not set(rec.chunk_ids) <= stored
    )
    for doc_id in broken:
        log.warning("document %s is missing chunks; it will be ingested again", doc_id)
        store.delete(data.documents.pop(doc_id).chunk_ids)
    if broken:
        index.publish(data)
    index.manifest.end()
    return broken


def refresh_lexical(index: Index, data: ManifestData, changed: dict[str, list[Chunk]]) -> None:
    """Bring the BM25 index to the manifest's corpus version (incrementally where possible)."""
    version = data.corpus_version
    current = index.lexical
    if current.corpus_version == version and not changed:
        return
    # build a new index beside the live one: readers keep using the old until it is published
    lexical = LexicalIndex(entries=dict(current.entries))
    lexical.replace_documents(changed.keys(), [c for chunks in changed.values() for c in chunks])
    committed = data.committed_ids()
    lexical.keep_only(committed)
    missing = sorted(committed - lexical.entries.keys())
    if missing:  # lost or stale index file: fetch the texts back from the store
        lexical.replace_documents([], index.store.get(missing))
    lexical.rebuild(version)
    lexical.save(index.data_dir)
    index.publish(data, lexical)
