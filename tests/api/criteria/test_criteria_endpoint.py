"""GET /v1/documents/{doc_id}/criteria (JSON) and n_criteria in the document summaries."""

from __future__ import annotations

import pytest

from tests.api.conftest import is_problem
from tests.api.criteria.support import leaves_of
from tests.criteria_fixtures import (
    CONTINUING,
    DRAVET_INITIAL_LEAVES,
    DUPIXENT_ID,
    EPIDIOLEX_DRAVET,
    EPIDIOLEX_ID,
    EPIDIOLEX_TITLE,
    NON_POLICY_ID,
)

pytestmark = pytest.mark.unit


def test_criteria_json_shape(client):
    response = client.get(f"/v1/documents/{EPIDIOLEX_ID}/criteria")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"doc_id", "title", "drugs", "policies"}
    assert body["doc_id"] == EPIDIOLEX_ID and body["title"] == EPIDIOLEX_TITLE
    assert body["drugs"][:2] == ["Epidiolex", "cannabidiol"]
    assert [(p["drug"], p["indication"], p["line"], p["approval_duration"], p["pages"]) for p in body["policies"]] == [
        ("Epidiolex", "Dravet Syndrome", "initial", "1 year", [2, 2]),
        ("Epidiolex", "Dravet Syndrome", "continuation", "1 year", [2, 2]),
    ]
    initial, continuation = body["policies"]
    tree = initial["tree"]
    assert tree["op"] == "all" and tree["label"] == "A" and tree["stem"].startswith("Initial Therapy. Approve")
    assert [c.get("op") for c in tree["children"]] == [None, "any", None]
    assert [leaf["text"] for leaf in leaves_of(tree)] == DRAVET_INITIAL_LEAVES
    assert [leaf["text"] for leaf in leaves_of(continuation["tree"])] == [CONTINUING]
    two_asms = next(leaves_of(tree["children"][1]))
    assert two_asms["label"] == "a" and two_asms["notes"] == [
        "Note: Examples of other antiseizure medications include valproic acid,\n"
        "topiramate, clonazepam, levetiracetam, zonisamide."]
    # unchecked trees carry no statuses; every leaf is the exact span of the stored text
    chunks = client.get(f"/v1/documents/{EPIDIOLEX_ID}").json()["chunks"]
    for leaf in leaves_of(tree):
        assert leaf["status"] is None and leaf["evidence"] is None and leaf["citation"] is None
        assert leaf["page"] == 2 and leaf["text"] in EPIDIOLEX_DRAVET
        holder = next(c for c in chunks if c["char_start"] <= leaf["char_start"] < leaf["char_end"] <= c["char_end"])
        start = leaf["char_start"] - holder["char_start"]
        assert holder["text"][start:start + len(leaf["text"])] == leaf["text"]


def test_a_document_without_criteria_has_an_empty_list(client):
    body = client.get(f"/v1/documents/{NON_POLICY_ID}/criteria").json()
    assert body["doc_id"] == NON_POLICY_ID and body["policies"] == [] and body["drugs"] == []


def test_indication_filter(client):
    def indications(doc_id: str, text: str) -> list[str]:
        response = client.get(f"/v1/documents/{doc_id}/criteria", params={"indication": text})
        assert response.status_code == 200
        return [f"{p['indication']} ({p['line']})" for p in response.json()["policies"]]

    assert indications(EPIDIOLEX_ID, "dravet") == ["Dravet Syndrome (initial)", "Dravet Syndrome (continuation)"]
    assert indications(EPIDIOLEX_ID, "  DRAVET   syndrome ") == indications(EPIDIOLEX_ID, "dravet")
    assert indications(EPIDIOLEX_ID, "Lennox") == []
    assert indications(DUPIXENT_ID, "prurigo") == ["Prurigo Nodularis (initial)", "Prurigo Nodularis (continuation)"]


def test_unknown_document_is_a_404_problem(client):
    for params in ({}, {"format": "fhir"}, {"indication": "dravet"}):
        problem = is_problem(client.get("/v1/documents/no-such-policy/criteria", params=params), 404)
        assert "no-such-policy" in problem["detail"]


def test_unknown_format_is_a_422_problem(client):
    problem = is_problem(client.get(f"/v1/documents/{EPIDIOLEX_ID}/criteria", params={"format": "xml"}), 422)
    assert problem["errors"][0]["field"] == "query.format"


def test_n_criteria_in_document_summaries(client):
    listed = {d["doc_id"]: d["n_criteria"] for d in client.get("/v1/documents").json()}
    assert listed == {EPIDIOLEX_ID: 2, DUPIXENT_ID: 2, NON_POLICY_ID: 0}
    assert client.get(f"/v1/documents/{DUPIXENT_ID}").json()["n_criteria"] == 2
