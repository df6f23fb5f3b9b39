"""Which criteria tree a request is checked against: policy (by the drug it names, brand or
generic, from the policy's own drug list), indication (by the request's diagnosis, with the
corpus's abbreviations) and line of therapy (`continuation` when the request says the patient
already receives the drug, else `initial`), and why; or why none applies.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from rag.abbreviations import expand_query
from rag.criteria.tree import Line, PolicyCriteria
from rag.lexical import tokenize
from rag.types import DocumentRecord

MIN_INDICATION_SCORE = 0.5  # share of an indication's (IDF-weighted) words the request must hold
ACRONYM_SCORE = 0.9
# Initials that mean something else in a request: prior authorization, physician assistant ...
_NOT_ACRONYMS = frozenset({"PA", "PT", "MD", "DO", "NP", "OK", "US", "IV", "SC", "PO", "NA", "OR", "AND"})
_CONTINUATION = re.compile(
    r"\b(?:renewal|renew|re-?authori[sz]ation|re-?certification|continuation|continued\s+therapy)\b", re.I
)
_GENERIC_USE = r"(?:therapy|treatment|the\s+medication|the\s+drug|it)"
_POPULATION = re.compile(r"^patients?\b.*\b(?:age|years?\s+old|months?\s+old)\b", re.I)


@dataclass(frozen=True)
class Selection:
    """The tree chosen for a request, or (`policy` None) why none was."""

    record: DocumentRecord | None
    policy: PolicyCriteria | None
    why: str
    candidates: int = 0  # policies naming the requested drug


def named_drug(question: str, record: DocumentRecord) -> str | None:
    """The first of the policy's drugs the request names (word match, any case)."""
    for name in record.criteria_drugs:
        if len(name) >= 4 and re.search(rf"(?<![\w-]){re.escape(name)}(?![\w])", question, re.I):
            return name
    return None


def requested_line(question: str, drugs: Iterable[str]) -> tuple[Line, str]:
    """`continuation` when the request says the patient already receives the drug."""
    if m := _CONTINUATION.search(question):
        return "continuation", f"the request says {m.group(0)!r}"
    names = "|".join(re.escape(d) for d in drugs if len(d) >= 4) or "(?!)"
    drug = rf"(?:{names}|{_GENERIC_USE})"
    patterns = (
        rf"\b(?:has|have|had)\s+been\s+(?:on|receiving|taking|treated\s+with|using)\s+{drug}\b",
        rf"\b(?:on|receiving|taking)\s+(?:{names})\s+for\s+(?:the\s+(?:past|last)\s+)?\d+",
        rf"\bstarted\s+{drug}\b[^.;]{{0,40}}\bago\b",
        rf"\bsince\s+starting\s+{drug}",
        rf"\b(?:is|are)\s+(?:currently\s+|still\s+)?(?:on|receiving|taking)\s+(?:{names})\b",
        rf"\bcurrently\s+(?:receiving|on|taking|treated\s+with)\s+{drug}",
        rf"\b(?:continue|continuing|keep)\s+(?:on\s+)?(?:{names})\b",
    )
    for pattern in patterns:
        if m := re.search(pattern, question, re.I):
            return "continuation", f"the request says {m.group(0)!r}"
    return "initial", "the request does not say the patient already receives it"


def _weights(policies: Iterable[PolicyCriteria]) -> dict[str, float]:
    """IDF of indication words over the candidate policies: "disease" counts less than "crohn"."""
    names = {p.indication for p in policies}
    df: dict[str, int] = {}
    for name in names:
        for token in set(tokenize(name)):
            df[token] = df.get(token, 0) + 1
    return {t: math.log(1 + len(names) / n) for t, n in df.items()}


def _acronyms(indication: str) -> set[str]:
    """Short forms a request may use: "(GIST)" written in the indication, or the initials of its
    capitalised words ("Rheumatoid Arthritis" -> RA), matched case-sensitively."""
    out = set(re.findall(r"\(([A-Z][A-Za-z0-9-]{1,7})\)", indication))
    words = [w for w in re.split(r"[\s/,-]+", re.sub(r"\(.*?\)", " ", indication)) if w[:1].isupper()]
    if 2 <= len(words) <= 5:
        out.add("".join(w[0] for w in words))
    return out - _NOT_ACRONYMS


def indication_score(indication: str, question_tokens: set[str], question: str, weights: Mapping[str, float]) -> float:
    """The share of the indication's words (IDF-weighted) the request holds; a short form of it
    ("RA", "GIST") counts a little less than the words themselves, so a named diagnosis wins."""
    if any(re.search(rf"(?<![\w-]){re.escape(a)}(?![\w])", question) for a in _acronyms(indication)):
        return ACRONYM_SCORE
    tokens = set(tokenize(indication))
    total = sum(weights.get(t, 1.0) for t in tokens)
    if not total:
        return 0.0
    return sum(weights.get(t, 1.0) for t in tokens & question_tokens) / total


def select_tree(question: str, records: Iterable[DocumentRecord], abbreviations: Mapping[str, str],
                population_met: Callable[[PolicyCriteria, str], bool] | None = None) -> Selection:
    """The tree to check `question` against, with the reason; see the module docstring.
    `population_met(policy, question)` says whether a population section ("Patients less than 19
    years of age") is met by the request; such a section, when met, wins over a diagnosis."""
    named = [(r, d) for r in records if r.criteria and (d := named_drug(question, r))]
    if not named:
        return Selection(None, None, "no policy with coverage criteria in the corpus names the requested drug")
    drugs = [d for r, _ in named for d in r.criteria_drugs]
    line, line_why = requested_line(question, drugs)
    tokens = set(tokenize(expand_query(question, dict(abbreviations))))
    weights = _weights(p for r, _ in named for p in r.criteria)
    scored: list[tuple[float, int, DocumentRecord, str, PolicyCriteria]] = []
    for order, (record, drug) in enumerate(named):
        for policy in record.criteria:
            if _POPULATION.match(policy.indication):
                if population_met is not None and population_met(policy, question):
                    scored.append((2.0, order, record, drug, policy))
                continue
            scored.append((indication_score(policy.indication, tokens, question, weights), order, record, drug,
                           policy))
    best = max((s for s in scored), key=lambda s: s[0], default=None)
    if best is None or best[0] < MIN_INDICATION_SCORE:
        listed = "; ".join(dict.fromkeys(p.indication for r, _ in named for p in r.criteria))
        return Selection(None, None, f"the request names {named[0][1]}, but its diagnosis matches none of the "
                         f"indications the policy covers ({listed})", len(named))
    top = [s for s in scored if abs(s[0] - best[0]) < 1e-9]
    fitting = [s for s in top if s[4].line == line] or top
    _, _, record, drug, policy = fitting[0]
    why = [f"the request names {drug}, covered by {record.meta.title}"]
    if best[0] > 1.0:
        why.append(f"the policy's section '{policy.indication}' covers this patient whatever the diagnosis")
    else:
        why.append(f"its diagnosis matches the indication '{policy.indication}'")
    why.append(f"line: {policy.line} ({line_why})" if policy.line == line
               else f"line: {policy.line}, the only one the policy states for this indication ({line_why})")
    others = list(dict.fromkeys((s[2].doc_id, s[4].indication) for s in fitting[1:]
                                if (s[2].doc_id, s[4].indication) != (record.doc_id, policy.indication)))
    if others:
        why.append("also fits equally: " + "; ".join(f"'{ind}' ({doc})" for doc, ind in others)
                   + " - the first is used; name the indication to choose")
    return Selection(record, policy, "; ".join(why), len(named))
