"""A direct encoder for sentence-transformers models of the standard layout
(Transformer -> mean pooling -> Normalize), such as all-MiniLM-L6-v2.

It computes what `SentenceTransformer.encode(..., normalize_embeddings=True)` computes for
those models, with `transformers` alone: importing sentence-transformers costs ~4 s (it pulls in
scikit-learn), most of a `guideqa ask` cold start. tests/rag/test_encoders.py checks that both
give the same vectors; any other layout is loaded with sentence-transformers itself.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

_STANDARD = [
    "sentence_transformers.models.Transformer",
    "sentence_transformers.models.Pooling",
    "sentence_transformers.models.Normalize",
]


def is_standard_mean_pooling(path: Path) -> bool:
    """True for a model directory laid out as Transformer -> mean Pooling -> Normalize."""
    try:
        modules = json.loads((path / "modules.json").read_text())
        pooling = json.loads((path / modules[1]["path"] / "config.json").read_text())
    except (OSError, ValueError, IndexError, KeyError):
        return False
    only_mean = pooling.get("pooling_mode_mean_tokens") and not any(
        v for k, v in pooling.items() if k.startswith("pooling_mode_") and k != "pooling_mode_mean_tokens"
    )
    return [m.get("type") for m in modules] == _STANDARD and modules[0].get("path") == "" and bool(only_mean)


class MeanPoolingEncoder:
    """Tokenise, run the transformer, mean-pool over the attention mask, L2-normalise."""

    def __init__(self, path: Path, device: str = "cpu") -> None:
        from transformers import AutoModel, AutoTokenizer

        config = json.loads((path / "sentence_bert_config.json").read_text())
        self.max_seq_length = int(config.get("max_seq_length", 512))
        self.tokenizer = AutoTokenizer.from_pretrained(str(path))
        self.model = AutoModel.from_pretrained(str(path)).to(device).eval()
        self.device = device
        self.dim = int(self.model.config.hidden_size)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        import torch

        with torch.inference_mode():
            batch = self.tokenizer(list(texts), padding=True, truncation=True,
                                   max_length=self.max_seq_length, return_tensors="pt").to(self.device)
            hidden = self.model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1).cpu().numpy().astype(np.float32)
