"""Versions over the API and the CLI: a payer policy updated in place keeps its previous version;
history, diff and as-of questions (the Epidiolex fixture: Dravet syndrome in the first version,
Lennox-Gastaut in the second, both verbatim from the Cigna policy; only the review date moves)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from api.cli import app
from tests.api.conftest import is_problem
from tests.criteria_fixtures import EPIDIOLEX_HEADER, EPIDIOLEX_ID, EPIDIOLEX_V1, EPIDIOLEX_V2, write_epidiolex

pytestmark = pytest.mark.integration

V2 = [EPIDIOLEX_HEADER.replace("REVIEW DATE: 02/07/2024", "REVIEW DATE: 02/07/2025"), *EPIDIOLEX_V2[1:]]
QUESTION = "What does the Epidiolex policy require for initial therapy?"


@pytest.fixture
def updated(make_client, tmp_path):
    """The app after the policy was ingested, then replaced by its second version."""
    folder = tmp_path / "policies"
    write_epidiolex(folder, EPIDIOLEX_V1)
    client = make_client(corpus_dir=folder)
    write_epidiolex(folder, V2)
    assert client.post("/v1/reindex").json()["updated"] == [EPIDIOLEX_ID]
    return client


def test_history_lists_both_versions_with_their_dates(updated):
    versions = updated.get(f"/v1/documents/{EPIDIOLEX_ID}/versions").json()
    assert [(v["effective_from"], v["effective_to"], v["current"]) for v in versions] == [
        ("2025-02-07", None, True), ("2024-02-07", "2025-02-07", False)]
    assert all(len(v["version"]) == 12 for v in versions)
    is_problem(updated.get("/v1/documents/no-such-doc/versions"), 404)


def test_diff_names_the_criteria_trees_removed_and_added(updated):
    diff = updated.get(f"/v1/documents/{EPIDIOLEX_ID}/diff").json()
    assert not diff["identical"] and diff["old"]["effective_from"] == "2024-02-07"
    changes = {(c["indication"], c["line"]): c["status"] for c in diff["criteria"]}
    assert {status for (ind, _), status in changes.items() if "Dravet" in ind} == {"removed"}
    assert {status for (ind, _), status in changes.items() if "Lennox" in ind} == {"added"}
    removed = next(c for c in diff["criteria"] if "Dravet" in c["indication"] and c["line"] == "initial")
    assert any("neurologist" in text for text in removed["removed"])
    assert any(s["status"] != "changed" or s["diff"] for s in diff["sections"])
    body = is_problem(updated.get(f"/v1/documents/{EPIDIOLEX_ID}/diff", params={"from": "ffff"}), 404)
    assert "versions are" in body["detail"]


def test_as_of_questions_use_the_version_in_effect(updated):
    old = updated.post("/v1/ask", json={"question": QUESTION, "mode": "extractive", "as_of": "2024-06-01"}).json()
    new = updated.post("/v1/ask", json={"question": QUESTION, "mode": "extractive"}).json()
    assert old["as_of"] == "2024-06-01" and new["as_of"] is None
    old_cited = {c["version"]["version"] for c in old["citations"] if c["doc_id"] == EPIDIOLEX_ID}
    new_cited = {c["version"]["version"] for c in new["citations"] if c["doc_id"] == EPIDIOLEX_ID}
    versions = updated.get(f"/v1/documents/{EPIDIOLEX_ID}/versions").json()
    assert old_cited == {versions[1]["version"]} and new_cited == {versions[0]["version"]}
    # what each answer was drawn from: the Dravet criteria of 2024, or the Lennox-Gastaut ones of 2025
    old_read = " ".join(c["text"] for c in old["contexts"] if c["doc_id"] == EPIDIOLEX_ID)
    new_read = " ".join(c["text"] for c in new["contexts"] if c["doc_id"] == EPIDIOLEX_ID)
    assert "Dravet" in old_read and "Lennox" not in old_read
    assert "Lennox" in new_read and "Dravet" not in new_read
    bad = updated.post("/v1/ask", json={"question": QUESTION, "as_of": "March 2024"})
    assert bad.status_code == 422


def test_cli_history_and_diff(tmp_path, monkeypatch):
    folder, data = tmp_path / "policies", tmp_path / "data"
    monkeypatch.setenv("GUIDEQA_DATA_DIR", str(data))
    monkeypatch.setenv("GUIDEQA_EMBEDDER_MODEL", "hash")
    runner = CliRunner()
    for pages in (EPIDIOLEX_V1, V2):
        write_epidiolex(folder, pages)
        assert runner.invoke(app, ["ingest", str(folder)]).exit_code == 0
    history = runner.invoke(app, ["docs", "history", EPIDIOLEX_ID, "--json"])
    assert history.exit_code == 0, history.output
    versions = json.loads(history.output)
    assert [v["current"] for v in versions] == [True, False]
    shown = runner.invoke(app, ["docs", "diff", EPIDIOLEX_ID, "--from", versions[1]["version"]])
    assert shown.exit_code == 0, shown.output
    assert "Dravet" in shown.output and "tree removed" in shown.output and "tree added" in shown.output
    asked = runner.invoke(app, ["ask", QUESTION, "--mode", "extractive", "--as-of", "2024-06-01"])
    assert asked.exit_code == 0, asked.output
    assert "Versions as of 2024-06-01" in asked.output and versions[1]["version"] in asked.output
    missing = runner.invoke(app, ["docs", "diff", EPIDIOLEX_ID, "--to", "0000"])
    assert missing.exit_code != 0 and "has no version" in missing.output
