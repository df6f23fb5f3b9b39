"""`guideqa ingest` and `guideqa docs list|remove`."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.cli_common import console, err_console, settings, user_errors
from ingest.progress import SyncProgress
from ingest.sync import remove_documents, reset_index, sync
from rag.index import open_index
from rag.types import IngestReport

docs_app = typer.Typer(help="List and remove indexed documents; their versions and what changed.",
                       no_args_is_help=True)


class RichProgress(SyncProgress):
    """Files done and chunks embedded, on stderr."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.files = progress.add_task("files", total=None)
        self.chunks = progress.add_task("chunks embedded", total=None)
        self.ocr: TaskID | None = None

    def start(self, total_files: int) -> None:
        self.progress.update(self.files, total=total_files)

    def file_started(self, path: Path) -> None:
        self.progress.update(self.files, description=f"files ({path.name[:40]})")

    def file_done(self, path: Path) -> None:
        self.progress.advance(self.files)

    def embedded(self, n_chunks: int) -> None:
        self.progress.advance(self.chunks, n_chunks)

    def ocr_started(self, n_pages: int) -> None:
        if self.ocr is None:
            self.ocr = self.progress.add_task("pages OCR'd", total=n_pages)
        else:
            task = self.progress.tasks[self.ocr]
            self.progress.update(self.ocr, total=(task.total or 0) + n_pages)

    def ocr_page_done(self) -> None:
        if self.ocr is not None:
            self.progress.advance(self.ocr)


def ingest(
    paths: list[Path] = typer.Argument(None, help="Files or directories (default: corpus/)."),
    prune: bool = typer.Option(False, "--prune", help="Remove documents that vanished from these directories."),
    reindex: bool = typer.Option(False, "--reindex", help="Drop the whole index first and rebuild it "
                                 "(e.g. after changing the embedder)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Ingest guideline documents (PDF, txt, md) incrementally into the index."""
    cfg = settings()
    targets = paths or [cfg.ingest.corpus_dir]
    missing = [str(p) for p in targets if not p.exists()]
    if missing:
        err_console.print(f"[bold red]error:[/] no such file or directory: {', '.join(missing)}")
        raise typer.Exit(2)
    with user_errors():
        index = open_index(cfg, check_embedder=not reindex)
        if reindex:
            reset_index(index)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=err_console, transient=True) as bar:
            report = sync(index, targets, prune=prune, progress=RichProgress(bar))
    if as_json:
        typer.echo(report_json(report))
    else:
        print_report(report)
    raise typer.Exit(1 if report.failed else 0)


def report_json(report: IngestReport) -> str:
    return json.dumps(report.model_dump(mode="json"), indent=2)


def print_report(report: IngestReport) -> None:
    table = Table(title="Ingest summary", show_header=True)
    table.add_column("outcome")
    table.add_column("count", justify="right")
    table.add_column("documents", overflow="fold")
    for name in ("added", "updated", "unchanged", "removed"):
        items = getattr(report, name)
        table.add_row(name, str(len(items)), ", ".join(items[:8]) + (" ..." if len(items) > 8 else ""))
    table.add_row("failed", str(len(report.failed)), ", ".join(Path(f.path).name for f in report.failed))
    if report.duplicates:
        table.add_row("duplicates", str(len(report.duplicates)), ", ".join(
            f"{Path(d.path).name} = {d.duplicate_of}" for d in report.duplicates))
    if report.repaired:
        table.add_row("repaired", str(len(report.repaired)), ", ".join(report.repaired))
    table.add_row("chunks embedded", str(report.chunks_embedded), "")
    table.add_row("quotes embedded", str(report.quotes_embedded), "")
    if report.ocr_pages:
        per_page = report.ocr_seconds / report.ocr_pages
        table.add_row("pages OCR'd", str(report.ocr_pages), f"{report.ocr_seconds:.1f} s ({per_page:.2f} s/page)")
    table.add_row("seconds", f"{report.seconds:.2f}", "")
    table.add_row("corpus version", report.corpus_version, "")
    console.print(table)
    for failure in report.failed:
        message = failure.error if failure.path in failure.error else f"{failure.path}: {failure.error}"
        err_console.print(f"[red]failed[/] {message}", highlight=False)
    for path in report.skipped:
        err_console.print(f"[yellow]skipped[/] {path}: unsupported file type (PDF, .docx, .html, .txt, .md are read)")
    for warning in report.warnings:
        err_console.print(f"[yellow]warning[/] {warning}", highlight=False)


@docs_app.command("list")
def docs_list(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List indexed documents: id, title, type, chunks, pages, ingested at."""
    with user_errors():
        index = open_index(settings())
        records = sorted(index.data.documents.values(), key=lambda r: r.doc_id)
    if as_json:
        rows = [r.model_dump(mode="json", exclude={"chunk_ids", "criteria"})
                | {"chunks": len(r.chunk_ids), "criteria_trees": len(r.criteria)} for r in records]
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table(title=f"{len(records)} documents (corpus version {index.corpus_version})")
    for col in ("id", "title", "type", "chunks", "pages", "ingested at"):
        table.add_column(col, overflow="fold")
    for r in records:
        table.add_row(r.doc_id, r.meta.title, r.meta.doc_type, str(len(r.chunk_ids)),
                      str(r.n_pages or "-"), r.ingested_at)
    console.print(table)


@docs_app.command("remove")
def docs_remove(doc_ids: list[str] = typer.Argument(..., help="Document ids (see `guideqa docs list`).")) -> None:
    """Remove documents and their chunks from the index."""
    with user_errors():
        report = remove_documents(open_index(settings()), doc_ids)
    console.print(f"removed {', '.join(report.removed)}; corpus version {report.corpus_version}")
