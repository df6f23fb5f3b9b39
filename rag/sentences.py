"""Sentence boundaries in guideline text, as (start, end) spans into the original string.

A sentence ends at . ! ? before a capital, digit, bullet or opening bracket, unless the period
belongs to an abbreviation (e.g., vs., Dr., et al.), an initial or a list marker; at a blank
line; and before a bullet or numbered line. A single line break (a PDF line wrap) does not end
a sentence. Units are not abbreviations: "below 60 g/L. Luspatercept" ends a sentence. Used by
chunking (ingest), the extractive answerer and the gold-set tools.
"""

from __future__ import annotations

import bisect
import re

Span = tuple[int, int]

# Abbreviations whose period never ends a sentence, and those that do not before a number.
_ABBREVIATIONS = frozenset(
    "e.g i.e vs v dr mr mrs ms prof al approx ca cf inc ltd co jr sr st dept univ resp incl "
    "viz jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_NUMBER_ABBREVIATIONS = frozenset("no nos p pp fig figs vol ref refs eq sec ch table".split())
_TERMINAL_RE = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+(\S))")
_BULLET_LINE_RE = re.compile(
    r"\n[ \t]*(?=(?:[•◦▪‣·*\-–]|\d{1,3}[.)]|[a-zA-Z][.)]|\(\w{1,3}\))\s)"
)
BLANK_LINE_RE = re.compile(r"\n[ \t]*\n")  # a paragraph break
_WORD_BEFORE_RE = re.compile(r"[A-Za-z][A-Za-z.]*$")
_LIST_MARKER_RE = re.compile(r"\s*(?:\d{1,3}|[A-Za-z]|[ivxIVX]{1,4})")
_SENTENCE_STARTERS = "\"'“‘([•*"


def split_sentences(text: str, offset: int = 0) -> list[Span]:
    """Sentence spans of `text`, shifted by `offset`, without surrounding whitespace.

    A sentence ends at . ! ? before a capital, digit or opening bracket (not after an
    abbreviation, an initial or a list number), at a blank line, and before a bullet line.
    A single line break (a PDF line wrap) does not end a sentence.
    """
    breaks = sorted(
        {0}
        | {m.start() for m in BLANK_LINE_RE.finditer(text)}
        | {m.start() for m in _BULLET_LINE_RE.finditer(text)}
    )
    cuts = {*breaks, len(text)}
    last_cut = 0  # the latest cut after . ! ?
    for match in _TERMINAL_RE.finditer(text):
        following = match.group(1)
        if not (following.isupper() or following.isdigit() or following in _SENTENCE_STARTERS):
            continue
        dot = match.start()
        if text[dot] == ".":
            start = max(last_cut, breaks[bisect.bisect_right(breaks, dot) - 1])
            if _period_continues(text, dot, start, following):
                continue
        cuts.add(match.end())
        last_cut = match.end()
    bounds = sorted(cuts)
    return [
        (s + offset, e + offset)
        for s, e in (strip_span(text, a, b) for a, b in zip(bounds, bounds[1:], strict=False))
        if e > s
    ]


def _period_continues(text: str, dot: int, sentence_start: int, following: str) -> bool:
    """True when the period at `dot` belongs to an abbreviation, initial or list marker."""
    line_start = text.rfind("\n", 0, dot) + 1
    for start in (line_start, sentence_start):  # "1. First-line: ..." opens a line or sentence
        if _LIST_MARKER_RE.fullmatch(text, start, dot):
            return True
    match = _WORD_BEFORE_RE.search(text, max(0, dot - 24), dot)
    if not match:
        return False
    word = match.group(0)
    lowered = word.lower()
    before = text[match.start() - 1] if match.start() else " "
    initial = len(word) == 1 and word.isupper() and (before.isspace() or before in "(\"'“")
    if lowered in _ABBREVIATIONS or "." in word or initial:  # "J. Smith", not "60 g/L."
        return True
    return lowered in _NUMBER_ABBREVIATIONS and following.isdigit()


def strip_span(text: str, start: int, end: int) -> Span:
    """(start, end) narrowed to exclude leading and trailing whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
