"""The FastAPI application: routers, problem-JSON errors, the web page, and start-up.

`create_app(settings, answerer)` builds the app. The index and the answerer (embedder, store
and, when configured, the chat model) are built once, at start-up, unless passed in (tests pass
one with fakes); ingestion is serialised by one lock kept on ``app.state``. With
``settings.audit.enabled`` true the audit log is opened here, so a server that must audit fails
before it starts when it cannot (`guideqa serve` turns auditing on unless GUIDEQA_AUDIT=false).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from api import problems
from api.headers import SecurityHeadersMiddleware
from api.routes import answers, ask, documents, health
from api.uploads import UploadLimitMiddleware
from rag.answer import Answerer
from rag.audit import AuditLog, open_audit_log
from rag.errors import GuideQAError
from rag.settings import Settings, get_settings

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"

DESCRIPTION = """\
Answers medical-necessity questions from guideline documents. Every claim in an answer cites a
passage of the corpus, and every quote is checked against the passage it cites.

* **Errors** are problem JSON (`application/problem+json`) whose `detail` says what to fix.
* **Keys**: when `GUIDEQA_API_KEYS` is set, write endpoints need `Authorization: Bearer <key>`
  (and so does asking with `GUIDEQA_REQUIRE_KEY_FOR_ASK=true`). Without keys the server
  listens on loopback only.
* The web page is at [/](/).
"""


def build_answerer(settings: Settings) -> Answerer:
    """Open the index and load every model now, so no request pays for it."""
    from rag.abstention.conditions import condition_names
    from rag.abstention.drugs import drug_lexicon
    from rag.index import open_index

    index = open_index(settings)
    index.embedder.warm_up()
    index.embedder.embed_query("warm-up")
    if index.reranker is not None:
        index.reranker.warm_up()
    condition_names()  # abstention's lexicons: read (or built, once per machine) before the first request
    drug_lexicon()
    answerer = Answerer(index)
    answerer.chat_model()  # build the configured LLM client once (None when extractive only)
    return answerer



def open_audit(settings: Settings) -> AuditLog | None:
    """The audit log when auditing is explicitly on (raises AuditError when it cannot be opened)."""
    cfg = settings.audit
    if not cfg.enabled:
        return None
    return open_audit_log(settings.store.resolved_data_dir, store_questions=cfg.questions,
                          retention_days=cfg.retention_days)


def create_app(settings: Settings | None = None, answerer: Answerer | None = None) -> FastAPI:
    settings = settings or (answerer.index.settings if answerer else get_settings())
    audit = open_audit(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = app.state.answerer is None
        if owned:
            try:
                app.state.answerer = await run_in_threadpool(build_answerer, settings)
            except GuideQAError as exc:  # stay up, and say why in /readyz and every 503
                app.state.startup_error = str(exc)
                log.error("GuideQA could not start: %s", exc)
        yield
        if owned and app.state.answerer is not None:
            app.state.answerer.index.close()
        if audit is not None:
            audit.close()

    app = FastAPI(
        title="GuideQA", version="1", description=DESCRIPTION, lifespan=lifespan,
        docs_url=None, redoc_url=None,  # served below from local assets: no CDN, works offline
        openapi_tags=[
            {"name": "ask", "description": "Questions and answers with verified citations."},
            {"name": "documents", "description": "The guideline documents of the corpus."},
            {"name": "corpus", "description": "The corpus as a whole."},
            {"name": "answers", "description": "The audit trail: recorded answers (GUIDEQA_AUDIT)."},
            {"name": "health", "description": "Liveness and readiness."},
        ],
    )
    app.state.settings = settings
    app.state.answerer = answerer
    app.state.startup_error = None
    app.state.audit = audit
    app.state.ingest_lock = threading.Lock()
    problems.install(app)
    app.add_middleware(UploadLimitMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    app.include_router(health.router)
    app.include_router(ask.router)
    app.include_router(documents.router)
    app.include_router(answers.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.mount("/swagger-ui", StaticFiles(directory=swagger_ui_path), name="swagger-ui")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json", title="GuideQA API",
            swagger_js_url="/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    return app
