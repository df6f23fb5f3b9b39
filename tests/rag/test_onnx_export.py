"""ONNX export cache: keyed by the weights' hash, crash-safe, and the backend setting (no model needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.embeddings import SentenceTransformerEmbedder, make_embedder
from rag.onnx_embedder import OnnxEmbedder, mean_pool_normalize
from rag.onnx_export import cached_path, ensure_file, model_hash
from rag.settings import EmbedderSettings

pytestmark = pytest.mark.unit


def fake_model(path: Path, weights: bytes = b"weights-v1") -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "model.safetensors").write_bytes(weights)
    return path


def test_cache_key_follows_the_weights(tmp_path):
    cache = tmp_path / "cache"
    a = fake_model(tmp_path / "a")
    b = fake_model(tmp_path / "b", b"weights-v2")
    same = fake_model(tmp_path / "c")
    assert model_hash(a, cache) == model_hash(same, cache) != model_hash(b, cache)
    assert cached_path(a, cache, quantized=False) == cache / model_hash(a, cache) / "model.onnx"
    assert cached_path(a, cache, quantized=True).name == "model-int8v2.onnx"
    (a / "model.safetensors").write_bytes(b"weights-v3")  # changed in place: new size -> new key
    assert model_hash(a, cache) not in (model_hash(same, cache), model_hash(b, cache))


def test_model_hash_is_memoised(tmp_path):
    cache = tmp_path / "cache"
    model = fake_model(tmp_path / "m")
    first = model_hash(model, cache)
    memo = json.loads((cache / "hashes.json").read_text())
    assert list(memo.values()) == [first]


def test_export_is_built_once(tmp_path):
    calls = []

    def build(tmp: Path) -> None:
        calls.append(tmp)
        tmp.write_bytes(b"graph")

    target = tmp_path / "k" / "model.onnx"
    assert ensure_file(target, build) == target
    assert ensure_file(target, build) == target
    assert len(calls) == 1 and target.read_bytes() == b"graph"
    assert calls[0] != target and calls[0].parent == target.parent


def test_building_the_int8_graph_removes_a_retired_recipe(tmp_path, monkeypatch):
    import rag.onnx_export as export

    model, cache = fake_model(tmp_path / "m"), tmp_path / "cache"
    folder = cache / model_hash(model, cache)
    folder.mkdir(parents=True)
    (folder / "model.onnx").write_bytes(b"fp32 graph")
    (folder / "model-int8.onnx").write_bytes(b"v1 graph")
    monkeypatch.setattr(export, "quantize_int8", lambda fp32, out: out.write_bytes(b"v2 of " + fp32.read_bytes()))
    path = export.ensure_exported(model, cache, quantized=True)
    assert path.read_bytes() == b"v2 of fp32 graph"
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == ["model-int8v2.onnx", "model.onnx"]


def test_a_crashed_export_leaves_no_model(tmp_path):
    target = tmp_path / "k" / "model.onnx"

    def crash(tmp: Path) -> None:
        tmp.write_bytes(b"half a gra")
        raise KeyboardInterrupt  # killed mid-write

    with pytest.raises(KeyboardInterrupt):
        ensure_file(target, crash)
    assert not target.exists()
    assert [p.name for p in target.parent.iterdir()] == [".lock"]


def test_a_half_written_temporary_is_ignored(tmp_path):
    target = tmp_path / "k" / "model.onnx"
    target.parent.mkdir()
    (target.parent / ".model.onnx.abc123.tmp").write_bytes(b"half")  # left by a SIGKILLed export
    ensure_file(target, lambda tmp: tmp.write_bytes(b"whole"))
    assert target.read_bytes() == b"whole"


def test_backend_setting_picks_the_embedder(tmp_path, monkeypatch):
    torch_path = make_embedder(EmbedderSettings(backend="torch"))
    fp32 = make_embedder(EmbedderSettings(backend="onnx", onnx_cache=tmp_path))
    int8 = make_embedder(EmbedderSettings(backend="onnx-int8"))
    assert isinstance(torch_path, SentenceTransformerEmbedder)
    assert isinstance(fp32, OnnxEmbedder) and not fp32.quantized
    assert isinstance(int8, OnnxEmbedder) and int8.quantized
    # fp32 ONNX gives the torch vectors (parity test), so indexes are shared; int8 is its own model
    assert fp32.name == torch_path.name == "all-MiniLM-L6-v2"
    assert int8.name == "all-MiniLM-L6-v2-int8v2"
    monkeypatch.setenv("GUIDEQA_EMBEDDER_BACKEND", "onnx-int8")
    monkeypatch.setenv("GUIDEQA_EMBEDDER_ONNX_CACHE", str(tmp_path))
    assert EmbedderSettings().backend == "onnx-int8"
    assert EmbedderSettings().onnx_cache == tmp_path


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="backend"):
        EmbedderSettings(backend="tensorrt")  # type: ignore[arg-type]


def test_a_model_onnx_cannot_run_falls_back_to_torch(tmp_path):
    model = fake_model(tmp_path / "custom")  # no modules.json: not a plain mean-pooling model
    embedder = make_embedder(EmbedderSettings(model=str(model), backend="onnx"))
    assert isinstance(embedder, SentenceTransformerEmbedder)


def test_mean_pooling_ignores_padding():
    import numpy as np

    hidden = np.array([[[3.0, 4.0], [100.0, 100.0]], [[1.0, 0.0], [0.0, 1.0]]], dtype=np.float32)
    mask = np.array([[1, 0], [1, 1]])
    out = mean_pool_normalize(hidden, mask)
    assert np.allclose(out, [[0.6, 0.8], [2**-0.5, 2**-0.5]])
