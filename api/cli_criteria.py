"""`guideqa criteria`: the coverage criteria trees extracted from payer policies."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from api.cli_common import console, err_console, settings, user_errors
from rag.criteria.documents import document_criteria
from rag.criteria.fhir import questionnaire
from rag.criteria.tree import Leaf, Node, PolicyCriteria
from rag.errors import DocumentNotFoundError
from rag.manifest import Manifest
from rag.types import DocumentRecord

_OP = {"all": "ALL of", "any": "ANY of", "none": "NONE of"}
_STATUS = {"met": "[green]met[/]", "unmet": "[red]unmet[/]", "unknown": "[yellow]unknown[/]"}


def criteria(
    doc_id: str = typer.Argument(None, help="A document id (see `guideqa criteria`); omit to list them."),
    indication: str = typer.Option(None, "--indication", help="Only indications containing this text."),
    as_json: bool = typer.Option(False, "--json", help="Print the trees as JSON."),
    fhir: bool = typer.Option(False, "--fhir", help="Print an HL7 FHIR R4 Questionnaire (Da Vinci DTR style)."),
) -> None:
    """List the documents with coverage criteria, or print one document's criteria trees."""
    with user_errors():  # the trees live in the manifest: no chunk store or model is opened
        documents = Manifest(settings().store.resolved_data_dir).load().documents
        if doc_id is None:
            _list([r for r in documents.values() if r.criteria], as_json)
            return
        record = documents.get(doc_id)
        if record is None:
            raise DocumentNotFoundError(doc_id)
    found = document_criteria(record, indication)
    if fhir:
        typer.echo(json.dumps(questionnaire(found.doc_id, found.title, found.policies, record.ingested_at), indent=2,
                              ensure_ascii=False))
    elif as_json:
        typer.echo(found.model_dump_json(indent=2))
    for policy in [] if fhir or as_json else found.policies:
        console.print(policy_tree(policy, found.title))
    if not found.policies:  # nothing to show is exit 1 in every output format
        what = f"matching {indication!r}" if indication else "at all"
        err_console.print(f"{escape(doc_id)} has no coverage criteria {what}.")
        raise typer.Exit(1)


def _list(records: Iterable[DocumentRecord], as_json: bool) -> None:
    rows: list[dict[str, Any]] = [
        {"doc_id": r.doc_id, "title": r.meta.title, "drugs": r.criteria_drugs[:4],
         "policies": [f"{p.indication} ({p.line})" for p in r.criteria]} for r in records]
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        console.print("No document with coverage criteria is indexed (ingest payer policies first).")
        return
    table = Table(title=f"{len(rows)} documents with coverage criteria")
    for column in ("id", "title", "drugs", "trees", "indications"):
        table.add_column(column, overflow="fold")
    for row in rows:
        indications = [_short(p.rsplit(" (", 1)[0]) for p in dict.fromkeys(row["policies"])]
        indications = list(dict.fromkeys(indications))
        more = f"; ... ({len(indications) - 6} more)" if len(indications) > 6 else ""
        table.add_row(row["doc_id"], row["title"], ", ".join(row["drugs"]), str(len(row["policies"])),
                      "; ".join(indications[:6]) + more)
    console.print(table)


def _short(text: str, size: int = 40) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "\u2026"


def policy_tree(policy: PolicyCriteria, title: str) -> Tree:
    """A rich tree: the policy, then each list with its op and stem, each criterion with its page
    (and, for a checked tree, its status and evidence)."""
    duration = f", approval {policy.approval_duration}" if policy.approval_duration else ""
    pages = "-".join(str(p) for p in dict.fromkeys(policy.pages))
    where = f"{escape(title)}, p. {pages}" if pages else escape(title)
    head = f"[bold]{escape(policy.indication)}[/] - {policy.line}{duration} [dim]({where})[/]"
    tree = Tree(head)
    _add(tree, policy.tree)
    return tree


def _add(parent: Tree, node: Node) -> None:
    op = f"AT LEAST {node.n} of" if node.op == "at_least" else _OP[node.op]
    label = f"{escape(node.label)} " if node.label else ""
    status = f" {_STATUS[node.status]}" if node.status else ""
    stem = f" [dim]{escape(' '.join(node.stem.split()))}[/]" if node.stem else ""
    branch = parent.add(f"{label}[bold cyan]{op}[/]{status}{stem}")
    for child in node.children:
        if isinstance(child, Leaf):
            branch.add(_leaf(child))
        else:
            _add(branch, child)


def _leaf(leaf: Leaf) -> str:
    label = f"{escape(leaf.label)} " if leaf.label else ""
    page = f" [dim](p. {leaf.page})[/]" if leaf.page else ""
    status = f"{_STATUS[leaf.status]} " if leaf.status else ""
    evidence = f"\n   [dim]request:[/] \u201c{escape(leaf.evidence)}\u201d" if leaf.evidence else ""
    notes = "".join(f"\n   [dim]{escape(' '.join(n.split()))[:160]}[/]" for n in leaf.notes)
    return f"{status}{label}{escape(' '.join(leaf.text.split()))}{page}{evidence}{notes}"
