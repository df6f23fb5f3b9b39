"""Progress events of a sync run; the CLI shows them as a rich progress bar."""

from __future__ import annotations

from pathlib import Path


class SyncProgress:
    """No-op base: override what you want to show."""

    def start(self, total_files: int) -> None: ...

    def file_started(self, path: Path) -> None: ...

    def file_done(self, path: Path) -> None: ...

    def embedded(self, n_chunks: int) -> None: ...


NullProgress = SyncProgress
