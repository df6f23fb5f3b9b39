"""One file to one document and its chunks: load, normalise, chunk. Pure CPU, no store."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ingest.chunking import chunk_document
from ingest.loaders import load_file, read_directory_metadata
from ingest.normalize import normalize_pages
from ingest.ocr_pages import PageOcr
from rag.criteria.extract import extract_document_criteria
from rag.criteria.tree import PolicyCriteria
from rag.errors import EmptyDocumentError
from rag.settings import IngestSettings
from rag.types import Chunk, Document

PIPELINE_VERSION = "5"  # bump when loading, normalisation, chunking, quotes or criteria extraction changes

log = logging.getLogger(__name__)


@dataclass
class Prepared:
    document: Document
    chunks: list[Chunk]
    config_hash: str
    criteria: list[PolicyCriteria] = field(default_factory=list)
    criteria_drugs: list[str] = field(default_factory=list)
    ocr_seconds: float = 0.0


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def config_hash(path: Path, settings: IngestSettings) -> str:
    """What, besides the bytes, decides a document's chunks: its listed metadata and settings."""
    listed = read_directory_metadata(path.parent).get(path.name, {})
    payload = {
        "meta": listed,
        "chunk_size": settings.chunk_size,
        "chunk_overlap": settings.chunk_overlap,
        "ocr": [settings.ocr, settings.ocr_engine, settings.ocr_dpi],
        "pipeline": PIPELINE_VERSION,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]


def path_doc_id(path: Path, root: Path) -> str:
    """The stable id of a file: its path under the ingest root, without the extension."""
    try:
        rel = path.resolve().relative_to(root.resolve())
    except ValueError:
        rel = Path(path.name)
    return str(PurePosixPath(*rel.parts).with_suffix(""))


def listed_doc_id(path: Path) -> str | None:
    """An explicit id given in the directory's metadata file, if any."""
    value = read_directory_metadata(path.parent).get(path.name, {}).get("id")
    return str(value) if value else None


def prepare(path: Path, root: Path, settings: IngestSettings, content_hash: str,
            ocr: PageOcr | None = None) -> Prepared:
    """Load, normalise and chunk one file. Raises an IngestError subclass on bad input.

    PDF pages are OCR'd as `ocr` says, by default as the settings say (GUIDEQA_OCR ...).
    """
    ocr = ocr or PageOcr.from_settings(settings)
    loaded = load_file(path, max_bytes=int(settings.max_file_mb * 1024 * 1024), ocr=ocr)
    text, page_starts, _removed = normalize_pages(loaded.pages)
    document = Document(
        doc_id=loaded.explicit_id or path_doc_id(path, root),
        path=str(path.resolve()),
        meta=loaded.meta,
        text=text,
        page_starts=page_starts if loaded.paged else [],
        content_hash=content_hash,
        warnings=list(loaded.warnings),
        ocr_pages=loaded.ocr_pages,
    )
    chunks = chunk_document(document, settings.chunk_size, settings.chunk_overlap)
    if not chunks:
        raise EmptyDocumentError(f"{path.name}: no text left to index after normalisation.")
    criteria, drugs = _criteria(document)
    return Prepared(document, chunks, config_hash(path, settings), criteria, drugs, loaded.ocr_seconds)


def _criteria(document: Document) -> tuple[list[PolicyCriteria], list[str]]:
    """The document's coverage criteria trees; a failure costs the trees, never the document."""
    try:
        return extract_document_criteria(document.text, document.page_starts)
    except Exception as exc:  # a parser bug on an odd document must not fail its ingest
        log.warning("criteria extraction failed for %s", document.doc_id, exc_info=True)
        document.warnings.append(f"coverage criteria could not be extracted ({type(exc).__name__}: {exc}); "
                                 f"the document is searchable, but no criteria tree is checked against it")
        return [], []
