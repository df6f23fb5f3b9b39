"""Word (.docx) files to Markdown with python-docx, paragraphs and tables in document order.

Title and Heading 1-6 paragraphs (or styles based on them) become ``#`` headings, list paragraphs
``- item`` lines (``1.`` for decimal numbering, counted per list and level), tables one line per
row with each cell led by the first row's header (`ingest.tables`). The title is the core
property, when it means something; the loader falls back to the first heading.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.pdf import useful_title
from ingest.tables import table_lines
from rag.errors import CorruptFileError, EmptyDocumentError, EncryptedDocumentError

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
_MAX_UNZIPPED = 512 * 1024 * 1024  # a .docx that inflates past this is a zip bomb, not a guideline
_HEADING_RE = re.compile(r"heading ([1-6])", re.I)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_ORDERED_FORMATS = {"decimal", "decimalZero", "upperRoman", "lowerRoman", "upperLetter",
                    "lowerLetter", "ordinal"}


@dataclass
class DocxText:
    """A Word document read as Markdown, with the title its properties declare."""

    markdown: str
    title: str | None


def read_docx(path: Path, data: bytes) -> DocxText:
    """Raises `EncryptedDocumentError`, `CorruptFileError` or `EmptyDocumentError`, naming the
    file and the fix."""
    document = _open(path, data)
    numbering = _Numbering(document)
    blocks: list[str] = []
    for item in document.iter_inner_content():
        if hasattr(item, "rows"):
            lines = _table_lines(item)
            if lines:
                blocks.append("\n".join(lines))
        else:
            line = _paragraph_line(item, numbering)
            if line:
                blocks.append(line)
    markdown = _join(blocks)
    if not any(ch.isalnum() for ch in markdown):
        raise EmptyDocumentError(f"{path}: the Word document has no text; nothing to index")
    return DocxText(markdown=markdown, title=useful_title(document.core_properties.title))


def _open(path: Path, data: bytes) -> Any:
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTION_STREAM in data:
            raise EncryptedDocumentError(
                f"{path}: the Word document is password-protected; open it in Word, remove the "
                f"password (File > Info > Protect Document > Encrypt with Password, clear it), "
                f"save and re-ingest, or export it to PDF"
            )
        raise CorruptFileError(
            f"{path}: this is an old Word 97-2003 (.doc) file named .docx; open it in Word or "
            f"LibreOffice and save it as .docx (Word Document) or PDF, then re-ingest"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise CorruptFileError(_corrupt(path, f"not a ZIP archive: {exc}")) from exc
    if "word/document.xml" not in names:
        raise CorruptFileError(_corrupt(path, "a ZIP archive without word/document.xml"))
    if unzipped > _MAX_UNZIPPED:
        raise CorruptFileError(_corrupt(path, f"it would unpack to {unzipped >> 20} MB"))
    import docx  # import on first use

    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, XMLSyntaxError, ValueError, ...
        raise CorruptFileError(_corrupt(path, f"{type(exc).__name__}: {exc}")) from exc


def _corrupt(path: Path, reason: str) -> str:
    return (
        f"{path}: not a readable Word document ({reason}); the file may be truncated or have "
        f"the wrong extension: open it in Word or LibreOffice and save it again as .docx, or "
        f"export it to PDF"
    )


def _join(blocks: list[str]) -> str:
    """Blank lines between blocks, single newlines between items of one list."""
    parts = blocks[:1]
    for previous, block in zip(blocks, blocks[1:], strict=False):
        parts.append(("\n" if _is_item(previous) and _is_item(block) else "\n\n") + block)
    return "".join(parts) + "\n"


def _is_item(line: str) -> bool:
    return bool(re.match(r"\s*(-|\d+\.) ", line)) and "\n" not in line


# ---------------------------------------------------------------- paragraphs


def _paragraph_line(paragraph: Any, numbering: _Numbering) -> str:
    text = " ".join(paragraph.text.split())
    if not text:
        return ""
    level = _heading_level(paragraph.style)
    if level:
        return f"{'#' * level} {text.strip('# ')}"
    marker = numbering.marker(paragraph)
    return f"{marker} {text}" if marker else text


def _heading_level(style: Any) -> int | None:
    """1-6 for Title and Heading styles, or styles based on them; None otherwise."""
    for _ in range(10):  # base-style chains are short; this guards against cycles
        if style is None:
            return None
        name = (style.name or "").strip()
        if name.lower() == "title":
            return 1
        match = _HEADING_RE.fullmatch(name)
        if match:
            return int(match.group(1))
        style = style.base_style
    return None


class _Numbering:
    """List markers: '-' for bullets, 'n.' for ordered levels, counted per list and level."""

    def __init__(self, document: Any) -> None:
        self.formats: dict[tuple[str, str], str] = {}
        self.counters: dict[tuple[str, int], int] = defaultdict(int)
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return
        abstract = {a.get(f"{_W}abstractNumId"): a for a in root.iter(f"{_W}abstractNum")}
        for num in root.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            levels = abstract.get(ref.get(f"{_W}val") if ref is not None else None)
            for lvl in levels.iter(f"{_W}lvl") if levels is not None else ():
                fmt = lvl.find(f"{_W}numFmt")
                self.formats[(num.get(f"{_W}numId"), lvl.get(f"{_W}ilvl"))] = (
                    fmt.get(f"{_W}val") if fmt is not None else "bullet")

    def marker(self, paragraph: Any) -> str | None:
        num_id, ilvl = _num_props(paragraph)
        if num_id is None:
            name = (paragraph.style.name or "").lower() if paragraph.style is not None else ""
            return "-" if name.startswith("list") else None
        if num_id == "0":  # numbering explicitly switched off
            return None
        level = int(ilvl or "0") if (ilvl or "0").isdigit() else 0
        indent = "  " * min(level, 8)
        if self.formats.get((num_id, ilvl or "0"), "bullet") not in _ORDERED_FORMATS:
            return f"{indent}-"
        for key in [k for k in self.counters if k[0] == num_id and k[1] > level]:
            del self.counters[key]  # a deeper level restarts after its parent moves on
        self.counters[(num_id, level)] += 1
        return f"{indent}{self.counters[(num_id, level)]}."


def _num_props(paragraph: Any) -> tuple[str | None, str | None]:
    """(numId, ilvl) from the paragraph's own properties, else from its style's."""
    for element in (paragraph._p.pPr, _style_ppr(paragraph.style)):  # python-docx has no public API for numPr
        num_pr = element.find(f"{_W}numPr") if element is not None else None
        if num_pr is not None:
            num_id, ilvl = num_pr.find(f"{_W}numId"), num_pr.find(f"{_W}ilvl")
            return (num_id.get(f"{_W}val") if num_id is not None else None,
                    ilvl.get(f"{_W}val") if ilvl is not None else None)
    return None, None


def _style_ppr(style: Any) -> Any:
    return style.element.pPr if style is not None else None


# ---------------------------------------------------------------- tables


def _table_lines(table: Any) -> list[str]:
    """The first row as the header of a table with more than one row. python-docx repeats a
    cell merged across columns in each of them, so every value keeps its column's header."""
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    if len(rows) < 2:
        return table_lines(None, rows)
    return table_lines(rows[0], rows[1:])
