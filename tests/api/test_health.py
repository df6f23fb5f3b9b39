"""GET /healthz, /readyz, /v1/corpus; the page, the docs, and problem JSON for unknown paths."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from tests.api.conftest import api_settings, build_answerer, is_problem
from tests.api.fakes import FlakyStore

pytestmark = pytest.mark.unit


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_when_models_and_store_are_there(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"models": "ok", "store": "ok"}}


def test_readyz_503_with_the_reason_when_the_store_is_unreachable(make_client):
    store = FlakyStore()
    client = make_client(store=store)
    store.down = True
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert "cannot be reached" in body["checks"]["store"]
    problem = is_problem(client.post("/v1/ask", json={"question": "luspatercept dose"}), 503)
    assert "cannot be reached" in problem["detail"]


def test_not_ready_when_start_up_fails_says_why(tmp_path):
    settings = api_settings(tmp_path / "data")
    build_answerer(settings).index.close()  # indexed with the hash-256 embedder...
    settings = settings.model_copy(update={
        "embedder": settings.embedder.model_copy(update={"model": "hash-128"})})
    with TestClient(create_app(settings)) as client:  # ...opened with hash-128: mismatch
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert "re-index" in ready.json()["checks"]["models"]
        body = is_problem(client.post("/v1/ask", json={"question": "luspatercept dose"}), 503)
        assert "not ready" in body["detail"] and "re-index" in body["detail"]
        assert client.get("/healthz").status_code == 200


def test_start_up_loads_the_index_once(tmp_path):
    settings = api_settings(tmp_path / "data")
    build_answerer(settings).index.close()
    app = create_app(settings)
    with TestClient(app) as client:
        answerer = app.state.answerer
        assert answerer is not None
        assert client.post("/v1/ask", json={"question": "luspatercept dose"}).status_code == 200
        assert client.get("/v1/corpus").json()["documents"] == 5
        assert app.state.answerer is answerer


def test_corpus_info(client):
    info = client.get("/v1/corpus").json()
    assert info["documents"] == 5
    assert info["chunks"] > 5
    assert info["embedder"] == "hash-256"
    assert info["embedding_dim"] == 256
    assert info["default_mode"] == "extractive"
    assert info["llm"] is None
    assert len(info["corpus_version"]) == 16
    assert info["doc_types"]["drug_label"] == 1
    assert info["auth"] == {"writes_require_key": False, "ask_requires_key": False}


def test_the_page_is_served_with_its_assets_and_a_strict_policy(client):
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert 'src="/static/app.js"' in page.text and 'href="/static/style.css"' in page.text
    assert "http://" not in page.text and "https://" not in page.text  # works offline
    for asset in ("/static/app.js", "/static/dom.js", "/static/answer.js", "/static/docs.js", "/static/criteria.js",
                  "/static/style.css"):
        response = client.get(asset)
        assert response.status_code == 200
        assert "http://" not in response.text and "https://" not in response.text


def test_api_documentation(client):
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "cdn" not in docs.text.lower()  # works offline: assets are served here
    for asset in ("/swagger-ui/swagger-ui-bundle.js", "/swagger-ui/swagger-ui.css"):
        assert asset in docs.text and client.get(asset).status_code == 200
    spec = client.get("/openapi.json").json()
    for path in ("/v1/ask", "/v1/ask/stream", "/v1/documents", "/v1/documents/{doc_id}",
                 "/v1/reindex", "/v1/corpus", "/healthz", "/readyz"):
        assert path in spec["paths"], path


def test_unknown_path_and_wrong_method_are_problem_json(client):
    assert "/v1" in is_problem(client.get("/v1/nothing-here"), 404)["detail"]
    assert "GET" in is_problem(client.get("/v1/ask"), 405)["detail"]
