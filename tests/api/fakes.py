"""Test doubles for the API tests: a streaming chat model, PDFs, a store that fails."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from rag.errors import StoreUnavailableError
from rag.store import InMemoryStore


class StreamingChat(BaseChatModel):
    """Replies with `reply`, streamed in pieces of `piece` characters; records every call."""

    reply: str
    piece: int = 7
    fail_after: int | None = Field(default=None, description="Raise after this many pieces.")
    calls: list[list[BaseMessage]] = Field(default_factory=list)
    model_name: str = "fake-streaming"

    @property
    def _llm_type(self) -> str:
        return "fake-streaming"

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: Any = None, **kwargs: Any) -> ChatResult:
        self.calls.append(list(messages))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self.reply))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: Any = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        self.calls.append(list(messages))
        for n, i in enumerate(range(0, len(self.reply), self.piece)):
            if self.fail_after is not None and n == self.fail_after:
                raise RuntimeError("the backend closed the stream")
            piece = self.reply[i : i + self.piece]
            yield ChatGenerationChunk(message=AIMessageChunk(content=piece))


class FlakyStore(InMemoryStore):
    """An in-memory store whose server can go away (`down = True`), for /readyz and 503s."""

    down = False

    def _check(self) -> None:
        if self.down:
            raise StoreUnavailableError("Chroma at http://127.0.0.1:9 cannot be reached")

    def count(self) -> int:
        self._check()
        return super().count()

    def query(self, *args: Any, **kwargs: Any) -> list:
        self._check()
        return super().query(*args, **kwargs)


def make_pdf(title: str, paragraphs: list[str], pages: int = 1) -> bytes:
    """A small text PDF: the title on page 1, the paragraphs spread over `pages` pages."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(title)
    per_page = max(1, -(-len(paragraphs) // pages))
    for page in range(pages):
        y = 800
        if page == 0:
            pdf.setFont("Helvetica-Bold", 14)
            pdf.drawString(60, y, title)
            y -= 30
        pdf.setFont("Helvetica", 10)
        for para in paragraphs[page * per_page : (page + 1) * per_page]:
            for line in _wrap(para, 95):
                pdf.drawString(60, y, line)
                y -= 14
            y -= 8
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + ([line] if line else [])
