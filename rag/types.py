"""GuideQA's domain types, and nothing else.

A `Document` is one ingested file, normalised; a `Chunk` is a verbatim span of it with its
provenance; a `DocumentRecord` is what the manifest remembers of a committed document; an
`Answer` is the public JSON contract of `ask`.
"""

from __future__ import annotations

import secrets
import time
from typing import Any, Literal, get_args

from pydantic import BaseModel, Field

from rag.criteria.tree import CriteriaTreeResult, PolicyCriteria

DocType = Literal[
    "drug_label",
    "review",
    "abstract",
    "coverage_answer",
    "hepatotoxicity_monograph",
    "guideline",
    "payer_policy",
    "form",
    "other",
]
DOC_TYPES: tuple[str, ...] = get_args(DocType)

Verdict = Literal[
    "medically_necessary",
    "not_medically_necessary",
    "insufficient_information",
    "conflicting",
]
VERDICTS: tuple[str, ...] = get_args(Verdict)
CriterionStatus = Literal["met", "unmet", "unknown"]
AnswerMode = Literal["extractive", "llm"]


class DocumentMeta(BaseModel):
    """Descriptive metadata of a document, from front matter, a corpus manifest or the file."""

    title: str = Field(description="Human-readable title.")
    source: str | None = Field(default=None, description="Publisher or source of the document.")
    doc_type: DocType = Field(default="other", description="Kind of document.")
    date: str | None = Field(default=None, description="Date the text states, ISO-like, if any.")
    url: str | None = Field(default=None, description="Where the document was published, if known.")


class Document(BaseModel):
    """One file after loading and normalisation."""

    doc_id: str = Field(description="Stable id: the path relative to the ingest root, or explicit.")
    path: str = Field(description="Absolute path of the file it was read from.")
    meta: DocumentMeta
    text: str = Field(description="The normalised text; chunk offsets index into it.")
    page_starts: list[int] = Field(
        default_factory=list,
        description="For PDFs, the offset in `text` where each page starts (page n = index n-1).",
    )
    content_hash: str = Field(description="sha256 of the raw bytes.")
    warnings: list[str] = Field(default_factory=list, description="Non-fatal problems found.")
    ocr_pages: dict[int, float] = Field(
        default_factory=dict,
        description="PDF pages whose text came from OCR (1-based) -> mean OCR word confidence, 0-100.",
    )

    @property
    def n_pages(self) -> int | None:
        return len(self.page_starts) or None


class Chunk(BaseModel):
    """A verbatim span of a normalised document, with everything needed to cite it."""

    chunk_id: str = Field(description="Content hash of (doc_id, offsets, text).")
    doc_id: str
    text: str = Field(description="Exactly document.text[char_start:char_end].")
    title: str
    source: str | None = None
    doc_type: str = "other"
    page_start: int | None = Field(default=None, description="1-based first page (PDF only).")
    page_end: int | None = Field(default=None, description="1-based last page (PDF only).")
    section: str | None = Field(default=None, description="Heading path, joined by ' > '.")
    char_start: int
    char_end: int
    ordinal: int = Field(description="Position of the chunk in its document, from 0.")
    ocr: bool = Field(default=False, description="Some of its text was read by OCR (a scanned page).")

    def heading(self) -> str:
        """Its document's title, and its section path after ' > ' when it has one."""
        return self.title if not self.section else f"{self.title} > {self.section}"

    def embedding_text(self) -> str:
        """What gets embedded and indexed: the title and section give the span its context."""
        return f"{self.heading()}\n{self.text}"


class DocumentRecord(BaseModel):
    """What the manifest remembers of a committed document."""

    doc_id: str
    content_hash: str = Field(description="sha256 of the file's bytes.")
    config_hash: str = Field(
        default="", description="Hash of its metadata and the chunking settings it was cut with."
    )
    path: str = Field(description="Path it was ingested from (absolute).")
    root: str = Field(description="Directory it was ingested under (absolute); used by --prune.")
    meta: DocumentMeta
    chunk_ids: list[str]
    n_pages: int | None = None
    ocr_pages: dict[int, float] = Field(
        default_factory=dict, description="Pages whose text came from OCR -> mean OCR confidence, 0-100."
    )
    ingested_at: str = Field(description="UTC ISO timestamp of the commit.")
    effective_from: str | None = Field(
        default=None, description="First day in effect (YYYY-MM-DD): the date the text states "
        "('Effective Date', 'Review Date'), else the metadata date; None when neither is known.")
    effective_to: str | None = Field(
        default=None, description="For a superseded version: the day the next version took effect.")
    warnings: list[str] = Field(default_factory=list)
    criteria: list[PolicyCriteria] = Field(
        default_factory=list, description="Coverage criteria trees extracted at ingest (payer policies)."
    )
    criteria_drugs: list[str] = Field(
        default_factory=list, description="The drugs the criteria cover, brand and generic, most used first."
    )


class Filters(BaseModel):
    """Metadata filters for retrieval; None means no restriction."""

    doc_ids: list[str] | None = Field(default=None, description="Only these documents.")
    doc_types: list[str] | None = Field(default=None, description="Only these document types.")
    as_of: str | None = Field(
        default=None, description="Answer from the document versions in effect on this date (YYYY-MM-DD) "
        "instead of the current ones.")
    pinned: dict[str, str] | None = Field(
        default=None, description="Answer from these versions (doc_id -> content hash or a prefix of 4+ "
        "hex digits) where they are still kept; other documents as usual (replays of audited answers).")

    def is_empty(self) -> bool:
        """No metadata restriction (`as_of` chooses versions, it restricts no chunk of them)."""
        return not self.doc_ids and not self.doc_types


class DocumentVersion(BaseModel):
    """One version of a document: what a citation or an answer says it used."""

    doc_id: str
    version: str = Field(description="The first 12 hex digits of the version's content hash.")
    effective_from: str | None = Field(default=None, description="First day in effect (YYYY-MM-DD), if known.")
    effective_to: str | None = Field(
        default=None, description="First day of the next version, for a superseded version.")
    current: bool = Field(default=True, description="False for a superseded version.")
    ingested_at: str | None = None


class FailedFile(BaseModel):
    path: str
    error: str


class DuplicateFile(BaseModel):
    path: str
    duplicate_of: str = Field(description="doc_id of the document with the same content.")


class IngestReport(BaseModel):
    """The result of one `ingest` run; `--json` prints it."""

    added: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    failed: list[FailedFile] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list, description="Files of unsupported types.")
    duplicates: list[DuplicateFile] = Field(default_factory=list)
    repaired: list[str] = Field(
        default_factory=list, description="Documents found half-written by a crash and redone."
    )
    warnings: list[str] = Field(default_factory=list)
    chunks_embedded: int = 0
    quotes_embedded: int = Field(default=0, description="Quote vectors stored (the sentences answers cite).")
    ocr_pages: int = Field(default=0, description="PDF pages read by OCR in this run.")
    ocr_seconds: float = Field(default=0.0, description="Seconds spent on OCR (wall clock, pages in parallel).")
    seconds: float = 0.0
    corpus_version: str = ""


# ---------------------------------------------------------------- answering (public contract)


class Context(BaseModel):
    """A retrieved chunk, in rank order."""

    chunk_id: str
    doc_id: str
    title: str
    page: int | None = None
    score: float = Field(description="The retriever's final score (fused, then mixed with the reranker's).")
    relevance: float | None = Field(
        default=None, description="The cross-encoder's relevance score (a logit; > 0 = relevant by "
        "MS MARCO's standard), when it read this passage.")
    text: str


class Citation(BaseModel):
    id: int = Field(description="The number used by the inline marker [id].")
    chunk_id: str
    doc_id: str
    title: str
    page: int | None = None
    section: str | None = None
    quote: str = Field(description="A verbatim span of `text`.")
    version: DocumentVersion | None = Field(default=None, description="The version of the document quoted.")
    text: str = Field(description="The full text of the cited chunk.")
    ocr: bool = Field(default=False, description="The cited text was read by OCR from a scanned page.")


class Criterion(BaseModel):
    criterion: str
    status: CriterionStatus
    citations: list[int] = Field(default_factory=list)


class Conflict(BaseModel):
    summary: str
    citations: list[int] = Field(default_factory=list)


class Timings(BaseModel):
    retrieve: float = 0.0
    generate: float = 0.0
    total: float = 0.0


def new_answer_id() -> str:
    """32 hex digits: milliseconds since the epoch (12), then 80 random bits; sorts by time."""
    return f"{time.time_ns() // 1_000_000:012x}{secrets.token_hex(10)}"


class Answer(BaseModel):
    """The answer to one question: the public JSON contract of `ask`."""

    answer_id: str = Field(
        default_factory=new_answer_id,
        description="Unique id of this answer (time-sortable); the audit trail records it "
        "(GET /v1/answers/{answer_id}).",
    )
    question: str
    answer: str = Field(description="Prose with inline markers [1], [2] referring to citations.")
    verdict: Verdict | None = Field(
        default=None, description="Set only for medical-necessity questions, in llm mode."
    )
    answerable: bool = Field(description="False when the corpus does not cover the question.")
    criteria: list[Criterion] = Field(default_factory=list)
    missing_information: list[str] = Field(default_factory=list)
    conflicts: list[Conflict] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    contexts: list[Context] = Field(default_factory=list)
    mode: AnswerMode
    model: str | None = None
    prompt_version: str | None = None
    corpus_version: str
    timings_ms: Timings = Field(default_factory=Timings)
    unsupported_sentences: list[str] = Field(
        default_factory=list, description="Sentences left without a valid citation (llm mode)."
    )
    dropped_citations: list[str] = Field(
        default_factory=list, description="Why each citation the verifier removed failed."
    )
    as_of: str | None = Field(default=None, description="The date whose document versions answered, if asked.")
    versions: list[DocumentVersion] = Field(
        default_factory=list, description="The versions of the cited documents this answer used.")
    criteria_tree: CriteriaTreeResult | None = Field(
        default=None,
        description="For a medical-necessity question that a policy's criteria tree covers: the tree "
        "chosen (and why), every criterion checked against the request, and the result that decides "
        "the verdict. Null when no tree applies.",
    )


# ---------------------------------------------------------------- streaming an answer


class ContextsEvent(BaseModel):
    """First event of a streamed answer: the retrieved passages, in rank order."""

    event: Literal["contexts"] = "contexts"
    contexts: list[Context]


class TokenEvent(BaseModel):
    """llm mode: a piece of the answer text as the model writes it (unverified)."""

    event: Literal["token"] = "token"
    text: str


class AnswerEvent(BaseModel):
    """Last event: the verified answer, the same one `ask` returns."""

    event: Literal["answer"] = "answer"
    answer: Answer


StreamEvent = ContextsEvent | TokenEvent | AnswerEvent


# ---------------------------------------------------------------- the audit trail


class CitedVersion(BaseModel):
    """A document an answer cites, and the version of it that was indexed when it answered."""

    doc_id: str
    content_hash: str | None = Field(
        description="First 12 hex digits of the document's content hash (sha256 of its bytes); "
        "null if the document was no longer indexed when the answer was recorded."
    )


class AuditRecord(BaseModel):
    """One recorded answer (GUIDEQA_AUDIT=true): what GET /v1/answers/{answer_id} returns."""

    answer_id: str
    recorded_at: str = Field(description="UTC ISO timestamp.")
    key_id: str = Field(
        description="Who asked: 'key:' + a fingerprint of the API key (never the key), "
        "'anonymous' without one, 'cli' from the command line."
    )
    mode: AnswerMode
    model: str | None = None
    prompt_version: str | None = None
    corpus_version: str
    top_k: int | None = Field(default=None, description="top_k requested (null: the default).")
    filters: Filters | None = None
    documents: list[CitedVersion] = Field(default_factory=list, description="Documents cited.")
    verdict: Verdict | None = None
    answerable: bool
    criteria: dict[str, Any] = Field(
        default_factory=dict,
        description="Criteria statuses: `criteria` [{criterion, status}] and, when a criteria tree "
        "applied, `tree` {doc_id, indication, line, result, leaves [{label, text, status}]}.",
    )
    question_sha256: str = Field(description="sha256 of the question text (always stored).")
    question: str | None = Field(
        default=None, description="The question text, only when GUIDEQA_AUDIT_QUESTIONS=true."
    )
    answer: Answer = Field(
        description="The full answer; without GUIDEQA_AUDIT_QUESTIONS its `question` is blank and "
        "its criteria-tree leaves carry no `evidence` quoted from the request."
    )


class ReplayReport(BaseModel):
    """`guideqa audit replay`: a recorded answer asked again, and what differs."""

    answer_id: str = Field(description="The recorded answer.")
    replay_answer_id: str = Field(description="The new answer (not recorded).")
    verdict_same: bool
    criteria_same: bool = Field(description="The criteria statuses (list and tree) are equal.")
    citations_same: bool = Field(description="The citations' (doc_id, quote) pairs are equal, in order.")
    documents_changed: list[str] = Field(
        default_factory=list,
        description="Cited documents whose content hash differs now, or that are no longer indexed.",
    )
    versions_missing: list[str] = Field(
        default_factory=list, description="Changed documents whose recorded version is no longer kept "
        "(GUIDEQA_MAX_VERSIONS, or removed): replayed against the current version instead.")
    differences: list[str] = Field(default_factory=list, description="What differs, one line each.")

    @property
    def same(self) -> bool:
        """The same verdict, criteria and citations, from the recorded versions."""
        return self.verdict_same and self.criteria_same and self.citations_same and not self.versions_missing
