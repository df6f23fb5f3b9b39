"""The retrieval section of the settings: the legs, fusion, ranking, the cross-encoder's stage,
continuations and the abstention thresholds (``GUIDEQA_TOP_K``, ``GUIDEQA_RERANK_DEPTH``,
``GUIDEQA_ABSTAIN_*`` ...)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings

from rag.settings.section import section_config


class RetrievalSettings(BaseSettings):
    model_config = section_config()

    top_k: int = Field(default=10, ge=1, le=100, description="Chunks returned per question.")
    candidates: int = Field(
        default=40, ge=1, description="Candidates each leg (dense, BM25) contributes to fusion."
    )
    fusion: Literal["score", "rrf"] = Field(
        default="score",
        description="How the dense and BM25 legs combine: 'score' = weighted sum of min-max "
        "normalised scores; 'rrf' = reciprocal rank fusion. Score fusion beat every baseline "
        "on both public benchmarks, RRF did not (README, Benchmarks).",
    )
    dense_weight: float = Field(
        default=0.4, ge=0, le=1, description="Score fusion: the dense leg's share (BM25: the rest)."
    )
    section_boost: float = Field(
        default=0.2, ge=0,
        description="Score fusion: added to criteria-like sections for medical-necessity questions.",
    )
    score_norm: Literal["minmax", "zscore"] = Field(
        default="minmax",
        description="Score fusion: how each leg's scores are normalised before weighting "
        "('minmax': best 1, last 0; 'zscore': standard scores).",
    )
    rrf_k: int = Field(default=60, ge=1, description="Reciprocal rank fusion constant.")
    rrf_dense_weight: float = Field(
        default=1.0, ge=0, description="Reciprocal rank fusion: the dense ranking's weight (BM25's is 1)."
    )
    expand_dense: bool = Field(
        default=True, description="The dense leg embeds the query with the corpus's abbreviations expanded."
    )
    expand_lexical: bool = Field(
        default=True, description="The BM25 leg searches the query with the corpus's abbreviations expanded."
    )
    intent_terms: bool = Field(
        default=True,
        description="Medical-necessity questions boost criteria-like sections and imply words they "
        "do not say (criteria, indication, required ...), which join the search text where "
        "intent_questions, intent_in_dense and intent_in_lexical say so.",
    )
    intent_questions: Literal["all", "judgements"] = Field(
        default="judgements",
        description="Which medical-necessity questions get their implied words in the search text: "
        "'all', or 'judgements' = not wh-questions about what a passage says ('What does the "
        "coverage answer say ...?'), whose own words find it better. All keep the section boost.",
    )
    intent_in_dense: bool = Field(
        default=False,
        description="The dense leg embeds a necessity question with its implied words added. Off: "
        "they pulled generic criteria passages above the one asked for (gold set).",
    )
    intent_in_lexical: bool = Field(
        default=True,
        description="The BM25 leg searches a necessity question with its implied words added: they "
        "bring in the criteria and missing-information passages a judgement needs.",
    )
    lexical_unit: Literal["chunk", "window"] = Field(
        default="chunk",
        description="What BM25 scores: 'chunk' = whole chunks; 'window' = every run of "
        "window_sentences consecutive sentences of a chunk ('small-to-big'), a chunk scoring by its "
        "best window plus window_second_share of its second. No extra embedding. Windows helped "
        "the gold set and cost the FDA label and PubMedQA benchmarks, so chunks stay the default.",
    )
    window_sentences: int = Field(
        default=2, ge=1, le=10,
        description="Window unit: sentences per BM25 window (a chunk with fewer is one window).",
    )
    window_second_share: float = Field(
        default=0.0, ge=0, le=1,
        description="Window unit: the share of a chunk's second-best window added to its best.",
    )
    title_weight: int = Field(
        default=2, ge=0, le=5,
        description="BM25 field weight: times a chunk's document title counts (its tokens repeated; "
        "0 = not searched, 1 = like body text). 2 with source_weight 1 raised the gold set's "
        "recall@1 0.698 -> 0.726 and kept the FDA label and PubMedQA benchmarks.",
    )
    section_weight: int = Field(
        default=1, ge=0, le=5,
        description="BM25 field weight: times a chunk's section path counts (0 = not searched, "
        "1 = like body text; 2-3 did not help any benchmark).",
    )
    source_weight: int = Field(
        default=1, ge=0, le=5,
        description="BM25 field weight: times the document's source and type ('Drug information "
        "page', 'payer policy') count in each of its chunks (0 = not searched), so 'according to "
        "the coverage answer' finds that document's passages.",
    )
    lexical_stem: bool = Field(
        default=False,
        description="BM25 matches Snowball English stems ('dosing' finds 'dose', 'transfused' "
        "'transfusion') instead of words with their plural folded.",
    )
    abstain_min_similarity: float = Field(
        default=0.20,
        description="Abstain when no chunk is this close (cosine) to the question; calibrated "
        "for all-MiniLM-L6-v2 on the gold set's unanswerable questions. Recalibrate per embedder.",
    )
    abstain_min_coverage: float = Field(
        default=0.6, ge=0, le=1,
        description="Abstain when less than this share of the question's terms occur in the corpus "
        "(or of what it asks, a vignette's case aside), unless the reranker vouches for a passage.",
    )
    abstain_vouch_relevance: float | None = Field(
        default=1.0,
        description="The cross-encoder's score (a logit) at which a retrieved passage vouches for "
        "a question whose words the corpus mostly lacks ('Can a woman breastfeed ...': the corpus "
        "says 'women', 'breastfeeding'): the coverage rule then gives way to the evidence rules. "
        "'off' (or None): never. Chosen on the calibration set's calibrate half (0 and 2 were "
        "worse there).",
    )

    @field_validator("abstain_vouch_relevance", mode="before")
    @classmethod
    def _vouch_off(cls, value: object) -> object:
        """GUIDEQA_ABSTAIN_VOUCH_RELEVANCE=off (or none, or empty): no passage vouches."""
        return None if isinstance(value, str) and value.strip().lower() in {"", "off", "none", "null"} else value

    rerank_depth: int = Field(
        default=10, ge=0, le=100,
        description="How many of the fused ranking's best passages the cross-encoder reorders "
        "(0 = none). Each costs one model run (about 25-50 ms on one core).",
    )
    rerank_weight: float = Field(
        default=0.5, ge=0, le=1,
        description="The cross-encoder's share of the reordered passages' score: min-max "
        "normalised, mixed with the fused score's (1 = the cross-encoder's order alone). 0.4-0.6 "
        "were equal on the calibration set's calibrate half; alone (1.0) it lost to the mix.",
    )
    continuations: int = Field(
        default=2, ge=0, le=10,
        description="How many of the best passages bring the passage that continues their section "
        "right after them (the next chunk of the document, same section; 0 = none; at most one "
        "per five passages retrieved, none past a document's max_per_doc): an answer cut by a "
        "chunk boundary is read on. 2 raised fda-label recall@5 0.849 -> 0.907 and cost the gold "
        "set's recall@3 0.833 -> 0.818 (README, 'Continuations').",
    )
    max_per_doc: int = Field(
        default=7, ge=1,
        description="Diversity: most chunks one document may take in the top k (the rest go to "
        "other documents; top_k or more = no cap). Measured on the gold set: 4 of 10 cost 0.10 "
        "recall@10 against 7.",
    )
    contents_weight: float = Field(
        default=0.75, ge=0, le=1,
        description="A chunk that is a table of contents (numbered headings and nothing else, "
        "rag/redundancy.py) has its fused score scaled by this (1 = as any chunk): it names every "
        "section and answers few questions. fda-label recall@1 0.581 -> 0.605 at 0.5 and 0.75; "
        "0 (last) cost recall@5 (a list of titles answers 'what are the warnings?').",
    )
    diversity_decay: float = Field(
        default=1.0, gt=0, le=1,
        description="Diversity: each chunk taken from a document scales its next chunk's score by "
        "this (1 = no diversity). Soft, so a document that holds the answer is not cut off.",
    )
