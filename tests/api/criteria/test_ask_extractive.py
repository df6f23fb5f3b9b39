"""POST /v1/ask on prior-authorization requests in extractive mode: exact rules only, no verdict."""

from __future__ import annotations

import pytest

from tests.api.criteria.support import REQUEST, assert_cited, leaves_of, norm
from tests.criteria_fixtures import (
    AGE,
    DUPIXENT_ID,
    EPIDIOLEX_ID,
    NEUROLOGIST,
    ONE_OF,
    TWO_ASMS,
)

pytestmark = pytest.mark.unit


def test_extractive_pa_request_checks_the_tree_by_exact_rules_without_a_verdict(client):
    response = client.post("/v1/ask", json={"question": REQUEST, "mode": "extractive"})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["mode"] == "extractive" and answer["verdict"] is None and answer["answerable"] is True
    tree = answer["criteria_tree"]
    assert (tree["doc_id"], tree["drug"], tree["indication"], tree["line"]) == (
        EPIDIOLEX_ID, "Epidiolex", "Dravet Syndrome", "initial")
    assert "Epidiolex" in tree["why"] and "Dravet Syndrome" in tree["why"]
    statuses = {leaf["text"]: leaf["status"] for leaf in leaves_of(tree["tree"])}
    assert statuses == {AGE: "met", TWO_ASMS: "unknown", ONE_OF: "unknown", NEUROLOGIST: "met"}
    assert tree["result"] == "unknown" and tree["tree"]["status"] == "unknown"
    for leaf in leaves_of(tree["tree"]):
        if leaf["status"] == "unknown":
            assert leaf["evidence"] is None
        else:
            assert leaf["evidence"] and leaf["evidence"] in REQUEST and leaf["reason"].startswith("rules")
    age = next(leaf for leaf in leaves_of(tree["tree"]) if leaf["text"] == AGE)
    assert age["evidence"] == "7-year-old"
    assert_cited(answer)
    assert answer["missing_information"] == [norm(TWO_ASMS), norm(ONE_OF)]
    assert "Criteria checklist" in answer["answer"] and "verdict needs an LLM" in answer["answer"]


def test_extractive_threshold_rule_on_the_dupixent_policy(client):
    question = ("PA request for Dupixent: adult with prurigo nodularis and 25 nodular lesions, "
                "prescribed by a dermatologist.")
    answer = client.post("/v1/ask", json={"question": question, "mode": "extractive"}).json()
    tree = answer["criteria_tree"]
    assert (tree["doc_id"], tree["indication"], tree["line"]) == (DUPIXENT_ID, "Prurigo Nodularis", "initial")
    lesions = next(leaf for leaf in leaves_of(tree["tree"]) if "nodular lesions" in leaf["text"])
    assert lesions["status"] == "met" and lesions["evidence"] == "25 nodular lesions"
    assert answer["verdict"] is None
    assert_cited(answer)


def test_questions_that_are_not_pa_requests_get_no_tree(client):
    for question in ("What is the starting dose of luspatercept?",
                     "Prior authorization request: Humira for a 40-year-old with Dravet syndrome."):
        answer = client.post("/v1/ask", json={"question": question, "mode": "extractive"}).json()
        assert answer["criteria_tree"] is None
