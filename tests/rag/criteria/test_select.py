"""Choosing the tree a request names (drug, indication, line) among the corpus's policies, and the
payers' phrasings of ops ("ONE of the following") and lines ("currently receiving")."""

from __future__ import annotations

import pytest

from rag.criteria.conventions import line_of, op_of_stem
from rag.criteria.select import requested_line, select_tree
from rag.criteria.tree import Leaf, Line, Node, PolicyCriteria
from tests.rag.criteria.helpers import DOC, record

pytestmark = pytest.mark.unit


# ---------------------------------------------------------------- choosing the tree
def _policy(drug: str, indication: str, line: Line) -> PolicyCriteria:
    return PolicyCriteria(drug=drug, indication=indication, line=line,
                          tree=Node(op="all", children=[Leaf(text="Patient is ≥ 18 years of age")]))


def _both(drug: str, *indications: str) -> list[PolicyCriteria]:
    lines: tuple[Line, ...] = ("initial", "continuation")
    return [_policy(drug, i, line) for i in indications for line in lines]


ADALIMUMAB = record(_both("adalimumab", "Rheumatoid Arthritis", "Psoriatic Arthritis", "Ulcerative Colitis",
                          "Crohn’s Disease"), ["adalimumab", "Humira", "Hyrimoz", "Cyltezo"], "payer_cigna_adalimumab",
                    "Inflammatory Conditions – Adalimumab Products Prior Authorization Policy")
AFINITOR = record([_policy("Afinitor", "Patients less than 19 years of age", "initial"),
                   *_both("Afinitor", "Neuroendocrine Tumors", "Gastrointestingal Stromal Tumor (GIST)",
                          "Breast Cancer")], ["Afinitor", "everolimus"], "payer_uhc_afinitor", "Afinitor (everolimus)")
EPIDIOLEX = record(_both("Epidiolex", "Dravet Syndrome", "Lennox-Gastaut Syndrome"), ["Epidiolex", "cannabidiol"])
RECORDS = [ADALIMUMAB, AFINITOR, EPIDIOLEX]


@pytest.mark.parametrize(("question", "doc_id", "indication", "line"), [
    ("Is Humira medically necessary for a 45-year-old with rheumatoid arthritis?", "payer_cigna_adalimumab",
     "Rheumatoid Arthritis", "initial"),
    ("Is adalimumab covered for rheumatoid arthritis?", "payer_cigna_adalimumab", "Rheumatoid Arthritis", "initial"),
    ("adalimumab-adaz for ulcerative colitis, failed mesalamine", "payer_cigna_adalimumab", "Ulcerative Colitis",
     "initial"),
    ("Hyrimoz (adalimumab-adaz) for Crohn's disease", "payer_cigna_adalimumab", "Crohn’s Disease", "initial"),
    ("Humira for RA, failed methotrexate.", "payer_cigna_adalimumab", "Rheumatoid Arthritis", "initial"),
    ("PA request for Humira, patient has rheumatoid arthritis", "payer_cigna_adalimumab", "Rheumatoid Arthritis",
     "initial"),
    ("Everolimus for GIST progressing on imatinib", "payer_uhc_afinitor", "Gastrointestingal Stromal Tumor (GIST)",
     "initial"),
    ("cannabidiol for Dravet syndrome", DOC, "Dravet Syndrome", "initial"),
    ("Renewal: Humira for rheumatoid arthritis", "payer_cigna_adalimumab", "Rheumatoid Arthritis", "continuation"),
    ("Patient with RA has been on Humira for 8 months", "payer_cigna_adalimumab", "Rheumatoid Arthritis",
     "continuation"),
    ("Patient with ulcerative colitis started Humira 3 months ago", "payer_cigna_adalimumab", "Ulcerative Colitis",
     "continuation"),
    ("Epidiolex for Dravet syndrome; she is currently receiving Epidiolex", DOC, "Dravet Syndrome", "continuation"),
])
def test_select_tree(question: str, doc_id: str, indication: str, line: str) -> None:
    chosen = select_tree(question, RECORDS, {})
    assert chosen.record is not None and chosen.policy is not None, chosen.why
    assert (chosen.record.doc_id, chosen.policy.indication, chosen.policy.line) == (doc_id, indication, line)
    assert f"matches the indication '{indication}'" in chosen.why and f"line: {line}" in chosen.why
    assert chosen.candidates == 1


def test_select_tree_pa_is_not_psoriatic_arthritis() -> None:
    chosen = select_tree("PA request for Humira", RECORDS, {})
    assert chosen.policy is None and chosen.candidates == 1
    assert "matches none of the indications" in chosen.why and "Psoriatic Arthritis" in chosen.why


def test_select_tree_with_abbreviations_of_the_corpus() -> None:
    chosen = select_tree("Humira for UC", [ADALIMUMAB], {"UC": "ulcerative colitis"})
    assert chosen.policy is not None and chosen.policy.indication == "Ulcerative Colitis"


def test_select_tree_population_section_when_met() -> None:
    question = "Afinitor for a 12-year-old with neuroendocrine tumors"
    seen = []

    def population_met(policy: PolicyCriteria, asked: str) -> bool:
        seen.append((policy.indication, asked))
        return True

    chosen = select_tree(question, RECORDS, {}, population_met)
    assert chosen.policy is not None and chosen.policy.indication == "Patients less than 19 years of age"
    assert "covers this patient whatever the diagnosis" in chosen.why
    assert seen == [("Patients less than 19 years of age", question)]
    for population in (None, lambda policy, asked: False):
        chosen = select_tree(question, RECORDS, {}, population)
        assert chosen.policy is not None and chosen.policy.indication == "Neuroendocrine Tumors"


def test_select_tree_tie_says_so() -> None:
    chosen = select_tree("Epidiolex for Dravet syndrome or Lennox-Gastaut syndrome", RECORDS, {})
    assert chosen.policy is not None and chosen.policy.indication == "Dravet Syndrome"
    assert "also fits equally: 'Lennox-Gastaut Syndrome'" in chosen.why and "name the indication" in chosen.why


def test_select_tree_without_a_named_drug() -> None:
    for question in ("Is Ozempic covered for obesity?", "Is it medically necessary for rheumatoid arthritis?"):
        chosen = select_tree(question, RECORDS, {})
        assert (chosen.record, chosen.policy, chosen.candidates) == (None, None, 0)
        assert chosen.why == "no policy with coverage criteria in the corpus names the requested drug"


def test_select_tree_skips_records_without_criteria() -> None:
    assert select_tree("Humira for RA", [record([], ["adalimumab", "Humira"])], {}).policy is None


@pytest.mark.parametrize("question", [
    pytest.param("Humira requested for rheumatoid arthritis; the patient is currently taking methotrexate 20 mg "
                 "weekly.", id="currently-taking-methotrexate"),
    pytest.param("Epidiolex for Dravet syndrome; she is currently receiving clobazam and valproate.",
                 id="currently-receiving-clobazam"),
])
def test_requested_line_another_drug_currently_taken_is_initial(question: str) -> None:
    assert requested_line(question, ["Humira", "adalimumab", "Epidiolex", "cannabidiol"])[0] == "initial"


# ---------------------------------------------------------------- phrasings
@pytest.mark.parametrize(("stem", "expected"), [
    ("Approve if the patient meets ONE of the following (A or B):", ("any", None)),
    ("Patient meets ONE of the following (a or b):", ("any", None)),
    ("Patient meets at least ONE of the following (a or b):", ("any", None)),
    ("Initial Therapy. Approve for 1 year if the patient meets the following (i, ii, and\niii):", ("all", None)),
    ("Patient meets BOTH of the following [(1) and (2)]:", ("all", None)),
    ("Dupixent will be approved based on all of the following criteria:", ("all", None)),
    ("Afinitor will be approved based on the following criterion:", ("all", None)),
    ("Afinitor will be approved based on both the following criteria:", ("all", None)),
    ("Afinitor will be approved based on One of the following criteria:", ("any", None)),
    ("Afinitor will be approved based on one of the following soft tissue sarcoma subtypes:", ("any", None)),
    ("Disease has progressed after single agent therapy with all of the following:", ("all", None)),
    ("Prescribed by one of the following:", ("any", None)),
    ("Classification of asthma as uncontrolled or inadequately controlled as defined by\nat least one of the "
     "following:", ("any", None)),
    ("History of failure, contraindication, or intolerance to two of the following\ntherapeutic classes of topical "
     "therapies (document drug, date of trial, and/ or\ncontraindication to medication)^:", ("at_least", 2)),
    ("Two or more of the following symptoms for longer than 12 weeks duration:", ("at_least", 2)),
    ("Patient has been unable to obtain symptom relief after trial of two of\nthe following classes of agents^:",
     ("at_least", 2)),
    ("Patient is not receiving Dupixent in combination with either of the following:", ("none", None)),
    ("Patient is not receiving Dupixent in combination with any of the following:", ("none", None)),
    ("Acute Lymphoblastic Leukemia (must meet all):", ("all", None)),
    ("Other diagnoses/indications (must meet 1 or 2):", ("any", None)),
    ("Requested as treatment for (a or b):", ("any", None)),
    ("Relapsed or refractory B-ALL (i and ii):", ("all", None)),
    ("Diagnosis of moderate-to-severe chronic atopic dermatitis", None),
    ("Disease is refractory to at least 3 prior lines of therapy", None),
])
def test_op_of_stem(stem: str, expected: tuple[str, int | None] | None) -> None:
    assert op_of_stem(stem) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Initial Therapy", "initial"),
    ("Initial Authorization", "initial"),
    ("Initial Approval Criteria", "initial"),
    ("Reauthorization", "continuation"),
    ("Patient is Currently Receiving Epidiolex", "continuation"),
    ("Patient is Currently Receiving an Adalimumab Product", "continuation"),
    ("Continued Therapy", "continuation"),
    ("Dravet Syndrome", None),
    ("Acute Lymphoblastic Leukemia (must meet all):", None),
    ("Dupixent will be approved based on all of the following criteria:", None),
])
def test_line_of(text: str, expected: str | None) -> None:
    assert line_of(text) == expected
