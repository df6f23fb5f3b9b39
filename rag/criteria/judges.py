"""Leaf judges behind one interface: `judge(question, tree, drugs) -> {leaf position: Judgment}`.

- `RuleJudge` (rag.criteria.rules) decides exactly what rules can decide; the rest is left out
  (unknown).
- `LLMJudge` asks a chat model once for every leaf of the tree (status, evidence, reason), with a
  versioned prompt that keeps the request and the criteria as data. It never sees or returns a
  verdict: that follows from the tree.

Evidence is checked against the request in `rag.criteria.check`, for every judge alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from langchain_core.language_models import BaseChatModel

from rag.criteria.rules import Judgment, RuleJudge, leaves_with_context
from rag.criteria.tree import Node
from rag.errors import LLMOutputError
from rag.llm import ask_json, json_object
from rag.prompts import build_criteria_messages

__all__ = ["Judgment", "LLMJudge", "LeafJudge", "RuleJudge"]


class LeafJudge(Protocol):
    name: str

    def judge(self, question: str, tree: Node, drugs: Sequence[str] = ()) -> dict[int, Judgment]: ...


class LLMJudge:
    """One structured call judging all leaves of a tree."""

    name = "llm"

    def __init__(self, chat: BaseChatModel, policy: str = "", indication: str = "", line: str = "") -> None:
        self.chat = chat
        self.policy, self.indication, self.line = policy, indication, line

    def judge(self, question: str, tree: Node, drugs: Sequence[str] = ()) -> dict[int, Judgment]:
        items = [(context, leaf.text) for leaf, context in leaves_with_context(tree)]
        messages = build_criteria_messages(question, self.policy, self.indication, self.line, items)
        return ask_json(self.chat, messages, lambda reply: parse_judgments(reply, len(items)))


_STATUSES = ("met", "unmet", "unknown")


def parse_judgments(reply: str, count: int) -> dict[int, Judgment]:
    """{leaf position: Judgment} from the model's JSON; items that do not fit are skipped (their
    leaves stay unknown); a reply with no usable item at all is an LLMOutputError."""
    data = json_object(reply)
    items = data.get("criteria")
    if not isinstance(items, list):
        raise LLMOutputError('the model\'s JSON has no "criteria" list')
    out: dict[int, Judgment] = {}
    for item in _dicts(items):
        number, status = item.get("id"), str(item.get("status", "")).strip().lower()
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= count \
                or status not in _STATUSES:
            continue
        evidence = item.get("evidence")
        out[number - 1] = Judgment(status,  # type: ignore[arg-type]
                                   evidence.strip() if isinstance(evidence, str) and evidence.strip() else None,
                                   str(item.get("reason") or "")[:300])
    if items and not out:
        raise LLMOutputError("none of the model's criteria judgments has a valid id and status")
    return out


def _dicts(items: list[object]) -> Iterator[dict]:
    return (i for i in items if isinstance(i, dict))
