"""HTML pages to Markdown: the main content only, headings as ``#`` lines, lists and tables kept.

`sniff_charset` finds the page's encoding (byte-order mark, else ``<meta charset>``);
`html_to_markdown` parses the decoded page with lxml, drops what is not content (scripts, styles,
forms, navigation, the page header and footer, asides, hidden elements, skip links), keeps the ``<main>``
element (else ``role="main"``, else a single ``<article>``) and writes it as Markdown the chunker
splits into sections: ``# heading`` lines, ``- item`` / ``1. item`` lists and tables as one line
per row with each cell led by its column header (`ingest.tables`).

A page without such markup (``<div>`` layouts) goes through trafilatura's main-content
extraction first, whose HTML output is written the same way; only when it finds nothing is the
whole body, less the dropped elements, read.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

import lxml.html
from lxml import etree

from ingest.tables import clean_cell, table_lines
from rag.errors import EmptyDocumentError

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# WHATWG: pages labelled Latin-1 or ASCII are decoded as Windows-1252.
_CHARSET_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252",
                    "ascii": "cp1252", "latin-1": "cp1252"}
_XML_DECL_RE = re.compile(r"\A\s*<\?xml[^>]*\?>")
_DROP_TAGS = {
    "script", "style", "noscript", "template", "nav", "aside", "form", "button", "input",
    "select", "textarea", "label", "iframe", "svg", "canvas", "object", "embed", "dialog",
    "menu", "head", "link", "meta",
}
_DROP_ROLES = {"navigation", "banner", "contentinfo", "search", "complementary", "dialog",
               "menu", "menubar", "toolbar"}
_SKIP_LINK_RE = re.compile(r"\s*skip\b", re.I)  # "Skip to main content" and the like
_SECTIONING = {"main", "article", "section"}  # a header/footer inside one belongs to the content
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_LISTS = {"ul", "ol"}
_BLOCKS = {
    "p", "div", "section", "article", "main", "body", "blockquote", "figure", "figcaption",
    "address", "details", "summary", "dl", "dt", "dd", "center", "header", "footer", "fieldset",
    "caption", "hr", "li",
}


@dataclass
class HtmlPage:
    """A page read as Markdown, with the title and address it declares."""

    markdown: str
    title: str | None = None
    url: str | None = None


def sniff_charset(data: bytes) -> str | None:
    """The page's encoding from its byte-order mark, else its ``<meta charset>``; else None."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    match = _META_CHARSET_RE.search(data[:4096])
    if not match:
        return None
    label = match.group(1).decode("ascii", "replace").lower()
    label = _CHARSET_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def html_to_markdown(path: Path, text: str) -> HtmlPage:
    """The page's main content as Markdown. Raises `EmptyDocumentError` when there is none."""
    try:
        root = lxml.html.document_fromstring(_XML_DECL_RE.sub("", text) or "<html></html>")
    except (etree.ParserError, ValueError) as exc:
        raise EmptyDocumentError(
            f"{path}: no HTML to read ({exc}); check that the file is a saved web page"
        ) from exc
    page = HtmlPage(markdown="", title=_declared_title(root), url=_canonical_url(root))
    _drop_chrome(root)
    main = _main_element(root)
    if main is None:
        main = _extracted_main(root)
    writer = _Writer()
    writer.walk(main)
    page.markdown = writer.text()
    if not any(ch.isalnum() for ch in page.markdown):
        raise EmptyDocumentError(
            f"{path}: the HTML page has no main content (only navigation, scripts, forms or "
            f"markup); if the page is built by JavaScript, save it from the browser as "
            f"'Web page, complete' or print it to PDF, and ingest that"
        )
    return page


# ---------------------------------------------------------------- metadata


def _declared_title(root: lxml.html.HtmlElement) -> str | None:
    """og:title, else <title>; the first <h1> instead when the title only adds the site's name
    to it ("Azacitidine - NCI" for "Azacitidine")."""
    h1 = clean_cell(" ".join(str(v) for v in root.xpath("(//h1)[1]//text()")))
    for xpath in ("//meta[@property='og:title']/@content", "//meta[@name='og:title']/@content",
                  "//title//text()"):
        title = clean_cell(" ".join(str(v) for v in root.xpath(xpath)))
        if title:
            return h1 if len(h1) >= 3 and h1 != title and h1 in title else title
    return h1 or None


def _canonical_url(root: lxml.html.HtmlElement) -> str | None:
    for xpath in ("//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content"):
        values = [str(v).strip() for v in root.xpath(xpath)]
        if values and values[0].startswith(("http://", "https://")):
            return values[0]
    return None


# ---------------------------------------------------------------- main content


def _drop_chrome(root: lxml.html.HtmlElement) -> None:
    doomed = []
    for el in root.iter():
        if not isinstance(el.tag, str):  # comments, processing instructions
            doomed.append(el)
            continue
        tag = el.tag.lower()
        if (
            tag in _DROP_TAGS
            or (el.get("role") or "").lower() in _DROP_ROLES
            or el.get("hidden") is not None
            or (el.get("aria-hidden") or "").lower() == "true"
            or (tag in ("header", "footer") and not _inside(el, _SECTIONING))
            or (tag == "a" and (el.get("href") or "").startswith("#")
                and _SKIP_LINK_RE.match(el.text_content()))
        ):
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()  # keeps the tail text, which belongs to the parent


def _inside(el: lxml.html.HtmlElement, tags: set[str]) -> bool:
    return any(isinstance(a.tag, str) and a.tag.lower() in tags for a in el.iterancestors())


def _main_element(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The element the page marks as its main content, if it marks one."""
    for xpath in ("//main", "//*[@role='main']"):
        found = root.xpath(xpath)
        if found:
            return found[0]
    articles = root.xpath("//article[not(ancestor::article)]")
    return articles[0] if len(articles) == 1 else None


def _extracted_main(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """trafilatura's main content of a page without semantic markup, else the body."""
    import trafilatura  # import on first use: it loads date and language helpers

    extracted = trafilatura.extract(
        lxml.html.tostring(root, encoding="unicode"), output_format="html", favor_recall=True,
        include_tables=True, include_formatting=True, include_links=False, include_images=False,
        include_comments=False, deduplicate=False, with_metadata=False,
    )
    if extracted:
        return lxml.html.document_fromstring(extracted)
    body = root.find("body")
    return body if body is not None else root


# ---------------------------------------------------------------- Markdown writer


class _Writer:
    """Collects Markdown blocks; inline text is gathered until the next block boundary."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.inline: list[str] = []

    def text(self) -> str:
        self.flush()
        return "\n\n".join(self.blocks) + "\n"

    def flush(self) -> None:
        lines = [" ".join(line.split()) for line in "".join(self.inline).split("\n")]
        self.inline.clear()
        text = "\n".join(line for line in lines if line)
        if text:
            self.blocks.append(text)

    def walk(self, el: lxml.html.HtmlElement) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag in _HEADINGS:
            self.flush()
            heading = clean_cell(el.text_content()).strip("# ")
            if heading:
                self.blocks.append(f"{'#' * _HEADINGS[tag]} {heading}")
        elif tag in _LISTS:
            self.flush()
            self.blocks.append("\n".join(_list_lines(el, 0)))
        elif tag == "table":
            self.flush()
            self.blocks += _table_blocks(el)
        elif tag == "br":
            self.inline.append("\n")
        elif tag == "pre":
            self.flush()
            self.blocks.append(el.text_content().strip("\n"))
        else:
            block = tag in _BLOCKS
            if block:
                self.flush()
            self.inline.append(el.text or "")
            for child in el:
                self.walk(child)
                self.inline.append(child.tail or "")
            if block or tag in ("dt", "td", "th"):
                self.flush()


def _list_lines(el: lxml.html.HtmlElement, depth: int) -> list[str]:
    ordered = el.tag.lower() == "ol"
    start = int(el.get("start")) if (el.get("start") or "").isdigit() else 1
    lines = []
    for number, item in enumerate(el.xpath("./li"), start):
        inner = _Writer()
        nested = []
        inner.inline.append(item.text or "")
        for child in item:
            if isinstance(child.tag, str) and child.tag.lower() in _LISTS:
                nested.append(child)
            else:
                inner.walk(child)
            inner.inline.append(child.tail or "")
        inner.flush()
        text = " ".join(" ".join(block.split()) for block in inner.blocks)
        marker = f"{number}." if ordered else "-"
        if text:
            lines.append(f"{'  ' * depth}{marker} {text}")
        for sub in nested:
            lines += _list_lines(sub, depth + 1)
    return lines


def _table_blocks(table: lxml.html.HtmlElement) -> list[str]:
    """The caption, then one line per row; nested tables are read as cell text."""
    rows = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
    cells = [_row_cells(row) for row in rows]
    head_count = len(table.xpath("./thead/tr"))
    if not head_count and rows and all(c.tag.lower() == "th" for c in rows[0].xpath("./th|./td")):
        head_count = 1
    header = None
    if head_count:
        columns = zip(*cells[:head_count], strict=False)
        header = [" / ".join(dict.fromkeys(name for name in column if name)) for column in columns]
    blocks = []
    caption = clean_cell(" ".join(table.xpath("./caption//text()")))
    if caption:
        blocks.append(caption)
    lines = table_lines(header, cells[head_count:])
    if lines:
        blocks.append("\n".join(lines))
    return blocks


def _row_cells(row: lxml.html.HtmlElement) -> list[str]:
    cells = []
    for cell in row.xpath("./th|./td"):
        inner = _Writer()
        inner.walk(cell)
        text = " ".join(" ".join(block.split()) for block in inner.text().split("\n\n"))
        span = int(cell.get("colspan")) if (cell.get("colspan") or "").isdigit() else 1
        cells += [text.strip()] * max(1, min(span, 50))
    return cells
