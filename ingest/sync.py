"""Incremental, crash-safe sync of files into the index.

Per run: recover from a crashed run if needed, then for each file decide unchanged / duplicate /
added / updated, and for a changed document: embed, upsert its chunks, commit its record (atomic
rename of the manifest), then delete its stale chunks. Pruning and the BM25 rebuild come last.
A SIGKILL at any point leaves committed records whose chunks are all stored, plus orphans that
the next run deletes; a record is never committed before its chunks.
"""

from __future__ import annotations

import logging
import os
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from ingest.loaders import discover
from ingest.ocr_pages import PageOcr
from ingest.pipeline import Prepared, config_hash, file_hash, prepare
from ingest.progress import NullProgress, SyncProgress
from ingest.recovery import recover, refresh_lexical
from rag.atomic import exclusive_lock
from rag.errors import IngestError
from rag.index import Index
from rag.lexical import LEXICAL_FILE, LexicalIndex
from rag.manifest import ManifestData
from rag.quotes import embed_chunks
from rag.types import DocumentRecord, DuplicateFile, FailedFile, IngestReport
from rag.versions.dates import iso_date, stated_effective_date
from rag.versions.select import starts

log = logging.getLogger(__name__)

PlanStatus = Literal["unchanged", "duplicate", "changed", "error"]


@dataclass(frozen=True)
class Plan:
    """What a run will do with one file, decided before any file is parsed."""

    path: Path
    root: Path
    status: PlanStatus
    content_hash: str = ""  # of the file's bytes ("" when it could not be read)
    record: DocumentRecord | None = None  # its committed record, or the duplicate's original
    error: str = ""  # why it cannot be read (status "error")


class _Run:
    """State of one sync run."""

    def __init__(self, index: Index, progress: SyncProgress) -> None:
        self.index = index
        self.progress = progress
        self.report = IngestReport()
        self.data: ManifestData = index.manifest.load()
        self.by_path = {rec.path: rec for rec in self.data.documents.values()}
        self.seen_docs: set[str] = set()
        self.first_path: dict[str, Path] = {}  # content hash -> first file seen with it
        self.doc_of_path: dict[Path, str] = {}
        self.changed_docs: dict[str, list] = {}
        self.journal_open = False

    # ------------------------------------------------------------------ per file
    def classify(self, path: Path, root: Path) -> Plan:
        """Unchanged, duplicate (of a file seen earlier in this run or committed before) or
        changed (new or updated); 'error' when the file cannot be read."""
        try:
            content = file_hash(path)
        except OSError as exc:
            return Plan(path, root, "error", error=f"cannot read the file: {exc}")
        record = self.by_path.get(str(path.resolve()))
        if content in self.first_path:
            return Plan(path, root, "duplicate", content)
        if record is None:
            for other in self.data.documents.values():
                if other.content_hash == content and Path(other.path).exists():
                    return Plan(path, root, "duplicate", content, other)
        self.first_path[content] = path  # later files with these bytes are its duplicates
        if record is not None and record.content_hash == content and record.config_hash == config_hash(
            path, self.index.settings.ingest
        ):
            return Plan(path, root, "unchanged", content, record)
        return Plan(path, root, "changed", content, record)

    def commit(self, prepared: Prepared, root: Path) -> None:
        doc = prepared.document
        if doc.doc_id in self.seen_docs:
            raise IngestError(
                f"{doc.path}: its id {doc.doc_id!r} is already taken by another file in this run; "
                f"give one of them an explicit `id` in metadata.toml or its front matter."
            )
        old = self.data.documents.get(doc.doc_id)
        self._open_journal()
        chunks = prepared.chunks
        embedded = embed_chunks(chunks, self.index.embedder,
                                batch_size=self.index.settings.embedder.batch_size,
                                parallel=self.index.settings.embedder.ingest_runs(),
                                progress=self.progress.embedded)
        self.index.store.add(chunks, embedded.vectors)
        self.index.store.add_quotes(embedded.quotes)
        record = DocumentRecord(
            doc_id=doc.doc_id,
            content_hash=doc.content_hash,
            config_hash=prepared.config_hash,
            path=doc.path,
            root=str(root.resolve()),
            meta=doc.meta,
            chunk_ids=[c.chunk_id for c in chunks],
            n_pages=doc.n_pages,
            ocr_pages=doc.ocr_pages,
            ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
            effective_from=stated_effective_date(doc.text) or iso_date(doc.meta.date),
            warnings=doc.warnings,
            criteria=prepared.criteria,
            criteria_drugs=prepared.criteria_drugs,
        )
        self.data.documents[doc.doc_id] = record
        dropped = self._supersede(old, record) if old is not None else []
        self.index.publish(self.data)  # the commit point
        if old is not None:
            referenced = self.data.referenced_ids()
            stale = ({c for rec in dropped for c in rec.chunk_ids} | set(old.chunk_ids)) - referenced
            self.index.store.delete(sorted(stale))
            self.report.updated.append(doc.doc_id)
        else:
            self.report.added.append(doc.doc_id)
        self.report.chunks_embedded += len(chunks)
        self.report.quotes_embedded += embedded.n_quotes
        self.report.ocr_pages += len(doc.ocr_pages)
        self.report.ocr_seconds = round(self.report.ocr_seconds + prepared.ocr_seconds, 3)
        self.report.warnings.extend(f"{doc.doc_id}: {w}" for w in doc.warnings)
        self.changed_docs[doc.doc_id] = chunks
        self.seen_docs.add(doc.doc_id)

    def _supersede(self, old: DocumentRecord, new: DocumentRecord) -> list[DocumentRecord]:
        """Keep `old` as the newest superseded version when its content changed (a new chunking of
        the same bytes replaces it); returns the versions dropped beyond `max_versions`."""
        if old.content_hash == new.content_hash:
            return []
        closed = old.model_copy(update={"effective_to": starts(new)})
        versions = [closed, *self.data.superseded.get(old.doc_id, [])]
        keep = self.index.settings.ingest.max_versions - 1
        self.data.superseded[old.doc_id] = versions[:keep]
        if not self.data.superseded[old.doc_id]:
            del self.data.superseded[old.doc_id]
        return versions[keep:]

    def _open_journal(self) -> None:
        if not self.journal_open:
            self.index.manifest.begin({"pid": os.getpid(), "started": time.time()})
            self.journal_open = True

    # ------------------------------------------------------------------ pruning
    def prune(self, roots: list[Path]) -> None:
        root_strs = {str(r.resolve()) for r in roots if r.is_dir()}
        for doc_id, record in sorted(self.data.documents.items()):
            if record.root in root_strs and doc_id not in self.seen_docs:
                self.remove(doc_id)

    def remove(self, doc_id: str) -> None:
        """Uncommit the record, then delete its chunks."""
        self._open_journal()
        record = self.data.documents.pop(doc_id)
        old = self.data.superseded.pop(doc_id, [])
        self.index.publish(self.data)
        ids = {c for rec in [record, *old] for c in rec.chunk_ids} - self.data.referenced_ids()
        self.index.store.delete(sorted(ids))
        self.changed_docs[doc_id] = []
        self.report.removed.append(doc_id)


def sync(
    index: Index,
    paths: list[Path],
    *,
    prune: bool = False,
    progress: SyncProgress | None = None,
) -> IngestReport:
    """Bring the index in line with the files under `paths`; see the module docstring."""
    started = time.perf_counter()
    progress = progress or NullProgress()
    with exclusive_lock(index.data_dir / ".lock"):
        repaired = recover(index)
        run = _Run(index, progress)
        run.report.repaired = repaired
        _ingest_files(run, paths)
        if prune:
            run.prune(paths)
        if run.data.embedder is None or run.data.dim is None:
            run.data.embedder, run.data.dim = index.embedder.name, index.embedder.dim
            index.publish(run.data)
        refresh_lexical(index, run.data, run.changed_docs)
        index.manifest.end()
    run.report.corpus_version = run.data.corpus_version
    run.report.seconds = round(time.perf_counter() - started, 3)
    return run.report


def _ingest_files(run: _Run, paths: list[Path]) -> None:
    files, skipped = discover(paths)
    run.report.skipped = [str(p) for p in skipped]
    run.progress.start(len(files))
    ocr = PageOcr.from_settings(run.index.settings.ingest, progress=run.progress)  # one engine check a run
    # Parse the next file on a worker thread while this one is embedded (the embedder
    # releases the GIL), so ingestion costs little more than embedding alone.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="parse") as pool:
        plans = [run.classify(path, root) for path, root in files]
        futures: dict[int, Future[Prepared]] = {}

        def submit(i: int) -> None:
            if i < len(plans) and plans[i].status == "changed" and i not in futures:
                plan = plans[i]
                futures[i] = pool.submit(prepare, plan.path, plan.root, run.index.settings.ingest,
                                         plan.content_hash, ocr)

        for i in range(min(2, len(plans))):
            submit(i)
        for i, plan in enumerate(plans):
            submit(i + 1)
            run.progress.file_started(plan.path)
            _handle(run, plan, futures.pop(i, None))
            run.progress.file_done(plan.path)


def _handle(run: _Run, plan: Plan, future: Future[Prepared] | None) -> None:
    report, path = run.report, plan.path
    if plan.status == "error":
        report.failed.append(FailedFile(path=str(path), error=plan.error))
        return
    if plan.status == "unchanged":
        assert plan.record is not None
        report.unchanged.append(plan.record.doc_id)
        run.seen_docs.add(plan.record.doc_id)
        run.doc_of_path[path] = plan.record.doc_id
        return
    if plan.status == "duplicate":
        first = run.first_path[plan.content_hash] if plan.record is None else plan.path
        dup_of = plan.record.doc_id if plan.record is not None else run.doc_of_path.get(first, str(first))
        report.duplicates.append(DuplicateFile(path=str(path), duplicate_of=dup_of))
        return
    assert future is not None
    try:
        prepared = future.result()
    except Exception as exc:  # one bad file must never stop the batch
        message = str(exc) if isinstance(exc, IngestError) else f"unexpected error: {exc!r}"
        report.failed.append(FailedFile(path=str(path), error=message))
        if plan.record is not None:  # keep the previous version: a bad update loses nothing
            run.seen_docs.add(plan.record.doc_id)
        log.warning("failed %s: %s", path, message, exc_info=not isinstance(exc, IngestError))
        return
    try:
        run.commit(prepared, plan.root)
    except IngestError as exc:  # an id collision; store errors propagate and stop the run
        report.failed.append(FailedFile(path=str(path), error=str(exc)))
        return
    run.doc_of_path[path] = prepared.document.doc_id


def remove_documents(index: Index, doc_ids: list[str]) -> IngestReport:
    """Remove documents (record first, then chunks) and rebuild the BM25 index."""
    from rag.errors import DocumentNotFoundError

    started = time.perf_counter()
    with exclusive_lock(index.data_dir / ".lock"):
        recover(index)
        run = _Run(index, NullProgress())
        for doc_id in doc_ids:
            if doc_id not in run.data.documents:
                raise DocumentNotFoundError(doc_id)
            run.remove(doc_id)
        refresh_lexical(index, run.data, run.changed_docs)
        index.manifest.end()
    run.report.corpus_version = run.data.corpus_version
    run.report.seconds = round(time.perf_counter() - started, 3)
    return run.report


def reset_index(index: Index) -> None:
    """Drop every chunk, the manifest and the BM25 index (for --reindex)."""
    with exclusive_lock(index.data_dir / ".lock"):
        index.manifest.begin({"pid": os.getpid(), "reset": True})
        index.store.reset()
        fresh = ManifestData(index_id=index.manifest.load().index_id)
        index.publish(fresh, LexicalIndex())
        (index.data_dir / LEXICAL_FILE).unlink(missing_ok=True)
        index.manifest.end()
