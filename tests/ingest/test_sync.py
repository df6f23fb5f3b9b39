"""Sync logic on the in-memory fake store and the hash embedder: add, skip, replace, prune, repair."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ingest.sync import remove_documents, reset_index, sync
from rag.embeddings import HashEmbedder
from rag.errors import DocumentNotFoundError, EmbedderMismatchError
from rag.index import Index
from rag.store import InMemoryStore

pytestmark = pytest.mark.unit

# Sentences taken from the corpus (corpus/luspatercept-drug-information.md).
SENTENCES = [
    "Luspatercept is administered subcutaneously (under the skin).",
    "The initial dose is generally 1 mg/kg every three weeks.",
    "Regular blood pressure monitoring is necessary.",
    "Joint and bone pain are potential side effects.",
]


class CountingEmbedder(HashEmbedder):
    def __init__(self) -> None:
        super().__init__(64)
        self.embedded = 0

    def embed_batch(self, texts):
        self.embedded += len(texts)
        return super().embed_batch(texts)


def write_doc(directory: Path, name: str, n: int = 3, extra: str = "") -> Path:
    path = directory / name
    body = "\n\n".join(f"Section {i}\n\n" + " ".join(SENTENCES) for i in range(n))
    path.write_text(f"# {name}\n\n{body}\n{extra}", encoding="utf-8")
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    root.mkdir()
    for i in range(3):
        write_doc(root, f"doc{i}.md", n=i + 2)
    return root


@pytest.fixture
def index(settings):
    return Index(settings, CountingEmbedder(), store=InMemoryStore())


def stored_ids(index: Index) -> list[str]:
    return index.store.ids()


def test_first_sync_adds_everything(index, corpus):
    report = sync(index, [corpus])
    assert report.added == ["doc0", "doc1", "doc2"]
    assert report.failed == [] and report.unchanged == []
    # the hash embedder has no token states: each document's distinct quotes are embedded alone
    from rag.quotes import quote_spans, quote_text

    chunks = index.store.get(sorted(index.data.committed_ids()))
    assert report.chunks_embedded == len(chunks) and report.quotes_embedded == sum(len(quote_spans(c)) for c in chunks)
    distinct = sum(len({quote_text(c, s) for c in chunks if c.doc_id == doc for s in quote_spans(c)})
                   for doc in index.data.documents)
    assert index.embedder.embedded == report.chunks_embedded + distinct > report.chunks_embedded
    assert stored_ids(index) == sorted(index.data.committed_ids())
    assert report.corpus_version == index.corpus_version != ""


def test_unchanged_documents_are_not_embedded_again(index, corpus):
    first = sync(index, [corpus])
    before = index.embedder.embedded
    second = sync(index, [corpus])
    assert second.unchanged == ["doc0", "doc1", "doc2"]
    assert second.chunks_embedded == 0 and index.embedder.embedded == before
    assert second.corpus_version == first.corpus_version


def test_changed_document_is_replaced_whole_and_its_old_version_kept_as_superseded(index, corpus):
    sync(index, [corpus])
    old_ids = set(index.data.documents["doc1"].chunk_ids)
    write_doc(corpus, "doc1.md", n=5, extra="Bone pain and arthralgia: potential side effects.")
    report = sync(index, [corpus])
    assert report.updated == ["doc1"] and report.unchanged == ["doc0", "doc2"]
    new_ids = set(index.data.documents["doc1"].chunk_ids)
    assert new_ids != old_ids
    (previous,) = index.data.superseded["doc1"]
    assert set(previous.chunk_ids) == old_ids  # kept for as-of questions and diffs...
    assert set(stored_ids(index)) == index.data.referenced_ids()  # ... and nothing else is stored
    assert not (old_ids - new_ids) & index.data.committed_ids()  # current answers never see them


def test_a_new_chunking_of_the_same_bytes_replaces_the_version(index, corpus, monkeypatch):
    import ingest.pipeline

    sync(index, [corpus])
    monkeypatch.setattr(ingest.pipeline, "PIPELINE_VERSION", f"{ingest.pipeline.PIPELINE_VERSION}-next")
    report = sync(index, [corpus])
    assert sorted(report.updated) == ["doc0", "doc1", "doc2"]
    assert index.data.superseded == {}
    assert set(stored_ids(index)) == index.data.committed_ids()


def test_prune_removes_vanished_documents_only_when_asked(index, corpus):
    sync(index, [corpus])
    (corpus / "doc2.md").unlink()
    kept = sync(index, [corpus])
    assert kept.removed == [] and "doc2" in index.data.documents
    pruned = sync(index, [corpus], prune=True)
    assert pruned.removed == ["doc2"]
    assert "doc2" not in index.data.documents
    assert index.store.ids("doc2") == []


def test_every_committed_chunk_has_its_quotes_stored_and_they_go_with_it(index, corpus):
    from rag.quotes import quote_spans

    sync(index, [corpus])
    chunks = index.store.get(sorted(index.data.committed_ids()))
    stored = index.store.quotes([c.chunk_id for c in chunks])
    assert stored and all(list(stored[c.chunk_id].spans) == quote_spans(c) for c in chunks if quote_spans(c))
    doc2 = index.store.ids("doc2")
    (corpus / "doc2.md").unlink()
    sync(index, [corpus], prune=True)
    assert index.store.quotes(doc2) == {}


def test_same_content_under_two_paths_is_reported_once(index, corpus):
    (corpus / "z-copy.md").write_bytes((corpus / "doc0.md").read_bytes())
    report = sync(index, [corpus])
    assert report.added == ["doc0", "doc1", "doc2"]
    assert [(Path(d.path).name, d.duplicate_of) for d in report.duplicates] == [("z-copy.md", "doc0")]
    again = sync(index, [corpus])
    assert len(again.duplicates) == 1 and again.added == []


def test_bad_files_fail_alone_and_updates_that_fail_keep_the_old_version(index, corpus):
    (corpus / "junk.txt").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    (corpus / "empty.md").write_text("")
    (corpus / "notes.pptx").write_bytes(b"PK")
    report = sync(index, [corpus])
    assert sorted(Path(f.path).name for f in report.failed) == ["empty.md", "junk.txt"]
    assert report.added == ["doc0", "doc1", "doc2"]
    assert [Path(p).name for p in report.skipped] == ["notes.pptx"]
    (corpus / "doc0.md").write_text("")  # a broken update
    again = sync(index, [corpus], prune=True)
    assert "doc0" in index.data.documents and again.removed == []
    assert any(Path(f.path).name == "doc0.md" for f in again.failed)


def test_opening_with_another_embedder_says_to_reindex(settings, corpus):
    index = Index(settings, CountingEmbedder(), store=InMemoryStore())
    sync(index, [corpus])
    with pytest.raises(EmbedderMismatchError, match="--reindex"):
        Index(settings, HashEmbedder(32), store=InMemoryStore())


def test_reindex_rebuilds_with_the_new_embedder(settings, corpus):
    store = InMemoryStore()
    sync(Index(settings, CountingEmbedder(), store=store), [corpus])
    other = Index(settings, HashEmbedder(32), store=store, check_embedder=False)
    reset_index(other)
    report = sync(other, [corpus])
    assert report.added == ["doc0", "doc1", "doc2"]
    assert other.data.embedder == "hash-32"


def test_recovery_deletes_orphans_and_redoes_documents_missing_chunks(index, corpus):
    sync(index, [corpus])
    victim = index.data.documents["doc1"].chunk_ids[0]
    index.store.delete([victim])  # a committed record whose chunk is gone
    orphan = index.store.get([index.data.documents["doc0"].chunk_ids[0]])[0].model_copy(
        update={"chunk_id": "orphan", "doc_id": "ghost"})
    index.store.add([orphan], np.ones((1, 64), dtype=np.float32))
    index.manifest.begin({"simulated": "crash"})
    report = sync(index, [corpus])
    assert report.repaired == ["doc1"] and report.added == ["doc1"]
    assert "orphan" not in stored_ids(index)
    assert set(stored_ids(index)) == index.data.committed_ids()
    assert not index.manifest.interrupted()


def test_lexical_index_follows_every_change(index, corpus):
    sync(index, [corpus])
    assert index.lexical.corpus_version == index.corpus_version
    assert index.lexical.search("blood pressure monitoring", k=3)
    remove_documents(index, ["doc0", "doc1", "doc2"])
    assert index.lexical.search("blood pressure monitoring", k=3) == []
    assert stored_ids(index) == []
    with pytest.raises(DocumentNotFoundError):
        remove_documents(index, ["doc0"])


def test_single_file_and_nested_ids(index, tmp_path):
    nested = tmp_path / "policies" / "payer"
    nested.mkdir(parents=True)
    write_doc(nested, "plan.md")
    report = sync(index, [tmp_path / "policies"])
    assert report.added == ["payer/plan"]
    single = write_doc(tmp_path, "alone.md")
    assert sync(index, [single]).added == ["alone"]
