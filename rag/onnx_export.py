"""Export a mean-pooling sentence-transformers model to ONNX, once, into a content-keyed cache.

The cache key is a hash of the model's weights file, so a changed model never reuses a stale
graph: ``<cache>/<weights-sha256[:16]>/model.onnx`` (fp32) and ``model-int8v2.onnx`` (dynamic int8
quantisation of the fp32 graph). Every file is written under a temporary name and renamed into
place, so a crash mid-export leaves no file the embedder would load; temporaries are ignored.

This is the only module that imports torch (and only inside :func:`export_fp32`), and it is
imported only when a cached graph is missing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from rag.atomic import atomic_write_bytes, exclusive_lock, fsync_dir

log = logging.getLogger(__name__)

WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
OPSET = 17
BuildFn = Callable[[Path], None]


def default_cache_dir() -> Path:
    """~/.cache/guideqa/onnx, or under $XDG_CACHE_HOME."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "guideqa" / "onnx"


def weights_file(model_dir: Path) -> Path:
    for name in WEIGHT_FILES:
        if (model_dir / name).is_file():
            return model_dir / name
    raise FileNotFoundError(f"no {' or '.join(WEIGHT_FILES)} in {model_dir}")


def model_hash(model_dir: Path, cache_dir: Path) -> str:
    """sha256 (16 hex digits) of the weights file, memoised by path, size and mtime in the cache."""
    weights = weights_file(model_dir)
    stat = weights.stat()
    memo_key = f"{weights.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"
    memo_path = cache_dir / "hashes.json"
    try:
        memo = json.loads(memo_path.read_text())
    except (OSError, ValueError):
        memo = {}
    if isinstance(memo, dict) and isinstance(memo.get(memo_key), str):
        return str(memo[memo_key])
    digest = hashlib.sha256()
    with weights.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    value = digest.hexdigest()[:16]
    memo = memo if isinstance(memo, dict) else {}
    memo[memo_key] = value
    try:
        atomic_write_bytes(memo_path, json.dumps(memo, indent=1).encode())
    except OSError as exc:  # a read-only cache still works, it just hashes again next time
        log.debug("could not memoise the model hash in %s: %s", memo_path, exc)
    return value


INT8_RECIPE = "int8v2"
"""Names the quantisation recipe (file and embedder name): v2 keeps the feed-forward output
projections in fp32 (v1, every MatMul in int8, lost 0.011 fda-label recall@5)."""
RETIRED = ("model-int8.onnx",)
"""Graphs of earlier recipes, removed from a cache folder when the current one is built."""


def cached_path(model_dir: Path, cache_dir: Path, quantized: bool) -> Path:
    """Where the graph for this model (by weights hash) and precision lives."""
    name = f"model-{INT8_RECIPE}.onnx" if quantized else "model.onnx"
    return cache_dir / model_hash(model_dir, cache_dir) / name


def ensure_file(target: Path, build: BuildFn) -> Path:
    """`target` if it exists; else `build(tmp)` and rename tmp to `target` (one builder at a time).

    A build that fails or is killed leaves only a temporary file, which is removed or ignored."""
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(target.parent / ".lock"):
        if target.is_file():  # another process built it while we waited
            return target
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        tmp = Path(name)
        try:
            build(tmp)
            with tmp.open("rb") as handle:
                os.fsync(handle.fileno())
            tmp.replace(target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        fsync_dir(target.parent)
    return target


def export_fp32(model_dir: Path, out: Path) -> None:
    """Trace the transformer (eager attention, a padded example) to ONNX: last_hidden_state out."""
    import warnings

    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()

    class _Hidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                    token_type_ids: torch.Tensor) -> torch.Tensor:
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    ids = torch.full((2, 8), 1000, dtype=torch.long)
    mask = torch.ones_like(ids)
    mask[1, 5:] = 0  # a padded row, so nothing specialises on an all-ones mask
    axes = {name: {0: "batch", 1: "sequence"} for name in (*INPUTS, "last_hidden_state")}
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")  # tracer warnings about python bools; parity is tested
        torch.onnx.export(_Hidden(), (ids, mask, torch.zeros_like(ids)), str(out), input_names=list(INPUTS),
                          output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=OPSET,
                          dynamo=False)


def quantize_int8(fp32: Path, out: Path) -> None:
    """Dynamic int8 quantisation of the MatMul weights, per channel (per tensor lost more: min
    cosine 0.90), except each layer's feed-forward output projection (`output/dense`), whose
    GELU inputs have the widest range: quantising it too is 1.4x faster again but moved the
    vectors 2.4x as far from fp32 (mean cosine 0.9949 vs 0.9979 on chunks of ../shared/pdfs)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = onnx.load(str(fp32), load_external_data=False).graph
    keep_fp32 = [node.name for node in graph.node if node.op_type == "MatMul"
                 and node.name.endswith("/output/dense/MatMul") and "/attention/" not in node.name]
    if not keep_fp32:
        raise ValueError(f"{fp32} has no feed-forward output MatMul nodes: not a BERT-style export")
    quantize_dynamic(str(fp32), str(out), weight_type=QuantType.QInt8, per_channel=True,
                     op_types_to_quantize=["MatMul"], nodes_to_exclude=keep_fp32)


def ensure_exported(model_dir: Path, cache_dir: Path, quantized: bool) -> Path:
    """The cached ONNX graph for this model and precision, exporting it first if missing."""
    fp32 = cached_path(model_dir, cache_dir, quantized=False)
    if not fp32.is_file():
        log.warning("exporting the embedding model to ONNX (once) into %s", fp32.parent)
    ensure_file(fp32, lambda tmp: export_fp32(model_dir, tmp))
    if not quantized:
        return fp32
    int8 = cached_path(model_dir, cache_dir, quantized=True)
    if not int8.is_file():
        ensure_file(int8, lambda tmp: quantize_int8(fp32, tmp))
        _remove_retired(int8.parent)
    return int8


def _remove_retired(folder: Path) -> None:
    """Best effort: an older recipe's graph is dead weight (58 MB); a process of an older
    version that still has it open keeps reading it until it exits (POSIX unlink)."""
    for name in RETIRED:
        try:
            (folder / name).unlink(missing_ok=True)
        except OSError as exc:
            log.debug("could not remove the retired graph %s: %s", folder / name, exc)


def main() -> None:
    """`python -m rag.onnx_export`: export the configured model (fp32 and int8) now, e.g. at install."""
    from rag.embeddings import resolve_model_path
    from rag.settings import get_settings

    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    settings = get_settings().embedder
    if settings.model.startswith("hash"):
        return
    model_dir = resolve_model_path(settings.model)
    cache_dir = (settings.onnx_cache or default_cache_dir()).expanduser()
    for quantized in (False, True):
        log.warning("ONNX model ready: %s", ensure_exported(model_dir, cache_dir, quantized))


if __name__ == "__main__":
    main()
