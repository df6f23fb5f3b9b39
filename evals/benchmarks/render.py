"""A benchmark report (as returned by `run_benchmark`) as a table: rich for the terminal,
Markdown for notes and pull requests. The best value of each score column is highlighted."""

from __future__ import annotations

from typing import Any

_TIMES = ("seconds", "ms_per_query")
_LOWER_IS_BETTER = ("declined",)  # fda-label: answerable questions an answer abstained on


def _cell(row: dict[str, float], column: str) -> str:
    return f"{row[column]:.2f}" if column in _TIMES else f"{row[column]:.3f}"


def render_table(report: dict[str, Any]) -> Any:
    """A rich Table of one benchmark report (as returned by run_benchmark)."""
    from rich.table import Table

    rows: dict[str, dict[str, float]] = report["retrievers"]
    columns = list(next(iter(rows.values())).keys()) if rows else []
    n_queries = report.get("n_queries", "?")
    table = Table(title=f"{report['benchmark']} — {n_queries} questions, {report.get('rule', '')}")
    table.add_column("retriever", style="bold")
    for col in columns:
        table.add_column(col, justify="right")
    best = {c: (min if c in _LOWER_IS_BETTER else max)(r[c] for r in rows.values())
            for c in columns if c not in _TIMES}
    for name, row in rows.items():
        cells = [_cell(row, c) for c in columns]
        table.add_row(name, *(f"[green]{t}[/green]" if best.get(c) == row[c] else t
                              for c, t in zip(columns, cells, strict=True)))
    return table


def markdown_table(report: dict[str, Any]) -> str:
    """The same table as Markdown, for notes and pull requests."""
    rows: dict[str, dict[str, float]] = report["retrievers"]
    if not rows:
        return ""
    columns = list(next(iter(rows.values())).keys())
    lines = ["| retriever | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for name, row in rows.items():
        lines.append(f"| {name} | " + " | ".join(_cell(row, c) for c in columns) + " |")
    return "\n".join(lines)
