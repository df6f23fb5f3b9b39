"""The lexical index's views: sentence windows mapped back to their chunks, a chunk scored by its
best window, field weights, per-chunk df/idf whatever the view, and old index files rebuilt."""

from __future__ import annotations

import pickle

import pytest

from ingest.sync import sync
from rag.embeddings import HashEmbedder
from rag.index import Index
from rag.lexical import (
    CHUNK_VIEW,
    DEFAULT_VIEW,
    LEXICAL_FILE,
    STORED_VIEWS,
    LexicalIndex,
    LexicalView,
    stems,
    tokenize,
)
from rag.retrieve import lexical_view
from rag.settings import RetrievalSettings
from rag.store import InMemoryStore
from rag.types import Chunk, Filters
from tests.conftest import CORPUS, make_settings

pytestmark = pytest.mark.unit

# "near": both query words in one sentence; "spread": the same words, four sentences apart
NEAR = ("Renal dosing needs an eGFR check. Filler about storage at room temperature. Vials are "
        "single use. Discard unused portions. Infusion takes one hour.")
SPREAD = ("Renal function matters for many drugs. Filler about storage at room temperature. Vials "
          "are single use. Discard unused portions. An eGFR value is recorded at baseline.")
WINDOW_1 = LexicalView("window", 1)


def chunk(cid: str, text: str, doc: str = "doc", *, title: str = "Label", section: str | None = None,
          doc_type: str = "other", source: str | None = None) -> Chunk:
    return Chunk(chunk_id=cid, doc_id=doc, text=text, title=title, section=section, doc_type=doc_type,
                 source=source, char_start=0, char_end=len(text), ordinal=0)


def build(*chunks: Chunk, views=STORED_VIEWS) -> LexicalIndex:
    index = LexicalIndex()
    index.replace_documents([], list(chunks))
    index.rebuild("v1", views)
    return index


def window_scores(index: LexicalIndex, view: LexicalView, query: str) -> dict[str, list[float]]:
    """Each chunk's windows' own BM25 scores (what its score is made from)."""
    built = index.view(view)
    assert built is not None and built.starts is not None and built.sizes is not None
    scores = built.bm25.get_scores_from_ids(built.bm25.get_tokens_ids(tokenize(query)))
    return {cid: sorted(scores[start : start + size].tolist(), reverse=True)
            for cid, start, size in zip(index._ids, built.starts, built.sizes, strict=True)}


# ---------------------------------------------------------------- entries and windows
def test_an_entry_keeps_the_embedding_text_tokens_and_where_each_sentence_ends():
    c = chunk("a", NEAR, section="Dosage > Renal")
    entry = build(c).entries["a"]
    assert entry.tokens == tokenize(c.embedding_text())  # df, idf, known terms: as before
    assert (entry.n_title, entry.n_section) == (1, 2)  # "label" | "dosage", "renal"
    assert len(entry.sentence_ends) == 5 and entry.sentence_ends[-1] == len(entry.tokens)
    assert entry.tokens[entry.n_title + entry.n_section : entry.sentence_ends[0]] == tokenize(
        "Renal dosing needs an eGFR check.")


def test_windows_of_n_sentences_slide_one_sentence_at_a_time_with_the_head_in_each():
    entry = build(chunk("a", "First one here. Second one here. Third one here.")).entries["a"]
    head = ["label"]
    assert entry.documents(LexicalView("window", 2)) == [
        head + ["first", "one", "here", "second", "one", "here"],
        head + ["second", "one", "here", "third", "one", "here"],
    ]
    assert entry.documents(LexicalView("window", 5)) == [entry.tokens]  # fewer sentences: one window
    assert entry.documents(CHUNK_VIEW) == [entry.tokens]
    empty = build(chunk("b", "the of and")).entries["b"]  # nothing but stop words
    assert empty.documents(WINDOW_1) == [head]


def test_window_indexing_maps_every_window_back_to_its_chunk():
    index = build(chunk("a", NEAR), chunk("b", SPREAD), chunk("c", "Only one sentence here."))
    built = index.view(LexicalView("window", 2))
    assert built is not None and built.starts is not None and built.sizes is not None
    assert index._ids == ["a", "b", "c"]
    assert built.sizes.tolist() == [4, 4, 1]  # 5 sentences -> 4 windows of 2; 1 sentence -> 1
    assert built.starts.tolist() == [0, 4, 8]
    found = index.search("storage temperature", 10, view=LexicalView("window", 2))
    assert sorted(cid for cid, _ in found) == ["a", "b"]  # chunk ids, each once


# ---------------------------------------------------------------- scoring
def test_a_chunk_scores_by_its_best_window():
    index = build(chunk("near", NEAR), chunk("spread", SPREAD), chunk("other", "Nothing relevant here."))
    by_window = dict(index.search("renal eGFR", 3, view=WINDOW_1))
    per_window = window_scores(index, WINDOW_1, "renal eGFR")
    assert by_window["near"] == pytest.approx(per_window["near"][0])
    assert by_window["spread"] == pytest.approx(per_window["spread"][0])
    assert by_window["near"] > by_window["spread"]  # both words in one sentence
    assert "other" not in by_window
    by_chunk = dict(index.search("renal eGFR", 3))  # whole chunks hardly tell them apart
    assert by_window["near"] / by_window["spread"] > 1.3 > by_chunk["near"] / by_chunk["spread"]


def test_the_second_best_window_adds_its_share():
    index = build(chunk("near", NEAR), chunk("spread", SPREAD))
    best, second = window_scores(index, WINDOW_1, "renal eGFR")["spread"][:2]
    scored = dict(index.search("renal eGFR", 2, view=WINDOW_1, second_share=0.5))
    assert scored["spread"] == pytest.approx(best + 0.5 * second) and second > 0
    single = build(chunk("one", "Renal eGFR."))  # one window: no second to add
    assert single.search("renal", 1, view=WINDOW_1, second_share=0.5) == single.search("renal", 1, view=WINDOW_1)


def test_window_search_honours_filters_and_k():
    index = build(chunk("a", NEAR, doc="label-a"), chunk("b", SPREAD, doc="label-b", doc_type="drug_label"))
    only_b = index.search("renal eGFR", 5, Filters(doc_ids=["label-b"]), view=WINDOW_1)
    assert [cid for cid, _ in only_b] == ["b"]
    assert [cid for cid, _ in index.search("renal", 5, Filters(doc_types=["drug_label"]), view=WINDOW_1)] == ["b"]
    assert len(index.search("renal eGFR", 1, view=WINDOW_1)) == 1
    assert index.search("zzzz unknown", 5, view=WINDOW_1) == []


# ---------------------------------------------------------------- stems
@pytest.mark.parametrize(("words", "stem"), [
    (["dosing", "dosed", "dose"], "dose"),
    (["continuing", "continue"], "continu"),
    (["medicaid"], "medicaid"),
])
def test_stems_are_snowball_english_stems_of_the_tokens(words, stem):
    assert stems(words) == [stem] * len(words)


def test_the_stem_view_matches_another_form_of_a_query_word():
    index = build(chunk("near", NEAR), chunk("other", "Dose the drug by weight."))
    assert [c for c, _ in index.search("dosed", 5)] == []  # no chunk has 'dosed' as it is
    found = dict(index.search("dosed", 5, view=LexicalView(stem=True)))
    assert set(found) == {"near", "other"}  # 'dosing' and 'dose' both stem to 'dose'
    assert found["other"] > found["near"]  # the shorter chunk, as BM25 weighs it


# ---------------------------------------------------------------- field weights
def test_field_weights_repeat_title_section_and_source_tokens():
    policy = chunk("p", "Approve when the criteria below are met.", title="Dupixent policy",
                   section="Coverage Criteria", doc_type="payer_policy", source="UnitedHealthcare")
    label = chunk("l", "Dupixent is injected under the skin.", doc="label", title="Dupixent label")
    index = build(policy, label)
    assert index.entries["p"].source == ["unitedhealthcare", "payer", "policy"]
    assert index.entries["l"].source == []  # doc type 'other' says nothing
    assert index.search("unitedhealthcare", 5) == []  # the source is not in the embedding text
    assert [c for c, _ in index.search("unitedhealthcare", 5, view=LexicalView(source_weight=1))] == ["p"]
    assert index.search("coverage", 5, view=LexicalView(section_weight=0)) == []
    once = dict(index.search("policy", 5))["p"]
    twice = dict(index.search("policy", 5, view=LexicalView(title_weight=2)))["p"]
    assert twice > once
    assert [c for c, _ in index.search("dupixent", 5, view=LexicalView(title_weight=0))] == ["l"]


def test_views_leave_df_idf_and_abbreviations_per_chunk():
    chunks = [chunk("a", NEAR + " Myelodysplastic syndromes (MDS) are rare."), chunk("b", SPREAD)]
    plain = build(*chunks)
    windowed = build(*chunks, views=(CHUNK_VIEW, WINDOW_1, LexicalView(title_weight=3)))
    assert windowed.df == plain.df and windowed.df["egfr"] == 2  # chunks, not windows
    assert windowed.idf("egfr") == plain.idf("egfr")
    assert windowed.abbreviations == plain.abbreviations == {"MDS": "myelodysplastic syndromes"}


# ---------------------------------------------------------------- settings and persistence
def test_the_retrieval_default_view_is_built_with_the_index():
    assert lexical_view(RetrievalSettings()) == DEFAULT_VIEW and DEFAULT_VIEW in STORED_VIEWS
    cfg = RetrievalSettings(lexical_unit="window", window_sentences=3, title_weight=2, section_weight=0,
                            source_weight=1)
    assert lexical_view(cfg) == LexicalView("window", 3, 2, 0, 1)


def test_other_views_are_built_on_first_search_and_only_stored_views_are_saved(tmp_path):
    index = build(chunk("a", NEAR), chunk("b", SPREAD))
    assert set(index._views) == set(STORED_VIEWS)
    index.search("renal", 2, view=LexicalView("window", 3))
    assert LexicalView("window", 3) in index._views
    index.save(tmp_path)
    loaded = LexicalIndex.load(tmp_path)
    assert set(loaded._views) == set(STORED_VIEWS)
    assert loaded.search("renal eGFR", 2) == index.search("renal eGFR", 2)
    assert loaded.search("renal eGFR", 2, view=WINDOW_1) == index.search("renal eGFR", 2, view=WINDOW_1)
    assert WINDOW_1 in loaded._views  # built when first asked for, kept in memory
    assert LexicalIndex().search("renal", 2, view=WINDOW_1) == []  # empty index: nothing to build


def test_an_index_file_of_another_version_or_damaged_is_ignored_not_fatal(tmp_path):
    old = {"tokenizer": 2, "corpus_version": "v0", "entries": {}, "ids": [], "bm25": None}
    (tmp_path / LEXICAL_FILE).write_bytes(pickle.dumps(old))
    assert len(LexicalIndex.load(tmp_path)) == 0 and LexicalIndex.load(tmp_path).corpus_version == ""
    (tmp_path / LEXICAL_FILE).write_bytes(b"not a pickle")
    assert len(LexicalIndex.load(tmp_path)) == 0


def test_an_old_index_file_is_rebuilt_from_the_store_when_the_index_opens(tmp_path):
    settings, store = make_settings(tmp_path / "data"), InMemoryStore()
    index = Index(settings, HashEmbedder(), store=store)
    sync(index, [CORPUS])
    expected = index.lexical.search("luspatercept dose", 5)
    path = index.data_dir / LEXICAL_FILE
    state = pickle.loads(path.read_bytes())
    state.update(tokenizer=2, bm25=state.pop("views"))  # the format before sentence windows
    path.write_bytes(pickle.dumps(state))

    reopened = Index(settings, HashEmbedder(), store=store)
    assert reopened.lexical.search("luspatercept dose", 5) == expected  # rebuilt at open, not fatal
    report = sync(reopened, [CORPUS])
    assert report.chunks_embedded == 0  # rebuilt from the stored chunks, nothing embedded again
    assert reopened.lexical.search("luspatercept dose", 5) == expected
    assert LexicalIndex.load(reopened.data_dir).search("luspatercept dose", 5) == expected
