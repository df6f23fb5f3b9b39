"""`guideqa eval` end to end: a 6-item gold file over the real corpus (hash embedder, embedded
Chroma), the three reports, the gate's exit codes, --compare, --check-gold and input errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from api import cli_common
from evals.cli import eval_cmd
from evals.gold import DEFAULT_GOLD
from tests.conftest import CORPUS, make_settings

IDS = [
    "lusp-dose-01",
    "abstract-design-01",
    "review-survival-01",
    "livertox-bili-01",
    "unans-drug-01",
    "vignette-met-01",
]
LENIENT = """
[metrics."pass_rate"]
min = 0.0
tolerance = 0.05
[metrics."retrieval.mrr"]
tolerance = 0.05
"""

app = typer.Typer()
app.command("eval")(eval_cmd)


@app.callback()
def _root() -> None:
    """Stands in for the `guideqa` app."""


def invoke(*args: str) -> object:
    return CliRunner().invoke(app, ["eval", *map(str, args)])


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("eval")
    lines = {json.loads(ln)["id"]: ln for ln in DEFAULT_GOLD.read_text().splitlines() if ln.strip()}
    (root / "gold.jsonl").write_text("\n".join(lines[i] for i in IDS) + "\n")
    (root / "lenient.toml").write_text(LENIENT)
    (root / "strict.toml").write_text('[metrics."pass_rate"]\nmin = 1.01\n')
    settings = make_settings(root / "data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(cli_common, "get_settings", lambda: settings)
        result = invoke(
            "--gold",
            root / "gold.jsonl",
            "--out",
            root / "base",
            "--thresholds",
            root / "lenient.toml",
        )
        yield root, result, mp


@pytest.mark.integration
def test_eval_writes_the_three_reports_and_passes(workspace):
    root, result, _ = workspace
    assert result.exit_code == 0, result.output
    assert "gate passed" in result.output and "Per document" in result.output
    report = json.loads((root / "base" / "report.json").read_text())
    assert [i["id"] for i in report["items"]] == IDS
    assert report["mode"] == "extractive" and report["corpus"]["version"]
    assert report["corpus"]["ingest"]["added"] == 5  # synced before scoring
    assert report["models"]["embedder"].startswith("hash")
    assert (
        report["settings"]["retrieval"]["top_k"] == 10
        and "api_key" not in report["settings"]["llm"]
    )
    assert report["metrics"]["answer.verdict_accuracy"] is None
    assert report["gate"]["passed"] and report["gold"]["stale_quotes"] == []
    assert {"luspatercept-drug-information", "(no gold evidence)"} <= set(report["per_document"])
    item = report["items"][0]
    assert {"answer", "citations", "failures", "passed", "scores"} <= set(item)
    md = (root / "base" / "report.md").read_text()
    assert "## Per document" in md and report["corpus"]["version"] in md
    html = (root / "base" / "report.html").read_text()
    assert "<svg" in html and "lusp-dose-01" in html and "show failing items only" in html
    for external in ("<link", " src=", "@import", "url(", "https://"):
        assert external not in html


@pytest.mark.integration
def test_compare_prints_deltas_and_fails_on_a_regression(workspace):
    root, _, _ = workspace
    baseline = json.loads((root / "base" / "report.json").read_text())
    baseline["metrics"]["retrieval.mrr"] += 0.2
    baseline["items"][0]["passed"], baseline["items"][0]["scores"]["fact_recall"] = True, 2.0
    (root / "better").mkdir()
    (root / "better" / "report.json").write_text(json.dumps(baseline))
    result = invoke(
        "--gold",
        root / "gold.jsonl",
        "--out",
        root / "second",
        "--thresholds",
        root / "lenient.toml",
        "--compare",
        root / "better",
    )
    assert result.exit_code == 1, result.output
    output = " ".join(result.output.split())
    assert "retrieval.mrr moved -0.200" in output and "more than its tolerance" in output
    report = json.loads((root / "second" / "report.json").read_text())
    now = report["items"][0]["scores"]["fact_recall"]
    assert "1 item(s) got worse" in output and f"fact recall 2.00 -> {now:.2f}" in output
    assert report["corpus"]["ingest"]["unchanged"] == 5
    assert report["gate"]["comparison"]["worse_items"][0]["id"] == "lusp-dose-01"
    same = invoke(
        "--gold",
        root / "gold.jsonl",
        "--out",
        root / "third",
        "--thresholds",
        root / "lenient.toml",
        "--compare",
        root / "base",
    )
    assert same.exit_code == 0, same.output  # deterministic: nothing moved


@pytest.mark.integration
def test_a_run_below_a_threshold_exits_1(workspace):
    root, _, _ = workspace
    result = invoke(
        "--gold",
        root / "gold.jsonl",
        "--out",
        root / "strict",
        "--thresholds",
        root / "strict.toml",
    )
    assert result.exit_code == 1
    assert "FAIL" in result.output and "below its threshold 1.01" in result.output


@pytest.mark.unit
def test_a_malformed_gold_line_exits_2_naming_file_line_and_field(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        '{"id": "a", "question": "What?", "answerable": true}\n'
        '{"id": "b", "question": "Why?", "answerable": true, "facts": [[]]}\n'
    )
    result = invoke("--gold", gold, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert f"{gold}:2: field 'facts'" in result.output.replace("\n", "")
    assert not (tmp_path / "out").exists()


@pytest.mark.unit
def test_llm_mode_without_an_llm_is_a_clear_error(tmp_path, monkeypatch):
    settings = make_settings(tmp_path / "data")
    monkeypatch.setattr(cli_common, "get_settings", lambda: settings)
    result = invoke("--mode", "llm", "--out", tmp_path / "out")
    assert result.exit_code == 2 and "GUIDEQA_LLM" in result.output


@pytest.mark.unit
def test_check_gold_finds_stale_quotes_after_a_corpus_update(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    page = corpus / "luspatercept-drug-information.md"
    page.write_text(
        page.read_text().replace(
            "generally 1 mg/kg every three weeks", "usually 1 mg/kg every 21 days"
        )
    )
    settings = make_settings(tmp_path / "data")
    settings.ingest.corpus_dir = corpus
    monkeypatch.setattr(cli_common, "get_settings", lambda: settings)
    result = CliRunner().invoke(app, ["eval", "--check-gold"], env={"COLUMNS": "200"})
    assert result.exit_code == 1, result.output
    assert "stale gold quote" in result.output and "lusp-dose-01" in result.output
    assert "usually 1 mg/kg every 21 days" in result.output  # the closest current passage
    settings.ingest.corpus_dir = Path(CORPUS)
    clean = invoke("--check-gold")
    assert (
        clean.exit_code == 0 and "gold quotes of 121 items are in their documents" in clean.output
    )
