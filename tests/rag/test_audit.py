"""The audit log itself (rag.audit.AuditLog): append-only records in SQLite, concurrency,
retention, what is and is not stored. Answers here are built by hand with neutral text."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rag.audit import AUDIT_FILE, AuditLog, open_audit_log, redacted
from rag.criteria.tree import CriteriaTreeResult, Leaf, Node
from rag.errors import AnswerNotFoundError, AuditError
from rag.types import Answer, Citation, Criterion, DocumentMeta, DocumentRecord, new_answer_id

pytestmark = pytest.mark.unit

QUESTION = "Does the sample document answer this neutral question?"


def answer(question: str = QUESTION, **update: object) -> Answer:
    base = Answer(question=question, answer="A passage [1].", answerable=True, mode="extractive",
                  corpus_version="c0ffee", criteria=[Criterion(criterion="first item", status="met")],
                  citations=[Citation(id=1, chunk_id="k1", doc_id="doc-a", title="Doc A",
                                      quote="A passage", text="A passage of text.")])
    return base.model_copy(update=update)


def documents() -> dict[str, DocumentRecord]:
    return {"doc-a": DocumentRecord(doc_id="doc-a", content_hash="ab" * 32, config_hash="x", path="/a",
                                    root="/", meta=DocumentMeta(title="Doc A"), chunk_ids=["k1"],
                                    ingested_at="2026-01-01T00:00:00+00:00")}


def raw_rows(path: Path) -> list[dict]:
    with sqlite3.connect(path) as db:
        db.row_factory = sqlite3.Row
        return [dict(r) for r in db.execute("SELECT * FROM answers ORDER BY seq")]


def test_a_record_keeps_the_versions_hash_and_statuses_but_not_the_question(tmp_path):
    log = open_audit_log(tmp_path, store_questions=False, retention_days=365)
    given = answer()
    log.record(given, "cli", documents=documents(), top_k=5)
    row = raw_rows(tmp_path / AUDIT_FILE)[0]
    assert row["question"] is None
    assert row["question_sha256"] == hashlib.sha256(QUESTION.encode()).hexdigest()
    assert QUESTION not in row["answer_json"]
    got = log.get(given.answer_id)
    assert got.key_id == "cli" and got.top_k == 5 and got.mode == "extractive"
    assert [(d.doc_id, d.content_hash) for d in got.documents] == [("doc-a", "ab" * 6)]
    assert got.criteria["criteria"] == [{"criterion": "first item", "status": "met"}]
    assert got.answer.question == "" and got.answer.citations == given.citations
    assert got.recorded_at.endswith("+00:00")


def test_the_question_is_stored_only_when_enabled(tmp_path):
    log = open_audit_log(tmp_path, store_questions=True, retention_days=365)
    given = answer()
    log.record(given, "cli", documents=documents())
    assert raw_rows(tmp_path / AUDIT_FILE)[0]["question"] == QUESTION
    assert log.get(given.answer_id).answer.question == QUESTION


def test_concurrent_writers_lose_no_record(tmp_path):
    log = open_audit_log(tmp_path, store_questions=False, retention_days=365)
    written: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(25):
            given = answer()
            assert log.record(given, "cli", documents=documents()) is not None
            with lock:
                written.append(given.answer_id)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # a second connection (another process, say) writing meanwhile is covered by busy_timeout
    assert log.count() == 200 == len(written)
    assert {r.answer_id for r in log.list()} == set(written)


def test_retention_deletes_old_records_only(tmp_path):
    log = open_audit_log(tmp_path, store_questions=False, retention_days=365)
    now = datetime.now(UTC)
    old, recent, fresh = answer(), answer(), answer()
    log.record(old, "cli", documents=documents(), at=now - timedelta(days=400))
    log.record(recent, "cli", documents=documents(), at=now - timedelta(days=10))
    log.record(fresh, "cli", documents=documents())
    log.close()
    reopened = open_audit_log(tmp_path, store_questions=False, retention_days=365)  # prunes on open
    assert [r.answer_id for r in reopened.list()] == [recent.answer_id, fresh.answer_id]
    assert reopened.prune(5) == 1
    assert [r.answer_id for r in reopened.list()] == [fresh.answer_id]


def test_list_since_and_limit(tmp_path):
    log = open_audit_log(tmp_path, store_questions=False, retention_days=365)
    now = datetime.now(UTC)
    ids = []
    for days in (3, 2, 1):
        given = answer()
        log.record(given, "cli", documents=documents(), at=now - timedelta(days=days))
        ids.append(given.answer_id)
    assert [r.answer_id for r in log.list(since=now - timedelta(days=2, hours=1))] == ids[1:]
    assert [r.answer_id for r in log.list(limit=2)] == ids[1:]


def test_records_cannot_be_updated(tmp_path):
    log = open_audit_log(tmp_path, store_questions=False, retention_days=365)
    log.record(answer(), "cli", documents=documents())
    with sqlite3.connect(tmp_path / AUDIT_FILE) as db, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE answers SET verdict = 'conflicting'")


def test_unknown_answer_id(tmp_path):
    log = open_audit_log(tmp_path, store_questions=False, retention_days=365)
    with pytest.raises(AnswerNotFoundError, match="guideqa audit list"):
        log.get("nope")


def test_a_database_that_cannot_be_opened_names_the_path_and_the_fix(tmp_path):
    (tmp_path / AUDIT_FILE).mkdir()  # a directory where the database file should be
    with pytest.raises(AuditError) as caught:
        open_audit_log(tmp_path, store_questions=False, retention_days=365)
    assert str(tmp_path / AUDIT_FILE) in str(caught.value) and "GUIDEQA_AUDIT=false" in str(caught.value)


def test_readers_do_not_create_a_database(tmp_path):
    with pytest.raises(AuditError, match="no audit database"):
        open_audit_log(tmp_path, store_questions=False, retention_days=365, create=False)
    assert not (tmp_path / AUDIT_FILE).exists()


def test_a_failed_write_is_logged_and_does_not_raise(tmp_path, caplog):
    log = AuditLog(tmp_path / AUDIT_FILE)
    log._db.execute("DROP TRIGGER answers_append_only")
    log._db.execute("DROP TABLE answers")  # simulate a broken database under a running server
    with caplog.at_level(logging.ERROR, logger="rag.audit"):
        assert log.record(answer(), "cli", documents=documents()) is None
    assert "AUDIT RECORD LOST" in caplog.text


def test_redaction_removes_request_spans_of_a_criteria_tree():
    leaf = Leaf(text="Age at least 2 years", status="met", evidence="sample request span", reason="rule")
    tree = CriteriaTreeResult(doc_id="doc-a", title="Doc A", drug="Drug", indication="Indication",
                              line="initial", why="chosen", result="met", tree=Node(op="all", children=[leaf]))
    given = answer(answer="- \u201cAge at least 2 years\u201d - request: \u201csample request span\u201d",
                   criteria_tree=tree)
    clean = redacted(given)
    assert "sample request span" not in clean.model_dump_json()
    assert clean.question == "" and given.question == QUESTION  # the original is untouched
    assert clean.criteria_tree is not None and clean.criteria_tree.result == "met"


def test_answer_ids_are_unique_and_sort_by_time():
    ids = [new_answer_id() for _ in range(1000)]
    assert len(set(ids)) == 1000 and all(len(i) == 32 for i in ids)
    assert ids[0][:12] <= ids[-1][:12]
