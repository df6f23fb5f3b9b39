"""Deterministic metric functions: pure, on plain strings and numbers, no models.

Text matching always goes through `rag.verify.normalize` (NFKC, case-fold, whitespace collapse).
A gold quote is *covered* by a list of chunk texts when one chunk contains it, or when the chunks
together cover it: a quote split across two (or more) chunks, its head ending one chunk and its
tail starting the next, counts as found.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from functools import lru_cache

from rag.verify import normalize

MIN_PIECE = 4  # shortest part of a quote a chunk boundary may contribute (avoids "a", "the")

_norm = lru_cache(maxsize=8192)(normalize)  # chunk texts repeat across ranks and items


def _pieces(quote: str, chunk: str) -> list[tuple[int, int]]:
    """Spans of the normalised `quote` that the normalised `chunk` holds: all of it, the head the
    chunk ends with, the tail it starts with, or the whole chunk lying inside the quote."""
    if quote in chunk:
        return [(0, len(quote))]
    spans: list[tuple[int, int]] = []
    for size in range(min(len(quote), len(chunk)) - 1, MIN_PIECE - 1, -1):
        if chunk.endswith(quote[:size]):
            spans.append((0, size))
            break
    for size in range(min(len(quote), len(chunk)) - 1, MIN_PIECE - 1, -1):
        if chunk.startswith(quote[-size:]):
            spans.append((len(quote) - size, len(quote)))
            break
    if len(chunk) >= MIN_PIECE and (at := quote.find(chunk)) >= 0:
        spans.append((at, at + len(chunk)))
    return spans


def _covers(quote: str, spans: Iterable[tuple[int, int]]) -> bool:
    """True when the spans cover every non-space character of `quote`."""
    covered = [False] * len(quote)
    for start, end in spans:
        covered[start:end] = [True] * (end - start)
    return all(c or quote[i] == " " for i, c in enumerate(covered))


def supporting_chunks(quote: str, chunks: Sequence[str]) -> set[int] | None:
    """Indices of the chunks that hold `quote`, alone or together; None if they do not cover it.

    When one chunk holds the whole quote, only such chunks are returned; otherwise every chunk
    contributing a piece to the covering union."""
    q = _norm(quote)
    if not q:
        return None
    normed = [_norm(c) for c in chunks]
    whole = {i for i, c in enumerate(normed) if q in c}
    if whole:
        return whole
    pieces = {i: _pieces(q, c) for i, c in enumerate(normed)}
    pieces = {i: p for i, p in pieces.items() if p}
    if pieces and _covers(q, (s for p in pieces.values() for s in p)):
        return set(pieces)
    return None


def quote_found(quote: str, chunks: Sequence[str]) -> bool:
    return supporting_chunks(quote, chunks) is not None


def first_rank(quote: str, ranked: Sequence[str]) -> int | None:
    """The 1-based rank at which the top chunks first cover `quote`, or None."""
    for k in range(1, len(ranked) + 1):
        if quote_found(quote, ranked[:k]):
            return k
    return None


def recall_at_k(ranks: Sequence[int | None], k: int) -> float | None:
    """Share of ranks at most k: gold quotes first covered there (ranks from `first_rank`), or
    benchmark queries whose first relevant hit is there. None (n/a) when there are no ranks."""
    if not ranks:
        return None
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks)


def hit_at_k(ranks: Sequence[int | None], k: int) -> float | None:
    """1.0 when some gold quote is covered at rank k or better (the first relevant passage is in
    the top k, as the public benchmarks count), else 0.0; None (n/a) when there are no ranks.
    Unlike `recall_at_k`, one passage can score 1 at k=1 for an item quoting two documents."""
    if not ranks:
        return None
    return 1.0 if any(r is not None and r <= k for r in ranks) else 0.0


def reciprocal_rank(ranks: Sequence[int | None]) -> float | None:
    """1 / the rank at which the first gold quote is covered; 0 when none is."""
    if not ranks:
        return None
    found = [r for r in ranks if r is not None]
    return 1.0 / min(found) if found else 0.0


def fact_hits(facts: Sequence[Sequence[str]], answer: str) -> list[bool]:
    """For each fact, whether any of its alternatives occurs in `answer` (normalised)."""
    text = _norm(answer)
    return [any(_norm(alt) in text for alt in alternatives) for alternatives in facts]


def share(hits: Sequence[bool]) -> float | None:
    return sum(hits) / len(hits) if hits else None


def mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def percentile(values: Sequence[float], pct: float) -> float | None:
    """Linear-interpolated percentile (numpy's default), pct in 0..100; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * pct / 100
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def stdev(values: Sequence[float]) -> float | None:
    return statistics.stdev(values) if len(values) > 1 else (0.0 if values else None)


def abstention(
    gold_answerable: Sequence[bool], abstained: Sequence[bool]
) -> dict[str, float | None]:
    """Abstention precision and recall on unanswerable items, and the false-abstention rate on
    answerable ones (share of them the system declined)."""
    pairs = list(zip(gold_answerable, abstained, strict=True))
    true_abstain = sum(1 for ans, ab in pairs if not ans and ab)
    return {
        "abstention_precision": ratio(true_abstain, sum(1 for _, ab in pairs if ab)),
        "abstention_recall": ratio(true_abstain, sum(1 for ans, _ in pairs if not ans)),
        "false_abstention_rate": ratio(
            sum(1 for ans, ab in pairs if ans and ab), sum(1 for ans, _ in pairs if ans)
        ),
    }


def confusion(pairs: Iterable[tuple[str, str | None]]) -> dict[str, dict[str, int]]:
    """gold verdict -> predicted verdict ('none' when the system gave none) -> count."""
    matrix: dict[str, dict[str, int]] = {}
    for gold, predicted in pairs:
        row = matrix.setdefault(gold, {})
        key = predicted or "none"
        row[key] = row.get(key, 0) + 1
    return matrix
