"""`guideqa serve --workers 2`: a real server with two worker processes on a free loopback port.

The API has no per-process endpoint, so the worker pids come from the start-up line, which lists
them; that they are the server's own children is checked with psutil when it is installed.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from ingest.sync import sync
from rag.index import open_index
from tests.api.conftest import api_settings
from tests.conftest import CORPUS, ROOT, free_port

pytestmark = [pytest.mark.integration, pytest.mark.slow]

QUESTIONS = [
    "What is the starting dose of luspatercept?",
    "Which patients with lower-risk MDS are eligible for luspatercept?",
    "Does luspatercept cause liver injury?",
    "What did the off-label study of luspatercept in hematologic malignancies find?",
]
LISTENING = re.compile(r"GuideQA is listening on (\S+)\s+\(2 worker processes, pids (\d+), (\d+)\)")


def wait_for_line(proc: subprocess.Popen, log: Path, pattern: re.Pattern[str],
                  timeout: float = 120.0) -> re.Match[str]:
    """The workers load after the socket is bound, so wait for the announcement, not the port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        if match := pattern.search(text):
            return match
        if proc.poll() is not None:
            raise AssertionError(f"server exited with code {proc.returncode}:\n{text}")
        time.sleep(0.2)
    raise AssertionError(f"no announcement after {timeout}s:\n{log.read_text(errors='replace')}")


def test_two_workers_answer_concurrently_and_stop_together(tmp_path: Path) -> None:
    data = tmp_path / "data"
    index = open_index(api_settings(data))
    sync(index, [CORPUS])
    index.close()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GUIDEQA_")}
    env.update(GUIDEQA_DATA_DIR=str(data), GUIDEQA_EMBEDDER_MODEL="hash", GUIDEQA_WORKERS="2",
               GUIDEQA_CORPUS_DIR=str(CORPUS), HF_HUB_OFFLINE="1")
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    try:
        match = wait_for_line(proc, log, LISTENING)
        url, pids = match.group(1), {int(match.group(2)), int(match.group(3))}
        assert url == f"http://127.0.0.1:{port}"
        text = log.read_text()
        assert text.count("5 documents") == 1, text  # the summary is printed once, not per worker
        assert len(pids) == 2
        _assert_children(proc.pid, pids)

        with httpx.Client(base_url=url, timeout=60) as http:
            assert http.get("/healthz").json() == {"status": "ok"}
            assert http.get("/readyz").status_code == 200

            def ask(i: int) -> httpx.Response:
                return http.post("/v1/ask", json={"question": QUESTIONS[i % len(QUESTIONS)],
                                                  "mode": "extractive"})

            with ThreadPoolExecutor(max_workers=8) as pool:
                responses = list(pool.map(ask, range(32)))
            assert [r.status_code for r in responses] == [200] * 32
            assert all(r.json()["citations"] for r in responses)

            # an upload through whichever worker takes it is seen by both: every later request,
            # whichever worker answers it, reports the new corpus version
            before = http.get("/v1/corpus").json()["corpus_version"]
            upload = http.post("/v1/documents", files={"file": (
                "workers-note.md", b"# Workers note\n\nThe zebra protocol needs two approvals.\n",
                "text/markdown")})
            assert upload.status_code in (200, 201), upload.text
            versions = {http.get("/v1/corpus").json()["corpus_version"] for _ in range(20)}
            assert before not in versions and len(versions) == 1
            # ... and both answer from it (chunks read through each worker's own store client)
            question = {"question": "How many approvals does the zebra protocol need?",
                        "mode": "extractive"}
            cited = [{c["doc_id"] for c in http.post("/v1/ask", json=question).json()["citations"]}
                     for _ in range(8)]
            assert all("workers-note" in docs for docs in cited), cited
    finally:
        proc.terminate()
        code = proc.wait(timeout=30)
    assert code == 0, log.read_text()
    for pid in pids:
        assert not _alive(pid), f"worker {pid} outlived the server"
    assert "leaked semaphore" not in log.read_text()


def test_a_worker_that_cannot_start_stops_the_server_with_its_message(tmp_path: Path) -> None:
    data = tmp_path / "data"
    index = open_index(api_settings(data))  # built with the hash embedder ...
    sync(index, [CORPUS])
    index.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GUIDEQA_")}
    env.update(GUIDEQA_DATA_DIR=str(data), GUIDEQA_EMBEDDER_MODEL="hash-64",  # ... opened with another
               HF_HUB_OFFLINE="1")
    done = subprocess.run([sys.executable, "-m", "api.cli", "serve", "--workers", "2",
                           "--port", str(free_port())],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "guideqa ingest --reindex" in done.stderr
    assert "listening" not in done.stdout


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill 0; it has stopped all the same
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def _assert_children(parent: int, pids: set[int]) -> None:
    """The announced pids are the server's children (checked only where psutil is installed)."""
    if importlib.util.find_spec("psutil") is None:
        return
    import psutil

    children = {child.pid for child in psutil.Process(parent).children()}
    assert pids <= children, (pids, children)
