"""The criteria parser across page breaks: running headers and footers between the items, a
criterion, a note or the approval duration wrapped onto the next page, and the leaves' pages."""

from __future__ import annotations

import pytest

from ingest.normalize import normalize_pages
from rag.criteria.extract import extract_criteria
from rag.criteria.tree import leaves
from tests.rag.criteria import policy_text as pt
from tests.rag.criteria.helpers import assert_exact_spans, shape

pytestmark = pytest.mark.unit


# ---------------------------------------------------------------- pages
def _paged(body: str, cuts: list[str], header: str, footer: str) -> list[str]:
    """`body` cut into pages before each of `cuts`, each page with a running header and footer."""
    pages, rest = [], body
    for cut in cuts:
        at = rest.index(cut)
        pages.append(rest[:at].rstrip("\n"))
        rest = rest[at:]
    pages.append(rest)
    return [f"{header.format(n=n, of=len(pages))}\n\n{page}\n\n{footer.format(n=n, of=len(pages))}"
            for n, page in enumerate(pages, start=1)]


def test_uhc_criterion_wrapped_across_a_page_break() -> None:
    body = pt.UHC_DUPIXENT[pt.UHC_DUPIXENT.index("2. Coverage Criteriaa:"):]
    pages = _paged(body, ["(mometasone furoate), Synalar", "(b) Allergist\n(c) Immunologist\n\nAuthorization"],
                   "Example Health Plan Pharmacy Clinical Policy", "© 2024 Example Health Plan. Page {n} of {of}")
    text, starts, removed = normalize_pages(pages)
    assert "Example Health Plan Pharmacy Clinical Policy" in removed and "Example" not in text
    policies = extract_criteria(text, starts)
    assert_exact_spans(text, policies)
    initial = policies[0]
    assert initial.pages == [1, 3]
    a, b = list(leaves(initial.tree))[1:3]
    assert a.text == ("Medium,high, or very-high potency topical corticosteroid [e.g., Elocon\n\n(mometasone furoate), "
                      "Synalar (fluocinolone acetonide), Lidex\n(fluocinonide)]")
    assert (a.page, b.page) == (1, 2)
    assert [leaf.page for leaf in leaves(initial.tree)][-3:] == [2, 3, 3]  # Dermatologist, Allergist, Immunologist
    assert policies[1].pages == [3, 3]


def test_cigna_criterion_wrapped_across_a_page_break() -> None:
    body = pt.CIGNA_EPIDIOLEX[pt.CIGNA_EPIDIOLEX.index("FDA-Approved Indications"):]
    header = ("Page {n} of {of} - Cigna National Formulary Coverage - Policy:Antiseizure Medications – Epidiolex "
              "Prior Authorization")
    pages = _paged(body, ["antiseizure medications; OR", "iii. The medication", "CONDITIONS NOT COVERED"], header, "")
    text, starts, _ = normalize_pages(pages)
    assert "Cigna National Formulary" not in text
    policies = extract_criteria(text, starts)
    assert_exact_spans(text, policies)
    assert [(p.line, p.pages) for p in policies] == [("initial", [1, 3]), ("continuation", [3, 3])]
    i, a, b, iii = leaves(policies[0].tree)
    assert a.text == "Patient has tried or is concomitantly receiving at least two other\n\nantiseizure medications"
    assert len(a.notes) == 1 and a.notes[0].startswith("Note: Examples")
    assert (i.page, a.page, b.page, iii.page) == (1, 1, 2, 3)


def _one_break(text: str, before: str) -> tuple[str, list[int]]:
    """`text` as pages 2 and 3 of a document, broken before the line starting with `before`
    (page 1 is a neutral cover page), each page with a running header and footer; normalised."""
    at = text.index("\n" + before) + 1
    pages = [["Coverage policy excerpt"], [text[:at].rstrip("\n")], [text[at:]]]
    raw = [f"Example Health Plan Pharmacy Clinical Policy\n\n{p[0]}\n\nPage {n} of 3" for n, p in enumerate(pages, 1)]
    text, starts, removed = normalize_pages(raw)
    assert "Example Health Plan Pharmacy Clinical Policy" in removed
    return text, starts


def test_page_break_between_items_and_before_a_separator() -> None:
    for before in ("-AND-\n\n(3) Patient is not", "(c) Immunologist\n\nAuthorization", "2. Reauthorization"):
        text, starts = _one_break(pt.UHC_DUPIXENT, before)
        policies = extract_criteria(text, starts)
        assert_exact_spans(text, policies)
        unpaged = extract_criteria(pt.UHC_DUPIXENT)
        assert [shape(p.tree) for p in policies] == [shape(p.tree) for p in unpaged], before


def test_note_wrapped_across_a_page_break_is_whole() -> None:
    text, starts = _one_break(pt.CIGNA_EPIDIOLEX, "topiramate, clonazepam, levetiracetam, zonisamide.")
    a = list(leaves(extract_criteria(text, starts)[0].tree))[1]
    assert a.notes == ["Note: Examples of other antiseizure medications include valproic acid,\n\n"
                       "topiramate, clonazepam, levetiracetam, zonisamide."]


def test_last_criterion_wrapped_across_a_page_break_before_the_duration() -> None:
    text, starts = _one_break(pt.UHC_AFINITOR, "diazoxide\n")
    policies = extract_criteria(text, starts)
    assert_exact_spans(text, policies)
    assert [p.indication for p in policies][:3] == [
        "Patients less than 19 years of age", "Neuroendocrine Tumors", "Neuroendocrine Tumors"]
    last = list(leaves(policies[1].tree))[-1]
    assert last.text == "Used as preoperative therapy of locoregional insulinoma with or without\n\ndiazoxide"
    assert (last.label, last.page) == ("(ii)", 2)


def test_approval_duration_at_the_top_of_the_next_page() -> None:
    text, starts = _one_break(pt.ENVOLVE_BLINATUMOMAB, "Approval duration: 6 months")
    policies = extract_criteria(text, starts)
    assert [(p.line, p.approval_duration) for p in policies] == [("initial", "6 months"),
                                                                  ("continuation", "12 months")]
