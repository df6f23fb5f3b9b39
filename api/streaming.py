"""POST /v1/ask/stream: server-sent events.

``event: contexts`` (the retrieved passages) comes first; in llm mode ``event: token`` events
follow with the answer text as the model writes it (the prose of the reply's "answer" field,
decoded from the partial JSON); then ``event: answer`` carries the final, verified Answer JSON.
A failure ends the stream with ``event: error`` and a problem JSON (503 carries `evidence`).
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterator
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from api.problems import problem_body, problem_type
from rag.abstain import assess
from rag.answer import Answerer
from rag.errors import GuideQAError, LLMUnavailableError
from rag.llm import model_name
from rag.prompts import build_messages
from rag.retrieve import Retrieval
from rag.types import AnswerMode, Context, Filters, Timings

log = logging.getLogger(__name__)


def sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def contexts_of(retrieval: Retrieval) -> list[Context]:
    return [Context(chunk_id=h.chunk.chunk_id, doc_id=h.chunk.doc_id, title=h.chunk.title,
                    page=h.chunk.page_start, score=round(h.score, 6), text=h.chunk.text)
            for h in retrieval.hits]


class AnswerTextStream:
    """Pulls the decoded value of the "answer" key out of a JSON object arriving in pieces."""

    _KEY = re.compile(r'"answer"\s*:\s*"')
    _ESCAPES = {"n": "\n", "t": "\t", "r": "", "b": "", "f": "", '"': '"', "\\": "\\", "/": "/"}

    def __init__(self) -> None:
        self.buf = ""
        self.pos: int | None = None
        self.done = False

    def feed(self, text: str) -> str:
        self.buf += text
        if self.done:
            return ""
        if self.pos is None:
            match = self._KEY.search(self.buf)
            if not match:
                return ""
            self.pos = match.end()
        out, i, buf = [], self.pos, self.buf
        while i < len(buf):
            ch = buf[i]
            if ch == '"':
                self.done = True
                break
            if ch == "\\":
                if i + 1 >= len(buf) or (buf[i + 1] == "u" and i + 6 > len(buf)):
                    break  # wait for the rest of the escape
                if buf[i + 1] == "u":
                    try:
                        out.append(chr(int(buf[i + 2 : i + 6], 16)))
                    except ValueError:
                        pass
                    i += 6
                    continue
                out.append(self._ESCAPES.get(buf[i + 1], buf[i + 1]))
                i += 2
                continue
            out.append(ch)
            i += 1
        self.pos = i
        return "".join(out)


class ReplayChat(BaseChatModel):
    """Answers the first call with a reply already streamed from `delegate`; later calls (the
    verifier's one repair request) go to `delegate`. Lets the core parse and verify a streamed
    reply without asking the model twice."""

    reply: str
    delegate: Any
    model_name: str
    replayed: bool = False

    @property
    def _llm_type(self) -> str:
        return "replay"

    def _generate(self, messages: list, stop: list[str] | None = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:
        if not self.replayed:
            self.replayed = True
            text = self.reply
        else:
            text = content_text(self.delegate.invoke(messages).content)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


def content_text(content: Any) -> str:
    if isinstance(content, list):  # content blocks (Anthropic)
        return "".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content)
    return str(content)


def ask_events(answerer: Answerer, question: str, *, top_k: int | None, filters: Filters | None,
               mode: AnswerMode) -> Iterator[str]:
    started = time.perf_counter()
    try:
        retrieval = answerer.retrieve(question, top_k, filters)
        retrieved = time.perf_counter()
        yield sse("contexts", [c.model_dump(mode="json") for c in contexts_of(retrieval)])
        if mode == "llm" and assess(retrieval).sufficient:
            chat = answerer.chat_model()
            reply: list[str] = []
            yield from _stream_tokens(answerer, chat, retrieval, reply)
            replay = ReplayChat(reply="".join(reply), delegate=chat, model_name=model_name(chat))
            answer = Answerer(answerer.index, chat_model=replay).answer(retrieval, mode="llm")
        else:
            answer = answerer.answer(retrieval, mode=mode)
        done = time.perf_counter()
        answer.timings_ms = Timings(retrieve=round((retrieved - started) * 1000, 2),
                                    generate=round((done - retrieved) * 1000, 2),
                                    total=round((done - started) * 1000, 2))
        yield sse("answer", answer.model_dump(mode="json"))
    except GuideQAError as exc:
        _, body = problem_body(exc)
        yield sse("error", body | {"instance": "/v1/ask/stream"})
    except Exception:  # the stream has started: report in-band, details to the log
        log.exception("unexpected error while streaming an answer")
        yield sse("error", {
            "type": problem_type("internal-error"), "title": "Internal Server Error",
            "status": 500, "instance": "/v1/ask/stream",
            "detail": "An unexpected error occurred; the server log has the details."})


def _stream_tokens(answerer: Answerer, chat: BaseChatModel, retrieval: Retrieval,
                   reply: list[str]) -> Iterator[str]:
    messages = build_messages(retrieval.query, [h.chunk for h in retrieval.hits])
    text = AnswerTextStream()
    try:
        for piece in chat.stream(messages):
            chunk = content_text(piece.content)
            reply.append(chunk)
            if delta := text.feed(chunk):
                yield sse("token", {"text": delta})
    except Exception as exc:  # providers raise many types; all mean the backend failed us
        error = LLMUnavailableError(_failure_message(exc))
        error.evidence = answerer.answer(retrieval, mode="extractive")
        raise error from exc


_UNREACHABLE = {"TimeoutError", "APITimeoutError", "ReadTimeout", "ConnectTimeout",
                "APIConnectionError", "ConnectError", "ConnectionError", "ConnectionRefusedError"}


def _failure_message(exc: BaseException) -> str:
    names, cause = set(), exc
    while cause is not None:
        names.add(type(cause).__name__)
        cause = cause.__cause__ or cause.__context__
    what = f"{type(exc).__name__}: {exc}"
    if names & _UNREACHABLE:
        return (f"The LLM backend did not answer ({what}). Check that it is running and reachable "
                f"(GUIDEQA_LLM_BASE_URL), or raise GUIDEQA_LLM_TIMEOUT_S.")
    if "LengthFinishReasonError" in names:
        return ("The model's reply reached the token limit before it was complete. Raise "
                "GUIDEQA_LLM_MAX_TOKENS, or use a model that keeps to the answer format.")
    return f"The LLM backend failed while streaming ({what})."
