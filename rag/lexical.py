"""The lexical leg of retrieval: a BM25 index (bm25s) over the same chunks as the vector store.

It is persisted beside the store as one pickle, replaced by atomic rename, and records the
corpus version it was built for; ingestion rebuilds it whenever that differs from the manifest's.
The pickle is written and read only by GuideQA inside its own data directory.
"""

from __future__ import annotations

import logging
import math
import pickle
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rag.abbreviations import find_definitions, vote
from rag.atomic import atomic_write_bytes
from rag.types import Chunk, Filters

log = logging.getLogger(__name__)

LEXICAL_FILE = "lexical.pkl"
_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")
STOPWORDS = frozenset(
    "a an and are as at be been being but by can could did do does for from had has have how i if in "
    "into is it its may might must no not of on or our should so such than that the their them then "
    "there these they this those to was we were what when where which while who whom why will with "
    "would you your patient patients".split()
)


TOKENIZER_VERSION = 2  # bump when tokenize() changes: stored token lists are then rebuilt


def _singular(token: str) -> str:
    if len(token) <= 4 or not token.isalpha():
        return token
    if token.endswith("ies") and len(token) > 5:
        return token[:-3] + "y"  # therapies -> therapy
    if token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]  # doses -> dose
    return token


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens, stop words dropped, plurals folded ('therapies' -> 'therapy')."""
    return [_singular(t) for t in _WORD.findall(text.lower()) if t not in STOPWORDS]


@dataclass
class _Entry:
    doc_id: str
    doc_type: str
    tokens: list[str]
    definitions: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class LexicalIndex:
    """BM25 over chunk ids; rebuilt from its token lists after every change."""

    corpus_version: str = ""
    entries: dict[str, _Entry] = field(default_factory=dict)
    abbreviations: dict[str, str] = field(default_factory=dict)
    df: dict[str, int] = field(default_factory=dict)  # chunks each term occurs in
    _ids: list[str] = field(default_factory=list)
    _bm25: object | None = None

    # ------------------------------------------------------------------ building
    def replace_documents(self, doc_ids: Iterable[str], chunks: Sequence[Chunk]) -> None:
        """Drop every entry of `doc_ids`, then add `chunks`. Call `rebuild()` afterwards."""
        gone = set(doc_ids)
        self.entries = {cid: e for cid, e in self.entries.items() if e.doc_id not in gone}
        for chunk in chunks:
            self.entries[chunk.chunk_id] = _Entry(
                chunk.doc_id,
                chunk.doc_type,
                tokenize(chunk.embedding_text()),
                find_definitions(chunk.text),
            )

    def keep_only(self, chunk_ids: set[str]) -> None:
        self.entries = {cid: e for cid, e in self.entries.items() if cid in chunk_ids}

    def rebuild(self, corpus_version: str) -> None:
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets DEBUG on import

        self._ids = sorted(self.entries)
        self.corpus_version = corpus_version
        self.abbreviations = vote(d for e in self.entries.values() for d in e.definitions)
        df: Counter[str] = Counter()
        for entry in self.entries.values():
            df.update(set(entry.tokens))
        self.df = dict(df)
        if not self._ids:
            self._bm25 = None
            return
        bm25 = bm25s.BM25()
        bm25.index([self.entries[c].tokens or ["<empty>"] for c in self._ids], show_progress=False)
        self._bm25 = bm25

    # ------------------------------------------------------------------ searching
    def search(
        self, query: str | list[str], k: int, filters: Filters | None = None
    ) -> list[tuple[str, float]]:
        """The k best (chunk_id, BM25 score) pairs with a positive score, best first."""
        tokens = tokenize(query) if isinstance(query, str) else query
        if self._bm25 is None or not tokens or k <= 0:
            return []
        mask = self._mask(filters)
        k = min(k, len(self._ids))
        docs, scores = self._bm25.retrieve(  # type: ignore[attr-defined]
            [tokens], k=k, show_progress=False, weight_mask=mask, n_threads=1
        )
        return [
            (self._ids[int(i)], float(s)) for i, s in zip(docs[0], scores[0], strict=True) if s > 0
        ]

    def _mask(self, filters: Filters | None) -> np.ndarray | None:
        if filters is None or filters.is_empty():
            return None
        ids, types = set(filters.doc_ids or ()), set(filters.doc_types or ())
        return np.array(
            [
                (not ids or self.entries[c].doc_id in ids)
                and (not types or self.entries[c].doc_type in types)
                for c in self._ids
            ],
            dtype=np.float32,
        )

    def __len__(self) -> int:
        return len(self._ids)

    def knows(self, term: str) -> bool:
        return term in self.df

    def idf(self, term: str) -> float:
        """Smoothed inverse document frequency; unknown terms get the rarest weight."""
        n = max(1, len(self._ids))
        return math.log(1.0 + (n - self.df.get(term, 0) + 0.5) / (self.df.get(term, 0) + 0.5))

    # ------------------------------------------------------------------ persistence
    def save(self, data_dir: Path) -> None:
        state = {"tokenizer": TOKENIZER_VERSION, "corpus_version": self.corpus_version, "entries": self.entries,
                 "ids": self._ids, "bm25": self._bm25, "abbreviations": self.abbreviations, "df": self.df}
        atomic_write_bytes(data_dir / LEXICAL_FILE, pickle.dumps(state, protocol=5))

    @classmethod
    def load(cls, data_dir: Path) -> LexicalIndex:
        path = data_dir / LEXICAL_FILE
        if not path.exists():
            return cls()
        try:
            state = pickle.loads(path.read_bytes())  # our own file, see module doc
        except Exception as exc:  # a damaged index is rebuilt, never fatal
            log.warning("lexical index %s unreadable (%s); it will be rebuilt", path, exc)
            return cls()
        if state.get("tokenizer") != TOKENIZER_VERSION:
            log.warning("lexical index %s was built by another tokenizer; it will be rebuilt", path)
            return cls()
        index = cls(corpus_version=state["corpus_version"], entries=state["entries"])
        index._ids, index._bm25 = state["ids"], state["bm25"]
        index.abbreviations = state.get("abbreviations", {})
        index.df = state.get("df", {})
        return index
