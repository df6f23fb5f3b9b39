"""Quotes (rag/quotes.py): the sentences an extractive answer may cite, embedded at ingest and
compared with the question at answer time; and the floors that choose among them
(rag/extractive.py). Sentences are verbatim from corpus/luspatercept-drug-information.md."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from rag.embeddings import HashEmbedder
from rag.extractive import (
    BROAD,
    BROAD_RERANKED,
    SHARP,
    SHARP_RERANKED,
    Candidate,
    above_floors,
    quote_policy,
    rerank_candidates,
    select,
)
from rag.index import Snapshot
from rag.lexical import LexicalIndex, tokenize
from rag.manifest import ManifestData
from rag.quotes import embed_chunks, quote_similarity, quote_spans, quote_text
from rag.retrieve import Retrieval, Retrieved
from rag.store import InMemoryStore
from rag.types import Chunk
from tests.rag.test_rerankers import Scripted

pytestmark = pytest.mark.unit

ROUTE = "Luspatercept is administered subcutaneously (under the skin)."
DOSE = "The initial dose is generally 1 mg/kg every three weeks."
VARIES = "Dosage varies based on the underlying condition and individual response."
LIST = ("Common side effects (>10%) may include:\n- dizziness, fatigue, headache\n"
        "- hypertension, abdominal pain\n")


class CountingEmbedder(HashEmbedder):
    def __init__(self) -> None:
        super().__init__(64)
        self.texts: list[str] = []

    def embed_batch(self, texts):
        self.texts.extend(texts)
        return super().embed_batch(texts)


def chunk(chunk_id: str, text: str, section: str | None = "Dosage") -> Chunk:
    return Chunk(chunk_id=chunk_id, doc_id="luspatercept-drug-information", text=text, title="Luspatercept",
                 doc_type="drug_label", section=section, char_start=0, char_end=len(text), ordinal=0)


def test_quote_spans_are_the_statements_with_list_items_under_their_lead_in():
    c = chunk("c1", f"Dosage\n\n{ROUTE}  {VARIES}  Is it safe?\n\n{LIST}")
    texts = [quote_text(c, s) for s in quote_spans(c)]
    assert texts[:2] == [ROUTE, VARIES]  # the heading and the question are not quotes
    assert texts[2].startswith("Common side effects") and texts[2].endswith("abdominal pain")
    assert texts[3:] == ["- dizziness, fatigue, headache", "- hypertension, abdominal pain"]  # also alone
    assert all(c.text[s:e].strip() == t for (s, e), t in zip(quote_spans(c), texts, strict=True))


def test_without_late_pooling_a_sentence_two_chunks_share_is_embedded_once():
    embedder = CountingEmbedder()
    a, b = chunk("a", f"{ROUTE}  {VARIES}"), chunk("b", f"{VARIES}  {DOSE}")
    done = embed_chunks([a, b], embedder)
    texts = [a.embedding_text(), b.embedding_text()]
    assert sorted(embedder.texts) == sorted([*texts, ROUTE, VARIES, DOSE]) and done.n_quotes == 4
    np.testing.assert_allclose(done.vectors, HashEmbedder(64).embed_batch(texts), atol=1e-6)
    by_chunk = {q.chunk_id: q for q in done.quotes}
    assert [quote_text(b, s) for s in by_chunk["b"].spans] == [VARIES, DOSE]
    np.testing.assert_allclose(by_chunk["a"].vectors[1], by_chunk["b"].vectors[0])  # the shared one
    np.testing.assert_allclose(by_chunk["b"].vectors[1], HashEmbedder(64).embed_query(DOSE), atol=1e-6)


def test_similarity_reads_stored_vectors_and_embeds_only_what_is_missing():
    store, embedder = InMemoryStore(), CountingEmbedder()
    stored, fresh = chunk("stored", f"{ROUTE}  {DOSE}"), chunk("fresh", f"{VARIES}  {DOSE}")
    store.add_quotes(embed_chunks([stored], embedder).quotes)
    embedder.texts.clear()
    sims = quote_similarity(store, embedder, "What is the starting dose?", [stored, fresh])
    # the missing chunk is run (here: it and its quotes alone), not the stored one
    assert sorted(embedder.texts[:-1]) == sorted([fresh.embedding_text(), VARIES, DOSE])
    assert embedder.texts[-1] == "What is the starting dose?"
    query = HashEmbedder(64).embed_query("What is the starting dose?")
    for c in (stored, fresh):
        for span in quote_spans(c):
            expected = float(HashEmbedder(64).embed_query(quote_text(c, span)) @ query)
            assert sims[(c.chunk_id, span)] == pytest.approx(expected, abs=1e-5)


def test_stored_quotes_whose_spans_no_longer_match_are_embedded_again():
    store, embedder = InMemoryStore(), CountingEmbedder()
    old = chunk("c", f"{ROUTE}  {DOSE}")
    store.add_quotes(embed_chunks([old], embedder).quotes)
    changed = chunk("c", f"{ROUTE}  {VARIES}  {DOSE}")  # same id, other sentences (another splitter)
    embedder.texts.clear()
    sims = quote_similarity(store, embedder, "route", [changed])
    assert set(sims) == {("c", s) for s in quote_spans(changed)}
    assert sorted(embedder.texts[:-1]) == sorted([changed.embedding_text(), ROUTE, VARIES, DOSE])


def cand(doc_id: str, score: float, start: int = 0) -> Candidate:
    return Candidate(source=1, doc_id=doc_id, start=start, end=start + 1, text=f"{doc_id} {start}",
                     tokens=frozenset({doc_id, str(start)}), score=score)


def test_the_sharp_policy_keeps_a_corroborating_document_and_drops_asides():
    doc_floor, floor = SHARP.doc_share_of_best, SHARP.share_of_doc_best
    best, near, far = 10.0, 10.0 * (doc_floor + 0.05), 10.0 * (doc_floor - 0.05)
    cands = [
        cand("label", best), cand("label", best * (floor + 0.05), 1),
        cand("label", best * (floor - 0.05), 2),  # an aside of the best document
        cand("review", near), cand("review", near * (floor - 0.05), 1),
        cand("abstract", far),  # a document that is nowhere near
    ]
    kept = {(c.doc_id, c.start) for c in above_floors(cands, SHARP)}
    assert kept == {("label", 0), ("label", 1), ("review", 0)}
    broad = {(c.doc_id, c.start) for c in above_floors(cands, BROAD)}  # one share of the best
    assert broad == {(c.doc_id, c.start) for c in cands if c.score >= BROAD.share_of_best * best}


def test_necessity_judgements_get_a_broad_policy_and_other_questions_a_sharp_one():
    mission = ("Is luspatercept medically necessary for a patient with MDS, Hb 7.4 and "
               "platelets 57,000 whose plan is azacitidine and then a transplant?")
    assert quote_policy(mission) is BROAD
    assert quote_policy("What is the starting dose of luspatercept?") is SHARP
    assert quote_policy("What is the starting dose of luspatercept?", reranked=True) is SHARP_RERANKED
    assert quote_policy(mission, reranked=True) is BROAD_RERANKED
    worded_like_one = "What serum EPO level does the medical necessity assessment require?"  # a wh-question
    assert quote_policy(worded_like_one) is BROAD
    assert quote_policy(worded_like_one, reranked=True) is SHARP_RERANKED
    assert BROAD.dense_weight == 0 < SHARP.dense_weight  # no quote vectors needed for the broad one


def test_a_sentence_that_a_chosen_quote_already_holds_is_not_quoted_again():
    item = "Pancytopenia with hemoglobin 7.4 and platelets 57,000 suggests higher-risk MDS"
    whole = f"The presentation requires careful risk stratification: {item}. More bullets follow here."
    cands = [Candidate(1, "d", 0, 9, whole, frozenset(tokenize(whole)), 3.0),
             Candidate(1, "d", 4, 9, item, frozenset(tokenize(item)), 2.9),
             Candidate(1, "d", 10, 12, "Azacitidine is standard", frozenset(tokenize("Azacitidine is standard")), 2.8)]
    assert len(cands[1].tokens) / len(cands[0].tokens) < 0.6  # not a near-duplicate by Jaccard
    chosen = select(cands, dataclasses.replace(SHARP, max_sentences=3))
    assert [c.start for c in chosen] == [0, 10]


def test_the_reranker_reads_the_best_sentences_with_their_heading_and_reorders_them():
    dose = chunk("c1", "The initial dose is generally 1 mg/kg every three weeks.")
    retrieval = Retrieval("q", "q", [Retrieved(dose, 1.0)], Snapshot(ManifestData(), LexicalIndex(), frozenset()))
    cands = [Candidate(1, "d", i, i + 1, f"s{i}", frozenset({f"s{i}"}), score) for i, score in
             enumerate([3.0, 2.0, 1.0, 0.5])]
    scripted = Scripted({"Luspatercept > Dosage\ns0": 0.0, "Luspatercept > Dosage\ns1": 4.0,
                         "Luspatercept > Dosage\ns2": -2.0})
    policy = dataclasses.replace(SHARP_RERANKED, rerank_pool=3)
    out = rerank_candidates(cands, retrieval, scripted, policy)
    assert [c.text for c in out] == ["s0", "s1", "s2"]  # the pool; s3 is dropped
    w = policy.rerank_weight
    assert [c.score for c in out] == pytest.approx(
        [0.05 + (1 - w) * 1.0 + w * (2 / 6), 0.05 + (1 - w) * 0.5 + w * 1.0, 0.05])
    assert scripted.calls == [("q", ["Luspatercept > Dosage\ns0", "Luspatercept > Dosage\ns1",
                                     "Luspatercept > Dosage\ns2"])]
    assert cands[0].score == 3.0  # the candidates themselves are not changed


def test_a_multi_part_question_is_read_ask_by_ask():
    dose = chunk("c1", "The initial dose is generally 1 mg/kg every three weeks.")
    retrieval = Retrieval("What is the dose, and how is it given?", "q", [Retrieved(dose, 1.0)],
                          Snapshot(ManifestData(), LexicalIndex(), frozenset()))
    cands = [Candidate(1, "d", i, i + 1, f"s{i}", frozenset({f"s{i}"}), score)
             for i, score in enumerate([2.0, 1.0, 0.0])]
    head = "Luspatercept > Dosage\n"
    by_query = {"What is the dose, and how is it given?": [3.0, 0.0, -1.0],  # the first ask dominates
                "What is the dose": [3.0, 0.0, -1.0], "how is it given": [-1.0, 5.0, 0.0]}

    class PerAsk(Scripted):
        def score(self, query, passages):
            self.calls.append((query, list(passages)))
            return by_query[query]

    reader = PerAsk({})
    out = rerank_candidates(cands, retrieval, reader, SHARP_RERANKED)
    assert [q for q, _ in reader.calls] == list(by_query)
    assert all(p == [head + "s0", head + "s1", head + "s2"] for _, p in reader.calls)
    w = SHARP_RERANKED.rerank_weight
    # s1 answers the second ask best: its relevance is 1, not the whole question's 0.25
    assert out[1].score == pytest.approx(0.05 + (1 - w) * 0.5 + w * 1.0)
    assert out[2].score == pytest.approx(0.05 + w * (1 / 6))  # its best: 'how is it given', 1/6


def test_the_reranker_reads_a_vignettes_question_part_not_the_case():
    dose = chunk("c1", "Luspatercept is NOT medically necessary at this time.")
    vignette = ("PA vignette: 68-year-old with MDS, Hb 7.4, platelets 57,000. "
                "Is luspatercept medically necessary per the assessment?")
    retrieval = Retrieval(vignette, vignette, [Retrieved(dose, 1.0)],
                          Snapshot(ManifestData(), LexicalIndex(), frozenset()))
    cands = [Candidate(1, "d", i, i + 1, f"s{i}", frozenset({f"s{i}"}), score) for i, score in enumerate([2.0, 1.0])]
    reader = Scripted({"Luspatercept > Dosage\ns0": 1.0, "Luspatercept > Dosage\ns1": 0.0})
    rerank_candidates(cands, retrieval, reader, SHARP_RERANKED)
    assert [q for q, _ in reader.calls] == ["Is luspatercept medically necessary per the assessment?"]
