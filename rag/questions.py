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


# A wh-question ("What does the coverage answer say ...?", "According to the review, when should
# ESA therapy start ...?") asks what a passage says, even when it is worded like a necessity question.
_ASKS_WHAT = re.compile(
    r"^(?:according to [^,?]{1,80},\s*)?(?:what|which|how|when|where|who|whom|whose|why)\b", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
_STANDALONE_WORDS = 4  # a question part shorter than this leans on the case described before it


def asked_sentences(question: str) -> list[str]:
    """The sentences of `question` that ask (end with '?'); a request without '?': its last
    sentence. A vignette's case description is left out."""
    sentences = [s for s in _SENTENCE_END.split(question.strip()) if s]
    return [s for s in sentences if s.endswith("?")] or sentences[-1:]


def question_part(question: str) -> str:
    """`question` without the case a vignette describes before it asks ("PA vignette: 68-year-old
    ... requests luspatercept. Is luspatercept medically necessary?" -> its last sentence). A
    cross-encoder trained on short search queries reads the question part better: on the whole
    vignette it scores the passage that answers it as irrelevant. The whole question when nothing
    in it ends with '?' (a request: its last sentence may not name the drug) or when what it asks
    is too short to stand alone ("Is it covered?")."""
    asked = [s for s in asked_sentences(question) if s.endswith("?")]
    part = " ".join(asked)
    return part if len(part.split()) >= _STANDALONE_WORDS else question


def asks_for_a_judgement(question: str) -> bool:
    """False when every question it asks is a wh-question (a request without '?' counts by its
    last sentence)."""
    return any(not _ASKS_WHAT.match(s) for s in asked_sentences(question))


def intent_terms(question: str, judgements_only: bool = True) -> str:
    """Words a medical-necessity question implies without saying them: the criteria, what they
    require, what is missing. Empty for plain questions and, with `judgements_only`, for
    necessity-worded wh-questions ("What does the coverage answer say about ...?"): their own
    words find the passage better (gold set: 7 of its 10 such questions ranked their passage
    higher without them, none lower)."""
    if not is_necessity_question(question):
        return ""
    return NECESSITY_TERMS if asks_for_a_judgement(question) or not judgements_only else ""


# Where one ask of a multi-part question ends and the next begins: after '?', ';', ':' or a comma,
# or at 'and' / 'or', when a question word or a preposition that opens an ask follows.
_ASK_BREAK = re.compile(
    r"(?:\?\s+|[;:]\s+|,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+)(?=(?:what|which|how|when|where|who|whom|"
    r"whether|why|is|are|does|do|did|should|can|could|may|must|will|would|at|by|for|in|to|after|before|"
    r"if)\b)", re.IGNORECASE)
_AN_ASK = re.compile(r"\b(what|which|how|when|where|who|whom|whether|why)\b|^(is|are|does|do|did|should|can|"
                     r"could|may|must|will|would)\b", re.IGNORECASE)


def asks(question: str) -> list[str]:
    """The asks of a multi-part question ("what is the starting dose, how often is it repeated,
    and by what route is it given?" -> three), each of at least two words with a question word;
    [question] when it asks one thing."""
    pieces = [p.strip(" ,?;:") for p in _ASK_BREAK.split(question)]
    found = [p for p in pieces if len(p.split()) >= 2 and _AN_ASK.search(p)]
    return found if len(found) > 1 else [question]
