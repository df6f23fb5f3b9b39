"""Fixtures of the coverage-criteria API tests: the two payer policies as a corpus, the app over
it in extractive mode, and the app with a FakeChatModel as its LLM."""

from __future__ import annotations

import pytest

from tests.criteria_fixtures import policy_corpus
from tests.fake_chat import FakeChatModel


@pytest.fixture
def corpus(tmp_path):
    return policy_corpus(tmp_path / "policies")


@pytest.fixture
def client(make_client, corpus):
    return make_client(corpus_dir=corpus)


@pytest.fixture
def llm_client(make_client, corpus):
    """(client, chat): the app with a FakeChatModel as its LLM (default mode llm)."""
    chat = FakeChatModel()
    return make_client(chat_model=chat, corpus_dir=corpus), chat
