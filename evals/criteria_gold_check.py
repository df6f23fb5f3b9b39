"""Checks the criteria-tree gold and its vignettes against the policy PDFs (verbatim leaves, stems
and notes, pages, ops, verdicts that follow from the trees): ``python -m evals.criteria_gold
--pdfs DIR`` (or ``python -m evals.criteria_gold_check``). The formats: :mod:`evals.criteria_gold`.
"""

from __future__ import annotations

import argparse
import bisect
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from evals.criteria_gold import (
    DEFAULT_CRITERIA,
    DEFAULT_VIGNETTES,
    CriteriaGoldEntry,
    CriteriaGoldError,
    Vignette,
    evaluate,
    iter_leaves,
    iter_nodes,
    load_criteria_gold,
    load_vignettes,
)
from rag.criteria.tree import VERDICT_OF
from rag.errors import GuideQAError

# A leaf must not keep the connector or separator that joins it to the next item.
_TRAILING_CONNECTOR_RE = re.compile(r"(?:;|\bAND|\bOR|-AND-|-OR-)\s*$")
Texts = Mapping[str, tuple[str, Sequence[int]]]


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
