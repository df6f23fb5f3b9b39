"""Word lexicons read from a package once per machine: built, cached as text, and searched.

A lexicon is a set of names, each a tuple of tokens as the lexical index writes them. Building
one from its package can take seconds (parsing XML, unpickling), so it is written to a text file
under ~/.cache/guideqa/ whose name carries the package's version and the rules' versions; the
next process reads the file instead (milliseconds).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from rag.atomic import atomic_write_bytes

log = logging.getLogger(__name__)

Name = tuple[str, ...]
CACHE_ROOT = Path("~/.cache/guideqa")


def package_version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "missing"


def cached_names(path: Path, build: Callable[[], set[Name]], what: str, install_hint: str) -> frozenset[Name]:
    """The names cached at `path`, else `build()` (then cached); empty when the package is not
    installed (the rule using them is then off, with a warning saying how to install it)."""
    try:
        return frozenset(tuple(line.split()) for line in path.read_text(encoding="utf-8").splitlines() if line)
    except OSError:
        pass
    try:
        names = build()
    except ImportError as exc:
        log.warning("no %s lexicon (%s): %s", what, exc, install_hint)
        return frozenset()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, "\n".join(sorted(" ".join(n) for n in names)).encode("utf-8"))
    except OSError as exc:  # a read-only home still works; it builds again next time
        log.debug("could not cache the %s lexicon in %s: %s", what, path, exc)
    return frozenset(names)


def find_names(tokens: Sequence[str], lexicon: Iterable[Name] | frozenset[Name], max_words: int) -> list[Name]:
    """The names of `lexicon` in a token sequence, longest first at each position, left to right."""
    return [name for _, name in name_positions(tokens, lexicon, max_words)]


def name_positions(tokens: Sequence[str], lexicon: Iterable[Name] | frozenset[Name], max_words: int,
                   also: Callable[[str], bool] | None = None) -> list[tuple[int, Name]]:
    """(position, name) of each name of `lexicon` in a token sequence, longest first at each
    position, left to right; a single token for which `also` is true counts as a name too."""
    names = lexicon if isinstance(lexicon, frozenset) else frozenset(lexicon)
    found: list[tuple[int, Name]] = []
    i = 0
    while i < len(tokens):
        for n in range(min(max_words, len(tokens) - i), 0, -1):
            candidate = tuple(tokens[i : i + n])
            if candidate in names or (n == 1 and also is not None and also(candidate[0])):
                found.append((i, candidate))
                i += n
                break
        else:
            i += 1
    return found
