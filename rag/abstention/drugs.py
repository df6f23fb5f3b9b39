"""Names of drugs, generic and brand, to find a drug a question names that the corpus never does.

The nonproprietary-name stems of :mod:`rag.drug_names` recognise "imetelstat" or "romiplostim",
not "danazol", "warfarin" or a brand such as "Inqovi". This lexicon does: the 107,000 name
variants (generic names, brands, synonyms, from MedlinePlus, DrugBank, MeSH and Wikipedia) that
the `drug-named-entity-recognition` package ships in its wheel (no download), tokenised as the
lexical index does. A one-word name that is one of the vocabulary's 5,000 most frequent words
("iron", "water", "gold") or shorter than four letters is left out: it means something else more
often than a drug. Unpickling the package's dictionary takes about 1.5 s, so the names are
cached as text (rag.abstention.lexicons), keyed by the package's version and these rules'.
"""

from __future__ import annotations

import bz2
import logging
import pickle
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from rag.abstention.lexicons import CACHE_ROOT, Name, cached_names, find_names, package_version
from rag.lexical import TOKENIZER_VERSION, tokenize
from rag.vocabulary import frequent_words

log = logging.getLogger(__name__)

MAX_WORDS = 4
MIN_UNKNOWN_LETTERS = 4  # "hemoglobin h", "vitamin d": a one-letter word says little about a gap
LEXICON_VERSION = 2  # bump when names_from changes what it keeps
# A one-word name among the vocabulary's this many most frequent words is everyday English: the
# package's variants include "generic", "caps", "armour" and "flour" (ranks 6,600-10,000), and
# "What is its generic name?" was declined as naming a drug the corpus never mentions. Below
# 12,000 the first real drugs come ("cocaine").
EVERYDAY_RANK = 10_000
SHARED_GENERIC_WORD = 5  # a word in more generic names than this ("alfa", "sodium") names no one drug
PACKAGE = "drug-named-entity-recognition"


def names_from(variants: Iterable[str]) -> set[Name]:
    """The lexicon's names from the package's name variants."""
    everyday = frequent_words(EVERYDAY_RANK)
    names: set[Name] = set()
    for variant in variants:
        name = tuple(tokenize(variant))
        if not name or len(name) > MAX_WORDS:
            continue
        if len(name) == 1 and (name[0] in everyday or len(name[0]) < 4):
            continue
        names.add(name)
    return names


def cache_file() -> Path:
    key = f"drug-ner-{package_version(PACKAGE)}-v{LEXICON_VERSION}-t{TOKENIZER_VERSION}"
    return (CACHE_ROOT / "drugs").expanduser() / f"{key}.txt"


def generics_file() -> Path:
    key = f"drug-generics-{package_version(PACKAGE)}-v{LEXICON_VERSION}-t{TOKENIZER_VERSION}"
    return (CACHE_ROOT / "drugs").expanduser() / f"{key}.txt"


def _dictionary() -> dict[str, Any]:
    from importlib.resources import files

    source = files("drug_named_entity_recognition") / "drug_ner_dictionary.pkl.bz2"
    # the package's own data file, installed from PyPI beside its code (as its import does)
    with bz2.open(str(source), "rb") as handle:
        return pickle.load(handle)


def _from_package() -> set[Name]:
    return names_from(_dictionary()["drug_variant_to_canonical"])


def generic_pairs(variant_to_canonical: Mapping[str, Iterable[str]]) -> set[Name]:
    """(name, generic word) for each one-word name of the package and each word of four letters
    or more of its canonical (generic) names that is not the name itself: ("reblozyl",
    "luspatercept"), ("reblozyl", "aamt"), ("vidaza", "azacitidine"). Not a word that many generic
    names share ("alfa", "sodium", "hydrochloride"): it names no one drug."""
    canonical_words = {c: tokenize(c) for cs in variant_to_canonical.values() for c in cs}
    shared = Counter(w for words in canonical_words.values() for w in set(words))
    pairs: set[Name] = set()
    for variant, canonicals in variant_to_canonical.items():
        name = tokenize(variant)
        if len(name) != 1:
            continue
        for canonical in canonicals:
            pairs.update((name[0], w) for w in canonical_words[canonical]
                         if len(w) >= MIN_UNKNOWN_LETTERS and w != name[0] and shared[w] <= SHARED_GENERIC_WORD)
    return pairs


@lru_cache(maxsize=1)
def generic_words() -> dict[str, frozenset[str]]:
    """A one-word drug name (a brand, a synonym) -> the words of its generic names: "reblozyl" ->
    {"luspatercept", "aamt"}. Evidence that speaks of the generic speaks of the brand. Empty
    without the package."""
    pairs = cached_names(generics_file(), lambda: generic_pairs(_dictionary()["drug_variant_to_canonical"]),
                         "generic-name", f"`pip install {PACKAGE}` (make install does)")
    out: dict[str, set[str]] = {}
    for pair in pairs:
        if len(pair) == 2:
            out.setdefault(pair[0], set()).add(pair[1])
    return {name: frozenset(words) for name, words in out.items()}


@lru_cache(maxsize=1)
def drug_lexicon() -> frozenset[Name]:
    """Every drug name; empty (the rule that uses them is off) without the package."""
    return cached_names(cache_file(), _from_package, "drug",
                        f"`pip install {PACKAGE}` (make install does)")


def unknown_drugs(tokens: Sequence[str], knows: Callable[[str], bool],
                  names: Iterable[Name] | None = None) -> list[str]:
    """The drug names in `tokens` that the corpus never uses: names none of whose words of at least
    four letters the corpus knows (`knows`), in order, each once. ("vitamin b12" is no gap when
    the corpus speaks of "vitamin", nor "hemoglobin h" of "hemoglobin".)"""
    found = find_names(tokens, drug_lexicon() if names is None else names, MAX_WORDS)
    out = []
    for name in found:
        words = [t for t in name if len(t) >= MIN_UNKNOWN_LETTERS]
        if words and not any(knows(t) for t in words):
            out.append(" ".join(name))
    return list(dict.fromkeys(out))


def main() -> None:
    """`python -m rag.abstention.drugs`: build the cached lexicon now (make install does)."""
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    log.warning("drug lexicon ready: %d names in %s", len(drug_lexicon()), cache_file())
    log.warning("generic names ready: %d drug names in %s", len(generic_words()), generics_file())


if __name__ == "__main__":
    main()
