"""GuideQA's error hierarchy. Every user-facing message says how to fix the problem.

GuideQAError
├── ConfigurationError         a setting is missing or invalid
│   ├── UnknownBackendError    a "provider:model" string names no backend we know
│   └── MissingCredentialsError an LLM provider needs a key that is not set
├── StoreError                 the vector store cannot be opened or written
│   ├── StoreUnavailableError  a Chroma server cannot be reached
│   └── EmbedderMismatchError  the store was built with another embedder: re-index
├── EmbedderError              the embedding model cannot be loaded
├── RerankerError              the reranking model cannot be loaded
├── IngestError                one file cannot be ingested (reported, the batch goes on)
│   ├── UnsupportedFormatError an extension we do not read
│   ├── EmptyDocumentError     no text at all
│   ├── CorruptFileError       truncated or unreadable bytes, binary junk in a text file
│   ├── EncryptedDocumentError password-protected file (DOCX)
│   │   └── EncryptedPDFError  password-protected PDF
│   └── NeedsOCRError          an image-only PDF with no text layer
├── DocumentNotFoundError      no document with that id
├── AuditError                 the audit database cannot be opened or read
│   └── AnswerNotFoundError    no recorded answer with that id
└── LLMError                   the LLM backend failed
    ├── LLMUnavailableError    cannot reach the backend
    └── LLMOutputError         the model's output could not be parsed
    (both carry the extractive evidence of the same retrieval)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rag.types import Answer


class GuideQAError(Exception):
    """Base class of every error GuideQA raises on purpose."""


class ConfigurationError(GuideQAError):
    """A setting is missing or invalid."""


class UnknownBackendError(ConfigurationError):
    """A backend string names nothing we know."""


class MissingCredentialsError(ConfigurationError):
    """An LLM provider needs a credential that is not set."""


class StoreError(GuideQAError):
    """The vector store cannot be opened, read or written."""


class StoreUnavailableError(StoreError):
    """A Chroma server cannot be reached."""


class EmbedderMismatchError(StoreError):
    """The store was built with a different embedding model."""

    def __init__(self, stored: str, configured: str, data_dir: str) -> None:
        self.stored = stored
        self.configured = configured
        super().__init__(
            f"The index in {data_dir} was built with the embedder {stored!r}, but the configured "
            f"embedder is {configured!r}. Vectors from different models cannot be mixed: re-index "
            f"with `guideqa ingest --reindex` (drops and rebuilds the index), or point "
            f"GUIDEQA_DATA_DIR at another directory, or set GUIDEQA_EMBEDDER_MODEL back (or "
            f"GUIDEQA_EMBEDDER_BACKEND=auto, which answers an fp32 index with fp32)."
        )


class EmbedderError(GuideQAError):
    """The embedding model cannot be loaded or run."""


class RerankerError(GuideQAError):
    """The reranking (cross-encoder) model cannot be loaded or run."""


class IngestError(GuideQAError):
    """One file cannot be ingested. The batch goes on; nothing of the file is stored."""


class UnsupportedFormatError(IngestError):
    """A file extension GuideQA does not read."""


class EmptyDocumentError(IngestError):
    """The file holds no text at all."""


class CorruptFileError(IngestError):
    """Truncated, damaged or binary bytes."""


class EncryptedDocumentError(IngestError):
    """A password-protected document."""


class EncryptedPDFError(EncryptedDocumentError):
    """A password-protected PDF."""


class NeedsOCRError(IngestError):
    """An image-only PDF: it has no text layer to extract."""


class VersionNotFoundError(GuideQAError):
    """The document has no kept version matching the reference."""

    def __init__(self, doc_id: str, ref: str, known: list[str]) -> None:
        self.doc_id = doc_id
        super().__init__(
            f"Document {doc_id!r} has no version {ref!r}; its versions are {', '.join(known) or 'none'} "
            f"(`guideqa docs history {doc_id}` or GET /v1/documents/{doc_id}/versions)."
        )


class DocumentNotFoundError(GuideQAError):
    """No document with the given id."""

    def __init__(self, doc_id: str) -> None:
        self.doc_id = doc_id
        super().__init__(
            f"No document with id {doc_id!r}. List the indexed documents with `guideqa docs list` "
            f"or GET /v1/documents."
        )


class AuditError(GuideQAError):
    """The audit database (GUIDEQA_AUDIT) cannot be opened or read."""


class AnswerNotFoundError(AuditError):
    """No recorded answer with the given id."""

    def __init__(self, answer_id: str) -> None:
        self.answer_id = answer_id
        super().__init__(
            f"No recorded answer with id {answer_id!r}. Answers are recorded only with auditing on "
            f"(GUIDEQA_AUDIT=true; on by default for `guideqa serve`) and kept for "
            f"GUIDEQA_AUDIT_RETENTION_DAYS days; list them with `guideqa audit list`."
        )


class LLMError(GuideQAError):
    """The LLM backend failed.

    `evidence` carries the extractive answer built from the same retrieval, so callers can
    still show the evidence (the API returns it with its 503 or 502)."""

    evidence: Answer | None = None


class LLMUnavailableError(LLMError):
    """The LLM backend cannot be reached or timed out."""


class LLMOutputError(LLMError):
    """The model's output could not be parsed into an answer."""
