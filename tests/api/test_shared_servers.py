"""Two `guideqa serve` processes with their own data directories share one corpus through a real
`chroma run` server: a document uploaded through one is answered by the other within the refresh
interval, and while one ingests, both keep answering, each answer from one corpus version."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, free_port, running_server

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# Neutral text: the words are the test's own, not clinical facts.
HARBOR = ("Harbor Committee Parking Rules\n\nHarbor parking permits require a signed form from the "
          "committee chair. Permits are renewed every twelve months.\n")
QUESTION = "What do Harbor parking permits require?"


@contextlib.contextmanager
def api_server(tmp: Path, name: str, chroma: str, prefix: str) -> Iterator[str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GUIDEQA_")}
    env.update(GUIDEQA_DATA_DIR=str(tmp / name), GUIDEQA_EMBEDDER_MODEL="hash", GUIDEQA_CHROMA_URL=chroma,
               GUIDEQA_COLLECTION_PREFIX=prefix, GUIDEQA_REFRESH_SECONDS="0.5", GUIDEQA_HOST="127.0.0.1",
               GUIDEQA_PORT=str(port), GUIDEQA_AUDIT="false", GUIDEQA_CORPUS_DIR=str(tmp / "empty"))
    with running_server([sys.executable, "-m", "api.serve"], port, tmp / f"{name}.log", env=env, cwd=ROOT):
        yield f"http://127.0.0.1:{port}"


def ask(url: str, question: str = QUESTION) -> dict:
    response = httpx.post(f"{url}/v1/ask", json={"question": question, "mode": "extractive"}, timeout=30)
    response.raise_for_status()
    return response.json()


def test_two_servers_share_one_corpus_through_chroma(tmp_path, chroma_server):
    (tmp_path / "empty").mkdir()
    prefix = f"s{uuid.uuid4().hex[:8]}"
    with api_server(tmp_path, "a", chroma_server, prefix) as a, api_server(tmp_path, "b", chroma_server, prefix) as b:
        upload = httpx.post(f"{a}/v1/documents", files={"file": ("harbor-rules.txt", HARBOR.encode(), "text/plain")},
                            timeout=60)
        assert upload.status_code == 201, upload.text
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            listed = [d["doc_id"] for d in httpx.get(f"{b}/v1/documents", timeout=10).json()]
            if "harbor-rules" in listed:
                break
            time.sleep(0.2)
        assert "harbor-rules" in listed, "the second server never saw the upload"
        answer = ask(b)
        assert any("signed form from the committee chair" in c["quote"] for c in answer["citations"])

        # while `a` ingests more documents, both answer; every answer names a version that the
        # corpus really had, and cites only documents that version holds
        errors: list[str] = []
        seen: list[tuple[str, set[str]]] = []
        stop = threading.Event()

        def keep_asking(url: str) -> None:
            while not stop.is_set():
                try:
                    got = ask(url)
                    seen.append((got["corpus_version"], {c["doc_id"] for c in got["citations"]}))
                except Exception as exc:  # counted, not raised: the assertion below reports them
                    errors.append(repr(exc))

        threads = [threading.Thread(target=keep_asking, args=(u,)) for u in (a, b, b)]
        for t in threads:
            t.start()
        docs = {"harbor-rules"}
        versions = {httpx.get(f"{a}/v1/corpus", timeout=10).json()["corpus_version"]: set(docs)}
        for i in range(4):
            text = HARBOR.replace("Harbor", f"Pier{i}")
            response = httpx.post(f"{a}/v1/documents", files={"file": (f"pier{i}.txt", text.encode(), "text/plain")},
                                  timeout=60)
            assert response.status_code == 201, response.text
            docs.add(f"pier{i}")
            versions[response.json()["corpus_version"]] = set(docs)
        time.sleep(1.5)  # past the refresh interval
        stop.set()
        for t in threads:
            t.join(timeout=60)
        assert errors == []
        assert seen and all(version in versions and cited <= versions[version] for version, cited in seen)
        assert len({version for version, _ in seen}) > 1  # the servers did move on while answering
        final = ask(b, "What do Pier3 parking permits require?")
        assert final["corpus_version"] == httpx.get(f"{a}/v1/corpus", timeout=10).json()["corpus_version"]
        assert any(c["doc_id"] == "pier3" for c in final["citations"])
