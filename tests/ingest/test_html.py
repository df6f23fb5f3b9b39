"""HTML pages: main content as Markdown, chrome dropped, tables by row, titles, charsets, errors.

Pages are written here; the text is neutral or verbatim from corpus/luspatercept-drug-information.md.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from ingest.loaders import discover, load_file
from ingest.sync import sync
from rag.embeddings import HashEmbedder
from rag.errors import EmptyDocumentError
from rag.index import Index
from rag.store import InMemoryStore

pytestmark = pytest.mark.unit

# Verbatim from corpus/luspatercept-drug-information.md.
ADMIN = "Luspatercept is administered subcutaneously (under the skin)."
DOSE = "The initial dose is generally 1 mg/kg every three weeks."
MONITOR = "Regular blood pressure monitoring is necessary."
CHROME = """
<a class="skip" href="#content">Skip to main content</a>
<header><div class="logo">Agency banner</div><form><input placeholder="Search the site">
<button>Search</button></form><nav><ul><li><a href="/">Home link</a></li></ul></nav></header>
<aside><h3>Related links</h3><p>Sign up for updates</p></aside>
"""
FOOTER = "<footer><p>Privacy policy and contact</p></footer><script>trackVisit('x');</script>"


def page(main: str, head: str = "<title>Page title | Site</title>", chrome: bool = True) -> str:
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\">{head}"
            f"<style>body {{ color: black }}</style></head><body>{CHROME if chrome else ''}"
            f"<main>{main}</main>{FOOTER if chrome else ''}</body></html>")


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def markdown(tmp_path: Path, html: str | bytes, name: str = "page.html") -> str:
    return load_file(write(tmp_path / name, html)).pages[0]


def test_navigation_header_footer_scripts_styles_and_forms_are_dropped(tmp_path):
    text = markdown(tmp_path, page(f"<h1>Luspatercept</h1><p>{ADMIN}</p>"))
    assert text == f"# Luspatercept\n\n{ADMIN}\n"
    for chrome in ("Skip to", "banner", "Search", "Home link", "Related", "Sign up", "Privacy",
                   "trackVisit", "color"):
        assert chrome not in text


def test_header_inside_the_article_is_content(tmp_path):
    html = page(f"<article><header><h1>Article heading</h1></header><p>{DOSE}</p></article>")
    assert markdown(tmp_path, html) == f"# Article heading\n\n{DOSE}\n"


def test_headings_become_sections_of_the_chunks(tmp_path, settings):
    html = page(f"<h1>Luspatercept</h1><h2>Administration</h2><p>{ADMIN}</p><p>{DOSE}</p>"
                f"<h2>Precautions</h2><p>{MONITOR}</p>")
    write(tmp_path / "docs" / "lusp.html", html)
    index = Index(settings, HashEmbedder(64), store=InMemoryStore())
    report = sync(index, [tmp_path / "docs"])
    assert report.added == ["lusp"] and report.failed == []
    chunks = sorted(index.store.get(index.data.documents["lusp"].chunk_ids), key=lambda c: c.ordinal)
    sections = {c.section for c in chunks}
    assert sections == {"Luspatercept > Administration", "Luspatercept > Precautions"}
    by_section = {c.section: c.text for c in chunks}
    assert ADMIN in by_section["Luspatercept > Administration"]
    assert MONITOR in by_section["Luspatercept > Precautions"]


def test_table_rows_carry_their_column_headers(tmp_path):
    html = page("""<table><caption>Fruit list</caption>
        <thead><tr><th>Name</th><th>Colour</th><th>Shape</th></tr></thead>
        <tbody><tr><td>Apple</td><td>Red</td><td>Round</td></tr>
        <tr><td>Pear</td><td></td><td>Long</td></tr>
        <tr><td>Plum</td><td colspan="2">Not recorded</td></tr></tbody></table>
        <table><tr><th>Key</th><th>Value</th></tr><tr><td>a</td><td>1</td></tr></table>
        <table><tr><td>left</td><td>right</td></tr></table>""")
    assert markdown(tmp_path, html) == (
        "Fruit list\n\n"
        "Name: Apple | Colour: Red | Shape: Round\n"
        "Name: Pear | Shape: Long\n"
        "Name: Plum | Colour: Not recorded | Shape: Not recorded\n\n"
        "Key: a | Value: 1\n\n"
        "left | right\n"
    )


def test_lists_are_kept_with_their_numbers_and_nesting(tmp_path):
    html = page("<p>Steps:</p><ol start='2'><li>First <b>step</b><ul><li>detail</li></ul></li>"
                "<li><p>Second step</p></li></ol><ul><li>one</li><li>two</li></ul>")
    assert markdown(tmp_path, html) == (
        "Steps:\n\n2. First step\n  - detail\n3. Second step\n\n- one\n- two\n")


def test_title_from_og_title_then_title_then_first_h1(tmp_path):
    og = '<meta property="og:title" content="Open graph title"><title>Tab title</title>'
    assert load_file(write(tmp_path / "a.html", page("<p>Some text here.</p>", og))).meta.title \
        == "Open graph title"
    assert load_file(write(tmp_path / "b.html", page("<p>Some text here.</p>"))).meta.title \
        == "Page title | Site"
    site_suffix = page("<h1>Luspatercept</h1><p>Some text.</p>", "<title>Luspatercept - Site</title>")
    assert load_file(write(tmp_path / "c.html", site_suffix)).meta.title == "Luspatercept"
    no_title = page("<h1>Heading only title</h1><p>Some text.</p>", "")
    assert load_file(write(tmp_path / "d.htm", no_title)).meta.title == "Heading only title"


def test_canonical_link_becomes_the_url(tmp_path):
    head = '<title>T t</title><link rel="canonical" href="https://example.org/page">'
    assert load_file(write(tmp_path / "a.html", page("<p>Text here.</p>", head))).meta.url \
        == "https://example.org/page"


@pytest.mark.parametrize("data", [
    '<html><head><meta charset="windows-1252"></head><body><p>Café crème</p></body></html>'
    .encode("cp1252"),
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
    '</head><body><p>Café crème</p></body></html>'.encode("cp1252"),
    codecs.BOM_UTF8 + '<html><body><p>Café crème</p></body></html>'.encode(),
    '\ufeff<html><body><p>Café crème</p></body></html>'.encode("utf-16-le"),
    '<?xml version="1.0" encoding="utf-8"?><html><body><p>Café crème</p></body></html>'.encode(),
])
def test_the_declared_charset_is_decoded(tmp_path, data):
    loaded = load_file(write(tmp_path / "p.html", data))
    assert loaded.pages[0] == "Café crème\n"
    assert loaded.warnings == []


def test_a_page_without_main_content_is_an_empty_document_error(tmp_path):
    html = f"<html><head><title>Only chrome</title></head><body>{CHROME}{FOOTER}</body></html>"
    path = write(tmp_path / "chrome.html", html)
    with pytest.raises(EmptyDocumentError, match=r"chrome\.html: the HTML page has no main content"):
        load_file(path)


def test_a_div_layout_page_keeps_the_article_and_drops_the_menus(tmp_path):
    paragraphs = "".join(f"<p>{s} {s} {s}</p>" for s in (ADMIN, DOSE, MONITOR))
    html = (
        "<html><head><title>Div page</title></head><body>"
        "<div class='menu'><ul><li><a href='/a'>Home link</a></li><li><a href='/b'>Topics</a>"
        "</li><li><a href='/c'>Contact link</a></li></ul></div>"
        f"<div id='content'><h1>Luspatercept</h1>{paragraphs}"
        "<table><tr><th>Name</th><th>Colour</th></tr><tr><td>Apple</td><td>Red</td></tr></table>"
        "</div><div class='bottom'><a href='/p'>Privacy link</a></div></body></html>"
    )
    text = markdown(tmp_path, html)
    assert "# Luspatercept" in text and ADMIN in text and MONITOR in text
    assert "Name: Apple | Colour: Red" in text
    assert "Home link" not in text and "Privacy link" not in text


def test_html_files_are_discovered(tmp_path):
    for name in ("a.html", "b.HTM", "c.docx"):
        write(tmp_path / name, "<p>x</p>")
    files, skipped = discover([tmp_path])
    assert [f.name for f, _ in files] == ["a.html", "b.HTM", "c.docx"] and skipped == []
