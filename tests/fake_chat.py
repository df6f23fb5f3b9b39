"""The one deterministic chat model of the tests, implementing LangChain's BaseChatModel.

Replies come from the `replies` queue in order (an Exception item is raised instead), then
`reply` for every further call. `stream()` yields the reply in pieces of `piece` characters and,
with `fail_after`, raises after that many pieces as a backend dropping the connection would.
Every call's messages are recorded in `calls`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field


class FakeChatModel(BaseChatModel):
    replies: list[Any] = Field(default_factory=list, description="Replies (or Exceptions) in order.")
    reply: str | None = Field(default=None, description="The reply once the queue is empty.")
    piece: int = Field(default=7, description="Characters per streamed piece.")
    fail_after: int | None = Field(default=None, description="Streaming raises after this many pieces.")
    calls: list[list[BaseMessage]] = Field(default_factory=list)
    model_name: str = "fake-chat"

    @property
    def _llm_type(self) -> str:
        return "fake-chat"

    def _next(self, messages: list[BaseMessage]) -> str:
        self.calls.append(list(messages))
        if self.replies:
            item = self.replies.pop(0)
            if isinstance(item, Exception):
                raise item
            return str(item)
        if self.reply is None:
            raise AssertionError("FakeChatModel: no reply queued")
        return self.reply

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: Any = None, **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self._next(messages)))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: Any = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        text = self._next(messages)
        for n, i in enumerate(range(0, len(text), self.piece)):
            if self.fail_after is not None and n == self.fail_after:
                raise RuntimeError("the backend closed the stream")
            yield ChatGenerationChunk(message=AIMessageChunk(content=text[i : i + self.piece]))
