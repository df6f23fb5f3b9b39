"""A question's misspelt words, read as the corpus spells them.

Users type fast: "influsion", "clincal". A word the corpus never uses but that is one edit (a
letter dropped, added, changed, or two swapped) away from a word it does use is read as that
word, the most frequent one when several are: BM25 then finds it, and abstention does not take a
typo for a subject the corpus lacks. Only words of six letters or more: shorter ones are too
often another real word one edit away ("dose", "dosed"). Neither a word the question writes
with a capital ("Humana" is not "human") nor one that looks like a drug's nonproprietary name is
respelt: an unknown payer or drug one letter from a known word is still another name.

(Norvig's edit-distance-1 candidates checked against the corpus vocabulary: a few hundred set
lookups per unknown word. A spelling library would bring its own dictionary, and the corpus's
own words, drug names and abbreviations included, are the dictionary that matters here.)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from rag.drug_names import looks_like_drug
from rag.lexical import tokenize

MIN_LETTERS = 6
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def one_edit(word: str) -> set[str]:
    """Every string one deletion, transposition, replacement or insertion away from `word`."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return (deletes | swaps | replaces | inserts) - {word}


def respell(term: str, frequency: Mapping[str, int], protect: Callable[[str], bool] = looks_like_drug) -> str:
    """`term` as the corpus spells it: itself when the corpus uses it, when it is short, not
    alphabetic or protected (a drug-like name), or when no corpus word is one edit away; else the
    most frequent such word (`frequency`: a word's document count)."""
    if term in frequency or len(term) < MIN_LETTERS or not term.isalpha() or protect(term):
        return term
    near = [w for w in one_edit(term) if w in frequency]
    return max(near, key=lambda w: (frequency[w], w)) if near else term


def respelt(text: str, frequency: Mapping[str, int]) -> list[str]:
    """`text`'s tokens (`tokenize`), each respelt unless the text writes it with a capital."""
    names = {t for word in re.findall(r"[A-Za-z0-9]*[A-Z][A-Za-z0-9]*", text) for t in tokenize(word)}
    return [t if t in names else respell(t, frequency) for t in tokenize(text)]
