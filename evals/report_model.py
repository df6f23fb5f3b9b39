"""The eval report as pydantic models: what report.json holds, field for field and in its order.

`EvalReport` is what `evals.runner.Run.report()` returns, what `evals.report` and `evals.html`
render, what `evals.gate` checks and what `--compare` reads back (`evals.gate.load_baseline`).
The gate's own records (`Rule`, `Violation`, `Delta`, `Comparison`, `GateResult`) live here too,
because the report embeds them; `evals.gate` holds the logic that produces them.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_serializer

from evals.gold import StaleQuote
from evals.judge import JudgeSummary
from evals.scoring import ItemResult
from rag.types import AnswerMode, FailedFile

REPORT_SCHEMA = 1

# ---------------------------------------------------------------- the gate


class Rule(BaseModel):
    """One metric's entry in the thresholds file."""

    model_config = ConfigDict(extra="forbid")

    min: float | None = Field(default=None, description="Fail when the metric is below this.")
    max: float | None = Field(default=None, description="Fail when the metric is above this.")
    tolerance: float | None = Field(default=None, ge=0, description="Largest allowed worsening.")
    modes: list[str] | None = Field(
        default=None, description="Answer modes the min/max applies in (default: all)."
    )


class Violation(BaseModel):
    metric: str
    kind: str = Field(description="'threshold' or 'regression'.")
    value: float
    limit: float
    message: str


class Delta(BaseModel):
    metric: str
    baseline: float | None
    current: float | None
    delta: float | None
    tolerance: float | None
    regressed: bool


class WorseItem(BaseModel):
    id: str
    question: str
    changes: list[str]


class Comparison(BaseModel):
    baseline: str
    baseline_corpus_version: str
    changed_documents: list[str] = Field(
        default_factory=list, description="Documents whose version differs from the baseline's (added, "
        "removed or changed): a cause to look at beside the items that got worse.")
    deltas: list[Delta]
    worse_items: list[WorseItem]
    note: str | None = Field(default=None, description="Why tolerances were not applied, if so.")


class GateResult(BaseModel):
    """The gate's outcome: threshold violations and regressions, and the comparison if any."""

    thresholds_file: str
    violations: list[Violation] = Field(default_factory=list)
    comparison: Comparison | None = None

    @property
    def passed(self) -> bool:
        return not self.violations

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1


class GateSection(BaseModel):
    """What report.json records of the gate: its outcome and the rules it applied."""

    thresholds_file: str = Field(description="The thresholds file the gate read.")
    violations: list[Violation] = Field(
        default_factory=list, description="Thresholds broken and regressions beyond tolerance."
    )
    comparison: Comparison | None = Field(
        default=None, description="Deltas against the --compare baseline, when one was given."
    )
    passed: bool = Field(description="True when there are no violations.")
    rules: dict[str, Rule] = Field(
        default_factory=dict, description="metric -> the rule applied (unset fields left out)."
    )

    @field_serializer("rules")
    def _rules_without_unset(self, rules: dict[str, Rule]) -> dict[str, dict[str, Any]]:
        return {name: rule.model_dump(exclude_none=True) for name, rule in rules.items()}

    def deltas(self) -> dict[str, Delta]:
        """metric -> its change against the baseline; empty without a comparison."""
        return {d.metric: d for d in self.comparison.deltas} if self.comparison else {}

    def failing(self) -> set[str]:
        """Metrics with a violation."""
        return {v.metric for v in self.violations}


# ---------------------------------------------------------------- the run


class GoldInfo(BaseModel):
    file: str = Field(description="The gold JSONL file scored.")
    items: int = Field(description="How many gold items were asked.")
    stale_quotes: list[StaleQuote] = Field(
        default_factory=list, description="Gold quotes no longer found in their document."
    )


class IngestSummary(BaseModel):
    """The corpus sync before scoring, in counts (failures in full)."""

    added: int = Field(description="Documents ingested for the first time.")
    updated: int = Field(description="Documents whose content changed.")
    unchanged: int = Field(description="Documents already up to date.")
    removed: int = Field(description="Documents pruned because their file is gone.")
    failed: list[FailedFile] = Field(default_factory=list, description="Files that failed.")


class CorpusInfo(BaseModel):
    dir: str = Field(description="The corpus directory synced and scored.")
    version: str = Field(description="Corpus version after the sync.")
    ingest: IngestSummary = Field(description="What the sync did.")
    documents: dict[str, str] = Field(
        default_factory=dict, description="doc_id -> the version scored (12 hex of its content hash).")


class ModelsInfo(BaseModel):
    embedder: str = Field(description="Name of the embedder.")
    llm: str | None = Field(default=None, description="The chat model (llm mode only).")


class EvalReport(BaseModel):
    """One eval run: everything report.json holds."""

    model_config = ConfigDict(validate_by_name=True, validate_by_alias=True, serialize_by_alias=True)

    schema_version: int = Field(alias="schema", description="Layout version of report.json.")
    created_at: str = Field(description="UTC start of the run, ISO 8601.")
    seconds: float = Field(description="Wall time of the run (sync, asking, scoring).")
    mode: AnswerMode = Field(description="Answer mode scored: extractive or llm.")
    gold: GoldInfo = Field(description="The gold file and its stale quotes.")
    corpus: CorpusInfo = Field(description="The corpus scored and its sync.")
    prompt_version: str | None = Field(description="Answer prompt version (llm mode only).")
    models: ModelsInfo = Field(description="The models used.")
    settings: dict[str, Any] = Field(description="The settings of the run, secrets left out.")
    metrics: dict[str, float | None] = Field(description="Headline metrics; None when n/a.")
    verdict_confusion: dict[str, dict[str, int]] | None = Field(
        description="gold verdict -> predicted verdict -> count (llm mode only)."
    )
    per_document: dict[str, dict[str, float | None]] = Field(
        description="Headline metrics per document, items grouped by their gold evidence."
    )
    judge: JudgeSummary | None = Field(default=None, description="LLM-judged faithfulness.")
    items: list[ItemResult] = Field(description="Every gold item with its answer and scores.")
    gate: GateSection | None = Field(default=None, description="None until the gate has run.")

    def gate_or_empty(self) -> GateSection:
        """The gate section; before the gate has run, an empty one that passed."""
        return self.gate or GateSection(thresholds_file="", passed=True)

    def to_json(self) -> str:
        """report.json's text."""
        return json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
