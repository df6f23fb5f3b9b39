"""The embedder on ONNX Runtime: the same vectors as sentence-transformers without importing torch.

:class:`OnnxEmbedder` tokenises with the `tokenizers` library (the model's tokenizer.json), runs
the transformer exported by :mod:`rag.onnx_export` (once, cached by the weights' hash), then
mean-pools over the attention mask and L2-normalises in numpy, as sentence-transformers does for
the standard Transformer -> mean Pooling -> Normalize layout (:mod:`rag.encoders`).

Names: fp32 vectors match the torch path's (cosine >= 0.999, tests/rag/test_onnx_embedder.py),
so fp32 shares the torch embedder's name and an index built with either opens with the other;
int8 vectors differ more, so int8 is named ``<model>-int8v2`` (the recipe, rag.onnx_export) and its
index refuses the others.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rag.embeddings import (
    PACKAGED_MODEL,
    Embedder,
    ProgressFn,
    Span,
    longest_first,
    map_on_threads,
    model_name,
    resolve_model_path,
)
from rag.errors import EmbedderError
from rag.onnx_export import INT8_RECIPE
from rag.onnx_runtime import cpu_session

log = logging.getLogger(__name__)

ExportFn = Callable[[Path, Path, bool], Path]
"""(model_dir, cache_dir, quantized) -> path of the .onnx file to load."""


def _default_export(model_dir: Path, cache_dir: Path, quantized: bool) -> Path:
    from rag.onnx_export import ensure_exported  # imports torch only when a graph is missing

    return ensure_exported(model_dir, cache_dir, quantized)


class OnnxEmbedder(Embedder):
    """A standard mean-pooling sentence-transformers model on ONNX Runtime, CPU, offline."""

    def __init__(self, model: str = PACKAGED_MODEL, *, quantized: bool = False, threads: int = 1,
                 cache_dir: Path | None = None, export: ExportFn = _default_export) -> None:
        self._spec = model
        self.quantized = quantized
        self._threads = threads
        self._cache_dir = cache_dir
        self._export = export
        self._lock = threading.Lock()
        self._session: Any = None
        self._tokenizer: Any = None
        self._dim = 0
        self.onnx_path: Path | None = None
        self.name = model_name(model) + (f"-{INT8_RECIPE}" if quantized else "")

    def warm_up(self) -> None:
        self._load()

    def variant_named(self, name: str) -> OnnxEmbedder | None:
        other = OnnxEmbedder(self._spec, quantized=not self.quantized, threads=self._threads,
                             cache_dir=self._cache_dir, export=self._export)
        return other if other.name == name else None

    @property
    def dim(self) -> int:
        self._load()
        return self._dim

    def _load(self) -> None:
        if self._session is not None:
            return
        with self._lock:
            if self._session is not None:
                return
            model_dir = resolve_model_path(self._spec)
            from rag.onnx_export import default_cache_dir  # stdlib-only at import time

            cache_dir = (self._cache_dir or default_cache_dir()).expanduser()
            try:
                path = self._export(model_dir, cache_dir, self.quantized)
                tokenizer = _tokenizer(model_dir)
                session = self._open(path)
            except EmbedderError:
                raise
            except Exception as exc:  # any export or load failure becomes one actionable error
                raise EmbedderError(
                    f"Could not run the embedding model at {model_dir} with ONNX Runtime ({exc}). "
                    f"Delete the cache {cache_dir} to export it again, or set "
                    f"GUIDEQA_EMBEDDER_BACKEND=torch."
                ) from exc
            self._dim = int(json.loads((model_dir / "config.json").read_text())["hidden_size"])
            self._tokenizer, self.onnx_path, self._session = tokenizer, path, session
            log.info("loaded embedder %s (ONNX) from %s", self.name, path)

    def _open(self, path: Path) -> Any:
        return cpu_session(path, self._threads)

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        """Embed `texts`. int8 runs them one at a time: dynamic quantisation scales activations by
        the range of the whole run, so in a batch a text's vector would depend on its neighbours
        and their padding (cosine down to 0.967 to itself embedded alone); alone, it is a function
        of the text, as a query's is."""
        self._load()
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        if self.quantized and len(texts) > 1:
            return np.vstack([self._run([text]) for text in texts])
        return self._run(texts)

    def _run(self, texts: Sequence[str]) -> np.ndarray:
        hidden, mask, _ = self._states(texts)
        return mean_pool_normalize(hidden, mask)

    def _states(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, list[list[tuple[int, int]]]]:
        """The model's token states, the attention mask and each token's character offsets."""
        encodings = self._tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        types = np.array([e.type_ids for e in encodings], dtype=np.int64)
        (hidden,) = self._session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})
        return hidden, mask, [list(e.offsets) for e in encodings]

    def embed_with_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[Span]], *, batch_size: int = 1,
        parallel: int = 1, progress: ProgressFn | None = None,
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Late pooling: one run per text (`batch_size` does not apply) gives its vector and, for
        each span, the mean of the text's token states over the span's tokens, L2-normalised. A
        span past the model's length limit (truncated away) is embedded alone."""
        self._load()
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32), []

        def run(i: int) -> tuple[np.ndarray, np.ndarray]:
            hidden, mask, offsets = self._states([texts[i]])
            return mean_pool_normalize(hidden, mask)[0], _pool_spans(hidden[0], offsets[0], spans[i])

        order = longest_first(texts)
        vectors = np.empty((len(texts), self._dim), dtype=np.float32)
        span_vectors: list[np.ndarray] = [np.empty((0, self._dim), dtype=np.float32)] * len(texts)
        for i, (vector, pooled) in zip(order, map_on_threads(run, order, parallel), strict=True):
            vectors[i], span_vectors[i] = vector, pooled
            if progress:
                progress(1)
        for i, pooled in enumerate(span_vectors):  # spans the model never saw, embedded alone
            lost = [j for j in range(len(pooled)) if not np.isfinite(pooled[j]).all()]
            if lost:
                pooled[lost] = self.embed_batch([texts[i][spans[i][j][0]:spans[i][j][1]] for j in lost])
        return vectors, span_vectors


def _pool_spans(hidden: np.ndarray, offsets: list[tuple[int, int]], spans: Sequence[Span]) -> np.ndarray:
    """For each span, the L2-normalised mean of the states of the tokens inside it; a row of NaN
    when no token is (the span lies past the truncation)."""
    out = np.full((len(spans), hidden.shape[-1]), np.nan, dtype=np.float32)
    for j, (start, end) in enumerate(spans):
        rows = [t for t, (a, b) in enumerate(offsets) if b > a and a >= start and b <= end]
        if rows:
            pooled = hidden[rows].astype(np.float32).mean(axis=0)
            out[j] = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
    return out


def mean_pool_normalize(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean over the unmasked tokens, then L2-normalise (sentence-transformers' Pooling + Normalize)."""
    weights = mask[..., None].astype(np.float32)
    pooled = (hidden.astype(np.float32) * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


def _tokenizer(model_dir: Path) -> Any:
    """The fast tokenizer from tokenizer.json, truncating at the model's max_seq_length, padding to the longest."""
    from tokenizers import Tokenizer

    source = model_dir / "tokenizer.json"
    if not source.is_file():
        raise EmbedderError(f"{model_dir} has no tokenizer.json; the ONNX backend needs one "
                            f"(or set GUIDEQA_EMBEDDER_BACKEND=torch).")
    tokenizer = Tokenizer.from_file(str(source))
    config = json.loads((model_dir / "sentence_bert_config.json").read_text())
    tokenizer.enable_truncation(max_length=int(config.get("max_seq_length", 512)))
    pad_token = _pad_token(model_dir)
    pad_id = tokenizer.token_to_id(pad_token)
    tokenizer.enable_padding(pad_id=0 if pad_id is None else pad_id, pad_token=pad_token)
    return tokenizer


def _pad_token(model_dir: Path) -> str:
    try:
        token = json.loads((model_dir / "special_tokens_map.json").read_text()).get("pad_token", "[PAD]")
    except (OSError, ValueError):
        return "[PAD]"
    return str(token.get("content", "[PAD]") if isinstance(token, dict) else token)
