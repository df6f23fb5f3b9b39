"""Progress events of a sync run; the CLI shows them as a rich progress bar."""

from __future__ import annotations

from pathlib import Path


class SyncProgress:
    """No-op base: override what you want to show."""

    def start(self, total_files: int) -> None: ...

    def file_started(self, path: Path) -> None: ...

    def file_done(self, path: Path) -> None: ...

    def embedded(self, n_chunks: int) -> None: ...

    def ocr_started(self, n_pages: int) -> None:
        """A file's pages without a text layer (or all, GUIDEQA_OCR=force) are about to be OCR'd."""

    def ocr_page_done(self) -> None:
        """One page was OCR'd (or failed); called from the thread that parses the file."""


NullProgress = SyncProgress
