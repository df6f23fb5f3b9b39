"""Abbreviations mined from the corpus itself, for query expansion in both directions.

Definitions are found with the Schwartz-Hearst algorithm ("long form (SF)": the short form's
letters matched right-to-left inside the preceding words), so `MDS`, `ESA`, `RBC-TD`, `LR-MDS`
or `IPSS-R` expand to what this corpus says they mean, and those long forms back to the short.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

_PAREN = re.compile(r"\(([^()]{1,20})\)")
_WORD = re.compile(r"\S+")
_SHORT_OK = re.compile(r"^[A-Za-z][\w\-/]*[A-Za-z0-9]$")


def _short_form_ok(short: str) -> bool:
    return (
        2 <= len(short) <= 12
        and bool(_SHORT_OK.match(short))
        and sum(ch.isupper() for ch in short) >= 1
        and len(short.split()) == 1
    )


def _match_long_form(short: str, words: list[str]) -> str | None:
    """Schwartz-Hearst: the shortest tail of `words` in which the short form's letters occur in
    order, the first letter starting a word."""
    letters = [c.lower() for c in short if c.isalnum()]
    candidate = " ".join(words)
    s_i, l_i = len(letters) - 1, len(candidate) - 1
    while s_i >= 0:
        ch = letters[s_i]
        while l_i >= 0 and (
            candidate[l_i].lower() != ch or (s_i == 0 and l_i > 0 and candidate[l_i - 1].isalnum())
        ):
            l_i -= 1
        if l_i < 0:
            return None
        l_i -= 1
        s_i -= 1
    start = candidate.rfind(" ", 0, l_i + 1) + 1
    long_form = candidate[start:].strip(" ,;:")
    if len(long_form) <= len(short) or short.lower() in long_form.lower().split():
        return None
    return long_form


def _short_of(inside: str) -> str:
    """"RS ≥15%" defines "RS": keep the first word when the rest is a value or comparison."""
    first, _, rest = inside.partition(" ")
    if rest and re.match(r"^[≥≤<>=~]|^\d", rest):
        return first
    return inside


def find_definitions(text: str) -> list[tuple[str, str]]:
    """(short, long) pairs defined in `text` as "long form (SF)"."""
    found = []
    for match in _PAREN.finditer(text):
        short = _short_of(match.group(1).strip())
        if short.endswith("s") and short[:-1].isupper():
            short = short[:-1]  # "ESAs" defines "ESA"
        if not _short_form_ok(short):
            continue
        before = text[max(0, match.start() - 200) : match.start()]
        words = _WORD.findall(before.replace("\n", " "))
        window = words[-min(len(short) + 5, 2 * len(short)) :]
        long_form = _match_long_form(short, window) if window else None
        if long_form and not any(c in long_form for c in "()[]"):
            found.append((short, long_form))
    return found


def vote(definitions: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The most frequent long form of every short form."""
    votes: dict[str, Counter] = {}
    for short, long_form in definitions:
        votes.setdefault(short, Counter())[long_form.lower()] += 1
    return {short: counter.most_common(1)[0][0] for short, counter in sorted(votes.items())}


def expand_query(query: str, table: dict[str, str]) -> str:
    """The query plus the long forms of its abbreviations and the short forms of its long forms."""
    extra = []
    lowered = query.lower()
    for short, long_form in table.items():
        # the substring test first: a regex per abbreviation per query is slow with large tables
        if short in query and re.search(rf"(?<![\w-]){re.escape(short)}s?(?![\w-])", query):
            extra.append(long_form)
        elif long_form in lowered:
            extra.append(short)
    return query if not extra else f"{query} ({'; '.join(extra)})"
