"""Coverage criteria as data: the tree types and their three-valued (Kleene) evaluation.

A payer policy's criteria for one drug x indication x line of therapy are a tree: nodes combine
their children by the policy's own words (`all`, `any`, `none`, `at_least` n), leaves are verbatim
criteria (exact spans of the stored document text, so they are cited and verified like any
quote). A request is checked leaf by leaf (met / unmet / unknown); the verdict follows from the
tree, never from a model:

- all:        unmet if any child is unmet, met if all are met, else unknown
- any:        met if any child is met, unmet if all are unmet, else unknown
- none:       the negation of any (met when no child applies)
- at_least n: met if >= n children are met, unmet if fewer than n can still be met, else unknown

Nothing here imports the rest of GuideQA: these are plain pydantic models and pure functions.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Discriminator, Field, Tag

Op = Literal["all", "any", "none", "at_least"]
Line = Literal["initial", "continuation"]
Status = Literal["met", "unmet", "unknown"]
TreeVerdict = Literal["medically_necessary", "not_medically_necessary", "insufficient_information"]

VERDICT_OF: dict[Status, TreeVerdict] = {
    "met": "medically_necessary",
    "unmet": "not_medically_necessary",
    "unknown": "insufficient_information",
}


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "node" if "op" in value or "children" in value else "leaf"
    return "node" if isinstance(value, Node) else "leaf"


class Leaf(BaseModel):
    """One criterion, verbatim: without its label and without its trailing connector."""

    label: str | None = Field(default=None, description="The policy's label ('i', '(a)', '1'), or null.")
    text: str = Field(description="Exact span document.text[char_start:char_end].")
    notes: list[str] = Field(default_factory=list, description="'Note: ...' texts and footnotes of it.")
    page: int | None = Field(default=None, description="1-based page where the criterion starts.")
    char_start: int = Field(default=0, description="Offset of `text` in the stored document text.")
    char_end: int = Field(default=0, description="End offset of `text` in the stored document text.")
    # set when a request is checked against the tree
    status: Status | None = Field(default=None, description="met / unmet / unknown (checked trees only).")
    evidence: str | None = Field(
        default=None, description="Verbatim span of the request that decides this leaf (checked trees only)."
    )
    reason: str | None = Field(default=None, description="Why the judge decided so (checked trees only).")
    citation: int | None = Field(
        default=None, description="Id of the answer citation quoting this criterion (checked trees only)."
    )


class Node(BaseModel):
    """A list of criteria combined by `op` (the policy's own logic)."""

    op: Op
    n: int | None = Field(default=None, description="at_least only: how many children must be met.")
    label: str | None = Field(default=None, description="The policy's label of this list item, or null.")
    stem: str | None = Field(default=None, description="Verbatim introductory text, or null.")
    children: list[Annotated[Annotated[Node, Tag("node")] | Annotated[Leaf, Tag("leaf")],
                             Discriminator(_kind)]] = Field(default_factory=list)
    status: Status | None = Field(default=None, description="met / unmet / unknown (checked trees only).")


Child = Node | Leaf


class PolicyCriteria(BaseModel):
    """The criteria tree of one drug x indication x line of therapy of a policy."""

    drug: str = Field(description="The drug as the policy names it.")
    indication: str = Field(description="The indication, in the policy's own heading words.")
    line: Line = Field(description="'initial' approval, or 'continuation' (reauthorization, currently receiving).")
    approval_duration: str | None = Field(default=None, description="As the policy states it, e.g. '12 months'.")
    pages: list[int] = Field(default_factory=list, description="[first, last] page of the criteria.")
    tree: Node


class DocumentCriteria(BaseModel):
    """What `guideqa criteria DOC_ID --json` and GET /v1/documents/{doc_id}/criteria return."""

    doc_id: str
    title: str
    drugs: list[str] = Field(default_factory=list, description="The drugs the policy covers, brand and generic.")
    policies: list[PolicyCriteria] = Field(default_factory=list)


class CriteriaTreeResult(BaseModel):
    """The answer's `criteria_tree`: the tree a request was checked against, and the result."""

    doc_id: str
    title: str
    drug: str
    indication: str
    line: Line
    approval_duration: str | None = None
    why: str = Field(description="Why this tree was chosen (drug, indication, line), or what was ambiguous.")
    result: Status = Field(description="The root's status, by three-valued logic over the leaves.")
    tree: Node = Field(description="The tree with every node's status and every leaf's evidence.")


# ---------------------------------------------------------------- walking
def leaves(node: Node) -> Iterator[Leaf]:
    """Every leaf, in document order."""
    for child in node.children:
        if isinstance(child, Leaf):
            yield child
        else:
            yield from leaves(child)


def leaf_paths(node: Node, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Leaf]]:
    """(ops from the root to the leaf's parent, leaf) for every leaf; at_least carries its n."""
    here = (*path, f"at_least:{node.n}" if node.op == "at_least" else node.op)
    for child in node.children:
        if isinstance(child, Leaf):
            yield here, child
        else:
            yield from leaf_paths(child, here)


# ---------------------------------------------------------------- three-valued logic
def combine(op: Op, statuses: list[Status], n: int | None = None) -> Status:
    """The status of a node from its children's, by Kleene's three-valued logic."""
    met = statuses.count("met")
    unmet = statuses.count("unmet")
    total = len(statuses)
    if op == "all":
        return "unmet" if unmet else "met" if met == total else "unknown"
    if op == "any":
        return "met" if met else "unmet" if unmet == total else "unknown"
    if op == "none":
        inner = combine("any", statuses)
        return {"met": "unmet", "unmet": "met", "unknown": "unknown"}[inner]  # type: ignore[return-value]
    need = n if n is not None else 1
    if met >= need:
        return "met"
    return "unmet" if total - unmet < need else "unknown"


def evaluate(node: Node, status_of: Mapping[int, Status]) -> Status:
    """The root's status, given leaf statuses keyed by `id(leaf)` (missing: unknown)."""
    statuses: list[Status] = [
        status_of.get(id(child), "unknown") if isinstance(child, Leaf) else evaluate(child, status_of)
        for child in node.children
    ]
    return combine(node.op, statuses, node.n)


def annotate(node: Node) -> Status:
    """Set every node's `status` from its leaves' `status` (None counts as unknown); returns
    the root's."""
    statuses: list[Status] = []
    for child in node.children:
        if isinstance(child, Leaf):
            child.status = child.status or "unknown"
            statuses.append(child.status)
        else:
            statuses.append(annotate(child))
    node.status = combine(node.op, statuses, node.n)
    return node.status


def deciding_unknowns(node: Node) -> list[Leaf]:
    """The unknown leaves that could still change the result of an `annotate`d tree: those
    reached from the root through unknown nodes only. A decided node (met or unmet) fixes its
    value whatever its unknown leaves turn out to be; under an unknown node every unknown child
    can still tip it, since all / any / none / at_least are monotone."""
    if node.status != "unknown":
        return []
    out: list[Leaf] = []
    for child in node.children:
        if isinstance(child, Leaf):
            if child.status in (None, "unknown"):
                out.append(child)
        else:
            out.extend(deciding_unknowns(child))
    return out
