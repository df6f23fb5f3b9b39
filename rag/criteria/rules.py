"""The exact rule judge: decides only what a rule can decide exactly, each with its evidence.

- age:       "Patient is ≥ 18 years of age" against "a 16-year-old", "8-month-old infant";
- thresholds: "≥ 150 cells/μL", "does not exceed 28 mcg/day", "greater than or equal to 20 nodular
             lesions" against a number the request states in the same unit;
- time on therapy: "established on therapy for at least 6 months" against "on Humira for 8
             months", "started the medication 3 months ago";
- prescriber: "prescribed by or in consultation with a neurologist", or a specialty under
             "Prescribed by one of the following:", against "prescribed by her pediatric neurologist".

Everything else stays unknown. Evidence is always a verbatim span of the request.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from rag.criteria.tree import Leaf, Node, Status

_CMP = (
    r"(?P<cmp>≥|>=|=>|≤|<=|=<|>|<|greater\s+than\s+or\s+equal\s+to|less\s+than\s+or\s+equal\s+to|at\s+least|"
    r"no\s+more\s+than|not\s+more\s+than|(?:does\s+)?not\s+exceed|more\s+than|greater\s+than|older\s+than|"
    r"less\s+than|fewer\s+than|younger\s+than|under|up\s+to|below|above)"
)
_NUM = r"(?P<n>\d+(?:\.\d+)?)"
_TIME = r"(?P<unit>years?|yrs?|months?|weeks?|days?)"
_LEAF_AGES = (  # "Patient is ≥ 18 years of age"; "aged 6 years and older"
    re.compile(rf"{_CMP}\s*{_NUM}\s*{_TIME}\s*(?:of\s+age|old)\b", re.I),
    re.compile(rf"\baged?\s+{_NUM}\s*{_TIME}\s+(?:and|or)\s+(?P<dir>older|younger)\b", re.I),
)
_ASK_AGES = (  # "a 7-year-old", "8-month-old infant", "aged 45", "45 y/o"
    re.compile(rf"\b{_NUM}[\s-]*{_TIME}[\s-]*old\b", re.I),
    re.compile(rf"\bage[d:]?\s+{_NUM}(?:\s*{_TIME})?\b", re.I),
    re.compile(rf"\b{_NUM}\s*(?:y/?o|yo)\b", re.I),
)
_LEAF_THERAPY = re.compile(
    rf"(?:on\s+therapy|received\s+(?:this\s+)?(?:medication|therapy|treatment)|therapy)\s+for\s+{_CMP}\s*{_NUM}\s*{_TIME}",
    re.I,
)
_LEAF_NUMBER = re.compile(rf"{_CMP}\s*{_NUM}\s*(?P<what>%|[^\W\d_][\w/μµ]*(?:\s+[a-z]+)?)", re.I)
_SPECIALTY = re.compile(r"\b([a-z]+(?:ologist|ergist|iatrist|otolaryngologist))s?\b", re.I)
_SPECIALTY_FIELD = re.compile(r"\b([a-z]+(?:ology|ergy))\b", re.I)
_PRESCRIBER_CONTEXT = re.compile(r"prescrib|ordered|order\b|requested\s+by|request\s+from|in\s+consultation", re.I)
_CLAUSE = re.compile(r"[^.;?!]+")
_TIME_DAYS = {"year": 365.0, "yr": 365.0, "month": 30.4, "week": 7.0, "day": 1.0}


@dataclass(frozen=True)
class Judgment:
    status: Status
    evidence: str | None = None
    reason: str = ""


def _days(n: str, unit: str | None) -> float:
    unit = (unit or "year").lower().rstrip("s")
    return float(n) * _TIME_DAYS.get(unit, 365.0)


def _compare(value: float, cmp: str, bound: float) -> bool:
    cmp = " ".join(cmp.lower().split())
    if cmp in ("≥", ">=", "=>", "greater than or equal to", "at least"):
        return value >= bound
    if cmp in ("≤", "<=", "=<", "less than or equal to", "no more than", "not more than", "not exceed",
               "does not exceed", "up to"):
        return value <= bound
    if cmp in (">", "more than", "greater than", "older than", "above"):
        return value > bound
    return value < bound  # <, less than, fewer than, younger than, under, below


# ---------------------------------------------------------------- each rule
def _age(leaf: str, question: str) -> Judgment | None:
    rule = next((m for pattern in _LEAF_AGES if (m := pattern.search(leaf))), None)
    if rule is None:
        return None
    direction = rule.groupdict().get("dir")
    cmp = rule.group("cmp") if not direction else ">=" if direction.lower() == "older" else "<="
    bound = _days(rule.group("n"), rule.group("unit"))
    ages = {(m.group(0), _days(m.group("n"), m.groupdict().get("unit")))
            for pattern in _ASK_AGES for m in pattern.finditer(question)}
    if len({days for _, days in ages}) != 1:
        return None  # no age, or two different ones: not decidable
    span, days = next(iter(ages))
    met = _compare(days, cmp, bound)
    return Judgment("met" if met else "unmet", span, f"the request states {span}; the criterion needs {rule.group(0)}")


def _therapy_time(leaf: str, question: str, drugs: Sequence[str]) -> Judgment | None:
    rule = _LEAF_THERAPY.search(leaf)
    if rule is None:
        return None
    names = "|".join(re.escape(d) for d in drugs if len(d) >= 4)
    drug = rf"(?:{names + '|' if names else ''}therapy|treatment|the\s+medication|it)"
    found = [
        (m.group(0), _days(m.group("n"), m.group("unit")))
        for pattern in (
            rf"\b(?:on|receiving|taking|using|treated\s+with)\s+{drug}\b[^.;]{{0,30}}?\bfor\s+(?:the\s+(?:past|last)\s+)?{_NUM}\s*{_TIME}",
            rf"\bstarted\s+{drug}\s+{_NUM}\s*{_TIME}\s+ago",
        )
        for m in re.finditer(pattern, question, re.I)
    ]
    if len({days for _, days in found}) != 1:
        return None
    span, days = found[0]
    met = _compare(days, rule.group("cmp"), _days(rule.group("n"), rule.group("unit")))
    why = f"the request states {span!r}; the criterion needs {rule.group(0)}"
    return Judgment("met" if met else "unmet", span, why)


def _unit_key(what: str) -> str:
    word = what.lower().replace("µ", "μ").replace("/ul", "/μl").replace("/mcl", "/μl").split()[0]
    return word.rstrip("s") if len(word) > 3 and word.isalpha() else word


def _threshold(leaf: str, question: str) -> Judgment | None:
    rules = [m for m in _LEAF_NUMBER.finditer(leaf) if not re.match(_TIME, m.group("what"), re.I)]
    if len(rules) != 1:
        return None  # none, or several bounds (e.g. "ACQ > 1.5 or ACT < 20"): not a single exact rule
    rule = rules[0]
    key = _unit_key(rule.group("what"))
    second = rule.group("what").split()[1:2]  # "nodular lesions": the request's span takes "lesions" too
    tail = rf"(?:\s+{re.escape(second[0])}\w*)?" if second else ""
    values = [
        (m.group(0), float(m.group("n")))
        for m in re.finditer(rf"{_NUM}\s*(?P<what>%|[^\W\d_][\w/μµ]*){tail}", question, re.I)
        if _unit_key(m.group("what")) == key
    ]
    if len({v for _, v in values}) != 1:
        return None
    span, value = values[0]
    met = _compare(value, rule.group("cmp"), float(rule.group("n")))
    return Judgment("met" if met else "unmet", span, f"the request states {span}; the criterion needs {rule.group(0)}")


def _specialty_key(word: str) -> str:
    word = word.lower()
    for field, person in (("ology", "ologist"), ("ergy", "ergist")):
        if word.endswith(field):
            return word[: -len(field)] + person
    return word.rstrip("s")


def _specialty(leaf: str, context: str, question: str) -> Judgment | None:
    wanted = {_specialty_key(w) for w in _SPECIALTY.findall(leaf)}
    if not wanted or not _PRESCRIBER_CONTEXT.search(f"{context} {leaf}"):
        return None
    named: list[tuple[str, str]] = []  # (clause, specialty) the request names as prescriber
    for found in _CLAUSE.finditer(question):
        text = found.group(0)
        words = [*_SPECIALTY.findall(text), *_SPECIALTY_FIELD.findall(text)]
        if words and (_PRESCRIBER_CONTEXT.search(text) or re.search(r"\bprescriber\b", text, re.I)):
            named += [(text.strip(), _specialty_key(w)) for w in words]
    if not named:
        return None
    for text, key in named:
        if key in wanted:
            return Judgment("met", text, f"the request names {_a(key)} as prescriber")
    text, key = named[0]
    needed = " or ".join(_a(w) for w in sorted(wanted))
    return Judgment("unmet", text, f"the prescriber named is {_a(key)}, not {needed}")


def _a(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


# ---------------------------------------------------------------- the judge
def leaves_with_context(node: Node, stems: tuple[str, ...] = ()) -> Iterator[tuple[Leaf, str]]:
    here = (*stems, node.stem or "")
    for child in node.children:
        if isinstance(child, Leaf):
            yield child, " ".join(here)
        else:
            yield from leaves_with_context(child, here)


class RuleJudge:
    """Judges the leaves of a tree by exact rules; returns a judgment for the leaves it can
    decide, keyed by their position in document order."""

    name = "rules"

    def judge(self, question: str, tree: Node, drugs: Sequence[str] = ()) -> dict[int, Judgment]:
        out: dict[int, Judgment] = {}
        for i, (leaf, context) in enumerate(leaves_with_context(tree)):
            judgment = self.judge_leaf(" ".join(leaf.text.split()), context, question, drugs)
            if judgment is not None:
                out[i] = judgment
        return out

    @staticmethod
    def judge_leaf(text: str, context: str, question: str, drugs: Sequence[str] = ()) -> Judgment | None:
        """The first rule that decides the criterion `text` (under the list stems `context`)."""
        return (_age(text, question) or _therapy_time(text, question, drugs)
                or _specialty(text, context, question) or _threshold(text, question))
