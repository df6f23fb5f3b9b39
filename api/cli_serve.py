"""`guideqa serve`: the HTTP API and the web page."""

from __future__ import annotations

import typer

from api.cli_common import console, settings, user_errors


def serve(
    host: str = typer.Option(None, "--host",
                             help="Interface to bind (default GUIDEQA_HOST, 127.0.0.1)."),
    port: int = typer.Option(None, "--port", min=1, max=65535,
                             help="Port (default GUIDEQA_PORT, 8000)."),
    workers: int = typer.Option(None, "--workers", min=1, max=64,
                                help="Worker processes, each with its own copy of the models "
                                     "(default GUIDEQA_WORKERS, 1)."),
) -> None:
    """Serve the API (/v1, documented at /docs) and the web page (/) until Ctrl-C."""
    from api.serve import serve as run

    cfg = settings()
    updates = {k: v for k, v in {"host": host, "port": port, "workers": workers}.items() if v is not None}
    if updates:
        cfg = cfg.model_copy(update={"api": cfg.api.model_copy(update=updates)})
    with user_errors():
        run(cfg, echo=lambda line: console.print(line, highlight=False, soft_wrap=True))
