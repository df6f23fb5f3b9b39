"""The lexical leg of retrieval: a BM25 index (bm25s) over the same chunks as the vector store.

Each chunk is kept as its tokens (title, section, then body sentence by sentence). A
:class:`LexicalView` says what one BM25 index counts as a document: the whole chunk, or every
window of a few consecutive sentences ("small-to-big": a chunk then scores by its best window,
plus a share of its second), and how often the title, section and source tokens count against
the body. The views in :data:`STORED_VIEWS` are built with the index and saved; any other is
built the first time it is searched and kept in memory. Document frequencies (`df`, `idf`) and
the abbreviations are always per chunk, whatever view retrieval uses.

It is persisted beside the store as one pickle, replaced by atomic rename, and records the
corpus version it was built for; ingestion rebuilds it whenever that differs from the manifest's.
The pickle is written and read only by GuideQA inside its own data directory.
"""

from __future__ import annotations

import logging
import math
import pickle
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np

from rag.abbreviations import find_definitions, vote
from rag.atomic import atomic_write_bytes
from rag.sentences import split_sentences
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


# Bump when tokenize() or what an entry stores changes: an index file written by another version
# is then ignored, and the next ingest rebuilds it from the chunk store.
# 4: entries keep their title / section token counts, sentence ends and source tokens (views).
# 5: entries keep their chunk's position and section (which chunk continues which).
TOKENIZER_VERSION = 5


def singular(token: str) -> str:
    """A token with its plural folded ('therapies' -> 'therapy', 'doses' -> 'dose')."""
    if len(token) <= 4 or not token.isalpha():
        return token
    if token.endswith("ies") and len(token) > 5:
        return token[:-3] + "y"  # therapies -> therapy
    if token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]  # doses -> dose
    return token


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens, stop words dropped, plurals folded ('therapies' -> 'therapy')."""
    return [singular(t) for t in _WORD.findall(text.lower()) if t not in STOPWORDS]


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def stems(tokens: list[str]) -> list[str]:
    """`tokenize`'s tokens reduced to their Snowball (Porter 2) English stems: 'dosing', 'dosed' and
    'doses' all give 'dose', 'continuing' and 'continue' 'continu'; 'medicaid' stays itself."""
    return list(_stemmer().stemWords(tokens))


def token_runs(text: str) -> list[list[str]]:
    """`tokenize`'s tokens in the runs that stop words separate, for matching phrases: "toxic to
    the liver" is two runs, so it never reads as "toxic liver"."""
    runs: list[list[str]] = [[]]
    for word in _WORD.findall(text.lower()):
        if word in STOPWORDS:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(singular(word))
    return [run for run in runs if run]


@dataclass(frozen=True)
class LexicalView:
    """What one BM25 index counts as a document, and how the chunk's fields weigh in it."""

    unit: Literal["chunk", "window"] = "chunk"
    window_sentences: int = 2  # window unit: sentences per window (every run of this many)
    title_weight: int = 1  # times the title's tokens count (0: not indexed)
    section_weight: int = 1  # times the section path's tokens count (0: not indexed)
    source_weight: int = 0  # times the document's source and type count (not in the embedding text)
    stem: bool = False  # tokens reduced to their Snowball English stems, the query's too


CHUNK_VIEW = LexicalView()  # every chunk's embedding text, as it is: the BM25 baseline
# The view RetrievalSettings' defaults search (tests/rag/test_lexical_windows.py keeps them equal).
DEFAULT_VIEW = LexicalView(title_weight=2, source_weight=1)
STORED_VIEWS: tuple[LexicalView, ...] = (CHUNK_VIEW, DEFAULT_VIEW)  # built at ingest and saved


@dataclass
class _Entry:
    doc_id: str
    doc_type: str
    tokens: list[str]  # all of the chunk's embedding text: title, section, then body
    definitions: list[tuple[str, str]] = field(default_factory=list)
    n_title: int = 0  # tokens[:n_title] are the title's
    n_section: int = 0  # the next n_section are the section path's
    sentence_ends: list[int] = field(default_factory=list)  # end of each body sentence in tokens
    source: list[str] = field(default_factory=list)  # the document's source and type (not in tokens)
    ordinal: int = -1  # the chunk's position in its document
    section: str = ""  # its section path

    @classmethod
    def of(cls, chunk: Chunk) -> _Entry:
        title, section = tokenize(chunk.title), tokenize(chunk.section or "")
        tokens, ends = title + section, []
        for start, end in split_sentences(chunk.text):
            words = tokenize(chunk.text[start:end])
            if words:
                tokens += words
                ends.append(len(tokens))
        kind = "" if chunk.doc_type == "other" else chunk.doc_type.replace("_", " ")
        source = tokenize(f"{chunk.source or ''} {kind}")
        return cls(chunk.doc_id, chunk.doc_type, tokens, find_definitions(chunk.text),
                   len(title), len(section), ends, source, chunk.ordinal, chunk.section or "")

    def documents(self, view: LexicalView) -> list[list[str]]:
        """This chunk's documents under `view`: one, or one per sentence window."""
        title = self.tokens[: self.n_title]
        section = self.tokens[self.n_title : self.n_title + self.n_section]
        head = title * view.title_weight + section * view.section_weight + self.source * view.source_weight
        body_start = self.n_title + self.n_section
        if view.unit == "chunk":
            documents = [head + self.tokens[body_start:]]
        elif not self.sentence_ends:
            documents = [head]
        else:
            starts = [body_start, *self.sentence_ends[:-1]]
            size = min(view.window_sentences, len(starts))
            documents = [head + self.tokens[starts[i] : self.sentence_ends[i + size - 1]]
                         for i in range(len(starts) - size + 1)]
        return [stems(d) for d in documents] if view.stem else documents


@dataclass
class _Built:
    """One view's BM25 index; for windows, each chunk's first window and count (in id order)."""

    bm25: Any
    starts: np.ndarray | None = None
    sizes: np.ndarray | None = None


def _bm25(documents: list[list[str]]) -> Any:
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets DEBUG on import
    bm25 = bm25s.BM25()
    bm25.index([d or ["<empty>"] for d in documents], show_progress=False)
    return bm25


@dataclass
class LexicalIndex:
    """BM25 over chunk ids; rebuilt from its token lists after every change."""

    corpus_version: str = ""
    entries: dict[str, _Entry] = field(default_factory=dict)
    abbreviations: dict[str, str] = field(default_factory=dict)
    df: dict[str, int] = field(default_factory=dict)  # chunks each term occurs in
    _ids: list[str] = field(default_factory=list)
    _views: dict[LexicalView, _Built] = field(default_factory=dict)
    _next: dict[str, str] | None = None  # chunk id -> the id of the chunk that continues its section
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    # ------------------------------------------------------------------ building
    def replace_documents(self, doc_ids: Iterable[str], chunks: Sequence[Chunk]) -> None:
        """Drop every entry of `doc_ids`, then add `chunks`. Call `rebuild()` afterwards."""
        gone = set(doc_ids)
        self.entries = {cid: e for cid, e in self.entries.items() if e.doc_id not in gone}
        for chunk in chunks:
            self.entries[chunk.chunk_id] = _Entry.of(chunk)

    def keep_only(self, chunk_ids: set[str]) -> None:
        self.entries = {cid: e for cid, e in self.entries.items() if cid in chunk_ids}

    def rebuild(self, corpus_version: str, views: Iterable[LexicalView] = STORED_VIEWS) -> None:
        """Recount the terms and build `views` now (any other view is built when first searched)."""
        self._ids = sorted(self.entries)
        self.corpus_version = corpus_version
        self.abbreviations = vote(d for e in self.entries.values() for d in e.definitions)
        df: Counter[str] = Counter()
        for entry in self.entries.values():
            df.update(set(entry.tokens))
        self.df = dict(df)
        self._views = {}
        self._next = None
        if self._ids:
            self._views = {view: self._build(view) for view in dict.fromkeys(views)}

    def _build(self, view: LexicalView) -> _Built:
        if view.unit == "chunk":
            return _Built(_bm25([self.entries[c].documents(view)[0] for c in self._ids]))
        documents: list[list[str]] = []
        sizes = []
        for cid in self._ids:
            windows = self.entries[cid].documents(view)
            documents += windows
            sizes.append(len(windows))
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
        return _Built(_bm25(documents), starts, np.array(sizes, dtype=np.int64))

    def view(self, view: LexicalView) -> _Built | None:
        """`view`'s BM25 index (built now if it was not stored); None for an empty index."""
        if not self._ids:
            return None
        built = self._views.get(view)
        if built is None:
            with self._lock:
                built = self._views.get(view)
                if built is None:
                    log.info("building the lexical view %s over %d chunks", view, len(self._ids))
                    built = self._views[view] = self._build(view)
        return built

    # ------------------------------------------------------------------ searching
    def search(
        self, query: str | list[str], k: int, filters: Filters | None = None,
        view: LexicalView = CHUNK_VIEW, second_share: float = 0.0,
    ) -> list[tuple[str, float]]:
        """The k best (chunk_id, BM25 score) pairs with a positive score, best first. Under a
        window view a chunk scores by its best window plus `second_share` of its second best."""
        tokens = tokenize(query) if isinstance(query, str) else query
        tokens = stems(tokens) if view.stem else tokens
        built = self.view(view)
        if built is None or not tokens or k <= 0:
            return []
        mask = self._mask(filters)
        k = min(k, len(self._ids))
        if built.starts is None:
            docs, scores = built.bm25.retrieve(
                [tokens], k=k, show_progress=False, weight_mask=mask, n_threads=1
            )
            return [
                (self._ids[int(i)], float(s)) for i, s in zip(docs[0], scores[0], strict=True) if s > 0
            ]
        chunk_scores = self._window_scores(built, tokens, second_share)
        if mask is not None:
            chunk_scores *= mask
        top = np.argsort(-chunk_scores, kind="stable")[:k]
        return [(self._ids[int(i)], float(chunk_scores[i])) for i in top if chunk_scores[i] > 0]

    def _window_scores(self, built: _Built, tokens: list[str], second_share: float) -> np.ndarray:
        """Per chunk (id order): its best window's score, plus `second_share` of its second."""
        assert built.starts is not None and built.sizes is not None
        ids = built.bm25.get_tokens_ids(tokens)
        if not ids:
            return np.zeros(len(self._ids), dtype=np.float64)
        scores = built.bm25.get_scores_from_ids(ids).astype(np.float64)
        best = np.maximum.reduceat(scores, built.starts)
        if second_share <= 0:
            return best
        position = np.arange(len(scores))
        owner = np.repeat(np.arange(len(self._ids)), built.sizes)
        first_best = np.minimum.reduceat(np.where(scores == best[owner], position, len(scores)), built.starts)
        rest = scores.copy()
        rest[first_best] = 0.0
        second = np.where(built.sizes > 1, np.maximum.reduceat(rest, built.starts), 0.0)
        return best + second_share * second

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

    def continuation(self, chunk_id: str) -> str | None:
        """The id of the chunk that continues `chunk_id`'s text: the next one of its document, in
        the same section. None at a section's end, or for a chunk this index does not hold."""
        if self._next is None:
            at = {(e.doc_id, e.ordinal): (cid, e.section) for cid, e in self.entries.items() if e.ordinal >= 0}
            following = {key: at.get((key[0], key[1] + 1)) for key in at}
            self._next = {at[key][0]: nxt[0] for key, nxt in following.items()  # built whole, then shared
                          if nxt is not None and nxt[1] == at[key][1]}
        return self._next.get(chunk_id)

    def knows(self, term: str) -> bool:
        return term in self.df

    def idf(self, term: str) -> float:
        """Smoothed inverse document frequency; unknown terms get the rarest weight."""
        n = max(1, len(self._ids))
        return math.log(1.0 + (n - self.df.get(term, 0) + 0.5) / (self.df.get(term, 0) + 0.5))

    # ------------------------------------------------------------------ persistence
    def save(self, data_dir: Path) -> None:
        """Write the index with its STORED_VIEWS (views built for a search stay in memory)."""
        views = {v: built for v, built in self._views.items() if v in STORED_VIEWS}
        state = {"tokenizer": TOKENIZER_VERSION, "corpus_version": self.corpus_version, "entries": self.entries,
                 "ids": self._ids, "views": views, "abbreviations": self.abbreviations, "df": self.df}
        atomic_write_bytes(data_dir / LEXICAL_FILE, pickle.dumps(state, protocol=5))

    @classmethod
    def load(cls, data_dir: Path) -> LexicalIndex:
        """The saved index; an empty one (rebuilt by the next ingest) when the file is missing,
        damaged or written by another version."""
        path = data_dir / LEXICAL_FILE
        if not path.exists():
            return cls()
        try:
            state = pickle.loads(path.read_bytes())  # our own file, see module doc
            if not isinstance(state, dict) or state.get("tokenizer") != TOKENIZER_VERSION:
                log.warning("lexical index %s was written by another version; the next `guideqa ingest` "
                            "rebuilds it (until then the BM25 leg is empty)", path)
                return cls()
            index = cls(corpus_version=state["corpus_version"], entries=state["entries"])
            index._ids, index._views = state["ids"], state["views"]
            index.abbreviations = state.get("abbreviations", {})
            index.df = state.get("df", {})
        except Exception as exc:  # a damaged index is rebuilt, never fatal
            log.warning("lexical index %s unreadable (%s); it will be rebuilt", path, exc)
            return cls()
        return index
