"""Condition names from ICD-10-CM (rag/abstention/conditions.py) and the abstention rule that uses them: a
drug the corpus covers, asked about for a condition its passages never name with it."""

from __future__ import annotations

import pytest

import rag.abstention.conditions as conditions
from rag.abstention.conditions import contains, core_names, find_conditions
from rag.abstention.rules import assess, uncovered_condition
from rag.lexical import token_runs
from tests.rag.lexicons import built_and_read_back
from tests.rag.test_abstain import PASSAGES, retrieval

pytestmark = pytest.mark.unit

# Descriptions as ICD-10-CM writes them (D61.9, D57, B20, I50.9, N18.5, C92.0).
DESCRIPTIONS = {
    "Aplastic anemia, unspecified": [("aplastic", "anemia")],
    "Sickle-cell disorders": [("sickle", "cell")],
    "Human immunodeficiency virus [HIV] disease": [("hiv",), ("human", "immunodeficiency", "virus")],
    "Heart failure, unspecified": [("heart", "failure")],
    "Chronic kidney disease, stage 5": [("chronic", "kidney")],
    "Acute myeloblastic leukemia": [("acute", "myeloblastic", "leukemia")],
}
LEXICON = frozenset(name for names in DESCRIPTIONS.values() for name in names) | {("beta", "thalassemia"),
                                                                                  ("toxic", "liver")}


def test_core_names_drop_qualifiers_and_generic_heads():
    for description, names in DESCRIPTIONS.items():
        assert core_names(description) == names, description
    assert core_names("Pain, unspecified") == []  # a common word alone names no subject
    # D47.3: a parenthesised modifier is left out, not where the name ends ("essential" alone)
    assert core_names("Essential (hemorrhagic) thrombocythemia") == [("essential", "thrombocythemia")]


def test_a_narrowing_first_word_also_gives_the_name_without_it():
    # I27.21 and I27.0: a question about "pulmonary arterial hypertension" names the condition
    assert core_names("Secondary pulmonary arterial hypertension") == [
        ("secondary", "pulmonary", "arterial", "hypertension"), ("pulmonary", "arterial", "hypertension")]
    assert core_names("Primary pulmonary hypertension") == [("primary", "pulmonary", "hypertension"),
                                                             ("pulmonary", "hypertension")]
    assert core_names("Secondary hypertension, unspecified") == [("secondary", "hypertension")]  # one word left


def test_a_bracketed_everyday_word_is_not_a_condition():
    # L98.3 and P07.3: brackets hold eponyms and synonyms too, and "other" or "well" in a question
    # must not read as a condition the passages fail to name
    assert core_names("Eosinophilic cellulitis [Wells]") == [("eosinophilic", "cellulitis")]
    assert core_names("Preterm [premature] newborn [other]") == [("premature",), ("preterm", "newborn")]
    assert ("hiv",) in core_names("Human immunodeficiency virus [HIV] disease")


def test_stop_words_split_runs_so_phrases_never_join_across_them():
    assert token_runs("directly toxic to the liver") == [["directly", "toxic"], ["liver"]]
    runs = token_runs("Can it be used in adults with sickle cell disease?")
    assert [c for run in runs for c in find_conditions(run, LEXICON)] == [("sickle", "cell")]
    assert find_conditions(["acute", "myeloblastic", "leukemia", "heart", "failure"], LEXICON) == [
        ("acute", "myeloblastic", "leukemia"), ("heart", "failure")]
    assert contains(["beta", "thalassemia", "patient"], ("beta", "thalassemia"))
    assert not contains(["thalassemia", "beta"], ("beta", "thalassemia"))


@pytest.fixture
def lexicon(monkeypatch):
    monkeypatch.setattr(conditions, "condition_names", lambda: LEXICON)


def test_a_covered_drug_for_a_condition_its_passages_never_name_is_declined(lexicon):
    question = "Can luspatercept be used to cut transfusion needs in adults with sickle cell disease?"
    evidence = retrieval(question, PASSAGES)
    assert uncovered_condition(evidence, k=len(PASSAGES)) == ("luspatercept", "sickle cell")
    assert uncovered_condition(evidence, k=len(PASSAGES) + 1) is None  # fewer passages than the window
    assert uncovered_condition(retrieval(question.replace("luspatercept", "it"), PASSAGES), k=3) is None


def test_a_condition_the_passages_pair_with_the_drug_is_answered(lexicon):
    question = "Is luspatercept used for anemia in adults with beta-thalassemia?"
    assert uncovered_condition(retrieval(question, PASSAGES), k=len(PASSAGES)) is None
    toxic = "Why is luspatercept thought unlikely to be directly toxic to the liver?"
    assert uncovered_condition(retrieval(toxic, PASSAGES), k=len(PASSAGES)) is None


def test_assess_says_which_condition_is_missing(lexicon, monkeypatch):
    monkeypatch.setattr("rag.abstention.rules.FOCUS_EVIDENCE_K", len(PASSAGES))
    monkeypatch.setattr("rag.abstention.rules.uncovered_condition.__defaults__", (len(PASSAGES),))
    # corpus/luspatercept-drug-information.md, verbatim: the corpus knows "kidney", not with the drug
    elsewhere = ("Generally, no dosage adjustments are needed for mild to moderate liver or kidney "
                 "impairment, but consult a healthcare professional for specific guidance in severe cases.")
    question = "Can luspatercept treat anemia in chronic kidney disease?"
    evidence = assess(retrieval(question, PASSAGES, corpus=[elsewhere]), min_similarity=0.2, min_coverage=0.5)
    assert not evidence.sufficient and evidence.missing_focus == ["chronic kidney"]
    assert evidence.reason == "the passages it finds on luspatercept never speak of chronic kidney"


@pytest.mark.integration
def test_the_lexicon_comes_from_the_icd_package_and_is_cached(tmp_path, monkeypatch):
    names = built_and_read_back(conditions, conditions.condition_names, tmp_path / "icd.txt", monkeypatch)
    assert {("sickle", "cell"), ("aplastic", "anemia"), ("heart", "failure"), ("hiv",)} <= names
    assert len(names) > 5000
