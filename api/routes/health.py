"""GET /healthz, GET /readyz and GET /v1/corpus."""

from __future__ import annotations

from collections import Counter

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.deps import IndexDep, SettingsDep
from api.schemas import AuthInfo, CorpusInfo, ReadyStatus
from rag.llm import model_name

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Alive")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", response_model=ReadyStatus, summary="Models loaded and store reachable",
            responses={503: {"model": ReadyStatus, "description": "Not ready, with the reason."}})
def readyz(request: Request) -> JSONResponse:
    checks: dict[str, str] = {}
    answerer = getattr(request.app.state, "answerer", None)
    if answerer is None:
        reason = getattr(request.app.state, "startup_error", None) or "still loading"
        checks["models"] = f"not loaded: {reason}"
    else:
        checks["models"] = "ok"
        try:
            answerer.index.store.count()
            _ = answerer.index.data  # reads the manifest: fails when it is unreadable
            checks["store"] = "ok"
        except Exception as exc:  # any failure means not ready; say which
            checks["store"] = f"unreachable: {type(exc).__name__}: {exc}"
    ready = all(v == "ok" for v in checks.values())
    body = ReadyStatus(status="ready" if ready else "not ready", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)


@router.get("/v1/corpus", response_model=CorpusInfo, tags=["corpus"],
            summary="Corpus version, counts and models")
def corpus(index: IndexDep, settings: SettingsDep, request: Request) -> CorpusInfo:
    data = index.data
    answerer = request.app.state.answerer
    keys = bool(settings.api.api_keys)
    chat = answerer.chat_model()
    return CorpusInfo(
        corpus_version=data.corpus_version, documents=len(data.documents),
        chunks=data.chunk_count(),
        doc_types=dict(sorted(Counter(r.meta.doc_type for r in data.documents.values()).items())),
        embedder=index.embedder.name, embedding_dim=data.dim,
        llm=(settings.llm.spec or model_name(chat)) if chat is not None else None,
        default_mode=answerer.default_mode(), max_upload_mb=settings.api.max_upload_mb,
        auth=AuthInfo(writes_require_key=keys,
                      ask_requires_key=keys and settings.api.require_key_for_ask),
    )
