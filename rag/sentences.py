"""Sentence boundaries in guideline text, as (start, end) spans into the original string.

A boundary is end punctuation followed by space and a capital, digit, bullet or bracket, unless
the word before is a known abbreviation (e.g., vs., Dr., et al.) or a decimal; a line break
followed by a bullet or a numbered item; or a blank line. Line wraps inside a sentence are not
boundaries. Used by chunking (ingest) and by the extractive answerer.
"""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset(
    "e.g i.e vs v etc al fig figs no nos dr mr mrs ms prof approx ca cf resp incl ref refs "
    "min max mg kg dl ml vol st jr sr inc ltd co u.s e.u p pp ed eds".split()
)
_BULLET = r"(?:[•*\-–·▪◦]|\d{1,2}[.)]|[a-z][.)])\s"
_BOUNDARY = re.compile(
    r"(?P<punct>[.!?][\"'”’)\]]*)(?P<space>[ \t]+|[ \t]*\n[ \t]*)(?=[A-Z0-9\"“'(\[•*–-])"
    r"|(?P<blank>\n[ \t]*\n\s*)"
    r"|(?P<bullet>\n[ \t]*)(?=" + _BULLET + r")"
)
_LIST_MARK = re.compile(r"\s*(?:\d{1,2}|[A-Za-z])\.$")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


def _is_abbreviation(text: str, end: int) -> bool:
    """True if the '.' ending at `end` closes an abbreviation or an initial."""
    match = _WORD_BEFORE.search(text, max(0, end - 12), end)
    if not match:
        return False
    word = match.group(1).rstrip(".").lower()
    if word in ABBREVIATIONS:
        return True
    # an initial ("J. Smith"), not a unit ending ("60 g/L.")
    before = text[match.start() - 1] if match.start() > 0 else " "
    return len(word) == 1 and word.isalpha() and (before.isspace() or before in "(\"'")


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Sentence spans (start, end) of `text`, shifted by `offset`, trimmed of outer whitespace."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if match.group("punct"):
            dot = match.start("punct")
            if text[dot] == "." and (_is_abbreviation(text, dot) or _LIST_MARK.match(text, start, dot + 1)):
                continue
            cut, resume = match.end("punct"), match.end()
        elif match.group("blank") is not None:
            cut, resume = match.start(), match.end()
        else:
            cut, resume = match.start(), match.end()
        _add(text, start, cut, spans)
        start = resume
    _add(text, start, len(text), spans)
    return [(s + offset, e + offset) for s, e in spans]


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
