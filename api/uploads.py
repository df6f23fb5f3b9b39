"""Uploads: the size limit, safe file names and the check that bytes match the extension.

A PDF must start with ``%PDF-``, a .docx must be a ZIP archive holding ``word/document.xml``, an
HTML page must be text with markup in its first KiB, and text files must not be binary.

An uploaded file name is only ever reduced to a basename of ``[A-Za-z0-9._-]`` characters; no
directory from the client reaches a path. The file is written to ``DATA_DIR/uploads/``, and its
stem becomes the document id, so uploading the same name again replaces that document.
"""

from __future__ import annotations

import codecs
import re
import uuid
import zipfile
from pathlib import Path
from typing import BinaryIO

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import PROBLEM_JSON, problem_type
from ingest.formats import HTML_SUFFIXES
from ingest.loaders import SUPPORTED_SUFFIXES

MULTIPART_SLACK = 64 * 1024  # boundaries and part headers around the file
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_BINARY_MAGIC = {
    b"%PDF-": "a PDF", b"PK\x03\x04": "a ZIP archive (e.g. .docx)", b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image", b"\xd0\xcf\x11\xe0": "an old Office document",
    b"\x7fELF": "a program",
}
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_MARKUP_RE = re.compile(
    r"<\s*(!doctype|html|head|body|meta|title|main|article|section|div|p|h[1-6]|table|ul|ol|"
    r"span|a|br)\b", re.I)


def limit_bytes(max_upload_mb: float) -> int:
    return int(max_upload_mb * 1024 * 1024)


def too_large(max_upload_mb: float) -> HTTPException:
    return HTTPException(
        413, f"The upload is larger than the {max_upload_mb:g} MB limit. Split the document, or "
             f"raise GUIDEQA_MAX_UPLOAD_MB on the server.")


def safe_name(filename: str | None) -> str:
    """A file name that cannot leave the uploads directory: basename, safe characters only."""
    base = _UNSAFE.sub("-", (filename or "").replace("\\", "/").rsplit("/", 1)[-1])
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem, suffix = stem.strip("-.")[:100], suffix.strip("-")[:12]
    if not stem:
        stem = f"upload-{uuid.uuid4().hex[:8]}"
    return f"{stem}.{suffix.lower()}" if suffix else stem


def check_type(name: str) -> str:
    """The lower-case suffix, or 415 naming the types that are read."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise HTTPException(
            415, f"{name!r}: unsupported file type {suffix or '(no extension)'}. Upload a PDF, "
                 f".docx, .html, .txt or .md file (convert other formats to PDF or plain text "
                 f"first).")
    return suffix


def check_bytes(name: str, suffix: str, head: bytes, has_nul: bool, path: Path) -> None:
    """415 when the bytes (`head`, the first KiB, and the saved file at `path`) do not match
    the extension."""
    if suffix == ".docx":
        _check_docx(name, head, path)
        return
    if suffix == ".pdf":
        if b"%PDF-" not in head[:1024]:
            raise HTTPException(
                415, f"{name!r} has the extension .pdf but its bytes are not a PDF (no %PDF- "
                     f"header). Upload the real PDF, or give the file its true extension.")
        return
    for magic, kind in _BINARY_MAGIC.items():
        if head.startswith(magic):
            raise HTTPException(
                415, f"{name!r} has the extension {suffix} but its bytes are {kind}. Rename it "
                     f"with its true extension (PDF and .docx are read) or convert it to plain text.")
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if has_nul and not utf16:
        raise HTTPException(
            415, f"{name!r} has the extension {suffix} but holds binary data (NUL bytes), not "
                 f"text. Upload it as PDF or save it as UTF-8 text.")
    if suffix in HTML_SUFFIXES:
        text = head.decode("utf-16" if utf16 else "latin-1", errors="replace")
        if not _MARKUP_RE.search(text):
            raise HTTPException(
                415, f"{name!r} has the extension {suffix} but no HTML markup in its first KiB. "
                     f"Upload the saved web page itself, or give a text file the extension .txt.")


def _check_docx(name: str, head: bytes, path: Path) -> None:
    if head.startswith(_OLE_MAGIC):
        raise HTTPException(
            415, f"{name!r} is a password-protected Word document or an old Word 97-2003 (.doc) "
                 f"file. Remove the password (or save it as .docx in Word or LibreOffice) and "
                 f"upload it again, or upload it as PDF.")
    problem = None
    if not head.startswith(_ZIP_MAGIC):
        problem = "its bytes are not a ZIP archive, which every .docx is"
    else:
        try:
            with zipfile.ZipFile(path) as archive:
                if "word/document.xml" not in archive.namelist():
                    problem = "it is a ZIP archive without word/document.xml"
        except (zipfile.BadZipFile, OSError) as exc:
            problem = f"it is a damaged ZIP archive ({exc})"
    if problem:
        raise HTTPException(
            415, f"{name!r} has the extension .docx but {problem}. Save it again from Word or "
                 f"LibreOffice as Word Document (.docx), or upload it as PDF.")


def save_stream(source: BinaryIO, directory: Path, max_bytes: int,
                max_mb: float) -> tuple[Path, bytes, bool]:
    """Copy an upload into a hidden temporary file in `directory`, counting bytes (413 past the
    limit). Returns (temporary path, first KiB, whether any NUL byte was seen)."""
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / f".incoming-{uuid.uuid4().hex}"
    size, head, has_nul = 0, b"", False
    try:
        with tmp.open("wb") as out:
            while block := source.read(1 << 20):
                size += len(block)
                if size > max_bytes:
                    raise too_large(max_mb)
                if len(head) < 1024:
                    head += block[: 1024 - len(head)]
                has_nul = has_nul or b"\x00" in block
                out.write(block)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp, head, has_nul


class UploadLimitMiddleware:
    """Stops an upload body past the limit before it is parsed or spooled (413).

    Checks Content-Length up front, then counts the bytes actually received, so a chunked or
    lying request cannot get past it either."""

    def __init__(self, app: ASGIApp, path: str = "/v1/documents") -> None:
        self.app = app
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        max_mb = scope["app"].state.settings.api.max_upload_mb
        limit = limit_bytes(max_mb) + MULTIPART_SLACK
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _send_413(send, max_mb)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise too_large(max_mb)
            return message

        await self.app(scope, counting_receive, send)


async def _send_413(send: Send, max_mb: float) -> None:
    import json

    body = json.dumps({
        "type": problem_type("content-too-large"), "title": "Content Too Large", "status": 413,
        "detail": too_large(max_mb).detail, "instance": "/v1/documents",
    }).encode()
    await send({"type": "http.response.start", "status": 413, "headers": [
        (b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
