"""Helpers of the criteria tests: expected trees written as nested tuples (N, L), the shape of a
parsed tree, the checks every parsed tree must pass, and a document record holding trees."""

from __future__ import annotations

from typing import Any

from rag.criteria.tree import Leaf, Node, PolicyCriteria, leaves
from rag.types import DocumentMeta, DocumentRecord


# N and L: capitalised so that the expected trees read like the trees they describe
def N(op: str, label: str | None, stem: str | None, *children: tuple, n: int | None = None) -> tuple:
    return ("node", op, n, label, stem, children)


def L(label: str | None, text: str, *notes: str) -> tuple:
    return ("leaf", label, text, notes)


def shape(child: Node | Leaf) -> tuple:
    if isinstance(child, Leaf):
        return ("leaf", child.label, child.text, tuple(child.notes))
    return ("node", child.op, child.n, child.label, child.stem, tuple(shape(c) for c in child.children))


def between(text: str, first: str, last: str) -> str:
    """The verbatim span of `text` from `first` through the next `last`."""
    start = text.index(first)
    return text[start:text.index(last, start) + len(last)]


def assert_exact_spans(text: str, policies: list[PolicyCriteria]) -> None:
    for policy in policies:
        for leaf in leaves(policy.tree):
            assert text[leaf.char_start:leaf.char_end] == leaf.text, leaf
            assert leaf.text == leaf.text.strip()
            assert not leaf.text.endswith((";", " AND", " OR", "-AND-", "-OR-")), leaf.text
        nodes = [policy.tree]
        while nodes:
            node = nodes.pop()
            assert node.stem is None or node.stem in text
            nodes += [c for c in node.children if isinstance(c, Node)]


def summary(policies: list[PolicyCriteria]) -> list[tuple[Any, ...]]:
    return [(p.drug, p.indication, p.line, p.approval_duration) for p in policies]


def tree_of(policies: list[PolicyCriteria], indication: str, line: str) -> Node:
    found = [p.tree for p in policies if p.indication == indication and p.line == line]
    assert len(found) == 1, summary(policies)
    return found[0]


DOC = "payer_cigna_epidiolex_PA_policy"
TITLE = "Antiseizure Medications – Epidiolex Prior Authorization Policy"


def record(criteria: list[PolicyCriteria], drugs: list[str], doc_id: str = DOC, title: str = TITLE) -> DocumentRecord:
    return DocumentRecord(doc_id=doc_id, content_hash="0" * 64, path=f"/corpus/{doc_id}.pdf", root="/corpus",
                          meta=DocumentMeta(title=title, doc_type="payer_policy"), chunk_ids=[],
                          ingested_at="2024-06-01T00:00:00+00:00", criteria=criteria, criteria_drugs=drugs)
