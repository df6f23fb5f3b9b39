"""Drug names from the drug-named-entity-recognition package (rag/abstention/drugs.py) and the
abstention rule that uses them: a drug the corpus never names, whatever its name's form."""

from __future__ import annotations

import pytest

import rag.abstention.drugs as drug_lexicon
from rag.abstention.drugs import names_from, unknown_drugs
from rag.abstention.lexicons import find_names
from rag.abstention.rules import assess
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
