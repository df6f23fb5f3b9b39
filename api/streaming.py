"""POST /v1/ask/stream: the Answerer's events encoded as server-sent events.

``event: contexts`` (the retrieved passages) comes first; in llm mode ``event: token`` events
follow with the answer text as the model writes it; then ``event: answer`` carries the final,
verified Answer JSON. A failure ends the stream with ``event: error`` and a problem JSON (503 and
502 carry `evidence`). What the events hold is decided by `rag.answer.Answerer.stream`; this
module only encodes them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

from api.problems import problem_body, problem_type
from rag.answer import Answerer
from rag.errors import GuideQAError, LLMError
from rag.types import Answer, AnswerEvent, AnswerMode, ContextsEvent, Filters, StreamEvent, TokenEvent

log = logging.getLogger(__name__)
INSTANCE = "/v1/ask/stream"


def sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def encode(event: StreamEvent) -> str:
    if isinstance(event, ContextsEvent):
        return sse(event.event, [c.model_dump(mode="json") for c in event.contexts])
    if isinstance(event, TokenEvent):
        return sse(event.event, {"text": event.text})
    assert isinstance(event, AnswerEvent)
    return sse(event.event, event.answer.model_dump(mode="json"))


def ask_events(answerer: Answerer, question: str, *, top_k: int | None, filters: Filters | None,
               mode: AnswerMode, on_answer: Callable[[Answer], None] | None = None) -> Iterator[str]:
    """The encoded events; `on_answer` (the audit trail) sees the final answer, or the evidence
    of an LLM failure, before it is sent."""
    try:
        for event in answerer.stream(question, top_k=top_k, filters=filters, mode=mode):
            if isinstance(event, AnswerEvent) and on_answer is not None:
                on_answer(event.answer)
            yield encode(event)
    except GuideQAError as exc:
        if isinstance(exc, LLMError) and exc.evidence is not None and on_answer is not None:
            on_answer(exc.evidence)
        _, body = problem_body(exc)
        yield sse("error", body | {"instance": INSTANCE})
    except Exception:  # the stream has started: report in-band, details to the log
        log.exception("unexpected error while streaming an answer")
        yield sse("error", {
            "type": problem_type("internal-error"), "title": "Internal Server Error",
            "status": 500, "instance": INSTANCE,
            "detail": "An unexpected error occurred; the server log has the details."})
