"""The regression gate: thresholds, tolerances against a baseline, worse items, exit codes."""

from __future__ import annotations

import pytest

from evals.gate import DEFAULT_THRESHOLDS, Rule, check_thresholds, load_baseline, load_rules, run_gate
from evals.report_model import EvalReport
from evals.scoring import ItemResult
from rag.errors import ConfigurationError

pytestmark = pytest.mark.unit

RULES = {
    "retrieval.mrr": Rule(min=0.6, tolerance=0.03),
    "answer.false_abstention_rate": Rule(max=0.02, tolerance=0.01),
    "answer.fact_recall": Rule(min=0.7, tolerance=0.03, modes=["extractive"]),
    "answer.verdict_accuracy": Rule(tolerance=0.1),
}


def item(id_: str, passed: bool, fact: float, abstained: bool = False) -> ItemResult:
    return ItemResult.model_validate(
        {
            "id": id_,
            "question": f"question {id_}",
            "doc_ids": ["label"],
            "passed": passed,
            "gold_answerable": True,
            "failures": [] if passed else ["missing facts: 1 mg/kg"],
            "scores": {
                "abstained": abstained,
                "fact_recall": fact,
                "citation_recall": 1.0,
                "citation_precision": 1.0,
                "reciprocal_rank": 1.0,
            },
        }
    )


def report(mrr=0.7, far=0.0, fact=0.8, mode="extractive", items=None) -> EvalReport:
    items = items if items is not None else [item("a", True, 1.0), item("b", True, 1.0)]
    return EvalReport.model_validate(
        {
            "schema": 1,
            "created_at": "2026-01-01T00:00:00+00:00",
            "seconds": 1.0,
            "mode": mode,
            "gold": {"file": "gold.jsonl", "items": len(items), "stale_quotes": []},
            "corpus": {
                "dir": "corpus",
                "version": "v1",
                "ingest": {"added": 0, "updated": 0, "unchanged": 1, "removed": 0, "failed": []},
            },
            "prompt_version": None,
            "models": {"embedder": "hash-256", "llm": None},
            "settings": {"retrieval": {"top_k": 10}},
            "metrics": {
                "retrieval.mrr": mrr,
                "answer.false_abstention_rate": far,
                "answer.fact_recall": fact,
                "answer.verdict_accuracy": None,
                "latency.total_p95_ms": 100.0,
            },
            "verdict_confusion": None,
            "per_document": {},
            "items": items,
        }
    )


def test_the_shipped_thresholds_file_parses():
    rules = load_rules(DEFAULT_THRESHOLDS)
    assert rules["retrieval.recall@5"].min is not None
    assert rules["answer.false_abstention_rate"].max is not None


def test_a_bad_thresholds_file_is_a_configuration_error(tmp_path):
    bad = tmp_path / "t.toml"
    bad.write_text('[metrics."x"]\nminimum = 1\n')
    with pytest.raises(ConfigurationError, match="thresholds file"):
        load_rules(bad)


def test_thresholds_pass_and_fail_in_both_directions():
    assert run_gate(report(), RULES, DEFAULT_THRESHOLDS).exit_code == 0
    gate = run_gate(report(mrr=0.5, far=0.05), RULES, DEFAULT_THRESHOLDS)
    assert gate.exit_code == 1
    messages = {v.metric: v.message for v in gate.violations}
    assert set(messages) == {"answer.false_abstention_rate", "retrieval.mrr"}
    assert messages["retrieval.mrr"] == "retrieval.mrr = 0.500 is below its threshold 0.6"
    assert "0.050 is above its threshold 0.02" in messages["answer.false_abstention_rate"]


def test_mode_restricted_thresholds_and_na_metrics_are_skipped():
    assert check_thresholds({"answer.fact_recall": 0.1}, RULES, "llm") == []
    assert check_thresholds({"answer.fact_recall": 0.1}, RULES, "extractive")
    assert check_thresholds({"retrieval.mrr": None}, RULES, "extractive") == []


def test_compare_fails_on_a_drop_beyond_tolerance_and_lists_worse_items():
    baseline = report(mrr=0.75, items=[item("a", True, 1.0), item("b", True, 1.0)])
    current = report(mrr=0.70, items=[item("a", False, 0.5), item("b", True, 1.0)])
    gate = run_gate(current, RULES, DEFAULT_THRESHOLDS, baseline, "runs/base")
    assert gate.exit_code == 1
    assert [v.metric for v in gate.violations] == ["retrieval.mrr"]
    assert gate.violations[0].kind == "regression"
    assert [w.id for w in gate.comparison.worse_items] == ["a"]
    assert gate.comparison.worse_items[0].changes == [
        "passed -> failed: missing facts: 1 mg/kg",
        "fact recall 1.00 -> 0.50",
    ]
    deltas = {d.metric: d for d in gate.comparison.deltas}
    assert (
        deltas["retrieval.mrr"].delta == pytest.approx(-0.05) and deltas["retrieval.mrr"].regressed
    )
    assert not deltas["latency.total_p95_ms"].regressed  # no rule: shown, never gated


def test_compare_within_tolerance_passes_and_lower_is_better_rises_fail():
    within = run_gate(report(mrr=0.72), RULES, DEFAULT_THRESHOLDS, report(mrr=0.74), "base")
    assert within.exit_code == 0 and within.comparison.worse_items == []
    rise = run_gate(report(far=0.019), RULES, DEFAULT_THRESHOLDS, report(far=0.0), "base")
    assert [v.metric for v in rise.violations] == ["answer.false_abstention_rate"]
    better = run_gate(
        report(mrr=0.9, far=0.0), RULES, DEFAULT_THRESHOLDS, report(mrr=0.7, far=0.01), "b"
    )
    assert better.exit_code == 0


def test_runs_in_different_modes_are_compared_but_not_gated():
    baseline = report(mrr=0.95, mode="llm")
    gate = run_gate(report(mrr=0.7), RULES, DEFAULT_THRESHOLDS, baseline, "base")
    assert gate.exit_code == 0 and "tolerances not applied" in gate.comparison.note


def test_a_new_abstention_is_a_worse_item():
    before = report()
    after = before.model_copy(deep=True)
    after.items[1].scores.abstained = True
    gate = run_gate(after, RULES, DEFAULT_THRESHOLDS, before, "base")
    assert [w.changes for w in gate.comparison.worse_items] == [["now abstains"]]


def test_a_baseline_is_read_back_from_its_run_directory_or_file(tmp_path):
    (tmp_path / "report.json").write_text(report(mrr=0.75).to_json(), encoding="utf-8")
    for path in (tmp_path, tmp_path / "report.json"):
        baseline = load_baseline(path)
        assert baseline == report(mrr=0.75) and baseline.metrics["retrieval.mrr"] == 0.75
    gate = run_gate(report(mrr=0.70), RULES, DEFAULT_THRESHOLDS, load_baseline(tmp_path), "b")
    assert [v.metric for v in gate.violations] == ["retrieval.mrr"]


@pytest.mark.parametrize("text", ["{not json", '{"mode": "extractive"}'])
def test_an_unreadable_baseline_is_a_configuration_error(tmp_path, text):
    (tmp_path / "report.json").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigurationError, match="baseline report"):
        load_baseline(tmp_path)
    with pytest.raises(ConfigurationError, match="baseline report"):
        load_baseline(tmp_path / "missing")


def test_documents_at_another_version_are_named_beside_the_comparison():
    from evals.gate import changed_documents

    before = {"a": "111111111111", "b": "222222222222", "gone": "333333333333"}
    after = {"a": "111111111111", "b": "999999999999", "new": "444444444444"}
    assert changed_documents(before, after) == ["b", "gone", "new"]
    assert changed_documents({}, after) == []  # a baseline from before versions were recorded
