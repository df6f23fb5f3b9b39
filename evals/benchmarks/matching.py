"""Is a gold label sentence in the retrieved passages? Three rules, tried in order:

1. ``exact``: the sentence, normalised with :func:`rag.verify.normalize` (NFKC, case, spaces),
   is a substring of one retrieved chunk;
2. ``split``: it is a substring of two retrieved chunks that are adjacent in their document,
   joined with their overlap removed (the hit counts at the rank of the later of the two);
3. ``fuzzy``: at least 80% of its word tokens occur, in order, inside one window of the chunk
   (or of an adjacent pair) no longer than twice the sentence plus ten tokens. This absorbs the
   FDA label's omitted cross-references ("[see Warnings and Precautions (5.2)]") and table cells
   that the PDF extracts one per line, without letting a long chunk match by scattered words.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from evals.benchmarks.common import Hit
from rag.verify import normalize

FUZZY_SHARE = 0.8
RULES = ("exact", "split", "fuzzy")
_TOKEN = re.compile(r"[a-z0-9]+")


def tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(unicodedata.normalize("NFKC", text).lower()))


def lcs_length(needle: Sequence[str], hay: Sequence[str]) -> int:
    """Longest common subsequence length, bit-parallel (Hyyrö 2004): O(len(hay)) big-int ops."""
    masks: dict[str, int] = {}
    for i, tok in enumerate(needle):
        masks[tok] = masks.get(tok, 0) | (1 << i)
    full = (1 << len(needle)) - 1
    v = full
    for tok in hay:
        u = v & masks.get(tok, 0)
        v = ((v + u) | (v - u)) & full
    return len(needle) - bin(v).count("1")


def fuzzy_contains(label: Sequence[str], hay: Sequence[str], share: float = FUZZY_SHARE) -> bool:
    if not label:
        return False
    need = share * len(label)
    have = Counter(hay)
    if sum(min(n, have[t]) for t, n in Counter(label).items()) < need:
        return False  # cheap bag-of-words bound first
    width = 2 * len(label) + 10
    # a match of >= share*len tokens uses one of the first (1-share)*len+1 label tokens
    heads = set(label[: int((1 - share) * len(label)) + 1])
    starts = [i for i, t in enumerate(hay) if t in heads]
    return any(lcs_length(label, hay[s : s + width]) >= need for s in starts)


def merge(first: str, second: str, max_overlap: int = 1200, min_overlap: int = 20) -> str:
    """Two consecutive chunks as one text, the repeated overlap kept once."""
    for size in range(min(len(first), len(second), max_overlap), min_overlap - 1, -1):
        if first.endswith(second[:size]):
            return first + second[size:]
    return f"{first}\n{second}"


class LabelMatcher:
    """Judges hit lists against one gold sentence per query; remembers which rule fired."""

    def __init__(self, fuzzy: bool = True) -> None:
        self.fuzzy = fuzzy

    @staticmethod
    @lru_cache(maxsize=100_000)
    def _single(label: str, text: str, fuzzy: bool) -> str | None:
        if normalize(label) in normalize(text):
            return "exact"
        if fuzzy and fuzzy_contains(tokens(label), tokens(text)):
            return "fuzzy"
        return None

    def rule_at(self, label: str, hits: Sequence[Hit]) -> tuple[int, str] | None:
        """(1-based rank, rule) of the first hit that completes the label, or None."""
        for rank, hit in enumerate(hits, start=1):
            rule = self._single(label, hit.text, self.fuzzy)
            if rule:
                return rank, rule
            for other in hits[: rank - 1]:  # an adjacent chunk retrieved earlier
                if other.doc_id != hit.doc_id or abs(other.ordinal - hit.ordinal) != 1:
                    continue
                a, b = (other, hit) if other.ordinal < hit.ordinal else (hit, other)
                joined = self._single(label, merge(a.text, b.text), self.fuzzy)
                if joined:
                    return rank, "split" if joined == "exact" else "fuzzy"
        return None

    def rank(self, label: str, hits: Sequence[Hit]) -> int | None:
        found = self.rule_at(label, hits)
        return found[0] if found else None

    def ceiling(self, label: str, chunks: Sequence[Hit]) -> str | None:
        """The best rule any chunk (or adjacent pair) of the whole corpus satisfies."""
        by_pos = {(c.doc_id, c.ordinal): c for c in chunks}
        found = {self._single(label, c.text, self.fuzzy) for c in chunks}
        if "exact" in found:
            return "exact"
        for c in chunks:
            nxt = by_pos.get((c.doc_id, c.ordinal + 1))
            if nxt is not None and self._single(label, merge(c.text, nxt.text), False):
                return "split"
        if "fuzzy" in found:
            return "fuzzy"
        for c in chunks:
            nxt = by_pos.get((c.doc_id, c.ordinal + 1))
            if nxt is not None and self._single(label, merge(c.text, nxt.text), self.fuzzy):
                return "fuzzy"
        return None
