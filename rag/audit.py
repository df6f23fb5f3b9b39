"""The audit trail: every answer recorded in an append-only SQLite database (GUIDEQA_AUDIT).

One table, ``answers``, in ``DATA_DIR/audit.sqlite3`` (WAL mode). Records are only ever
inserted: a trigger refuses UPDATE, and rows are deleted only by retention
(GUIDEQA_AUDIT_RETENTION_DAYS, applied when the log is opened and by `guideqa audit prune`).
The question text carries patient details: it is stored only with GUIDEQA_AUDIT_QUESTIONS=true;
otherwise the record keeps its sha256, and the stored answer JSON has the question blanked and
the request spans a criteria-tree check quoted (leaf `evidence`, `reason`) removed.

Writing a record never fails an answer: `record` logs a failure loudly and returns None. Opening
the database does fail, with an `AuditError` naming the path and the fix, so a server that must
audit does not start without it.
"""

from __future__ import annotations

import builtins
import hashlib
import json
import logging
import sqlite3
import threading
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rag.criteria.tree import leaves
from rag.errors import AnswerNotFoundError, AuditError
from rag.types import Answer, AuditRecord, CitedVersion, DocumentRecord, Filters

log = logging.getLogger(__name__)

AUDIT_FILE = "audit.sqlite3"
HASH_DIGITS = 12
NOT_STORED = "[not stored]"

SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    recorded_at     TEXT NOT NULL,      -- UTC ISO, milliseconds, +00:00
    answer_id       TEXT NOT NULL UNIQUE,
    key_id          TEXT NOT NULL,      -- 'key:<fingerprint>', 'anonymous' or 'cli'; never a key
    mode            TEXT NOT NULL,
    model           TEXT,
    prompt_version  TEXT,
    corpus_version  TEXT NOT NULL,
    top_k           INTEGER,            -- as requested; NULL = the default
    filters         TEXT,               -- JSON Filters or NULL
    documents       TEXT NOT NULL,      -- JSON [{doc_id, content_hash}] of the cited documents
    verdict         TEXT,
    answerable      INTEGER NOT NULL,
    criteria        TEXT NOT NULL,      -- JSON {criteria: [...], tree: {...} | null}
    question_sha256 TEXT NOT NULL,
    question        TEXT,               -- only with GUIDEQA_AUDIT_QUESTIONS=true
    answer_json     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS answers_recorded_at ON answers (recorded_at);
CREATE TRIGGER IF NOT EXISTS answers_append_only BEFORE UPDATE ON answers
BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
"""

_COLUMNS = ("recorded_at", "answer_id", "key_id", "mode", "model", "prompt_version", "corpus_version",
            "top_k", "filters", "documents", "verdict", "answerable", "criteria", "question_sha256",
            "question", "answer_json")


def utc_iso(moment: datetime) -> str:
    """The one timestamp format of the table, so text order is time order."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def parse_since(text: str) -> datetime:
    """'2026-01-31' (midnight UTC) or an ISO date-time (UTC when it names no zone)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise AuditError(f"{text!r} is not a date: give YYYY-MM-DD or an ISO date-time.") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def question_hash(question: str) -> str:
    return hashlib.sha256(question.encode("utf-8")).hexdigest()


def cited_versions(answer: Answer, documents: Mapping[str, DocumentRecord]) -> list[CitedVersion]:
    """Each cited document (citations, then the criteria tree's policy) with its content hash: the
    version the answer itself says it used (`Answer.versions`, stamped from the snapshot that
    answered, current or as of a date), else the one `documents` holds now."""
    ids = [c.doc_id for c in answer.citations]
    if answer.criteria_tree is not None:
        ids.append(answer.criteria_tree.doc_id)
    used = {v.doc_id: v.version[:HASH_DIGITS] for v in answer.versions}
    out = []
    for doc_id in dict.fromkeys(ids):
        record = documents.get(doc_id)
        found = used.get(doc_id) or (record.content_hash[:HASH_DIGITS] if record else None)
        out.append(CitedVersion(doc_id=doc_id, content_hash=found))
    return out


def criteria_statuses(answer: Answer) -> dict[str, Any]:
    """The statuses an answer gave: its criteria list, and the criteria tree's leaves and result."""
    tree = answer.criteria_tree
    return {
        "criteria": [{"criterion": c.criterion, "status": c.status} for c in answer.criteria],
        "tree": None if tree is None else {
            "doc_id": tree.doc_id, "indication": tree.indication, "line": tree.line,
            "result": tree.result,
            "leaves": [{"label": leaf.label, "text": leaf.text, "status": leaf.status}
                       for leaf in leaves(tree.tree)],
        },
    }


def redacted(answer: Answer) -> Answer:
    """The answer without the question's text: question blanked, request spans removed."""
    copy = answer.model_copy(deep=True, update={"question": ""})
    if copy.criteria_tree is None:
        return copy
    text = copy.answer
    for leaf in leaves(copy.criteria_tree.tree):
        if leaf.evidence:
            text = text.replace(f"\u201c{leaf.evidence}\u201d", f"\u201c{NOT_STORED}\u201d")
        leaf.evidence = leaf.reason = None
    copy.answer = text
    return copy


class AuditLog:
    """The append-only answer log. Safe to share between threads: one connection, one lock (and
    a busy timeout for other processes writing the same file)."""

    def __init__(self, path: Path, *, store_questions: bool = False, retention_days: int | None = None,
                 create: bool = True) -> None:
        self.path = path
        self.store_questions = store_questions
        self._lock = threading.Lock()
        if not create and not path.exists():
            raise AuditError(
                f"There is no audit database at {path}: nothing has been recorded in this data "
                f"directory. Answers are recorded with GUIDEQA_AUDIT=true (on by default for "
                f"`guideqa serve`); check GUIDEQA_DATA_DIR.")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=10.0, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA busy_timeout = 10000")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.executescript(SCHEMA)
        except (sqlite3.Error, OSError) as exc:
            raise AuditError(
                f"Cannot open the audit database {path} ({exc}). Make the data directory writable "
                f"(or free disk space), point GUIDEQA_DATA_DIR at a writable directory, or turn "
                f"auditing off with GUIDEQA_AUDIT=false.") from exc
        if retention_days is not None:
            self.prune(retention_days)

    # ------------------------------------------------------------------ writing
    def record(self, answer: Answer, key_id: str, *, documents: Mapping[str, DocumentRecord],
               top_k: int | None = None, filters: Filters | None = None,
               at: datetime | None = None) -> AuditRecord | None:
        """Insert one record; on failure log an error and return None (the answer still goes out)."""
        question = answer.question
        stored = answer if self.store_questions else redacted(answer)
        rec = AuditRecord(
            answer_id=answer.answer_id, recorded_at=utc_iso(at or datetime.now(UTC)), key_id=key_id,
            mode=answer.mode, model=answer.model, prompt_version=answer.prompt_version,
            corpus_version=answer.corpus_version, top_k=top_k, filters=filters,
            documents=cited_versions(answer, documents), verdict=answer.verdict,
            answerable=answer.answerable, criteria=criteria_statuses(answer),
            question_sha256=question_hash(question),
            question=question if self.store_questions else None, answer=stored)
        row = (rec.recorded_at, rec.answer_id, rec.key_id, rec.mode, rec.model, rec.prompt_version,
               rec.corpus_version, rec.top_k,
               filters.model_dump_json() if filters is not None else None,
               json.dumps([d.model_dump() for d in rec.documents]), rec.verdict, int(rec.answerable),
               json.dumps(rec.criteria, ensure_ascii=False), rec.question_sha256, rec.question,
               stored.model_dump_json())
        try:
            with self._lock:
                self._db.execute(f"INSERT INTO answers ({', '.join(_COLUMNS)}) "
                                 f"VALUES ({', '.join('?' * len(_COLUMNS))})", row)
        except sqlite3.Error:
            log.exception("AUDIT RECORD LOST: answer %s could not be written to %s",
                          answer.answer_id, self.path)
            return None
        return rec

    def prune(self, days: int) -> int:
        """Delete records older than `days`; returns how many."""
        cutoff = utc_iso(datetime.now(UTC) - timedelta(days=days))
        try:
            with self._lock:
                cursor = self._db.execute("DELETE FROM answers WHERE recorded_at < ?", (cutoff,))
        except sqlite3.Error as exc:
            raise AuditError(f"Cannot prune the audit database {self.path} ({exc}).") from exc
        if cursor.rowcount:
            log.info("audit: deleted %d record(s) older than %d days", cursor.rowcount, days)
        return cursor.rowcount

    # ------------------------------------------------------------------ reading
    def get(self, answer_id: str) -> AuditRecord:
        rows = self._select("WHERE answer_id = ?", (answer_id,))
        if not rows:
            raise AnswerNotFoundError(answer_id)
        return rows[0]

    def list(self, since: datetime | None = None, limit: int | None = None) -> builtins.list[AuditRecord]:
        """Records from `since` on, oldest first (the newest `limit` of them when limited)."""
        where, params = ("WHERE recorded_at >= ?", (utc_iso(since),)) if since else ("", ())
        if limit is None:
            return self._select(f"{where} ORDER BY seq", params)
        newest = self._select(f"{where} ORDER BY seq DESC LIMIT ?", (*params, limit))
        return newest[::-1]

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM answers").fetchone()[0])

    def _select(self, tail: str, params: tuple[Any, ...]) -> builtins.list[AuditRecord]:
        try:
            with self._lock:
                rows = self._db.execute(f"SELECT {', '.join(_COLUMNS)} FROM answers {tail}", params).fetchall()
        except sqlite3.Error as exc:
            raise AuditError(f"Cannot read the audit database {self.path} ({exc}).") from exc
        return [_from_row(dict(zip(_COLUMNS, row, strict=True))) for row in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _from_row(row: dict[str, Any]) -> AuditRecord:
    return AuditRecord(
        answer_id=row["answer_id"], recorded_at=row["recorded_at"], key_id=row["key_id"],
        mode=row["mode"], model=row["model"], prompt_version=row["prompt_version"],
        corpus_version=row["corpus_version"], top_k=row["top_k"],
        filters=Filters.model_validate_json(row["filters"]) if row["filters"] else None,
        documents=[CitedVersion(**d) for d in json.loads(row["documents"])], verdict=row["verdict"],
        answerable=bool(row["answerable"]), criteria=json.loads(row["criteria"]),
        question_sha256=row["question_sha256"], question=row["question"],
        answer=Answer.model_validate_json(row["answer_json"]))


def open_audit_log(data_dir: Path, *, store_questions: bool, retention_days: int,
                   create: bool = True) -> AuditLog:
    """The audit log of a data directory, pruned to the retention period."""
    return AuditLog(data_dir / AUDIT_FILE, store_questions=store_questions,
                    retention_days=retention_days, create=create)
