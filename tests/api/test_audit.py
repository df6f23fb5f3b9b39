"""The audit trail through the HTTP API: /v1/ask and /v1/ask/stream record each answer,
GET /v1/answers/{answer_id} returns it; keys, concurrency, and auditing off."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.serve import serving_settings
from rag.audit import AUDIT_FILE
from rag.errors import AuditError
from rag.settings import AuditSettings, Settings
from tests.api.conftest import api_settings, build_answerer, events, is_problem

pytestmark = pytest.mark.unit

QUESTION = "What is the starting dose of luspatercept?"
KEY = "audit-test-key-0123456789"


@pytest.fixture
def audited(tmp_path: Path) -> Iterator[Callable[..., tuple[TestClient, Path]]]:
    """audited(questions=False, enabled=True, **api) -> (client, data_dir)."""
    clients: list[TestClient] = []

    def factory(*, questions: bool = False, enabled: bool | None = True, **api: Any) -> tuple[TestClient, Path]:
        data = tmp_path / f"data{len(clients)}"
        settings = api_settings(data, **api).model_copy(
            update={"audit": AuditSettings(enabled=enabled, questions=questions)})
        client = TestClient(create_app(settings, build_answerer(settings)), raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client, data

    yield factory
    for client in clients:
        client.__exit__(None, None, None)


def raw_rows(data: Path) -> list[dict]:
    with sqlite3.connect(data / AUDIT_FILE) as db:
        db.row_factory = sqlite3.Row
        return [dict(r) for r in db.execute("SELECT * FROM answers ORDER BY seq")]


def test_an_answer_is_recorded_and_returned_by_id(audited):
    client, data = audited()
    answer = client.post("/v1/ask", json={"question": QUESTION, "top_k": 4}).json()
    record = client.get(f"/v1/answers/{answer['answer_id']}")
    assert record.status_code == 200, record.text
    body = record.json()
    assert body["answer_id"] == answer["answer_id"] and body["key_id"] == "anonymous"
    assert body["mode"] == "extractive" and body["top_k"] == 4
    assert body["corpus_version"] == answer["corpus_version"]
    assert body["question"] is None
    assert body["question_sha256"] == hashlib.sha256(QUESTION.encode()).hexdigest()
    assert body["answer"] == answer | {"question": ""}
    cited = sorted({c["doc_id"] for c in answer["citations"]})
    assert sorted(d["doc_id"] for d in body["documents"]) == cited and cited
    assert all(len(d["content_hash"]) == 12 for d in body["documents"])
    row = raw_rows(data)[0]
    assert row["question"] is None and QUESTION not in row["answer_json"]


def test_the_question_text_is_stored_when_enabled(audited):
    client, data = audited(questions=True)
    answer_id = client.post("/v1/ask", json={"question": QUESTION}).json()["answer_id"]
    assert client.get(f"/v1/answers/{answer_id}").json()["question"] == QUESTION
    assert raw_rows(data)[0]["question"] == QUESTION


def test_a_streamed_answer_is_recorded(audited):
    client, _ = audited()
    got = events(client.post("/v1/ask/stream", json={"question": QUESTION}))
    final = got[-1]
    assert final[0] == "answer" and final[1]["answer_id"]
    record = client.get(f"/v1/answers/{final[1]['answer_id']}").json()
    assert record["answer"]["citations"] == final[1]["citations"]


def test_reading_answers_needs_a_key_when_keys_are_set(audited):
    client, data = audited(api_keys=[KEY])
    answer_id = client.post("/v1/ask", json={"question": QUESTION},
                            headers={"Authorization": f"Bearer {KEY}"}).json()["answer_id"]
    is_problem(client.get(f"/v1/answers/{answer_id}"), 401)
    is_problem(client.get(f"/v1/answers/{answer_id}", headers={"Authorization": "Bearer wrong"}), 401)
    got = client.get(f"/v1/answers/{answer_id}", headers={"Authorization": f"Bearer {KEY}"})
    assert got.status_code == 200
    assert got.json()["key_id"] == "key:" + hashlib.sha256(KEY.encode()).hexdigest()[:12]
    assert KEY.encode() not in (data / AUDIT_FILE).read_bytes()


def test_an_unknown_answer_id_is_404(audited):
    client, _ = audited()
    body = is_problem(client.get("/v1/answers/0123456789abcdef"), 404)
    assert body["type"].endswith("answer-not-found") and "guideqa audit list" in body["detail"]


def test_concurrent_requests_lose_no_record(audited):
    client, data = audited()

    def ask(n: int) -> str:
        response = client.post("/v1/ask", json={"question": f"{QUESTION} ({n})"})
        assert response.status_code == 200
        return response.json()["answer_id"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(ask, range(40)))
    rows = raw_rows(data)
    assert len(rows) == 40 and {r["answer_id"] for r in rows} == set(ids)


def test_auditing_off_creates_no_database(audited):
    client, data = audited(enabled=None)  # unset: off unless served by `guideqa serve`
    answer = client.post("/v1/ask", json={"question": QUESTION}).json()
    assert answer["answer_id"]
    body = is_problem(client.get(f"/v1/answers/{answer['answer_id']}"), 404)
    assert "auditing is off" in body["detail"]
    assert not (data / AUDIT_FILE).exists()


def test_serve_turns_auditing_on_unless_explicitly_off(tmp_path):
    def resolved(enabled: bool | None) -> bool | None:
        settings = Settings(audit=AuditSettings(enabled=enabled))
        return serving_settings(settings).audit.enabled

    assert resolved(None) is True and resolved(True) is True and resolved(False) is False
    assert AuditSettings(enabled=None).on(serving=False) is False  # the command line


def test_an_unopenable_database_fails_at_start_naming_the_path(tmp_path):
    settings = api_settings(tmp_path / "data").model_copy(update={"audit": AuditSettings(enabled=True)})
    (tmp_path / "data" / AUDIT_FILE).mkdir(parents=True)
    with pytest.raises(AuditError, match="GUIDEQA_AUDIT=false") as caught:
        create_app(settings, build_answerer(settings, ingest=False))
    assert str(tmp_path / "data" / AUDIT_FILE) in str(caught.value)


def test_the_endpoint_is_documented(audited):
    client, _ = audited()
    assert "/v1/answers/{answer_id}" in client.get("/openapi.json").json()["paths"]
