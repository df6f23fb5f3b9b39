"""Run the HTTP service with uvicorn, after the security and start-up checks.

Without API keys the service may only listen on loopback; it says so. Models are loaded before
the port opens, so the first request is as fast as the rest and a broken set-up fails here, with
a message that says what to fix. With `--workers N` (GUIDEQA_WORKERS) api.workers runs N
processes on one socket; the socket is bound first, connections wait in its backlog until a worker
has loaded, and "listening" is printed once all have.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable

import uvicorn

from rag.audit import AUDIT_FILE
from rag.errors import ConfigurationError
from rag.settings import Settings

log = logging.getLogger(__name__)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_security(settings: Settings) -> str:
    """Raise ConfigurationError for an unsafe set-up; return a one-line note on access control."""
    api = settings.api
    if not api.api_keys:
        if api.require_key_for_ask:
            raise ConfigurationError(
                "GUIDEQA_REQUIRE_KEY_FOR_ASK=true but GUIDEQA_API_KEYS is empty: set the keys "
                "(comma-separated), or unset GUIDEQA_REQUIRE_KEY_FOR_ASK.")
        if not is_loopback(api.host):
            raise ConfigurationError(
                f"Refusing to listen on {api.host}: no API keys are configured, so anyone who "
                f"can reach the port could change the corpus. Set GUIDEQA_API_KEYS=key1,key2 "
                f"(clients send 'Authorization: Bearer <key>'), or listen on 127.0.0.1.")
        return ("No API keys configured (GUIDEQA_API_KEYS): listening on loopback only, "
                "uploads and deletes are open to local users.")
    ask = "asking too" if api.require_key_for_ask else "asking is open"
    return f"API keys configured: uploads, deletes and reindex need a Bearer key; {ask}."


def serving_settings(settings: Settings) -> Settings:
    """Auditing is on when serving unless GUIDEQA_AUDIT=false was set explicitly."""
    audit = settings.audit.model_copy(update={"enabled": settings.audit.on(serving=True)})
    return settings.model_copy(update={"audit": audit})


def audit_note(settings: Settings) -> str:
    cfg = settings.audit
    if not cfg.enabled:
        return "Audit trail off (GUIDEQA_AUDIT=false): answers are not recorded."
    questions = "with question text" if cfg.questions else "question text not stored, only its hash"
    return (f"Audit trail on: every answer is recorded in {settings.store.resolved_data_dir / AUDIT_FILE} "
            f"({questions}; kept {cfg.retention_days} days).")


def url_of(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def listening_line(url: str, detail: str = "") -> str:
    shown = f"  ({detail})" if detail else ""
    return (f"GuideQA is listening on {url}{shown}  (web page: {url}/ , API docs: {url}/docs). "
            f"Ctrl-C stops it.")


def serve(settings: Settings, echo: Callable[[str], None] = print) -> None:
    """Check, load the models, print the address, and serve until interrupted. With
    `settings.api.workers` > 1 the models load in each worker process instead (api.workers)."""
    from api.main import build_answerer, create_app, open_audit

    note = check_security(settings)
    settings = serving_settings(settings)
    if (probe := open_audit(settings)) is not None:  # fail before loading models, not after
        probe.close()
    url = url_of(settings.api.host, settings.api.port)
    if settings.api.workers > 1:
        from api.workers import serve_workers

        serve_workers(settings, [note, audit_note(settings)],
                      lambda detail: listening_line(url, detail), echo)
        return
    echo("Loading the index and models ...")
    answerer = build_answerer(settings)
    data = answerer.index.data
    app = create_app(settings, answerer)
    echo(f"{len(data.documents)} documents, {data.chunk_count()} chunks, embedder "
         f"{answerer.index.embedder.name}, answers: {answerer.default_mode()}.")
    echo(note)
    echo(audit_note(settings))
    config = uvicorn.Config(app, host=settings.api.host, port=settings.api.port,
                            log_level="warning", access_log=False, timeout_graceful_shutdown=5)
    server = AnnouncingServer(config, announce=lambda: echo(listening_line(url)))
    server.run()


class AnnouncingServer(uvicorn.Server):
    """A uvicorn server that calls `announce` once its port is actually open."""

    def __init__(self, config: uvicorn.Config, announce: Callable[[], None]) -> None:
        super().__init__(config)
        self._announce = announce

    async def startup(self, sockets: list | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self._announce()


if __name__ == "__main__":  # `python -m api.serve`: the same as `guideqa serve`
    import sys

    from rag.errors import GuideQAError
    from rag.settings import get_settings

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        serve(get_settings())
    except GuideQAError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
