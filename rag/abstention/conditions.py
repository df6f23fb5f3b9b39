"""Names of diseases and conditions, from ICD-10-CM, to find the condition a question is about.

The lexicon is read from the `simple-icd-10-cm` package (the ICD-10-CM tabular list it ships; no
download). Each disease code's description (chapters A-Q: diseases, neoplasms, pregnancy,
perinatal and congenital conditions; not symptoms, injuries, external causes or encounters) gives
its core name: the text before the first comma or qualifier ("with", "without", "due to", "in",
...), tokenised as the lexical index does, without generic heads (disease, disorder, syndrome,
unspecified ...), plus abbreviations the description gives in brackets ("[HIV]"):

    "Aplastic anemia, unspecified"          -> ("aplastic", "anemia")
    "Sickle-cell disorders"                 -> ("sickle", "cell")
    "Human immunodeficiency virus [HIV] disease" -> ("human", "immunodeficiency", "virus"), ("hiv",)
    "Secondary pulmonary arterial hypertension" -> that name, and ("pulmonary", "arterial", "hypertension")

A one-word name the packaged model's vocabulary has as a common English word ("pain", "cancer")
is left out: it names a symptom or a whole field more often than the subject of a question; so is
a bracketed word among the vocabulary's 5,000 most frequent ("[other]", "[Wells]" -> "well").
Building it takes about 1.5 s (the package parses its XML), so the names are cached in a text
file beside the ONNX exports, keyed by the package version.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from rag.abstention.lexicons import CACHE_ROOT, Name, cached_names, find_names, package_version
from rag.lexical import TOKENIZER_VERSION, tokenize
from rag.vocabulary import common_words, frequent_words

log = logging.getLogger(__name__)

MAX_WORDS = 5
DISEASE_CHAPTERS = re.compile(r"^[A-Q]")  # not R (symptoms), S-T (injuries), V-Y (causes), Z (encounters)
_QUALIFIER = re.compile(
    r",| with | without | due to | in | of other | of unspecified | associated with | following "
    r"| complicating | not elsewhere| nec\b| \(", re.IGNORECASE)
_PARENTHESISED = re.compile(r"\([^()]*\)")
_BRACKETED = re.compile(r"\[([A-Za-z][A-Za-z0-9 -]{0,15})\]")
GENERIC = frozenset("""
disease disorder syndrome condition unspecified other type state abnormality
""".split())
# Words that open many names and narrow a condition a question names without them ("secondary
# pulmonary arterial hypertension": a question asks about "pulmonary arterial hypertension"). A
# name so opened also counts without its first word, when two words or more remain.
NARROWING = frozenset("specified secondary primary idiopathic acquired".split())


def core_names(description: str) -> list[Name]:
    """The core name of one ICD-10-CM description, and any bracketed abbreviation; [] for none."""
    common = common_words()
    abbreviations = [tuple(tokenize(a)) for a in _BRACKETED.findall(description)]
    # "(hemorrhagic)" in "Essential (hemorrhagic) thrombocythemia" is a nonessential modifier:
    # left out, not the end of the name
    plain = re.sub(r"\s+", " ", _PARENTHESISED.sub(" ", _BRACKETED.sub(" ", description))).strip()
    head = _QUALIFIER.split(plain, maxsplit=1)[0]
    name = tuple(t for t in tokenize(head) if t not in GENERIC)
    # HIV, AIDS, chickenpox; not a bracketed everyday word ("[other]", "[Wells]", "[MEN]")
    everyday = frequent_words()
    names: list[Name] = [a for a in abbreviations if len(a) == 1 and len(a[0]) >= 3 and a[0] not in everyday]
    if name and len(name) <= MAX_WORDS and not (len(name) == 1 and (name[0] in common or len(name[0]) < 4)):
        names.append(name)
        if len(name) >= 3 and name[0] in NARROWING:
            names.append(name[1:])
    return names


LEXICON_VERSION = 4  # bump when core_names changes what it keeps


def cache_file() -> Path:
    """Keyed by the package's version, this module's rules and the tokeniser's, so a change to any
    of them builds a new file."""
    key = f"icd10cm-{package_version('simple-icd-10-cm')}-v{LEXICON_VERSION}-t{TOKENIZER_VERSION}"
    return (CACHE_ROOT / "conditions").expanduser() / f"{key}.txt"


def _from_package() -> set[Name]:
    with warnings.catch_warnings():  # it reads its data with importlib.resources' legacy API
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm as icd

        codes = icd.get_all_codes(with_dots=False)
    names: set[Name] = set()
    for code in codes:
        if DISEASE_CHAPTERS.match(code) and "-" not in code:  # codes, not chapter or block ranges
            names.update(core_names(icd.get_description(code)))
    return names


@lru_cache(maxsize=1)
def condition_names() -> frozenset[Name]:
    """Every core condition name; empty (the rule that uses them is off) without the package."""
    return cached_names(cache_file(), _from_package, "condition",
                        "`pip install simple-icd-10-cm` (make install does)")


def find_conditions(tokens: Sequence[str], names: Iterable[Name] | None = None) -> list[Name]:
    """The condition names in a token sequence, longest first at each position, left to right."""
    return find_names(tokens, condition_names() if names is None else names, MAX_WORDS)


def contains(tokens: Sequence[str], name: Name) -> bool:
    """Whether `name` occurs in `tokens` as a contiguous run."""
    n = len(name)
    return any(tuple(tokens[i : i + n]) == name for i in range(len(tokens) - n + 1))


def main() -> None:
    """`python -m rag.abstention.conditions`: build the cached lexicon now (make install does), not on the first ask."""
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    log.warning("condition lexicon ready: %d names in %s", len(condition_names()), cache_file())


if __name__ == "__main__":
    main()
