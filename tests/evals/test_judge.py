"""LLM-judged faithfulness with a queued fake chat model: mean and spread over runs."""

from __future__ import annotations

import pytest

from evals.judge import judge_faithfulness, judge_messages, parse_score
from rag.types import Answer, Citation
from tests.fake_chat import FakeChatModel

pytestmark = pytest.mark.unit


def answered(text: str) -> Answer:
    cite = Citation(
        id=1, chunk_id="c1", doc_id="d", title="Label", quote="1 mg/kg", text="The dose is 1 mg/kg."
    )
    return Answer(
        question="dose?",
        answer=text,
        answerable=True,
        citations=[cite],
        mode="llm",
        corpus_version="v",
    )


def test_three_runs_give_mean_and_spread_and_skip_unanswered():
    answers = {
        "a": answered("1 mg/kg [1]"),
        "b": answered("2 mg/kg [1]"),
        "c": Answer(question="x", answer="no", answerable=False, mode="llm", corpus_version="v"),
    }
    chat = FakeChatModel(
        replies=[
            '{"score": 1.0}',
            '{"score": 0.0}',
            '```json\n{"score": 0.8, "unsupported": []}\n```',
            '{"score": 0.2}',
            "not json",
            '{"score": 7}',
        ]
    )
    summary = judge_faithfulness(chat, answers, runs=3)
    assert len(chat.calls) == 6  # 2 answered items x 3 runs; the abstention is not judged
    assert summary.runs == [0.5, 0.5, 1.0]
    assert summary.mean == pytest.approx(2 / 3) and summary.stdev == pytest.approx(
        0.288675, abs=1e-5
    )
    assert summary.per_item["a"] == [1.0, 0.8, None] and summary.failed_calls == 1


def test_the_judge_sees_the_cited_passages_and_the_answer():
    system, user = judge_messages(answered("1 mg/kg [1]"))
    assert "faithfulness" in system[1] and "[1] Label\nThe dose is 1 mg/kg." in user[1]
    assert parse_score('{"score": -1}') == 0.0
