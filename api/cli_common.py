"""Helpers shared by the CLI commands: consoles, settings, error translation."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import typer
from rich.console import Console

from rag.errors import GuideQAError
from rag.settings import Settings, get_settings

console = Console()
err_console = Console(stderr=True)


def settings() -> Settings:
    return get_settings()


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Print a GuideQAError as one clear line and exit 2, instead of a traceback."""
    try:
        yield
    except GuideQAError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
