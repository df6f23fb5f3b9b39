"""Reading PDFs: text per page, filled-in form values, a meaningful /Title, and the warnings.

`read_pdf` opens the bytes (decrypting PDFs encrypted with an empty password), extracts each
page's text, appends filled-in form-field and free-text annotation values, and detects pages
that have no text layer (scans). Given a `PageOcr`, those pages (or every page, in 'force' mode)
are OCR'd; without one, or when OCR is off or not installed, the user is told how to get their
text. Damage that costs only a detail of one page is logged and skipped; damage that makes the
file unusable raises an `IngestError` subclass that names the file and the fix.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.pdf_tables import page_tables, rows_in_text
from rag.errors import (
    CorruptFileError,
    EmptyDocumentError,
    EncryptedPDFError,
    IngestError,
    NeedsOCRError,
)

if TYPE_CHECKING:
    from ingest.ocr_pages import PageOcr

logger = logging.getLogger(__name__)

_MIN_PAGE_CHARS = 100  # fewer non-space characters than this, plus an image: no text layer
_SCAN_PAGE_CHARS = 300  # ... or fewer than this plus a page-sized (scan-like) image
_SCAN_PIXELS = 250_000
_JUNK_TITLE_RE = re.compile(
    r"(untitled|document\d*|layout proof|microsoft \w+ - .*|.*\btemplate\b.*"
    r"|.*\.(docx?|pdf|pptx?|xlsx?|rtf|indd)|\S{21,})",
    re.I,
)


@dataclass
class PdfText:
    """What `read_pdf` read: text per page, warnings, a meaningful /Title, and the OCR it ran."""

    pages: list[str]
    warnings: list[str]
    title: str | None
    ocr_pages: dict[int, float] = field(default_factory=dict)  # page -> mean OCR confidence
    ocr_seconds: float = 0.0


def read_pdf(path: Path, data: bytes, ocr: PageOcr | None = None) -> PdfText:
    """The text of the PDF `data` read from `path`, OCR'ing pages as `ocr` says (None: no OCR).

    Filled-in form values are appended to the page their field is on. Raises `CorruptFileError`,
    `EncryptedPDFError`, `NeedsOCRError` or `EmptyDocumentError`, naming the file and the fix.
    """
    warnings: list[str] = []
    if b"%PDF-" not in data[:1024]:
        raise CorruptFileError(f"{path}: not a PDF (it does not start with %PDF-); check the file")
    if b"%%EOF" not in data[-4096:]:
        raise CorruptFileError(
            f"{path}: the PDF is truncated (no %%EOF marker at its end); re-download it"
        )
    try:
        reader = _open_pdf(path, data)
        pages, lacking, failed, forms = _extract_pages(reader)
        title = _pdf_title(reader) or _safely(None, _largest_type_line, data)
        for number, tables in page_tables(data).items():
            pages[number - 1] = rows_in_text(pages[number - 1], tables)
    except IngestError:
        raise
    except Exception as exc:  # any parser failure means this file is unusable
        raise CorruptFileError(
            f"{path}: cannot be read as a PDF ({type(exc).__name__}: {exc}); re-download or "
            f"re-export it"
        ) from exc
    result = PdfText(pages, warnings, title)
    hint = _ocr(path, data, result, lacking, failed, ocr)
    lacking = [n for n in lacking if n not in result.ocr_pages]
    failed = [n for n in failed if n not in result.ocr_pages]
    if failed and len(failed) == len(pages):
        raise CorruptFileError(f"{path}: text extraction failed on every page; re-export the PDF")
    if failed:
        warnings.append(f"text extraction failed on {_page_ranges(failed)}; their text is missing")
    for number, lines in forms.items():
        pages[number - 1] = f"{pages[number - 1].rstrip()}\n\nForm fields:\n" + "\n".join(lines)
    _check_text_layer(path, pages, lacking, bool(forms), warnings, hint)
    return result


def _ocr(path: Path, data: bytes, result: PdfText, lacking: list[int], failed: list[int],
         ocr: PageOcr | None) -> str:
    """OCR the pages that need it into `result`; returns how to get the text of those still lacking."""
    if ocr is None:
        return "OCR them (e.g. ocrmypdf) and re-ingest"
    if ocr.mode == "off":
        return "set GUIDEQA_OCR=auto to OCR them during ingest, or OCR them yourself (ocrmypdf) and re-ingest"
    pages = result.pages
    targets = list(range(1, len(pages) + 1)) if ocr.mode == "force" else sorted({*lacking, *failed})
    if not targets:
        return ""
    if not ocr.available():
        if ocr.mode == "force" and not lacking:
            result.warnings.append(f"GUIDEQA_OCR=force, but {ocr.unavailable_hint()}; the text layer was used")
        return f"{ocr.unavailable_hint()}; then re-ingest"
    run = ocr.run(data, targets)
    result.ocr_seconds = run.seconds
    blank = []
    for number, found in sorted(run.results.items()):
        if found.text.strip():
            pages[number - 1] = found.text
            result.ocr_pages[number] = found.mean_confidence
        else:
            blank.append(number)
    low = {n: c for n, c in result.ocr_pages.items() if c < ocr.min_confidence}
    if low:
        listed = ", ".join(f"{n} ({c:.0f})" for n, c in low.items())
        result.warnings.append(
            f"OCR confidence is low on page{'s' if len(low) > 1 else ''} {listed}, below "
            f"GUIDEQA_OCR_MIN_CONFIDENCE={ocr.min_confidence:g}: their text is kept but may be garbled; "
            f"check it, or rescan at a higher resolution"
        )
    for number, reason in sorted(run.failed.items()):
        kept = " (its text layer was kept)" if ocr.mode == "force" and number not in lacking else ""
        result.warnings.append(f"OCR failed on page {number} ({reason}){kept}")
    if blank and ocr.mode == "auto":
        result.warnings.append(f"OCR found no text on {_page_ranges(blank)}")
    logger.info("%s: OCR read %d of %d pages in %.1fs", path, len(result.ocr_pages), len(targets), run.seconds)
    return "OCR could not read them (see the warnings above); OCR them yourself (e.g. ocrmypdf) and re-ingest"


def _open_pdf(path: Path, data: bytes) -> Any:
    from pypdf import PasswordType, PdfReader  # heavy: imported when a PDF is read

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        fix = "remove the password (e.g. qpdf --decrypt in.pdf out.pdf) and re-ingest"
        try:
            decrypted = reader.decrypt("")  # many PDFs are encrypted with an empty password
        except Exception as exc:  # unsupported algorithms, missing crypto
            raise EncryptedPDFError(f"{path}: encrypted ({exc}); {fix}") from exc
        if decrypted == PasswordType.NOT_DECRYPTED:
            raise EncryptedPDFError(f"{path}: password-protected; {fix}")
    if len(reader.pages) == 0:
        raise EmptyDocumentError(f"{path}: the PDF has no pages; nothing to index")
    return reader


def _extract_pages(reader: Any) -> tuple[list[str], list[int], list[int], dict[int, list[str]]]:
    """(page texts, pages without a text layer, pages that failed, form value lines by page).

    Filled-in form values (widgets' /V, free-text boxes) live in annotations, which text
    extraction skips: `read_pdf` appends each page's values to that page as a "Form fields:"
    block, after any OCR (a field shown on several pages is written once, on its first).
    """
    pages: list[str] = []
    lacking: list[int] = []
    failed: list[int] = []
    seen: set[str] = set()
    forms: dict[int, list[str]] = {}
    for number, page in enumerate(reader.pages, start=1):
        try:
            text = page.extract_text() or ""
        except Exception as exc:  # one bad page must not lose the others
            logger.warning("page %d: text extraction failed: %s", number, exc)
            text, failed = "", [*failed, number]
        if _safely(False, _lacks_text_layer, page, text):
            lacking.append(number)
        for name, line in _safely([], _form_values, page, number):
            if name not in seen:
                seen.add(name)
                forms.setdefault(number, []).append(line)
        pages.append(text)
    return pages, lacking, failed, forms


def _safely(default: Any, func: Any, *args: Any) -> Any:
    """func(*args), or `default` if a damaged annotation or resource makes it fail."""
    try:
        return func(*args)
    except Exception as exc:  # the damage costs only this detail of the page
        logger.warning("%s failed: %s", func.__name__, exc)
        return default


def _form_values(page: Any, number: int) -> list[tuple[str, str]]:
    """(key, line) for the page's filled-in widgets and free-text boxes, in reading order."""
    found = []
    for index, ref in enumerate(_get(page, "/Annots") or []):
        annot = ref.get_object()
        subtype = annot.get("/Subtype")
        if subtype == "/Widget":
            name, label, value = _widget_field(annot)
            line = f"{label}: {value}" if value else ""
        elif subtype == "/FreeText":
            name, line = f"#{number}.{index}", _value_text(annot.get("/Contents"))
        else:
            continue
        if line:
            rect = [float(x) for x in annot.get("/Rect", [0, 0, 0, 0])]
            found.append(((-round(max(rect[1], rect[3]) / 4), min(rect[0], rect[2])), name, line))
    return [(name, line) for _, name, line in sorted(found)]


def _widget_field(annot: Any) -> tuple[str, str, str]:
    """(qualified name, label, value) of a widget; its field may be the widget or a parent."""
    names: list[str] = []
    node, value, label = annot, None, None
    for _ in range(32):  # a field tree is shallow; the bound guards against /Parent cycles
        if node is None:
            break
        node = node.get_object()
        if node.get("/T") is not None:
            names.insert(0, str(node["/T"]))
        value = value if value is not None else node.get("/V")
        label = label or (str(node["/TU"]) if node.get("/TU") else None)
        node = node.get("/Parent")
    name = ".".join(names)
    return name, " ".join((label or name or "Field").split()), _value_text(value)


def _value_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(v for v in map(_value_text, value) if v)
    text = " ".join(str(value.get_object() if hasattr(value, "get_object") else value).split())
    text = text.lstrip("/") if text.startswith("/") else text
    return "" if text == "Off" else text


def _lacks_text_layer(page: Any, text: str) -> bool:
    chars = len("".join(text.split()))
    if chars >= _SCAN_PAGE_CHARS:
        return False
    pixels = _largest_image(_get(page, "/Resources"), set())
    if pixels is None:
        return False
    return chars < _MIN_PAGE_CHARS or pixels >= _SCAN_PIXELS


def _largest_image(resources: Any, seen: set[int]) -> int | None:
    """Pixel count of the largest image XObject, searching nested forms; None if no image."""
    xobjects = _get(resources, "/XObject") if resources is not None else None
    best: int | None = None
    for ref in (xobjects or {}).values():
        obj = ref.get_object()
        subtype = obj.get("/Subtype")
        pixels: int | None
        if subtype == "/Image":
            pixels = int(_get(obj, "/Width") or 0) * int(_get(obj, "/Height") or 0)
        elif subtype == "/Form" and id(obj) not in seen:
            seen.add(id(obj))
            pixels = _largest_image(_get(obj, "/Resources"), seen)
        else:
            continue
        if pixels is not None:
            best = max(best or 0, pixels)
    return best


def _get(obj: Any, key: str) -> Any:
    value = obj.get(key)
    return value.get_object() if hasattr(value, "get_object") else value


def _check_text_layer(
    path: Path, pages: list[str], lacking: list[int], has_forms: bool, warnings: list[str], hint: str
) -> None:
    with_text = [n for n, text in enumerate(pages, 1) if text.strip() and n not in lacking]
    if lacking and not with_text and not has_forms:
        how = "run OCR, e.g. `ocrmypdf in.pdf out.pdf`, and ingest the result"
        if not hint.startswith("OCR them"):
            how = hint.replace("OCR them", "OCR it").replace("OCR could not read them", "OCR could not read it")
        raise NeedsOCRError(
            f"{path}: image-only PDF ({len(pages)} page{'s' if len(pages) > 1 else ''}, no "
            f"text layer): {how}"
        )
    if not any(text.strip() for text in pages):
        raise EmptyDocumentError(f"{path}: no text on any of its {len(pages)} pages; nothing to index")
    if lacking:
        verb = "have" if len(lacking) > 1 else "has"
        warnings.append(
            f"{_page_ranges(lacking)} {verb} no text layer (images only); their content is not "
            f"indexed: {hint}"
        )


def _page_ranges(numbers: list[int]) -> str:
    """[5, 6, 7, 8, 10] -> 'pages 5-8, 10'."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    text = ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)
    return f"page{'s' if len(numbers) > 1 else ''} {text}"


def _largest_type_line(data: bytes) -> str | None:
    """The first page's text set in its largest type, when that is clearly larger than the body
    (a title, not a running header): 1.3x the median size, 2 to 25 words."""
    import pdfplumber  # heavy: imported when a PDF is read

    with pdfplumber.open(io.BytesIO(data), pages=[1]) as pdf:
        page = pdf.pages[0]
        sizes = sorted(round(c["size"], 1) for c in page.chars if c["text"].strip())
        if not sizes or sizes[-1] < 1.3 * sizes[len(sizes) // 2]:
            return None
        largest = sizes[-1]
        title = page.filter(lambda o: o.get("object_type") != "char" or o["size"] >= largest - 0.5)
        text = title.extract_text(x_tolerance=1) or ""
    words = text.split()
    return useful_title(text) if 2 <= len(words) <= 25 else None


def _pdf_title(reader: Any) -> str | None:
    try:
        raw = (reader.metadata or {}).get("/Title")
    except Exception:  # a broken info dictionary only costs the title
        return None
    return useful_title(str(raw) if raw else None)


def useful_title(raw: str | None) -> str | None:
    """A title a file declares (PDF /Title, DOCX core property, HTML <title>), unless it is
    empty or junk such as "Untitled" or "Microsoft Word - draft.docx"."""
    title = " ".join(raw.split()) if raw else ""
    if len(title) < 3 or not any(ch.isalpha() for ch in title) or _JUNK_TITLE_RE.fullmatch(title):
        return None
    return title
