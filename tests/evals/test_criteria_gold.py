"""Criteria-tree gold: loading (errors name file, line and field), the verbatim/page/op checker,
three-valued evaluation and the vignette checker, on a small made-up policy written here."""

from __future__ import annotations

import copy
import json

import pytest

from evals.criteria_gold import (
    DEFAULT_CRITERIA,
    DEFAULT_VIGNETTES,
    CriteriaGoldEntry,
    CriteriaGoldError,
    CriteriaLeaf,
    CriteriaNode,
    evaluate,
    load_criteria_gold,
    load_vignettes,
)
from evals.criteria_gold_check import check_criteria_gold, main, vignette_problems
from rag.errors import GuideQAError

pytestmark = pytest.mark.unit

# A made-up two-page policy (no real drug, no clinical facts).
PAGE_1 = (
    "1. Example Syndrome. Approve if the patient meets ONE of the following (A or B):\n"
    "A) Initial Therapy. Approve for 1 year if the patient meets ALL of the following (i, ii,\n"
    "and iii):\n"
    "i. Patient is ≥ 2 years of age; AND\n"
    "ii. Patient meets at least two of the following (a, b, or c):\n"
    "a) Patient has tried product one; OR\n"
    "Note: Product one is an example.\n"
    "b) Patient has tried product two; OR\n"
    "c) Patient has tried product three; AND"
)
PAGE_2 = "iii. The medication is prescribed by a specialist.\nB) Patient is currently receiving Examplimab."
TEXT = PAGE_1 + "\n\n" + PAGE_2
PAGE_STARTS = [0, len(PAGE_1) + 2]
TEXTS = {"example_policy": (TEXT, PAGE_STARTS)}

AGE = "Patient is ≥ 2 years of age"
ONE = "Patient has tried product one"
TWO = "Patient has tried product two"
THREE = "Patient has tried product three"
SPECIALIST = "The medication is prescribed by a specialist."

ENTRY = {
    "doc_id": "example_policy",
    "drug": "Examplimab",
    "indication": "Example Syndrome",
    "line": "initial",
    "approval_duration": "1 year",
    "pages": [1, 2],
    "tree": {
        "op": "all",
        "label": "A",
        "stem": "Initial Therapy. Approve for 1 year if the patient meets ALL of the following (i, ii,\nand iii):",
        "children": [
            {"label": "i", "text": AGE, "notes": [], "page": 1},
            {
                "op": "at_least",
                "n": 2,
                "label": "ii",
                "stem": "Patient meets at least two of the following (a, b, or c):",
                "children": [
                    {"label": "a", "text": ONE, "notes": ["Note: Product one is an example."], "page": 1},
                    {"label": "b", "text": TWO, "notes": [], "page": 1},
                    {"label": "c", "text": THREE, "notes": [], "page": 1},
                ],
            },
            {"label": "iii", "text": SPECIALIST, "notes": [], "page": 2},
        ],
    },
}

QUESTION = "PA request: Examplimab for a 30-year-old who tried product one and product two; specialist prescribing."
VIGNETTE = {
    "id": "v1",
    "question": QUESTION,
    "doc_id": "example_policy",
    "drug": "Examplimab",
    "indication": "Example Syndrome",
    "line": "initial",
    "verdict": "medically_necessary",
    "leaves": [
        {"text": AGE, "status": "met", "evidence": "30-year-old"},
        {"text": ONE, "status": "met", "evidence": "tried product one"},
        {"text": TWO, "status": "met", "evidence": "product two"},
        {"text": SPECIALIST, "status": "met", "evidence": "specialist prescribing"},
    ],
}


def entry(**changes) -> CriteriaGoldEntry:
    data = copy.deepcopy(ENTRY)
    data.update(changes)
    return CriteriaGoldEntry.model_validate(data)


def with_tree(mutate) -> CriteriaGoldEntry:
    data = copy.deepcopy(ENTRY)
    mutate(data["tree"])
    return CriteriaGoldEntry.model_validate(data)


def vignette(**changes):
    from evals.criteria_gold import Vignette

    data = copy.deepcopy(VIGNETTE)
    data.update(changes)
    return Vignette.model_validate(data)


def write(tmp_path, *lines: str, name: str = "criteria.jsonl"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------- loading


def test_a_valid_file_loads_with_nodes_and_leaves_told_apart(tmp_path):
    path = write(tmp_path, json.dumps(ENTRY, ensure_ascii=False), "", json.dumps(ENTRY, ensure_ascii=False))
    entries = load_criteria_gold(path)
    assert len(entries) == 2
    tree = entries[0].tree
    assert isinstance(tree.children[0], CriteriaLeaf)
    assert isinstance(tree.children[1], CriteriaNode) and tree.children[1].n == 2
    assert [leaf.text for leaf in entries[0].leaves()] == [AGE, ONE, TWO, THREE, SPECIALIST]


def test_a_malformed_json_line_raises_naming_file_and_line(tmp_path):
    path = write(tmp_path, json.dumps(ENTRY), '{"doc_id": "x", "drug": ')
    with pytest.raises(CriteriaGoldError) as info:
        load_criteria_gold(path)
    assert info.value.line == 2 and info.value.file == str(path)
    assert f"{path}:2:" in str(info.value) and "not valid JSON" in str(info.value)
    assert isinstance(info.value, GuideQAError)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"line": "renewal"}, "line"),
        ({"pages": [3, 1]}, "pages"),
        ({"drug": ""}, "drug"),
        ({"extra": 1}, "extra"),
    ],
)
def test_a_bad_field_raises_naming_it(tmp_path, change, field):
    data = copy.deepcopy(ENTRY)
    data.update(change)
    path = write(tmp_path, json.dumps(data))
    with pytest.raises(CriteriaGoldError) as info:
        load_criteria_gold(path)
    assert info.value.line == 1 and info.value.field == field


def test_a_bad_leaf_inside_the_tree_is_located(tmp_path):
    data = copy.deepcopy(ENTRY)
    data["tree"]["children"][1]["children"][0]["page"] = 0
    path = write(tmp_path, json.dumps(data))
    with pytest.raises(CriteriaGoldError) as info:
        load_criteria_gold(path)
    assert info.value.field.startswith("tree.children.1") and info.value.field.endswith("page")


def test_an_empty_file_raises(tmp_path):
    with pytest.raises(CriteriaGoldError, match="no entries"):
        load_criteria_gold(write(tmp_path, ""))


def test_vignettes_load_and_a_bad_verdict_value_is_named(tmp_path):
    path = write(tmp_path, json.dumps(VIGNETTE), name="v.jsonl")
    assert load_vignettes(path)[0].id == "v1"
    bad = dict(VIGNETTE, verdict="approved")
    with pytest.raises(CriteriaGoldError) as info:
        load_vignettes(write(tmp_path, json.dumps(bad), name="bad.jsonl"))
    assert info.value.field == "verdict"


# ---------------------------------------------------------------- checking the criteria


def test_a_valid_entry_has_no_problems():
    assert check_criteria_gold([entry()], TEXTS) == []


def test_a_non_verbatim_leaf_is_reported():
    def mutate(tree):
        tree["children"][0]["text"] = "Patient is at least 2 years of age"

    problems = check_criteria_gold([with_tree(mutate)], TEXTS)
    assert len(problems) == 1 and "not verbatim" in problems[0] and "root > i" in problems[0]


def test_a_leaf_on_the_wrong_page_is_reported():
    def mutate(tree):
        tree["children"][2]["page"] = 1

    problems = check_criteria_gold([with_tree(mutate)], TEXTS)
    assert len(problems) == 1 and "leaf page 1" in problems[0] and "[2]" in problems[0]


def test_a_leaf_page_outside_the_entry_pages_is_reported():
    problems = check_criteria_gold([entry(pages=[1, 1])], TEXTS)
    assert any("outside the entry's pages" in p for p in problems)


def test_at_least_without_n_is_reported():
    def mutate(tree):
        del tree["children"][1]["n"]

    problems = check_criteria_gold([with_tree(mutate)], TEXTS)
    assert problems == [p for p in problems if "without n" in p] and len(problems) == 1


def test_n_on_another_op_and_n_too_large_and_an_empty_node_are_reported():
    def n_on_all(tree):
        tree["n"] = 2

    def n_too_large(tree):
        tree["children"][1]["n"] = 4

    def empty(tree):
        tree["children"][1]["children"] = []
        del tree["children"][1]["n"]
        tree["children"][1]["op"] = "any"

    assert "only at_least takes n" in " ".join(check_criteria_gold([with_tree(n_on_all)], TEXTS))
    assert "at_least n=4 but 3 children" in " ".join(check_criteria_gold([with_tree(n_too_large)], TEXTS))
    assert "node without children" in " ".join(check_criteria_gold([with_tree(empty)], TEXTS))


def test_a_non_verbatim_stem_or_note_and_a_kept_connector_are_reported():
    def mutate(tree):
        tree["children"][1]["stem"] = "Patient meets two of the following:"
        tree["children"][1]["children"][0]["notes"] = ["Note: Product one is an instance."]
        tree["children"][1]["children"][1]["text"] = "Patient has tried product two; OR"

    problems = " ".join(check_criteria_gold([with_tree(mutate)], TEXTS))
    assert "stem not verbatim" in problems
    assert "note not verbatim" in problems
    assert "trailing connector" in problems


def test_duplicate_entries_and_missing_documents_are_reported():
    problems = check_criteria_gold([entry(), entry()], TEXTS)
    assert problems == ["entry 2 (example_policy | Example Syndrome | initial): duplicate of entry 1"]
    assert any("not loaded" in p for p in check_criteria_gold([entry(doc_id="other")], TEXTS))


def test_a_continued_leaf_must_continue_on_a_later_page():
    def mutate(tree, continued):
        tree["children"][1]["children"][2]["text"] = "Patient has tried product th"
        tree["children"][1]["children"][2]["continued"] = continued

    good = with_tree(lambda t: mutate(t, "The medication is prescribed"))
    bad = with_tree(lambda t: mutate(t, "ree"))  # on the same page, not a later one
    assert check_criteria_gold([good], TEXTS) == []
    assert "'continued' not verbatim on a page after 1" in " ".join(check_criteria_gold([bad], TEXTS))


# ---------------------------------------------------------------- three-valued logic


def node(op, *statuses, n=None):
    return CriteriaNode(
        op=op,
        n=n,
        children=[CriteriaLeaf(text=f"leaf {i}", page=1) for i in range(len(statuses))],
    ), {f"leaf {i}": s for i, s in enumerate(statuses) if s != "unknown"}


@pytest.mark.parametrize(
    ("op", "statuses", "n", "expected"),
    [
        ("all", ["met", "met"], None, "met"),
        ("all", ["met", "unknown"], None, "unknown"),
        ("all", ["unknown", "unmet"], None, "unmet"),
        ("any", ["unmet", "met"], None, "met"),
        ("any", ["unmet", "unknown"], None, "unknown"),
        ("any", ["unmet", "unmet"], None, "unmet"),
        ("none", ["unmet", "unmet"], None, "met"),
        ("none", ["unmet", "unknown"], None, "unknown"),
        ("none", ["unknown", "met"], None, "unmet"),
        ("at_least", ["met", "met", "unknown", "unmet"], 2, "met"),
        ("at_least", ["met", "unknown", "unmet", "unknown"], 2, "unknown"),
        ("at_least", ["met", "unmet", "unmet", "unmet"], 2, "unmet"),
        ("at_least", ["unknown", "unmet", "unmet", "unknown"], 2, "unknown"),
    ],
)
def test_evaluate_is_three_valued(op, statuses, n, expected):
    tree, known = node(op, *statuses, n=n)
    assert evaluate(tree, known) == expected


# ---------------------------------------------------------------- checking vignettes


def test_a_consistent_vignette_has_no_problems():
    assert vignette_problems([vignette()], [entry()], TEXTS) == []


def test_a_bad_evidence_span_is_reported():
    leaves = copy.deepcopy(VIGNETTE["leaves"])
    leaves[0]["evidence"] = "thirty years old"
    problems = vignette_problems([vignette(leaves=leaves)], [entry()])
    assert len(problems) == 1 and "evidence not a substring" in problems[0]


def test_a_verdict_that_does_not_follow_is_reported():
    # only one of the at_least-2 leaves is known: the tree is undecided, not met
    leaves = [lf for lf in VIGNETTE["leaves"] if lf["text"] != TWO]
    problems = vignette_problems([vignette(leaves=leaves)], [entry()])
    assert len(problems) == 1 and "does not follow" in problems[0] and "insufficient_information" in problems[0]
    fixed = vignette(leaves=leaves, verdict="insufficient_information")
    assert vignette_problems([fixed], [entry()]) == []


def test_an_unmet_leaf_makes_the_verdict_not_medically_necessary():
    leaves = copy.deepcopy(VIGNETTE["leaves"])
    leaves[0] = {"text": AGE, "status": "unmet", "evidence": "30-year-old"}
    assert vignette_problems([vignette(leaves=leaves)], [entry()])  # still says medically_necessary
    assert vignette_problems([vignette(leaves=leaves, verdict="not_medically_necessary")], [entry()]) == []


def test_unknown_leaves_trees_drugs_and_conflicts_are_reported():
    leaves = [*copy.deepcopy(VIGNETTE["leaves"]), {"text": "Patient is tall", "status": "met", "evidence": "30"}]
    assert "leaf text not in the tree" in " ".join(vignette_problems([vignette(leaves=leaves)], [entry()]))
    assert "no criteria entry" in " ".join(vignette_problems([vignette(line="continuation")], [entry()]))
    assert "not named in" in " ".join(vignette_problems([vignette(drug="Othermab")], [entry()], TEXTS))
    conflict = [*copy.deepcopy(VIGNETTE["leaves"]), {"text": AGE, "status": "unmet", "evidence": "30"}]
    assert "both met and unmet" in " ".join(vignette_problems([vignette(leaves=conflict)], [entry()]))
    assert "duplicate id" in " ".join(vignette_problems([vignette(), vignette()], [entry()]))


# ---------------------------------------------------------------- the shipped gold and the command line


def test_the_shipped_gold_loads_and_its_vignettes_follow_from_its_trees():
    entries = load_criteria_gold(DEFAULT_CRITERIA)
    vignettes = load_vignettes(DEFAULT_VIGNETTES)
    assert len(entries) >= 12 and len({e.doc_id for e in entries}) == 5
    assert {e.line for e in entries} == {"initial", "continuation"}
    assert len(vignettes) >= 12
    assert {v.verdict for v in vignettes} == {
        "medically_necessary",
        "not_medically_necessary",
        "insufficient_information",
    }
    assert vignette_problems(vignettes, entries) == []


def test_the_command_line_checks_generated_pdfs(tmp_path, capsys):
    from tests.pdf_factory import text_pdf

    pdfs = tmp_path / "pdfs"
    pdfs.mkdir()
    text_pdf(pdfs / "tiny_policy.pdf", ["Patient has tried product one", "Prescribed by a specialist"])
    tiny = {
        "doc_id": "tiny_policy",
        "drug": "Examplimab",
        "indication": "Example Syndrome",
        "line": "initial",
        "approval_duration": None,
        "pages": [1, 2],
        "tree": {
            "op": "all",
            "label": None,
            "stem": None,
            "children": [
                {"label": None, "text": "Patient has tried product one", "notes": [], "page": 1},
                {"label": None, "text": "Prescribed by a specialist", "notes": [], "page": 2},
            ],
        },
    }
    criteria = write(tmp_path, json.dumps(tiny))
    args = ["--pdfs", str(pdfs), "--criteria", str(criteria), "--vignettes", str(tmp_path / "none.jsonl")]
    assert main(args) == 0
    assert "0 problem(s)" in capsys.readouterr().out

    tiny["tree"]["children"][1]["page"] = 1
    write(tmp_path, json.dumps(tiny))
    assert main(args) == 1
    assert "leaf page 1" in capsys.readouterr().out
