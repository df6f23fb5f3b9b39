"""Tables of contents: chunks that take a place in the ranking and answer little.

A label's "FULL PRESCRIBING INFORMATION: CONTENTS" or a policy's index is numbered headings, one
per line, and nothing else. It names every section, so a question about any section's subject
finds it ("What is known about use of the drug in pregnancy?" finds "8.1 Pregnancy" in it), and
it answers few of them (a list of titles does answer "What are the warnings and precautions?",
so retrieval scales its score down rather than dropping it). Judged from the chunk's text alone,
at query time: no re-ingest.
"""

from __future__ import annotations

import re

from rag.lexical import STOPWORDS

# a numbered heading: "8.1 Pregnancy", "12 CLINICAL PHARMACOLOGY", "2.3. Renal Impairment"
_NUMBERED = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2})*\.?\s+(?=[A-Za-z])")
# an entry with dot leaders and a page: "Coverage Rationale ........ 1", "Chapter IX ..... IX-3"
_LEADERS = re.compile(r"\.{4,}[\s.]*(?:[A-Za-z]{1,6}-)?\d{1,4}\s*$")
_WORD = re.compile(r"[A-Za-z]+")
CONTENTS_MIN_HEADINGS = 5  # heading lines, at least
CONTENTS_MIN_SHARE = 0.6  # of the chunk's non-blank lines
HEADING_MAX_WORDS = 10  # a longer line is a list item, not a heading


def is_heading_line(line: str) -> bool:
    """A table-of-contents entry: dot leaders and a page number, or a number and a short title
    whose words, but for stop words, are capitalised ("2.1 Testing Before Initiating and During
    Treatment with"). A numbered criterion ("1. Diagnosis of beta thalassemia") is not one."""
    if _LEADERS.search(line):
        return True
    numbered = _NUMBERED.match(line)
    if numbered is None:
        return False
    title = line[numbered.end():].strip()
    words = _WORD.findall(title)
    return (0 < len(title.split()) <= HEADING_MAX_WORDS and not title.endswith((".", ";", ":"))
            and all(w[0].isupper() for w in words if w.lower() not in STOPWORDS))


def is_contents(text: str) -> bool:
    """Whether a chunk's text is a table of contents: at least five lines, most of them, are
    entries (`is_heading_line`); three under a first line that says "contents"."""
    lines = [line for line in text.splitlines() if line.strip()]
    headings = [line for line in lines if is_heading_line(line)]
    titled = any("contents" in line.lower() for line in lines[:2])  # "Table of Contents", "CONTENTS*"
    least = 3 if titled else CONTENTS_MIN_HEADINGS
    return len(headings) >= least and len(headings) >= CONTENTS_MIN_SHARE * (len(lines) - titled)

