"""Writing a run: report.json (everything), report.md (summary) and report.html (evals.html)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

from evals.judge import JudgeSummary
from evals.report_model import Comparison, EvalReport, Rule
from evals.scoring import ItemResult

log = logging.getLogger(__name__)

HEADLINE = (
    "pass_rate",
    "retrieval.recall@1",
    "retrieval.recall@3",
    "retrieval.recall@5",
    "retrieval.recall@10",
    "retrieval.hit@1",
    "retrieval.mrr",
    "citations.precision",
    "citations.recall",
    "citations.dropped_share",
    "answer.fact_recall",
    "answer.verdict_accuracy",
    "answer.abstention_precision",
    "answer.abstention_recall",
    "answer.false_abstention_rate",
    "latency.retrieve_p50_ms",
    "latency.retrieve_p95_ms",
    "latency.total_p50_ms",
    "latency.total_p95_ms",
    "errors",
)
DOC_COLUMNS = (
    ("items", "items"),
    ("pass_rate", "pass rate"),
    ("retrieval.recall@5", "recall@5"),
    ("retrieval.mrr", "MRR"),
    ("citations.precision", "cit. precision"),
    ("citations.recall", "cit. recall"),
    ("answer.fact_recall", "fact recall"),
    ("answer.false_abstention_rate", "false abst."),
    ("answer.abstention_recall", "abst. recall"),
)


def fmt(value: float | None, metric: str = "") -> str:
    """A metric for people: 'n/a' when undefined, ms for latencies, counts as integers."""
    if value is None:
        return "n/a"
    if metric.startswith("latency."):
        return f"{value:.1f} ms"
    if metric in ("items", "errors"):
        return str(int(value))
    return f"{value:.3f}"


def fmt_delta(value: float | None, metric: str = "") -> str:
    if value is None:
        return ""
    return f"{value:+.1f} ms" if metric.startswith("latency.") else f"{value:+.3f}"


def severity(item: ItemResult) -> tuple[float, ...]:
    """Sort key, worst first: most failed checks, then lowest fact recall, then evidence recall."""
    fact = item.scores.fact_recall
    recall = item.scores.recall_at.get("10")
    return (
        -len(item.failures),
        1.0 if fact is None else fact,
        1.0 if recall is None else recall,
    )


def worst_items(report: EvalReport, n: int | None = None) -> list[ItemResult]:
    failed = sorted((i for i in report.items if not i.passed), key=severity)
    return failed[:n] if n is not None else failed


def limit_text(rule: Rule | None) -> str:
    if rule is None:
        return ""
    if rule.min is not None:
        return f"\u2265 {rule.min:g}"
    if rule.max is not None:
        return f"\u2264 {rule.max:g}"
    return ""


def write_reports(report: EvalReport, out: Path) -> dict[str, Path]:
    """Write the three files into `out` (created); returns their paths."""
    from evals.html import render_html

    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "report.json", "md": out / "report.md", "html": out / "report.html"}
    paths["json"].write_text(report.to_json(), encoding="utf-8")
    paths["md"].write_text(render_markdown(report), encoding="utf-8")
    paths["html"].write_text(render_html(report), encoding="utf-8")
    log.info("wrote %s", ", ".join(str(p) for p in paths.values()))
    return paths


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: EvalReport) -> str:
    gate, gold, models = report.gate_or_empty(), report.gold, report.models
    lines = [f"# GuideQA eval, {report.created_at}", ""]
    lines += [
        f"- mode: **{report.mode}**; corpus version `{report.corpus.version}`",
        f"- gold: `{gold.file}` ({gold.items} items, {len(gold.stale_quotes)} stale quotes)",
        f"- embedder `{models.embedder}`, LLM `{models.llm or '-'}`, "
        f"prompt `{report.prompt_version or '-'}`",
        f"- gate: **{'PASSED' if gate.passed else 'FAILED'}**",
        "",
    ]
    lines += [f"  - {_cell(v.message)}" for v in gate.violations]
    lines += [
        "## Metrics",
        "",
        "| metric | value | threshold | baseline | delta |",
        "|---|---|---|---|---|",
    ]
    deltas = gate.deltas()
    for name in HEADLINE:
        d = deltas.get(name)
        delta = fmt_delta(d.delta if d else None, name) + (" **regressed**" if d and d.regressed else "")
        base = fmt(d.baseline, name) if d else ""
        lines.append(
            f"| {name} | {fmt(report.metrics.get(name), name)} | "
            f"{limit_text(gate.rules.get(name))} | {base} | {delta} |"
        )
    lines += _judge_md(report.judge) + _confusion_md(report.verdict_confusion)
    lines += [
        "",
        "## Per document",
        "",
        "| document | " + " | ".join(c for _, c in DOC_COLUMNS) + " |",
        "|---" * (len(DOC_COLUMNS) + 1) + "|",
    ]
    for doc, values in report.per_document.items():
        lines.append(
            f"| {doc} | " + " | ".join(fmt(values.get(k), k) for k, _ in DOC_COLUMNS) + " |"
        )
    lines += _worse_md(gate.comparison)
    failed = worst_items(report)
    lines += ["", f"## Failing items, worst first ({len(failed)} of {len(report.items)})", ""]
    lines += [
        f"- **{i.id}**: {_cell(i.question)}\n  - " + "\n  - ".join(map(_cell, i.failures))
        for i in failed
    ]
    if gold.stale_quotes:
        lines += ["", "## Stale gold quotes", ""]
        lines += [
            f"- {s.item_id} ({s.doc_id}): {s.reason}: \u201c{_cell(s.quote)}\u201d"
            for s in gold.stale_quotes
        ]
    return "\n".join(lines) + "\n"


def _judge_md(judge: JudgeSummary | None) -> list[str]:
    if judge is None:
        return []
    runs = ", ".join(fmt(r) for r in judge.runs)
    return [
        "",
        "## LLM-judged faithfulness (not gated)",
        "",
        f"mean {fmt(judge.mean)} \u00b1 {fmt(judge.stdev)} over runs [{runs}] "
        f"(judge `{judge.model}`, prompt `{judge.prompt_version}`, "
        f"{judge.failed_calls} failed calls)",
    ]


def _confusion_md(matrix: Mapping[str, Mapping[str, int]] | None) -> list[str]:
    if not matrix:
        return (
            ["", "Verdict accuracy: n/a (verdicts are given in llm mode only)."]
            if matrix is None
            else []
        )
    predicted = sorted({p for row in matrix.values() for p in row})
    lines = [
        "",
        "## Verdict confusion (rows: gold, columns: predicted)",
        "",
        "| gold \\ predicted | " + " | ".join(predicted) + " |",
        "|---" * (len(predicted) + 1) + "|",
    ]
    for gold, row in sorted(matrix.items()):
        lines.append(f"| {gold} | " + " | ".join(str(row.get(p, 0)) for p in predicted) + " |")
    return lines


def _worse_md(comparison: Comparison | None) -> list[str]:
    if comparison is None:
        return []
    lines = [
        "",
        f"## Compared with {comparison.baseline} "
        f"(corpus `{comparison.baseline_corpus_version}`)",
        "",
    ]
    worse = comparison.worse_items
    if comparison.note:
        lines.append(f"Note: {comparison.note}.\n")
    lines.append(f"{len(worse)} item(s) got worse." if worse else "No item got worse.")
    if comparison.changed_documents:
        lines.append(f"Documents at another version than the baseline's: {', '.join(comparison.changed_documents)}.")
    lines += [f"- **{w.id}**: " + "; ".join(map(_cell, w.changes)) for w in worse]
    return lines
