"""One test suite for every ChunkStore backend: subclasses provide the `store` fixture."""

from __future__ import annotations

import numpy as np

from rag.embeddings import HashEmbedder
from rag.store import ChunkStore, QuoteVectors
from rag.types import Chunk, Filters

EMB = HashEmbedder(64)


def chunk(doc_id: str, ordinal: int, text: str, doc_type: str = "review", page: int | None = None) -> Chunk:
    return Chunk(
        chunk_id=f"{doc_id}-{ordinal}", doc_id=doc_id, text=text, title=f"Title {doc_id}",
        doc_type=doc_type, page_start=page, page_end=page, section="Dosage" if ordinal else None,
        char_start=ordinal * 100, char_end=ordinal * 100 + len(text), ordinal=ordinal,
    )


CHUNKS = [
    chunk("a", 0, "luspatercept starting dose 1 mg/kg every 3 weeks", page=1),
    chunk("a", 1, "dose escalation to 1.33 mg/kg then 1.75 mg/kg", page=2),
    chunk("b", 0, "azacitidine for higher-risk disease", doc_type="coverage_answer"),
    chunk("c", 0, "serum enzyme elevations were uncommon", doc_type="hepatotoxicity_monograph"),
]


def vectors(chunks: list[Chunk]) -> np.ndarray:
    return EMB.embed_batch([c.text for c in chunks])


class StoreContract:
    def fill(self, store: ChunkStore) -> None:
        store.add(CHUNKS, vectors(CHUNKS))

    def test_add_and_get_round_trip(self, store: ChunkStore) -> None:
        self.fill(store)
        got = store.get(["a-1", "missing", "a-0"])
        assert [c.chunk_id for c in got] == ["a-1", "a-0"]
        assert got[0] == CHUNKS[1]  # every field survives, None values included
        assert store.get(["b-0"])[0].page_start is None

    def test_upsert_is_idempotent(self, store: ChunkStore) -> None:
        self.fill(store)
        self.fill(store)
        assert store.count() == len(CHUNKS)
        assert store.ids() == sorted(c.chunk_id for c in CHUNKS)

    def test_ids_by_document_and_delete(self, store: ChunkStore) -> None:
        self.fill(store)
        assert store.ids("a") == ["a-0", "a-1"]
        store.delete(store.ids("a"))
        assert store.ids("a") == []
        assert store.count() == 2
        store.delete(["b-0", "not-there"])
        assert store.ids() == ["c-0"]

    def test_query_ranks_nearest_first(self, store: ChunkStore) -> None:
        self.fill(store)
        hits = store.query(EMB.embed_query("dose escalation to 1.33 mg/kg then 1.75 mg/kg"), k=2)
        assert hits[0].chunk.chunk_id == "a-1"
        assert hits[0].score > hits[1].score
        assert abs(hits[0].score - 1.0) < 1e-3

    def test_query_filters(self, store: ChunkStore) -> None:
        self.fill(store)
        q = EMB.embed_query("dose")
        by_type = store.query(q, k=10, filters=Filters(doc_types=["coverage_answer"]))
        assert [h.chunk.chunk_id for h in by_type] == ["b-0"]
        by_doc = store.query(q, k=10, filters=Filters(doc_ids=["a", "c"], doc_types=["review"]))
        assert sorted(h.chunk.chunk_id for h in by_doc) == ["a-0", "a-1"]

    def test_reset(self, store: ChunkStore) -> None:
        self.fill(store)
        store.reset()
        assert store.count() == 0
        self.fill(store)
        assert store.count() == 4

    def quotes(self, chunk: Chunk, n: int) -> QuoteVectors:
        spans = tuple((i * 10, i * 10 + 9) for i in range(n))
        return QuoteVectors(chunk.chunk_id, spans, EMB.embed_batch([f"{chunk.text} {i}" for i in range(n)]))

    def test_quotes_round_trip_in_span_order(self, store: ChunkStore) -> None:
        self.fill(store)
        a0, a1 = self.quotes(CHUNKS[0], 3), self.quotes(CHUNKS[1], 12)  # more than 10: "#10" sorts before "#2"
        store.add_quotes([a0, a1])
        for counts in (None, [12, 3, 2]):  # by chunk, or by id when the caller knows the counts
            got = store.quotes(["a-1", "a-0", "b-0"], counts)
            assert set(got) == {"a-0", "a-1"}  # b-0 has none stored
            for want in (a0, a1):
                assert got[want.chunk_id].spans == want.spans
                np.testing.assert_allclose(got[want.chunk_id].vectors, want.vectors, atol=1e-6)

    def test_adding_quotes_again_replaces_them_whole(self, store: ChunkStore) -> None:
        self.fill(store)
        store.add_quotes([self.quotes(CHUNKS[0], 4)])
        store.add_quotes([self.quotes(CHUNKS[0], 2)])
        assert len(store.quotes(["a-0"])["a-0"].spans) == 2

    def test_deleting_a_chunk_deletes_its_quotes_and_reset_drops_all(self, store: ChunkStore) -> None:
        self.fill(store)
        store.add_quotes([self.quotes(c, 2) for c in CHUNKS])
        store.delete(["a-0"])
        assert set(store.quotes([c.chunk_id for c in CHUNKS])) == {"a-1", "b-0", "c-0"}
        store.reset()
        assert store.quotes([c.chunk_id for c in CHUNKS]) == {}
