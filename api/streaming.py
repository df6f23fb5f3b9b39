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

from api.problems import problem_body, problem_type
from rag.answer import Answerer, contexts, timings
from rag.errors import GuideQAError
from rag.llm import backend_error, content_text
from rag.prompts import build_messages
from rag.retrieve import Retrieval
from rag.types import AnswerMode, Filters

log = logging.getLogger(__name__)


def sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


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


def ask_events(answerer: Answerer, question: str, *, top_k: int | None, filters: Filters | None,
               mode: AnswerMode) -> Iterator[str]:
    started = time.perf_counter()
    try:
        retrieval = answerer.retrieve(question, top_k, filters)
        retrieved = time.perf_counter()
        yield sse("contexts", [c.model_dump(mode="json") for c in contexts(retrieval)])
        if mode == "llm" and answerer.evidence(retrieval).sufficient:
            chat = answerer.chat_model()
            reply: list[str] = []
            yield from _stream_tokens(answerer, chat, retrieval, reply)
            answer = answerer.answer(retrieval, mode="llm", reply="".join(reply))
        else:
            answer = answerer.answer(retrieval, mode=mode)
        done = time.perf_counter()
        answer.timings_ms = timings(started, retrieved, done)
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
    except Exception as exc:  # providers raise many types; sort them into ours
        error = backend_error(exc)
        error.evidence = answerer.answer(retrieval, mode="extractive")  # type: ignore[attr-defined]
        raise error from exc


