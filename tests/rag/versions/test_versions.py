"""Document versions: a changed file keeps its previous version as superseded, and as-of
questions are answered from the versions in effect on their date (real embedded Chroma, hash
embedder). The policy text is neutral, not clinical."""

from __future__ import annotations

import pytest

from ingest.recovery import recover
from ingest.sync import remove_documents, sync
from rag.answer import Answerer
from rag.errors import ConfigurationError
from rag.index import open_index
from rag.types import Answer, Filters
from rag.versions.dates import stated_effective_date
from rag.versions.select import parse_as_of
from tests.conftest import make_settings

pytestmark = pytest.mark.integration

RULES = {
    "01/01/2024": "a signed form from the committee chair",
    "06/01/2024": "a signed form from the building manager",
    "09/01/2024": "an email from the facilities office",
}
QUESTION = "What do Harbor parking permits require?"


def policy(effective: str) -> str:
    return (f"Harbor Committee Parking Policy\n\nEffective Date: {effective}\n\n"
            f"Permit Rules\n\nHarbor parking permits require {RULES[effective]}. "
            f"Permits are renewed every twelve months by the committee.\n")


@pytest.fixture
def index(tmp_path):
    settings = make_settings(tmp_path / "data")
    index = open_index(settings)
    folder = tmp_path / "policies"
    folder.mkdir()
    for effective in RULES:  # the same file, updated twice
        (folder / "parking.txt").write_text(policy(effective), encoding="utf-8")
        sync(index, [folder])
    yield index
    index.close()


def quotes(index, as_of: str | None) -> tuple[str, Answer]:
    answer = Answerer(index).ask(QUESTION, filters=Filters(as_of=as_of) if as_of else None, mode="extractive")
    return " ".join(c.quote for c in answer.citations), answer


def test_the_previous_versions_are_kept_with_their_dates(index):
    versions = index.data.versions("parking")
    assert [v.effective_from for v in versions] == ["2024-09-01", "2024-06-01", "2024-01-01"]
    assert [v.effective_to for v in versions] == [None, "2024-09-01", "2024-06-01"]
    stored = set(index.store.ids())
    assert all(set(v.chunk_ids) <= stored for v in versions)


@pytest.mark.parametrize(("as_of", "rule"), [
    ("2024-03-01", "committee chair"), ("2024-06-01", "building manager"),
    ("2024-07-15", "building manager"), ("2024-10-01", "facilities office"), (None, "facilities office")])
def test_an_as_of_question_is_answered_from_the_version_then_in_effect(index, as_of, rule):
    text, answer = quotes(index, as_of)
    assert rule in text
    assert not any(other in text for other in ("committee chair", "building manager", "facilities office")
                   if other != rule)
    cited = answer.citations[0].version
    assert cited is not None and cited.doc_id == "parking"
    assert answer.versions == [cited] and answer.as_of == as_of
    expected = next(v for v in index.data.versions("parking")
                    if any(rule in c.text for c in index.store.get(v.chunk_ids)))
    assert cited.version == expected.content_hash[:12]
    assert cited.current == (rule == "facilities office")


def test_before_the_first_version_nothing_is_in_effect(index):
    text, answer = quotes(index, "2023-12-31")
    assert text == "" and not answer.answerable


def test_a_bad_date_says_how_to_write_it():
    with pytest.raises(ConfigurationError, match="YYYY-MM-DD"):
        parse_as_of("1 March")


def test_versions_beyond_the_setting_are_dropped_with_their_chunks(tmp_path):
    settings = make_settings(tmp_path / "data")
    settings.ingest.max_versions = 2
    index = open_index(settings)
    folder = tmp_path / "p"
    folder.mkdir()
    for effective in RULES:
        (folder / "parking.txt").write_text(policy(effective), encoding="utf-8")
        sync(index, [folder])
    versions = index.data.versions("parking")
    assert [v.effective_from for v in versions] == ["2024-09-01", "2024-06-01"]
    texts = " ".join(c.text for c in index.store.get(index.store.ids()))
    assert "committee chair" not in texts and "building manager" in texts
    index.close()


def test_removing_a_document_removes_every_version_and_recovery_keeps_superseded_chunks(index):
    index.manifest.begin({"pid": 0})  # as if an ingest had died: recovery checks the store
    assert recover(index) == []
    assert len(index.store.ids()) == len(index.data.referenced_ids())
    remove_documents(index, ["parking"])
    assert index.store.ids() == [] and index.data.versions("parking") == []


@pytest.mark.parametrize(("text", "day"), [
    ("Effective Date: 03/01/2024", "2024-03-01"), ("REVIEW DATE: 02/07/2024; selected revision", "2024-02-07"),
    ("Last Review Date: 11/2023", "2023-11-01"), ("Effective March 1, 2024", "2024-03-01"),
    ("Date of Origin: 05/2010 Last Review Date: 09/2024 Effective Date: 10/2024", "2024-10-01"),
    ("No date is printed here.", None)])
def test_the_effective_date_a_text_states(text, day):
    assert stated_effective_date(text) == day
