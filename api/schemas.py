"""Request and response schemas of the HTTP API (the wire format), separate from the core types.

The answer itself is the core's public contract, `rag.types.Answer`, re-exported here as
`AnswerPublic` so the API documents exactly what `guideqa ask --json` prints.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from rag.types import Answer, AnswerMode, AuditRecord, Context, DocType, DocumentRecord, IngestReport

AnswerPublic = Answer
AnswerRecordPublic = AuditRecord
IngestReportPublic = IngestReport

__all__ = [
    "AnswerPublic", "AnswerRecordPublic", "AskFilters", "AskRequest", "ChunkPublic", "CorpusInfo", "DocumentDetail",
    "DocumentSummary", "IngestReportPublic", "Problem", "ReadyStatus", "Context",
]


class AskFilters(BaseModel):
    """Restrict retrieval to some documents or document types."""

    model_config = ConfigDict(extra="forbid")

    doc_ids: list[str] | None = Field(default=None, description="Only these document ids.")
    doc_types: list[DocType] | None = Field(default=None, description="Only these document types.")


class AskRequest(BaseModel):
    """One question. Question text may carry patient details: it is never logged by default."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{
            "question": "Is luspatercept medically necessary for a patient with lower-risk MDS "
                        "with ring sideroblasts who failed ESAs?",
            "top_k": 8,
            "mode": "extractive",
        }]},
    )

    question: str = Field(min_length=1, max_length=4000,
                          description="The question, 1-4000 characters.")
    top_k: int | None = Field(default=None, ge=1, le=50, description="Passages to retrieve (1-50).")
    filters: AskFilters | None = Field(default=None, description="Optional retrieval filters.")
    as_of: date | None = Field(
        default=None, description="Answer from the document versions in effect on this date (YYYY-MM-DD), "
        "e.g. the date of service, instead of the current ones. The answer's `versions` and each "
        "citation's `version` say which were used.")
    mode: AnswerMode | None = Field(
        default=None,
        description="'extractive' (verbatim evidence, no verdict) or 'llm' (needs GUIDEQA_LLM on "
                    "the server). Default: llm when the server has one configured.",
    )

    @field_validator("question")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("the question is blank: write the question to answer")
        return value


class ChunkPublic(BaseModel):
    chunk_id: str
    ordinal: int = Field(description="Position of the chunk in its document, from 0.")
    text: str
    section: str | None = None
    page_start: int | None = None
    page_end: int | None = None
    char_start: int
    char_end: int


class DocumentSummary(BaseModel):
    doc_id: str
    title: str
    source: str | None = None
    doc_type: str
    date: str | None = None
    url: str | None = None
    file_name: str = Field(description="Name of the file it was ingested from (no directory).")
    origin: Literal["corpus", "upload", "other"] = Field(
        description="'corpus' (the configured corpus directory), 'upload' (POST /v1/documents)."
    )
    n_chunks: int
    n_pages: int | None = None
    n_criteria: int = Field(default=0, description="Coverage criteria trees extracted (payer policies).")
    ingested_at: str
    content_hash: str
    warnings: list[str] = Field(default_factory=list)

    @classmethod
    def from_record(cls, record: DocumentRecord, origin: str) -> DocumentSummary:
        meta = record.meta
        return cls(
            doc_id=record.doc_id, title=meta.title, source=meta.source, doc_type=meta.doc_type,
            date=meta.date, url=meta.url,
            file_name=record.path.replace("\\", "/").rsplit("/", 1)[-1],
            origin=origin, n_chunks=len(record.chunk_ids), n_pages=record.n_pages,
            n_criteria=len(record.criteria),
            ingested_at=record.ingested_at, content_hash=record.content_hash,
            warnings=record.warnings,
        )


class DocumentDetail(DocumentSummary):
    chunks: list[ChunkPublic] = Field(description="The document's chunks, in document order.")


class AuthInfo(BaseModel):
    writes_require_key: bool = Field(description="Uploads, deletes and reindex need a Bearer key.")
    ask_requires_key: bool = Field(description="Asking needs a Bearer key too.")


class CorpusInfo(BaseModel):
    corpus_version: str
    documents: int
    chunks: int
    doc_types: dict[str, int] = Field(description="Documents per document type.")
    embedder: str
    embedding_dim: int | None = None
    llm: str | None = Field(default=None,
                            description="The configured LLM, or null (extractive only).")
    default_mode: AnswerMode
    max_upload_mb: float
    auth: AuthInfo


class ReadyStatus(BaseModel):
    status: Literal["ready", "not ready"]
    checks: dict[str, str] = Field(description="Each check and its outcome ('ok' or the reason).")


class Problem(BaseModel):
    """RFC 9457 problem details; extension members may follow (`errors`, `evidence`)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="A URI identifying the kind of problem.")
    title: str
    status: int
    detail: str = Field(description="What went wrong and how to fix it.")
    instance: str | None = Field(default=None, description="The request path.")
    errors: list[dict[str, Any]] | None = Field(default=None, description="Invalid fields (422).")
    evidence: Answer | None = Field(
        default=None, description="With 503 from ask: the extractive answer from the same evidence."
    )
