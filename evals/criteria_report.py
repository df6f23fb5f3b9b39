"""Showing and writing a criteria eval (`guideqa eval --criteria`): tables on the terminal,
report.json and report.md in the run directory, and the gate over `evals/thresholds.toml`."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from evals.criteria import CriteriaReport
from evals.gate import check_thresholds, load_rules
from evals.report import fmt, limit_text
from evals.report_model import Violation

MODE = "criteria"  # the mode the gate checks these metrics in


def gate(report: CriteriaReport, thresholds: Path) -> list[Violation]:
    return check_thresholds(report.metrics, load_rules(thresholds), MODE)


def show(report: CriteriaReport, violations: list[Violation], thresholds: Path, console: Console) -> None:
    rules = load_rules(thresholds)
    table = Table(title=f"Criteria trees and vignettes ({report.data})")
    for column in ("metric", "value", "threshold"):
        table.add_column(column, justify="left" if column == "metric" else "right")
    failing = {v.metric for v in violations}
    for name, value in report.metrics.items():
        table.add_row(name, fmt(value, name), limit_text(rules.get(name)),
                      style="bold red" if name in failing else None)
    console.print(table)
    docs = Table(title="Per policy")
    for column in ("document", "trees", "leaves found", "exact", "op paths"):
        docs.add_column(column, justify="left" if column == "document" else "right")
    for d in report.documents:
        docs.add_row(d.doc_id, f"{d.found_trees}/{d.gold_trees} ({d.extracted_trees} extracted)",
                     f"{d.found_leaves}/{d.gold_leaves}", str(d.exact_leaves), f"{d.op_paths_right}/{d.found_leaves}")
    console.print(docs)
    for d in report.documents:
        for line in [*(f"missing tree: {m}" for m in d.missing), *(f"leaf not found: {m}" for m in d.leaf_misses),
                     *(f"op path: {m}" for m in d.op_misses)]:
            console.print(f"  [yellow]{escape(d.doc_id)}[/]: {escape(line)}", highlight=False)
    if any(report.stray_trees.values()):
        console.print(f"[red]trees in documents without gold criteria:[/] {report.stray_trees}")
    for v in report.vignettes:
        wrong = [judge for judge, verdict in v.verdict.items() if verdict != v.expected[3]]
        if not v.selection_right or wrong:
            console.print(f"  [yellow]{escape(v.id)}[/]: chose {escape(str(v.chosen))}, "
                          f"expected {escape(str(v.expected))}; verdicts {v.verdict}", highlight=False)
    for violation in violations:
        console.print(f"[bold red]FAIL[/] {escape(violation.message)}", highlight=False)
    if not violations:
        console.print("[bold green]gate passed[/]")


def write(report: CriteriaReport, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
    lines = [f"# GuideQA criteria eval ({report.data})", "", "| metric | value |", "|---|---|"]
    lines += [f"| {name} | {fmt(value, name)} |" for name, value in report.metrics.items()]
    lines += ["", "| document | trees | leaves found | exact | op paths |", "|---|---|---|---|---|"]
    lines += [f"| {d.doc_id} | {d.found_trees}/{d.gold_trees} | {d.found_leaves}/{d.gold_leaves} | {d.exact_leaves} "
              f"| {d.op_paths_right}/{d.found_leaves} |" for d in report.documents]
    lines += ["", "| vignette | tree chosen right | verdicts | expected |", "|---|---|---|---|"]
    lines += [f"| {v.id} | {v.selection_right} | {v.verdict} | {v.expected[3]} |" for v in report.vignettes]
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
