"""The `guideqa` command line (typer). Errors are translated here, at the edge."""

from __future__ import annotations

import logging
import os

import typer

from api import cli_ask, cli_audit, cli_criteria, cli_ingest, cli_serve, cli_versions
from evals.cli import eval_cmd

app = typer.Typer(
    help="GuideQA: answers medical-necessity questions from guideline documents, with citations.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command("ingest")(cli_ingest.ingest)
app.add_typer(cli_ingest.docs_app, name="docs")
cli_ingest.docs_app.command("history")(cli_versions.docs_history)
cli_ingest.docs_app.command("diff")(cli_versions.docs_diff)
app.command("ask")(cli_ask.ask)
app.command("criteria")(cli_criteria.criteria)
app.command("serve")(cli_serve.serve)
app.command("eval")(eval_cmd)
app.add_typer(cli_audit.audit_app, name="audit")


@app.callback()
def _main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log debug details.")) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # font warnings; problems are reported per file


if __name__ == "__main__":  # pragma: no cover
    app()
