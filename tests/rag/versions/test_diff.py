"""Criteria changes between two versions of a policy's trees (neutral text)."""

from __future__ import annotations

import pytest

from rag.criteria.tree import Leaf, Node, PolicyCriteria
from rag.versions.diff import criteria_changes, section_changes

pytestmark = pytest.mark.unit


def tree(indication: str, *texts: str) -> PolicyCriteria:
    return PolicyCriteria(drug="Permit", indication=indication, line="initial",
                          tree=Node(op="all", children=[Leaf(text=t) for t in texts]))


def test_added_removed_and_reworded_criteria_of_one_tree():
    old = [tree("Parking", "Holder is a staff member", "Holder has a signed form", "Car is registered")]
    new = [tree("Parking", "Holder is a current staff member", "Car is registered", "Holder paid the fee")]
    (change,) = criteria_changes(old, new)
    assert change.status == "changed" and change.indication == "Parking"
    assert change.added == ["Holder paid the fee"] and change.removed == ["Holder has a signed form"]
    assert [(r.old, r.new) for r in change.reworded] == [
        ("Holder is a staff member", "Holder is a current staff member")]


def test_trees_added_and_removed_and_an_unchanged_tree_left_out():
    old = [tree("Parking", "Car is registered"), tree("Bicycles", "Rack space is free")]
    new = [tree("Parking", "Car is registered"), tree("Lockers", "Key deposit is paid")]
    assert [(c.indication, c.status) for c in criteria_changes(old, new)] == [
        ("Bicycles", "removed"), ("Lockers", "added")]


def test_sections_added_removed_and_changed():
    old = {"Rules": "Permits last a year.\nFees are paid monthly.", "Contacts": "Ask the office."}
    new = {"Rules": "Permits last a year.\nFees are paid yearly.", "Appeals": "Write to the chair."}
    changes = {c.section: c for c in section_changes(old, new)}
    assert changes["Contacts"].status == "removed" and changes["Appeals"].status == "added"
    assert "-Fees are paid monthly." in changes["Rules"].diff and "+Fees are paid yearly." in changes["Rules"].diff
