"""The benchmark harness on tiny synthetic datasets built in tmp (never ../shared): hash
embedder, in-memory store, so it is offline, fast and deterministic."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from evals.benchmarks import UnknownBenchmarkError, markdown_table, render_table, run_benchmark
from evals.benchmarks.common import (
    Hit,
    mean_reciprocal_rank,
    recall_at_k,
    token_f1,
)
from evals.benchmarks.matching import LabelMatcher, fuzzy_contains, lcs_length, merge, tokens
from evals.benchmarks.variants import VARIANTS, parse_variant
from rag.store import InMemoryStore
from tests.conftest import CORPUS, make_settings
from tests.pdf_factory import PAGE_1, PAGE_2, PAGE_3, multipage_pdf

pytestmark = pytest.mark.unit
RETRIEVERS = ["hybrid", "bm25", "dense", "langchain"]


# ------------------------------------------------------------------------------ metrics
def test_recall_and_mrr_count_ranks_up_to_k():
    ranks = [1, 3, None, 12]
    assert recall_at_k(ranks, 1) == 0.25
    assert recall_at_k(ranks, 5) == 0.5
    assert recall_at_k(ranks, 10) == 0.5
    assert mean_reciprocal_rank(ranks, 10) == pytest.approx((1 + 1 / 3) / 4)
    assert recall_at_k([], 5) is None  # undefined without queries


def test_token_f1_ignores_case_punctuation_and_articles():
    assert token_f1("The VEKLURY®.", "veklury")[2] == 1.0
    precision, recall, f1 = token_f1("a single loading dose of 200 mg", "200 mg")
    assert (precision, recall) == (pytest.approx(2 / 6), 1.0)
    assert f1 == pytest.approx(0.5)
    assert token_f1("", "x") == (0.0, 0.0, 0.0)


def test_bit_parallel_lcs_matches_the_textbook_one():
    def slow(a, b):
        table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
        for i, x in enumerate(a):
            for j, y in enumerate(b):
                best = max(table[i][j + 1], table[i + 1][j])
                table[i + 1][j + 1] = table[i][j] + 1 if x == y else best
        return table[-1][-1]

    pairs = [("abcbdab", "bdcaba"), ("aaaa", "aa"), ("xyz", ""), ("abc", "cba"), ("abab", "babab")]
    for a, b in pairs:
        assert lcs_length(list(a), list(b)) == slow(a, b)


# ------------------------------------------------------------------------------ matching
def _hit(text: str, ordinal: int, doc: str = "d") -> Hit:
    return Hit(f"{doc}-{ordinal}", doc, text, ordinal)


def test_label_found_exactly_after_normalisation():
    hits = [_hit("Nothing here.", 0), _hit("VEKLURY  must be\ndiluted prior to infusion.", 1)]
    label = "Veklury must be diluted prior to infusion."
    assert LabelMatcher().rule_at(label, hits) == (2, "exact")


def test_label_split_over_two_adjacent_chunks_counts_at_the_later_rank():
    first = "Intro text. The prepared solution is stable for 24 hours"
    second = "prepared solution is stable for 24 hours at room temperature. Next sentence."
    hits = [_hit(second, 5), _hit("Unrelated passage.", 9), _hit(first, 4)]
    label = "The prepared solution is stable for 24 hours at room temperature."
    assert merge(first, second).count("stable for 24 hours") == 1
    assert LabelMatcher(fuzzy=False).rule_at(label, hits) == (3, "split")
    not_adjacent = [_hit(second, 7), _hit(first, 4)]
    assert LabelMatcher(fuzzy=False).rule_at(label, not_adjacent) is None


def test_fuzzy_rule_tolerates_dropped_references_but_not_scattered_words():
    label = "Determine eGFR in all patients before starting VEKLURY and monitor as appropriate."
    chunk = ("Determine eGFR in all patients before starting VEKLURY and monitor as clinically "
             "appropriate [see Dosage and Administration (2.3)].")
    assert LabelMatcher().rule_at(label, [_hit(chunk, 0)]) == (1, "fuzzy")
    assert LabelMatcher(fuzzy=False).rule_at(label, [_hit(chunk, 0)]) is None
    filler = " ".join(["word"] * 60)
    scattered = " ".join(f"{w} {filler}" for w in tokens(label))
    assert not fuzzy_contains(tokens(label), tokens(scattered))


def test_ceiling_names_the_best_rule_any_chunk_allows():
    chunks = [_hit("alpha beta gamma delta.", 0), _hit("epsilon zeta.", 1)]
    matcher = LabelMatcher()
    assert matcher.ceiling("beta gamma", chunks) == "exact"
    assert matcher.ceiling("gamma delta. epsilon zeta", chunks) == "split"
    assert matcher.ceiling("omega", chunks) is None


# ------------------------------------------------------------------------------ datasets
def _paragraphs() -> list[str]:
    out = []
    for path in sorted(CORPUS.glob("*.txt")):
        for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            text = " ".join(block.split())
            if len(text) > 250 and text.count(". ") >= 2:
                out.append(text)
    return out


@pytest.fixture
def pubmedqa_dir(tmp_path: Path) -> Path:
    """Six PubMedQA-shaped items from corpus paragraphs; five in the test split. Each question
    is the first sentence of its own abstract, turned into a question."""
    paragraphs = _paragraphs()
    assert len(paragraphs) >= 12
    items, split = {}, {}
    for i in range(6):
        contexts = paragraphs[2 * i : 2 * i + 2]
        first = contexts[0].split(". ")[0]
        pmid = str(10_000 + i)
        items[pmid] = {"QUESTION": f"{first}?", "CONTEXTS": contexts, "LABELS": ["A", "B"],
                       "final_decision": "yes", "LONG_ANSWER": contexts[1]}
        if i < 5:
            split[pmid] = "yes"
    folder = tmp_path / "pubmedqa"
    folder.mkdir()
    (folder / "ori_pqal.json").write_text(json.dumps(items), encoding="utf-8")
    (folder / "test_ground_truth.json").write_text(json.dumps(split), encoding="utf-8")
    return folder


@pytest.fixture
def fda_dir(tmp_path: Path) -> Path:
    """A three-page label-like PDF (prose from the corpus) with three QA pairs over it."""
    folder = tmp_path / "fda"
    folder.mkdir()
    multipage_pdf(folder / "label.pdf")
    first = PAGE_1[0].split(". ")[0] + "."
    pairs = [
        {"qa_number": 1, "question": "How is luspatercept administered?",
         "answer": "subcutaneously", "label_sentence": first,
         "answer_nature": "Unequivocal Answer"},
        {"qa_number": 2, "question": "Is luspatercept safe and effective in children?",
         "answer": PAGE_2[0], "label_sentence": PAGE_2[0], "answer_nature": "Equivocal Answer"},
        {"qa_number": 3, "question": "What if a dose of luspatercept is missed?",
         "answer": 2020.0, "label_sentence": PAGE_3[1], "answer_nature": "Unequivocal Answer"},
    ]
    (folder / "qa_pairs.json").write_text(json.dumps(pairs), encoding="utf-8")
    return folder


def _run(name: str, data: Path, tmp_path: Path, **kwargs) -> dict:
    return run_benchmark(
        name, data, tmp_path / "out", work_dir=tmp_path / "work" / name,
        settings=make_settings(tmp_path / "unused", embedder="hash"),
        store_factory=InMemoryStore, **kwargs,
    )


# ------------------------------------------------------------------------------ runs
def test_pubmedqa_run_scores_four_retrievers_at_doc_level(pubmedqa_dir, tmp_path):
    report = _run("pubmedqa", pubmedqa_dir, tmp_path, variants=VARIANTS)

    assert report["n_documents"] == 6 and report["n_queries"] == 5
    assert list(report["retrievers"]) == [*RETRIEVERS, *VARIANTS]
    for row in report["retrievers"].values():
        assert row["recall@10"] == 1.0  # six documents: every one is in the top 10
        assert 0 <= row["recall@1"] <= row["recall@5"] <= row["recall@10"]
        assert row["seconds"] >= 0
    assert report["retrievers"]["bm25"]["recall@1"] == 1.0  # each question copies its abstract
    # the override took effect: rrf ranks other chunks into the top 10 than score fusion does (the
    # metric rows alone are all 1.0 here, so comparing them compared only their timings)
    diversity = report["distinct_docs_in_top10"]
    assert diversity["rrf"] != diversity["hybrid"] and diversity["cap-1"] == 6.0
    assert set(report["hybrid_beats_baselines"]) == {"recall@1", "recall@5", "recall@10", "mrr@10"}
    assert len(report["per_query"]) == 5
    saved = json.loads((tmp_path / "out" / "pubmedqa.json").read_text(encoding="utf-8"))
    assert saved["retrievers"] == report["retrievers"]
    assert "| hybrid |" in markdown_table(report)
    assert render_table(report).row_count == 4 + len(VARIANTS)


def test_inline_variants_are_checked_against_the_retrieval_settings():
    assert parse_variant("fusion=rrf;rrf_k=10;expand_dense=false") == {
        "fusion": "rrf", "rrf_k": 10, "expand_dense": False}
    assert parse_variant("no-cap") == VARIANTS["no-cap"]
    assert parse_variant("lexical_unit=window;window_sentences=3;window_second_share=0.5;source_weight=1") == {
        "lexical_unit": "window", "window_sentences": 3, "window_second_share": 0.5, "source_weight": 1}
    assert parse_variant("intent_in_dense=true") == {"intent_in_dense": True}
    with pytest.raises(ValueError, match="lexical_unit"):
        parse_variant("lexical_unit=sentence")
    with pytest.raises(ValueError, match="window_sentences"):
        parse_variant("window_sentences=0")
    with pytest.raises(ValueError, match="knob=value"):
        parse_variant("warp")
    with pytest.raises(ValueError, match="unknown knobs"):
        parse_variant("warp=9")
    with pytest.raises(ValueError, match="fusion"):
        parse_variant("fusion=magic")


def test_every_registered_variant_is_valid_and_changes_something():
    for name, changes in VARIANTS.items():
        assert changes, name
        assert parse_variant(";".join(f"{k}={v}" for k, v in changes.items())) == changes, name


def test_window_and_field_variants_run_beside_the_default(fda_dir, tmp_path):
    names = ["window-2", "window-1-second", "fields-plain", "before-evidence-first"]
    report = _run("fda-label", fda_dir, tmp_path, variants={n: VARIANTS[n] for n in names})
    assert list(report["retrievers"]) == [*RETRIEVERS, *names]
    for name in names:
        row = report["retrievers"][name]
        assert 0 <= row["recall@1"] <= row["recall@5"] <= row["recall@10"] == 1.0
    assert report["retrieval_settings"]["lexical_unit"] == "chunk"  # the default is reported as run


def test_second_pubmedqa_run_embeds_nothing_again(pubmedqa_dir, tmp_path):
    store = InMemoryStore()
    kwargs = {"work_dir": tmp_path / "work", "store_factory": lambda: store,
              "settings": make_settings(tmp_path / "x", embedder="hash")}
    first = run_benchmark("pubmedqa", pubmedqa_dir, None, **kwargs)
    second = run_benchmark("pubmedqa", pubmedqa_dir, None, **kwargs)
    assert first["ingest_seconds"]["project embedded now"] > 0
    assert second["ingest_seconds"]["project embedded now"] == 0
    assert second["retrievers"]["bm25"]["recall@5"] == first["retrievers"]["bm25"]["recall@5"]


def test_fda_label_run_scores_label_sentences_and_fact_overlap(fda_dir, tmp_path):
    report = _run("fda-label", fda_dir, tmp_path)

    assert report["n_queries"] == 3
    assert list(report["retrievers"]) == RETRIEVERS
    assert report["ceiling"]["project_chunks"] == {"exact": 3}
    for row in report["retrievers"].values():
        assert row["recall@10"] == 1.0  # a three-page PDF fits in ten chunks
        assert 0.0 <= row["fact_f1"] <= 1.0
    assert report["retrievers"]["hybrid"]["fact_recall"] > 0
    for row in report["retrievers"].values():  # a share of the three questions the answer abstained on
        assert row["declined"] * 3 == pytest.approx(round(row["declined"] * 3), abs=1e-3)
    assert report["retrievers"]["hybrid"]["declined"] < 1.0
    assert set(report["hybrid_beats_baselines"]) >= {"fact_f1", "mrr@10"}
    assert {r["qid"] for r in report["per_query"]} == {"1", "2", "3"}


def test_unknown_benchmark_and_missing_data_say_what_to_do(tmp_path):
    with pytest.raises(UnknownBenchmarkError, match="pubmedqa"):
        run_benchmark("squad", tmp_path, None)
    with pytest.raises(Exception, match="no such file"):
        run_benchmark("pubmedqa", tmp_path / "missing", None)


def test_gold_benchmark_asks_one_split_of_another_questions_file(tmp_path):
    # the quotes are verbatim from corpus/luspatercept-drug-information.md
    rows = [
        {"id": "c-1", "question": "What is the initial dose of luspatercept?", "answerable": True,
         "evidence": [{"doc_id": "luspatercept-drug-information",
                       "quote": "The initial dose is generally 1 mg/kg every three weeks."}],
         "split": "calibrate"},
        {"id": "c-2", "question": "Is the price of luspatercept given?", "answerable": False,
         "evidence": [], "split": "calibrate"},
        {"id": "h-1", "question": "How is luspatercept given?", "answerable": True,
         "evidence": [{"doc_id": "luspatercept-drug-information",
                       "quote": "Luspatercept is administered subcutaneously (under the skin)."}],
         "split": "heldout"},
    ]
    questions = tmp_path / "calibration.jsonl"
    questions.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    report = _run("gold", CORPUS, tmp_path, questions=questions, split="calibrate")
    assert [r["qid"] for r in report["per_query"]] == ["c-1"]  # the unanswerable one has no evidence
    assert report["per_query"][0]["bm25"] is not None  # its quote was found among the chunks
    with pytest.raises(Exception, match="for the gold benchmark"):
        run_benchmark("pubmedqa", tmp_path, None, questions=questions)
    (tmp_path / "plain.jsonl").write_text(json.dumps({**rows[0], "split": None}) + "\n", encoding="utf-8")
    with pytest.raises(Exception, match="no question"):
        _run("gold", CORPUS, tmp_path, questions=tmp_path / "plain.jsonl", split="heldout")
