"""Dependencies of the routes, as `Annotated` aliases: settings, the index, the answerer, the
ingestion lock and the API-key checks. Everything heavy is built once at start-up
(`api.main.create_app`) and kept on `app.state`."""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from api import auth
from rag.answer import Answerer
from rag.audit import AuditLog
from rag.index import Index
from rag.settings import Settings


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_answerer(request: Request) -> Answerer:
    answerer = getattr(request.app.state, "answerer", None)
    if answerer is None:
        reason = getattr(request.app.state, "startup_error", None) or "still starting up"
        raise HTTPException(503, f"The service is not ready: {reason}. See GET /readyz.")
    return answerer


def get_index(answerer: Annotated[Answerer, Depends(get_answerer)]) -> Index:
    return answerer.index


def get_ingest_lock(request: Request) -> threading.Lock:
    return request.app.state.ingest_lock


def get_audit(request: Request) -> AuditLog | None:
    """The audit log, or None when auditing is off."""
    return getattr(request.app.state, "audit", None)


def write_key(request: Request, settings: Annotated[Settings, Depends(get_settings)]) -> None:
    auth.require_key(request, settings.api, "Changing the corpus")


def ask_key(request: Request, settings: Annotated[Settings, Depends(get_settings)]) -> None:
    if settings.api.require_key_for_ask:
        auth.require_key(request, settings.api, "Asking (GUIDEQA_REQUIRE_KEY_FOR_ASK=true)")


def read_answers_key(request: Request, settings: Annotated[Settings, Depends(get_settings)]) -> None:
    auth.require_key(request, settings.api, "Reading recorded answers")


SettingsDep = Annotated[Settings, Depends(get_settings)]
AnswererDep = Annotated[Answerer, Depends(get_answerer)]
IndexDep = Annotated[Index, Depends(get_index)]
IngestLockDep = Annotated[threading.Lock, Depends(get_ingest_lock)]
WriteKey = Depends(write_key)
AskKey = Depends(ask_key)
AuditDep = Annotated[AuditLog | None, Depends(get_audit)]
AnswersKey = Depends(read_answers_key)
