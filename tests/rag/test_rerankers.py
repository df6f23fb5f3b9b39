"""Rerankers: the fake, the reranking stage of the retriever, and the packaged cross-encoder for real."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from rag.errors import RerankerError, UnknownBackendError
from rag.rerankers import (
    PACKAGED_RERANKER,
    CrossEncoderReranker,
    OverlapReranker,
    Reranker,
    make_reranker,
    packaged_reranker_dir,
)
from rag.retrieve import Retriever, rerank
from rag.settings import RerankerSettings, RetrievalSettings
from rag.types import Chunk

# sentences of corpus/luspatercept-drug-information.md
DOSE = "* **Initial dose:** 1 mg/kg every 3 weeks."
MISSED = ("* **Q: What should I do if I miss a dose?** A: Take the missed dose as soon as possible, "
          "but maintain the regular three-week dosing schedule.")
BREASTFEEDING = "Breastfeeding is not recommended during treatment or for three months after the final dose."


class Scripted(Reranker):
    """Returns the scores it is given, by passage text; records what it was asked."""

    name = "scripted"

    def __init__(self, by_text: dict[str, float]) -> None:
        self.by_text = by_text
        self.calls: list[tuple[str, list[str]]] = []

    def score(self, query: str, passages: Sequence[str]) -> list[float]:
        self.calls.append((query, list(passages)))
        return [self.by_text[p] for p in passages]


def chunk(cid: str, text: str) -> Chunk:
    return Chunk(chunk_id=cid, doc_id=cid[0], title="T", text=text, char_start=0, char_end=len(text), ordinal=0)


def test_overlap_fake_scores_the_share_of_question_words():
    fake = OverlapReranker()
    assert fake.score("missed dose", ["Take the missed dose", "dose", "nothing"]) == [1.0, 0.5, 0.0]
    assert fake.score("", ["a"]) == [0.0]


# ---------------------------------------------------------------- the stage
def test_rerank_reorders_the_head_and_keeps_scores_monotone():
    chunks = {c: chunk(c, f"text {c}") for c in ("a", "b", "c", "d")}
    fused = {"a": 1.0, "b": 0.8, "c": 0.6, "d": 0.2}
    scripted = Scripted({"T\ntext a": -3.0, "T\ntext b": 0.0, "T\ntext c": 5.0})
    cfg = RetrievalSettings(rerank_depth=3, rerank_weight=0.5)
    order, scores, relevance = rerank("q", ["a", "b", "c", "d"], fused, chunks, scripted, cfg)
    # c: 0.5 x 1 + 0.5 x 0 = 0.5; a: 0.5 x 0 + 0.5 x 1 = 0.5 (tie: fused order); b: 0.5 x 0.375 + 0.5 x 0.5
    assert order == ["a", "c", "b", "d"]
    assert scores["a"] == pytest.approx(0.5) and scores["c"] == pytest.approx(0.5)
    assert scores["b"] == pytest.approx(0.5 * 3 / 8 + 0.5 * 0.5)
    assert scores["d"] < min(scores[c] for c in "abc")  # below the head, on the same scale
    assert relevance == {"a": -3.0, "b": 0.0, "c": 5.0}
    assert scripted.calls == [("q", ["T\ntext a", "T\ntext b", "T\ntext c"])]  # title + section + text

    alone, _, _ = rerank("q", ["a", "b", "c", "d"], fused, chunks, scripted,
                         RetrievalSettings(rerank_depth=3, rerank_weight=1.0))
    assert alone == ["c", "b", "a", "d"]


@pytest.mark.parametrize("cfg", [RetrievalSettings(rerank_depth=0), RetrievalSettings(rerank_weight=0.0),
                                 RetrievalSettings(rerank_depth=1)])
def test_rerank_off_keeps_the_fused_order(cfg):
    chunks = {c: chunk(c, c) for c in "ab"}
    scripted = Scripted({})
    order, scores, relevance = rerank("q", ["a", "b"], {"a": 2.0, "b": 1.0}, chunks, scripted, cfg)
    assert (order, scores, relevance) == (["a", "b"], {"a": 2.0, "b": 1.0}, {})
    assert scripted.calls == []
    assert rerank("q", ["a", "b"], {"a": 2.0, "b": 1.0}, chunks, None, RetrievalSettings())[0] == ["a", "b"]


def test_retriever_reranks_the_top_passages(fake_index):
    question = "What should a patient do after missing a dose of luspatercept?"
    # continuations off: a passage they bring after the reranker has no reranker score
    plain = Retriever(fake_index, RetrievalSettings(continuations=0)).retrieve(question, top_k=10)
    reranked = Retriever(fake_index, RetrievalSettings(rerank_depth=10, rerank_weight=1.0, continuations=0),
                         reranker=OverlapReranker()).retrieve(question, top_k=5)
    assert all(h.relevance is None for h in plain.hits)
    assert len(reranked.hits) == 5 and all(h.relevance is not None for h in reranked.hits)
    relevance = [h.relevance for h in reranked.hits]
    assert relevance == sorted(relevance, reverse=True)  # weight 1: the reranker's order
    # the five come from the fused top 10, whatever their fused order was
    assert {h.chunk.chunk_id for h in reranked.hits} <= {h.chunk.chunk_id for h in plain.hits}
    assert [h.score for h in reranked.hits] == sorted((h.score for h in reranked.hits), reverse=True)


# ---------------------------------------------------------------- choosing one
def test_make_reranker_names(tmp_path: Path):
    assert make_reranker(RerankerSettings(model="off")) is None
    assert isinstance(make_reranker(RerankerSettings(model="overlap")), OverlapReranker)
    packaged = make_reranker(RerankerSettings())
    assert isinstance(packaged, CrossEncoderReranker) and packaged.model_dir == packaged_reranker_dir()
    with pytest.raises(UnknownBackendError, match="GUIDEQA_RERANKER_MODEL"):
        make_reranker(RerankerSettings(model=str(tmp_path / "nowhere")))
    empty = make_reranker(RerankerSettings(model=str(tmp_path)))
    assert isinstance(empty, CrossEncoderReranker)
    with pytest.raises(RerankerError, match=r"no model\.onnx or tokenizer\.json"):
        empty.score("q", ["p"])
    (tmp_path / "model.onnx").write_bytes(b"not a model")
    (tmp_path / "tokenizer.json").write_text("{}")
    with pytest.raises(RerankerError, match="GUIDEQA_RERANKER_MODEL=off"):
        CrossEncoderReranker(tmp_path).warm_up()


def test_settings_read_the_environment(monkeypatch):
    monkeypatch.setenv("GUIDEQA_RERANKER", "off")
    assert RerankerSettings().model == "off"
    monkeypatch.delenv("GUIDEQA_RERANKER")
    assert RerankerSettings().model == PACKAGED_RERANKER


# ---------------------------------------------------------------- the real model
@pytest.fixture(scope="module")
def cross_encoder() -> CrossEncoderReranker:
    model = make_reranker(RerankerSettings(parallel=2))
    assert isinstance(model, CrossEncoderReranker)
    model.warm_up()
    return model


def test_packaged_cross_encoder_prefers_the_passage_that_answers(cross_encoder):
    dose, breastfeeding = cross_encoder.score("What is the starting dose of luspatercept?", [DOSE, BREASTFEEDING])
    assert dose > breastfeeding + 2.0  # logits; MS MARCO relevance
    missed, other = cross_encoder.score("What should I do if I miss a dose of luspatercept?", [MISSED, BREASTFEEDING])
    assert missed > other + 2.0


def test_packaged_cross_encoder_is_deterministic_alone_or_in_parallel(cross_encoder):
    passages = [DOSE, MISSED, BREASTFEEDING, DOSE + " " + MISSED]
    question = "When is the missed dose taken?"
    parallel = cross_encoder.score(question, passages)
    serial = CrossEncoderReranker(packaged_reranker_dir(), parallel=1).score(question, passages)
    assert parallel == serial  # one run per pair: no batch-mates, no padding
    assert cross_encoder.score(question, passages[2:3]) == parallel[2:3]
    assert cross_encoder.score(question, []) == []
