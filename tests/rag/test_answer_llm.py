"""The llm answer mode with a deterministic fake chat model: wiring, verification, failures."""

from __future__ import annotations

import json

import pytest

from rag.answer import Answerer
from rag.errors import LLMOutputError, LLMUnavailableError
from rag.prompts import PROMPT_VERSION
from tests.fake_chat import FakeChatModel

pytestmark = pytest.mark.unit

QUESTION = ("Is luspatercept medically necessary for a patient with MDS, Hb 7.4 and platelets 57,000 "
            "whose plan is azacitidine and then a transplant?")


def reply(answerer: Answerer, question: str, *, quote_from_context: bool = True, verdict="not_medically_necessary",
          extra_citations=()) -> str:
    hits = answerer.retrieve(question).hits
    first = hits[0].chunk.text.split(". ")[0][:120]
    citations = [{"id": 1, "source": 1, "quote": first if quote_from_context else "an invented sentence"}]
    citations += list(extra_citations)
    return json.dumps({
        "answerable": True, "answer": "The sources set narrow criteria [1]. They also say more [2].",
        "verdict": verdict,
        "criteria": [{"criterion": "ring sideroblasts documented", "status": "unknown", "citations": [1, 2]}],
        "missing_information": ["IPSS-R risk category"], "conflicts": [], "citations": citations})


def test_valid_reply_is_verified_and_carries_its_verdict(fake_index):
    chat = FakeChatModel()
    answerer = Answerer(fake_index, chat_model=chat)
    chat.replies.append(reply(answerer, QUESTION))
    answer = answerer.ask(QUESTION)
    assert answer.mode == "llm" and answer.model == "fake-chat" and answer.prompt_version == PROMPT_VERSION
    assert answer.answerable and answer.verdict == "not_medically_necessary"
    assert [c.id for c in answer.citations] == [1]
    assert answer.citations[0].quote in answer.citations[0].text
    assert "[2]" not in answer.answer  # no citation for [2]: marker removed
    assert answer.criteria[0].citations == [1]
    assert answer.missing_information == ["IPSS-R risk category"]
    assert answer.unsupported_sentences == ["They also say more."]
    assert len(chat.calls) == 1


def test_hallucinated_citations_are_dropped(fake_index):
    chat = FakeChatModel()
    answerer = Answerer(fake_index, chat_model=chat)
    chat.replies.append(reply(answerer, QUESTION, extra_citations=[
        {"id": 2, "source": 1, "quote": "luspatercept cures MDS in all patients"},
        {"id": 3, "source": 42, "quote": "anything"}]))
    answer = answerer.ask(QUESTION)
    assert [c.id for c in answer.citations] == [1]
    assert len(answer.dropped_citations) == 2


def test_no_valid_citation_means_not_answerable(fake_index):
    chat = FakeChatModel()
    answerer = Answerer(fake_index, chat_model=chat)
    chat.replies.append(reply(answerer, QUESTION, quote_from_context=False))
    answer = answerer.ask(QUESTION)
    assert not answer.answerable and answer.verdict is None and answer.citations == []
    assert answer.contexts  # the evidence is still listed


def test_verdict_only_for_medical_necessity_questions(fake_index):
    chat = FakeChatModel()
    answerer = Answerer(fake_index, chat_model=chat)
    question = "What is the starting dose of luspatercept?"
    chat.replies.append(reply(answerer, question, verdict="medically_necessary"))
    assert answerer.ask(question).verdict is None


def test_malformed_json_gets_one_repair_attempt(fake_index):
    chat = FakeChatModel()
    answerer = Answerer(fake_index, chat_model=chat)
    chat.replies += ["Sure! Here you go: {not json", "```json\n" + reply(answerer, QUESTION) + "\n```"]
    assert answerer.ask(QUESTION).answerable
    assert len(chat.calls) == 2 and "not valid JSON" in chat.calls[1][-1].content
    chat.replies += ["nope", "still nope"]
    with pytest.raises(LLMOutputError):
        answerer.ask(QUESTION)


def test_timeout_raises_unavailable_with_the_evidence(fake_index):
    chat = FakeChatModel(replies=[TimeoutError("read timed out")])
    answerer = Answerer(fake_index, chat_model=chat)
    with pytest.raises(LLMUnavailableError, match="GUIDEQA_LLM_TIMEOUT_S") as info:
        answerer.ask(QUESTION)
    evidence = info.value.evidence
    assert evidence.mode == "extractive" and evidence.citations and evidence.verdict is None


def test_extractive_mode_never_gives_a_verdict(fake_index):
    answer = Answerer(fake_index).ask(QUESTION)
    assert answer.mode == "extractive" and answer.verdict is None and answer.model is None
    assert "needs an LLM backend" in answer.answer
    for citation in answer.citations:
        assert citation.quote in citation.text
        assert f"\u201c{citation.quote}\u201d [{citation.id}]" in answer.answer
