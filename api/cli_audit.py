"""`guideqa audit`: read, export, prune and replay the recorded answers (GUIDEQA_AUDIT)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from api.cli_common import console, err_console, settings, user_errors
from rag.audit import AUDIT_FILE, AuditLog, open_audit_log, parse_since

audit_app = typer.Typer(
    help="The audit trail: answers recorded with GUIDEQA_AUDIT=true (on by default for `serve`).",
    no_args_is_help=True,
)


def _open() -> AuditLog:
    """The existing audit log of GUIDEQA_DATA_DIR (never creates one)."""
    cfg = settings()
    return open_audit_log(cfg.store.resolved_data_dir, store_questions=cfg.audit.questions,
                          retention_days=cfg.audit.retention_days, create=False)


@audit_app.command("list")
def list_cmd(
    since: str = typer.Option(None, "--since", help="Only records from this date (YYYY-MM-DD, UTC) on."),
    limit: int = typer.Option(50, "--limit", min=1, help="The newest N records."),
) -> None:
    """The recorded answers, oldest first: time, answer id, key id, mode, verdict, cited documents."""
    with user_errors():
        records = _open().list(parse_since(since) if since else None, limit)
    table = Table()
    table.add_column("recorded at (UTC)", overflow="fold")
    table.add_column("answer id", no_wrap=True, min_width=32)  # ids are copied from here: never cut
    for name in ("key", "mode", "verdict", "documents"):
        table.add_column(name, overflow="fold")
    for rec in records:
        verdict = rec.verdict or ("no verdict" if rec.answerable else "not answerable")
        table.add_row(rec.recorded_at, rec.answer_id, rec.key_id, rec.mode, verdict,
                      escape(", ".join(d.doc_id for d in rec.documents)))
    console.print(table)
    err_console.print(f"{len(records)} record(s)")


@audit_app.command("show")
def show_cmd(answer_id: str = typer.Argument(..., help="The answer id (`answer_id` of an answer).")) -> None:
    """One recorded answer, as JSON."""
    with user_errors():
        record = _open().get(answer_id)
    typer.echo(record.model_dump_json(indent=2))


@audit_app.command("export")
def export_cmd(
    since: str = typer.Option(None, "--since", help="Only records from this date (YYYY-MM-DD, UTC) on."),
    out: Path = typer.Option(None, "--out", dir_okay=False, help="Write here instead of stdout."),
) -> None:
    """The recorded answers as JSON lines, oldest first."""
    with user_errors():
        records = _open().list(parse_since(since) if since else None)
    lines = [rec.model_dump_json() for rec in records]
    if out is None:
        for line in lines:
            typer.echo(line)
    else:
        out.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        err_console.print(f"{len(lines)} record(s) written to {out}")


@audit_app.command("prune")
def prune_cmd(
    days: int = typer.Option(None, "--days", min=1, help="Keep this many days (default GUIDEQA_AUDIT_RETENTION_DAYS)."),
) -> None:
    """Delete records older than the retention period."""
    with user_errors():
        cfg = settings()
        audit = AuditLog(cfg.store.resolved_data_dir / AUDIT_FILE, create=False)
        removed = audit.prune(days or cfg.audit.retention_days)
    console.print(f"{removed} record(s) older than {days or cfg.audit.retention_days} days deleted.")


@audit_app.command("replay")
def replay_cmd(answer_id: str = typer.Argument(..., help="The answer id to replay.")) -> None:
    """Ask a recorded question again (needs GUIDEQA_AUDIT_QUESTIONS=true when it was recorded) and
    report whether the verdict, criteria and citations are the same. Exit 0 same, 1 different."""
    from rag.answer import Answerer
    from rag.index import open_index
    from rag.replay import replay

    with user_errors():
        record = _open().get(answer_id)
        report = replay(Answerer(open_index(settings())), record)
    def word(same: bool) -> str:
        return "[green]same[/]" if same else "[red]different[/]"
    console.print(f"replay of {report.answer_id} (new answer {report.replay_answer_id}):")
    console.print(f"  verdict:   {word(report.verdict_same)}")
    console.print(f"  criteria:  {word(report.criteria_same)}")
    console.print(f"  citations: {word(report.citations_same)}")
    console.print(f"  documents: {word(not report.documents_changed)}")
    for line in report.differences:
        console.print(f"  - {escape(line)}", highlight=False, soft_wrap=True)
    console.print("[bold green]same[/]" if report.same else "[bold red]different[/]")
    if not report.same:
        raise typer.Exit(1)
