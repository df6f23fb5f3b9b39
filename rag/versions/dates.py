"""The date a document version takes effect, from what its text states.

Payer policies and labels print it near the top: "Effective Date: 03/01/2024", "REVIEW DATE:
02/07/2024", "Last Review Date: 11/2023", "Revised: 10/2020". The first such date in the first
pages of text wins; an effective date beats a review or revision date when both are printed.
Dates are returned as ISO YYYY-MM-DD (a month-only date gives its first day).
"""

from __future__ import annotations

import re
from datetime import date

_LABELS = (
    ("effective", r"effective\s+date|date\s+effective|effective(?:\s+on)?"),
    ("review", r"(?:last\s+)?review(?:ed)?\s+date|date\s+of\s+review|(?:last\s+)?reviewed"),
    ("revised", r"revised|revision\s+date|last\s+updated|updated"),
)
_MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
_DATE = (r"(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})"  # 03/01/2024
         r"|(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})"  # 2024-03-01
         r"|(?P<mon>[A-Z][a-z]+)\.?\s+(?:(?P<md>\d{1,2}),?\s+)?(?P<my>\d{4})"  # March 1, 2024 / March 2024
         r"|(?P<sm>\d{1,2})/(?P<sy>\d{4})")  # 11/2023
HEAD_CHARS = 6000  # where a policy prints its dates


def stated_effective_date(text: str) -> str | None:
    """The ISO date the text says this version took effect, or None."""
    head = text[:HEAD_CHARS]
    for _, label in _LABELS:
        for match in re.finditer(rf"\b(?:{label})\b\s*[:\-]?\s*(?:{_DATE})", head, re.IGNORECASE):
            found = _iso(match)
            if found:
                return found
    return None


def iso_date(value: str | None) -> str | None:
    """`value` as YYYY-MM-DD when it starts with an ISO date (metadata dates), else None."""
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", value or "")
    if not match:
        return None
    try:
        return date(*map(int, match.groups())).isoformat()
    except ValueError:
        return None


def _iso(match: re.Match[str]) -> str | None:
    g = match.groupdict()
    try:
        if g["y"]:
            return date(int(g["y"]), int(g["m"]), int(g["d"])).isoformat()
        if g["iy"]:
            return date(int(g["iy"]), int(g["im"]), int(g["id"])).isoformat()
        if g["mon"]:
            month = _MONTHS.get(g["mon"].lower())
            return date(int(g["my"]), month, int(g["md"] or 1)).isoformat() if month else None
        if g["sy"]:
            return date(int(g["sy"]), int(g["sm"]), 1).isoformat()
    except ValueError:  # 13/45/2024
        return None
    return None
