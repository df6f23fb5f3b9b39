"""Loading: find the files to ingest and read each one into raw page texts plus metadata.

`discover` walks the given paths; `load_file` reads one PDF (through `ingest.pdf`), text or
Markdown file, HTML page (`ingest.html`) or Word document (`ingest.docx`), the last two as
Markdown, and raises an `IngestError` subclass, naming the file and the fix, when it cannot.
Metadata comes, field by field, from the directory's ``metadata.toml`` entry for the file, else
the file's YAML front matter, else the title the file declares (PDF /Title, HTML og:title or
<title>, DOCX core property), else the first heading or line, else the
file name.
"""

from __future__ import annotations

import codecs
import functools
import logging
import os
import re
import tomllib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ingest.docx import read_docx
from ingest.formats import HTML_SUFFIXES, MARKDOWN_SUFFIXES
from ingest.html import html_to_markdown, sniff_charset
from ingest.pdf import read_pdf, useful_title
from rag.errors import CorruptFileError, EmptyDocumentError, IngestError, UnsupportedFormatError
from rag.types import DOC_TYPES, DocumentMeta

if TYPE_CHECKING:
    from ingest.ocr_pages import PageOcr

logger = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = frozenset(  # what ingest and uploads read
    {".pdf", ".txt", ".md", ".markdown", ".html", ".htm", ".docx"}
)
METADATA_FILE = "metadata.toml"  # per-directory corpus manifest, see corpus/metadata.toml
MAX_TITLE_CHARS = 120
_MB = 1024 * 1024
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
# a table-of-contents, copyright or publisher line: never a title
_NOT_TITLE_RE = re.compile(r"\b(table of )?contents\b|\.{4,}|…{2,}|©|\bcopyright\b|\bpublished by\b|\bdoi\b|https?://",
                           re.I)


@dataclass
class LoadedFile:
    """One file read from disk: raw text per page, before normalisation."""

    path: Path  # absolute
    pages: list[str]  # raw text per page (PDF) or [whole text] (txt/md, front matter removed)
    paged: bool  # True for PDF
    meta: DocumentMeta
    explicit_id: str | None  # 'id' from metadata.toml or front matter
    warnings: list[str] = field(default_factory=list)
    ocr_pages: dict[int, float] = field(default_factory=dict)  # PDF page -> mean OCR confidence
    ocr_seconds: float = 0.0


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
        path = Path(os.path.abspath(given))  # noqa: PTH100 - absolute, symlinks kept (resolve() follows them)
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


def load_file(path: Path, max_bytes: int | None = None, ocr: PageOcr | None = None) -> LoadedFile:
    """Read one file, OCR'ing PDF pages as `ocr` says (None: never).

    Raises an `IngestError` subclass that names the file and the fix.
    """
    path = Path(os.path.abspath(path))  # noqa: PTH100 - absolute, symlinks kept (resolve() follows them)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedFormatError(
            f"{path}: unsupported file type {suffix or '(no extension)'!r}; GuideQA reads "
            f"{', '.join(sorted(SUPPORTED_SUFFIXES))}: convert it to PDF, .docx or plain text"
        )
    data = _read_bytes(path, max_bytes)
    warnings: list[str] = []
    front: dict[str, Any] = {}
    declared_title = None
    ocr_pages: dict[int, float] = {}
    ocr_seconds = 0.0
    if suffix == ".pdf":
        pdf = read_pdf(path, data, ocr)
        pages, warnings, declared_title = pdf.pages, pdf.warnings, pdf.title
        ocr_pages, ocr_seconds = pdf.ocr_pages, pdf.ocr_seconds
    elif suffix in HTML_SUFFIXES:
        text = _decode_text(path, data, warnings, encoding=sniff_charset(data))
        page = html_to_markdown(path, text)
        pages, declared_title, front = [page.markdown], useful_title(page.title), {"url": page.url}
    elif suffix == ".docx":
        docx_text = read_docx(path, data)
        pages, declared_title = [docx_text.markdown], docx_text.title
    else:
        text, front = _split_front_matter(_decode_text(path, data, warnings), warnings)
        if not text.strip():
            raise EmptyDocumentError(f"{path}: no text, only whitespace; nothing to index")
        pages = [text]
    entry = read_directory_metadata(path.parent).get(path.name, {})
    meta, explicit_id = _resolve_meta(path, entry, front, declared_title, pages, warnings)
    return LoadedFile(
        path=path,
        pages=pages,
        paged=suffix == ".pdf",
        meta=meta,
        explicit_id=explicit_id,
        warnings=warnings,
        ocr_pages=ocr_pages,
        ocr_seconds=ocr_seconds,
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


def _decode_text(path: Path, data: bytes, warnings: list[str], encoding: str | None = None) -> str:
    """UTF-8 (or UTF-16 with a byte-order mark), else Windows-1252 with a warning; `encoding`,
    when the file declares one (an HTML page's charset), wins."""
    if encoding and not encoding.startswith("utf-16") and b"\x00" not in data:
        text = data.decode(encoding, errors="replace")
        if text.count("\ufffd") > len(text) // 1000:
            warnings.append(f"bytes that are not valid {encoding} (the declared charset) "
                            f"were replaced by U+FFFD; check the page's charset")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
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
    declared_title: str | None,
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

    markdown = path.suffix.lower() in MARKDOWN_SUFFIXES
    title = pick("title")[0] or declared_title or _title_from_text(pages, markdown) or path.stem
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
        if len(words) >= 2 and len(line) <= MAX_TITLE_CHARS and not _PAGE_LINE_RE.search(line) \
                and not _NOT_TITLE_RE.search(line):
            return line
    return None
