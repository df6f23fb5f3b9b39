"""The retrieval pipeline stage by stage: query texts, fusion (score and RRF), ranking and
diversity, filters, and one snapshot per question."""

from __future__ import annotations

import pytest

from ingest.sync import remove_documents
from rag.abbreviations import expand_query
from rag.answer import Answerer
from rag.lexical import LexicalIndex, LexicalView, tokenize
from rag.questions import (
    NECESSITY_SECTIONS,
    NECESSITY_TERMS,
    asks_for_a_judgement,
    intent_terms,
    is_necessity_question,
    question_part,
)
from rag.retrieve import (
    Legs,
    Retriever,
    diversify,
    follow,
    fuse,
    lexical_view,
    query_texts,
    rank,
    rrf,
    score_fusion,
)
from rag.settings import RetrievalSettings
from rag.types import Chunk, Filters

pytestmark = pytest.mark.unit

ABBREVIATIONS = {"MDS": "myelodysplastic syndromes"}
NECESSITY = "Is luspatercept medically necessary for MDS?"


def chunk(cid: str, doc: str, section: str | None = None) -> Chunk:
    return Chunk(chunk_id=cid, doc_id=doc, text=f"text of {cid}", title=doc, char_start=0,
                 char_end=10, ordinal=0, section=section)


# ---------------------------------------------------------------- 1. query texts
def test_query_texts_expand_abbreviations_and_add_intent_only_for_necessity_questions():
    cfg = RetrievalSettings(intent_in_dense=True, intent_in_lexical=True)
    plain = query_texts("What is the dose in MDS?", ABBREVIATIONS, cfg)
    assert plain.expanded == "What is the dose in MDS? (myelodysplastic syndromes)"
    assert plain.dense == plain.lexical == plain.expanded and not plain.intent

    necessity = query_texts(NECESSITY, ABBREVIATIONS, cfg)
    assert necessity.intent and necessity.expanded.endswith(NECESSITY_TERMS)
    assert necessity.dense == necessity.lexical == necessity.expanded


def test_by_default_implied_terms_join_the_bm25_text_of_judgement_questions_only():
    expanded = f"{NECESSITY} (myelodysplastic syndromes)"
    texts = query_texts(NECESSITY, ABBREVIATIONS, RetrievalSettings())
    assert texts.intent and texts.expanded == texts.lexical == f"{expanded} {NECESSITY_TERMS}"
    assert texts.dense == expanded

    dense_only = query_texts(NECESSITY, ABBREVIATIONS, RetrievalSettings(intent_in_dense=True, intent_in_lexical=False))
    assert dense_only.dense.endswith(NECESSITY_TERMS) and dense_only.lexical == expanded
    boost_only = query_texts(NECESSITY, ABBREVIATIONS, RetrievalSettings(intent_in_lexical=False))
    assert boost_only.intent and boost_only.dense == boost_only.lexical == expanded
    assert boost_only.expanded.endswith(NECESSITY_TERMS)  # the extractive answer still weighs them


def test_a_wh_question_about_a_document_keeps_the_boost_but_not_the_implied_terms():
    question = "What does the coverage answer say about MDS?"  # 'coverage': necessity wording
    texts = query_texts(question, ABBREVIATIONS, RetrievalSettings())
    assert texts.intent  # criteria-like sections are still boosted
    assert NECESSITY_TERMS not in texts.expanded and NECESSITY_TERMS not in texts.lexical
    every = query_texts(question, ABBREVIATIONS, RetrievalSettings(intent_questions="all"))
    assert every.lexical.endswith(NECESSITY_TERMS)
    off = query_texts(question, ABBREVIATIONS, RetrievalSettings(intent_terms=False))
    assert not off.intent and NECESSITY_TERMS not in off.expanded


@pytest.mark.parametrize(("question", "judgement"), [
    ("Is luspatercept medically necessary for MDS?", True),
    ("A 58-year-old with MDS and 12% blasts. Is luspatercept medically necessary?", True),
    ("PA request: Dupixent for a 7-year-old with atopic dermatitis", True),
    ("Is it covered? What is missing?", True),  # one yes/no question is enough
    ("What does the coverage answer say the NCCN guidelines recommend?", False),
    ("According to the review, when should ESA therapy start?", False),
    ("Which patients meet the criteria?", False),
])
def test_judgement_questions_are_told_from_wh_questions(question, judgement):
    assert asks_for_a_judgement(question) is judgement
    assert bool(intent_terms(question)) is (judgement and is_necessity_question(question))
    assert bool(intent_terms(question, judgements_only=False)) is is_necessity_question(question)


@pytest.mark.parametrize(("question", "part"), [
    ("What is the starting dose of luspatercept?", "What is the starting dose of luspatercept?"),
    ("PA vignette: 68-year-old with MDS, Hb 7.4, platelets 57,000. Is luspatercept medically necessary?",
     "Is luspatercept medically necessary?"),
    ("A 58-year-old with MDS. Is luspatercept covered? What is missing?",
     "Is luspatercept covered? What is missing?"),
    # a request (no '?'), or an ask too short to stand alone: the whole question
    ("PA request: Dupixent for a 7-year-old. Atopic dermatitis since age 2",
     "PA request: Dupixent for a 7-year-old. Atopic dermatitis since age 2"),
    ("A 58-year-old with MDS on luspatercept. Is it covered?",
     "A 58-year-old with MDS on luspatercept. Is it covered?"),
])
def test_the_question_part_leaves_out_the_case_a_vignette_describes(question, part):
    assert question_part(question) == part


def test_each_leg_can_search_its_own_text():
    cfg = RetrievalSettings(expand_dense=False, intent_terms=False)
    texts = query_texts(NECESSITY, ABBREVIATIONS, cfg)
    assert texts.dense == NECESSITY
    assert texts.lexical == texts.expanded == f"{NECESSITY} (myelodysplastic syndromes)"
    assert not texts.intent


# ---------------------------------------------------------------- 3. fusion
def test_min_max_score_fusion_weights_normalised_legs_and_missing_items_count_as_the_minimum():
    dense = {"a": 0.9, "b": 0.5, "c": 0.1}
    lexical = {"b": 12.0, "d": 2.0}
    fused = score_fusion([dense, lexical], [0.8, 1.2])
    assert fused == pytest.approx({"a": 0.8, "b": 0.4 + 1.2, "c": 0.0, "d": 0.0})


def test_a_leg_whose_candidates_tie_gives_them_all_full_weight():
    assert score_fusion([{"a": 3.0, "b": 3.0}, {}], [1.0, 1.0]) == {"a": 1.0, "b": 1.0}


def test_z_score_fusion_uses_standard_scores_and_the_leg_floor_for_missing_items():
    fused = score_fusion([{"a": 3.0, "b": 1.0}, {"b": 5.0, "c": 1.0}], [1.0, 1.0], norm="zscore")
    # each leg: mean of two values, population std 1 (leg 1) and 2 (leg 2): scores +1 and -1;
    # "c" missed leg 1 (floor -1), "a" missed leg 2 (floor -1)
    assert fused == pytest.approx({"a": 1.0 - 1.0, "b": -1.0 + 1.0, "c": -1.0})


def test_rrf_sums_weighted_reciprocal_ranks():
    assert rrf([["a", "b"], ["b"]], k=60) == pytest.approx({"a": 1 / 61, "b": 1 / 62 + 1 / 61})
    weighted = rrf([["a", "b"], ["b"]], k=60, weights=[0.5, 1.0])
    assert weighted == pytest.approx({"a": 0.5 / 61, "b": 0.5 / 62 + 1 / 61})


def test_criteria_sections_are_boosted_in_score_fusion_and_get_a_third_ranking_in_rrf():
    legs = Legs(dense={"a": 0.9, "b": 0.8}, lexical={"a": 5.0, "b": 4.0},
                chunks={"a": chunk("a", "A"), "b": chunk("b", "B", "Coverage Criteria")})
    score = fuse(legs, RetrievalSettings(section_boost=0.2), boosted={"b"})
    plain = fuse(legs, RetrievalSettings(), boosted=set())
    assert score["b"] == pytest.approx(plain["b"] + 0.2) and score["a"] == plain["a"]

    cfg = RetrievalSettings(fusion="rrf")
    with_boost = fuse(legs, cfg, boosted={"b"})
    without = fuse(legs, cfg, boosted=set())
    assert with_boost["b"] == pytest.approx(without["b"] + 1 / 61)  # first of the criteria ranking
    assert with_boost["a"] == without["a"]


# ---------------------------------------------------------------- 4. ranking and diversity
def test_soft_diversity_prefers_other_documents_unless_clearly_weaker():
    ranked = ["a1", "a2", "a3", "b1", "c1"]
    doc_of = {"a1": "A", "a2": "A", "a3": "A", "b1": "B", "c1": "C"}
    close = {"a1": 1.0, "a2": 0.99, "a3": 0.98, "b1": 0.95, "c1": 0.5}
    assert diversify(ranked, close, doc_of, 3, 0.9, 8) == ["a1", "b1", "a2"]  # B is competitive
    assert diversify(ranked, close, doc_of, 5, 0.9, 2) == ["a1", "b1", "a2", "c1", "a3"]  # hard cap
    assert diversify(ranked, close, doc_of, 4, 1.0, 8) == ["a1", "a2", "a3", "b1"]  # decay 1: rank order


def test_rank_caps_one_document_and_without_a_cap_keeps_score_order():
    chunks = {c: chunk(c, c[0].upper()) for c in ("a1", "a2", "a3", "b1")}
    fused = {"a1": 0.9, "a2": 0.8, "a3": 0.7, "b1": 0.1}
    assert rank(fused, chunks, RetrievalSettings(max_per_doc=2), 3) == ["a1", "a2", "b1"]
    assert rank(fused, chunks, RetrievalSettings(max_per_doc=100), 3) == ["a1", "a2", "a3"]
    fused["b1"] = 0.9  # ties break by chunk id
    assert rank(fused, chunks, RetrievalSettings(max_per_doc=100), 2) == ["a1", "b1"]


# ---------------------------------------------------------------- the whole retriever
def test_filters_restrict_both_legs(fake_index):
    doc = "luspatercept-drug-information"
    hits = Retriever(fake_index).retrieve("luspatercept dose", filters=Filters(doc_ids=[doc])).hits
    assert hits and {h.chunk.doc_id for h in hits} == {doc}
    typed = Retriever(fake_index).retrieve("luspatercept", filters=Filters(doc_types=["abstract"])).hits
    assert typed and {h.chunk.doc_type for h in typed} == {"abstract"}


def test_settings_reach_every_stage(fake_index):
    question = "What is the recommended starting dose of luspatercept for MDS?"
    default = Retriever(fake_index).retrieve(question, top_k=10)
    rrf_run = Retriever(fake_index, RetrievalSettings(fusion="rrf", max_per_doc=1)).retrieve(question, top_k=10)
    assert [h.score for h in default.hits] != [h.score for h in rrf_run.hits]
    docs = [h.chunk.doc_id for h in rrf_run.hits]
    assert len(docs[:5]) == len(set(docs[:5]))  # one chunk per document while others remain


def test_lexical_settings_reach_the_bm25_leg(fake_index):
    question = "What should a patient do after missing a dose of luspatercept?"
    lexical = fake_index.snapshot().lexical
    chunks = Retriever(fake_index).retrieve(question, top_k=10)
    cfg = RetrievalSettings(lexical_unit="window", window_sentences=2, window_second_share=0.5)
    windows = Retriever(fake_index, cfg).retrieve(question, top_k=10)
    view = lexical_view(cfg)
    assert view in lexical._views  # built for this search, on first use
    expected = dict(lexical.search(tokenize(expand_query(question, lexical.abbreviations)), 40,
                                   view=view, second_share=0.5))
    assert {h.chunk.chunk_id: h.lexical for h in windows.hits if h.lexical is not None} == {
        h.chunk.chunk_id: pytest.approx(expected[h.chunk.chunk_id]) for h in windows.hits if h.lexical is not None}
    assert [h.lexical for h in windows.hits] != [h.lexical for h in chunks.hits]

    weighted = Retriever(fake_index, RetrievalSettings(title_weight=0, section_weight=3, source_weight=1))
    assert LexicalView(title_weight=0, section_weight=3, source_weight=1) not in lexical._views
    weighted.retrieve(question)
    assert LexicalView(title_weight=0, section_weight=3, source_weight=1) in lexical._views


def test_a_misspelt_word_is_searched_as_the_corpus_spells_it(fake_index):
    lexical = fake_index.snapshot().lexical
    assert lexical.knows("subcutaneously") and not lexical.knows("subcutanously")
    typo = Retriever(fake_index).retrieve("Is luspatercept given subcutanously?", top_k=10)
    right = Retriever(fake_index).retrieve("Is luspatercept given subcutaneously?", top_k=10)
    assert typo.query_terms == right.query_terms == ["luspatercept", "given", "subcutaneously"]
    assert typo.query == right.query == typo.question.replace("subcutanously", "subcutaneously")
    assert (typo.question, right.question) == ("Is luspatercept given subcutanously?", right.query)
    answer = Answerer(fake_index).ask("Is luspatercept given subcutanously?", mode="extractive")
    assert answer.question == "Is luspatercept given subcutanously?"  # the answer and audit keep what was asked
    best = max((h for h in right.hits if h.lexical), key=lambda h: h.lexical)
    found = {h.chunk.chunk_id: h.lexical for h in typo.hits}
    assert found.get(best.chunk.chunk_id) == pytest.approx(best.lexical)  # the BM25 leg searched it too


def test_continuations_follow_the_passage_they_continue():
    nxt = {"a": "a2", "b": "b2", "a2": "a3"}.get
    assert follow(["a", "x", "b", "a2"], 1, nxt) == (["a", "a2", "x", "b"], {"a2": "a"})  # moved up
    # brought in; only the best n as ranked bring one (no chains: "a2" brings no "a3")
    assert follow(["a", "x", "b"], 3, nxt) == (["a", "a2", "x", "b", "b2"], {"a2": "a", "b2": "b"})
    assert follow(["a2", "a"], 2, nxt) == (["a2", "a3", "a"], {"a3": "a2"})  # already above it: stays
    assert follow(["x", "y"], 2, nxt) == (["x", "y"], {})  # nothing continues them
    assert follow(["a", "x", "b"], 3, nxt, room=lambda cid, n: cid != "a") == (["a", "x", "b", "b2"], {"b2": "b"})


def test_the_lexical_index_knows_which_chunk_continues_a_section():
    def part(cid: str, doc: str, ordinal: int, section: str) -> Chunk:
        return Chunk(chunk_id=cid, doc_id=doc, text=f"text of {cid}", title=doc, char_start=0, char_end=10,
                     ordinal=ordinal, section=section)
    lexical = LexicalIndex()
    lexical.replace_documents([], [
        part("m1", "label", 0, "12.1 Mechanism"), part("m2", "label", 1, "12.1 Mechanism"),
        part("p1", "label", 2, "12.2 Pharmacodynamics"), part("o1", "other", 1, "12.1 Mechanism")])
    lexical.rebuild("v1")
    continued = [lexical.continuation(c) for c in ("m1", "m2", "p1", "o1", "zz")]
    assert continued == ["m2", None, None, None, None]  # not across sections, documents or unknown ids


def test_the_best_passages_bring_their_continuation_from_the_store(fake_index):
    question = "What is the recommended starting dose of luspatercept for MDS?"
    plain = Retriever(fake_index, RetrievalSettings(continuations=0)).retrieve(question, top_k=10).hits
    lexical = fake_index.snapshot().lexical
    followed = Retriever(fake_index, RetrievalSettings(continuations=2)).retrieve(question, top_k=10).hits
    ids = [h.chunk.chunk_id for h in followed]
    for i, best in enumerate(plain[:2]):
        nxt = lexical.continuation(best.chunk.chunk_id)
        if nxt is None or nxt in [h.chunk.chunk_id for h in plain[:i]]:
            continue
        at = ids.index(best.chunk.chunk_id)
        assert ids[at + 1] == nxt or nxt in ids[:at]
    assert any(lexical.continuation(h.chunk.chunk_id) for h in plain[:2])  # the test saw one at least
    assert ids != [h.chunk.chunk_id for h in plain]
    scores = [h.score for h in followed]
    assert scores == sorted(scores, reverse=True)  # a continuation takes its passage's score
    few = Retriever(fake_index, RetrievalSettings(continuations=2)).retrieve(question, top_k=4).hits
    assert [h.chunk.chunk_id for h in few] == [h.chunk.chunk_id for h in plain[:4]]  # a small window: none


def test_necessity_questions_get_the_section_boost(fake_index):
    question = "Is luspatercept medically necessary for lower-risk MDS with ring sideroblasts?"
    boosted = Retriever(fake_index).retrieve(question, top_k=20)
    plain = Retriever(fake_index, RetrievalSettings(section_boost=0.0)).retrieve(question, top_k=20)
    criteria = [h for h in boosted.hits if NECESSITY_SECTIONS.search(h.chunk.section or "")]
    assert criteria
    before = {h.chunk.chunk_id: h.score for h in plain.hits}
    for hit in criteria:
        if hit.chunk.chunk_id in before:
            assert hit.score == pytest.approx(before[hit.chunk.chunk_id] + 0.2)


def test_an_answer_uses_the_snapshot_its_retrieval_saw(fake_index):
    answerer = Answerer(fake_index)
    retrieval = answerer.retrieve("What is the starting dose of luspatercept?")
    before = retrieval.snapshot
    remove_documents(fake_index, ["luspatercept-livertox-hepatotoxicity"])
    after = fake_index.snapshot()
    assert after.corpus_version != before.corpus_version and after.lexical is not before.lexical

    answer = answerer.answer(retrieval, mode="extractive")
    assert answer.corpus_version == before.corpus_version
    assert retrieval.snapshot is before  # word weights and known terms come from it, not from `after`
    assert retrieval.known_terms == frozenset(t for t in retrieval.query_terms if before.lexical.knows(t))


def test_a_question_splits_into_its_asks():
    from rag.questions import asks

    assert asks("What is the usual starting dose of luspatercept, how often is it repeated, and by what "
                "route is it given?") == ["What is the usual starting dose of luspatercept",
                                          "how often is it repeated", "by what route is it given"]
    assert asks("What is the starting dose of luspatercept?") == ["What is the starting dose of luspatercept?"]
    assert asks("Is luspatercept safe and effective in children?") == [
        "Is luspatercept safe and effective in children?"]
