"""Normalisation: Unicode and whitespace clean-up, hyphenation, running headers and footers."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ingest.normalize import normalize_pages, normalize_text

pytestmark = pytest.mark.unit

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


# ---------------------------------------------------------------- characters and spaces


def test_ligatures_become_letters():
    assert normalize_text("ﬁrst-line ﬂuid eﬀect") == "first-line fluid effect"


def test_soft_hyphens_and_zero_width_characters_are_removed():
    assert normalize_text("treat\u00adment zero\u200bwidth\ufeff") == "treatment zerowidth"
    assert normalize_text("treat\u00ad\nment") == "treatment"


def test_line_endings_and_non_breaking_spaces():
    assert normalize_text("a\r\nb\rc\u00a0d\u202fe\tf") == "a\nb\nc d e f"


def test_spaces_collapse_and_lines_are_stripped():
    assert normalize_text("  Serum   EPO \t ≤500 mU/mL  \n   next line  ") == (
        "Serum EPO ≤500 mU/mL\nnext line"
    )


def test_three_or_more_newlines_become_one_blank_line():
    assert normalize_text("\n\none\n\n\n\n two\n \n \nthree\n\n") == "one\n\ntwo\n\nthree"


def test_bullets_lose_their_indent():
    text = "Criteria:\n   •   First item\n\uf0b7 Second item\n•Third"
    assert normalize_text(text) == "Criteria:\n• First item\n• Second item\n• Third"


# ---------------------------------------------------------------- hyphenation


def test_a_capitalised_word_broken_across_lines_is_rejoined_too():
    assert normalize_text("Treat-\nment options") == "Treatment options"


def test_a_word_broken_across_lines_is_rejoined():
    text = "do not respond, becoming transfusion depen-\ndent."
    assert normalize_text(text) == "do not respond, becoming transfusion dependent."


def test_a_hyphenated_form_used_elsewhere_keeps_its_hyphen():
    text = "The population-\nlevel table is shown. The population-level figure is shown."
    assert normalize_text(text).startswith("The population-level table is shown.")


@pytest.mark.parametrize(
    ("broken", "joined"),
    [
        ("a 5-\nyear follow-up", "a 5-year follow-up"),  # number on the left
        ("SF3B1-\nmutated cases", "SF3B1-mutated cases"),  # acronym on the left
        ("IgG-\nmediated", "IgG-mediated"),  # mixed-case term on the left
        ("mild-to-\nmoderate elevations", "mild-to-moderate elevations"),  # already hyphenated
        ("LR-\nMDS patients", "LR-MDS patients"),  # continuation not lower-case
    ],
)
def test_hyphen_kept_and_newline_dropped(broken, joined):
    assert normalize_text(broken) == joined


def test_a_dash_before_a_line_break_is_not_a_hyphenation():
    assert normalize_text("first-line therapy -\nthis violates") == "first-line therapy -\nthis violates"


# ---------------------------------------------------------------- idempotence


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.*")), ids=lambda p: p.name)
def test_normalising_the_corpus_twice_changes_nothing(path):
    once = normalize_text(path.read_text(encoding="utf-8"))
    assert normalize_text(once) == once


def test_normalising_random_text_twice_changes_nothing():
    alphabet = list("abcXYZ019 -•*.\n\n\t\r\u00a0\u00ad\u200bﬁ\u0301é-") + ["-\n", " \n ", "\n\n\n"]
    rng = random.Random(1234)
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        once = normalize_text(text)
        assert normalize_text(once) == once, repr(text)


# ---------------------------------------------------------------- pages, headers, footers


BODY = [
    "Luspatercept is administered subcutaneously (under the skin).",
    "Dosage varies based on the underlying condition and individual response.",
    "The initial dose is generally 1 mg/kg every three weeks.",
    "Regular blood pressure monitoring is necessary.",
    "Joint and bone pain are potential side effects.",
]


def _pages(n: int, header: str = "GuideQA Test Corpus - Luspatercept") -> list[str]:
    return [f"{header}\n{BODY[i % len(BODY)]}\nPage {i + 1} of {n}\n" for i in range(n)]


def test_repeated_headers_and_page_footers_are_dropped():
    text, starts, removed = normalize_pages(_pages(4))
    assert "GuideQA Test Corpus" not in text and "Page 2 of 4" not in text
    assert text == "\n\n".join(BODY[:4])
    assert removed[0] == "GuideQA Test Corpus - Luspatercept"
    assert {f"Page {i} of 4" for i in range(1, 5)} <= set(removed)
    assert len(removed) == len(set(removed))


def test_headers_need_three_pages():
    text, _, removed = normalize_pages(_pages(2))
    assert removed == [] and "Page 2 of 2" in text


def test_a_line_on_too_few_pages_is_kept():
    pages = _pages(5)
    pages = [p.replace("GuideQA Test Corpus - Luspatercept", f"Own title {i}") for i, p in
             enumerate(pages)]
    pages[0] = pages[1] = "Intermittent banner line\n" + pages[0]
    text, _, removed = normalize_pages(pages)
    assert "Intermittent banner line" in text  # on 2 of 5 pages: under 60%


def test_header_pieces_in_another_order_are_one_header():
    pages = [
        "RCOG Guideline No. 66 2of 17 © Royal College\nBody one.",
        "5 of 17RCOG Guideline No. 66 © Royal College\nBody two.",
        "RCOG Guideline No. 66 10 of 17 © Royal College\nBody three.",
    ]
    text, _, removed = normalize_pages(pages)
    assert text == "Body one.\n\nBody two.\n\nBody three." and len(removed) == 3


def test_page_starts_point_at_each_page():
    pages = ["First page text.", "", "Third page ﬁne text."]
    text, starts, removed = normalize_pages(pages)
    assert removed == []
    assert starts == [0, len("First page text.") + 2, len("First page text.") + 4]
    assert text[starts[0] :].startswith("First page text.")
    assert text[starts[2] :] == "Third page fine text."
