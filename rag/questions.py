"""What kind of question is asked; decides whether a verdict is due."""

from __future__ import annotations

import re

_NECESSITY = re.compile(
    r"medical(ly)?[\s-]+necess|necessity|\bcover(ed|age)?\b|prior[\s-]+auth|"
    r"\bapprov(e|al)\b.*\b(request|claim)\b|\bmeets?\b.*\bcriteria\b|\bcriteria\b.*\bmet\b|\beligible\b|"
    r"\bappropriate (for|to)\b|\bshould .* (receive|get|start)\b",
    re.IGNORECASE,
)


def is_necessity_question(question: str) -> bool:
    """True for questions that ask whether a treatment is medically necessary / covered."""
    return bool(_NECESSITY.search(question))


# A request as a reviewer receives it: "PA request: ...", "Renewal for X: ...", "Continuation
# request", "reauthorization", or a patient's case ("Adalimumab for a 4-year-old with ..."),
# besides any medical-necessity question.
_REQUEST = re.compile(
    r"\bPA\b|(?i:\bprior[\s-]+auth|\bauthori[sz]ation\b|\brequest(?:ed|s)?\b|\brenew(?:al)?\b|\bre-?authori[sz]|"
    r"\bcontinu(?:ation|ed\s+therapy)\b|\brecertif|\b\d+[\s-]*(?:years?|months?|weeks?)[\s-]*old\b|"
    r"\b(?:for|in)\s+an?\s+(?:\w+\s+){0,2}(?:patient|man|woman|boy|girl|child|infant|adult|member)\b)"
)


def is_coverage_request(question: str) -> bool:
    """A medical-necessity question, or a prior-authorization request however it is phrased."""
    return is_necessity_question(question) or bool(_REQUEST.search(question))


# A medical-necessity question asks, implicitly, for the criteria and what they require.
NECESSITY_TERMS = "indication criteria approved indicated required only after failure missing information"


# Section headings that hold what a medical-necessity question needs. The core cues name where
# criteria, indications and gaps are stated: the extractive answer favours sentences from those
# sections. Retrieval boosts a wider set, which adds where limits and approvals are stated.
_CRITERIA_CUES = r"criteri|indicat|missing|pitfall|recommend|necessity|usage"
CRITERIA_SECTIONS = re.compile(_CRITERIA_CUES, re.IGNORECASE)
NECESSITY_SECTIONS = re.compile(
    _CRITERIA_CUES + r"|eligib|coverage|limitation|contraindicat|warning|precaution|approv", re.IGNORECASE
)


def intent_terms(question: str) -> str:
    """Words a question implies without saying them (empty for plain questions)."""
    return NECESSITY_TERMS if is_necessity_question(question) else ""
