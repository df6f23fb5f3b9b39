"""Corpus changes from the API, serialised by one lock: upload, delete, reindex.

Readers never wait for these: the index publishes each document's new version atomically, so a
question asked meanwhile sees the old version or the new one.
"""

from __future__ import annotations

import logging
import threading
import uuid
from pathlib import Path

from fastapi import HTTPException

from ingest.sync import remove_documents, sync
from rag.errors import DocumentNotFoundError, IngestError, UnsupportedFormatError
from rag.index import Index
from rag.types import IngestReport

log = logging.getLogger(__name__)


def uploads_dir(index: Index) -> Path:
    return index.data_dir / "uploads"


def origin_of(path: str, index: Index) -> str:
    parent = Path(path).parent
    if parent == uploads_dir(index):
        return "upload"
    corpus = index.settings.ingest.corpus_dir.expanduser().resolve()
    return "corpus" if parent == corpus or corpus in parent.parents else "other"


def ingest_upload(index: Index, lock: threading.Lock, tmp: Path,
                  name: str) -> tuple[int, IngestReport]:
    """Move the received file to uploads/<name> and sync it. 201 when added, 200 when updated or
    unchanged. On failure the previous file (and the indexed version) stay as they were."""
    target = uploads_dir(index) / name
    with lock:
        backup = None
        if target.exists():
            backup = target.with_name(f".previous-{uuid.uuid4().hex}")
            target.replace(backup)
        tmp.replace(target)
        try:
            report = sync(index, [target])
        except BaseException:
            _restore(target, backup)
            raise
        if report.failed or report.duplicates:
            _restore(target, backup)
        elif backup is not None:
            backup.unlink(missing_ok=True)
    if report.failed:
        error = report.failed[0].error.replace(str(target), name)
        if "unsupported file type" in error:
            raise UnsupportedFormatError(error)
        raise IngestError(f"{name} could not be ingested: {error}")
    if report.duplicates:
        raise HTTPException(
            409, f"{name} has the same content as the indexed document "
                 f"{report.duplicates[0].duplicate_of!r}; nothing was added. Delete that document "
                 f"first if you want it under the new name.")
    log.info("upload %s: added=%s updated=%s unchanged=%s", name, report.added, report.updated,
             report.unchanged)
    return (201 if report.added else 200), report


def _restore(target: Path, backup: Path | None) -> None:
    if backup is not None:
        backup.replace(target)
    else:
        target.unlink(missing_ok=True)


def delete_document(index: Index, lock: threading.Lock, doc_id: str) -> IngestReport:
    """Remove a document; an uploaded file goes too (a corpus file stays: reindex would bring it
    back, so the report warns)."""
    with lock:
        record = index.data.documents.get(doc_id)
        if record is None:
            raise DocumentNotFoundError(doc_id)
        report = remove_documents(index, [doc_id])
        path = Path(record.path)
        if origin_of(record.path, index) == "upload":
            path.unlink(missing_ok=True)
        elif path.exists():
            report.warnings.append(
                f"{doc_id}: its file {path.name} is still in {path.parent}; the next reindex "
                f"adds it again unless you remove the file.")
    return report


def reindex(index: Index, lock: threading.Lock) -> IngestReport:
    """Sync the configured corpus directory, pruning documents whose files are gone."""
    corpus = index.settings.ingest.corpus_dir.expanduser().resolve()
    if not corpus.is_dir():
        raise HTTPException(
            409, f"The corpus directory {corpus} does not exist: create it or point "
                 f"GUIDEQA_CORPUS_DIR at the directory of guideline files.")
    with lock:
        return sync(index, [corpus], prune=True)
