"""Loading: find the files to ingest and read each one into raw page texts plus metadata.

`discover` walks the given paths; `load_file` reads one PDF, text or Markdown file and raises an
`IngestError` subclass, naming the file and the fix, when it cannot. Metadata comes, field by
field, from the directory's ``metadata.toml`` entry for the file, else the file's YAML front
matter, else the PDF's /Title, else the first heading or line, else the file name.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import io
import logging
import os
import re
import tomllib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from rag.errors import (
    CorruptFileError,
    EmptyDocumentError,
    EncryptedPDFError,
    IngestError,
    NeedsOCRError,
    UnsupportedFormatError,
)
from rag.types import DOC_TYPES, DocumentMeta

logger = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = {".pdf", ".txt", ".md", ".markdown"}
METADATA_FILE = "metadata.toml"  # per-directory corpus manifest, see corpus/metadata.toml
MAX_TITLE_CHARS = 120
_MB = 1024 * 1024
_MARKDOWN_SUFFIXES = {".md", ".markdown"}
# Canonical metadata key -> the spellings accepted for it.
_META_KEYS = {
    "title": ("title",),
    "source": ("source", "publisher"),
    "doc_type": ("doc_type", "type"),
    "date": ("date",),
    "id": ("id",),
    "url": ("url",),
}
_FRONT_MATTER_RE = re.compile(
    r"\A---[ \t]*\r?\n(?:(.*?)\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL
)
_ISO_DATE_RE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?([T ].*)?")
_MD_HEADING_RE = re.compile(r"#{1,6}\s+(.*?)[\s#]*")
_PAGE_LINE_RE = re.compile(r"\bpage\s*\d", re.I)


@dataclass
class LoadedFile:
    """One file read from disk: raw text per page, before normalisation."""

    path: Path  # absolute
    pages: list[str]  # raw text per page (PDF) or [whole text] (txt/md, front matter removed)
    paged: bool  # True for PDF
    meta: DocumentMeta
    explicit_id: str | None  # 'id' from metadata.toml or front matter
    raw_hash: str  # sha256 hex of the raw file bytes
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- discovery


def discover(paths: list[Path]) -> tuple[list[tuple[Path, Path]], list[Path]]:
    """Files to ingest as (file, root) pairs, and the files skipped for their type.

    Directories are walked in sorted order; root is the directory given, or a single file's
    parent. Hidden files and directories and ``metadata.toml`` are skipped silently.
    """
    files: list[tuple[Path, Path]] = []
    skipped: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(os.path.abspath(given))
        if path.is_dir():
            candidates = [(file, path) for file in _walk(path)]
        elif path.is_file():
            candidates = [(path, path.parent)]
        else:
            raise IngestError(f"{given}: no such file or directory; check the path")
        for file, root in candidates:
            if file in seen or file.name == METADATA_FILE:
                continue
            seen.add(file)
            if file.suffix.lower() in SUPPORTED_SUFFIXES:
                files.append((file, root))
            else:
                skipped.append(file)
    return files, skipped


def _walk(directory: Path) -> Iterator[Path]:
    for current, dirs, names in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            file = Path(current) / name
            if not name.startswith(".") and file.is_file():
                yield file


# ---------------------------------------------------------------- metadata.toml


def read_directory_metadata(directory: Path) -> dict[str, dict]:
    """The tables of ``directory/metadata.toml`` keyed by file name; {} when there is none."""
    path = Path(directory) / METADATA_FILE
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {}
    entries = _parse_metadata(path, stat.st_mtime_ns, stat.st_size)
    return {name: dict(entry) for name, entry in entries.items()}


@functools.lru_cache(maxsize=64)
def _parse_metadata(path: Path, mtime_ns: int, size: int) -> dict[str, dict]:
    """Parse once per (file, modification); the key makes an edited file be read again."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise IngestError(
            f"{path}: invalid TOML ({exc}); fix or remove it: it describes the files in "
            f"{path.parent}"
        ) from exc
    for name, value in data.items():
        if not isinstance(value, dict):
            logger.warning("%s: %r is not a [\"file name\"] table; ignored", path, name)
    return {name: value for name, value in data.items() if isinstance(value, dict)}


# ---------------------------------------------------------------- one file


def load_file(path: Path, max_bytes: int | None = None) -> LoadedFile:
    """Read one file. Raises an `IngestError` subclass that names the file and the fix."""
    path = Path(os.path.abspath(path))
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedFormatError(
            f"{path}: unsupported file type {suffix or '(no extension)'!r}; GuideQA reads "
            f"{', '.join(sorted(SUPPORTED_SUFFIXES))}: convert it to PDF or plain text"
        )
    data = _read_bytes(path, max_bytes)
    warnings: list[str] = []
    front: dict[str, Any] = {}
    pdf_title = None
    if suffix == ".pdf":
        pages, pdf_title = _read_pdf(path, data, warnings)
    else:
        text, front = _split_front_matter(_decode_text(path, data, warnings), warnings)
        if not text.strip():
            raise EmptyDocumentError(f"{path}: no text, only whitespace; nothing to index")
        pages = [text]
    entry = read_directory_metadata(path.parent).get(path.name, {})
    meta, explicit_id = _resolve_meta(path, entry, front, pdf_title, pages, warnings)
    return LoadedFile(
        path=path,
        pages=pages,
        paged=suffix == ".pdf",
        meta=meta,
        explicit_id=explicit_id,
        raw_hash=hashlib.sha256(data).hexdigest(),
        warnings=warnings,
    )


def _read_bytes(path: Path, max_bytes: int | None) -> bytes:
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise IngestError(
                f"{path}: {size / _MB:.1f} MB is over the {max_bytes / _MB:g} MB file size "
                f"limit; raise GUIDEQA_MAX_FILE_MB to ingest it"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path}: cannot be read ({exc.strerror}); check its permissions") from exc
    if not data:
        raise EmptyDocumentError(f"{path}: the file is empty (0 bytes); nothing to index")
    return data


# ---------------------------------------------------------------- text files


def _decode_text(path: Path, data: bytes, warnings: list[str]) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
    elif b"\x00" in data:
        raise CorruptFileError(_binary_message(path, "it contains NUL bytes"))
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            text = _decode_cp1252(path, data, exc)
            warnings.append(
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); read as "
                f"Windows-1252: check accented characters, or convert the file to UTF-8"
            )
    if _binary_share(text) > 0.05:
        raise CorruptFileError(_binary_message(path, "too many of its bytes are control codes"))
    return text


def _decode_cp1252(path: Path, data: bytes, error: UnicodeDecodeError) -> str:
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    sample = text[:65536] if text else ""
    non_ascii = sum(1 for ch in sample if ord(ch) > 127) / max(len(sample), 1)
    if text is None or _binary_share(text) > 0.01 or non_ascii > 0.2:
        raise CorruptFileError(
            f"{path}: the text is not UTF-8 (byte 0x{data[error.start]:02x} at offset "
            f"{error.start}) and does not look like text in another encoding; convert it to "
            f"UTF-8, e.g. `iconv -f <its encoding> -t UTF-8 in.txt > out.txt`, and re-ingest"
        ) from error
    return text


def _binary_share(text: str) -> float:
    """Share of characters that do not occur in text: controls, unassigned, replacement."""
    sample = text[:65536]
    bad = sum(
        1
        for ch in sample
        if ch == "\ufffd"
        or (unicodedata.category(ch) in ("Cc", "Cn", "Cs") and ch not in "\t\n\r\f\v")
    )
    return bad / max(len(sample), 1)


def _binary_message(path: Path, reason: str) -> str:
    return (
        f"{path}: looks binary, not text ({reason}); if it is a PDF or another document "
        f"format, give it the right extension or export it as text"
    )


def _split_front_matter(text: str, warnings: list[str]) -> tuple[str, dict[str, Any]]:
    match = _FRONT_MATTER_RE.match(text)
    if not match:
        return text, {}
    try:
        data = yaml.safe_load(match.group(1) or "")
    except yaml.YAMLError as exc:
        problem = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        warnings.append(f"front matter is not valid YAML ({problem}); it was kept as text")
        return text, {}
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return text, {}  # a '---' rule around plain text, not front matter
    return text[match.end() :], data


# ---------------------------------------------------------------- metadata resolution


def _resolve_meta(
    path: Path,
    entry: dict[str, Any],
    front: dict[str, Any],
    pdf_title: str | None,
    pages: list[str],
    warnings: list[str],
) -> tuple[DocumentMeta, str | None]:
    layers = [
        (METADATA_FILE, _canonical(entry, METADATA_FILE, warnings, strict=True)),
        ("front matter", _canonical(front, "front matter", warnings, strict=False)),
    ]

    def pick(key: str) -> tuple[str | None, str]:
        for origin, values in layers:
            if values.get(key):
                return values[key], origin
        return None, ""

    markdown = path.suffix.lower() in _MARKDOWN_SUFFIXES
    title = pick("title")[0] or pdf_title or _title_from_text(pages, markdown) or path.stem
    meta = DocumentMeta(
        title=title,
        source=pick("source")[0],
        doc_type=_check_doc_type(*pick("doc_type"), warnings),
        date=_check_date(pick("date")[0], warnings),
        url=pick("url")[0],
    )
    return meta, pick("id")[0]


def _canonical(raw: dict[str, Any], origin: str, warnings: list[str], strict: bool) -> dict:
    """Map accepted spellings to canonical keys and scalar values to stripped strings."""
    known = {spelling for spellings in _META_KEYS.values() for spelling in spellings}
    if strict:
        for key in sorted(set(raw) - known):
            warnings.append(f"{origin}: unknown key {key!r} ignored (known: {', '.join(_META_KEYS)})")
    values: dict[str, str] = {}
    for key, spellings in _META_KEYS.items():
        value = next((raw[s] for s in spellings if raw.get(s) not in (None, "")), None)
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if value is not None and not isinstance(value, str):
            warnings.append(f"{origin}: {key} should be a single value, not {value!r}; ignored")
        elif value and value.strip():
            values[key] = " ".join(value.split())
    return values


def _check_doc_type(value: str | None, origin: str, warnings: list[str]) -> str:
    if not value:
        return "other"
    doc_type = re.sub(r"[\s-]+", "_", value.strip().lower())
    if doc_type in DOC_TYPES:
        return doc_type
    warnings.append(
        f"unknown doc_type {value!r} in {origin}; using 'other' (known: {', '.join(DOC_TYPES)})"
    )
    return "other"


def _check_date(value: str | None, warnings: list[str]) -> str | None:
    if value and not _ISO_DATE_RE.fullmatch(value):
        warnings.append(f"date {value!r} is not ISO-like (YYYY-MM-DD); kept as written")
    return value


def _title_from_text(pages: list[str], markdown: bool) -> str | None:
    """The first Markdown heading, else the first line that reads like a title."""
    lines = [" ".join(line.split()).strip("*_ ") for page in pages for line in page.splitlines()]
    if markdown:
        headings = [m.group(1) for m in map(_MD_HEADING_RE.fullmatch, lines) if m]
        lines = headings[:1] + lines
    for line in lines[:50]:
        words = [w for w in line.split() if sum(ch.isalpha() for ch in w) >= 2]
        if len(words) >= 2 and len(line) <= MAX_TITLE_CHARS and not _PAGE_LINE_RE.search(line):
            return line
    return None


# ---------------------------------------------------------------- PDF files
# (Reading PDFs is a concept of its own: it would sit well in a private module ingest/_pdf.py.)

_MIN_PAGE_CHARS = 100  # fewer non-space characters than this, plus an image: no text layer
_SCAN_PAGE_CHARS = 300  # ... or fewer than this plus a page-sized (scan-like) image
_SCAN_PIXELS = 250_000
_JUNK_TITLE_RE = re.compile(
    r"(untitled|document\d*|layout proof|microsoft \w+ - .*|.*\btemplate\b.*"
    r"|.*\.(docx?|pdf|pptx?|xlsx?|rtf|indd)|\S{21,})",
    re.I,
)


def _read_pdf(path: Path, data: bytes, warnings: list[str]) -> tuple[list[str], str | None]:
    """Text per page (plus filled-in form values) and the /Title if it means something."""
    if b"%PDF-" not in data[:1024]:
        raise CorruptFileError(f"{path}: not a PDF (it does not start with %PDF-); check the file")
    if b"%%EOF" not in data[-4096:]:
        raise CorruptFileError(
            f"{path}: the PDF is truncated (no %%EOF marker at its end); re-download it"
        )
    try:
        reader = _open_pdf(path, data)
        pages, lacking, failed, has_forms = _extract_pages(reader)
        title = _pdf_title(reader)
    except IngestError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure means this file is unusable
        raise CorruptFileError(
            f"{path}: cannot be read as a PDF ({type(exc).__name__}: {exc}); re-download or "
            f"re-export it"
        ) from exc
    if failed and len(failed) == len(pages):
        raise CorruptFileError(f"{path}: text extraction failed on every page; re-export the PDF")
    if failed:
        warnings.append(f"text extraction failed on {_page_ranges(failed)}; their text is missing")
    _check_text_layer(path, pages, lacking, has_forms, warnings)
    return pages, title


def _open_pdf(path: Path, data: bytes) -> Any:
    from pypdf import PasswordType, PdfReader  # heavy: imported when a PDF is read

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        fix = "remove the password (e.g. qpdf --decrypt in.pdf out.pdf) and re-ingest"
        try:
            decrypted = reader.decrypt("")  # many PDFs are encrypted with an empty password
        except Exception as exc:  # noqa: BLE001 - unsupported algorithms, missing crypto
            raise EncryptedPDFError(f"{path}: encrypted ({exc}); {fix}") from exc
        if decrypted == PasswordType.NOT_DECRYPTED:
            raise EncryptedPDFError(f"{path}: password-protected; {fix}")
    if len(reader.pages) == 0:
        raise EmptyDocumentError(f"{path}: the PDF has no pages; nothing to index")
    return reader


def _extract_pages(reader: Any) -> tuple[list[str], list[int], list[int], bool]:
    """(page texts, pages without a text layer, pages that failed, any form values).

    Filled-in form values (widgets' /V, free-text boxes) live in annotations, which text
    extraction skips: they are appended to the last page as a final "Form fields:" block.
    """
    pages: list[str] = []
    lacking: list[int] = []
    failed: list[int] = []
    values: dict[str, str] = {}
    for number, page in enumerate(reader.pages, start=1):
        try:
            text = page.extract_text() or ""
        except Exception as exc:  # noqa: BLE001 - one bad page must not lose the others
            logger.warning("page %d: text extraction failed: %s", number, exc)
            text, failed = "", [*failed, number]
        if _safely(False, _lacks_text_layer, page, text):
            lacking.append(number)
        for name, line in _safely([], _form_values, page, number):
            values.setdefault(name, line)
        pages.append(text)
    if values:
        pages[-1] = f"{pages[-1].rstrip()}\n\nForm fields:\n" + "\n".join(values.values())
    return pages, lacking, failed, bool(values)


def _safely(default: Any, func: Any, *args: Any) -> Any:
    """func(*args), or `default` if a damaged annotation or resource makes it fail."""
    try:
        return func(*args)
    except Exception as exc:  # noqa: BLE001 - the damage costs only this detail of the page
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
    names, node, value, label = [], annot, None, None
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
    best = None
    for ref in (xobjects or {}).values():
        obj = ref.get_object()
        subtype = obj.get("/Subtype")
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
    path: Path, pages: list[str], lacking: list[int], has_forms: bool, warnings: list[str]
) -> None:
    with_text = [n for n, text in enumerate(pages, 1) if text.strip() and n not in lacking]
    if lacking and not with_text and not has_forms:
        raise NeedsOCRError(
            f"{path}: image-only PDF ({len(pages)} page{'s' if len(pages) > 1 else ''}, no "
            f"text layer): run OCR, e.g. `ocrmypdf in.pdf out.pdf`, and ingest the result"
        )
    if not any(text.strip() for text in pages):
        raise EmptyDocumentError(f"{path}: no text on any of its {len(pages)} pages; nothing to index")
    if lacking:
        verb = "have" if len(lacking) > 1 else "has"
        warnings.append(
            f"{_page_ranges(lacking)} {verb} no text layer (images only); their content is not "
            f"indexed: OCR them (e.g. ocrmypdf) and re-ingest"
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


def _pdf_title(reader: Any) -> str | None:
    try:
        raw = (reader.metadata or {}).get("/Title")
    except Exception:  # noqa: BLE001 - a broken info dictionary only costs the title
        return None
    title = " ".join(str(raw).split()) if raw else ""
    if len(title) < 3 or not any(ch.isalpha() for ch in title) or _JUNK_TITLE_RE.fullmatch(title):
        return None
    return title
