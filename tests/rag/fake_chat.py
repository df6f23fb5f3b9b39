"""A deterministic chat model implementing LangChain's BaseChatModel: queued replies, recorded calls."""

from __future__ import annotations

from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field


class QueueChatModel(BaseChatModel):
    """Replies with the queued items in order; an Exception item is raised instead."""

    replies: list[Any] = Field(default_factory=list)
    calls: list[list[BaseMessage]] = Field(default_factory=list)
    model_name: str = "fake-queue"

    @property
    def _llm_type(self) -> str:
        return "fake-queue"

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: Any = None, **kwargs: Any) -> ChatResult:
        self.calls.append(list(messages))
        if not self.replies:
            raise AssertionError("QueueChatModel: no reply queued")
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=reply))])
