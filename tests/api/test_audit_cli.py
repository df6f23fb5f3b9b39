"""`guideqa ask` with GUIDEQA_AUDIT and `guideqa audit list/show/export/prune/replay`, through
typer's CliRunner on a copy of the corpus (hash embedder, embedded Chroma, a temp data dir)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from rag.audit import AUDIT_FILE
from rag.settings import get_settings
from tests.conftest import CORPUS

pytestmark = pytest.mark.unit

QUESTION = "What is the starting dose of luspatercept?"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Path]]:
    """(corpus copy, data dir), ingested; auditing on with question text stored."""
    corpus, data = tmp_path / "corpus", tmp_path / "data"
    shutil.copytree(CORPUS, corpus)
    monkeypatch.setenv("GUIDEQA_DATA_DIR", str(data))
    monkeypatch.setenv("GUIDEQA_EMBEDDER_MODEL", "hash")
    monkeypatch.setenv("GUIDEQA_ABSTAIN_MIN_SIMILARITY", "0.05")  # calibrated for the real embedder
    monkeypatch.setenv("GUIDEQA_AUDIT", "true")
    monkeypatch.setenv("GUIDEQA_AUDIT_QUESTIONS", "true")
    monkeypatch.delenv("GUIDEQA_LLM", raising=False)
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["ingest", str(corpus), "--json"])
    assert result.exit_code == 0, result.output
    yield corpus, data
    get_settings.cache_clear()


def run(*args: str) -> tuple[int, str]:
    """(exit code, stdout and stderr)."""
    get_settings.cache_clear()
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def run_stdout(*args: str) -> str:
    get_settings.cache_clear()
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def ask_json(question: str = QUESTION) -> dict:
    return json.loads(run_stdout("ask", question, "--json"))


def test_ask_prints_the_answer_id_and_records_it(env):
    code, out = run("ask", QUESTION)
    assert code == 0 and "answer id " in out
    answer_id = out.split("answer id ")[1].split()[0]
    code, shown = run("audit", "show", answer_id)
    assert code == 0, shown
    record = json.loads(shown)
    assert record["key_id"] == "cli" and record["question"] == QUESTION


def test_list_show_and_export(env, tmp_path):
    ids = [ask_json()["answer_id"], ask_json("Which documents mention anemia?")["answer_id"]]
    code, out = run("audit", "list")
    assert code == 0 and all(i in out for i in ids) and "cli" in out
    code, out = run("audit", "list", "--limit", "1")
    assert ids[1] in out and ids[0] not in out
    out = run_stdout("audit", "export", "--since", "2000-01-01")
    assert [json.loads(line)["answer_id"] for line in out.splitlines()] == ids
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    assert run_stdout("audit", "export", "--since", tomorrow).strip() == ""
    target = tmp_path / "export.jsonl"
    code, _ = run("audit", "export", "--out", str(target))
    assert code == 0 and len(target.read_text().splitlines()) == 2
    code, out = run("audit", "show", "nope")
    assert code == 2 and "No recorded answer" in out


def test_batch_asks_are_recorded(env, tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text("\n".join(json.dumps({"id": n, "question": f"{QUESTION} {n}"}) for n in range(3)))
    out = run_stdout("ask", "--questions", str(questions))
    ids = [json.loads(line)["answer_id"] for line in out.splitlines()]
    with sqlite3.connect(env[1] / AUDIT_FILE) as db:
        assert sorted(r[0] for r in db.execute("SELECT answer_id FROM answers")) == sorted(ids)


def test_replay_is_same_on_an_unchanged_corpus(env):
    answer = ask_json()
    code, out = run("audit", "replay", answer["answer_id"])
    assert code == 0, out
    assert out.strip().endswith("same") and "different" not in out


def test_replay_uses_the_recorded_version_and_names_the_document_that_changed(env):
    corpus, _ = env
    answer = ask_json()
    doc_id = answer["citations"][0]["doc_id"]
    [path] = [p for p in corpus.iterdir() if p.stem == doc_id]
    path.write_text(path.read_text(encoding="utf-8") + "\n\nThis paragraph was added for a test.\n",
                    encoding="utf-8")
    code, out = run("ingest", str(corpus), "--json")
    assert code == 0 and doc_id in json.loads(out)["updated"]
    code, out = run("audit", "replay", answer["answer_id"])
    assert code == 0, out  # answered again from the recorded version, kept as superseded
    assert f"document {doc_id} changed" in out and "replayed against the recorded version" in out
    code, out = run("docs", "remove", doc_id)
    assert code == 0, out
    code, out = run("audit", "replay", answer["answer_id"])
    assert code == 1, out  # the recorded version is gone with the document
    assert f"document {doc_id} is no longer indexed" in out and "different" in out


def test_replay_without_the_question_says_how_to_store_it(env, monkeypatch):
    monkeypatch.setenv("GUIDEQA_AUDIT_QUESTIONS", "false")
    answer_id = ask_json()["answer_id"]
    code, out = run("audit", "replay", answer_id)
    assert code == 2 and "was not stored" in out and "GUIDEQA_AUDIT_QUESTIONS=true" in out


def test_prune_deletes_old_records(env):
    ask_json()
    code, out = run("audit", "prune")
    assert code == 0 and "0 record(s)" in out
    with sqlite3.connect(env[1] / AUDIT_FILE) as db:  # a raw insert dated long ago (tests only)
        columns = [r[1] for r in db.execute("PRAGMA table_info(answers)") if r[1] != "seq"]
        row = dict(zip(columns, db.execute(f"SELECT {', '.join(columns)} FROM answers").fetchone(), strict=True))
        row |= {"answer_id": "old", "recorded_at": "2000-01-01T00:00:00.000+00:00"}
        db.execute(f"INSERT INTO answers ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                   list(row.values()))
    code, out = run("audit", "prune")
    assert code == 0 and "1 record(s)" in out
    with sqlite3.connect(env[1] / AUDIT_FILE) as db:
        assert db.execute("SELECT count(*) FROM answers WHERE answer_id = 'old'").fetchone()[0] == 0


def test_the_command_line_does_not_audit_by_default(env, monkeypatch):
    monkeypatch.delenv("GUIDEQA_AUDIT")
    (env[1] / AUDIT_FILE).unlink(missing_ok=True)
    assert ask_json()["answer_id"]
    assert not (env[1] / AUDIT_FILE).exists()
    code, out = run("audit", "list")
    assert code == 2 and "no audit database" in out.lower()
