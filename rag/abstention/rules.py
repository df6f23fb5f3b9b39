"""When to say "the corpus does not cover this" instead of answering.

Six signals:
- the question names a drug (by its nonproprietary-name stem, or a generic or brand name of the
  drug lexicon, :mod:`rag.abstention.drugs`) that the corpus never mentions;
- too small a share of its content words occur anywhere in the corpus (shorthand of three
  letters or fewer, "pt", "txn", not counted), in the whole question and in what it asks (a
  vignette's case aside), unless the cross-encoder vouches for a retrieved passage (`vouched`):
  then the evidence rules below decide;
- no retrieved chunk is close enough to it (dense cosine);
- the evidence does not address the question's focus: its specific terms (words the common-English
  vocabulary splits into pieces, names written with capitals, what a price or pharmacology
  question asks for) are missing from the best passages. Two such terms missing are enough, or
  the price or pharmacokinetic property asked for, or a name the question writes in Title or
  camel case mid-sentence in what it asks ("Aetna", "UnitedHealthcare"; not a name in the case a
  vignette describes) that the corpus never uses; one other is when the corpus never
  uses it and the best passage covers little of the rest of the question. (A word the evidence
  has in another form, "mutated" beside "mutation", is not missing: same Snowball stem or the
  same first seven letters; nor is a word cut short, "thal", an abbreviation's plural, "RBCs",
  an acronym the evidence spells out, "EMA", or a brand whose generic the evidence names.)
- the question asks about a drug the corpus knows for a condition (an ICD-10-CM name,
  :mod:`rag.abstention.conditions`) that none of the best passages names together with the drug;
- the question asks for a dose of drugs the corpus knows, and no sentence of the best passages
  gives one (a dose word or an amount in mg, units, mL ...) under that drug's name (in the
  sentence or in its passage's heading).

The first three were calibrated on the gold set; the last three on the calibrate half of
evals/gold/calibration.jsonl, and reported on its held-out half and the gold set (README,
"Abstention").
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from rag.abstention.conditions import contains, find_conditions
from rag.abstention.drugs import MAX_WORDS, MIN_UNKNOWN_LETTERS, drug_lexicon, generic_words, unknown_drugs
from rag.abstention.lexicons import Name, find_names, name_positions
from rag.drug_names import looks_like_drug
from rag.lexical import stems, token_runs, tokenize
from rag.questions import asked_sentences, question_part
from rag.retrieve import EVIDENCE_DEPTH, Retrieval
from rag.sentences import split_sentences
from rag.spelling import corpus_terms
from rag.vocabulary import common_tokens

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
FOCUS_EVIDENCE_K = EVIDENCE_DEPTH  # passages the question's focus must be found in
FOCUS_MIN_COVERAGE = 0.4  # with one unknown focus term missing: the best passage's share of the rest
# What a question asks for that the evidence must speak of even though the words are common:
# a price, or a pharmacokinetic or handling property (half-life, peak concentration, antibodies,
# interactions, reconstitution, infusion). Single tokens, as `tokenize` writes them.
PRICE_TERMS = frozenset("price cost copay reimbursement wholesale coupon insurance afford".split())
PHARMACOLOGY_TERMS = frozenset("""
half peak concentration antibody immunogenicity clearance bioavailability metabolized metabolism
excreted excretion elimination pharmacokinetic interact interaction reconstitute reconstituted
infused infusion premedication
""".split())
ASK_TERMS = PRICE_TERMS | PHARMACOLOGY_TERMS
# What a dosing question asks for, and what gives a dose in a sentence besides these words.
DOSE_WORDS = frozenset("dose dosage dosing dosed".split())  # as `tokenize` writes them ("doses": "dose")
# an amount of drug, as `tokenize` writes it ("7.5 mg/kg": 7.5 mg kg; "100mg"): a number and a unit,
# not a concentration ("1.5 g/dL" of hemoglobin: 1.5 g dl; "500 mU/mL" of EPO)
_UNITS = frozenset("mg mcg g unit iu u ml".split())
_PER_VOLUME = frozenset("dl l ml".split())
_REGIMEN_WORDS = frozenset({"low", "high"})  # "low-dose lenalidomide" names a regimen, not its dose
# 2.5, 200mg, 250ml; and dosing intervals in shorthand: q3wk, q8w, q12h
_NUMBER = re.compile(r"\d[\d.]*(?:mg|mcg|g|kg|ml|l|dl|units?|iu|u|h|hr|min)?|q\d+(?:h|hr|d|w|wk|wks|mo)?")
_JOINED_AMOUNT = re.compile(r"\d[\d.]*(?:mg|mcg|g|units?|iu|u|ml)")
SHORTHAND_MAX_LETTERS = 3  # an unknown word this short is shorthand, not a gap (coverage rule)
CLIPPED_MIN_LETTERS = 4  # a shorter lower-case word ("aza") begins too many others
SAME_PREFIX = 7  # letters two words share to count as forms of one word, besides a common stem
# Words of a request's framing that are specific but never its subject.
_REQUEST_WORDS = frozenset("vignette faq pa request requested reviewer prescriber".split())


@dataclass
class Evidence:
    sufficient: bool
    reason: str
    top_dense: float
    coverage: float
    unknown_terms: list[str] = field(default_factory=list)
    missing_focus: list[str] = field(default_factory=list)


def content_terms(terms: list[str]) -> list[str]:
    """`terms` without framing words, numbers, amounts written as one word ("200mg", "250ml":
    a label writes "200 mg", and the amount is no subject a corpus can lack) and dosing intervals
    in shorthand ("q3wk")."""
    return [t for t in terms if t not in FRAMING_WORDS and not _NUMBER.fullmatch(t)]


def assess(retrieval: Retrieval, min_similarity: float = 0.2, min_coverage: float = 0.6,
           vouched_relevance: float | None = None) -> Evidence:
    dense = max((h.dense for h in retrieval.assessed if h.dense is not None), default=0.0)
    content = content_terms(retrieval.query_terms)
    unknown = [t for t in content if t not in retrieval.known_terms]
    counted = counted_unknown(unknown)
    coverage = 1.0 - len(counted) / len(content) if content else 0.0
    lexical = retrieval.snapshot.lexical
    # a vignette's case ("the room spins on her sometimes") is told in words no guideline uses;
    # what it asks may still be in the corpus's words
    asked = content_terms(corpus_terms(question_part(retrieval.query), lexical.df))
    if asked:
        coverage = max(coverage, 1.0 - len(counted_unknown([t for t in asked if not lexical.knows(t)])) / len(asked))
    drugs = [t for t in unknown if looks_like_drug(t)]
    drugs += [d for d in unknown_drugs(retrieval.query_terms, lexical.knows) if d not in drugs]
    if not retrieval.assessed:
        return Evidence(False, "nothing was retrieved", dense, coverage, unknown)
    if drugs:
        reason = f"it names {', '.join(drugs)}, which the corpus never mentions"
        return Evidence(False, reason, dense, coverage, unknown)
    if coverage < min_coverage and not vouched(retrieval, vouched_relevance):  # words vs evidence
        reason = f"its key terms ({', '.join(counted[:5])}) appear nowhere in the corpus"
        return Evidence(False, reason, dense, coverage, unknown)
    if dense < min_similarity:
        return Evidence(False, "no passage is close enough to it", dense, coverage, unknown)
    missing = missing_focus(retrieval)
    if missing:
        shown = ", ".join(as_written(retrieval.query, t) for t in missing[:4])
        reason = f"the passages it finds never speak of {shown}"
        return Evidence(False, reason, dense, coverage, unknown, missing)
    uncovered = uncovered_condition(retrieval)
    if uncovered:
        drug, condition = uncovered
        reason = f"the passages it finds on {drug} never speak of {condition}"
        return Evidence(False, reason, dense, coverage, unknown, [condition])
    undosed = undosed_drug(retrieval)
    if undosed:
        reason = f"the passages it finds never give a dose of {undosed}"
        return Evidence(False, reason, dense, coverage, unknown, ["dose"])
    return Evidence(True, "", dense, coverage, unknown)


def vouched(retrieval: Retrieval, min_relevance: float | None) -> bool:
    """Whether the cross-encoder reads a retrieved passage as answering the question (its logit at
    least `min_relevance`; never when it is off, None, or read no passage)."""
    if min_relevance is None:
        return False
    return any(h.relevance is not None and h.relevance >= min_relevance for h in retrieval.assessed)


def counted_unknown(unknown: list[str]) -> list[str]:
    """The unknown words the coverage rule counts: not those of three letters or fewer, which are
    shorthand ("pt", "y/o", "w/", "txn") or abbreviations ("CVA", "EMA") more often than words the
    corpus lacks; in clinical shorthand they had made nearly half of a batch of answerable
    questions look out of scope."""
    return [t for t in unknown if len(t) > SHORTHAND_MAX_LETTERS]


def uncovered_condition(retrieval: Retrieval, k: int = FOCUS_EVIDENCE_K) -> tuple[str, str] | None:
    """(drug, condition) when the question names a drug the corpus knows and a condition
    (:mod:`rag.abstention.conditions`) that no one of its best `k` passages names together with it: a covered
    drug asked about for a disease the corpus never treats with it. Only when the full window of
    passages was looked at."""
    if len(retrieval.assessed) < k:
        return None
    tokens = tokenize(retrieval.query)
    lexical = retrieval.snapshot.lexical
    drugs = [t for t in dict.fromkeys(tokens) if looks_like_drug(t) and lexical.knows(t)]
    if not drugs:
        return None
    passages = retrieval.hit_tokens[:k]
    conditions = [c for run in token_runs(retrieval.query) for c in find_conditions(run)]
    for condition in conditions:
        if not any(contains(p, condition) for p in passages if any(d in p for d in drugs)):
            return drugs[0], " ".join(condition)
    return None


def as_written(question: str, term: str) -> str:
    """`term` (a lower-case token) as the question spells it ("Aetna", "HIV"), else as it is."""
    found = re.search(rf"(?<![A-Za-z0-9]){re.escape(term)}(?![A-Za-z0-9])", question, re.IGNORECASE)
    return found.group() if found else term


def undosed_drug(retrieval: Retrieval, k: int = FOCUS_EVIDENCE_K) -> str | None:
    """The drug a question asking for a dose (in its '?' sentences) names when none of its best
    `k` passages has a sentence giving a dose (a dose word or an amount) of one of the drugs it
    names, in the sentence or in the passage's heading; else None. Only drugs the corpus knows
    (one it never names is declined earlier), and only when the full window of passages was
    looked at."""
    tokens = tokenize(retrieval.query)
    if not _dose_positions(tokenize(_asked(retrieval.query)), amounts=False) or len(retrieval.assessed) < k:
        return None  # not asked for a dose (a vignette's case may mention one; "low-dose X" is a regimen)
    knows = retrieval.snapshot.lexical.knows
    drugs: list[Name] = [n for n in find_names(tokens, drug_lexicon(), MAX_WORDS) if all(knows(t) for t in n)]
    drugs += [(t,) for t in dict.fromkeys(tokens) if looks_like_drug(t) and knows(t) and (t,) not in drugs]
    if not drugs:
        return None
    for hit in retrieval.assessed[:k]:
        text = hit.chunk.text
        under_heading = any(contains(tokenize(hit.chunk.heading()), d) for d in drugs)
        for start, end in split_sentences(text):
            if gives_a_dose(tokenize(text[start:end]), drugs, under_heading):
                return None
    return " ".join(drugs[0])


def _dose_positions(words: list[str], amounts: bool = True) -> list[int]:
    """Where `words` (tokens) give a dose: a dose word (not "low-dose X", a kind of regimen) and,
    with `amounts`, a number with a unit of amount."""
    out = []
    for i, word in enumerate(words):
        if word in DOSE_WORDS:
            if i == 0 or words[i - 1] not in _REGIMEN_WORDS:
                out.append(i)
        elif amounts and _is_amount(words, i):
            out.append(i)
    return out


def _is_amount(words: list[str], i: int) -> bool:
    """Whether token i starts an amount: "100mg", or a number, a unit and no volume after it."""
    word = words[i]
    if _JOINED_AMOUNT.fullmatch(word):
        return True
    unit = words[i + 1] if i + 1 < len(words) else ""
    after = words[i + 2] if i + 2 < len(words) else ""
    return word[0].isdigit() and unit in _UNITS and after not in _PER_VOLUME


def gives_a_dose(words: list[str], drugs: list[Name], under_heading: bool) -> bool:
    """Whether a sentence (its tokens) gives a dose of one of `drugs`: each dose word or amount
    belongs to the drug named nearest to it in the sentence ("no prior lenalidomide or HMAs),
    imetelstat 7.5 mg/kg" doses imetelstat, not lenalidomide), or, when the sentence names no
    drug, to the one its passage's heading names (`under_heading`)."""
    doses = _dose_positions(words)
    if not doses:
        return False  # most sentences: no need to look for drug names
    named = dict(name_positions(words, drug_lexicon(), MAX_WORDS, looks_like_drug))
    asked = {t for d in drugs for t in d if len(t) >= MIN_UNKNOWN_LETTERS}  # "epoetin alfa" is "epoetin"
    for at in doses:
        if not named:
            if under_heading:
                return True
            continue
        nearest = min(named, key=lambda p: (abs(p - at), -p))
        if asked & set(named[nearest]):
            return True
    return False


def _asked(question: str) -> str:
    """The sentences of `question` that end with '?' (all of it when none does): a name in the
    case a vignette describes (a patient's, a physician's, a hospital's) is not what it asks about."""
    return " ".join(s for s in asked_sentences(question) if s.endswith("?")) or question


def _titled_terms(question: str) -> set[str]:
    """Lower-cased alphabetic words of three letters or more the question writes in Title or camel
    case mid-sentence ("Aetna", "UnitedHealthcare"): names. Not words in upper case or with digits
    ("EMA", "IDH2"), which are as often abbreviations the corpus spells out, nor clinical shorthand
    of two letters ("Rx", "Dx", "Hx")."""
    out = set()
    for match in re.finditer(r"[A-Za-z0-9]+", question):
        word = match.group()
        before = question[: match.start()].rstrip()
        named = word.isalpha() and word[0].isupper() and not word.isupper()
        if named and len(word) > 2 and before and before[-1] not in ".?!:":
            out.add(word.lower())
    return out


def _long_acronyms(question: str) -> set[str]:
    """Lower-cased words of five letters or more the question writes in upper case ("TRICARE"):
    names too. Shorter ones ("EMA", "BP") are as often abbreviations the corpus spells out."""
    return {w.lower() for w in re.findall(r"(?<![A-Za-z0-9])[A-Z]{5,}(?![A-Za-z0-9])", question)}


def _specific_terms(question: str) -> set[str]:
    """Lower-cased words the question writes with capitals (not sentence-initial) or in upper case
    (`missing_focus` reads only what it asks: "Dr Lee" in a vignette's case is not its focus)."""
    words = re.findall(r"[A-Za-z][A-Za-z0-9-]+", question)
    return {w.lower() for i, w in enumerate(words)
            if (w.isupper() and len(w) > 1) or (w[0].isupper() and i > 0 and words[i - 1][-1:] not in ".?!:")}


def _abbreviations_plural(question: str, term: str) -> bool:
    """Whether the question writes `term` as an abbreviation's plural: capitals and an "s" ("RBCs",
    "ESAs"; not "AIDS", nor "aids")."""
    written = as_written(question, term)
    return len(written) > 2 and written.endswith("s") and written[:-1].isupper()


def _acronym(question: str, term: str) -> bool:
    """Whether the question writes `term` as an acronym: two to five capitals ("EMA", "NEJM")."""
    written = as_written(question, term)
    return 2 <= len(written) <= 5 and written.isalpha() and written.isupper()


def _spelt_out(acronym: str, passages: list[list[str]]) -> bool:
    """Whether a passage has words in a row whose initials spell `acronym` (stop words aside, as
    `tokenize` drops them): "EMA", "European Medicines Agency"; "NEJM", "New England Journal of
    Medicine"."""
    n = len(acronym)
    for words in passages:
        for i in range(len(words) - n + 1):
            if all(words[i + j][:1] == acronym[j] and len(words[i + j]) > 1 for j in range(n)):
                return True
    return False


def _clipped(question: str, term: str) -> bool:
    """Whether `term` may be a word cut short, as users write "thal" and "lusp": four letters or
    more, written in lower case (a name in Title case, "Medi-Cal", is not a clipping)."""
    return len(term) >= CLIPPED_MIN_LETTERS and term.isalpha() and as_written(question, term) == term


def missing_focus(retrieval: Retrieval, k: int = FOCUS_EVIDENCE_K, min_coverage: float = FOCUS_MIN_COVERAGE
                  ) -> list[str]:
    """The question's focus terms that its evidence does not address, if that makes it
    unanswerable (see the module docstring), most specific first; else []."""
    common = common_tokens()
    asked = _asked(retrieval.query)
    named = {t for word in _specific_terms(asked) for t in tokenize(word)}
    terms = list(dict.fromkeys(content_terms(retrieval.query_terms)))
    passages = [set(tokens) for tokens in retrieval.hit_tokens[:k]]
    forms = _Forms.of(set().union(*passages) if passages else set())
    lexical = retrieval.snapshot.lexical
    question = retrieval.query

    def spoken_of(t: str) -> bool:
        """The evidence has `t`, another form of it, or what the question means by it."""
        return (forms.addressed(t)
                or (not lexical.knows(t) and _clipped(question, t) and forms.begins(t))  # "thal"
                or (_abbreviations_plural(question, t) and forms.addressed(t[:-1]))  # "RBCs": "RBC"
                or (_acronym(question, t) and _spelt_out(t, retrieval.hit_tokens[:k]))  # "EMA"
                or any(forms.addressed(g) for g in generic_words().get(t, ())))  # "Reblozyl": "luspatercept"

    missing = [
        t for t in terms
        if t not in _REQUEST_WORDS and ((len(t) > 3 and t not in common) or t in named or t in ASK_TERMS)
        and not spoken_of(t)
    ]
    unknown = [t for t in missing if not lexical.knows(t)]
    # terms the corpus uses elsewhere count only when the full window of passages was looked at
    # (with --top-k 2 they may simply not have been retrieved)
    examined = len(retrieval.assessed) >= k
    if len(unknown) >= 2 or (examined and len(missing) >= 2) or ASK_TERMS & set(missing):
        return missing  # ... or no passage speaks of the price or property it asks for
    if (_titled_terms(asked) | _long_acronyms(asked)) & set(unknown):
        return missing  # a name (a payer, a brand) the corpus never uses, in what the question asks
    if len(missing) != 1 or not unknown:
        return []
    # the rest of the question the corpus knows: a word it never uses is in no passage
    weights = {t: lexical.idf(t) for t in terms if t not in missing and lexical.knows(t)}
    total = sum(weights.values()) or 1.0
    best = max((sum(w for t, w in weights.items() if t in p) / total for p in passages), default=0.0)
    return missing if best < min_coverage else []


@dataclass(frozen=True)
class _Forms:
    """The evidence's tokens, and the forms of them another form of a word matches: their Snowball
    stems ("mutated", "mutation") and first seven letters ("transfused", "transfusion"). Six
    letters were too few: "medicaid" is not "medical"."""

    tokens: frozenset[str]
    stems: frozenset[str]
    prefixes: frozenset[str]
    ordered: tuple[str, ...] = ()

    @classmethod
    def of(cls, tokens: set[str]) -> _Forms:
        ordered = sorted(tokens)
        return cls(frozenset(ordered), frozenset(stems(ordered)),
                   frozenset(t[:SAME_PREFIX] for t in ordered if len(t) >= SAME_PREFIX), tuple(ordered))

    def addressed(self, term: str) -> bool:
        return (term in self.tokens or (len(term) >= SAME_PREFIX and term[:SAME_PREFIX] in self.prefixes)
                or stems([term])[0] in self.stems)

    def begins(self, clipped: str) -> bool:
        """Whether an evidence word is `clipped` and more ("thal": "thalassemia")."""
        at = bisect.bisect_right(self.ordered, clipped)
        return at < len(self.ordered) and self.ordered[at].startswith(clipped)
