"""POST /v1/ask and POST /v1/ask/stream."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import StreamingResponse

from api.auth import key_id
from api.deps import AnswererDep, AskKey, AuditDep, SettingsDep
from api.schemas import AnswerPublic, AskRequest, Problem
from api.streaming import ask_events
from rag.answer import Answerer
from rag.errors import LLMError
from rag.types import Answer, AnswerMode, Filters

log = logging.getLogger(__name__)

router = APIRouter(prefix="/v1/ask", tags=["ask"], dependencies=[AskKey])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "An API key is required (GUIDEQA_REQUIRE_KEY_FOR_ASK)."},
    422: {"model": Problem, "description": "Invalid body, or mode 'llm' without an LLM."},
    503: {"model": Problem, "description": "The LLM backend is unreachable; `evidence` holds the "
                                           "extractive answer from the same retrieval."},
}


def _mode(answerer: Answerer, body: AskRequest) -> AnswerMode:
    mode = body.mode or answerer.default_mode()
    if mode == "llm" and answerer.chat_model() is None:
        raise HTTPException(
            422, "mode 'llm' needs an LLM backend, and this server has none configured "
                 "(GUIDEQA_LLM). Ask with mode 'extractive', or omit mode.")
    return mode


def _filters(body: AskRequest) -> Filters | None:
    given = body.filters
    as_of = body.as_of.isoformat() if body.as_of else None
    filters = Filters(doc_ids=given.doc_ids if given else None, doc_types=given.doc_types if given else None,
                      as_of=as_of)
    return None if filters.is_empty() and as_of is None else filters


def _recorder(request: Request, body: AskRequest, filters: Filters | None, answerer: Answerer,
              audit: AuditDep, settings: SettingsDep) -> Callable[[Answer], None]:
    """Records an answer in the audit trail (when on); a failed write is logged, never raised."""
    who = key_id(request, settings.api)

    def record(answer: Answer) -> None:
        if audit is not None:
            audit.record(answer, who, documents=answerer.index.data.documents, top_k=body.top_k,
                         filters=filters)
    return record


def _log(body: AskRequest, mode: str, settings: SettingsDep, started: float, what: str) -> None:
    ms = (time.perf_counter() - started) * 1000
    if settings.api.log_questions:
        log.info("%s mode=%s top_k=%s %.0f ms: %r", what, mode, body.top_k, ms, body.question)
    else:  # questions carry patient details: only their length is logged
        log.info("%s mode=%s top_k=%s %.0f ms (%d chars)", what, mode, body.top_k, ms,
                 len(body.question))


@router.post("", response_model=AnswerPublic, responses=_ERRORS,
             summary="Answer a question from the corpus, with verified citations")
def ask(body: AskRequest, request: Request, answerer: AnswererDep, settings: SettingsDep,
        audit: AuditDep) -> AnswerPublic:
    """Retrieve passages, answer (extractive or llm), verify every citation, return the Answer.

    In extractive mode the answer is verbatim evidence with no verdict. When the LLM backend
    cannot be reached the reply is 503 problem JSON whose `evidence` member is the extractive
    answer built from the same retrieval."""
    started = time.perf_counter()
    mode = _mode(answerer, body)
    filters = _filters(body)
    record = _recorder(request, body, filters, answerer, audit, settings)
    try:
        answer = answerer.ask(body.question, top_k=body.top_k, filters=filters, mode=mode)
    except LLMError as exc:  # the evidence goes out with the 503: record it too
        if exc.evidence is not None:
            record(exc.evidence)
        raise
    record(answer)
    _log(body, mode, settings, started, "ask")
    return answer


@router.post("/stream", responses={**_ERRORS, 200: {
    "content": {"text/event-stream": {}},
    "description": "Events: `contexts` (list of retrieved passages), then in llm mode `token` "
                   "({text}) as the answer is written, then `answer` (the verified Answer), or "
                   "`error` (problem JSON)."}},
    response_class=StreamingResponse, summary="Answer a question as server-sent events")
def ask_stream(body: AskRequest, request: Request, answerer: AnswererDep, settings: SettingsDep,
               audit: AuditDep) -> StreamingResponse:
    """The same answer as POST /v1/ask, streamed: contexts first, then the answer text as it is
    generated (llm mode), then the final verified answer."""
    mode = _mode(answerer, body)
    _log(body, mode, settings, time.perf_counter(), "ask/stream started")
    filters = _filters(body)
    events = ask_events(answerer, body.question, top_k=body.top_k, filters=filters, mode=mode,
                        on_answer=_recorder(request, body, filters, answerer, audit, settings))
    return StreamingResponse(events, media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
