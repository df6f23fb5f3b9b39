"""The corpus: list, read, upload, delete documents, and reindex the corpus directory."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from api import ingestion, uploads
from api.deps import IndexDep, IngestLockDep, SettingsDep, WriteKey
from api.schemas import ChunkPublic, DocumentDetail, DocumentSummary, IngestReportPublic, Problem
from rag.criteria.documents import document_criteria
from rag.criteria.fhir import questionnaire
from rag.criteria.tree import DocumentCriteria
from rag.errors import DocumentNotFoundError
from rag.types import DocumentVersion
from rag.versions.diff import VersionDiff, diff_versions
from rag.versions.select import find_version, history

router = APIRouter(tags=["documents"])

_AUTH: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "An API key is required (GUIDEQA_API_KEYS)."}}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Problem, "description": "No document with that id."}}


@router.get("/v1/documents", response_model=list[DocumentSummary], summary="List the documents")
def list_documents(index: IndexDep) -> list[DocumentSummary]:
    records = sorted(index.data.documents.values(), key=lambda r: r.doc_id)
    return [DocumentSummary.from_record(r, ingestion.origin_of(r.path, index)) for r in records]


@router.get(
    "/v1/documents/{doc_id:path}/criteria", response_model=DocumentCriteria,
    responses={**_NOT_FOUND, 200: {"content": {"application/fhir+json": {}}, "description": (
        "The document's criteria trees (JSON), or with format=fhir an HL7 FHIR R4 Questionnaire in "
        "the style of Da Vinci DTR (extensions documented in the README).")}},
    summary="A document's coverage criteria trees (JSON or FHIR Questionnaire)")
def get_criteria(doc_id: str, index: IndexDep, format: Literal["json", "fhir"] = "json",
                 indication: str | None = None) -> DocumentCriteria | JSONResponse:
    """One tree per drug x indication x line of therapy, every criterion verbatim with its page and
    offsets. Documents without coverage criteria have an empty `policies` list. (A document whose
    own id ends in "/criteria", from a file criteria.pdf in a folder, is returned as such.)"""
    record = index.data.documents.get(doc_id)
    if record is None and f"{doc_id}/criteria" in index.data.documents:
        return JSONResponse(get_document(f"{doc_id}/criteria", index).model_dump(mode="json"))
    if record is None:
        raise DocumentNotFoundError(doc_id)
    found = document_criteria(record, indication)
    if format == "fhir":
        body = questionnaire(found.doc_id, found.title, found.policies, record.ingested_at)
        return JSONResponse(body, media_type="application/fhir+json")
    return found


@router.get("/v1/documents/{doc_id:path}/versions", response_model=list[DocumentVersion], responses=_NOT_FOUND,
            summary="A document's kept versions, newest (current) first")
def get_versions(doc_id: str, index: IndexDep) -> list[DocumentVersion]:
    """Each version's content hash (12 hex), effective dates (from the text or metadata; a
    superseded version ends where the next begins) and ingest time."""
    return history(index.data, doc_id)


@router.get("/v1/documents/{doc_id:path}/diff", response_model=VersionDiff, responses={
    **_NOT_FOUND, 404: {"model": Problem, "description": "No such document, or no such version."}},
    summary="What changed between two versions of a document")
def get_diff(doc_id: str, index: IndexDep, from_version: Annotated[str | None, Query(alias="from")] = None,
             to_version: Annotated[str | None, Query(alias="to")] = None) -> VersionDiff:
    """Criteria added, removed and reworded per tree (payer policies), and the text changed by
    section. `from` / `to` are version hash prefixes (at least 4 hex digits); by default the
    previous version and the current one."""
    data = index.data
    old = find_version(data, doc_id, from_version, default=1)
    new = find_version(data, doc_id, to_version, default=0)
    return diff_versions(index.store, old, new)


@router.get("/v1/documents/{doc_id:path}", response_model=DocumentDetail, responses=_NOT_FOUND,
            summary="One document's metadata and its chunks")
def get_document(doc_id: str, index: IndexDep) -> DocumentDetail:
    record = index.data.documents.get(doc_id)
    if record is None:
        raise DocumentNotFoundError(doc_id)
    chunks = sorted(index.store.get(record.chunk_ids), key=lambda c: c.ordinal)
    summary = DocumentSummary.from_record(record, ingestion.origin_of(record.path, index))
    return DocumentDetail(**summary.model_dump(), chunks=[
        ChunkPublic(**c.model_dump(include=set(ChunkPublic.model_fields))) for c in chunks])


@router.post(
    "/v1/documents", response_model=IngestReportPublic, status_code=201, dependencies=[WriteKey],
    summary="Upload a PDF, .docx, .html, .txt or .md file and ingest it",
    responses={200: {"model": IngestReportPublic, "description": "Replaced (or unchanged)."},
               **_AUTH,
               409: {"model": Problem, "description": "Same content as another document."},
               413: {"model": Problem, "description": "Over GUIDEQA_MAX_UPLOAD_MB."},
               415: {"model": Problem, "description": "Unsupported type, or bytes that do not "
                                                      "match the extension."},
               422: {"model": Problem, "description": "The file could not be ingested."}},
)
async def upload_document(
    file: Annotated[UploadFile, File(description="A PDF, .docx, .html/.htm, .txt or .md file.")],
    response: Response, index: IndexDep, lock: IngestLockDep, settings: SettingsDep,
) -> IngestReportPublic:
    """The document id is the file's name without its extension (reduced to letters, digits,
    '.', '_' and '-'). Uploading a file with the same name replaces that document: 201 when
    added, 200 when replaced or unchanged. Ingestion is serialised; questions asked meanwhile see
    the old version or the new one."""
    name = uploads.safe_name(file.filename)
    suffix = uploads.check_type(name)
    max_mb = settings.api.max_upload_mb
    tmp, head, has_nul = await run_in_threadpool(
        uploads.save_stream, file.file, ingestion.uploads_dir(index),
        uploads.limit_bytes(max_mb), max_mb)
    try:
        uploads.check_bytes(name, suffix, head, has_nul, tmp)
        status, report = await run_in_threadpool(ingestion.ingest_upload, index, lock, tmp, name)
    finally:
        tmp.unlink(missing_ok=True)
    response.status_code = status
    return report


@router.delete("/v1/documents/{doc_id:path}", response_model=IngestReportPublic,
               dependencies=[WriteKey], responses={**_AUTH, **_NOT_FOUND},
               summary="Remove a document and its chunks")
def delete_document(doc_id: str, index: IndexDep, lock: IngestLockDep) -> IngestReportPublic:
    """Uploaded files are deleted too; a file in the corpus directory stays (the report warns
    that the next reindex adds it again)."""
    return ingestion.delete_document(index, lock, doc_id)


@router.post("/v1/reindex", response_model=IngestReportPublic, dependencies=[WriteKey],
             responses={**_AUTH, 409: {"model": Problem, "description": "No corpus directory."}},
             summary="Sync the configured corpus directory (with prune)", tags=["corpus"])
def reindex(index: IndexDep, lock: IngestLockDep) -> IngestReportPublic:
    """Ingests new and changed files of GUIDEQA_CORPUS_DIR and removes documents whose files are
    gone from it. Uploaded documents are kept."""
    return ingestion.reindex(index, lock)
