"""Checking a request against a chosen criteria tree: judge the leaves, keep only evidence found
in the request, evaluate the tree by three-valued logic, and cite every criterion.

Judges run in order; a later judge's decision replaces an earlier one's for the leaves it
decides (the exact rules come last, so an age or a threshold is never left to a model). A
status without evidence, or with evidence that is not a span of the request, becomes unknown,
and the dropped evidence is reported. Each criterion is cited through the same verifier as any
quote: a `DraftCitation` of the chunk that holds it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from rag.criteria.judges import Judgment, LeafJudge
from rag.criteria.tree import (
    VERDICT_OF,
    CriteriaTreeResult,
    Leaf,
    Node,
    PolicyCriteria,
    Status,
    annotate,
    deciding_unknowns,
    leaves,
)
from rag.types import Chunk, Citation, Criterion, DocumentRecord
from rag.verify import DraftCitation, check_citation, locate


@dataclass
class TreeCheck:
    """A request checked against one tree, ready to become an answer."""

    result: CriteriaTreeResult
    citations: list[Citation] = field(default_factory=list)
    criteria: list[Criterion] = field(default_factory=list)
    missing_information: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # judged evidence not found in the request


def judge_leaves(question: str, policy: PolicyCriteria, judges: Sequence[LeafJudge],
                 drugs: Sequence[str]) -> dict[int, tuple[Judgment, str]]:
    """Each leaf's judgment and the judge that gave it; later judges win where they decide."""
    merged: dict[int, tuple[Judgment, str]] = {}
    for judge in judges:
        for position, judgment in judge.judge(question, policy.tree, drugs).items():
            if judgment.status != "unknown" or position not in merged:
                merged[position] = (judgment, judge.name)
    return merged


def check_request(question: str, record: DocumentRecord, policy: PolicyCriteria, why: str,
                  judges: Sequence[LeafJudge], chunks: Sequence[Chunk], first_citation: int = 1) -> TreeCheck:
    tree = policy.tree.model_copy(deep=True)
    judged = judge_leaves(question, policy, judges, record.criteria_drugs)
    check = TreeCheck(result=CriteriaTreeResult(
        doc_id=record.doc_id, title=record.meta.title, drug=policy.drug, indication=policy.indication,
        line=policy.line, approval_duration=policy.approval_duration, why=why, result="unknown", tree=tree))
    undecided = ("the request does not say" if any(j.name != "rules" for j in judges)
                 else "not decided by an exact rule (age, threshold, time on therapy, prescriber)")
    for position, leaf in enumerate(leaves(tree)):
        judgment, judge = judged.get(position, (Judgment("unknown", reason=undecided), ""))
        _apply(leaf, judgment, judge, question, position, check.dropped)
    check.result.result = annotate(tree)
    sources = sorted((c for c in chunks if c.doc_id == record.doc_id), key=lambda c: c.char_start)
    next_id = first_citation
    for leaf in leaves(tree):
        citation = _cite(leaf, sources, next_id)
        if citation is not None:
            check.citations.append(citation)
            leaf.citation = citation.id
            next_id += 1
        check.criteria.append(Criterion(criterion=" ".join(leaf.text.split()), status=leaf.status or "unknown",
                                        citations=[leaf.citation] if leaf.citation else []))
    check.missing_information = [" ".join(leaf.text.split()) for leaf in deciding_unknowns(tree)]
    return check


# Words that address the reviewer or the system rather than state a fact about the patient: a
# request's sentence holding them is never evidence for a criterion (an injected instruction
# cited by a model that obeyed it would otherwise decide leaves).
_INSTRUCTION_RE = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.!?\n]{0,60}"
    r"\b(?:instructions?|rules?|prompts?|criteria|above|previous)\b"
    r"|\b(?:answer|respond|reply|output|say|mark|return)\b[^.!?\n]{0,40}"
    r"\b(?:medically[_ ]necessary|approved?|met|yes)\b"
    r"|\b(?:system|developer)\s+prompt\b|\byou\s+(?:are|must|should)\b",
    re.IGNORECASE,
)


def instruction_spans(question: str) -> list[tuple[int, int]]:
    """The sentences of the request that give instructions instead of facts."""
    sentences = re.finditer(r"[^.!?\n]+[.!?]?", question)
    return [(m.start(), m.end()) for m in sentences if _INSTRUCTION_RE.search(m.group(0))]


def _apply(leaf: Leaf, judgment: Judgment, judge: str, question: str, position: int, dropped: list[str]) -> None:
    status: Status = judgment.status
    evidence = None
    if status != "unknown":
        span = locate(judgment.evidence, question) if judgment.evidence else None
        if span is not None and any(a < span[1] and span[0] < b for a, b in instruction_spans(question)):
            dropped.append(f"criterion {position + 1} ({judge}): its evidence {judgment.evidence!r} is an "
                           f"instruction in the request, not a fact; kept as unknown")
            status, span = "unknown", None
        elif span is None:
            what = f"evidence {judgment.evidence!r} is not in the request" if judgment.evidence else "no evidence"
            dropped.append(f"criterion {position + 1} ({judge}): {status} with {what}; kept as unknown")
            status = "unknown"
        else:
            evidence = question[span[0]:span[1]]
    leaf.status, leaf.evidence = status, evidence
    leaf.reason = (judgment.reason or None) if status != "unknown" else (judgment.reason or "the request does not say")
    if judge and status != "unknown":
        leaf.reason = f"{judge}: {leaf.reason}" if leaf.reason else judge


def _cite(leaf: Leaf, sources: Sequence[Chunk], citation_id: int) -> Citation | None:
    """The citation of a criterion: the chunk holding its start, quoting as much of it as the
    chunk holds, checked by the verifier like any quote."""
    holding = [(n, c) for n, c in enumerate(sources, start=1) if c.char_start <= leaf.char_start < c.char_end]
    # the chunk that holds the whole criterion (chunks overlap), else the one holding most of it
    for number, chunk in sorted(holding, key=lambda nc: -min(nc[1].char_end, leaf.char_end)):
        if chunk.char_end - leaf.char_start >= 3:
            quote = leaf.text[: chunk.char_end - leaf.char_start]
            result = check_citation(DraftCitation(id=citation_id, source=number, quote=quote), list(sources))
            if not isinstance(result, Citation):
                return None
            result.page = leaf.page or result.page  # the criterion's own page, not the chunk's first
            return result
    return None


# ---------------------------------------------------------------- the answer text
_HEADINGS = {"unmet": "Unmet", "met": "Met", "unknown": "Not stated in the request (to check)"}
_UNDECIDED = "Not decided by exact rules (for the reviewer)"


def compose(check: TreeCheck, verdict_given: bool) -> str:
    """The checklist as prose with citation markers: policy, then unmet, met and unknown criteria."""
    r = check.result
    duration = f", approval for {r.approval_duration}" if r.approval_duration else ""
    lines = []
    if verdict_given:
        lines.append(_VERDICT_TEXT[VERDICT_OF[r.result]])
    else:
        lines.append("Criteria checklist (exact rules only: age, numeric thresholds, time on therapy and "
                     "prescriber specialty; every other criterion is left for the reviewer).")
    lines.append(f"Policy: {r.title} - {r.indication}, {r.line} therapy{duration}.")
    by_status: dict[str, list[tuple[Leaf, str]]] = {"unmet": [], "met": [], "unknown": []}
    for leaf, parent in _leaves_with_parent(r.tree):
        if leaf.status == "unmet" and parent.status == "met" and parent.op != "none":
            continue  # an option not taken in a list that is met: it decides nothing
        # an item of a nested list reads with its list's stem ("Prescribed by one of the following:")
        nested = parent is not r.tree and parent.stem and len(parent.stem) <= 120
        context = f"{' '.join(parent.stem.split())} " if nested and parent.stem else ""
        by_status[leaf.status or "unknown"].append((leaf, context))
    for status in ("unmet", "met", "unknown"):
        if not by_status[status]:
            continue
        heading = _HEADINGS[status] if verdict_given or status != "unknown" else _UNDECIDED
        lines.append(f"{heading}:")
        for leaf, context in by_status[status]:
            marker = f" [{leaf.citation}]" if leaf.citation else ""
            said = f" - request: \u201c{leaf.evidence}\u201d" if leaf.evidence else ""
            lines.append(f"- {context}\u201c{' '.join(leaf.text.split())}\u201d{marker}{said}")
    return "\n".join(lines)


def _leaves_with_parent(node: Node) -> Iterator[tuple[Leaf, Node]]:
    for child in node.children:
        if isinstance(child, Leaf):
            yield child, node
        else:
            yield from _leaves_with_parent(child)


_VERDICT_TEXT = {
    "medically_necessary": "Medically necessary: every criterion the policy's logic requires is met by the request.",
    "not_medically_necessary": "Not medically necessary: by the policy's own logic, a required criterion is unmet.",
    "insufficient_information": "Insufficient information: criteria that decide the result are not stated in "
                                "the request (listed below as missing information).",
}
