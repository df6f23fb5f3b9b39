"""A lead-in sentence ending in ':' is quoted with the list items under it (rag/quotes.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.quotes import LIST_QUOTE_CHARS, lead_in, with_lists
from rag.sentences import split_sentences

pytestmark = pytest.mark.unit

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "luspatercept-mds-medical-necessity-answer.txt"
LEAD_IN = "The request lacks essential diagnostic information needed to determine luspatercept appropriateness:"


def lead_in_passage() -> str:
    text = CORPUS.read_text(encoding="utf-8")
    start = text.index(LEAD_IN)
    return text[start : text.index("\n\n", text.index("Prior ESA trial", start))]


def test_a_lead_in_is_quoted_with_its_list():
    text = lead_in_passage()
    spans = with_lists(text, split_sentences(text))
    first = text[spans[0][0] : spans[0][1]]
    assert first.startswith(LEAD_IN)
    assert "Ring sideroblast percentage or SF3B1 mutation status" in first
    assert "IPSS-R risk category" in first
    assert spans[0][1] - spans[0][0] <= LIST_QUOTE_CHARS


def test_other_sentences_are_unchanged():
    text = "The committee met in the morning. Nobody objected.\n\nThe minutes were sent."
    assert with_lists(text, split_sentences(text)) == split_sentences(text)


DRUG_PAGE = Path(__file__).resolve().parents[2] / "corpus" / "luspatercept-drug-information.md"


def test_a_list_item_is_read_with_the_lead_in_above_it():
    text = DRUG_PAGE.read_text(encoding="utf-8")
    mds = text.index("**For MDS-RS or MDS/MPN-RS-T:**")
    thal_item = text.index("* **Initial dose:** 1 mg/kg every 3 weeks.")
    mds_item = text.index("* **Initial dose:** 1 mg/kg every 3 weeks.", mds)
    assert lead_in(text, thal_item) == "For beta-thalassemia:\n"
    assert lead_in(text, mds_item) == "For MDS-RS or MDS/MPN-RS-T:\n"
    assert lead_in(text, mds_item + 2) == "For MDS-RS or MDS/MPN-RS-T:\n"  # a span that starts after the bullet
    # the third item, two items below its lead-in
    assert lead_in(text, text.index("* **Dose reduction:**  Similar")) == "For MDS-RS or MDS/MPN-RS-T:\n"
    # a sentence of a paragraph has none
    assert lead_in(text, text.index("Luspatercept is administered subcutaneously")) == ""
