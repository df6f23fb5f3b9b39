"""report.md and report.html from a hand-made run: content, escaping, no external assets."""

from __future__ import annotations

import json

import pytest

from evals.gate import DEFAULT_THRESHOLDS, gate_section, load_baseline, load_rules, run_gate
from evals.html import render_html
from evals.report import render_markdown, worst_items, write_reports
from evals.report_model import EvalReport
from evals.scoring import aggregate, per_document, score_item
from tests.evals.test_scoring import CHUNK_DOSE, CHUNK_ROUTE, DOSE, answer, cite, ctx, gold

pytestmark = pytest.mark.unit

EVIL = '<script>alert("x")</script> & <img src=x onerror=1>'


def make_report() -> EvalReport:
    good = score_item(
        gold(),
        answer(
            "1 mg/kg subcutaneous [1]",
            [ctx("label", CHUNK_DOSE, 1), ctx("label", CHUNK_ROUTE, 2)],
            [cite(1, "label", CHUNK_DOSE, DOSE)],
        ),
        "extractive",
    )
    bad = score_item(
        gold(id="evil", question=EVIL, facts=[[EVIL]]),
        answer(EVIL, [ctx("label", EVIL, 1)], [cite(1, "label", EVIL, "img")]),
        "extractive",
    )
    results = [good, bad]
    report = EvalReport.model_validate({
        "schema": 1,
        "created_at": "2026-01-01T00:00:00+00:00",
        "seconds": 1.0,
        "mode": "extractive",
        "gold": {"file": "gold.jsonl", "items": 2, "stale_quotes": []},
        "corpus": {
            "dir": "corpus",
            "version": "abc123",
            "ingest": {"added": 2, "updated": 0, "unchanged": 0, "removed": 0, "failed": []},
        },
        "prompt_version": None,
        "models": {"embedder": "hash-256", "llm": None},
        "settings": {"retrieval": {"top_k": 10}},
        "judge": None,
        "verdict_confusion": None,
        "metrics": aggregate(results, "extractive"),
        "per_document": per_document(results, "extractive"),
        "items": results,
    })
    rules = load_rules(DEFAULT_THRESHOLDS)
    gate = run_gate(report, rules, DEFAULT_THRESHOLDS)
    report.gate = gate_section(gate, rules)
    return report


def test_reports_escape_everything_and_load_nothing_external(tmp_path):
    paths = write_reports(make_report(), tmp_path / "run")
    html = paths["html"].read_text()
    assert EVIL not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert html.count("<script>") == 1  # only the page's own filter script
    for external in ("<link", " src=", "@import", "url(", "https://"):
        assert external not in html.replace("&lt;img src=x", "")
    assert json.loads(paths["json"].read_text())["corpus"]["version"] == "abc123"


def test_markdown_summary_names_the_gate_metrics_documents_and_failures():
    report = make_report()
    md = render_markdown(report)
    assert "corpus version `abc123`" in md and "gate: **FAILED**" in md
    floor = load_rules(DEFAULT_THRESHOLDS)["retrieval.recall@5"].min
    assert "| retrieval.recall@5 |" in md and f"\u2265 {floor:g}" in md
    assert "| answer.verdict_accuracy | n/a |" in md
    assert "## Per document" in md and "| label |" in md
    assert "## Failing items, worst first (1 of 2)" in md and "**evil**" in md
    assert [i.id for i in worst_items(report)] == ["evil"]


def test_report_json_keeps_its_layout_and_reads_back_as_the_same_report(tmp_path):
    report = make_report()
    paths = write_reports(report, tmp_path / "run")
    data = json.loads(paths["json"].read_text())
    assert list(data) == [
        "schema", "created_at", "seconds", "mode", "gold", "corpus", "prompt_version", "models",
        "settings", "metrics", "verdict_confusion", "per_document", "judge", "items", "gate",
    ]
    assert list(data["gate"]) == ["thresholds_file", "violations", "comparison", "passed", "rules"]
    assert data["gate"]["rules"]["retrieval.recall@5"] == load_rules(DEFAULT_THRESHOLDS)[
        "retrieval.recall@5"
    ].model_dump(exclude_none=True)  # unset fields left out, as before
    assert data["gold"] == {"file": "gold.jsonl", "items": 2, "stale_quotes": []}
    assert data["items"] == [i.model_dump(mode="json") for i in report.items]
    again = load_baseline(paths["json"])
    assert again == report and again.to_json() == paths["json"].read_text()


def test_a_report_before_the_gate_renders_as_passed():
    report = make_report().model_copy(update={"gate": None})
    assert "gate: **PASSED**" in render_markdown(report)
    assert "gate passed" in render_html(report)
