"""The four retrievers every benchmark compares, each as a ``(question, k) -> list[Hit]``.

- ``hybrid``: the project's :class:`rag.retrieve.Retriever` (dense + BM25 fused as the settings
  say, abbreviation expansion, diversity);
- ``bm25``: the project's :class:`rag.lexical.LexicalIndex` alone, over the same chunks;
- ``dense``: the project's chunk store (Chroma) alone, same chunks, same embedder;
- ``langchain``: the naive LangChain recipe: ``RecursiveCharacterTextSplitter(1000, 200)`` over
  the raw text of each document (one text per PDF page, as ``PyPDFLoader`` gives), the same
  embedder, dense top-k by brute-force cosine.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from evals.benchmarks.common import Hit, SearchFn
from rag.embeddings import Embedder
from rag.index import Index
from rag.retrieve import Retriever
from rag.settings import RetrievalSettings
from rag.types import Chunk

log = logging.getLogger(__name__)

NAIVE_CHUNK_SIZE = 1000
NAIVE_CHUNK_OVERLAP = 200


def _hit(chunk: Chunk, score: float) -> Hit:
    return Hit(chunk.chunk_id, chunk.doc_id, chunk.text, chunk.ordinal, score, chunk)


def hybrid_search(index: Index, settings: RetrievalSettings | None = None) -> SearchFn:
    retriever = Retriever(index, settings)

    def search(question: str, k: int) -> list[Hit]:
        return [_hit(h.chunk, h.score) for h in retriever.retrieve(question, k).hits]

    return search


def bm25_search(index: Index) -> SearchFn:
    def search(question: str, k: int) -> list[Hit]:
        found = index.snapshot().lexical.search(question, k)
        chunks = {c.chunk_id: c for c in index.store.get([cid for cid, _ in found])}
        return [_hit(chunks[cid], s) for cid, s in found if cid in chunks]

    return search


def dense_search(index: Index) -> SearchFn:
    def search(question: str, k: int) -> list[Hit]:
        vector = index.embedder.embed_query(question)
        return [_hit(h.chunk, h.score) for h in index.store.query(vector, k)]

    return search


# ------------------------------------------------------------------------ naive LangChain
@dataclass(frozen=True)
class RawDoc:
    """A document's raw extracted text, as the naive recipe sees it: one string per page."""

    doc_id: str
    title: str
    pages: list[str]


def pdf_pages(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


class NaiveLangChain:
    """Split, embed, brute-force cosine: what a first LangChain RAG tutorial builds."""

    def __init__(self, embedder: Embedder, docs: list[RawDoc], cache_dir: Path | None = None,
                 batch_size: int = 32) -> None:
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(
            chunk_size=NAIVE_CHUNK_SIZE, chunk_overlap=NAIVE_CHUNK_OVERLAP
        )
        self.embedder = embedder
        self.chunks: list[Chunk] = []
        for doc in docs:
            ordinal, offset = 0, 0
            for page_no, page in enumerate(doc.pages, start=1):
                for piece in splitter.split_text(page):
                    key = f"{doc.doc_id}\0{ordinal}\0{piece}".encode()
                    cid = hashlib.sha256(key).hexdigest()[:24]
                    self.chunks.append(Chunk(
                        chunk_id=f"lc-{cid}", doc_id=doc.doc_id, text=piece, title=doc.title,
                        page_start=page_no, page_end=page_no, char_start=offset,
                        char_end=offset + len(piece), ordinal=ordinal,
                    ))
                    ordinal += 1
                    offset += len(piece)
        self.matrix = self._embed(cache_dir, batch_size)

    def _embed(self, cache_dir: Path | None, batch_size: int) -> np.ndarray:
        texts = [c.text for c in self.chunks]
        key = hashlib.sha256("\0".join([self.embedder.name, *texts]).encode()).hexdigest()[:16]
        path = cache_dir / f"langchain-{key}.npy" if cache_dir else None
        if path is not None and path.exists():
            return np.load(path)
        matrix = self.embedder.embed_documents(texts, batch_size=batch_size)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            np.save(path, matrix)
        return matrix

    def scored(self, question: str, k: int) -> list[tuple[Chunk, float]]:
        if not self.chunks:
            return []
        sims = self.matrix @ self.embedder.embed_query(question)
        k = min(k, len(sims))
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(self.chunks[i], float(sims[i])) for i in top]

    def search(self, question: str, k: int) -> list[Hit]:
        return [_hit(c, s) for c, s in self.scored(question, k)]


def standard_retrievers(index: Index, naive: NaiveLangChain,
                        extra: dict[str, SearchFn] | None = None) -> dict[str, SearchFn]:
    """The four compared in every run (plus any experimental variants), in table order."""
    out: dict[str, SearchFn] = {
        "hybrid": hybrid_search(index),
        "bm25": bm25_search(index),
        "dense": dense_search(index),
        "langchain": naive.search,
    }
    out.update(extra or {})
    return out

