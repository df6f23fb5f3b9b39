"""Replay: ask a recorded question again and compare the new answer with the recorded one.

Only possible when the question text was stored (GUIDEQA_AUDIT_QUESTIONS=true). The question is
asked with the recorded mode, top_k and filters against the recorded versions of the cited
documents (kept as superseded when a document changed since; see rag/versions), other documents
as they are now; the report says whether the verdict, the criteria statuses and the citations
(doc_id and quote) are the same, which cited documents changed since, and which recorded
versions are no longer kept (those were replayed against the current version).
"""

from __future__ import annotations

from collections.abc import Mapping

from rag.answer import Answerer
from rag.audit import HASH_DIGITS, criteria_statuses
from rag.errors import AuditError
from rag.types import Answer, AuditRecord, DocumentRecord, Filters, ReplayReport
from rag.versions.select import version_by_prefix


def replay(answerer: Answerer, record: AuditRecord) -> ReplayReport:
    """Answer the recorded question again and compare (the new answer is not recorded)."""
    if record.question is None:
        raise AuditError(
            f"The question of answer {record.answer_id} was not stored (only its sha256: "
            f"GUIDEQA_AUDIT_QUESTIONS was false when it was recorded), so it cannot be replayed. "
            f"Set GUIDEQA_AUDIT_QUESTIONS=true to store the questions of future answers.")
    pins = {cited.doc_id: cited.content_hash for cited in record.documents if cited.content_hash}
    filters = (record.filters or Filters()).model_copy(update={"pinned": pins or None})
    fresh = answerer.ask(record.question, top_k=record.top_k, filters=filters, mode=record.mode)
    data = answerer.index.data
    missing = [d for d, ref in pins.items() if version_by_prefix(data, d, ref) is None]
    return compare(record, fresh, data.documents, missing)


def _citations(answer: Answer) -> list[tuple[str, str]]:
    return [(c.doc_id, c.quote) for c in answer.citations]


def compare(record: AuditRecord, fresh: Answer, documents: Mapping[str, DocumentRecord],
            missing: list[str] | None = None) -> ReplayReport:
    """What differs between a recorded answer and a new answer to the same question; `missing`:
    cited documents whose recorded version is no longer kept."""
    differences: list[str] = []
    verdict_same = record.verdict == fresh.verdict and record.answerable == fresh.answerable
    if not verdict_same:
        differences.append(f"verdict: {record.verdict or 'none'} (answerable {record.answerable}) -> "
                           f"{fresh.verdict or 'none'} (answerable {fresh.answerable})")
    criteria_same = record.criteria == criteria_statuses(fresh)
    if not criteria_same:
        differences.append("criteria statuses differ")
    old, new = _citations(record.answer), _citations(fresh)
    citations_same = old == new
    if not citations_same:
        lost = [f"{d}: \u201c{q[:60]}\u201d" for d, q in old if (d, q) not in new]
        gained = [f"{d}: \u201c{q[:60]}\u201d" for d, q in new if (d, q) not in old]
        differences.append(f"citations differ ({len(old)} -> {len(new)}); no longer cited: "
                           f"{lost or 'none'}; newly cited: {gained or 'none'}")
    changed = []
    for cited in record.documents:
        now = documents.get(cited.doc_id)
        if now is None:
            changed.append(cited.doc_id)
            differences.append(f"document {cited.doc_id} is no longer indexed")
        elif now.content_hash[:HASH_DIGITS] != cited.content_hash:
            changed.append(cited.doc_id)
            kept = cited.doc_id not in (missing or [])
            differences.append(f"document {cited.doc_id} changed: content hash {cited.content_hash} "
                               f"-> {now.content_hash[:HASH_DIGITS]}; " + (
                                   "replayed against the recorded version (kept as superseded)" if kept else
                                   "the recorded version is no longer kept: replayed against the current one"))
    if record.model != fresh.model and record.mode == "llm":
        differences.append(f"model: {record.model} -> {fresh.model}")
    return ReplayReport(answer_id=record.answer_id, replay_answer_id=fresh.answer_id,
                        verdict_same=verdict_same, criteria_same=criteria_same,
                        citations_same=citations_same, documents_changed=changed,
                        versions_missing=[d for d in changed if d in (missing or [])],
                        differences=differences)
