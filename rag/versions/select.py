"""Which version of each document was in effect on a date, and the version stamps of answers.

A version is in effect from its `effective_from` (the day it was ingested when its text states no
date) until the next version's start (`effective_to`, set when it was superseded). A versions
snapshot (as of a date, or with some versions pinned, as a replay of an audited answer does)
holds one version of each document — documents not yet in effect on the date are left out —
with a BM25 index built over those versions' chunks (cached per set of versions), so such a
question is retrieved, fused and answered exactly like one over the current versions.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date

from rag.errors import ConfigurationError, DocumentNotFoundError, VersionNotFoundError
from rag.index import Index, Snapshot
from rag.lexical import LexicalIndex
from rag.manifest import ManifestData, corpus_version
from rag.types import Answer, DocumentRecord, DocumentVersion

_CACHE_SIZE = 8  # as-of BM25 indexes kept per process
_cache: OrderedDict[tuple[str, str], LexicalIndex] = OrderedDict()
_cache_lock = threading.Lock()


def parse_as_of(value: str) -> str:
    """`value` as YYYY-MM-DD; raises ConfigurationError saying the expected form."""
    try:
        return date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError as exc:
        raise ConfigurationError(f"as_of {value!r} is not a date: give it as YYYY-MM-DD, e.g. 2024-03-01") from exc


def starts(record: DocumentRecord) -> str:
    """The first day a version is in effect: its stated date, else the day it was ingested."""
    return record.effective_from or record.ingested_at[:10]


def in_effect(record: DocumentRecord, day: str) -> bool:
    return starts(record) <= day and (record.effective_to is None or day < record.effective_to)


def version_of(record: DocumentRecord) -> DocumentVersion:
    """A record's version stamp; it is current until a newer version closes it (`effective_to`)."""
    return DocumentVersion(doc_id=record.doc_id, version=record.content_hash[:12],
                           effective_from=record.effective_from, effective_to=record.effective_to,
                           current=record.effective_to is None, ingested_at=record.ingested_at)


def records_as_of(data: ManifestData, day: str) -> dict[str, DocumentRecord]:
    """doc_id -> the version in effect on `day` (YYYY-MM-DD), for documents that had one."""
    chosen = {}
    for doc_id in sorted({*data.documents, *data.superseded}):
        for record in data.versions(doc_id):  # newest first: the latest start wins an overlap
            if in_effect(record, day):
                chosen[doc_id] = record
                break
    return chosen


def version_by_prefix(data: ManifestData, doc_id: str, ref: str) -> DocumentRecord | None:
    """The one kept version of `doc_id` whose content hash starts with `ref` (4+ hex digits), or
    None when no version or several match."""
    found = [r for r in data.versions(doc_id) if len(ref) >= 4 and r.content_hash.startswith(ref.lower())]
    return found[0] if len(found) == 1 else None


def versions_snapshot(index: Index, day: str | None, pinned: dict[str, str] | None = None) -> Snapshot:
    """A snapshot of the versions in effect on `day` (None: the current ones), with the `pinned`
    versions (doc_id -> hash prefix) where they are still kept, read from the current manifest."""
    data = index.snapshot().data
    records = records_as_of(data, day) if day else dict(data.documents)
    for doc_id, ref in (pinned or {}).items():
        record = version_by_prefix(data, doc_id, ref)
        if record is not None:
            records[doc_id] = record
    view = data.model_copy(update={"documents": records, "superseded": {}})
    ids = frozenset(cid for rec in records.values() for cid in rec.chunk_ids)
    key = (data.index_id, corpus_version(records.values()))
    with _cache_lock:
        lexical = _cache.get(key)
        if lexical is not None:
            _cache.move_to_end(key)
    if lexical is None:
        lexical = LexicalIndex()
        lexical.replace_documents([], index.store.get(sorted(ids)))
        lexical.rebuild(key[1])
        with _cache_lock:
            _cache[key] = lexical
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    return Snapshot(view, lexical, ids)


def history(data: ManifestData, doc_id: str) -> list[DocumentVersion]:
    """The kept versions of a document, newest (current) first. Raises DocumentNotFoundError."""
    records = data.versions(doc_id)
    if not records:
        raise DocumentNotFoundError(doc_id)
    return [version_of(r) for r in records]


def find_version(data: ManifestData, doc_id: str, ref: str | None, default: int) -> DocumentRecord:
    """The version `ref` names (a prefix of its content hash, at least 4 hex digits), else the
    `default`-th newest (0 = current). Raises DocumentNotFoundError / VersionNotFoundError."""
    records = data.versions(doc_id)
    if not records:
        raise DocumentNotFoundError(doc_id)
    known = [r.content_hash[:12] for r in records]
    if ref is None:
        if default >= len(records):
            raise VersionNotFoundError(doc_id, "previous", known)
        return records[default]
    found = version_by_prefix(data, doc_id, ref)
    if found is None:
        raise VersionNotFoundError(doc_id, ref, known)
    return found


def stamp_versions(answer: Answer, data: ManifestData, as_of: str | None) -> Answer:
    """Each citation's document version, and the answer's list of versions cited (`data` is the
    manifest view the answer was retrieved from: current, or as of a date)."""
    answer.as_of = as_of
    seen: dict[str, DocumentVersion] = {}
    for citation in answer.citations:
        record = data.documents.get(citation.doc_id)
        if record is None:
            continue
        if citation.doc_id not in seen:
            seen[citation.doc_id] = version_of(record)
        citation.version = seen[citation.doc_id]
    answer.versions = list(seen.values())
    return answer
