"""When to say "the corpus does not cover this" instead of answering.

Three signals, thresholds calibrated on the gold set's 15 unanswerable questions (other drugs,
prices, unrelated diseases) against its 106 answerable ones (see README, "Abstention"):
- the question names a drug (by its nonproprietary-name stem) that the corpus never mentions;
- too small a share of its content words occur anywhere in the corpus;
- no retrieved chunk is close enough to it (dense cosine).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.drug_names import DRUG_STEM
from rag.retrieve import Retrieval

# Words of the question's framing, not its subject: unknown to the corpus without meaning a gap.
FRAMING_WORDS = frozenset("""
according say says said describe described compare compared mention mentioned list cite cited
page document source coverage answer article report reported author conclude concluded obtain
obtained state stated present presented goal old year month week day much many deliver rise check
checked assess assessed approve approving recommend recommended test testing eligibility urgently
correcting give given use used take taken find found show shown include included explain
explained summary summarize regarding review reviewed information entry monograph abstract study
trial kind main design thought step differ started quickly exceed kept needing triggered size
supplied interval route continue avoidance happen happened happens describe mean means
""".split())
@dataclass
class Evidence:
    sufficient: bool
    reason: str
    top_dense: float
    coverage: float
    unknown_terms: list[str] = field(default_factory=list)


def content_terms(terms: list[str]) -> list[str]:
    return [t for t in terms if t not in FRAMING_WORDS and not re.fullmatch(r"[\d.]+", t)]


def assess(retrieval: Retrieval, min_similarity: float = 0.2, min_coverage: float = 0.6) -> Evidence:
    dense = max((h.dense for h in retrieval.hits if h.dense is not None), default=0.0)
    content = content_terms(retrieval.query_terms)
    unknown = [t for t in content if t not in retrieval.known_terms]
    coverage = 1.0 - len(unknown) / len(content) if content else 0.0
    drugs = [t for t in unknown if len(t) > 5 and DRUG_STEM.search(t)]
    if not retrieval.hits:
        return Evidence(False, "nothing was retrieved", dense, coverage, unknown)
    if drugs:
        reason = f"it names {', '.join(drugs)}, which the corpus never mentions"
        return Evidence(False, reason, dense, coverage, unknown)
    if coverage < min_coverage:
        reason = f"its key terms ({', '.join(unknown[:5])}) appear nowhere in the corpus"
        return Evidence(False, reason, dense, coverage, unknown)
    if dense < min_similarity:
        return Evidence(False, "no passage is close enough to it", dense, coverage, unknown)
    return Evidence(True, "", dense, coverage, unknown)
