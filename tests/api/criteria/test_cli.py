"""`guideqa criteria` and `guideqa ask` on prior-authorization requests, through typer's CliRunner
on an index of two payer policies and one plain document (hash embedder, embedded Chroma)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from typer.testing import CliRunner

from api.cli import app
from rag.settings import get_settings
from tests.api.criteria.support import REQUEST, leaves_of
from tests.conftest import free_port
from tests.criteria_fixtures import (
    AGE,
    DRAVET_INITIAL_LEAVES,
    DUPIXENT_ID,
    EPIDIOLEX_ID,
    EPIDIOLEX_TITLE,
    NEUROLOGIST,
    NON_POLICY_ID,
    policy_corpus,
)

pytestmark = pytest.mark.unit

@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An index of the policy corpus, built once by `guideqa ingest`."""
    root = tmp_path_factory.mktemp("cli-criteria")
    data = root / "data"
    with pytest.MonkeyPatch.context() as patch:
        _environment(patch, data)
        result = CliRunner().invoke(app, ["ingest", str(policy_corpus(root / "policies")), "--json"])
        assert result.exit_code == 0, result.output
        assert sorted(json.loads(result.stdout)["added"]) == sorted([EPIDIOLEX_ID, DUPIXENT_ID, NON_POLICY_ID])
    get_settings.cache_clear()
    yield data
    get_settings.cache_clear()


def _environment(patch: pytest.MonkeyPatch, data: Path) -> None:
    patch.setenv("GUIDEQA_DATA_DIR", str(data))
    patch.setenv("GUIDEQA_EMBEDDER_MODEL", "hash")
    patch.delenv("GUIDEQA_LLM", raising=False)
    get_settings.cache_clear()


@pytest.fixture
def cli(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    _environment(monkeypatch, data_dir)
    yield CliRunner()
    get_settings.cache_clear()


def test_list_shows_the_policies_only(cli):
    result = cli.invoke(app, ["criteria"])
    assert result.exit_code == 0, result.output
    assert EPIDIOLEX_ID in result.stdout and DUPIXENT_ID in result.stdout
    assert NON_POLICY_ID not in result.stdout and "2 documents with coverage criteria" in result.stdout
    listed = json.loads(cli.invoke(app, ["criteria", "--json"]).stdout)
    assert [(row["doc_id"], row["policies"]) for row in sorted(listed, key=lambda r: r["doc_id"])] == [
        (EPIDIOLEX_ID, ["Dravet Syndrome (initial)", "Dravet Syndrome (continuation)"]),
        (DUPIXENT_ID, ["Prurigo Nodularis (initial)", "Prurigo Nodularis (continuation)"]),
    ]
    assert next(r for r in listed if r["doc_id"] == EPIDIOLEX_ID)["title"] == EPIDIOLEX_TITLE


def test_one_documents_tree(cli):
    result = cli.invoke(app, ["criteria", EPIDIOLEX_ID])
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "Dravet Syndrome - initial, approval 1 year" in out
    assert "Dravet Syndrome - continuation, approval 1 year" in out
    assert "ALL of" in out and "ANY of" in out
    assert " ".join(AGE.split()) in out and "(p. 2)" in out


def test_json_has_the_api_shape(cli):
    result = cli.invoke(app, ["criteria", EPIDIOLEX_ID, "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert set(body) == {"doc_id", "title", "drugs", "policies"}
    assert body["doc_id"] == EPIDIOLEX_ID and body["title"] == EPIDIOLEX_TITLE
    initial = body["policies"][0]
    assert set(initial) == {"drug", "indication", "line", "approval_duration", "pages", "tree"}
    assert [leaf["text"] for leaf in leaves_of(initial["tree"])] == DRAVET_INITIAL_LEAVES
    plain = json.loads(cli.invoke(app, ["criteria", NON_POLICY_ID, "--json"]).stdout)
    assert plain["policies"] == []


def test_fhir_validates(cli):
    result = cli.invoke(app, ["criteria", EPIDIOLEX_ID, "--fhir"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    Questionnaire.model_validate(body)
    assert len(body["item"]) == 2
    filtered = json.loads(cli.invoke(app, ["criteria", DUPIXENT_ID, "--fhir", "--indication", "prurigo"]).stdout)
    Questionnaire.model_validate(filtered)
    assert len(filtered["item"]) == 2


def test_indication_filter(cli):
    result = cli.invoke(app, ["criteria", EPIDIOLEX_ID, "--indication", "dravet", "--json"])
    assert [p["line"] for p in json.loads(result.stdout)["policies"]] == ["initial", "continuation"]
    missing = cli.invoke(app, ["criteria", EPIDIOLEX_ID, "--indication", "lennox"])
    assert missing.exit_code == 1
    assert "has no coverage criteria matching 'lennox'" in " ".join(missing.stderr.split())
    as_json = cli.invoke(app, ["criteria", EPIDIOLEX_ID, "--indication", "lennox", "--json"])
    # the JSON is printed as the API gives it (an empty list), and nothing to show exits 1 as above
    assert as_json.exit_code == 1 and json.loads(as_json.stdout)["policies"] == []
    plain = cli.invoke(app, ["criteria", NON_POLICY_ID])
    assert plain.exit_code == 1 and "no coverage criteria at all" in " ".join(plain.stderr.split())


def test_unknown_document_exits_2_with_a_message(cli):
    result = cli.invoke(app, ["criteria", "no-such-policy"])
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert message.startswith("error:") and "no-such-policy" in message
    for flag in ("--json", "--fhir"):
        assert cli.invoke(app, ["criteria", "no-such-policy", flag]).exit_code == 2


def test_ask_json_prints_the_checked_tree(cli):
    result = cli.invoke(app, ["ask", REQUEST, "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["mode"] == "extractive" and answer["verdict"] is None
    tree = answer["criteria_tree"]
    assert (tree["doc_id"], tree["indication"], tree["line"], tree["result"]) == (
        EPIDIOLEX_ID, "Dravet Syndrome", "initial", "unknown")
    statuses = {leaf["text"]: leaf["status"] for leaf in leaves_of(tree["tree"])}
    assert statuses[AGE] == "met" and statuses[NEUROLOGIST] == "met"
    cited = {c["id"] for c in answer["citations"]}
    assert all(leaf["citation"] in cited for leaf in leaves_of(tree["tree"]))


def test_ask_prints_the_checked_tree(cli):
    result = cli.invoke(app, ["ask", REQUEST])
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "Criteria tree" in out and "result by the policy's logic: unknown" in out
    assert "met" in out and "7-year-old" in out and "Dravet Syndrome - initial" in out


def test_ask_with_the_llm_down_prints_the_extractive_checklist(cli, monkeypatch):
    monkeypatch.setenv("GUIDEQA_LLM", "openai:gpt-test")
    monkeypatch.setenv("GUIDEQA_LLM_BASE_URL", f"http://127.0.0.1:{free_port()}/v1")  # nothing listens
    monkeypatch.setenv("GUIDEQA_LLM_API_KEY", "x")
    monkeypatch.setenv("GUIDEQA_LLM_MAX_RETRIES", "0")
    monkeypatch.setenv("GUIDEQA_LLM_TIMEOUT_S", "2")
    get_settings.cache_clear()
    result = cli.invoke(app, ["ask", REQUEST, "--json"])
    assert result.exit_code == 0, result.output
    assert "LLM unavailable" in result.stderr
    answer = json.loads(result.stdout)
    assert answer["mode"] == "extractive" and answer["verdict"] is None
    assert answer["criteria_tree"]["indication"] == "Dravet Syndrome"


def test_an_empty_index_has_nothing_to_list(tmp_path, monkeypatch):
    _environment(monkeypatch, tmp_path / "empty")
    runner = CliRunner()
    result = runner.invoke(app, ["criteria"])
    assert result.exit_code == 0 and "No document with coverage criteria is indexed" in result.stdout
    assert json.loads(runner.invoke(app, ["criteria", "--json"]).stdout) == []
    get_settings.cache_clear()
