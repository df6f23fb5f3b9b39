"""Checking a request against a tree: judges, evidence verified against the request, three-valued
result, citations, the checklist text, and parsing the model's judgments. Choosing the tree and
the payers' phrasings: test_select.py."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from rag.criteria.check import TreeCheck, check_request, compose
from rag.criteria.judges import Judgment, parse_judgments
from rag.criteria.tree import Leaf, Node, PolicyCriteria, leaves
from rag.errors import LLMOutputError
from rag.types import Chunk
from tests.rag.criteria import policy_text as pt
from tests.rag.criteria.helpers import DOC, TITLE, record

pytestmark = pytest.mark.unit

TEXT = pt.CIGNA_EPIDIOLEX


class FakeJudge:
    """A leaf judge that returns the judgments it was given and records its calls."""

    def __init__(self, name: str, judgments: dict[int, Judgment]) -> None:
        self.name, self.judgments = name, judgments
        self.calls: list[tuple[str, Node, tuple[str, ...]]] = []

    def judge(self, question: str, tree: Node, drugs: Sequence[str] = ()) -> dict[int, Judgment]:
        self.calls.append((question, tree, tuple(drugs)))
        return dict(self.judgments)


def _leaf(label: str, text: str, page: int = 1) -> Leaf:
    start = TEXT.index(text)
    return Leaf(label=label, text=text, page=page, char_start=start, char_end=start + len(text))


def dravet_initial() -> PolicyCriteria:
    """Cigna's Epidiolex Dravet syndrome initial tree, its leaves spans of TEXT (built by hand)."""
    return PolicyCriteria(drug="Epidiolex", indication="Dravet Syndrome", line="initial", approval_duration="1 year",
                          pages=[1, 2], tree=Node(op="all", label="A", stem="Initial Therapy.", children=[
                              _leaf("i", "Patient is ≥ 1 year of age"),
                              Node(op="any", label="ii", stem="Patient meets ONE of the following (a or b):",
                                   children=[
                                       _leaf("a", "Patient has tried or is concomitantly receiving at least two "
                                                  "other\nantiseizure medications"),
                                       _leaf("b", "Patient has tried or is concomitantly receiving one of Fintepla, "
                                                  "Diacomit\nor clobazam", page=2),
                                   ]),
                              _leaf("iii", "The medication is prescribed by or in consultation with a neurologist.",
                                    page=2),
                          ]))


def chunks(cuts: list[int], doc_id: str = DOC) -> list[Chunk]:
    """TEXT cut at `cuts` into chunks, in reverse order (check_request must sort them)."""
    bounds = [0, *cuts, len(TEXT)]
    out = [Chunk(chunk_id=f"{doc_id}-{i}", doc_id=doc_id, text=TEXT[a:b], title=TITLE, page_start=1, page_end=2,
                 char_start=a, char_end=b, ordinal=i) for i, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False))]
    return out[::-1]


QUESTION = ("Epidiolex for a 7-year-old with Dravet syndrome who has tried valproate and clobazam; prescribed by her "
            "pediatric neurologist.")


def check(judges: list[FakeJudge], question: str = QUESTION, cuts: list[int] | None = None) -> TreeCheck:
    return check_request(question, record([dravet_initial()], ["Epidiolex", "cannabidiol"]), dravet_initial(),
                         "chosen for the test", judges, chunks(cuts or [TEXT.index("b) Patient")]))


def statuses(result: TreeCheck) -> list[str | None]:
    return [leaf.status for leaf in leaves(result.result.tree)]


# ---------------------------------------------------------------- evidence
def test_judges_get_the_question_tree_and_drugs() -> None:
    judge = FakeJudge("fake", {})
    check([judge])
    (question, tree, drugs), = judge.calls
    assert question == QUESTION and drugs == ("Epidiolex", "cannabidiol")
    assert [leaf.label for leaf in leaves(tree)] == ["i", "a", "b", "iii"]


def test_evidence_not_in_the_question_is_dropped_and_unknown() -> None:
    result = check([FakeJudge("llm", {
        0: Judgment("met", "7-year-old", "age stated"),
        2: Judgment("met", "has tried Diacomit", "invented"),
    })])
    assert statuses(result) == ["met", "unknown", "unknown", "unknown"]
    assert len(result.dropped) == 1
    assert result.dropped[0].startswith("criterion 3 (llm): met with evidence 'has tried Diacomit' is not in the "
                                        "request")
    b = list(leaves(result.result.tree))[2]
    assert b.evidence is None


def test_status_without_evidence_is_unknown() -> None:
    result = check([FakeJudge("llm", {3: Judgment("unmet", None, "no neurologist"), 1: Judgment("met", "")})])
    assert statuses(result) == ["unknown"] * 4
    assert [d.split(":")[0] for d in result.dropped] == ["criterion 2 (llm)", "criterion 4 (llm)"]
    assert all("no evidence" in d for d in result.dropped)


def test_evidence_is_stored_as_the_exact_span_of_the_question() -> None:
    result = check([FakeJudge("llm", {3: Judgment("met", "PRESCRIBED BY HER\n pediatric   neurologist", "named")})])
    iii = list(leaves(result.result.tree))[3]
    assert (iii.status, iii.evidence) == ("met", "prescribed by her pediatric neurologist")
    assert iii.reason == "llm: named"
    assert result.dropped == []


def test_a_later_judge_overrides_where_it_decides() -> None:
    llm = FakeJudge("llm", {0: Judgment("unmet", "7-year-old", "misread"), 1: Judgment("met", "tried valproate and "
                                                                                     "clobazam", "two ASMs"),
                            3: Judgment("met", "pediatric neurologist", "neurologist")})
    rules = FakeJudge("rules", {0: Judgment("met", "7-year-old", "7 >= 1"), 1: Judgment("unknown", None, "-"),
                                3: Judgment("unknown")})
    result = check([llm, rules])
    i, a, b, iii = leaves(result.result.tree)
    assert (i.status, i.reason) == ("met", "rules: 7 >= 1")  # rules decided: they win
    assert (a.status, a.reason) == ("met", "llm: two ASMs")  # rules said unknown: the model's stands
    assert (iii.status, iii.evidence) == ("met", "pediatric neurologist")
    assert b.status == "unknown" and b.reason == "the request does not say"
    assert result.result.result == "met"  # i, ii (a), iii


def test_result_follows_the_tree_and_lists_deciding_unknowns() -> None:
    result = check([FakeJudge("llm", {0: Judgment("met", "7-year-old"),
                                      2: Judgment("unmet", "valproate and clobazam")})])
    assert result.result.result == "unknown"
    assert result.result.tree.status == "unknown"
    assert result.missing_information == [
        "Patient has tried or is concomitantly receiving at least two other antiseizure medications",
        "The medication is prescribed by or in consultation with a neurologist."]
    assert [c.status for c in result.criteria] == ["met", "unknown", "unmet", "unknown"]
    assert result.criteria[2].criterion == ("Patient has tried or is concomitantly receiving one of Fintepla, "
                                            "Diacomit or clobazam")  # whitespace joined
    # the policy's own tree is untouched
    assert all(leaf.status is None for leaf in leaves(dravet_initial().tree))


def test_result_header_fields() -> None:
    r = check([]).result
    assert (r.doc_id, r.title, r.drug, r.indication, r.line, r.approval_duration, r.why) == (
        DOC, TITLE, "Epidiolex", "Dravet Syndrome", "initial", "1 year", "chosen for the test")


# ---------------------------------------------------------------- citations
def test_citations_point_at_the_chunk_holding_each_leaf_and_verify() -> None:
    cut_in_a = TEXT.index("antiseizure medications; OR")  # leaf a starts in chunk 1 and ends in chunk 2
    result = check([], cuts=[TEXT.index("ii. Patient meets"), cut_in_a, TEXT.index("iii. The medication")])
    by_id = {c.chunk_id: c for c in chunks([TEXT.index("ii. Patient meets"), cut_in_a,
                                            TEXT.index("iii. The medication")])}
    assert [c.id for c in result.citations] == [1, 2, 3, 4]
    assert [c.chunk_id for c in result.citations] == [f"{DOC}-0", f"{DOC}-1", f"{DOC}-2", f"{DOC}-3"]
    for citation, leaf in zip(result.citations, leaves(result.result.tree), strict=True):
        chunk = by_id[citation.chunk_id]
        assert chunk.char_start <= leaf.char_start < chunk.char_end
        assert citation.quote in chunk.text and citation.text == chunk.text
        assert leaf.citation == citation.id and citation.page == leaf.page
    # a leaf cut by a chunk boundary is quoted as far as its chunk goes
    assert result.citations[1].quote == "Patient has tried or is concomitantly receiving at least two other"
    assert [c.citations for c in result.criteria] == [[1], [2], [3], [4]]


def test_citations_ignore_other_documents_and_uncovered_leaves() -> None:
    other = chunks([], doc_id="another_policy")
    covered = [c for c in chunks([TEXT.index("iii. The medication")]) if c.char_start == 0]
    policy = dravet_initial()
    result = check_request(QUESTION, record([policy], ["Epidiolex"]), policy, "why", [], other + covered,
                           first_citation=7)
    assert [c.id for c in result.citations] == [7, 8, 9]  # iii lies in no chunk given
    assert {c.doc_id for c in result.citations} == {DOC}
    assert list(leaves(result.result.tree))[3].citation is None
    assert result.criteria[3].citations == []


# ---------------------------------------------------------------- the checklist text
def test_compose_lists_unmet_met_unknown_with_markers_and_evidence() -> None:
    result = check([FakeJudge("llm", {0: Judgment("met", "7-year-old"), 1: Judgment("unmet", "tried valproate"),
                                      3: Judgment("unmet", "pediatric neurologist")})])
    text = compose(result, verdict_given=True)
    lines = text.split("\n")
    assert lines[0].startswith("Not medically necessary")
    assert lines[1] == f"Policy: {TITLE} - Dravet Syndrome, initial therapy, approval for 1 year."
    assert lines.index("Unmet:") < lines.index("Met:") < lines.index("Not stated in the request (to check):")
    assert ("- Patient meets ONE of the following (a or b): \u201cPatient has tried or is concomitantly receiving at "
            "least two other antiseizure medications\u201d [2] - request: \u201ctried valproate\u201d") in lines
    assert "- \u201cPatient is ≥ 1 year of age\u201d [1] - request: \u201c7-year-old\u201d" in lines
    assert lines[-1] == ("- Patient meets ONE of the following (a or b): \u201cPatient has tried or is concomitantly "
                         "receiving one of Fintepla, Diacomit or clobazam\u201d [3]")


def test_compose_leaves_out_options_not_taken_in_a_met_list() -> None:
    result = check([FakeJudge("llm", {1: Judgment("unmet", "tried valproate"), 2: Judgment("met", "clobazam")})])
    text = compose(result, verdict_given=True)
    assert "Unmet:" not in text and "at least two other" not in text
    assert text.startswith("Insufficient information")


def test_compose_without_a_verdict() -> None:
    text = compose(check([FakeJudge("rules", {0: Judgment("met", "7-year-old")})]), verdict_given=False)
    assert text.startswith("Criteria checklist (exact rules only")
    assert "Not decided by exact rules (for the reviewer):" in text
    assert "Medically necessary" not in text and "Insufficient information" not in text


# ---------------------------------------------------------------- the model's judgments
def test_parse_judgments_keeps_what_fits() -> None:
    reply = """```json
{"criteria": [
  {"id": 1, "status": "MET ", "evidence": " 7-year-old ", "reason": "age"},
  {"id": 2, "status": "yes", "evidence": "x"},
  {"id": 3, "status": "unmet", "evidence": "   ", "reason": "%s"},
  {"id": 4, "status": null},
  {"id": 0, "status": "met", "evidence": "x"},
  {"id": 9, "status": "met", "evidence": "x"},
  {"id": "2", "status": "met", "evidence": "x"},
  {"id": 2.0, "status": "met", "evidence": "x"},
  "not an item",
  {"id": 4, "status": "unknown", "evidence": 12}
]}
```""" % ("r" * 400)
    judged = parse_judgments(reply, 4)
    assert sorted(judged) == [0, 2, 3]
    assert judged[0] == Judgment("met", "7-year-old", "age")
    assert judged[2].status == "unmet" and judged[2].evidence is None and len(judged[2].reason) == 300
    assert judged[3] == Judgment("unknown", None, "")


@pytest.mark.parametrize("reply", [
    "I think the patient qualifies.",  # no JSON
    '{"criteria": [{"id": 1, "status": "met"',  # cut off
    '{"judgments": []}',  # no criteria list
    '{"criteria": {"1": "met"}}',
    '{"criteria": [{"id": 7, "status": "met"}, {"id": 1, "status": "maybe"}]}',  # nothing usable
    "[1, 2]",
])
def test_parse_judgments_rejects_unusable_replies(reply: str) -> None:
    with pytest.raises(LLMOutputError):
        parse_judgments(reply, 3)


def test_parse_judgments_empty_list() -> None:
    assert parse_judgments('{"criteria": []}', 3) == {}


def test_parse_judgments_boolean_id_is_not_criterion_one() -> None:
    with pytest.raises(LLMOutputError):
        parse_judgments('{"criteria": [{"id": true, "status": "met", "evidence": "7-year-old"}]}', 3)
