"""Running OCR over the pages of one PDF: which pages, in parallel, with progress and failures.

`PageOcr` carries the ingest settings that matter (mode, dpi, minimum confidence, workers) and
the engine. `PageOcr.run` renders the pages one after another (pdfium is not thread-safe) and
hands each image to a pool of `workers` threads; each calls the engine, and Tesseract reads in its
own process, so every core works on a page. (A process pool over pages was the first idea: with
the spawn start method each worker re-imports the CLI, about 4 s, and forking is unsafe while the
embedder's threads run beside the parser.) A page whose OCR fails is reported and the others go on.
"""

from __future__ import annotations

import logging
import os
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal

from ingest.ocr import OcrEngine, OcrResult, get_engine, render_page
from ingest.progress import NullProgress, SyncProgress
from rag.settings import IngestSettings

logger = logging.getLogger(__name__)

OcrMode = Literal["auto", "force", "off"]


@dataclass
class OcrRun:
    """What OCR made of a PDF's pages: results, failures (page -> reason) and seconds spent."""

    results: dict[int, OcrResult] = field(default_factory=dict)
    failed: dict[int, str] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class PageOcr:
    """How ingest OCRs pages: the engine, the mode and its thresholds (see `IngestSettings`)."""

    engine: OcrEngine
    mode: OcrMode = "auto"
    dpi: int = 300
    min_confidence: float = 60.0
    workers: int = 0  # 0: one per core
    progress: SyncProgress = field(default_factory=NullProgress)
    _available: bool | None = field(default=None, repr=False)

    @classmethod
    def from_settings(cls, settings: IngestSettings, engine: OcrEngine | None = None,
                      progress: SyncProgress | None = None) -> PageOcr:
        return cls(
            engine=engine or get_engine(settings.ocr_engine),
            mode=settings.ocr,
            dpi=settings.ocr_dpi,
            min_confidence=settings.ocr_min_confidence,
            workers=settings.ocr_workers,
            progress=progress or NullProgress(),
        )

    def available(self) -> bool:
        """Whether the engine runs here (checked once)."""
        if self._available is None:
            self._available = self.engine.available()
            if not self._available:
                logger.warning("OCR engine %s is unavailable: %s", self.engine.name, self.engine.fix)
        return self._available

    def unavailable_hint(self) -> str:
        return f"OCR ({self.engine.name}) is not installed here: {self.engine.fix}"

    def run(self, data: bytes, pages: list[int]) -> OcrRun:
        """OCR the given 1-based pages of the PDF `data`."""
        started = time.perf_counter()
        out = OcrRun()
        self.progress.ocr_started(len(pages))
        workers = max(1, min(self.workers or os.cpu_count() or 1, len(pages)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ocr") as pool:
            pending: dict[int, Future[OcrResult]] = {}
            for number in pages:
                while len(pending) >= 2 * workers:  # bound the rendered images held in memory
                    self._collect(pending, out)
                try:
                    image = render_page(data, number, self.dpi)
                except Exception as exc:  # one page that cannot be rendered costs that page
                    self._fail(out, number, exc)
                    continue
                pending[number] = pool.submit(self.engine.read, image)
            while pending:
                self._collect(pending, out)
        out.seconds = time.perf_counter() - started
        return out

    def _collect(self, pending: dict[int, Future[OcrResult]], out: OcrRun) -> None:
        number = next(iter(pending))  # pages finish in about the order they were submitted
        future = pending.pop(number)
        try:
            out.results[number] = future.result()
        except Exception as exc:  # the engine failing on one page must not lose the others
            self._fail(out, number, exc)
            return
        self.progress.ocr_page_done()

    def _fail(self, out: OcrRun, number: int, exc: Exception) -> None:
        logger.warning("page %d: OCR failed: %s", number, exc)
        out.failed[number] = f"{type(exc).__name__}: {exc}"
        self.progress.ocr_page_done()
