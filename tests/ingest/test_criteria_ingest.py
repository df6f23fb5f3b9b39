"""Coverage criteria trees at ingest: stored on the document's record, replaced with the document,
pruned with it, committed in the same manifest write as its chunks; an extraction failure costs
the trees, never the document. Fakes only: hash embedder, in-memory store."""

from __future__ import annotations

from pathlib import Path

import pytest

import ingest.pipeline
from ingest.sync import remove_documents, sync
from rag.criteria.tree import Node, leaves
from rag.embeddings import HashEmbedder
from rag.errors import StoreUnavailableError
from rag.index import Index
from rag.manifest import Manifest
from rag.store import InMemoryStore
from tests.criteria_fixtures import (
    CONTINUING,
    DRAVET_INITIAL_LEAVES,
    EPIDIOLEX_DRAVET,
    EPIDIOLEX_ID,
    EPIDIOLEX_LGS,
    EPIDIOLEX_V1,
    EPIDIOLEX_V2,
    NON_POLICY_ID,
    write_epidiolex,
    write_non_policy,
)

pytestmark = pytest.mark.unit


@pytest.fixture
def index(settings) -> Index:
    return Index(settings, HashEmbedder(), store=InMemoryStore())


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    write_epidiolex(root)
    write_non_policy(root)
    return root


def on_disk(index: Index):
    """The manifest as a fresh process would read it."""
    return Manifest(index.data_dir).load()


def summary(record) -> list[tuple[str, str, str | None, list[int]]]:
    return [(p.indication, p.line, p.approval_duration, p.pages) for p in record.criteria]


def test_a_policy_stores_its_trees_and_a_plain_document_none(index, docs):
    report = sync(index, [docs])
    assert sorted(report.added) == [EPIDIOLEX_ID, NON_POLICY_ID] and report.failed == []
    record = index.data.documents[EPIDIOLEX_ID]
    assert summary(record) == [("Dravet Syndrome", "initial", "1 year", [2, 2]),
                               ("Dravet Syndrome", "continuation", "1 year", [2, 2])]
    assert record.criteria_drugs[:2] == ["Epidiolex", "cannabidiol"]
    initial, continuation = record.criteria
    assert initial.drug == "Epidiolex" and initial.tree.op == "all"
    assert [leaf.text for leaf in leaves(initial.tree)] == DRAVET_INITIAL_LEAVES
    assert [leaf.text for leaf in leaves(continuation.tree)] == [CONTINUING]
    assert [c.op for c in initial.tree.children if isinstance(c, Node)] == ["any"]  # (ii): a OR b
    # every leaf is verbatim policy text, located in the stored text its chunks come from
    chunks = index.store.get(record.chunk_ids)
    for leaf in leaves(initial.tree):
        assert leaf.text in EPIDIOLEX_DRAVET and leaf.page == 2
        holder = next(c for c in chunks if c.char_start <= leaf.char_start and leaf.char_end <= c.char_end)
        assert holder.text[leaf.char_start - holder.char_start:leaf.char_end - holder.char_start] == leaf.text
    plain = index.data.documents[NON_POLICY_ID]
    assert plain.criteria == [] and plain.criteria_drugs == []
    assert not any("criteria" in w for w in record.warnings + plain.warnings)


def test_trees_are_in_the_manifest_on_disk(index, docs):
    sync(index, [docs])
    reloaded = on_disk(index).documents[EPIDIOLEX_ID]
    assert reloaded.criteria == index.data.documents[EPIDIOLEX_ID].criteria
    assert reloaded.criteria_drugs == index.data.documents[EPIDIOLEX_ID].criteria_drugs
    assert [leaf.text for leaf in leaves(reloaded.criteria[0].tree)] == DRAVET_INITIAL_LEAVES


def test_unchanged_policy_keeps_its_trees_without_reextraction(index, docs, monkeypatch):
    sync(index, [docs])
    before = index.data.documents[EPIDIOLEX_ID].criteria

    def must_not_run(*args, **kwargs):
        raise AssertionError("an unchanged document is not parsed again")

    monkeypatch.setattr(ingest.pipeline, "extract_document_criteria", must_not_run)
    report = sync(index, [docs])
    assert sorted(report.unchanged) == [EPIDIOLEX_ID, NON_POLICY_ID] and report.warnings == []
    assert index.data.documents[EPIDIOLEX_ID].criteria == before


def test_a_changed_policy_replaces_its_trees_and_the_corpus_version(index, docs):
    first = sync(index, [docs])
    write_epidiolex(docs, EPIDIOLEX_V2)  # the Dravet section replaced by Lennox-Gastaut
    second = sync(index, [docs])
    assert second.updated == [EPIDIOLEX_ID] and second.unchanged == [NON_POLICY_ID]
    assert second.corpus_version != first.corpus_version
    record = index.data.documents[EPIDIOLEX_ID]
    assert summary(record) == [("Lennox-Gastaut Syndrome", "initial", "1 year", [2, 2]),
                               ("Lennox-Gastaut Syndrome", "continuation", "1 year", [2, 2])]
    texts = [leaf.text for p in record.criteria for leaf in leaves(p.tree)]
    assert all(text in EPIDIOLEX_LGS for text in texts)
    assert DRAVET_INITIAL_LEAVES[2] not in texts  # no tree of the old version is left
    assert summary(on_disk(index).documents[EPIDIOLEX_ID]) == summary(record)
    # the new trees point into the new text: its chunks, which replaced the old ones
    chunks = index.store.get(record.chunk_ids)
    assert len(chunks) == len(record.chunk_ids)
    for leaf in leaves(record.criteria[0].tree):
        assert any(leaf.text in c.text for c in chunks)


def test_prune_removes_a_deleted_policy_with_its_trees(index, docs):
    first = sync(index, [docs])
    (docs / f"{EPIDIOLEX_ID}.pdf").unlink()
    report = sync(index, [docs], prune=True)
    assert report.removed == [EPIDIOLEX_ID]
    assert report.corpus_version != first.corpus_version
    assert EPIDIOLEX_ID not in index.data.documents and EPIDIOLEX_ID not in on_disk(index).documents
    assert [r.doc_id for r in index.data.documents.values() if r.criteria] == []
    assert index.store.ids(EPIDIOLEX_ID) == []


def test_removing_a_policy_removes_its_trees(index, docs):
    sync(index, [docs])
    report = remove_documents(index, [EPIDIOLEX_ID])
    assert report.removed == [EPIDIOLEX_ID]
    assert EPIDIOLEX_ID not in on_disk(index).documents and index.store.ids(EPIDIOLEX_ID) == []


def broken_extractor(text, page_starts=None):
    raise RuntimeError("outline parser bug")


def test_extraction_failure_is_a_warning_and_the_document_is_still_ingested(index, docs, monkeypatch):
    monkeypatch.setattr(ingest.pipeline, "extract_document_criteria", broken_extractor)
    report = sync(index, [docs])
    assert sorted(report.added) == [EPIDIOLEX_ID, NON_POLICY_ID] and report.failed == []
    record = index.data.documents[EPIDIOLEX_ID]
    assert record.criteria == [] and record.criteria_drugs == []
    assert record.chunk_ids and len(index.store.get(record.chunk_ids)) == len(record.chunk_ids)
    warning = next(w for w in record.warnings if "coverage criteria could not be extracted" in w)
    assert "RuntimeError: outline parser bug" in warning
    assert f"{EPIDIOLEX_ID}: {warning}" in report.warnings
    assert on_disk(index).documents[EPIDIOLEX_ID].warnings == record.warnings
    # the document is searchable all the same
    hits = index.store.query(index.embedder.embed_query("Dravet Syndrome neurologist"), k=10)
    assert any(h.chunk.doc_id == EPIDIOLEX_ID for h in hits)


def test_a_new_extractor_version_reextracts_unchanged_files_and_changes_the_corpus_version(index, docs, monkeypatch):
    """Trees lost to an extractor bug come back once the fixed extractor ships (a pipeline
    version bump), with no change to the files."""
    monkeypatch.setattr(ingest.pipeline, "extract_document_criteria", broken_extractor)
    first = sync(index, [docs])
    assert index.data.documents[EPIDIOLEX_ID].criteria == []
    monkeypatch.undo()
    assert sync(index, [docs]).unchanged == sorted([EPIDIOLEX_ID, NON_POLICY_ID])  # same bytes, same pipeline
    monkeypatch.setattr(ingest.pipeline, "PIPELINE_VERSION", f"{ingest.pipeline.PIPELINE_VERSION}-fixed")
    report = sync(index, [docs])
    assert sorted(report.updated) == sorted([EPIDIOLEX_ID, NON_POLICY_ID])
    assert report.corpus_version != first.corpus_version
    record = on_disk(index).documents[EPIDIOLEX_ID]
    assert [p.indication for p in record.criteria] == ["Dravet Syndrome", "Dravet Syndrome"]
    assert not any("could not be extracted" in w for w in record.warnings)


def test_trees_are_committed_in_the_same_manifest_write_as_the_chunks(index, docs):
    """Every manifest written during ingest that names the policy's chunks also holds its trees,
    and those chunks are in the store by then: a crash between writes loses neither half."""
    written = []
    publish = index.publish

    def recording_publish(data, *args, **kwargs):
        publish(data, *args, **kwargs)
        record = on_disk(index).documents.get(EPIDIOLEX_ID)
        if record is not None:
            written.append((record, set(index.store.ids())))

    index.publish = recording_publish  # type: ignore[method-assign]
    sync(index, [docs])
    assert written
    for record, stored in written:
        assert record.chunk_ids and set(record.chunk_ids) <= stored
        assert [p.indication for p in record.criteria] == ["Dravet Syndrome", "Dravet Syndrome"]


class FailingStore(InMemoryStore):
    """A store whose server goes away after `fail_after` successful adds."""

    def __init__(self, fail_after: int) -> None:
        super().__init__()
        self.fail_after = fail_after

    def add(self, chunks, vectors) -> None:
        if self.fail_after <= 0:
            raise StoreUnavailableError("Chroma at http://127.0.0.1:9 cannot be reached")
        self.fail_after -= 1
        super().add(chunks, vectors)


def test_a_run_that_dies_mid_way_keeps_committed_trees_and_the_next_run_completes(settings, tmp_path):
    docs = tmp_path / "docs"
    write_epidiolex(docs)  # sorted first: cigna-epidiolex.pdf, then luspatercept-...
    write_non_policy(docs)
    store = FailingStore(fail_after=1)
    index = Index(settings, HashEmbedder(), store=store)
    with pytest.raises(StoreUnavailableError):
        sync(index, [docs])
    committed = on_disk(index)
    assert list(committed.documents) == [EPIDIOLEX_ID]
    assert summary(committed.documents[EPIDIOLEX_ID])[0][0] == "Dravet Syndrome"
    assert set(committed.documents[EPIDIOLEX_ID].chunk_ids) <= set(store.ids())
    store.fail_after = 10
    report = sync(Index(settings, HashEmbedder(), store=store), [docs])
    assert report.unchanged == [EPIDIOLEX_ID] and report.added == [NON_POLICY_ID]
    assert on_disk(index).documents[EPIDIOLEX_ID].criteria == committed.documents[EPIDIOLEX_ID].criteria


def test_a_text_file_policy_has_trees_without_pages(index, tmp_path):
    docs = tmp_path / "text"
    docs.mkdir()
    (docs / "epidiolex.txt").write_text("\n\n".join(EPIDIOLEX_V1), encoding="utf-8")
    sync(index, [docs])
    record = index.data.documents["epidiolex"]
    assert summary(record) == [("Dravet Syndrome", "initial", "1 year", []),
                               ("Dravet Syndrome", "continuation", "1 year", [])]
    assert [(leaf.text, leaf.page) for leaf in leaves(record.criteria[0].tree)] == [
        (text, None) for text in DRAVET_INITIAL_LEAVES]
