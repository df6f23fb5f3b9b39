"""Shared fixtures: settings on a temporary data dir, fakes, the real embedder, servers."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from rag.embeddings import HashEmbedder, SentenceTransformerEmbedder
from rag.settings import (
    EmbedderSettings,
    IngestSettings,
    RerankerSettings,
    RetrievalSettings,
    Settings,
    StoreSettings,
)

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


def make_settings(data_dir: Path, *, embedder: str = "hash", chroma_url: str | None = None,
                  chunk_size: int = 900, chunk_overlap: int = 150, prefix: str = "guideqa",
                  refresh_seconds: float = 2.0) -> Settings:
    return Settings(
        store=StoreSettings(data_dir=data_dir, chroma_url=chroma_url, collection_prefix=prefix,
                            refresh_seconds=refresh_seconds),
        embedder=EmbedderSettings(model=embedder),
        # with the fake embedder the fake reranker; with the real one the real cross-encoder
        reranker=RerankerSettings(model="overlap") if embedder == "hash" else RerankerSettings(),
        ingest=IngestSettings(corpus_dir=CORPUS, chunk_size=chunk_size, chunk_overlap=chunk_overlap),
        # the similarity floor is calibrated for the real embedder; hash vectors sit lower
        retrieval=RetrievalSettings(abstain_min_similarity=0.20 if embedder != "hash" else 0.05),
    )


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data")


@pytest.fixture
def hash_embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture(scope="session")
def real_embedder() -> SentenceTransformerEmbedder:
    embedder = SentenceTransformerEmbedder()
    embedder.warm_up()
    return embedder


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early with code {proc.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {timeout}s")


@contextlib.contextmanager
def running_server(cmd: list[str], port: int, log_path: Path, *, env: dict | None = None,
                   cwd: Path | None = None, timeout: float = 60.0) -> Iterator[Path]:
    """Start `cmd`, wait until it listens on 127.0.0.1:`port`, stop it afterwards; yields the
    path of its log (stdout and stderr)."""
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=cwd)
        try:
            wait_for_port(port, proc, timeout=timeout)
            yield log_path
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory):
    """A real Chroma server (`chroma run`) on a free loopback port; yields its URL."""
    chroma = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    cmd = [chroma, "run", "--path", str(path / "db"), "--host", "127.0.0.1", "--port", str(port)]
    with running_server(cmd, port, path / "server.log"):
        yield f"http://127.0.0.1:{port}"
