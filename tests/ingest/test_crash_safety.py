"""SIGKILL an ingest subprocess part-way, re-run it: same chunks as an uninterrupted run, no duplicates."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from rag.index import open_index
from tests.conftest import make_settings

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# Paragraphs from corpus/relapsed-refractory-lower-risk-mds-review.txt, reused as filler.
TEXT = (Path(__file__).resolve().parents[2] / "corpus" / "relapsed-refractory-lower-risk-mds-review.txt").read_text()


def make_corpus(root: Path, n_docs: int = 40) -> None:
    root.mkdir()
    paragraphs = [p for p in TEXT.split("\n\n") if p.strip()]
    for i in range(n_docs):
        rotated = paragraphs[i % len(paragraphs):] + paragraphs[: i % len(paragraphs)]
        (root / f"doc{i:02d}.txt").write_text(f"Document {i}\n\n" + "\n\n".join(rotated))


def run_ingest(data_dir: Path, corpus: Path, server: dict[str, str] | None = None) -> subprocess.Popen:
    env = dict(os.environ, GUIDEQA_DATA_DIR=str(data_dir), GUIDEQA_EMBEDDER_MODEL="hash", **(server or {}))
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "ingest", str(corpus), "--json"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[2],
    )


def snapshot(data_dir: Path, server: dict[str, str] | None = None) -> tuple[list[str], list[str], int]:
    url, prefix = (server["GUIDEQA_CHROMA_URL"], server["GUIDEQA_COLLECTION_PREFIX"]) if server else (None, "guideqa")
    index = open_index(make_settings(data_dir, chroma_url=url, prefix=prefix))
    stored = index.store.ids()
    committed = sorted(index.data.committed_ids())
    return stored, committed, index.store.count()


def test_killed_ingest_is_repaired_by_the_next_run(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    make_corpus(corpus)
    clean = tmp_path / "clean"
    assert run_ingest(clean, corpus).wait(timeout=300) == 0
    expected, committed, count = snapshot(clean)
    assert expected == committed and count == len(expected)

    rng = random.Random(7)
    killed_mid_write = 0
    for trial in range(4):
        data = tmp_path / f"crash{trial}"
        proc = run_ingest(data, corpus)
        journal = data / "ingest.journal"
        deadline = time.monotonic() + 120
        while not journal.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, 0.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        killed_mid_write += journal.exists()
        rerun = run_ingest(data, corpus)
        out, err = rerun.communicate(timeout=300)
        assert rerun.returncode == 0, err.decode()
        stored, committed, count = snapshot(data)
        assert stored == expected, f"trial {trial}: chunk set differs from the uninterrupted run"
        assert committed == expected and count == len(set(stored))  # no duplicates, no orphans
        assert not journal.exists()
    assert killed_mid_write >= 1, "no trial killed the ingest while it was writing"


def test_killed_ingest_into_a_chroma_server_is_repaired_by_the_next_run(tmp_path: Path, chroma_server: str) -> None:
    """The same with the manifest and the journal in a Chroma server (each trial its own prefix)."""
    corpus = tmp_path / "corpus"
    make_corpus(corpus, n_docs=24)
    clean = {"GUIDEQA_CHROMA_URL": chroma_server, "GUIDEQA_COLLECTION_PREFIX": f"c{uuid.uuid4().hex[:8]}"}
    assert run_ingest(tmp_path / "clean", corpus, clean).wait(timeout=300) == 0
    expected, committed, count = snapshot(tmp_path / "clean", clean)
    assert expected == committed and count == len(expected)
    killed_mid_write = 0
    for trial in range(3):
        server = {"GUIDEQA_CHROMA_URL": chroma_server, "GUIDEQA_COLLECTION_PREFIX": f"k{uuid.uuid4().hex[:8]}"}
        state = open_index(make_settings(tmp_path / f"watch{trial}", chroma_url=chroma_server,
                                         prefix=server["GUIDEQA_COLLECTION_PREFIX"])).manifest
        proc = run_ingest(tmp_path / f"crash{trial}", corpus, server)
        deadline = time.monotonic() + 120
        while not state.interrupted() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.2 * trial)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        killed_mid_write += state.interrupted()
        rerun = run_ingest(tmp_path / f"crash{trial}b", corpus, server)  # another data dir: all state is shared
        out, err = rerun.communicate(timeout=300)
        assert rerun.returncode == 0, err.decode()
        stored, committed, count = snapshot(tmp_path / f"check{trial}", server)
        assert stored == expected, f"trial {trial}: chunk set differs from the uninterrupted run"
        assert committed == expected and count == len(set(stored))
        assert not state.interrupted()
    assert killed_mid_write >= 1, "no trial killed the ingest while it was writing"
