"""`guideqa eval`: score the system against gold Q&A, write reports, gate on regressions.

Exit codes: 0 passed, 1 a metric is below its threshold or regressed beyond its tolerance
against --compare (or --check-gold found stale quotes), 2 a usage or configuration error.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.cli_common import console, err_console, settings, user_errors
from api.cli_ingest import RichProgress
from evals.gate import DEFAULT_THRESHOLDS, gate_section, load_baseline, load_rules, run_gate
from evals.gold import DEFAULT_GOLD, GoldItem, check_gold, corpus_texts, load_gold
from evals.judge import JudgeSummary
from evals.report import (
    DOC_COLUMNS,
    HEADLINE,
    fmt,
    fmt_delta,
    limit_text,
    worst_items,
    write_reports,
)
from evals.report_model import EvalReport
from evals.runner import Run, run_eval
from evals.scoring import ItemResult
from rag.errors import ConfigurationError
from rag.index import open_index
from rag.settings import Settings
from rag.types import AnswerMode

RUNS_DIR = Path("evals/runs")
MODES: dict[str, AnswerMode] = {"extractive": "extractive", "llm": "llm"}
SHORT = {
    "pass rate": "pass",
    "recall@5": "R@5",
    "cit. precision": "cit P",
    "cit. recall": "cit R",
    "fact recall": "facts",
    "false abst.": "f.abst",
    "abst. recall": "abst R",
}
NARROW = {"items", "pass_rate", "retrieval.recall@5", "citations.recall", "answer.fact_recall"}
COLUMNS = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())


def eval_cmd(
    gold: Annotated[
        Path, typer.Option("--gold", dir_okay=False, help="Gold Q&A JSONL file.")
    ] = DEFAULT_GOLD,
    mode: Annotated[
        str, typer.Option("--mode", help="extractive (default) or llm (needs GUIDEQA_LLM).")
    ] = "extractive",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            file_okay=False,
            help="Report directory (default: evals/runs/<UTC timestamp>/).",
        ),
    ] = None,
    compare: Annotated[
        Path | None,
        typer.Option(
            "--compare",
            exists=True,
            help="A previous run directory: print deltas, fail on regressions.",
        ),
    ] = None,
    check_only: Annotated[
        bool,
        typer.Option(
            "--check-gold", help="Only check that every gold quote is still in its document."
        ),
    ] = False,
    judge: Annotated[
        bool,
        typer.Option("--judge", help="Also run LLM-judged faithfulness (3 runs; never gated)."),
    ] = False,
    thresholds: Annotated[
        Path,
        typer.Option(
            "--thresholds", exists=True, dir_okay=False, help="Thresholds and tolerances (TOML)."
        ),
    ] = DEFAULT_THRESHOLDS,
    benchmark: Annotated[
        str | None,
        typer.Option("--benchmark", help="A public retrieval benchmark instead: pubmedqa or "
                     "fda-label (four retrievers side by side)."),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="The benchmark's data folder (e.g. ../shared/benchmarks/pubmedqa), or "
                     "with --criteria the folder of the policy PDFs (e.g. ../shared/pdfs)."),
    ] = None,
    criteria: Annotated[
        bool,
        typer.Option("--criteria", help="Score criteria-tree extraction and PA vignettes instead "
                     "(evals/gold/criteria.jsonl, vignettes.jsonl); needs --data."),
    ] = False,
) -> None:
    """Score answers against gold Q&A; exit 1 when quality is below a threshold or regressed."""
    if benchmark is not None:
        _benchmark(benchmark, data, out)
        return
    if criteria:
        _criteria(data, mode, thresholds, out)
        return
    answer_mode = MODES.get(mode)
    if answer_mode is None:
        err_console.print("[bold red]error:[/] --mode is 'extractive' or 'llm'.")
        raise typer.Exit(2)
    cfg = settings()
    with user_errors():
        items = load_gold(gold)
        if check_only:
            raise typer.Exit(_check_gold(items, cfg))
        if judge and not cfg.llm.spec:
            raise ConfigurationError("--judge needs an LLM: set GUIDEQA_LLM=provider:model.")
        rules = load_rules(thresholds)
        baseline = load_baseline(compare) if compare else None
        run = _run(cfg, items, gold, answer_mode)
        if judge:
            run.judge = _judge(cfg, run)
        report = run.report()
        gate = run_gate(report, rules, thresholds, baseline, str(compare or ""))
        report.gate = gate_section(gate, rules)
        paths = write_reports(report, out or _default_out())
    print_summary(report)
    console.print(
        f"reports: {paths['md']}\n         {paths['html']}\n         {paths['json']}",
        highlight=False,
    )
    raise typer.Exit(gate.exit_code)


def _criteria(data: Path | None, mode: str, thresholds: Path, out: Path | None) -> None:
    from evals import criteria_report
    from evals.criteria import run_criteria_eval
    from rag.llm import make_chat_model

    if data is None:
        err_console.print("[bold red]error:[/] --criteria needs --data PATH (the folder of the policy PDFs).")
        raise typer.Exit(2)
    cfg = settings()
    with user_errors():
        real = make_chat_model(cfg.llm) if mode == "llm" else None
        with console.status("extracting criteria, ingesting the vignettes' policies, asking every vignette"):
            report = run_criteria_eval(data, cfg, real_llm=real)
        violations = criteria_report.gate(report, thresholds)
        path = criteria_report.write(report, out or _default_out())
    criteria_report.show(report, violations, thresholds, console)
    console.print(f"report: {path}", highlight=False)
    raise typer.Exit(1 if violations else 0)


def _benchmark(name: str, data: Path | None, out: Path | None) -> None:
    from evals.benchmarks import render_table, run_benchmark

    if data is None:
        err_console.print("[bold red]error:[/] --benchmark needs --data PATH (the benchmark's folder).")
        raise typer.Exit(2)
    with user_errors():
        report = run_benchmark(name, data, out or _default_out())
    console.print(render_table(report))
    console.print(f"hybrid beats every baseline: {report['hybrid_beats_baselines']}")


def _default_out() -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out, n = RUNS_DIR / stamp, 1
    while out.exists():
        n += 1
        out = RUNS_DIR / f"{stamp}-{n}"
    return out


def _run(cfg: Settings, items: list[GoldItem], gold: Path, mode: AnswerMode) -> Run:
    index = open_index(cfg)
    try:
        with Progress(*COLUMNS, console=err_console, transient=True) as bar:
            asking = bar.add_task("asking", total=len(items))
            failed = 0

            def advance(result: ItemResult) -> None:
                nonlocal failed
                failed += not result.passed
                bar.update(asking, advance=1, description=f"asking ({failed} failing)")

            return run_eval(
                index, items, gold, mode, sync_progress=RichProgress(bar), on_item=advance
            )
    finally:
        index.close()


def _judge(cfg: Settings, run: Run) -> JudgeSummary:
    from evals.judge import judge_faithfulness
    from rag.llm import make_chat_model

    chat = make_chat_model(cfg.llm)
    answered = sum(1 for a in run.answers.values() if a.answerable and a.citations)
    with Progress(*COLUMNS, console=err_console, transient=True) as bar:
        task = bar.add_task("judging faithfulness (3 runs)", total=answered * 3)
        return judge_faithfulness(chat, run.answers, runs=3, on_call=lambda: bar.advance(task))


def _check_gold(items: list[GoldItem], cfg: Settings) -> int:
    corpus = cfg.ingest.corpus_dir
    if not corpus.is_dir():
        raise ConfigurationError(
            f"the corpus directory {corpus} does not exist: set GUIDEQA_CORPUS_DIR."
        )
    stale = check_gold(items, corpus_texts(corpus, cfg.ingest))
    quotes = sum(len(i.evidence) for i in items)
    if not stale:
        console.print(
            f"[green]all {quotes} gold quotes of {len(items)} items are in their documents.[/]"
        )
        return 0
    table = Table(title=f"{len(stale)} stale gold quote(s) of {quotes}", show_lines=True)
    for col in ("item", "document", "gold quote", "closest current passage"):
        table.add_column(col, overflow="fold")
    for s in stale:
        closest = (
            f"{escape(s.closest)} [dim]({s.similarity:.2f})[/]"
            if s.closest
            else f"[red]{s.reason}[/]"
        )
        table.add_row(escape(s.item_id), escape(s.doc_id), escape(s.quote), closest)
    console.print(table)
    console.print("Update those quotes (or the items) in the gold file.")
    return 1


def print_summary(report: EvalReport) -> None:
    gate = report.gate_or_empty()
    deltas = gate.deltas()
    table = Table(
        title=f"GuideQA eval ({report.mode}, corpus {report.corpus.version}, "
        f"{report.gold.items} items)"
    )
    for col in ("metric", "value", "threshold", "delta"):
        table.add_column(col, justify="left" if col == "metric" else "right")
    failing = gate.failing()
    for name in HEADLINE:
        d = deltas.get(name)
        delta = fmt_delta(d.delta if d else None, name)
        style = "bold red" if name in failing else None
        table.add_row(
            name,
            fmt(report.metrics.get(name), name),
            limit_text(gate.rules.get(name)),
            delta,
            style=style,
        )
    console.print(table)
    docs = Table(
        title="Per document (items grouped by their gold evidence)",
        padding=(0, 1),
        collapse_padding=True,
    )
    columns = [c for c in DOC_COLUMNS if console.width >= 110 or c[0] in NARROW]
    docs.add_column("document", overflow="ellipsis", no_wrap=True, min_width=12, max_width=34)
    for _, col in columns:
        docs.add_column(SHORT.get(col, col), justify="right", no_wrap=True, min_width=5)
    for doc, values in report.per_document.items():
        docs.add_row(doc, *(fmt(values.get(k), k) for k, _ in columns))
    console.print(docs)
    _print_gate(report)


def _print_gate(report: EvalReport) -> None:
    gate = report.gate_or_empty()
    worst = worst_items(report, 5)
    if worst:
        console.print("[bold]Worst items[/] (all failing items are in the reports):")
        for item in worst:
            console.print(
                f"  [bold]{escape(item.id)}[/]: {escape('; '.join(item.failures))}",
                highlight=False,
            )
    comparison = gate.comparison
    if comparison is not None:
        if comparison.note:
            console.print(f"[yellow]note:[/] {escape(comparison.note)}")
        worse = comparison.worse_items
        console.print(
            f"[bold]{len(worse)} item(s) got worse[/] than {escape(comparison.baseline)}"
        )
        if comparison.changed_documents:
            console.print("  documents at another version than the baseline's: "
                          f"{escape(', '.join(comparison.changed_documents))}", highlight=False)
        for w in worse:
            console.print(
                f"  {escape(w.id)}: {escape('; '.join(w.changes))}", highlight=False
            )
    stale = report.gold.stale_quotes
    if stale:
        console.print(
            f"[yellow]{len(stale)} stale gold quote(s): "
            f"run `guideqa eval --check-gold`.[/]"
        )
    if report.judge is not None:
        j = report.judge
        console.print(
            f"LLM-judged faithfulness (not gated): {fmt(j.mean)} \u00b1 {fmt(j.stdev)}"
        )
    for v in gate.violations:
        console.print(f"[bold red]FAIL[/] {escape(v.message)}", highlight=False)
    if not gate.violations:
        console.print("[bold green]gate passed[/]")
