"""Test helper for the lexicons read once from a package and cached as text (rag.abstention.lexicons)."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest


def built_and_read_back(module: ModuleType, getter: Any, path: Path, monkeypatch: pytest.MonkeyPatch) -> frozenset:
    """The lexicon `getter` builds from its package into `path` (the module's cache file), after
    checking that a second process would read the same names back from that file."""
    monkeypatch.setattr(module, "cache_file", lambda: path)
    getter.cache_clear()
    try:
        names = getter()
        assert path.is_file()
        getter.cache_clear()
        assert getter() == names  # read back from the cache file
        return names
    finally:
        getter.cache_clear()
