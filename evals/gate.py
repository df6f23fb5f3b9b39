"""The regression gate: absolute thresholds, and deltas against a baseline run with tolerances.

Rules live in `evals/thresholds.toml`, one table per metric::

    [metrics."retrieval.recall@5"]
    min = 0.90         # fail when the run is below (use `max` for lower-is-better metrics)
    tolerance = 0.03   # with --compare: fail when it worsens by more than this
    modes = ["extractive"]  # optional: the absolute threshold applies in these modes only

A metric that is n/a in a run (None, e.g. verdict accuracy in extractive mode) is not checked.
Tolerances apply in every mode, but only between runs of the same mode.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path

from pydantic import ValidationError

from evals.report_model import (
    Comparison,
    Delta,
    EvalReport,
    GateResult,
    GateSection,
    Rule,
    Violation,
    WorseItem,
)
from evals.scoring import ItemResult
from rag.errors import ConfigurationError

DEFAULT_THRESHOLDS = Path(__file__).resolve().parent / "thresholds.toml"
_LOWER_IS_BETTER = ("false_abstention", "dropped_share", "latency.", "errors")
_EPS = 1e-9


def gate_section(gate: GateResult, rules: Mapping[str, Rule]) -> GateSection:
    """What report.json records of the gate: its outcome and the rules it applied."""
    return GateSection(
        thresholds_file=gate.thresholds_file,
        violations=gate.violations,
        comparison=gate.comparison,
        passed=gate.passed,
        rules=dict(rules),
    )


def lower_is_better(metric: str, rule: Rule | None = None) -> bool:
    if rule is not None and (rule.max is not None or rule.min is not None):
        return rule.max is not None
    return any(tag in metric for tag in _LOWER_IS_BETTER)


def load_rules(path: Path) -> dict[str, Rule]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return {name: Rule.model_validate(body) for name, body in data.get("metrics", {}).items()}
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ConfigurationError(
            f"cannot read the thresholds file {path}: {exc}. "
            "See evals/thresholds.toml for the format."
        ) from exc


def check_thresholds(
    metrics: Mapping[str, float | None], rules: Mapping[str, Rule], mode: str
) -> list[Violation]:
    out = []
    for name, rule in rules.items():
        value = metrics.get(name)
        if value is None or (rule.modes and mode not in rule.modes):
            continue
        for limit, side, broken in (
            (rule.min, "below", rule.min is not None and value < rule.min - _EPS),
            (rule.max, "above", rule.max is not None and value > rule.max + _EPS),
        ):
            if broken:
                out.append(Violation(metric=name, kind="threshold", value=value, limit=limit,
                                     message=f"{name} = {value:.3f} is {side} its threshold {limit}"))
    return out


def metric_deltas(
    current: Mapping[str, float | None],
    baseline: Mapping[str, float | None],
    rules: Mapping[str, Rule],
    gated: bool = True,
) -> list[Delta]:
    """Per-metric change; with `gated`, a change worse than the metric's tolerance regresses."""
    out = []
    for name in current:
        now, before = current.get(name), baseline.get(name)
        delta = None if now is None or before is None else now - before
        rule = rules.get(name)
        tol = rule.tolerance if rule and gated else None
        worse = None if delta is None else (delta if lower_is_better(name, rule) else -delta)
        regressed = tol is not None and worse is not None and worse > tol + _EPS
        out.append(
            Delta(
                metric=name,
                baseline=before,
                current=now,
                delta=delta,
                tolerance=tol,
                regressed=regressed,
            )
        )
    return out


def regressions(deltas: Sequence[Delta]) -> list[Violation]:
    return [
        Violation(
            metric=d.metric,
            kind="regression",
            value=d.current or 0.0,
            limit=d.tolerance or 0.0,
            message=f"{d.metric} moved {d.delta:+.3f} ({d.baseline:.3f} -> {d.current:.3f}), "
            f"more than its tolerance {d.tolerance}",
        )
        for d in deltas
        if d.regressed
    ]


def worse_items(current: Sequence[ItemResult], baseline: Sequence[ItemResult]) -> list[WorseItem]:
    """Items (by id, in both runs) that now fail where they passed, or score lower."""
    before = {item.id: item for item in baseline}
    out = []
    for item in current:
        old = before.get(item.id)
        if old is None:
            continue
        changes = _item_changes(old, item)
        if changes:
            out.append(WorseItem(id=item.id, question=item.question, changes=changes))
    return out


def _item_changes(old: ItemResult, new: ItemResult) -> list[str]:
    changes = []
    if old.passed and not new.passed:
        changes.append("passed -> failed: " + "; ".join(new.failures))
    was, now = old.scores.abstained, new.scores.abstained
    if was != now and now == new.gold_answerable:
        changes.append("now abstains" if now else "now answers (should abstain)")
    a, b = old.scores, new.scores
    for label, before, after in (
        ("fact recall", a.fact_recall, b.fact_recall),
        ("citation recall", a.citation_recall, b.citation_recall),
        ("citation precision", a.citation_precision, b.citation_precision),
        ("reciprocal rank", a.reciprocal_rank, b.reciprocal_rank),
    ):
        if before is not None and after is not None and after < before - _EPS:
            changes.append(f"{label} {before:.2f} -> {after:.2f}")
    return changes


def changed_documents(before: Mapping[str, str], after: Mapping[str, str]) -> list[str]:
    """Documents added, removed or at another version between two runs (empty when the baseline
    predates version recording)."""
    if not before:
        return []
    return sorted(d for d in {*before, *after} if before.get(d) != after.get(d))


def load_baseline(path: Path) -> EvalReport:
    """A previous run's report.json (given its run directory or the file itself)."""
    file = path / "report.json" if path.is_dir() else path
    try:
        return EvalReport.model_validate_json(file.read_bytes())
    except (OSError, ValidationError) as exc:
        raise ConfigurationError(
            f"cannot read the baseline report {file}: {exc}. "
            "Pass --compare the directory of a previous `guideqa eval` run."
        ) from exc


def run_gate(
    report: EvalReport,
    rules: Mapping[str, Rule],
    thresholds_file: Path,
    baseline: EvalReport | None = None,
    baseline_name: str = "",
) -> GateResult:
    """Threshold check, plus comparison with a `baseline` report when given."""
    mode = report.mode
    result = GateResult(
        thresholds_file=str(thresholds_file),
        violations=check_thresholds(report.metrics, rules, mode),
    )
    if baseline is not None:
        same_mode = baseline.mode == mode
        deltas = metric_deltas(report.metrics, baseline.metrics, rules, gated=same_mode)
        result.violations += regressions(deltas)
        result.comparison = Comparison(
            baseline=baseline_name,
            baseline_corpus_version=baseline.corpus.version,
            changed_documents=changed_documents(baseline.corpus.documents, report.corpus.documents),
            deltas=deltas,
            worse_items=worse_items(report.items, baseline.items),
            note=None
            if same_mode
            else f"the baseline ran in {baseline.mode} mode and this "
            f"run in {mode}: deltas shown, tolerances not applied",
        )
    return result
