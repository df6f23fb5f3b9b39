"""`guideqa docs history` and `guideqa docs diff`: a document's versions and what changed."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from api.cli_common import console, settings, user_errors
from rag.index import open_index
from rag.versions.diff import VersionDiff, diff_versions
from rag.versions.select import find_version, history


def docs_history(doc_id: str = typer.Argument(..., help="Document id (see `guideqa docs list`)."),
                 as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List a document's kept versions, newest first: hash, effective dates, ingested at."""
    with user_errors():
        index = open_index(settings())
        versions = history(index.data, doc_id)
    if as_json:
        typer.echo("[" + ",\n".join(v.model_dump_json() for v in versions) + "]")
        return
    table = Table(title=f"{doc_id}: {len(versions)} version(s)")
    for col in ("version", "effective from", "effective to", "ingested at", ""):
        table.add_column(col)
    for v in versions:
        table.add_row(v.version, v.effective_from or "?", v.effective_to or "-", v.ingested_at or "",
                      "current" if v.current else "superseded")
    console.print(table)


def docs_diff(doc_id: str = typer.Argument(..., help="Document id."),
              from_ref: str = typer.Option(None, "--from", help="Older version (hash prefix); default: the previous."),
              to_ref: str = typer.Option(None, "--to", help="Newer version (hash prefix); default: the current."),
              as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """What changed between two versions: criteria added, removed and reworded (policies with
    criteria trees), then the text by section."""
    with user_errors():
        index = open_index(settings())
        data = index.data
        old = find_version(data, doc_id, from_ref, default=1)
        new = find_version(data, doc_id, to_ref, default=0)
        diff = diff_versions(index.store, old, new)
    if as_json:
        typer.echo(diff.model_dump_json(indent=2))
    else:
        show_diff(diff)


def show_diff(diff: VersionDiff) -> None:
    console.print(f"[bold]{escape(diff.doc_id)}[/]: {diff.old.version} (from {diff.old.effective_from or '?'}) -> "
                  f"{diff.new.version} (from {diff.new.effective_from or '?'})")
    if diff.identical:
        console.print("The two versions have the same content.")
        return
    for change in diff.criteria:
        console.print(f"\n[bold]Criteria: {escape(change.indication)} ({change.line})[/] - tree {change.status}")
        for text in change.removed:
            console.print(f"  [red]- {escape(text)}[/]")
        for text in change.added:
            console.print(f"  [green]+ {escape(text)}[/]")
        for pair in change.reworded:
            console.print(f"  [yellow]~ {escape(pair.old)}[/]\n    [yellow]-> {escape(pair.new)}[/]")
    for section in diff.sections:
        console.print(f"\n[bold]Section {escape(section.section)}[/] - {section.status}")
        for line in section.diff:
            style = "green" if line.startswith("+") else "red" if line.startswith("-") else "dim"
            console.print(f"  [{style}]{escape(line)}[/]")
    if not diff.criteria and not diff.sections:
        console.print("No criterion or section text changed (only the layout or metadata).")
