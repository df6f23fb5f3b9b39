"""End to end, coverage criteria: a real server on loopback over one payer policy, in headless
Chromium. Asking about a request the policy's criteria tree covers shows the "Criteria checked"
panel (statuses, evidence quoted from the request, citation links to the passage cards); the
Documents tab shows the policy's trees and links their FHIR export.

The policy text is copied verbatim from Cigna's "Antiseizure Medications - Epidiolex Prior
Authorization Policy" (review date 02/07/2024): the policy statement and the Dravet syndrome
criteria, as GuideQA's loader and normaliser read them from the PDF.
Set GUIDEQA_E2E_SCREENSHOT_DIR=/some/dir to keep criteria-answer.png and criteria-docs.png.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.api.test_e2e_browser import browser_page, serve
from tests.api.test_e2e_browser import pytestmark as browser_marks

pytestmark = browser_marks  # integration, slow, and skipped without /usr/bin/chromium

DOC_ID = "cigna-epidiolex-policy"
FRONT_MATTER = """---
title: "Antiseizure Medications – Epidiolex Prior Authorization Policy"
source: Cigna
doc_type: payer_policy
---
"""
# verbatim from the policy (pages 3-4 of the PDF), line breaks as normalised at ingest
POLICY_TEXT = """POLICY STATEMENT
Prior Authorization is recommended for prescription benefit coverage of Epidiolex. All
approvals are provided for the duration noted below. Because of the specialized skills
required for evaluation and diagnosis of patients treated with Epidiolex as well as the
monitoring required for adverse events and long-term efficacy, initial approval
requires Epidiolex to be prescribed by or in consultation with a physician who
specializes in the condition being treated.

• Epidiolex® (cannabidiol oral solution – Greenwich Biosciences)
is(are) covered as medically necessary when the following criteria is(are)
met for FDA-approved indication(s) or other uses with supportive evidence
(if applicable):

FDA-Approved Indications

1. Dravet Syndrome. Approve if the patient meets ONE of the following (A or B):
A) Initial Therapy. Approve for 1 year if the patient meets the following (i, ii, and
iii):
i. Patient is ≥ 1 year of age; AND
ii. Patient meets ONE of the following (a or b):
a) Patient has tried or is concomitantly receiving at least two other
antiseizure medications; OR
Note: Examples of other antiseizure medications include valproic acid,
topiramate, clonazepam, levetiracetam, zonisamide.
b) Patient has tried or is concomitantly receiving one of Fintepla, Diacomit
or clobazam; AND
iii. The medication is prescribed by or in consultation with a neurologist.
B) Patient is Currently Receiving Epidiolex. Approve for 1 year if the patient is
responding to therapy (e.g., reduced seizure severity, frequency, and/or
duration) as determined by the prescriber."""
QUESTION = ("Is Epidiolex medically necessary for an 8-month-old infant with Dravet syndrome? "
            "Ordered by a child neurologist.")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("policies")
    (corpus / f"{DOC_ID}.txt").write_text(FRONT_MATTER + POLICY_TEXT, encoding="utf-8")
    with serve(corpus, tmp_path_factory.mktemp("e2e-criteria")) as url:
        yield url


@pytest.fixture
def page(server):
    # a short window, so that the last passage card starts out of view in its column
    with browser_page(server, viewport={"width": 1366, "height": 700}) as page:
        yield page


def _shot(page, name: str) -> None:
    if folder := os.environ.get("GUIDEQA_E2E_SCREENSHOT_DIR"):
        page.set_viewport_size({"width": 1366, "height": 1100})
        page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
        page.screenshot(path=str(Path(folder) / name), full_page=False)


def test_the_answer_shows_the_criteria_checked(page):
    from playwright.sync_api import expect

    page.get_by_label("Question").fill(QUESTION)
    page.get_by_role("button", name="Ask").click()
    panel = page.locator("#criteria-checked")
    expect(panel).to_be_visible(timeout=20_000)
    expect(page.locator("#verdict-badge")).to_have_text("Evidence only — no verdict (extractive mode)")
    expect(panel.get_by_role("heading", name="Criteria checked")).to_be_visible()
    expect(panel).to_contain_text("Antiseizure Medications – Epidiolex Prior Authorization Policy")
    expect(panel.locator(".policy-facts")).to_contain_text("Dravet Syndrome")
    expect(panel.locator(".policy-facts")).to_contain_text("initial therapy, approval for 1 year")
    expect(panel.locator(".why")).to_contain_text("Why this tree: the request names Epidiolex")
    expect(page.locator("#criteria-result")).to_have_text("✗ Criteria unmet")  # a word, not colour alone

    # the tree: the root (ALL of, unmet), its nested list (ANY of, unknown), four criteria
    root = panel.locator(".crit-tree > details.node")
    expect(root).to_have_attribute("data-status", "unmet")
    expect(root.locator("> summary")).to_contain_text("ALL of Initial Therapy. Approve for 1 year")
    nested = root.locator("details.node")
    expect(nested).to_have_attribute("data-status", "unknown")
    expect(nested.locator("> summary")).to_contain_text("ANY of Patient meets ONE of the following (a or b):")
    expect(panel.locator(".leaf")).to_have_count(4)
    unmet = panel.locator('.leaf[data-status="unmet"]')
    expect(unmet).to_have_count(1)
    expect(unmet).to_contain_text("Unmet")
    expect(unmet.locator(".leaf-text")).to_have_text("Patient is ≥ 1 year of age")
    expect(unmet.locator(".evidence")).to_have_text("request: 8-month-old")
    expect(unmet.locator(".evidence q")).to_have_text("8-month-old")
    expect(unmet.locator("a.marker")).to_have_text("[1]")
    met = panel.locator('.leaf[data-status="met"]')
    expect(met.locator(".evidence q")).to_have_text("Ordered by a child neurologist")
    expect(panel.locator('.leaf[data-status="unknown"]')).to_have_count(2)
    expect(panel.locator(".leaf .notes").first).to_contain_text("Note: Examples of other antiseizure medications")

    # a leaf's citation link brings its passage card into view, selected and focused
    card = page.locator("#cite-4")
    expect(card).not_to_be_in_viewport()
    met.locator("a.marker").click()
    expect(card).to_have_class("cite selected")
    expect(card).to_be_focused()
    expect(card).to_be_in_viewport()
    expect(card.locator("mark")).to_have_text("The medication is prescribed by or in consultation with a neurologist.")
    unmet.locator("a.marker").click()
    expect(page.locator("#cite-1")).to_be_in_viewport()
    expect(page.locator("#cite-1 mark")).to_have_text("Patient is ≥ 1 year of age")
    _shot(page, "criteria-answer.png")


def test_the_documents_tab_lists_the_policy_criteria(page):
    from playwright.sync_api import expect

    page.get_by_role("tab", name="Documents").click()
    row = page.locator(f'tr[data-doc-id="{DOC_ID}"]')
    button = row.get_by_role("button", name="Criteria (2)")
    expect(button).to_have_attribute("aria-expanded", "false")
    button.click()
    view = page.locator(f'[id="criteria-of-{DOC_ID}"]')
    expect(view).to_contain_text("Dravet Syndrome")
    expect(button).to_have_attribute("aria-expanded", "true")
    policies = view.locator("details.policy > summary")
    expect(policies).to_have_text(["Dravet Syndrome - initial therapy (1 year) Epidiolex",
                                   "Dravet Syndrome - continuation (1 year) Epidiolex"])
    expect(view.locator("summary.node-head").first).to_contain_text("A ALL of Initial Therapy.")
    expect(view.locator(".leaf-text").first).to_have_text("Patient is ≥ 1 year of age")
    expect(view.locator(".notes")).to_contain_text("Note: Examples of other antiseizure medications")
    expect(view.locator(".leaf .state")).to_have_count(0)  # no request checked here: no statuses

    link = view.get_by_role("link", name="FHIR Questionnaire (JSON)")
    expect(link).to_have_attribute("href", f"/v1/documents/{DOC_ID}/criteria?format=fhir")
    fhir = page.request.get(link.evaluate("a => a.href"))  # the absolute URL
    assert fhir.ok and fhir.headers["content-type"].startswith("application/fhir+json")
    assert json.loads(fhir.text())["resourceType"] == "Questionnaire"
    _shot(page, "criteria-docs.png")

    view.locator("details.policy > summary").first.click()  # collapsible
    expect(view.locator("details.policy").first).not_to_have_attribute("open", "")
    button.click()
    expect(view).to_have_count(0)
    expect(button).to_have_attribute("aria-expanded", "false")
