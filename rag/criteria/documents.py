"""A document's criteria trees as `guideqa criteria` and GET /v1/documents/{doc_id}/criteria
show them: the record's trees, optionally only the indications matching a text."""

from __future__ import annotations

from rag.criteria.tree import DocumentCriteria
from rag.types import DocumentRecord


def document_criteria(record: DocumentRecord, indication: str | None = None) -> DocumentCriteria:
    """The trees of `record`; with `indication`, those whose indication contains it (any case)."""
    wanted = " ".join((indication or "").lower().split())
    policies = [p for p in record.criteria if wanted in " ".join(p.indication.lower().split())]
    return DocumentCriteria(doc_id=record.doc_id, title=record.meta.title, drugs=record.criteria_drugs,
                            policies=policies)
