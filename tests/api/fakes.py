"""Test doubles for the API tests: PDFs, a store that fails."""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from rag.errors import StoreUnavailableError
from rag.store import InMemoryStore


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
