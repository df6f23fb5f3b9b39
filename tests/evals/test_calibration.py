"""Loading calibration files: gold lines plus `family` and `split`, with errors naming the file,
the line and the field (the gold loader's style)."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from evals.calibration import (
    DEFAULT_CALIBRATION,
    UNANSWERABLE_FAMILIES,
    CalibrationItem,
    load_calibration,
    write_gold,
)
from evals.gold import GoldError, GoldItem, load_gold
from rag.errors import GuideQAError

pytestmark = pytest.mark.unit

GOOD = {
    "id": "cal-ans-dose-01",
    "question": "What is the dose?",
    "answerable": True,
    "verdict": None,
    "facts": [["1 mg/kg"]],
    "evidence": [{"doc_id": "label", "quote": "The dose is 1 mg/kg."}],
    "family": "answerable",
    "split": "calibrate",
}
UNANSWERABLE = {
    "id": "cal-payer-01",
    "question": "Does some payer require step therapy?",
    "answerable": False,
    "verdict": None,
    "facts": [],
    "evidence": [],
    "family": "other-payer",
    "split": "heldout",
}


def write(tmp_path, *lines: str):
    path = tmp_path / "calibration.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_valid_lines_load_as_calibration_items(tmp_path):
    items = load_calibration(write(tmp_path, json.dumps(GOOD), "", json.dumps(UNANSWERABLE)))
    assert [type(i) for i in items] == [CalibrationItem, CalibrationItem]
    assert [(i.id, i.family, i.split) for i in items] == [
        ("cal-ans-dose-01", "answerable", "calibrate"),
        ("cal-payer-01", "other-payer", "heldout"),
    ]
    assert isinstance(items[0], GoldItem) and items[0].doc_ids == ["label"]


def test_as_gold_drops_family_and_split_and_the_gold_loader_reads_the_result(tmp_path):
    items = load_calibration(write(tmp_path, json.dumps(GOOD), json.dumps(UNANSWERABLE)))
    out = write_gold(items, tmp_path / "plain.jsonl")
    plain = load_gold(out)
    assert [type(i) for i in plain] == [GoldItem, GoldItem]
    assert plain[0].model_dump() == {k: v for k, v in GOOD.items() if k not in {"family", "split"}}
    for line in out.read_text(encoding="utf-8").splitlines():
        assert not {"family", "split"} & json.loads(line).keys()


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        ({"family": 3}, "family", "valid string"),
        ({"family": ""}, "family", "at least 1 character"),
        ({"split": "train"}, "split", "'calibrate' or 'heldout'"),
        ({"split": "Heldout"}, "split", "'calibrate' or 'heldout'"),
        ({"extra": 1}, "extra", "Extra inputs"),
        ({"facts": [["1 mg/kg"], []]}, "facts", "at least one non-empty string"),
        ({"evidence": [GOOD["evidence"][0] | {"page": 2}]}, "evidence.0.page", "Extra inputs"),
    ],
)
def test_a_malformed_line_names_file_line_and_field(tmp_path, change, field, problem):
    path = write(tmp_path, json.dumps(GOOD), "", json.dumps(GOOD | {"id": "b"} | change))
    with pytest.raises(GoldError) as caught:
        load_calibration(path)
    err = caught.value
    assert (err.file, err.line, err.field) == (str(path), 3, field)
    assert str(err).startswith(f"{path}:3: field '{field}': ") and problem in str(err)
    assert isinstance(err, GuideQAError)


@pytest.mark.parametrize("missing", ["family", "split"])
def test_a_missing_key_is_named(tmp_path, missing):
    line = {k: v for k, v in GOOD.items() if k != missing}
    path = write(tmp_path, json.dumps(line))
    with pytest.raises(GoldError, match=rf"calibration.jsonl:1: field '{missing}': Field required"):
        load_calibration(path)


def test_the_plain_gold_loader_rejects_calibration_keys(tmp_path):
    with pytest.raises(GoldError, match=r":1: field 'family': Extra inputs"):
        load_gold(write(tmp_path, json.dumps(GOOD)))


def test_invalid_json_and_duplicate_ids(tmp_path):
    with pytest.raises(GoldError, match=r"calibration.jsonl:2: field '-': not valid JSON"):
        load_calibration(write(tmp_path, json.dumps(GOOD), '{"id": "b", '))
    with pytest.raises(GoldError, match=r":2: field 'id': duplicate id 'cal-ans-dose-01'"):
        load_calibration(write(tmp_path, json.dumps(GOOD), json.dumps(GOOD)))


def test_the_shipped_calibration_set_is_balanced():
    items = load_calibration(DEFAULT_CALIBRATION)
    per = Counter((i.family, i.split) for i in items)
    families = {i.family for i in items}
    assert families == {*UNANSWERABLE_FAMILIES, "answerable"}
    for family in families:
        cal, held = per[(family, "calibrate")], per[(family, "heldout")]
        assert cal + held >= 12 and abs(cal - held) <= 1, family
    assert all(not i.answerable for i in items if i.family in UNANSWERABLE_FAMILIES)
    assert all(i.answerable and i.facts and i.evidence for i in items if i.family == "answerable")
    assert sum(not i.answerable for i in items) >= 64 and sum(i.answerable for i in items) >= 64
