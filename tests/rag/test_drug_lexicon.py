"""Drug names from the drug-named-entity-recognition package (rag/abstention/drugs.py) and the
abstention rule that uses them: a drug the corpus never names, whatever its name's form."""

from __future__ import annotations

import pytest

import rag.abstention.drugs as drug_lexicon
from rag.abstention.drugs import names_from, unknown_drugs
from rag.abstention.lexicons import find_names
from rag.abstention.rules import assess, missing_focus
from rag.lexical import tokenize
from tests.rag.lexicons import built_and_read_back
from tests.rag.test_abstain import PASSAGES, retrieval

LEXICON = frozenset({("danazol",), ("warfarin",), ("epoetin", "alfa"), ("luspatercept",), ("hemoglobin", "h")})


@pytest.mark.unit
def test_names_leave_out_everyday_words_and_short_ones():
    names = names_from(["Danazol", "epoetin alfa", "iron", "water", "Ca", "one two three four five"])
    assert names == {("danazol",), ("epoetin", "alfa")}
    # the package's variants hold everyday words below the 5,000 most frequent too
    assert names_from(["Generic", "caps", "flour", "cocaine"]) == {("cocaine",)}


@pytest.mark.unit
def test_unknown_drugs_are_names_with_a_word_the_corpus_lacks():
    known = {"luspatercept", "alfa", "hemoglobin"}.__contains__
    tokens = tokenize("Does danazol or epoetin alfa help hemoglobin H patients on luspatercept and danazol?")
    # once; 'epoetin alfa': the corpus knows 'alfa'; 'hemoglobin h': 'h' is too short to say
    assert unknown_drugs(tokens, known, LEXICON) == ["danazol"]
    assert unknown_drugs(tokenize("epoetin alfa"), set().__contains__, LEXICON) == ["epoetin alfa"]
    assert find_names(tokens, LEXICON, 4) == [("danazol",), ("epoetin", "alfa"), ("hemoglobin", "h"),
                                              ("luspatercept",), ("danazol",)]


@pytest.mark.unit
def test_a_drug_without_a_stem_the_corpus_never_names_is_declined(monkeypatch):
    monkeypatch.setattr(drug_lexicon, "drug_lexicon", lambda: LEXICON)
    question = "Is the initial dose of luspatercept every three weeks changed by warfarin?"
    evidence = assess(retrieval(question, PASSAGES), min_similarity=0.2, min_coverage=0.5)
    assert not evidence.sufficient
    assert evidence.reason == "it names warfarin, which the corpus never mentions"
    named = assess(retrieval("Is the initial dose of luspatercept every three weeks?", PASSAGES),
                   min_similarity=0.2, min_coverage=0.5)
    assert named.sufficient  # a drug the corpus does name is no reason


@pytest.mark.integration
def test_the_lexicon_comes_from_the_package_and_is_cached(tmp_path, monkeypatch):
    names = built_and_read_back(drug_lexicon, drug_lexicon.drug_lexicon, tmp_path / "drugs.txt", monkeypatch)
    assert {("danazol",), ("warfarin",), ("luspatercept",), ("reblozyl",), ("epoetin", "alfa")} <= names
    assert ("iron",) not in names and ("water",) not in names
    assert len(names) > 50_000


@pytest.mark.unit
def test_a_brand_reads_as_the_words_of_its_generic_names_not_the_ones_many_share():
    shared = {f"drug{i} alfa": [f"drug{i} alfa"] for i in range(9)}  # "alfa" is in nine generic names
    pairs = drug_lexicon.generic_pairs({"Reblozyl": ["luspatercept-aamt"], "Procrit": ["epoetin alfa"],
                                        "epoetin alfa": ["epoetin alfa"], **shared})
    assert {("reblozyl", "luspatercept"), ("reblozyl", "aamt"), ("procrit", "epoetin")} <= pairs
    assert ("procrit", "alfa") not in pairs and not any(p[0] == "epoetin" for p in pairs)  # one-word names only


@pytest.mark.unit
def test_evidence_on_the_generic_speaks_of_the_brand(monkeypatch):
    question = "Is Reblozyl given to HIV patients every three weeks?"
    monkeypatch.setattr("rag.abstention.rules.generic_words", lambda: {})
    assert missing_focus(retrieval(question, PASSAGES)) == ["reblozyl", "hiv"]
    monkeypatch.setattr("rag.abstention.rules.generic_words",
                        lambda: {"reblozyl": frozenset({"luspatercept", "aamt"})})
    assert "reblozyl" not in missing_focus(retrieval(question, PASSAGES))  # the passages say "Luspatercept"


@pytest.mark.integration
def test_the_generic_names_come_from_the_package_and_are_cached(tmp_path, monkeypatch):
    monkeypatch.setattr(drug_lexicon, "generics_file", lambda: tmp_path / "generics.txt")
    drug_lexicon.generic_words.cache_clear()
    try:
        words = drug_lexicon.generic_words()
        assert (tmp_path / "generics.txt").is_file()
        assert "luspatercept" in words["reblozyl"] and "azacitidine" in words["vidaza"]
        drug_lexicon.generic_words.cache_clear()
        assert drug_lexicon.generic_words() == words  # read back from the cache file
    finally:
        drug_lexicon.generic_words.cache_clear()
