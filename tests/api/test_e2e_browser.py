"""End to end: the real server (uvicorn, hash embedder, embedded Chroma) on a free loopback port,
driven in headless Chromium: ask, read a highlighted citation, upload a PDF, delete it; upload a
scanned PDF and see its citation marked OCR.

Needs Debian's chromium at /usr/bin/chromium (`.ci/install-browser` installs it) and the
`playwright` package; Playwright's own browser downloads are never used. Set
GUIDEQA_E2E_SCREENSHOT=/path.png to keep a screenshot of the answer.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.sync import sync
from rag.index import open_index
from tests.api.conftest import api_settings
from tests.api.fakes import make_pdf
from tests.conftest import CORPUS, ROOT, free_port, running_server

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run"]
QUESTION = ("Is luspatercept medically necessary for a patient with MDS, Hb 7.4 and platelets "
            "57,000 whose plan is azacitidine and then a transplant?")

pytestmark = [
    pytest.mark.integration, pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=(
        "Chromium is not installed at /usr/bin/chromium: run `.ci/install-browser` as root "
        "(apt-get install chromium), see the README")),
]


@contextlib.contextmanager
def serve(corpus: Path, workdir: Path) -> Iterator[str]:
    """`python -m api.serve` over `corpus` indexed with the hash embedder in `workdir`; yields its
    URL, and checks on the way out that it started as it should."""
    data = workdir / "data"
    index = open_index(api_settings(data, corpus))
    sync(index, [corpus])
    index.close()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GUIDEQA_")}
    env.update(GUIDEQA_DATA_DIR=str(data), GUIDEQA_EMBEDDER_MODEL="hash",
               GUIDEQA_CORPUS_DIR=str(corpus), GUIDEQA_HOST="127.0.0.1", GUIDEQA_PORT=str(port))
    cmd = [sys.executable, "-m", "api.serve"]
    with running_server(cmd, port, workdir / "server.log", env=env, cwd=ROOT) as log:
        yield f"http://127.0.0.1:{port}"
    output = log.read_text(errors="replace")
    assert "GuideQA is listening on http://127.0.0.1:" in output, output


@contextlib.contextmanager
def browser_page(url: str, viewport: dict[str, int] | None = None) -> Iterator[object]:
    """A headless Chromium page on `url`; fails if the page logged a script error or a blocked
    resource (a CSP violation is one)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        context = browser.new_context(viewport=viewport or {"width": 1366, "height": 900})
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(url)
        yield page
        browser.close()
        assert problems == [], problems  # no script errors, no blocked resources


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The server over the stub corpus; yields its URL."""
    with serve(CORPUS, tmp_path_factory.mktemp("e2e")) as url:
        yield url


@pytest.fixture
def page(server):
    with browser_page(server) as page:
        yield page


def test_ask_and_read_a_highlighted_citation(page):
    from playwright.sync_api import expect

    expect(page.locator("#corpus-line")).to_contain_text("5 documents")
    page.get_by_label("Question").focus()
    page.keyboard.type(QUESTION)
    page.keyboard.press("Control+Enter")  # keyboard only
    badge = page.locator("#verdict-badge")
    expect(badge).to_have_text("Evidence only — no verdict (extractive mode)", timeout=20_000)
    expect(page.locator("#ask-status")).to_contain_text("Answered in")
    marks = page.locator(".cite mark")
    assert marks.count() >= 2
    expect(marks.first).to_be_visible()
    first = page.locator("#answer-text a.marker").first
    expect(first).to_have_text("[1]")
    first.click()
    card = page.locator("#cite-1")
    expect(card).to_have_class("cite selected")
    expect(card).to_be_focused()
    quote = card.locator("mark").inner_text()
    assert quote and quote in card.locator("blockquote").inner_text()
    expect(card.locator(".where")).to_contain_text("luspatercept-mds-medical-necessity-answer")
    if shot := os.environ.get("GUIDEQA_E2E_SCREENSHOT"):
        page.locator("#cite-1").evaluate("el => el.classList.remove('selected')")
        page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
        page.screenshot(path=shot, full_page=False)

    page.get_by_label("Question").fill("What does a knee replacement cost in France?")
    page.get_by_role("button", name="Ask").click()
    expect(page.locator("#unanswerable")).to_contain_text("The corpus does not cover this question")
    expect(page.locator("#verdict-badge")).to_have_count(0)
    expect(page.locator("#closest li")).to_have_count(3)  # what the corpus says nearby, still shown
    assert len(page.locator("#closest li").first.inner_text()) > 40


def test_upload_a_pdf_see_it_listed_then_delete_it(page, tmp_path):
    from playwright.sync_api import expect

    pdf = tmp_path / "e2e-upload-policy.pdf"
    pdf.write_bytes(make_pdf("E2E Upload Policy", [
        "Zibotentan coverage criteria for the browser test: prior therapy must be documented.",
        "Renewal requires a documented response after sixteen weeks."]))
    page.get_by_role("tab", name="Documents").click()
    rows = page.locator("#docs-body tr")
    expect(rows).to_have_count(5)
    page.set_input_files("#upload-file", str(pdf))
    page.get_by_role("button", name="Upload").click()
    row = page.locator('tr[data-doc-id="e2e-upload-policy"]')
    expect(row).to_contain_text("E2E Upload Policy", timeout=20_000)
    expect(row).to_contain_text("upload")
    expect(page.locator("#docs-status")).to_contain_text("added: e2e-upload-policy")
    expect(page.locator("#corpus-line")).to_contain_text("6 documents")

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Delete e2e-upload-policy").click()
    expect(row).to_have_count(0)
    expect(rows).to_have_count(5)
    expect(page.locator("#docs-status")).to_contain_text("Deleted e2e-upload-policy")


def test_a_scanned_upload_is_read_by_ocr_and_its_citation_says_so(page, tmp_path):
    from playwright.sync_api import expect

    from ingest.ocr import TesseractOcr
    from tests import pdf_factory

    if not TesseractOcr().available():
        pytest.skip("tesseract is not installed: run `.ci/install-ocr` as root (see the README)")
    scan = pdf_factory.scanned_pdf(tmp_path / "harbor-scan.pdf", [
        "Harbor Committee Renewal Form\n\nThe Harbor Committee renewal form requires a signed attestation "
        "from the committee chair every twelve months."])
    page.get_by_role("tab", name="Documents").click()
    page.set_input_files("#upload-file", str(scan))
    page.get_by_role("button", name="Upload").click()
    row = page.locator('tr[data-doc-id="harbor-scan"]')
    expect(row).to_be_visible(timeout=60_000)

    page.get_by_role("tab", name="Ask").click()
    page.get_by_label("Question").fill("What does the Harbor Committee renewal form require?")
    page.get_by_role("button", name="Ask").click()
    card = page.locator(".cite", has=page.locator(".where", has_text="harbor-scan")).first
    expect(card).to_be_visible(timeout=20_000)
    expect(card.locator(".ocr-badge")).to_have_text("OCR")
    assert "requires a signed attestation" in " ".join(card.locator("blockquote").inner_text().split())

    page.get_by_role("tab", name="Documents").click()
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Delete harbor-scan").click()
    expect(row).to_have_count(0)
