"""GET /v1/documents/{doc_id}/criteria?format=fhir: a FHIR R4 Questionnaire that validates and mirrors the trees."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire

from tests.api.criteria.support import check_group, citation, ext
from tests.criteria_fixtures import (
    CONTINUING,
    DRAVET_INITIAL_LEAVES,
    DUPIXENT_ID,
    DUPIXENT_PRURIGO,
    EPIDIOLEX_ID,
    NON_POLICY_ID,
)

pytestmark = pytest.mark.unit


def fhir_items(items: list[dict], kind: str) -> Iterator[dict]:
    for item in items:
        if item["type"] == kind:
            yield item
        yield from fhir_items(item.get("item", []), kind)


@pytest.mark.parametrize("doc_id", [EPIDIOLEX_ID, DUPIXENT_ID])
def test_fhir_questionnaire_validates_and_mirrors_the_trees(client, doc_id):
    response = client.get(f"/v1/documents/{doc_id}/criteria", params={"format": "fhir"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/fhir+json")
    body = response.json()
    questionnaire = Questionnaire.model_validate(body)
    assert questionnaire.status == "active" and body["resourceType"] == "Questionnaire"
    policies = client.get(f"/v1/documents/{doc_id}/criteria").json()["policies"]
    assert len(body["item"]) == len(policies)  # one group per tree
    for group, policy in zip(body["item"], policies, strict=True):
        check_group(group, policy["tree"], doc_id)
        assert policy["indication"] in group["text"]
        assert ext(group, "line-of-therapy")["valueCode"] == policy["line"]
        assert ext(group, "drug")["valueString"] == policy["drug"]
        assert ext(group, "approval-duration")["valueString"] == policy["approval_duration"]
        assert citation(group)["page"] == policy["pages"][0]
    link_ids = [i["linkId"] for i in fhir_items(body["item"], "group")] + [
        i["linkId"] for i in fhir_items(body["item"], "boolean")]
    assert len(link_ids) == len(set(link_ids))


def test_fhir_boolean_items_are_the_verbatim_criteria(client):
    body = client.get(f"/v1/documents/{EPIDIOLEX_ID}/criteria", params={"format": "fhir"}).json()
    initial, continuation = body["item"]
    assert [i["text"] for i in fhir_items([initial], "boolean")] == DRAVET_INITIAL_LEAVES
    assert [i["text"] for i in fhir_items([continuation], "boolean")] == [CONTINUING]
    dupixent = client.get(f"/v1/documents/{DUPIXENT_ID}/criteria", params={"format": "fhir"}).json()
    texts = [i["text"] for i in fhir_items(dupixent["item"], "boolean")]
    assert "Patient has greater than or equal to 20 nodular lesions" in texts
    assert all(text in DUPIXENT_PRURIGO for text in texts)
    # a "NOT ... either of the following" list keeps its logic as the op extension
    nones = [g for g in fhir_items(dupixent["item"], "group") if ext(g, "criteria-op")["valueCode"] == "none"]
    assert nones and all(g["text"].startswith("Patient is not receiving Dupixent") for g in nones)


def test_fhir_respects_the_indication_filter_and_empty_documents_validate(client):
    url = f"/v1/documents/{EPIDIOLEX_ID}/criteria"
    assert client.get(url, params={"format": "fhir", "indication": "lennox"}).json()["item"] == []
    body = client.get(f"/v1/documents/{NON_POLICY_ID}/criteria", params={"format": "fhir"}).json()
    Questionnaire.model_validate(body)
    assert body["item"] == []
