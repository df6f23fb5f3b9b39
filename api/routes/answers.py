"""GET /v1/answers/{answer_id}: a recorded answer of the audit trail (GUIDEQA_AUDIT)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException

from api.deps import AnswersKey, AuditDep
from api.schemas import AnswerRecordPublic, Problem

router = APIRouter(prefix="/v1/answers", tags=["answers"], dependencies=[AnswersKey])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "An API key is required (when GUIDEQA_API_KEYS is set)."},
    404: {"model": Problem, "description": "No recorded answer with this id, or auditing is off."},
}


@router.get("/{answer_id}", response_model=AnswerRecordPublic, responses=_ERRORS,
            summary="A recorded answer: who asked, the versions cited, the verdict, the answer")
def get_answer(answer_id: str, audit: AuditDep) -> AnswerRecordPublic:
    """The audit record of an answer, by the `answer_id` every answer carries. The question text
    is included only when the server stores it (GUIDEQA_AUDIT_QUESTIONS=true)."""
    if audit is None:
        raise HTTPException(404, "No answers are recorded: auditing is off on this server. Start it "
                                 "with GUIDEQA_AUDIT=true (the default for `guideqa serve`).")
    return audit.get(answer_id)
