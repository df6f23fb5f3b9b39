"""Calibration Q&A: a gold-format set, written independently of evals/gold/corpus.jsonl, for
tuning abstention without scoring on the items it was tuned on.

One item per line, the gold line format (see evals/gold.py) plus two keys::

    {"id": "cal-cost-01", "question": "...", "answerable": false, "verdict": null,
     "facts": [], "evidence": [], "family": "cost-availability-brand", "split": "calibrate"}

`family` groups the items (the five unanswerable families, or "answerable"); `split` says whether
an item may be used to tune thresholds ("calibrate") or only to check them ("heldout").
Lines are parsed by `evals.gold.load_items`, so errors name the file, the line and the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import ConfigDict, Field

from evals.gold import GoldItem, load_items

DEFAULT_CALIBRATION = Path(__file__).resolve().parent / "gold" / "calibration.jsonl"

Split = Literal["calibrate", "heldout"]

# The families the shipped file uses; `family` itself is free text.
UNANSWERABLE_FAMILIES = (
    "uncovered-indication",
    "cost-availability-brand",
    "unknown-drug-device",
    "missing-pharmacology",
    "other-payer",
)
ANSWERABLE_FAMILY = "answerable"


class CalibrationItem(GoldItem):
    model_config = ConfigDict(extra="forbid")

    family: str = Field(min_length=1, description="The item's family, e.g. 'other-payer'.")
    split: Split = Field(description="'calibrate' (may tune thresholds) or 'heldout' (only checks).")

    def as_gold(self) -> GoldItem:
        """The item without `family` and `split`, e.g. to write a file `guideqa eval --gold` reads."""
        return GoldItem.model_validate(self.model_dump(exclude={"family", "split"}))


def load_calibration(path: Path = DEFAULT_CALIBRATION) -> list[CalibrationItem]:
    """Every item of a calibration JSONL file; blank lines are skipped. Raises GoldError."""
    return load_items(path, CalibrationItem)


def write_gold(items: list[CalibrationItem], path: Path) -> Path:
    """Write `items` as a plain gold file (no `family`/`split`) that `load_gold` accepts."""
    lines = (item.as_gold().model_dump_json() for item in items)
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


Counts = dict[tuple[str, str], tuple[int, int]]


def abstention_by_family(items: list[CalibrationItem], abstained: dict[str, bool]) -> Counts:
    """(family, split) -> (abstained, total); for the answerable family these are false abstentions."""
    out: dict[tuple[str, str], tuple[int, int]] = {}
    for item in items:
        done, total = out.get((item.family, item.split), (0, 0))
        out[(item.family, item.split)] = (done + abstained.get(item.id, False), total + 1)
    return out


def main() -> int:
    """`python -m evals.calibration`: ask every calibration question (corpus/ synced into the
    configured data dir first, as `guideqa eval` does) and print abstention per family and split."""
    import tempfile

    from evals.runner import run_eval
    from rag.index import open_index
    from rag.settings import get_settings

    items = load_calibration()
    plain = write_gold(items, Path(tempfile.mkstemp(suffix=".jsonl")[1]))
    index = open_index(get_settings())
    try:
        run = run_eval(index, [i.as_gold() for i in items], plain, "extractive")
    finally:
        index.close()
    abstained = {r.id: r.scores.abstained for r in run.results}
    table = abstention_by_family(items, abstained)
    print("| family | calibrate | heldout |\n|---|---|---|")
    for family in [*UNANSWERABLE_FAMILIES, ANSWERABLE_FAMILY]:
        counts = [table.get((family, split), (0, 0)) for split in ("calibrate", "heldout")]
        cells = [f"{done}/{total}" for done, total in counts]
        print(f"| {family} | {' | '.join(cells)} |")
    print("(answerable: false abstentions)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
