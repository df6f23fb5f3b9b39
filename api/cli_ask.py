"""`guideqa ask`: one question, or a JSONL file of them."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape
from rich.panel import Panel
from rich.progress import track

from api.cli_common import console, err_console, settings, user_errors
from api.cli_criteria import policy_tree
from rag.answer import Answerer
from rag.audit import AuditLog, open_audit_log
from rag.criteria.tree import PolicyCriteria
from rag.errors import GuideQAError, LLMUnavailableError
from rag.index import open_index
from rag.settings import Settings
from rag.types import Answer, AnswerMode, Filters
from rag.versions.select import parse_as_of

VERDICT_STYLE = {
    "medically_necessary": "bold green", "not_medically_necessary": "bold red",
    "insufficient_information": "bold yellow", "conflicting": "bold magenta",
}


def ask(
    question: str = typer.Argument(None, help="The question (omit with --questions)."),
    as_json: bool = typer.Option(False, "--json", help="Print the answer JSON."),
    top_k: int = typer.Option(None, "--top-k", min=1, max=100, help="Chunks to retrieve."),
    llm: str = typer.Option(None, "--llm", help="provider:model, e.g. openai:gpt-4o-mini."),
    mode: str = typer.Option(None, "--mode", help="extractive or llm (default: llm if configured)."),
    questions: Path = typer.Option(None, "--questions", exists=True, dir_okay=False,
                                   help="JSONL file of {id, question} lines."),
    out: Path = typer.Option(None, "--out", help="Where --questions writes answers (JSONL)."),
    as_of: str = typer.Option(None, "--as-of", metavar="YYYY-MM-DD",
                              help="Answer from the document versions in effect on this date."),
) -> None:
    """Answer a question from the corpus, with verified citations."""
    if (question is None) == (questions is None):
        err_console.print("[bold red]error:[/] give a QUESTION or --questions FILE (not both).")
        raise typer.Exit(2)
    if mode not in (None, "extractive", "llm"):
        err_console.print("[bold red]error:[/] --mode is 'extractive' or 'llm'.")
        raise typer.Exit(2)
    with user_errors():
        cfg = settings()
        audit = cli_audit_log(cfg)  # opened first: auditing on and no database = stop here
        filters = Filters(as_of=parse_as_of(as_of)) if as_of else None
        answerer = Answerer(open_index(cfg))
        if questions is not None:
            _batch(answerer, questions, out, top_k=top_k, llm=llm, mode=_mode(mode), filters=filters, audit=audit)
            return
        try:
            answer = answerer.ask(question, top_k=top_k, llm=llm, mode=_mode(mode), filters=filters)
        except LLMUnavailableError as exc:
            if exc.evidence is None:
                raise
            err_console.print(f"[bold red]LLM unavailable:[/] {escape(str(exc))}\nThe evidence found:")
            answer = exc.evidence
        _record(audit, answerer, answer, top_k, filters)
    if as_json:
        typer.echo(answer.model_dump_json(indent=2))
    else:
        show(answer)


def cli_audit_log(cfg: Settings) -> AuditLog | None:
    """The audit log when GUIDEQA_AUDIT=true (off by default on the command line)."""
    if not cfg.audit.on(serving=False):
        return None
    return open_audit_log(cfg.store.resolved_data_dir, store_questions=cfg.audit.questions,
                          retention_days=cfg.audit.retention_days)


def _record(audit: AuditLog | None, answerer: Answerer, answer: Answer, top_k: int | None,
            filters: Filters | None = None) -> None:
    if audit is not None:
        audit.record(answer, "cli", documents=answerer.index.data.documents, top_k=top_k, filters=filters)


def _mode(mode: str | None) -> AnswerMode | None:
    return "extractive" if mode == "extractive" else "llm" if mode == "llm" else None


def _batch(answerer: Answerer, path: Path, out: Path | None, *, top_k: int | None, llm: str | None,
           mode: AnswerMode | None, filters: Filters | None = None, audit: AuditLog | None = None) -> None:
    """One answer per JSONL line; a line's own "as_of" overrides --as-of."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    target = out.open("w", encoding="utf-8") if out else None
    failures = 0
    try:
        for number, line in enumerate(track(lines, description="asking", console=err_console), 1):
            try:
                item = json.loads(line)
                line_filters = Filters(as_of=parse_as_of(str(item["as_of"]))) if item.get("as_of") else filters
                answered = answerer.ask(str(item["question"]), top_k=top_k, llm=llm, mode=mode, filters=line_filters)
                _record(audit, answerer, answered, top_k, line_filters)
                record = {"id": item.get("id", number), **answered.model_dump(mode="json")}
            except (ValueError, KeyError, TypeError) as exc:
                failures += 1
                record = {"id": None, "line": number, "error": f"bad input line: {exc}"}
            except GuideQAError as exc:
                failures += 1
                record = {"id": item.get("id", number), "error": str(exc)}
            text = json.dumps(record, ensure_ascii=False)
            if target:
                target.write(text + "\n")
            else:
                typer.echo(text)
    finally:
        if target:
            target.close()
    if failures:
        err_console.print(f"[yellow]{failures} of {len(lines)} questions failed (see 'error').")
        raise typer.Exit(1)


CLOSEST_SHOWN = 3  # passages listed under a declined answer
CLOSEST_CHARS = 240  # of each one's text


def show(answer: Answer) -> None:
    if not answer.answerable:
        console.print(Panel(escape(answer.answer), title="Not answerable from the corpus", border_style="yellow"))
        show_closest(answer)
        console.print(f"[dim]answer id {answer.answer_id}[/]")
        return
    badge = (f"[{VERDICT_STYLE[answer.verdict]}]{answer.verdict.replace('_', ' ')}[/]"
             if answer.verdict else "[dim]evidence only (no verdict)[/]")
    console.print(Panel(escape(answer.answer), title=f"Answer ({answer.mode}) - {badge}"))
    if answer.as_of or any(not v.current for v in answer.versions):
        used = ", ".join(f"{v.doc_id} {v.version} (from {v.effective_from or '?'}"
                         f"{' to ' + v.effective_to if v.effective_to else ', current'})" for v in answer.versions)
        console.print(f"[bold]Versions{' as of ' + answer.as_of if answer.as_of else ''}[/]: {escape(used) or 'none'}")
    if answer.criteria_tree is not None:
        checked = answer.criteria_tree
        console.print(f"[bold]Criteria tree[/]: {escape(checked.why)}")
        console.print(policy_tree(PolicyCriteria(**checked.model_dump(include=set(PolicyCriteria.model_fields))),
                                  checked.title))
        console.print(f"  result by the policy's logic: {checked.result}")
    else:
        for crit in answer.criteria:
            console.print(f"  [{crit.status}] {escape(crit.criterion)} {crit.citations}")
    for item in answer.missing_information:
        console.print(f"  missing: {escape(item)}")
    for conflict in answer.conflicts:
        console.print(f"  [magenta]conflict:[/] {escape(conflict.summary)} {conflict.citations}")
    for cit in answer.citations:
        page = f", p. {cit.page}" if cit.page else ""
        section = f" > {cit.section}" if cit.section else ""
        console.print(f"[bold][{cit.id}][/] {escape(cit.title)}{page}{escape(section)}\n"
                      f"    \u201c{escape(cit.quote)}\u201d")
    console.print(f"[dim]corpus {answer.corpus_version} - {answer.timings_ms.total:.0f} ms[/]")
    console.print(f"[dim]answer id {answer.answer_id}[/]")


def show_closest(answer: Answer) -> None:
    """The passages nearest to a declined question, so a reviewer sees what the corpus does say
    (their beginnings, in rank order; not an answer)."""
    if not answer.contexts:
        return
    console.print("[bold]Closest passages[/] [dim](what the corpus says nearby; not an answer)[/]")
    for rank, ctx in enumerate(answer.contexts[:CLOSEST_SHOWN], start=1):
        page = f", p. {ctx.page}" if ctx.page else ""
        text = " ".join(ctx.text.split())
        text = text if len(text) <= CLOSEST_CHARS else text[: CLOSEST_CHARS].rsplit(" ", 1)[0] + " ..."
        console.print(f"  {rank}. {escape(ctx.title)}{page}\n     [dim]{escape(text)}[/]")
