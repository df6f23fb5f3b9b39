"""Metric functions on hand-made cases: quote coverage (split quotes), ranks, facts, abstention."""

from __future__ import annotations

import pytest

from evals import metrics as m

pytestmark = pytest.mark.unit

QUOTE = "The initial dose is generally 1 mg/kg every three weeks."


def test_a_quote_inside_one_chunk_is_found_after_normalisation():
    chunk = "Dosage.\nThe  initial DOSE is generally\n1\u00a0mg/kg every three weeks. More text."
    assert m.supporting_chunks(QUOTE, ["unrelated text here", chunk]) == {1}
    assert m.first_rank(QUOTE, ["unrelated text here", chunk]) == 2


def test_a_quote_split_across_two_chunks_counts_when_together_they_cover_it():
    head = "Dosage section. The initial dose is generally 1 mg/kg"
    tail = "every three weeks. The dose may be increased later."
    chunks = ["something else entirely", head, "noise in between", tail]
    assert m.quote_found(QUOTE, chunks)
    assert m.supporting_chunks(QUOTE, chunks) == {1, 3}
    assert m.first_rank(QUOTE, chunks) == 4  # covered once the tail's chunk is in the top 4
    assert not m.quote_found(QUOTE, [head]) and not m.quote_found(QUOTE, [tail])


def test_a_split_quote_may_span_three_chunks_with_the_middle_one_inside_it():
    chunks = ["... The initial dose", "is generally 1 mg/kg", "every three weeks. Next."]
    assert m.supporting_chunks(QUOTE, chunks) == {0, 1, 2}


def test_a_quote_in_no_chunk_is_not_found():
    chunks = ["The initial dose is 2 mg/kg every week.", "Luspatercept is given subcutaneously."]
    assert m.supporting_chunks(QUOTE, chunks) is None
    assert m.first_rank(QUOTE, chunks) is None


def test_pieces_that_leave_a_gap_do_not_count():
    chunks = ["The initial dose is", "every three weeks."]  # "generally 1 mg/kg" is nowhere
    assert not m.quote_found(QUOTE, chunks)


def test_boundary_pieces_shorter_than_min_piece_do_not_count():
    # "th" + "e cat sat": a 2-character head is too short to trust as part of the quote
    assert not m.quote_found("the cat sat", ["xx th", "e cat sat yy"])
    assert m.quote_found("the cat sat", ["xx the c", "at sat yy"])


def test_recall_at_k_and_reciprocal_rank():
    ranks = [1, 4, None]
    assert m.recall_at_k(ranks, 1) == pytest.approx(1 / 3)
    assert m.recall_at_k(ranks, 5) == pytest.approx(2 / 3)
    assert m.reciprocal_rank([None, 4, 2]) == 0.5
    assert m.reciprocal_rank([None]) == 0.0
    assert m.recall_at_k([], 5) is None and m.reciprocal_rank([]) is None


def test_hit_at_k_counts_the_first_covered_quote_only():
    assert m.hit_at_k([1, 4, None], 1) == 1.0  # recall@1 is 1/3: two quotes are further down
    assert m.hit_at_k([None, 4, 2], 1) == 0.0 and m.hit_at_k([None, 4, 2], 3) == 1.0
    assert m.hit_at_k([None], 10) == 0.0 and m.hit_at_k([], 1) is None


def test_facts_any_alternative_case_and_whitespace_insensitive():
    facts = [["1 mg/kg", "1.0 mg/kg"], ["every 3 weeks", "every three weeks"], ["subcutaneous"]]
    answer = "Start at 1.0  MG/KG,\nevery three\tweeks."
    assert m.fact_hits(facts, answer) == [True, True, False]
    assert m.share(m.fact_hits(facts, answer)) == pytest.approx(2 / 3)


def test_abstention_precision_recall_and_false_abstention_rate():
    gold_answerable = [True, True, True, True, False, False]
    abstained = [False, False, False, True, True, False]
    out = m.abstention(gold_answerable, abstained)
    assert out["abstention_precision"] == 0.5  # 1 of 2 abstentions was right
    assert out["abstention_recall"] == 0.5  # 1 of 2 unanswerable declined
    assert out["false_abstention_rate"] == 0.25  # 1 of 4 answerable declined
    assert m.abstention([True], [False])["abstention_precision"] is None  # never abstained: n/a


def test_percentile_interpolates_like_numpy():
    values = [10.0, 20.0, 30.0, 40.0]
    assert m.percentile(values, 50) == 25.0
    assert m.percentile(values, 95) == pytest.approx(38.5)
    assert m.percentile([], 50) is None


@pytest.mark.parametrize(
    "values",
    [[7.0], [3.0, 1.0], [12.5, 3.0, 48.0, 7.25, 7.25, 100.0, 0.5], [float(v) for v in range(1, 21)]],
)
@pytest.mark.parametrize("pct", [0, 1, 25, 50, 90, 95, 99, 100])
def test_percentile_matches_numpy_on_any_input(values, pct):
    np = pytest.importorskip("numpy")
    assert m.percentile(values, pct) == pytest.approx(float(np.percentile(values, pct)))
    assert m.percentile(list(reversed(values)), pct) == m.percentile(values, pct)  # order-free


def test_percentile_is_the_one_the_benchmarks_use():
    from evals import bench_api, bench_ask

    assert bench_api.percentile is m.percentile and bench_ask.percentile is m.percentile
    # the API benchmark used to take the nearest rank: p95 of 1..20 was 19.0, now 19.05
    assert bench_api._ms([float(v) for v in range(1, 21)], 95) == 19.1  # rounded to 0.1 ms
    assert bench_api._ms([], 95) is None  # no successful request: no latency (was NaN)


def test_recall_at_k_counts_ranks_up_to_k_and_is_none_without_ranks():
    ranks = [1, 3, None, 12]
    assert [m.recall_at_k(ranks, k) for k in (1, 3, 5, 10, 12)] == [0.25, 0.5, 0.5, 0.5, 0.75]
    assert m.recall_at_k([None, None], 10) == 0.0  # nothing found is 0, not n/a
    assert m.recall_at_k([], 5) is None  # no gold quotes (or no queries): n/a


def test_benchmark_recall_uses_the_same_function_and_shows_0_for_an_empty_run():
    from evals.benchmarks.common import RetrieverScores, recall_at_k

    assert recall_at_k is m.recall_at_k
    scores = RetrieverScores("hybrid", ranks=[1, 3, None, 12], seconds=2.0)
    assert [scores.recall(k) for k in (1, 5, 10)] == [0.25, 0.5, 0.5]
    assert scores.row() == {
        "recall@1": 0.25, "recall@5": 0.5, "recall@10": 0.5, "mrr@10": 0.3333,
        "seconds": 2.0, "ms_per_query": 500.0,
    }
    empty = RetrieverScores("hybrid")
    assert empty.recall(5) == 0.0
    assert empty.row() == {
        "recall@1": 0.0, "recall@5": 0.0, "recall@10": 0.0, "mrr@10": 0.0,
        "seconds": 0.0, "ms_per_query": 0.0,
    }


def test_confusion_matrix_counts_missing_verdicts_as_none():
    pairs = [
        ("medically_necessary", "medically_necessary"),
        ("medically_necessary", None),
        ("conflicting", "medically_necessary"),
    ]
    assert m.confusion(pairs) == {
        "medically_necessary": {"medically_necessary": 1, "none": 1},
        "conflicting": {"medically_necessary": 1},
    }
