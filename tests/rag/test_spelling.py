"""Typos read as the corpus spells them (rag.spelling); the real retriever's use of it is in
tests/rag/test_retrieve.py."""

from __future__ import annotations

import pytest

from rag.spelling import corpus_terms, one_edit, respell, respelt

pytestmark = pytest.mark.unit

# document counts, as LexicalIndex.df holds them
CORPUS = {"infusion": 12, "clinical": 30, "luspatercept": 40, "human": 3, "dose": 50, "dosed": 2,
          "diluted": 4, "dilute": 9}


def test_one_edit_drops_adds_changes_or_swaps_one_letter():
    edits = one_edit("dose")
    assert {"dos", "doe", "odse", "dosed", "rose"} <= edits
    assert "dose" not in edits and "dosage" not in edits


@pytest.mark.parametrize(("typo", "meant"), [
    ("influsion", "infusion"),  # a letter added
    ("clincal", "clinical"),  # a letter dropped
    ("infsuion", "infusion"),  # two letters swapped
    ("dilutes", "dilute"),  # two corpus words one edit away: the more frequent ("diluted": 4)
])
def test_a_word_one_edit_from_a_corpus_word_reads_as_it(typo, meant):
    assert respell(typo, CORPUS) == meant


def test_a_word_the_corpus_uses_or_that_is_far_from_it_stays():
    assert respell("infusion", CORPUS) == "infusion"
    assert respell("structurally", CORPUS) == "structurally"  # nothing one edit away
    assert respell("2.5mg", CORPUS) == "2.5mg"  # not a word


def test_short_words_names_and_drugs_stay():
    assert respell("dosd", CORPUS) == "dosd"  # under six letters
    assert respell("humana", CORPUS) == "human"  # lower case: read as a typo ...
    assert respelt("Does Humana cover influsion?", CORPUS) == "Does Humana cover infusion?"  # ... not a name
    # a name is read only as a corpus word that is no English word: a brand's typo, not a payer
    assert respelt("Is Reblozil given? Does Humana pay?", {**CORPUS, "reblozyl": 5}) == \
        "Is Reblozyl given? Does Humana pay?"
    assert respell("luspatrecept", CORPUS) == "luspatrecept"  # looks like a drug: never respelt
    assert respell("antagonist", {"antagonism": 1}) == "antagonist"  # an English word: no typo


def test_the_question_text_is_respelt_word_by_word():
    text = "Are clincal influsions given, or is it dosd in the Clincal Center?"
    # a plural read as its singular; short, stop and capitalised words kept as written
    assert respelt(text, CORPUS) == "Are clinical infusion given, or is it dosd in the Clincal Center?"


def test_bm25_and_abstention_read_a_form_one_edit_away_as_the_corpus_writes_it():
    corpus = {**CORPUS, "advise": 3}
    # English words too, unlike the question's text: "advised" is a form of the corpus's "advise"
    assert corpus_terms("Is an influsion advised?", corpus) == ["infusion", "advise"]
    assert respelt("Is an influsion advised?", corpus) == "Is an infusion advised?"
    assert corpus_terms("Does Humana advised luspatrecept?", corpus) == ["humana", "advise", "luspatrecept"]
