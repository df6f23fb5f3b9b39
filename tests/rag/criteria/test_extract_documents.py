"""The criteria parser on documents without criteria (contents, references, revision history, a
drug label, a guideline): no trees; and the drugs a policy is about, not its comparators."""

from __future__ import annotations

import re

import pytest

from ingest.normalize import normalize_text
from rag.criteria.extract import extract_criteria, policy_drugs
from tests.rag.criteria import policy_text as pt

pytestmark = pytest.mark.unit


# ---------------------------------------------------------------- documents without criteria
_UHC_CONTENTS = """\
Table of Contents
1. Background ........................................................ 1
2. Coverage Criteria ................................................. 2
A. Atopic Dermatitis ................................................. 2
1. Initial Authorization ............................................. 2
2. Reauthorization ................................................... 3
B. Asthma ............................................................ 3
1. Initial Authorization ............................................. 3
2. Reauthorization ................................................... 4
3. Additional Clinical Rules ......................................... 9
4. References ........................................................ 9"""
_ENVOLVE_CONTENTS = """\
Contents
I. Initial Approval Criteria ......................................... 1
A. Acute Lymphoblastic Leukemia (must meet all) ...................... 1
B. Other diagnoses/indications ....................................... 1
II. Continued Therapy ................................................ 2
A. Acute Lymphoblastic Leukemia (must meet all) ...................... 2
III. Diagnoses/Indications for which coverage is NOT authorized ...... 2
IV. Appendices/General Information ................................... 2
V. Dosage and Administration ......................................... 3
VI. Product Availability ............................................. 3
VII. References ...................................................... 3"""
_ENVOLVE_CONTENTS_NO_LEADERS = re.sub(r" \.{3,} ", " ", _ENVOLVE_CONTENTS)
_GUIDELINE = "Recommendations\n" + "\n".join(f"{n}. {r}" for n, r in enumerate(pt.GUIDELINE_RECOMMENDATIONS, 1))


@pytest.mark.parametrize("text", [
    pytest.param(_UHC_CONTENTS, id="uhc-table-of-contents"),
    pytest.param(_ENVOLVE_CONTENTS, id="envolve-table-of-contents"),
    pytest.param(_ENVOLVE_CONTENTS_NO_LEADERS, id="table-of-contents-without-leaders"),
    pytest.param(pt.REFERENCE_LIST, id="reference-list"),
    pytest.param(pt.REFERENCE_LIST.split("\n", 1)[1], id="reference-list-without-heading"),
    pytest.param(pt.REVISION_HISTORY, id="revision-history"),
    pytest.param(pt.DRUG_LABEL, id="drug-label-sections"),
    pytest.param(_GUIDELINE, id="guideline-numbered-recommendations"),
    pytest.param(pt.GUIDELINE_PROSE, id="guideline-prose-and-bullets"),
])
def test_documents_without_criteria_give_no_trees(text: str) -> None:
    assert extract_criteria(text) == []


def test_the_table_of_contents_without_leaders_keeps_its_page_numbers() -> None:
    assert "A. Acute Lymphoblastic Leukemia (must meet all) 1" in _ENVOLVE_CONTENTS_NO_LEADERS


def test_the_drug_label_fixture_has_numbered_sections() -> None:
    assert "\n1 INDICATIONS AND USAGE\n" in pt.DRUG_LABEL and "\n2.2 Recommended Dosage" in pt.DRUG_LABEL


def test_not_covered_section_gives_no_tree_but_the_criteria_still_do() -> None:
    text = pt.CIGNA_EPIDIOLEX
    tail = text[text.index("CONDITIONS NOT COVERED"):]
    assert extract_criteria(tail) == []
    assert len(extract_criteria(text)) == 2


# ---------------------------------------------------------------- the policy's drugs
@pytest.mark.parametrize(("text", "expected", "comparators"), [
    pytest.param(pt.UHC_DUPIXENT, ["Dupixent", "dupilumab"], ["Adbry", "Rinvoq", "Elocon", "tralokinumab"],
                 id="uhc-medications-line"),
    pytest.param(pt.UHC_AFINITOR, ["Afinitor", "everolimus"], ["Aromasin", "exemestane", "Femara", "Nexavar"],
                 id="uhc-medication-line"),
    pytest.param(pt.CIGNA_HUMIRA_HEADER, ["adalimumab", "Humira"], ["Entyvio", "vedolizumab", "Xeljanz"],
                 id="cigna-bullet"),
    pytest.param(pt.CIGNA_EPIDIOLEX_HEADER, ["Epidiolex", "cannabidiol"], ["Diacomit", "stiripentol", "Fintepla"],
                 id="cigna-epidiolex"),
    pytest.param(pt.ENVOLVE_BLINATUMOMAB, ["Blincyto", "Blinatumomab"], ["Sprycel", "Tasigna", "Iclusig"],
                 id="envolve-generic-first"),
])
def test_policy_drugs_brand_and_generic_not_comparators(text: str, expected: list[str],
                                                        comparators: list[str]) -> None:
    drugs = policy_drugs(text)
    assert sorted(drugs) == sorted(expected)
    assert not set(drugs) & set(comparators)
    assert all(c in text for c in comparators)  # they are mentioned, later


def test_policy_drugs_with_biosimilars() -> None:
    drugs = policy_drugs(pt.CIGNA_ADALIMUMAB_HEADER)
    assert drugs[0] == "adalimumab"  # the most used name first
    assert {"Humira", "Hyrimoz", "Cyltezo", "Hulio", "Idacio", "Simlandi", "Yuflyma", "Abrilada", "Hadlima",
            "Yusimry"} <= set(drugs)
    assert not any("-" in d for d in drugs)  # "adalimumab-adaz" folds into adalimumab
    assert not {"Entyvio", "vedolizumab", "Xeljanz"} & set(drugs)


def test_policy_drugs_reads_a_symbol_font_registered_mark() -> None:
    assert "• Amjevita\uf0d2 (adalimumab-atto subcutaneous injection – Amgen)" in pt.CIGNA_ADALIMUMAB_HEADER
    text = normalize_text(pt.CIGNA_ADALIMUMAB_HEADER)  # as ingest stores it: the Symbol font's ® is ®
    assert "Amjevita® (adalimumab-atto" in text
    assert "Amjevita" in policy_drugs(text)


def test_policy_drugs_without_a_policy() -> None:
    assert policy_drugs(pt.REFERENCE_LIST) == []
    assert policy_drugs(pt.GUIDELINE_PROSE) == []
