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
logic (`evaluate`). Run ``python -m evals.criteria_gold --pdfs DIR`` to check both files.
"""

from __future__ import annotations

import argparse
import bisect
import json
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
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
from rag.criteria.tree import VERDICT_OF, Line, Op, Status, TreeVerdict, combine
from rag.errors import GuideQAError

GOLD_DIR = Path(__file__).resolve().parent / "gold"
DEFAULT_CRITERIA = GOLD_DIR / "criteria.jsonl"
DEFAULT_VIGNETTES = GOLD_DIR / "vignettes.jsonl"

VignetteVerdict = TreeVerdict

# A leaf must not keep the connector or separator that joins it to the next item.
_TRAILING_CONNECTOR_RE = re.compile(r"(?:;|\bAND|\bOR|-AND-|-OR-)\s*$")

Texts = Mapping[str, tuple[str, Sequence[int]]]


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


def load_pdf_texts(pdf_dir: Path, doc_ids: list[str]) -> tuple[dict[str, tuple[str, list[int]]], list[str]]:
    """doc_id -> (stored text, page_starts) for `pdf_dir/<doc_id>.pdf`, loaded as ingestion does.

    Returns the texts and a problem line for each document that is missing or unreadable."""
    from ingest.loaders import load_file
    from ingest.normalize import normalize_pages

    texts: dict[str, tuple[str, list[int]]] = {}
    problems: list[str] = []
    for doc_id in doc_ids:
        path = Path(pdf_dir) / f"{doc_id}.pdf"
        if not path.is_file():
            problems.append(f"{doc_id}: no such PDF {path}")
            continue
        try:
            loaded = load_file(path)
        except GuideQAError as exc:
            problems.append(f"{doc_id}: cannot load {path}: {exc}")
            continue
        text, page_starts, _removed = normalize_pages(loaded.pages)
        texts[doc_id] = (text, page_starts)
    return texts, problems


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


# ---------------------------------------------------------------- checking the criteria gold


def _occurrence_pages(needle: str, text: str, page_starts: Sequence[int]) -> list[int]:
    pages: list[int] = []
    start = text.find(needle)
    while start >= 0:
        pages.append(bisect.bisect_right(page_starts, start))
        start = text.find(needle, start + 1)
    return pages


def _short(value: str, limit: int = 70) -> str:
    flat = value.replace("\n", "\\n")
    return repr(flat if len(flat) <= limit else flat[: limit - 3] + "...")


def check_criteria_gold(entries: Sequence[CriteriaGoldEntry], texts: Texts) -> list[str]:
    """Every problem of the criteria gold: non-verbatim leaves/notes/stems, wrong pages,
    inconsistent ops, empty nodes, duplicate (doc_id, indication, line) entries."""
    problems: list[str] = []
    seen: dict[tuple[str, str, str], int] = {}
    for number, entry in enumerate(entries, start=1):
        where = f"entry {number} ({entry.doc_id} | {entry.indication} | {entry.line})"
        if entry.key in seen:
            problems.append(f"{where}: duplicate of entry {seen[entry.key]}")
        else:
            seen[entry.key] = number
        doc = texts.get(entry.doc_id)
        if doc is None:
            problems.append(f"{where}: document {entry.doc_id!r} not loaded")
        text, page_starts = doc if doc is not None else ("", [0])
        if doc is not None and entry.pages[1] > len(page_starts):
            problems.append(f"{where}: pages {entry.pages} beyond the document's {len(page_starts)} pages")

        for path, node in iter_nodes(entry.tree):
            at = f"{where} at {path}"
            if node.op == "at_least":
                if node.n is None:
                    problems.append(f"{at}: op 'at_least' without n")
                elif not 1 <= node.n <= len(node.children):
                    problems.append(f"{at}: at_least n={node.n} but {len(node.children)} children")
            elif node.n is not None:
                problems.append(f"{at}: n={node.n} given on op {node.op!r} (only at_least takes n)")
            if not node.children:
                problems.append(f"{at}: node without children")
            if node.stem is not None and doc is not None and node.stem not in text:
                problems.append(f"{at}: stem not verbatim in the document: {_short(node.stem)}")

        for path, leaf in iter_leaves(entry.tree):
            at = f"{where} at {path}"
            if _TRAILING_CONNECTOR_RE.search(leaf.text):
                problems.append(f"{at}: leaf text keeps its trailing connector: {_short(leaf.text[-30:])}")
            if not entry.pages[0] <= leaf.page <= entry.pages[1]:
                problems.append(f"{at}: leaf page {leaf.page} outside the entry's pages {entry.pages}")
            for note in leaf.notes:
                if not note.startswith("Note:"):
                    problems.append(f"{at}: note does not start with 'Note:': {_short(note)}")
            if doc is None:
                continue
            pages = _occurrence_pages(leaf.text, text, page_starts)
            if not pages:
                problems.append(f"{at}: leaf text not verbatim in the document: {_short(leaf.text)}")
            elif leaf.page not in pages:
                problems.append(
                    f"{at}: leaf page {leaf.page} but its text occurs on page(s) {sorted(set(pages))}: "
                    f"{_short(leaf.text)}"
                )
            for note in leaf.notes:
                if note not in text:
                    problems.append(f"{at}: note not verbatim in the document: {_short(note)}")
            if leaf.continued is not None:
                later = [p for p in _occurrence_pages(leaf.continued, text, page_starts) if p > leaf.page]
                if not later:
                    problems.append(
                        f"{at}: 'continued' not verbatim on a page after {leaf.page}: {_short(leaf.continued)}"
                    )
    return problems


# ---------------------------------------------------------------- checking the vignettes


def vignette_problems(
    vignettes: Sequence[Vignette], entries: Sequence[CriteriaGoldEntry], texts: Texts | None = None
) -> list[str]:
    """Every problem of the vignettes: unknown tree, evidence not in the question, leaf text not
    in the tree, conflicting statuses, a verdict that does not follow from the tree; with `texts`,
    also a drug name the policy does not use."""
    problems: list[str] = []
    by_key = {entry.key: entry for entry in entries}
    seen_ids: set[str] = set()
    for vignette in vignettes:
        where = f"vignette {vignette.id!r}"
        if vignette.id in seen_ids:
            problems.append(f"{where}: duplicate id")
        seen_ids.add(vignette.id)
        if (
            texts is not None
            and vignette.doc_id in texts
            and vignette.drug.lower() not in texts[vignette.doc_id][0].lower()
        ):
            problems.append(f"{where}: drug {vignette.drug!r} is not named in {vignette.doc_id}")
        entry = by_key.get(vignette.key)
        if entry is None:
            problems.append(f"{where}: no criteria entry for {vignette.key}")
            continue
        leaf_texts = {leaf.text for leaf in entry.leaves()}
        statuses: dict[str, str] = {}
        for leaf in vignette.leaves:
            if leaf.evidence not in vignette.question:
                problems.append(f"{where}: evidence not a substring of the question: {_short(leaf.evidence)}")
            if leaf.text not in leaf_texts:
                problems.append(f"{where}: leaf text not in the tree of {vignette.key}: {_short(leaf.text)}")
            if statuses.get(leaf.text, leaf.status) != leaf.status:
                problems.append(f"{where}: leaf listed as both met and unmet: {_short(leaf.text)}")
            statuses[leaf.text] = leaf.status
        expected = VERDICT_OF[evaluate(entry.tree, statuses)]
        if expected != vignette.verdict:
            problems.append(
                f"{where}: verdict {vignette.verdict!r} does not follow from the tree (it gives {expected!r})"
            )
    return problems


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m evals.criteria_gold",
        description="Check the criteria-tree gold and its vignettes against the policy PDFs.",
    )
    parser.add_argument("--pdfs", type=Path, required=True, help="folder holding <doc_id>.pdf")
    parser.add_argument("--criteria", type=Path, default=DEFAULT_CRITERIA)
    parser.add_argument("--vignettes", type=Path, default=DEFAULT_VIGNETTES)
    args = parser.parse_args(argv)
    try:
        entries = load_criteria_gold(args.criteria)
        vignettes = load_vignettes(args.vignettes) if args.vignettes.exists() else []
    except CriteriaGoldError as exc:
        print(exc, file=sys.stderr)
        return 1
    doc_ids = sorted({e.doc_id for e in entries} | {v.doc_id for v in vignettes})
    texts, problems = load_pdf_texts(args.pdfs, doc_ids)
    problems += check_criteria_gold(entries, texts)
    problems += vignette_problems(vignettes, entries, texts)
    leaves = sum(len(e.leaves()) for e in entries)
    print(
        f"{len(entries)} criteria entries ({leaves} leaves) over {len(doc_ids)} documents, "
        f"{len(vignettes)} vignettes: {len(problems)} problem(s)"
    )
    for problem in problems:
        print(f"  - {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
