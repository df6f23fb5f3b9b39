"""A question's misspelt words, read as the corpus spells them.

Users type fast: "influsion", "clincal". A word the corpus never uses but that is one edit (a
letter dropped, added, changed, or two swapped) away from a word it does use is read as that
word, the most frequent one when several are. Only words of six letters or more: shorter ones
are too often another real word one edit away ("dose", "dosed"). Two levels:
- `respelt`: the question's text, which every stage reads (both legs, the cross-encoder,
  abstention, the quotes). A word of the common-English vocabulary is no typo and is kept
  ("antagonist" is not the corpus's "antagonism"; it was, and a label question lost its passage).
- `corpus_terms`: the BM25 and abstention tokens, where an English word one edit from a corpus
  form counts as that form ("advised" as "advise").
A word the question writes in Title case is a name: it is read only as a corpus word that is no
English word either ("Reblozil" as "Reblozyl"; "Humana" is not "human": an unknown payer one letter
from a known word is still another payer). A word that looks like a drug's nonproprietary name is
never respelt: an unknown drug one letter from a known one is still another drug.

(Norvig's edit-distance-1 candidates checked against the corpus vocabulary: a few hundred set
lookups per unknown word. A spelling library would bring its own dictionary, and the corpus's
own words, drug names and abbreviations included, are the dictionary that matters here.)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from rag.drug_names import looks_like_drug
from rag.lexical import STOPWORDS, singular, tokenize
from rag.vocabulary import common_words

MIN_LETTERS = 6
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][a-z]+(?![A-Za-z0-9])")  # "influsion", "Reblozil"; not "x2", "EMA"


def one_edit(word: str) -> set[str]:
    """Every string one deletion, transposition, replacement or insertion away from `word`."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return (deletes | swaps | replaces | inserts) - {word}


def is_a_word(term: str) -> bool:
    """An English word (the packaged common-English vocabulary) or a drug-like name: no typo,
    even one edit from a corpus word ("antagonist" beside the corpus's "antagonism")."""
    return term in common_words() or looks_like_drug(term)


def respell(term: str, frequency: Mapping[str, int], protect: Callable[[str], bool] = is_a_word,
            name: bool = False) -> str:
    """`term` as the corpus spells it: itself when the corpus uses it, when it is short, not
    alphabetic or protected (an English word or a drug-like name), or when no corpus word is one
    edit away; else the most frequent such word (`frequency`: a word's document count). A `name`
    is read only as a corpus word that is no English word ("reblozil" as "reblozyl", "humana"
    not as "human")."""
    if term in frequency or len(term) < MIN_LETTERS or not term.isalpha() or protect(term):
        return term
    near = [w for w in one_edit(term) if w in frequency and not (name and w in common_words())]
    return max(near, key=lambda w: (frequency[w], w)) if near else term


def respelt(text: str, frequency: Mapping[str, int]) -> str:
    """`text` with each misspelt word (`respell`) written as the corpus spells it ("How is it
    adminstered?" -> "How is it administered?"), so that every stage reads the same words: both
    legs, the cross-encoder, abstention and the quotes. A word in Title case is a name, read only
    as a corpus word that is no English word ("Reblozil" -> "Reblozyl"; "Humana" is kept). A
    plural is read as its singular."""

    def fix(match: re.Match[str]) -> str:
        word = match.group()
        token = singular(word.lower())
        if token in STOPWORDS:
            return word
        titled = word[0].isupper()
        spelt = respell(token, frequency, name=titled)
        if spelt == token:
            return word
        return spelt.capitalize() if titled else spelt

    return _WORD.sub(fix, text)


def corpus_terms(text: str, frequency: Mapping[str, int]) -> list[str]:
    """`text`'s tokens (`tokenize`) for BM25 and abstention, each one edit from a corpus word read
    as that word, English words included: "advised" as "advise", "discontinued" as
    "discontinue" when the corpus writes those (a form of the word, as BM25 and the coverage
    rule should count it). Not a word written with a capital, nor a drug-like name."""
    names = {t for word in re.findall(r"[A-Za-z0-9]*[A-Z][A-Za-z0-9]*", text) for t in tokenize(word)}
    return [t if t in names else respell(t, frequency, looks_like_drug) for t in tokenize(text)]
