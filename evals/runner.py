"""One eval run: sync the store with the corpus, ask every gold question, score, aggregate.

The sync (prune=True on the corpus directory) comes first, so what gets scored is always the
corpus as it is now, and the report names its version.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from langchain_core.language_models import BaseChatModel

from evals.gold import GoldItem, StaleQuote, check_gold, corpus_texts
from evals.judge import JudgeSummary
from evals.report_model import (
    REPORT_SCHEMA,
    CorpusInfo,
    EvalReport,
    GoldInfo,
    IngestSummary,
    ModelsInfo,
)
from evals.scoring import ItemResult, aggregate, per_document, score_item, verdict_confusion
from ingest.progress import SyncProgress
from ingest.sync import sync
from rag.answer import Answerer
from rag.errors import ConfigurationError, LLMError
from rag.index import Index
from rag.llm import model_name
from rag.prompts import PROMPT_VERSION
from rag.settings import Settings
from rag.types import Answer, AnswerMode, IngestReport

log = logging.getLogger(__name__)

SECRET_FIELDS = {"llm": {"api_key"}, "api": {"api_keys"}}


@dataclass
class Run:
    """Everything one run produced; `report()` is what report.json holds."""

    gold_file: Path
    mode: AnswerMode
    settings: Settings
    ingest: IngestReport
    corpus_version: str
    embedder: str
    llm: str | None
    documents: dict[str, str]  # doc_id -> version scored
    results: list[ItemResult]
    answers: dict[str, Answer]
    stale: list[StaleQuote] = field(default_factory=list)
    judge: JudgeSummary | None = None
    seconds: float = 0.0
    started: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def report(self) -> EvalReport:
        """The run as report.json holds it; the gate section is added by the caller."""
        return EvalReport(
            schema_version=REPORT_SCHEMA,
            created_at=self.started,
            seconds=round(self.seconds, 2),
            mode=self.mode,
            gold=GoldInfo(
                file=str(self.gold_file), items=len(self.results), stale_quotes=self.stale
            ),
            corpus=CorpusInfo(
                dir=str(self.settings.ingest.corpus_dir),
                version=self.corpus_version,
                ingest=_ingest_summary(self.ingest),
                documents=self.documents,
            ),
            prompt_version=PROMPT_VERSION if self.mode == "llm" else None,
            models=ModelsInfo(embedder=self.embedder, llm=self.llm),
            settings=self.settings.model_dump(mode="json", exclude=SECRET_FIELDS),
            metrics=aggregate(self.results, self.mode),
            verdict_confusion=verdict_confusion(self.results) if self.mode == "llm" else None,
            per_document=per_document(self.results, self.mode),
            judge=self.judge,
            items=self.results,
        )


def _ingest_summary(report: IngestReport) -> IngestSummary:
    return IngestSummary(
        added=len(report.added),
        updated=len(report.updated),
        unchanged=len(report.unchanged),
        removed=len(report.removed),
        failed=report.failed,
    )


def sync_corpus(index: Index, progress: SyncProgress | None = None) -> IngestReport:
    """Bring the store in line with the corpus directory, like `guideqa ingest --prune`."""
    corpus = index.settings.ingest.corpus_dir
    if not corpus.is_dir():
        raise ConfigurationError(
            f"the corpus directory {corpus} does not exist: set GUIDEQA_CORPUS_DIR or run from "
            f"the project root."
        )
    report = sync(index, [corpus], prune=True, progress=progress)
    for failure in report.failed:
        log.warning("corpus file failed to ingest: %s: %s", failure.path, failure.error)
    return report


def ask_all(
    answerer: Answerer,
    gold: list[GoldItem],
    mode: AnswerMode,
    on_item: Callable[[ItemResult], None] | None = None,
) -> tuple[list[ItemResult], dict[str, Answer]]:
    """Ask every gold question and score it. An LLM failure fails that item, not the run."""
    results: list[ItemResult] = []
    answers: dict[str, Answer] = {}
    for item in gold:
        try:
            answer = answerer.ask(item.question, mode=mode)
        except LLMError as exc:
            log.warning("item %s: %s", item.id, exc)
            result = score_item(item, None, mode, error=str(exc))
        else:
            answers[item.id] = answer
            result = score_item(item, answer, mode)
        results.append(result)
        if on_item is not None:
            on_item(result)
    return results, answers


def run_eval(
    index: Index,
    gold: list[GoldItem],
    gold_file: Path,
    mode: AnswerMode,
    *,
    chat_model: BaseChatModel | None = None,
    sync_progress: SyncProgress | None = None,
    on_item: Callable[[ItemResult], None] | None = None,
) -> Run:
    """Sync, check the gold quotes against the corpus, ask and score every item."""
    started = time.perf_counter()
    settings = index.settings
    answerer = Answerer(index, chat_model)
    llm = None
    if mode == "llm":
        chat = answerer.chat_model()
        if chat is None:
            raise ConfigurationError("--mode llm needs an LLM: set GUIDEQA_LLM=provider:model.")
        llm = model_name(chat)
    ingest = sync_corpus(index, sync_progress)
    stale = check_gold(gold, corpus_texts(settings.ingest.corpus_dir, settings.ingest))
    if stale:
        log.warning("%d gold quote(s) are stale; run `guideqa eval --check-gold`", len(stale))
    results, answers = ask_all(answerer, gold, mode, on_item)
    return Run(
        gold_file=gold_file,
        mode=mode,
        settings=settings,
        ingest=ingest,
        corpus_version=ingest.corpus_version or index.corpus_version,
        embedder=index.embedder.name,
        llm=llm,
        documents={d: r.content_hash[:12] for d, r in sorted(index.data.documents.items())},
        results=results,
        answers=answers,
        stale=stale,
        seconds=time.perf_counter() - started,
    )
