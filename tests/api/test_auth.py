"""API keys: which endpoints need one, how they are checked, and where the server may listen."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from api.auth import key_is_valid
from api.serve import check_security, is_loopback
from rag.errors import ConfigurationError
from rag.settings import APISettings, Settings
from tests.api.conftest import is_problem

pytestmark = pytest.mark.unit

KEYS = ["k-alpha-123", "k-beta-456"]
TXT = ("policy.txt", b"Zibotentan needs prior therapy.\n", "text/plain")
QUESTION = {"question": "What is the luspatercept starting dose?"}


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def writes(client, headers: dict[str, str]) -> list:
    return [
        client.post("/v1/documents", files={"file": TXT}, headers=headers),
        client.post("/v1/reindex", headers=headers),
        client.delete("/v1/documents/luspatercept-livertox-hepatotoxicity", headers=headers),
    ]


def test_without_keys_nothing_asks_for_one(client):
    assert [r.status_code for r in writes(client, {})] == [201, 200, 200]
    assert client.post("/v1/ask", json=QUESTION).status_code == 200


def test_with_keys_every_write_needs_one(make_client):
    client = make_client(api_keys=KEYS)
    for response in writes(client, {}):
        problem = is_problem(response, 401)
        assert "GUIDEQA_API_KEYS" in problem["detail"] and "Bearer" in problem["detail"]
        assert response.headers["www-authenticate"].startswith("Bearer")
    for response in writes(client, bearer("k-wrong")):
        assert "not valid" in is_problem(response, 401)["detail"]
    for response in writes(client, {"Authorization": "Basic azphbHBoYQ=="}):
        is_problem(response, 401)
    assert [r.status_code for r in writes(client, bearer(KEYS[1]))] == [201, 200, 200]


def test_with_keys_reading_and_asking_stay_open_by_default(make_client):
    client = make_client(api_keys=KEYS)
    assert client.post("/v1/ask", json=QUESTION).status_code == 200
    assert client.post("/v1/ask/stream", json=QUESTION).status_code == 200
    for path in ("/v1/documents", "/v1/documents/luspatercept-drug-information", "/v1/corpus",
                 "/healthz", "/readyz", "/"):
        assert client.get(path).status_code == 200, path
    assert client.get("/v1/corpus").json()["auth"] == {
        "writes_require_key": True, "ask_requires_key": False}


def test_require_key_for_ask_protects_both_ask_endpoints(make_client):
    client = make_client(api_keys=KEYS, require_key_for_ask=True)
    for path in ("/v1/ask", "/v1/ask/stream"):
        problem = is_problem(client.post(path, json=QUESTION), 401)
        assert "GUIDEQA_REQUIRE_KEY_FOR_ASK" in problem["detail"]
        is_problem(client.post(path, json=QUESTION, headers=bearer("nope")), 401)
        assert client.post(path, json=QUESTION, headers=bearer(KEYS[0])).status_code == 200
    assert client.get("/v1/corpus").json()["auth"]["ask_requires_key"] is True


def test_the_key_is_checked_before_the_body(make_client):
    client = make_client(api_keys=KEYS, require_key_for_ask=True)
    is_problem(client.post("/v1/ask", json={"question": ""}), 401)


def test_key_comparison():
    assert key_is_valid("k-alpha-123", KEYS)
    assert not key_is_valid("k-alpha-12", KEYS)
    assert not key_is_valid("", KEYS)
    assert not key_is_valid("anything", [])


def test_keys_are_read_comma_separated_from_the_environment(monkeypatch):
    monkeypatch.setenv("GUIDEQA_API_KEYS", " k-alpha-123, k-beta-456 ,,")
    monkeypatch.setenv("GUIDEQA_REQUIRE_KEY_FOR_ASK", "true")
    api = APISettings()
    assert api.api_keys == KEYS and api.require_key_for_ask is True


@pytest.mark.parametrize("host, loopback", [
    ("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.0.0.2", True),
    ("0.0.0.0", False), ("::", False), ("192.168.1.10", False), ("example.org", False),
])
def test_is_loopback(host, loopback):
    assert is_loopback(host) is loopback


def settings_with(**api) -> Settings:
    return Settings(api=APISettings(**api))


def test_without_keys_only_loopback_is_allowed_and_it_says_so():
    assert "loopback only" in check_security(settings_with(host="127.0.0.1", api_keys=[]))
    with pytest.raises(ConfigurationError, match="GUIDEQA_API_KEYS"):
        check_security(settings_with(host="0.0.0.0", api_keys=[]))
    assert "Bearer" in check_security(settings_with(host="0.0.0.0", api_keys=KEYS))


def test_require_key_for_ask_without_keys_is_refused():
    with pytest.raises(ConfigurationError, match="GUIDEQA_API_KEYS is empty"):
        check_security(settings_with(api_keys=[], require_key_for_ask=True))


def test_serve_command_refuses_a_public_host_without_keys(monkeypatch, tmp_path):
    from api import cli_common
    from api.cli_serve import serve

    monkeypatch.setattr(cli_common, "get_settings", lambda: Settings(api=APISettings(api_keys=[])))
    app = typer.Typer()
    app.command()(serve)
    result = CliRunner().invoke(app, ["--host", "0.0.0.0", "--port", "8123"])
    assert result.exit_code == 2
    assert "Refusing to listen on 0.0.0.0" in result.output
