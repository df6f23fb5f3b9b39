"""How `guideqa ask` prints an answer: a declined question still shows the passages nearest to it."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from api import cli_ask
from rag.types import Answer, Context

pytestmark = pytest.mark.unit

# Verbatim, corpus/luspatercept-drug-information.md ("### Usage")
USAGE = ("### Usage\n\nLuspatercept is a medication used to treat anemia (low red blood cell count) in specific adult "
         "populations.  Its primary use is in adults with beta-thalassemia who require regular red blood cell (RBC) "
         "transfusions.  It's also indicated for adults with very low- to intermediate-risk myelodysplastic "
         "syndromes with ring sideroblasts (MDS-RS)")


def printed(answer: Answer, monkeypatch: pytest.MonkeyPatch) -> str:
    out = io.StringIO()
    monkeypatch.setattr(cli_ask, "console", Console(file=out, width=300, color_system=None))
    cli_ask.show(answer)
    return out.getvalue()


def declined(contexts: list[Context]) -> Answer:
    return Answer(question="Is luspatercept covered for sickle cell disease?", answerable=False,
                  answer="The corpus does not cover this question (the passages it finds on luspatercept never "
                         "speak of sickle cell).", contexts=contexts, mode="extractive", corpus_version="v1")


def context(rank: int, text: str, page: int | None = None) -> Context:
    return Context(chunk_id=f"c{rank}", doc_id="d", title=f"Document {rank}", page=page, score=1.0, text=text)


def test_a_declined_answer_lists_the_closest_passages_beginnings(monkeypatch):
    contexts = [context(1, USAGE, page=2), *(context(i, f"passage {i}") for i in range(2, 6))]
    out = printed(declined(contexts), monkeypatch)
    assert "Not answerable from the corpus" in out and "never speak of sickle cell" in out
    assert "Closest passages" in out
    assert "1. Document 1, p. 2" in out and "3. Document 3" in out and "Document 4" not in out  # the best three
    # whitespace folded, cut at a word before 240 characters
    assert "### Usage Luspatercept is a medication" in out and "beta-thalassemia" in out
    assert "(MDS-RS)" not in out and " ..." in out


def test_a_declined_answer_without_passages_prints_no_empty_heading(monkeypatch):
    out = printed(declined([]), monkeypatch)
    assert "Not answerable from the corpus" in out and "Closest passages" not in out
