"""The criteria tree's three-valued (Kleene) logic, stated as truth tables, and the tree walks."""

from __future__ import annotations

import itertools

import pytest

from rag.criteria.tree import (
    Leaf,
    Node,
    PolicyCriteria,
    Status,
    annotate,
    combine,
    deciding_unknowns,
    evaluate,
    leaf_paths,
    leaves,
)

pytestmark = pytest.mark.unit

_WORD: dict[str, Status] = {"M": "met", "U": "unmet", "?": "unknown"}

# Three children (c1 c2 c3), each met (M), unmet (U) or unknown (?), and what each op makes of
# them. Written out by hand from the definitions in rag/criteria/tree.py's docstring:
#   all: U if a child is U, M if all are M;  any: M if a child is M, U if all are U;
#   none: the negation of any;  at_least n: M if >= n are M, U if fewer than n can still be M.
# Every other case is unknown.
TRUTH_TABLE = """
c1c2c3  all any none al2 al3
MMM     M   M   U    M   M
MMU     U   M   U    M   U
MM?     ?   M   U    M   ?
MUM     U   M   U    M   U
MUU     U   M   U    U   U
MU?     U   M   U    ?   U
M?M     ?   M   U    M   ?
M?U     U   M   U    ?   U
M??     ?   M   U    ?   ?
UMM     U   M   U    M   U
UMU     U   M   U    U   U
UM?     U   M   U    ?   U
UUM     U   M   U    U   U
UUU     U   U   M    U   U
UU?     U   ?   ?    U   U
U?M     U   M   U    ?   U
U?U     U   ?   ?    U   U
U??     U   ?   ?    ?   U
?MM     ?   M   U    M   ?
?MU     U   M   U    ?   U
?M?     ?   M   U    ?   ?
?UM     U   M   U    ?   U
?UU     U   ?   ?    U   U
?U?     U   ?   ?    ?   U
??M     ?   M   U    ?   ?
??U     U   ?   ?    ?   U
???     ?   ?   ?    ?   ?
"""
_COLUMNS = {"all": ("all", None), "any": ("any", None), "none": ("none", None),
            "al2": ("at_least", 2), "al3": ("at_least", 3)}


def _table() -> list[tuple[str, int | None, list[Status], Status]]:
    rows = [line.split() for line in TRUTH_TABLE.strip().splitlines()]
    header, body = rows[0], rows[1:]
    cases = []
    for row in body:
        children = [_WORD[c] for c in row[0]]
        for column, expected in zip(header[1:], row[1:], strict=True):
            op, n = _COLUMNS[column]
            cases.append((op, n, children, _WORD[expected]))
    return cases


def test_the_table_covers_every_combination_once() -> None:
    combos = [line.split()[0] for line in TRUTH_TABLE.strip().splitlines()[1:]]
    assert sorted(combos) == sorted("".join(p) for p in itertools.product("MU?", repeat=3))


@pytest.mark.parametrize(("op", "n", "children", "expected"), _table(),
                         ids=lambda v: "".join(s[0] if s != "unknown" else "?" for s in v) if isinstance(v, list)
                         else str(v))
def test_combine_truth_table(op: str, n: int | None, children: list[Status], expected: Status) -> None:
    assert combine(op, children, n) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(("op", "n", "children", "expected"), [
    ("all", None, ["met"], "met"),
    ("all", None, ["unknown"], "unknown"),
    ("any", None, ["unmet"], "unmet"),
    ("none", None, ["unknown"], "unknown"),
    ("none", None, ["unmet", "unmet"], "met"),
    ("at_least", 2, ["met", "met"], "met"),  # two of two
    ("at_least", 2, ["met", "unknown"], "unknown"),
    ("at_least", 2, ["met", "unmet"], "unmet"),
    ("at_least", 2, ["met", "unknown", "unknown", "unmet"], "unknown"),  # two of four
    ("at_least", 2, ["unmet", "unmet", "unknown", "met"], "unknown"),
    ("at_least", 2, ["unmet", "unmet", "unmet", "met"], "unmet"),
    ("at_least", 3, ["met", "met"], "unmet"),  # cannot reach three
    ("at_least", None, ["unmet", "unknown"], "unknown"),  # n missing: one is enough
    ("at_least", None, ["unmet", "met"], "met"),
])
def test_combine_other_sizes(op: str, n: int | None, children: list[Status], expected: Status) -> None:
    assert combine(op, children, n) == expected  # type: ignore[arg-type]


# ---------------------------------------------------------------- trees
def _leaf(label: str, text: str, status: Status | None = None) -> Leaf:
    return Leaf(label=label, text=text, status=status)


def _dravet(i: Status | None, a: Status | None, b: Status | None, iii: Status | None) -> Node:
    """Cigna's Epidiolex Dravet syndrome initial criteria (i, ii (a or b), iii)."""
    return Node(op="all", label="A", stem="Initial Therapy. Approve for 1 year if the patient meets the following "
                "(i, ii, and\niii):", children=[
                    _leaf("i", "Patient is ≥ 1 year of age", i),
                    Node(op="any", label="ii", stem="Patient meets ONE of the following (a or b):", children=[
                        _leaf("a", "Patient has tried or is concomitantly receiving at least two other\n"
                                   "antiseizure medications", a),
                        _leaf("b", "Patient has tried or is concomitantly receiving one of Fintepla, Diacomit\n"
                                   "or clobazam", b),
                    ]),
                    _leaf("iii", "The medication is prescribed by or in consultation with a neurologist.", iii),
                ])


def test_annotate_sets_every_node_and_unjudged_leaves_become_unknown() -> None:
    tree = _dravet("met", None, "met", "met")
    assert annotate(tree) == "met"
    ii = tree.children[1]
    assert isinstance(ii, Node)
    assert (tree.status, ii.status) == ("met", "met")
    assert [leaf.status for leaf in leaves(tree)] == ["met", "unknown", "met", "met"]


def test_annotate_unmet_leaf_decides_an_all() -> None:
    tree = _dravet("unmet", None, None, None)
    assert annotate(tree) == "unmet"
    assert tree.children[1].status == "unknown"


def test_evaluate_by_leaf_identity_missing_is_unknown() -> None:
    tree = _dravet(None, None, None, None)
    i, a, b, iii = leaves(tree)
    assert evaluate(tree, {}) == "unknown"
    assert evaluate(tree, {id(i): "met", id(a): "unmet", id(b): "met", id(iii): "met"}) == "met"
    assert evaluate(tree, {id(i): "met", id(a): "unmet", id(b): "unmet", id(iii): "met"}) == "unmet"
    assert evaluate(tree, {id(i): "met", id(b): "met"}) == "unknown"  # iii still open
    assert tree.status is None  # evaluate does not write statuses


def test_deciding_unknowns_under_unknown_nodes_only() -> None:
    # i met, a unknown, b unknown, iii unknown: the root and ii are unknown, all three can tip it
    tree = _dravet("met", None, None, None)
    annotate(tree)
    assert [leaf.label for leaf in deciding_unknowns(tree)] == ["a", "b", "iii"]


def test_an_unknown_leaf_under_a_decided_node_is_not_deciding() -> None:
    # ii is met through b: a's value cannot change ii, so only iii decides
    tree = _dravet("met", None, "met", None)
    annotate(tree)
    assert tree.status == "unknown"
    assert [leaf.label for leaf in deciding_unknowns(tree)] == ["iii"]


def test_no_deciding_unknowns_when_the_root_is_decided() -> None:
    tree = _dravet("unmet", None, None, None)  # unmet whatever the rest says
    annotate(tree)
    assert deciding_unknowns(tree) == []
    tree = _dravet("met", "met", None, "met")
    annotate(tree)
    assert tree.status == "met"
    assert deciding_unknowns(tree) == []


def test_deciding_unknowns_through_at_least_and_none() -> None:
    # UnitedHealthcare's Dupixent atopic dermatitis criteria, (2) two of three and (3) none of two
    tree = Node(op="all", label="a", children=[
        _leaf("(1)", "Diagnosis of moderate-to-severe chronic atopic dermatitis", "met"),
        Node(op="at_least", n=2, label="(2)", children=[
            _leaf("(a)", "Medium,high, or very-high potency topical corticosteroid", "met"),
            _leaf("(b)", "Topical calcineurin inhibitor", "unmet"),
            _leaf("(c)", "Eucrisa (crisaborole)"),
        ]),
        Node(op="none", label="(3)", children=[
            _leaf("(a)", "Biologic immunomodulator [e.g., Adbry (tralokinumab-ldrm)]", "unmet"),
            _leaf("(b)", "Janus kinase inhibitor"),
        ]),
    ])
    assert annotate(tree) == "unknown"
    assert [leaf.text for leaf in deciding_unknowns(tree)] == ["Eucrisa (crisaborole)", "Janus kinase inhibitor"]
    # (b) of (3) applies: none is unmet, so the root is unmet and nothing is left to ask
    tree.children[2].children[1].status = "met"  # type: ignore[union-attr]
    assert annotate(tree) == "unmet"
    assert deciding_unknowns(tree) == []


def test_leaves_in_document_order() -> None:
    assert [leaf.label for leaf in leaves(_dravet(None, None, None, None))] == ["i", "a", "b", "iii"]


def test_leaf_paths_name_the_ops_and_at_least_carries_n() -> None:
    tree = Node(op="any", children=[
        Node(op="all", children=[
            _leaf("(a)", "Diagnosis of one of the following"),
            Node(op="at_least", n=2, children=[_leaf("i", "Nasal mucopurulent discharge"),
                                               _leaf("ii", "Nasal obstruction, blockage, or congestion")]),
        ]),
        Node(op="none", children=[_leaf("(a)", "Anti-IgE therapy [e.g., Xolair (omalizumab)]")]),
        _leaf("(c)", "Patient is male"),
    ])
    assert [(path, leaf.label) for path, leaf in leaf_paths(tree)] == [
        (("any", "all"), "(a)"),
        (("any", "all", "at_least:2"), "i"),
        (("any", "all", "at_least:2"), "ii"),
        (("any", "none"), "(a)"),
        (("any",), "(c)"),
    ]


def test_nodes_and_leaves_round_trip_through_json() -> None:
    policy = PolicyCriteria(drug="Epidiolex", indication="Dravet Syndrome", line="initial",
                            approval_duration="1 year", pages=[5, 5], tree=_dravet("met", None, None, "unmet"))
    again = PolicyCriteria.model_validate_json(policy.model_dump_json())
    assert again == policy
    assert isinstance(again.tree.children[1], Node) and isinstance(again.tree.children[0], Leaf)
