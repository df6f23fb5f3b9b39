"""Checking a request against a tree (judges, evidence verified against the request, three-valued
result, citations, the checklist text), choosing the tree (drug, indication, line), parsing the
model's judgments, and the stem and line phrasings."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from rag.criteria.check import TreeCheck, check_request, compose
from rag.criteria.conventions import line_of, op_of_stem
from rag.criteria.judges import Judgment, parse_judgments
from rag.criteria.select import requested_line, select_tree
from rag.criteria.tree import Leaf, Line, Node, PolicyCriteria, leaves
from rag.errors import LLMOutputError
from rag.types import Chunk, DocumentMeta, DocumentRecord
from tests.rag.criteria import policy_text as pt

pytestmark = pytest.mark.unit

TEXT = pt.CIGNA_EPIDIOLEX
DOC = "payer_cigna_epidiolex_PA_policy"
TITLE = "Antiseizure Medications – Epidiolex Prior Authorization Policy"


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


def record(criteria: list[PolicyCriteria], drugs: list[str], doc_id: str = DOC, title: str = TITLE) -> DocumentRecord:
    return DocumentRecord(doc_id=doc_id, content_hash="0" * 64, path=f"/corpus/{doc_id}.pdf", root="/corpus",
                          meta=DocumentMeta(title=title, doc_type="payer_policy"), chunk_ids=[],
                          ingested_at="2024-06-01T00:00:00+00:00", criteria=criteria, criteria_drugs=drugs)


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


# ---------------------------------------------------------------- choosing the tree
def _policy(drug: str, indication: str, line: Line) -> PolicyCriteria:
    return PolicyCriteria(drug=drug, indication=indication, line=line,
                          tree=Node(op="all", children=[Leaf(text="Patient is ≥ 18 years of age")]))


def _both(drug: str, *indications: str) -> list[PolicyCriteria]:
    lines: tuple[Line, ...] = ("initial", "continuation")
    return [_policy(drug, i, line) for i in indications for line in lines]


ADALIMUMAB = record(_both("adalimumab", "Rheumatoid Arthritis", "Psoriatic Arthritis", "Ulcerative Colitis",
                          "Crohn’s Disease"), ["adalimumab", "Humira", "Hyrimoz", "Cyltezo"], "payer_cigna_adalimumab",
                    "Inflammatory Conditions – Adalimumab Products Prior Authorization Policy")
AFINITOR = record([_policy("Afinitor", "Patients less than 19 years of age", "initial"),
                   *_both("Afinitor", "Neuroendocrine Tumors", "Gastrointestingal Stromal Tumor (GIST)",
                          "Breast Cancer")], ["Afinitor", "everolimus"], "payer_uhc_afinitor", "Afinitor (everolimus)")
EPIDIOLEX = record(_both("Epidiolex", "Dravet Syndrome", "Lennox-Gastaut Syndrome"), ["Epidiolex", "cannabidiol"])
RECORDS = [ADALIMUMAB, AFINITOR, EPIDIOLEX]


@pytest.mark.parametrize(("question", "doc_id", "indication", "line"), [
    ("Is Humira medically necessary for a 45-year-old with rheumatoid arthritis?", "payer_cigna_adalimumab",
     "Rheumatoid Arthritis", "initial"),
    ("Is adalimumab covered for rheumatoid arthritis?", "payer_cigna_adalimumab", "Rheumatoid Arthritis", "initial"),
    ("adalimumab-adaz for ulcerative colitis, failed mesalamine", "payer_cigna_adalimumab", "Ulcerative Colitis",
     "initial"),
    ("Hyrimoz (adalimumab-adaz) for Crohn's disease", "payer_cigna_adalimumab", "Crohn’s Disease", "initial"),
    ("Humira for RA, failed methotrexate.", "payer_cigna_adalimumab", "Rheumatoid Arthritis", "initial"),
    ("PA request for Humira, patient has rheumatoid arthritis", "payer_cigna_adalimumab", "Rheumatoid Arthritis",
     "initial"),
    ("Everolimus for GIST progressing on imatinib", "payer_uhc_afinitor", "Gastrointestingal Stromal Tumor (GIST)",
     "initial"),
    ("cannabidiol for Dravet syndrome", DOC, "Dravet Syndrome", "initial"),
    ("Renewal: Humira for rheumatoid arthritis", "payer_cigna_adalimumab", "Rheumatoid Arthritis", "continuation"),
    ("Patient with RA has been on Humira for 8 months", "payer_cigna_adalimumab", "Rheumatoid Arthritis",
     "continuation"),
    ("Patient with ulcerative colitis started Humira 3 months ago", "payer_cigna_adalimumab", "Ulcerative Colitis",
     "continuation"),
    ("Epidiolex for Dravet syndrome; she is currently receiving Epidiolex", DOC, "Dravet Syndrome", "continuation"),
])
def test_select_tree(question: str, doc_id: str, indication: str, line: str) -> None:
    chosen = select_tree(question, RECORDS, {})
    assert chosen.record is not None and chosen.policy is not None, chosen.why
    assert (chosen.record.doc_id, chosen.policy.indication, chosen.policy.line) == (doc_id, indication, line)
    assert f"matches the indication '{indication}'" in chosen.why and f"line: {line}" in chosen.why
    assert chosen.candidates == 1


def test_select_tree_pa_is_not_psoriatic_arthritis() -> None:
    chosen = select_tree("PA request for Humira", RECORDS, {})
    assert chosen.policy is None and chosen.candidates == 1
    assert "matches none of the indications" in chosen.why and "Psoriatic Arthritis" in chosen.why


def test_select_tree_with_abbreviations_of_the_corpus() -> None:
    chosen = select_tree("Humira for UC", [ADALIMUMAB], {"UC": "ulcerative colitis"})
    assert chosen.policy is not None and chosen.policy.indication == "Ulcerative Colitis"


def test_select_tree_population_section_when_met() -> None:
    question = "Afinitor for a 12-year-old with neuroendocrine tumors"
    seen = []

    def population_met(policy: PolicyCriteria, asked: str) -> bool:
        seen.append((policy.indication, asked))
        return True

    chosen = select_tree(question, RECORDS, {}, population_met)
    assert chosen.policy is not None and chosen.policy.indication == "Patients less than 19 years of age"
    assert "covers this patient whatever the diagnosis" in chosen.why
    assert seen == [("Patients less than 19 years of age", question)]
    for population in (None, lambda policy, asked: False):
        chosen = select_tree(question, RECORDS, {}, population)
        assert chosen.policy is not None and chosen.policy.indication == "Neuroendocrine Tumors"


def test_select_tree_tie_says_so() -> None:
    chosen = select_tree("Epidiolex for Dravet syndrome or Lennox-Gastaut syndrome", RECORDS, {})
    assert chosen.policy is not None and chosen.policy.indication == "Dravet Syndrome"
    assert "also fits equally: 'Lennox-Gastaut Syndrome'" in chosen.why and "name the indication" in chosen.why


def test_select_tree_without_a_named_drug() -> None:
    for question in ("Is Ozempic covered for obesity?", "Is it medically necessary for rheumatoid arthritis?"):
        chosen = select_tree(question, RECORDS, {})
        assert (chosen.record, chosen.policy, chosen.candidates) == (None, None, 0)
        assert chosen.why == "no policy with coverage criteria in the corpus names the requested drug"


def test_select_tree_skips_records_without_criteria() -> None:
    assert select_tree("Humira for RA", [record([], ["adalimumab", "Humira"])], {}).policy is None


@pytest.mark.parametrize("question", [
    pytest.param("Humira requested for rheumatoid arthritis; the patient is currently taking methotrexate 20 mg "
                 "weekly.", id="currently-taking-methotrexate"),
    pytest.param("Epidiolex for Dravet syndrome; she is currently receiving clobazam and valproate.",
                 id="currently-receiving-clobazam"),
])
def test_requested_line_another_drug_currently_taken_is_initial(question: str) -> None:
    assert requested_line(question, ["Humira", "adalimumab", "Epidiolex", "cannabidiol"])[0] == "initial"


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


# ---------------------------------------------------------------- phrasings
@pytest.mark.parametrize(("stem", "expected"), [
    ("Approve if the patient meets ONE of the following (A or B):", ("any", None)),
    ("Patient meets ONE of the following (a or b):", ("any", None)),
    ("Patient meets at least ONE of the following (a or b):", ("any", None)),
    ("Initial Therapy. Approve for 1 year if the patient meets the following (i, ii, and\niii):", ("all", None)),
    ("Patient meets BOTH of the following [(1) and (2)]:", ("all", None)),
    ("Dupixent will be approved based on all of the following criteria:", ("all", None)),
    ("Afinitor will be approved based on the following criterion:", ("all", None)),
    ("Afinitor will be approved based on both the following criteria:", ("all", None)),
    ("Afinitor will be approved based on One of the following criteria:", ("any", None)),
    ("Afinitor will be approved based on one of the following soft tissue sarcoma subtypes:", ("any", None)),
    ("Disease has progressed after single agent therapy with all of the following:", ("all", None)),
    ("Prescribed by one of the following:", ("any", None)),
    ("Classification of asthma as uncontrolled or inadequately controlled as defined by\nat least one of the "
     "following:", ("any", None)),
    ("History of failure, contraindication, or intolerance to two of the following\ntherapeutic classes of topical "
     "therapies (document drug, date of trial, and/ or\ncontraindication to medication)^:", ("at_least", 2)),
    ("Two or more of the following symptoms for longer than 12 weeks duration:", ("at_least", 2)),
    ("Patient has been unable to obtain symptom relief after trial of two of\nthe following classes of agents^:",
     ("at_least", 2)),
    ("Patient is not receiving Dupixent in combination with either of the following:", ("none", None)),
    ("Patient is not receiving Dupixent in combination with any of the following:", ("none", None)),
    ("Acute Lymphoblastic Leukemia (must meet all):", ("all", None)),
    ("Other diagnoses/indications (must meet 1 or 2):", ("any", None)),
    ("Requested as treatment for (a or b):", ("any", None)),
    ("Relapsed or refractory B-ALL (i and ii):", ("all", None)),
    ("Diagnosis of moderate-to-severe chronic atopic dermatitis", None),
    ("Disease is refractory to at least 3 prior lines of therapy", None),
])
def test_op_of_stem(stem: str, expected: tuple[str, int | None] | None) -> None:
    assert op_of_stem(stem) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Initial Therapy", "initial"),
    ("Initial Authorization", "initial"),
    ("Initial Approval Criteria", "initial"),
    ("Reauthorization", "continuation"),
    ("Patient is Currently Receiving Epidiolex", "continuation"),
    ("Patient is Currently Receiving an Adalimumab Product", "continuation"),
    ("Continued Therapy", "continuation"),
    ("Dravet Syndrome", None),
    ("Acute Lymphoblastic Leukemia (must meet all):", None),
    ("Dupixent will be approved based on all of the following criteria:", None),
])
def test_line_of(text: str, expected: str | None) -> None:
    assert line_of(text) == expected
