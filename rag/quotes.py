"""Quotes: the statement sentences of a chunk that an answer may cite, and their vectors.

A quote is a sentence of a chunk that states something (not a heading, a question or a fragment),
a list's lead-in ("... is approved to treat:") together with the items under it. The extractive
answer cites quotes; to rank them by meaning as well as by words, every quote gets a vector at
ingest, from its chunk's own model run (late pooling, see `embed_chunks`), stored beside the
chunk (`ChunkStore.add_quotes`); at answer time the question's vector is compared with the stored
ones, so the model never runs on the candidate sentences of a question. An index built before
quotes were stored still answers: a passage's quotes are computed when it is first quoted, and
`guideqa ingest` stores them for good (the pipeline version changed).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rag.embeddings import Embedder, ProgressFn, Span
from rag.sentences import split_sentences
from rag.store import ChunkStore, QuoteVectors
from rag.types import Chunk

LIST_QUOTE_CHARS = 500
_LIST_ITEM = re.compile(r"\s*(?:[-*•◦▪–]|\d{1,2}[.)]|\(?[a-z]\))\s+")


def is_statement(text: str, section: str | None) -> bool:
    """Evidence is a statement: not a heading, not a question, not a fragment."""
    words = text.split()
    if len(text) < 25 or len(words) < 4 or text.endswith("?"):
        return False
    if section and text.strip("#*: ").lower() == section.split(" > ")[-1].strip("#*: ").lower():
        return False
    return not (len(words) <= 10 and text[-1].isalnum() and "\n" not in text and text.istitle())


LEAD_IN_CHARS = 100  # a longer line ending in ':' is a sentence, not a list's lead-in


def lead_in(text: str, start: int) -> str:
    """The lead-in line (with a newline) of the list whose item starts at `start` in `text`
    ("**For beta-thalassemia:**" above "* **Initial dose:** 1 mg/kg every 3 weeks."), else "":
    what the item is about, which a reader of the item alone cannot tell."""
    lines = text[:start].split("\n")
    if not _LIST_ITEM.match(lines[-1] + text[start:].split("\n", 1)[0]):
        return ""
    for line in reversed(lines[:-1]):
        if not line.strip() or _LIST_ITEM.match(line):
            continue
        plain = line.strip().strip("*").strip()
        return plain + "\n" if plain.endswith(":") and len(plain) <= LEAD_IN_CHARS else ""
    return ""


def with_lists(text: str, spans: list[Span]) -> list[Span]:
    """The sentences, a lead-in ("... is approved to treat:") quoted with the list items that
    follow it (up to LIST_QUOTE_CHARS), since alone it answers nothing."""
    out = []
    for i, (start, end) in enumerate(spans):
        if text[start:end].rstrip().endswith(":"):
            j = i + 1
            while j < len(spans) and _LIST_ITEM.match(text[spans[j][0]:spans[j][1]]) \
                    and spans[j][1] - start <= LIST_QUOTE_CHARS:
                end, j = spans[j][1], j + 1
        out.append((start, end))
    return out


def quote_spans(chunk: Chunk) -> list[Span]:
    """The character spans (in `chunk.text`) of the chunk's quotes, in reading order."""
    return [(start, end) for start, end in with_lists(chunk.text, split_sentences(chunk.text))
            if is_statement(chunk.text[start:end].strip(), chunk.section)]


def quote_text(chunk: Chunk, span: Span) -> str:
    return chunk.text[span[0]:span[1]].strip()


@dataclass(frozen=True)
class EmbeddedChunks:
    vectors: np.ndarray  # one per chunk, of its embedding text, in the order given
    quotes: list[QuoteVectors]  # one per chunk

    @property
    def n_quotes(self) -> int:
        return sum(len(q.spans) for q in self.quotes)


def embed_chunks(chunks: Sequence[Chunk], embedder: Embedder, *, batch_size: int = 1, parallel: int = 1,
                 progress: ProgressFn | None = None) -> EmbeddedChunks:
    """Each chunk's vector and its quotes' vectors. With the ONNX backends the quotes are pooled
    from the chunk's own run (`Embedder.embed_with_spans`: late pooling, so a quote is read with
    its title, section and neighbours, and costs no model run); others embed each quote alone."""
    texts = [c.embedding_text() for c in chunks]
    spans = [quote_spans(c) for c in chunks]
    shifted = [[(s + len(t) - len(c.text), e + len(t) - len(c.text)) for s, e in ss]
               for c, t, ss in zip(chunks, texts, spans, strict=True)]  # the chunk text ends its embedding text
    vectors, quote_vectors = embedder.embed_with_spans(texts, shifted, batch_size=batch_size,
                                                       parallel=parallel, progress=progress)
    return EmbeddedChunks(vectors, [QuoteVectors(c.chunk_id, tuple(ss), qv)
                                    for c, ss, qv in zip(chunks, spans, quote_vectors, strict=True)])


def quote_similarity(store: ChunkStore, embedder: Embedder, question: str,
                     chunks: Sequence[Chunk]) -> dict[tuple[str, Span], float]:
    """Cosine similarity of the question to each quote of `chunks`, keyed by (chunk id, span).
    Stored vectors are used where their spans still match the chunk's quotes; the rest (an
    index built before quotes were stored) are embedded now."""
    spans = {c.chunk_id: quote_spans(c) for c in chunks}
    stored = store.quotes(list(spans), [len(s) for s in spans.values()])
    have: dict[tuple[str, Span], np.ndarray] = {}
    missing: list[Chunk] = []
    for chunk in chunks:
        found = stored.get(chunk.chunk_id)
        if found is None or list(found.spans) != spans[chunk.chunk_id]:
            missing.append(chunk)
            continue
        have.update({(chunk.chunk_id, span): found.vectors[i] for i, span in enumerate(found.spans)})
    for fresh in embed_chunks(missing, embedder).quotes if missing else []:
        have.update({(fresh.chunk_id, span): fresh.vectors[i] for i, span in enumerate(fresh.spans)})
    if not have:
        return {}
    query = embedder.embed_query(question)
    keys = list(have)
    scores = np.stack([have[k] for k in keys]) @ query
    return {k: float(s) for k, s in zip(keys, scores, strict=True)}
