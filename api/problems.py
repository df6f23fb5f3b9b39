"""Errors at the HTTP edge: every failure becomes problem JSON (RFC 9457,
``application/problem+json``) with a detail that says what to fix."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from rag import errors as E

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"

# most specific first: the first class an exception is an instance of decides its status
_STATUS: list[tuple[type[E.GuideQAError], int, str]] = [
    (E.DocumentNotFoundError, 404, "document-not-found"),
    (E.VersionNotFoundError, 404, "version-not-found"),
    (E.AnswerNotFoundError, 404, "answer-not-found"),
    (E.AuditError, 500, "audit-error"),
    (E.UnsupportedFormatError, 415, "unsupported-media-type"),
    (E.IngestError, 422, "ingest-failed"),
    (E.LLMUnavailableError, 503, "llm-unavailable"),
    (E.LLMOutputError, 502, "llm-bad-output"),
    (E.StoreUnavailableError, 503, "store-unavailable"),
    (E.EmbedderMismatchError, 500, "embedder-mismatch"),
    (E.StoreError, 500, "store-error"),
    (E.EmbedderError, 503, "embedder-unavailable"),
    (E.ConfigurationError, 500, "configuration-error"),
]


def problem_type(slug: str) -> str:
    return f"urn:guideqa:problem:{slug}"


_PHRASES = {413: "Content Too Large", 422: "Unprocessable Content"}  # RFC 9110 names


def phrase_of(status: int) -> str:
    return _PHRASES.get(status) or HTTPStatus(status).phrase


def problem(status: int, detail: str, *, slug: str | None = None, title: str | None = None,
            instance: str | None = None, headers: dict[str, str] | None = None,
            **extensions: Any) -> JSONResponse:
    phrase = phrase_of(status)
    body: dict[str, Any] = {
        "type": problem_type(slug or phrase.lower().replace(" ", "-").replace("'", "")),
        "title": title or phrase,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update({k: v for k, v in extensions.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def problem_body(exc: E.GuideQAError) -> tuple[int, dict[str, Any]]:
    """(status, problem dict) for a core error; also used by the event stream."""
    status, slug = 500, "internal-error"
    for cls, code, name in _STATUS:
        if isinstance(exc, cls):
            status, slug = code, name
            break
    body: dict[str, Any] = {
        "type": problem_type(slug), "title": phrase_of(status), "status": status,
        "detail": str(exc),
    }
    if isinstance(exc, E.LLMError) and exc.evidence is not None:
        body["detail"] += " The evidence retrieved for the question is in 'evidence'."
        body["evidence"] = exc.evidence.model_dump(mode="json")
    return status, body


def validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    """Field, message and kind of each error; the submitted values are not echoed back."""
    out = []
    for err in exc.errors():
        loc = [str(part) for part in err.get("loc", ())]
        out.append({"field": ".".join(loc[1:] if loc[:1] == ["body"] else loc),
                    "message": err.get("msg", ""), "type": err.get("type", "")})
    return out


def install(app: FastAPI) -> None:
    @app.exception_handler(E.GuideQAError)
    async def _core(request: Request, exc: E.GuideQAError) -> JSONResponse:
        status, body = problem_body(exc)
        if status >= 500:
            log.warning("%s %s -> %d: %s", request.method, request.url.path, status,
                        type(exc).__name__)
        body["instance"] = request.url.path
        return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = validation_errors(exc)
        summary = "; ".join(f"{e['field'] or 'body'}: {e['message']}" for e in errors[:5])
        return problem(422, f"The request is invalid: {summary}. See /docs for the expected shape.",
                       slug="invalid-request", instance=request.url.path, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"Nothing at {request.url.path}. The API lives under /v1; see /docs."
        elif exc.status_code == 405:
            detail = f"{request.method} is not allowed on {request.url.path}; see /docs."
        return problem(exc.status_code, detail, instance=request.url.path,
                       headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return problem(500, "An unexpected error occurred; the server log has the details.",
                       slug="internal-error", instance=request.url.path)
