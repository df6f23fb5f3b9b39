"""Loading gold files (clear errors naming file, line and field) and checking quotes."""

from __future__ import annotations

import json

import pytest

from evals.gold import DEFAULT_GOLD, GoldError, check_gold, closest_passage, load_gold
from rag.errors import GuideQAError

pytestmark = pytest.mark.unit

GOOD = {
    "id": "a",
    "question": "What is the dose?",
    "answerable": True,
    "verdict": None,
    "facts": [["1 mg/kg"]],
    "evidence": [{"doc_id": "label", "quote": "The dose is 1 mg/kg."}],
}


def write(tmp_path, *lines: str):
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_shipped_gold_set_loads():
    items = load_gold(DEFAULT_GOLD)
    assert len(items) == 121 and sum(not i.answerable for i in items) == 15


@pytest.mark.parametrize(
    ("bad", "field", "problem"),
    [
        ({"question": None}, "question", "valid string"),
        ({"answerable": "perhaps"}, "answerable", "valid boolean"),
        ({"verdict": "approved"}, "verdict", "medically_necessary"),
        ({"facts": [["1 mg/kg"], []]}, "facts", "at least one non-empty string"),
        ({"facts": "1 mg/kg"}, "facts", "valid list"),
        ({"evidence": [{"doc_id": "label"}]}, "evidence.0.quote", "Field required"),
        ({"extra": 1}, "extra", "Extra inputs"),
    ],
)
def test_a_malformed_line_names_file_line_and_field(tmp_path, bad, field, problem):
    path = write(tmp_path, json.dumps(GOOD), "", json.dumps(GOOD | {"id": "b"} | bad))
    with pytest.raises(GoldError) as caught:
        load_gold(path)
    err = caught.value
    assert (err.file, err.line, err.field) == (str(path), 3, field)
    assert str(err).startswith(f"{path}:3: field '{field}': ") and problem in str(err)
    assert isinstance(err, GuideQAError)


def test_invalid_json_and_duplicate_ids(tmp_path):
    with pytest.raises(GoldError, match=r"gold.jsonl:2: field '-': not valid JSON"):
        load_gold(write(tmp_path, json.dumps(GOOD), '{"id": "b", '))
    with pytest.raises(GoldError, match=r":2: field 'id': duplicate id 'a' \(first on line 1\)"):
        load_gold(write(tmp_path, json.dumps(GOOD), json.dumps(GOOD)))


def test_check_gold_reports_stale_quotes_with_the_closest_passage():
    items = load_gold(DEFAULT_GOLD)[:1]  # lusp-dose-01: two quotes from the drug page
    doc = (
        "Dosage.\n\nThe initial dose is usually 1 mg/kg every three weeks. Take it with care.\n\n"
        "Luspatercept is administered subcutaneously (under the skin)."
    )
    stale = check_gold(items, {"luspatercept-drug-information": doc})
    assert len(stale) == 1
    assert stale[0].item_id == "lusp-dose-01" and stale[0].reason == "quote not found"
    assert stale[0].closest == "The initial dose is usually 1 mg/kg every three weeks."
    assert stale[0].similarity > 0.9
    missing = check_gold(items, {})
    assert {s.reason for s in missing} == {"document missing"}


def test_closest_passage_may_join_sentences():
    text = "Alpha one. The dose is 1 mg/kg. It is given weekly. Omega."
    passage, ratio = closest_passage("The dose is 1 mg/kg. It is given every week.", text)
    assert passage == "The dose is 1 mg/kg. It is given weekly." and ratio > 0.8
