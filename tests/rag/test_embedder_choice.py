"""Which embedder runs: the 'auto' backend (int8 for a new index, the index's own precision for an
existing one), and `embed_documents` batching longest first without changing the rows."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import numpy as np
import pytest

from ingest.sync import reset_index, sync
from rag.embeddings import Embedder, HashEmbedder, make_embedder
from rag.errors import EmbedderMismatchError
from rag.index import Index
from rag.onnx_embedder import OnnxEmbedder
from rag.settings import EmbedderSettings
from rag.store import InMemoryStore
from tests.conftest import make_settings

pytestmark = pytest.mark.unit

# Sentences from corpus/luspatercept-drug-information.md, of different lengths on purpose.
TEXTS = [
    "Luspatercept is administered subcutaneously (under the skin).",
    "Joint and bone pain are potential side effects.",
    "The initial dose is generally 1 mg/kg every three weeks.",
    "Regular blood pressure monitoring is necessary.",
    "Luspatercept",
]


class Precision(HashEmbedder):
    """A fake with two precisions of one model, as OnnxEmbedder has (fp32 and int8)."""

    def __init__(self, quantized: bool) -> None:
        super().__init__(32)
        self.quantized = quantized
        self.name = "fake" + ("-int8" if quantized else "")

    def variant_named(self, name: str) -> Embedder | None:
        other = Precision(not self.quantized)
        return other if other.name == name else None


def corpus_dir(tmp_path, name: str = "doc"):
    folder = tmp_path / f"corpus-{name}"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.md").write_text(f"# {name}\n\n" + " ".join(TEXTS) + "\n", encoding="utf-8")
    return folder


def test_the_default_backend_is_auto_and_runs_int8():
    assert EmbedderSettings().backend == "auto"
    embedder = make_embedder(EmbedderSettings())
    assert isinstance(embedder, OnnxEmbedder) and embedder.quantized
    assert embedder.name == "all-MiniLM-L6-v2-int8v2"


def test_an_onnx_embedder_names_its_other_precision_without_loading_it():
    int8 = OnnxEmbedder(quantized=True)
    fp32 = int8.variant_named("all-MiniLM-L6-v2")
    assert isinstance(fp32, OnnxEmbedder) and not fp32.quantized
    assert int8.variant_named("all-MiniLM-L12-v2") is None
    assert fp32.variant_named("all-MiniLM-L6-v2-int8v2").quantized  # type: ignore[union-attr]
    assert HashEmbedder(32).variant_named("hash-64") is None


def test_auto_answers_an_fp32_index_with_fp32(tmp_path):
    settings = make_settings(tmp_path / "data")
    store = InMemoryStore()
    sync(Index(settings, Precision(quantized=False), store=store), [corpus_dir(tmp_path)])

    auto = settings.model_copy(update={"embedder": EmbedderSettings(model="hash", backend="auto")})
    index = Index(auto, Precision(quantized=True), store=store)
    assert index.embedder.name == "fake"  # swapped to the index's precision
    report = sync(index, [corpus_dir(tmp_path, "more")], prune=False)
    assert report.added == ["more"] and index.data.embedder == "fake"

    explicit = settings.model_copy(update={"embedder": EmbedderSettings(model="hash", backend="onnx-int8")})
    with pytest.raises(EmbedderMismatchError, match="--reindex"):
        Index(explicit, Precision(quantized=True), store=store)


def test_reindex_under_auto_moves_the_index_to_the_default_precision(tmp_path):
    settings = make_settings(tmp_path / "data")
    settings = settings.model_copy(update={"embedder": EmbedderSettings(model="hash", backend="auto")})
    store = InMemoryStore()
    sync(Index(settings, Precision(quantized=False), store=store), [corpus_dir(tmp_path)])
    fresh = Index(settings, Precision(quantized=True), store=store, check_embedder=False)
    reset_index(fresh)
    sync(fresh, [corpus_dir(tmp_path)])
    assert fresh.data.embedder == "fake-int8"


def test_a_reader_follows_or_refuses_a_reindex_by_another_process(tmp_path):
    settings = make_settings(tmp_path / "data")
    auto = settings.model_copy(update={"embedder": EmbedderSettings(model="hash", backend="auto")})
    explicit = settings.model_copy(update={"embedder": EmbedderSettings(model="hash", backend="onnx")})
    store = InMemoryStore()
    sync(Index(settings, Precision(quantized=False), store=store), [corpus_dir(tmp_path)])
    following = Index(auto, Precision(quantized=False), store=store)
    strict = Index(explicit, Precision(quantized=False), store=store)
    assert following.data.embedder == strict.data.embedder == "fake"

    writer = Index(auto, Precision(quantized=True), store=store, check_embedder=False)
    reset_index(writer)
    sync(writer, [corpus_dir(tmp_path)])

    assert following.data.embedder == "fake-int8" and following.embedder.name == "fake-int8"
    with pytest.raises(EmbedderMismatchError):
        strict.data  # noqa: B018 - reading the property is the check
    with pytest.raises(EmbedderMismatchError):  # and it keeps refusing, never answers from it
        strict.data  # noqa: B018


class Recording(HashEmbedder):
    def __init__(self) -> None:
        super().__init__(32)
        self.batches: list[list[str]] = []

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        self.batches.append(list(texts))
        return super().embed_batch(texts)


def test_embed_documents_batches_longest_first_and_keeps_the_order():
    embedder = Recording()
    seen: list[int] = []
    vectors = embedder.embed_documents(TEXTS, batch_size=2, progress=seen.append)
    lengths = [len(t) for batch in embedder.batches for t in batch]
    assert lengths == sorted(lengths, reverse=True)
    assert seen == [2, 2, 1]
    expected = HashEmbedder(32).embed_batch(TEXTS)
    np.testing.assert_allclose(vectors, expected, rtol=0, atol=1e-6)

    plain = Recording()
    again = plain.embed_documents(TEXTS, batch_size=2, by_length=False)
    assert [t for batch in plain.batches for t in batch] == TEXTS
    np.testing.assert_allclose(again, expected, rtol=0, atol=1e-6)
    assert embedder.embed_documents([]).shape == (0, 32)


class Threaded(HashEmbedder):
    """Records which threads ran its batches."""

    def __init__(self) -> None:
        super().__init__(32)
        self.threads: set[str] = set()
        self.lock = threading.Lock()

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        with self.lock:
            self.threads.add(threading.current_thread().name)
        time.sleep(0.01)  # long enough for the pool to hand the next batch to another thread
        return super().embed_batch(texts)


def test_parallel_runs_give_the_same_rows_in_order():
    texts = TEXTS * 4
    embedder = Threaded()
    seen: list[int] = []
    vectors = embedder.embed_documents(texts, batch_size=3, progress=seen.append, parallel=3)
    np.testing.assert_allclose(vectors, HashEmbedder(32).embed_batch(texts), rtol=0, atol=1e-6)
    assert seen == [3, 3, 3, 3, 3, 3, 2] and sum(seen) == len(texts)
    assert len(embedder.threads) > 1 and all(name.startswith("embed") for name in embedder.threads)
    alone = Threaded()
    alone.embed_documents(texts, batch_size=3, parallel=1)
    assert alone.threads == {threading.current_thread().name}


def test_ingestion_makes_one_run_per_core_unless_told(monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 6)
    assert EmbedderSettings().ingest_runs() == 6
    assert EmbedderSettings(parallel=2).ingest_runs() == 2
    monkeypatch.setenv("GUIDEQA_EMBEDDER_PARALLEL", "1")
    assert EmbedderSettings().ingest_runs() == 1
