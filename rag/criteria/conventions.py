"""The words and marks payer policies use to write coverage criteria, kept apart from the parser.

Cigna writes "1. Dravet Syndrome. Approve if the patient meets ONE of the following (A or B):
A) Initial Therapy. Approve for 1 year if ... (i, ii, and iii): i. ...; AND"; UnitedHealthcare
"A. Asthma / 1. Initial Authorization / a. Dupixent will be approved based on all of the
following criteria: (1) ... -AND- (2) ..."; Envolve "I. Initial Approval Criteria / A. Acute
Lymphoblastic Leukemia (must meet all): 1. ...; 3. Requested as treatment for (a or b):". The
parser (`rag.criteria.outline`, `rag.criteria.extract`) reads any of them through these patterns.
"""

from __future__ import annotations

import re

from rag.criteria.tree import Line, Op

# ---------------------------------------------------------------- labels
# A label opens a line: "(1)", "(a)", "(iv)", "1.", "a)", "A.", "iii.", "I.", or a bullet.
# Parenthesised labels may be glued to their text ("(1)Patient"); dotted ones need a space.
LABEL_RE = re.compile(
    r"(?P<paren>\((?P<pv>[0-9]{1,2}|[a-zA-Z]|[ivxlcIVXLC]{1,5})\)(?=\s|[A-Z\[]))"
    r"|(?P<dot>(?P<dv>[0-9]{1,2}|[a-zA-Z]|[ivxlcIVXLC]{1,5})(?P<punct>[.)])(?=\s))"
    r"|(?P<bullet>[•▪◦‣⁃∙➢►▶o\-–*](?=\s))"
)
ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}

# ---------------------------------------------------------------- connectors
# Between two items of a list: "; AND" at a line end, "AND" / "-AND-" alone on a line.
CONNECTOR_TAIL_RE = re.compile(
    r"(?:[;,]?\s*(?:-\s*)?\b(?P<word>AND|OR)\b(?:\s*-)?|;)\s*$"
)
SEPARATOR_LINE_RE = re.compile(r"^\s*-?\s*(AND|OR)\s*-?\s*$")
# Trailing footnote marks a criterion may carry: "(tacrolimus)].*", "agents^", "following:b".
FOOTNOTE_TAIL_RE = re.compile(r"(?<=[\w.)\]:])[*^†‡]+$|(?<=:)[a-z]$")

# ---------------------------------------------------------------- what a list's stem says
AT_LEAST_RE = re.compile(
    r"\b(?:at\s+least\s+)?(?P<n>two|three|four|five|2|3|4|5)(?:\s+or\s+more)?\s+of\s+the\s+following\b", re.I
)
ANY_RE = re.compile(
    r"\b(?:one|any|either|at\s+least\s+one|1)\s+of\s+the\s+following\b|\bmust\s+meet\s+(?:one|1\s+or\s+2)\b"
    r"|\b(?:one|any)\s+of\s+the\s+following\b",
    re.I,
)
ALL_RE = re.compile(
    r"\b(?:all|both|each)\s+(?:of\s+)?the\s+following\b|\bmust\s+meet\s+all\b|\bthe\s+following\s+criteri(?:on|a)\b"
    r"|\bthe\s+following\s*\(",
    re.I,
)
# A negated list: "is not receiving X in combination with any/either of the following", "none of".
# ("has not responded to one of the following" is an `any` of negative criteria, not a `none`.)
NEGATION_RE = re.compile(
    r"\bnone\s+of\b|\bneither\b|\b(?:not|without)\b[^.:;]{0,160}\b(?:any|either)\s+of\s+the\s+following\b", re.I
)
# "(a or b)", "(i, ii, and iii)", "[(1) and (2)]", "(A or B)": the announced items and their joint.
_TOKEN = r"\(?(?:[0-9]{1,2}|[a-zA-Z]|[ivxIVX]{2,4})\)?"
ANNOUNCED_RE = re.compile(
    rf"[(\[]\s*(?P<items>{_TOKEN}(?:\s*,\s*{_TOKEN})*\s*,?\s*(?P<joint>and|or)\s+{_TOKEN})\s*[)\]]"
)
N_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5}

# ---------------------------------------------------------------- lines of therapy
CONTINUATION_RE = re.compile(
    r"\b(?:re-?authori[sz]ation|continu(?:ed|ation)\s+(?:of\s+)?(?:therapy|approval|treatment)|"
    r"currently\s+(?:receiving|on|taking)|renewal|recertification|re-?approval|continuation)\b",
    re.I,
)
INITIAL_RE = re.compile(
    r"\binitial\s+(?:therapy|authori[sz]ation|approval|request|treatment|review|criteria)\b|\bnew\s+starts?\b",
    re.I,
)

# ---------------------------------------------------------------- approval statements
# An item that says a drug is approved when its criteria hold: the root of a criteria tree.
APPROVAL_RE = re.compile(
    r"\bapprove\s+(?:if|when)\b|\bapprove\s+for\b[^.:;]{0,60}?\bif\b|\bwill\s+be\s+approved\s+(?:based|if|when)\b"
    r"|\bmust\s+meet\b|\bmedically\s+necessary\s+(?:when|if|for)\b|\bapproval\s+criteria\b"
    r"|\bcriteri(?:on|a)\s+(?:are|is)\s+met\b|\bmay\s+be\s+(?:granted|approved|authori[sz]ed)\b"
    r"|\b(?:when|if)\s+(?:all|any|one|both|each)\s+of\s+the\s+following\b",
    re.I,
)
# Approval duration, in a stem ("Approve for 1 year") or a line after the list.
_PERIOD = r"\d+\s+(?:years?|months?|weeks?|days?)"
DURATION_RE = re.compile(
    rf"\bapprove(?:d)?\s+for\s+(?:up\s+to\s+)?(?P<a>{_PERIOD})\b"
    rf"|\bauthori[sz]ation\s+will\s+be\s+issued\s+for\s+(?P<b>{_PERIOD})"
    rf"|\b(?:authori[sz]ation|approval)\s+of\s+(?:up\s+to\s+)?(?P<d>{_PERIOD})"
    r"|\b(?:initial\s+|continu\w+\s+)?approval\s+duration:\s*(?P<c>[^\n]+?)\s*$",
    re.I | re.M,
)
# Lines that end an item's own text: durations, tables, footnotes, page furniture.
STOP_LINE_RE = re.compile(
    r"^(?:authori[sz]ation\s+will\s+be\s+issued|approval\s+duration\s*:|table\s+\d|appendix\b|"
    r"page\s+\d+\s+of\s+\d+|©|\(c\)\s*\d{4})",
    re.I,
)
NOTE_RE = re.compile(r"^note\s*:", re.I)
# A footnote definition at a section's end: "a State mandates may apply", "^Tried/failed ...".
FOOTNOTE_LINE_RE = re.compile(r"^(?:[*^†‡]+\s*\S|[a-z]\s+[A-Z][a-z])")

# ---------------------------------------------------------------- headings that end a region
# An unlabelled line in capitals, or one of these, closes whatever list was open.
REGION_END_RE = re.compile(
    r"^(?:conditions\s+not\s+covered|references?|appendix|appendices|revision|history|"
    r"change\s+control|background|dosage\s+and\s+administration|product\s+availability|"
    r"other\s+uses\s+with\s+supportive\s+evidence|fda-approved\s+indications|policy\s+statement|"
    r"coverage\s+policy|instructions\s+for\s+use|overview)\b",
    re.I,
)
# Sections whose items are never criteria trees.
NOT_CRITERIA_RE = re.compile(
    r"\b(?:references?|bibliography|revision|history|change\s+control|appendi(?:x|ces)|"
    r"not\s+authori[sz]ed|not\s+covered|experimental|investigational|dosage|product\s+availability|"
    r"background|abbreviation)\b",
    re.I,
)
# Indications that only refer elsewhere ("Other diagnoses/indications: refer to ERX.PA.01").
REFERRAL_INDICATION_RE = re.compile(r"^other\s+(?:diagnoses|indications|uses)\b", re.I)
REFERRAL_LEAF_RE = re.compile(r"^refer\s+to\b", re.I)

# ---------------------------------------------------------------- the drugs a policy covers
# "Dupixent® (dupilumab)", "Afinitor® (everolimus)", "Blinatumomab (Blincyto®)",
# "Humira® (adalimumab subcutaneous injection – AbbVie)": brand and generic names.
# The drug an approval statement or a line of therapy names: "Dupixent will be approved",
# "Currently Receiving Epidiolex", "Currently Receiving an Adalimumab Product".
APPROVED_DRUG_RE = re.compile(
    r"\b([A-Z][A-Za-z0-9-]{2,})(?:®|™)?\s+will\s+be\s+approved\b"
    r"|\b(?i:currently\s+receiving)\s+(?:an?\s+)?([A-Z][A-Za-z0-9-]{2,})\b(?!\s+(?:via|through|for)\b)"
)
DRUG_PAIR_RE = re.compile(
    r"\b(?P<first>[A-Z][A-Za-z0-9-]{2,}?)\s*(?P<mark1>®|™|TM)?\s*\((?P<second>[A-Za-z][A-Za-z0-9-]{2,}?)"
    r"(?P<mark2>®|™|TM)?(?=[\s,)–-])"
)
# Where a policy's header ends and its background begins.
HEADER_END_RE = re.compile(
    r"^\s*(?:\d+\.\s*)?(?:background|overview|description|instructions\s+for\s+use|coverage\s+information)\b",
    re.I | re.M,
)


def line_of(text: str) -> Line | None:
    """The line of therapy an item's text names, if it names one."""
    if CONTINUATION_RE.search(text):
        return "continuation"
    if INITIAL_RE.search(text):
        return "initial"
    return None


def op_of_stem(stem: str) -> tuple[Op, int | None] | None:
    """The op a list's introductory text states ("ONE of the following" -> any), or None."""
    if m := AT_LEAST_RE.search(stem):
        raw = m.group("n").lower()
        n = N_WORDS.get(raw) or int(raw)
        return ("at_least", n) if n > 1 else ("any", None)
    negated = bool(NEGATION_RE.search(stem))
    if ANY_RE.search(stem):
        return ("none", None) if negated else ("any", None)
    if ALL_RE.search(stem):
        return ("all", None)
    if m := ANNOUNCED_RE.search(stem):
        return ("all", None) if m.group("joint").lower() == "and" else ("any", None)
    return None
