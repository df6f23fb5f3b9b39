"""Criteria-tree gold: coverage criteria of payer policies as trees, and PA vignettes over them.

`evals/gold/criteria.jsonl` holds one object per drug x indication x line of therapy::

    {"doc_id": "payer_x_policy", "drug": "Drugname", "indication": "Some Disease",
     "line": "initial", "approval_duration": "1 year", "pages": [4, 4], "tree": NODE}

    NODE = {"op": "all" | "any" | "none" | "at_least", "n": 2 (at_least only), "label": "A" | null,
            "stem": "verbatim introductory text" | null, "children": [NODE | LEAF, ...]}
    LEAF = {"label": "i" | null, "text": "verbatim criterion", "notes": ["Note: ..."], "page": 4,
            "continued": "verbatim rest on a later page" (optional)}

Leaf texts, notes, stems and `continued` are exact substrings of the document's stored text (as
`ingest.loaders.load_file` + `ingest.normalize.normalize_pages` produce it); `page` is the 1-based
page where the leaf text starts. An `op` of "none" is met when none of its children apply.

`evals/gold/vignettes.jsonl` holds prior-authorization requests decided over those trees::

    {"id": "pa-x", "question": "...", "doc_id": "...", "drug": "...", "indication": "...",
     "line": "initial", "verdict": "medically_necessary",
     "leaves": [{"text": "<leaf text>", "status": "met" | "unmet", "evidence": "<span of question>"}]}

A leaf the vignette does not list is unknown; the verdict follows from the tree by three-valued
logic (`evaluate`). Run ``python -m evals.criteria_gold --pdfs DIR`` to check both files
(:mod:`evals.criteria_gold_check`).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
)

from evals.gold import GoldError
from rag.criteria.tree import Line, Op, Status, TreeVerdict, combine

GOLD_DIR = Path(__file__).resolve().parent / "gold"
DEFAULT_CRITERIA = GOLD_DIR / "criteria.jsonl"
DEFAULT_VIGNETTES = GOLD_DIR / "vignettes.jsonl"

VignetteVerdict = TreeVerdict


class CriteriaGoldError(GoldError):
    """A criteria/vignette gold line that cannot be used; names the file, the line and the field."""


# ---------------------------------------------------------------- models


class CriteriaLeaf(BaseModel):
    """One criterion, verbatim, without its label and trailing connector."""

    model_config = ConfigDict(extra="forbid")

    label: str | None = Field(default=None, description="The policy's label: 'i', '(a)', '1'; null if none.")
    text: str = Field(min_length=1, description="Exact substring of the document's stored text.")
    notes: list[str] = Field(default_factory=list, description="Verbatim 'Note: ...' paragraphs after it.")
    page: int = Field(ge=1, description="1-based page where `text` starts.")
    continued: str | None = Field(
        default=None, description="The verbatim rest of the criterion when it is not contiguous in the text."
    )


def _child_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "node" if ("op" in value or "children" in value) else "leaf"
    return "node" if isinstance(value, CriteriaNode) else "leaf"


class CriteriaNode(BaseModel):
    """A list of criteria combined by `op` (at_least needs `n`)."""

    model_config = ConfigDict(extra="forbid")

    op: Op
    n: int | None = Field(default=None, description="Only for op 'at_least': how many children must be met.")
    label: str | None = None
    stem: str | None = Field(default=None, description="Verbatim introductory text of the list, or null.")
    children: list[
        Annotated[
            Annotated[CriteriaNode, Tag("node")] | Annotated[CriteriaLeaf, Tag("leaf")],
            Discriminator(_child_kind),
        ]
    ] = Field(default_factory=list)


CriteriaNode.model_rebuild()


class CriteriaGoldEntry(BaseModel):
    """The criteria tree of one drug x indication x line of therapy."""

    model_config = ConfigDict(extra="forbid")

    doc_id: str = Field(min_length=1)
    drug: str = Field(min_length=1)
    indication: str = Field(min_length=1)
    line: Line
    approval_duration: str | None = Field(description="As the policy states it ('1 year'), or null.")
    pages: list[int] = Field(description="[first page, last page] of the tree's text, 1-based.")
    tree: CriteriaNode

    @field_validator("pages")
    @classmethod
    def _page_range(cls, pages: list[int]) -> list[int]:
        if len(pages) != 2 or pages[0] < 1 or pages[1] < pages[0]:
            raise ValueError("pages must be [first, last] with 1 <= first <= last")
        return pages

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.doc_id, self.indication, self.line)

    def leaves(self) -> list[CriteriaLeaf]:
        return [leaf for _, leaf in iter_leaves(self.tree)]


class VignetteLeaf(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description="Exact text of a leaf of the vignette's tree.")
    status: Literal["met", "unmet"]
    evidence: str = Field(min_length=1, description="Exact substring of the question that decides the leaf.")


class Vignette(BaseModel):
    """A prior-authorization request and the leaves it decides."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    question: str = Field(min_length=3)
    doc_id: str = Field(min_length=1)
    drug: str = Field(min_length=1)
    indication: str = Field(min_length=1)
    line: Line
    verdict: VignetteVerdict
    leaves: list[VignetteLeaf] = Field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.doc_id, self.indication, self.line)


# ---------------------------------------------------------------- loading

M = TypeVar("M", bound=BaseModel)


def _load_jsonl(path: Path, model: type[M]) -> list[M]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CriteriaGoldError(path, 0, "-", f"cannot read the file ({exc})") from exc
    items: list[M] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CriteriaGoldError(path, number, "-", f"not valid JSON ({exc.msg} at column {exc.colno})") from exc
        if not isinstance(data, dict):
            raise CriteriaGoldError(path, number, "-", "not a JSON object")
        try:
            items.append(model.model_validate(data))
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "-"
            raise CriteriaGoldError(path, number, field, first["msg"]) from exc
    if not items:
        raise CriteriaGoldError(path, 0, "-", "the file holds no entries")
    return items


def load_criteria_gold(path: Path = DEFAULT_CRITERIA) -> list[CriteriaGoldEntry]:
    """Every entry of a criteria gold JSONL file; blank lines skipped. Raises CriteriaGoldError."""
    return _load_jsonl(path, CriteriaGoldEntry)


def load_vignettes(path: Path = DEFAULT_VIGNETTES) -> list[Vignette]:
    """Every vignette of a vignette gold JSONL file; blank lines skipped. Raises CriteriaGoldError."""
    return _load_jsonl(path, Vignette)


# ---------------------------------------------------------------- walking and evaluating


def _name(label: str | None, index: int) -> str:
    return label if label else f"#{index + 1}"


def iter_nodes(node: CriteriaNode, path: str = "root") -> Iterator[tuple[str, CriteriaNode]]:
    yield path, node
    for i, child in enumerate(node.children):
        if isinstance(child, CriteriaNode):
            yield from iter_nodes(child, f"{path} > {_name(child.label, i)}")


def iter_leaves(node: CriteriaNode, path: str = "root") -> Iterator[tuple[str, CriteriaLeaf]]:
    for i, child in enumerate(node.children):
        child_path = f"{path} > {_name(child.label, i)}"
        if isinstance(child, CriteriaNode):
            yield from iter_leaves(child, child_path)
        else:
            yield child_path, child


def evaluate(node: CriteriaNode | CriteriaLeaf, statuses: Mapping[str, str]) -> Status:
    """Three-valued value of a node given leaf statuses (by leaf text; absent -> unknown), by
    the product's own logic (`rag.criteria.tree.combine`)."""
    if isinstance(node, CriteriaLeaf):
        value = statuses.get(node.text, "unknown")
        return value if value in ("met", "unmet") else "unknown"  # type: ignore[return-value]
    return combine(node.op, [evaluate(child, statuses) for child in node.children], node.n)


if __name__ == "__main__":  # `python -m evals.criteria_gold` runs the checker
    from evals.criteria_gold_check import main

    sys.exit(main())
