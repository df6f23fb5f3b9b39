"""The exact rule judge: ages, numeric thresholds with units, time on therapy and prescriber
specialty, each decided only when the request states it, with evidence that is a span of the request.
Criteria are verbatim from the payer policies; requests are made up."""

from __future__ import annotations

import pytest

from rag.criteria.rules import Judgment, RuleJudge
from rag.criteria.tree import Leaf, Node

pytestmark = pytest.mark.unit

ADALIMUMAB = ("Humira", "adalimumab")


def judge(criterion: str, question: str, context: str = "", drugs: tuple[str, ...] = ADALIMUMAB) -> Judgment | None:
    judgment = RuleJudge.judge_leaf(criterion, context, question, drugs)
    if judgment is not None:  # evidence is always a verbatim span of the request
        assert judgment.status in ("met", "unmet")
        assert judgment.evidence and judgment.evidence in question
        assert judgment.reason
    return judgment


def decided(criterion: str, question: str, context: str = "") -> tuple[str, str | None] | None:
    judgment = judge(criterion, question, context)
    return None if judgment is None else (judgment.status, judgment.evidence)


# ---------------------------------------------------------------- ages
@pytest.mark.parametrize(("criterion", "question", "expected"), [
    ("Patient is ≥ 1 year of age", "Epidiolex for an 8-month-old infant with Dravet syndrome.",
     ("unmet", "8-month-old")),
    ("Patient is ≥ 1 year of age", "Epidiolex for a 7-year-old with Dravet syndrome.", ("met", "7-year-old")),
    ("Patient is ≥ 18 years of age", "Humira for rheumatoid arthritis, patient aged 45, failed methotrexate.",
     ("met", "aged 45")),
    ("Patient is ≥ 18 years of age", "Humira for rheumatoid arthritis in a 16-year-old.", ("unmet", "16-year-old")),
    ("Patient is ≥ 18 years of age", "Humira for rheumatoid arthritis in an 18-year-old.", ("met", "18-year-old")),
    ("Patient is ≥ 18 years of age", "A 45 yo with rheumatoid arthritis.", ("met", "45 yo")),
    ("Patient is ≥ 18 years of age", "Age: 45. Rheumatoid arthritis.", ("met", "Age: 45")),
    ("Patient is > 18 years of age", "Humira for pyoderma gangrenosum in an 18-year-old.",
     ("unmet", "18-year-old")),  # strictly greater
    ("Patient is > 18 years of age", "Humira for sarcoidosis in a 19 year old woman.", ("met", "19 year old")),
    ("Patient is less than 19 years of age", "Afinitor for a 12-year-old with SEGA.", ("met", "12-year-old")),
    ("Patient is less than 19 years of age", "Afinitor for a 19-year-old with SEGA.", ("unmet", "19-year-old")),
    # "aged N years and older", in months and years
    ("treatment of patients aged 6 months and older with moderate-to-severe atopic dermatitis",
     "Dupixent for a 4-month-old infant with atopic dermatitis.", ("unmet", "4-month-old")),
    ("treatment of patients aged 6 months and older with moderate-to-severe atopic dermatitis",
     "Dupixent for a 2-year-old with atopic dermatitis.", ("met", "2-year-old")),
    ("pediatric patients aged 2 years and older with TSC-associated partial-onset seizures",
     "Afinitor for an 18-month-old with TSC-associated partial-onset seizures.", ("unmet", "18-month-old")),
])
def test_age(criterion: str, question: str, expected: tuple[str, str]) -> None:
    assert decided(criterion, question) == expected


@pytest.mark.parametrize("question", [
    "Humira for rheumatoid arthritis.",  # no age
    "A 45-year-old mother asks about Humira for her 16-year-old son with Crohn's disease.",  # two ages
    "Epidiolex for a 7-year-old with Dravet syndrome; her 12-year-old brother has it too.",
])
def test_age_undecided(question: str) -> None:
    assert judge("Patient is ≥ 18 years of age", question) is None


def test_the_same_age_twice_is_one_age() -> None:
    judgment = judge("Patient is ≥ 1 year of age", "Epidiolex for a 7-year-old (7 years old) with Dravet syndrome.")
    assert judgment is not None and judgment.status == "met"


# ---------------------------------------------------------------- thresholds
EOSINOPHILS = ("Submission of medical records (e.g., chart notes, laboratory values, etc.) documenting that asthma is "
               "an eosinophilic phenotype as defined by a baseline (pre-dupilumab treatment) peripheral blood "
               "eosinophil level ≥ 150 cells/μL")
DOSE = "Dose does not exceed 28 mcg/day."
LESIONS = "Patient has greater than or equal to 20 nodular lesions"
MRD = ("Treatment of B-cell precursor acute lymphoblastic leukemia (ALL) in first or second complete remission with "
       "minimal residual disease (MRD) greater than or equal to 0.1% in adults and children.")
FEV1 = ("Airflow limitation (e.g., after appropriate bronchodilator withhold forced expiratory volume in 1 second "
        "[FEV1] less than 80% predicted [in the face of reduced FEV1/forced vital capacity [FVC] defined as less "
        "than the lower limit of normal])")
SYMPTOM_SCORES = ("Poor symptom control (e.g., Asthma Control Questionnaire [ACQ] score consistently greater than 1.5 "
                  "or Asthma Control Test [ACT] score consistently less than 20)")


@pytest.mark.parametrize(("criterion", "question", "expected"), [
    (EOSINOPHILS, "Dupixent for severe asthma; blood eosinophils 320 cells/μL.", ("met", "320 cells/μL")),
    (EOSINOPHILS, "Dupixent for severe asthma; blood eosinophils 90 cells/μL.", ("unmet", "90 cells/μL")),
    (EOSINOPHILS, "Dupixent for severe asthma; blood eosinophils 150 cells/μL.", ("met", "150 cells/μL")),
    (EOSINOPHILS, "Dupixent for severe asthma; blood eosinophils 320 cells/µL.", ("met", "320 cells/µL")),  # µ sign
    (EOSINOPHILS, "Dupixent for severe asthma; blood eosinophils 320 cells/mcL.", ("met", "320 cells/mcL")),
    (DOSE, "Blincyto 28 mcg/day for relapsed B-ALL.", ("met", "28 mcg/day")),
    (DOSE, "Blincyto 56 mcg/day for relapsed B-ALL.", ("unmet", "56 mcg/day")),
    (LESIONS, "Dupixent for prurigo nodularis with 25 nodular lesions.", ("met", "25 nodular lesions")),
    (LESIONS, "Dupixent for prurigo nodularis with 12 nodular lesions.", ("unmet", "12 nodular lesions")),
    (MRD, "Blincyto for B-ALL in first remission, MRD 0.5%.", ("met", "0.5%")),
    (MRD, "Blincyto for B-ALL in first remission, MRD 0.01%.", ("unmet", "0.01%")),
    (FEV1, "Dupixent for asthma, FEV1 65% predicted.", ("met", "65%")),
    (FEV1, "Dupixent for asthma, FEV1 85% predicted.", ("unmet", "85%")),
])
def test_threshold_with_units(criterion: str, question: str, expected: tuple[str, str]) -> None:
    assert decided(criterion, question) == expected


@pytest.mark.parametrize(("criterion", "question"), [
    (SYMPTOM_SCORES, "Dupixent for asthma; ACQ score 2.5 and ACT score 15."),  # two bounds in one criterion
    (EOSINOPHILS, "Dupixent for severe asthma; blood eosinophils 320."),  # no unit
    (EOSINOPHILS, "Dupixent for asthma; eosinophils 320 cells/μL in March and 100 cells/μL in May."),  # two values
    (EOSINOPHILS, "Dupixent for severe asthma."),  # no value
    (DOSE, "Blincyto 15 mcg/m2/day for a child with relapsed B-ALL."),  # another unit
    (LESIONS, "Dupixent for prurigo nodularis with 12 lesions."),  # not the criterion's count
])
def test_threshold_undecided(criterion: str, question: str) -> None:
    assert judge(criterion, question) is None


def test_threshold_ascii_micro() -> None:
    question = "Dupixent for severe asthma; blood eosinophils 90 cells/uL."
    assert decided(EOSINOPHILS, question) == ("unmet", "90 cells/uL")


# ---------------------------------------------------------------- time on therapy
ESTABLISHED = "Patient has been established on therapy for at least 6 months"


@pytest.mark.parametrize(("criterion", "question", "drugs", "expected"), [
    (ESTABLISHED, "Patient with rheumatoid arthritis has been on Humira for 8 months, good response.", ADALIMUMAB,
     ("met", "on Humira for 8 months")),
    (ESTABLISHED, "Patient has been on Humira for 2 years.", ADALIMUMAB, ("met", "on Humira for 2 years")),
    (ESTABLISHED, "Patient started the medication 3 months ago.", ADALIMUMAB,
     ("unmet", "started the medication 3 months ago")),
    (ESTABLISHED, "She has been taking adalimumab for the past 5 months.", ADALIMUMAB,
     ("unmet", "taking adalimumab for the past 5 months")),
    ("Currently receiving medication via a health plan affiliated with Envolve Pharmacy Solutions, or documentation "
     "supports that member is currently receiving Blincyto for a covered indication and has received this "
     "medication for at least 30 days", "Member currently receiving Blincyto for 6 weeks.", ("Blincyto",),
     ("met", "receiving Blincyto for 6 weeks")),
])
def test_time_on_therapy(criterion: str, question: str, drugs: tuple[str, ...], expected: tuple[str, str]) -> None:
    judgment = judge(criterion, question, drugs=drugs)
    assert judgment is not None and (judgment.status, judgment.evidence) == expected


@pytest.mark.parametrize("question", [
    "Humira requested for rheumatoid arthritis; she has been on methotrexate for 8 months.",  # another drug
    "Humira requested for rheumatoid arthritis.",
])
def test_time_on_therapy_undecided(question: str) -> None:
    assert judge(ESTABLISHED, question) is None


# ---------------------------------------------------------------- prescriber
NEUROLOGIST = "The medication is prescribed by or in consultation with a neurologist."
RHEUMATOLOGIST = "The medication is prescribed by or in consultation with a rheumatologist."
ONE_OF = "Dupixent will be approved based on all of the following criteria: Prescribed by one of the following:"


@pytest.mark.parametrize(("criterion", "context", "question", "expected"), [
    (NEUROLOGIST, "", "Epidiolex prescribed by her pediatric neurologist for Dravet syndrome.",
     ("met", "Epidiolex prescribed by her pediatric neurologist for Dravet syndrome")),
    (RHEUMATOLOGIST, "", "Humira for rheumatoid arthritis, prescribed by a dermatologist.",
     ("unmet", "Humira for rheumatoid arthritis, prescribed by a dermatologist")),
    ("Dermatologist", ONE_OF, "Dupixent for atopic dermatitis, ordered by dermatology.",
     ("met", "Dupixent for atopic dermatitis, ordered by dermatology")),
    ("Dermatologist", ONE_OF, "Dupixent for atopic dermatitis prescribed by a rheumatologist.",
     ("unmet", "Dupixent for atopic dermatitis prescribed by a rheumatologist")),
    ("Prescribed by or in consultation with an oncologist or hematologist", "",
     "Blincyto requested by hematology for relapsed B-ALL.",
     ("met", "Blincyto requested by hematology for relapsed B-ALL")),
    ("Prescribed by or in consultation with a gastroenterologist or allergist", "", "Prescriber: allergist.",
     ("met", "Prescriber: allergist")),
])
def test_prescriber(criterion: str, context: str, question: str, expected: tuple[str, str]) -> None:
    assert decided(criterion, question, context) == expected


@pytest.mark.parametrize(("criterion", "context", "question"), [
    (NEUROLOGIST, "", "Epidiolex for Dravet syndrome in a 7-year-old."),  # nobody named
    (RHEUMATOLOGIST, "", "Humira for rheumatoid arthritis; she saw a dermatologist last year."),  # not as prescriber
    ("Dermatologist", "", "Dupixent prescribed by a dermatologist."),  # a bare specialty, no "prescribed by"
])
def test_prescriber_undecided(criterion: str, context: str, question: str) -> None:
    assert judge(criterion, question, context) is None


# ---------------------------------------------------------------- the judge over a tree
def test_rule_judge_keys_judgments_by_leaf_position() -> None:
    tree = Node(op="all", label="A", stem="Initial Therapy. Approve for 6 months if the patient meets ALL of the "
                "following (i, ii,\nand iii):", children=[
                    Leaf(label="i", text="Patient is ≥ 18 years of age"),
                    Leaf(label="ii", text="Patient has tried ONE conventional synthetic disease-modifying "
                                          "antirheumatic\ndrug (DMARD) for at least 3 months"),
                    Leaf(label="ii", text=RHEUMATOLOGIST),
                ])
    question = ("PA request: Humira for a 52-year-old with rheumatoid arthritis, prescribed by her rheumatologist; "
                "she took methotrexate for 4 months.")
    judged = RuleJudge().judge(question, tree, ADALIMUMAB)
    assert sorted(judged) == [0, 2]  # the DMARD trial is not a rule's to decide
    assert (judged[0].status, judged[0].evidence) == ("met", "52-year-old")
    assert judged[2].status == "met" and judged[2].evidence and judged[2].evidence in question


def test_rule_judge_reads_the_stems_above_a_leaf() -> None:
    tree = Node(op="all", stem="Dupixent will be approved based on all of the following criteria:", children=[
        Node(op="any", label="(4)", stem="Prescribed by one of the following:", children=[
            Leaf(label="(a)", text="Dermatologist"), Leaf(label="(b)", text="Allergist"),
            Leaf(label="(c)", text="Immunologist")]),
    ])
    judged = RuleJudge().judge("Dupixent for atopic dermatitis, prescribed by an allergist.", tree, ("Dupixent",))
    assert {i: j.status for i, j in judged.items()} == {0: "unmet", 1: "met", 2: "unmet"}
