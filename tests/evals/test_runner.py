"""run_eval in llm mode with a fake chat model: verdicts, confusion matrix, LLM errors, judge."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from evals.gold import DEFAULT_GOLD, load_gold
from evals.judge import judge_faithfulness
from evals.runner import run_eval
from rag.embeddings import HashEmbedder
from rag.index import Index
from rag.store import InMemoryStore
from tests.conftest import make_settings

pytestmark = pytest.mark.unit

_SOURCE = re.compile(r"<source [^>]*>\n(.*?)\n</source>", re.DOTALL)


class SourceQuotingChat(BaseChatModel):
    """Answers from source 1 (quoting its opening words) with a fixed verdict; scores 0.9 as a
    judge; raises a timeout when the question contains `fail_on`."""

    verdict: str = "medically_necessary"
    fail_on: str = "\x00"
    model_name: str = "fake-quoting"

    @property
    def _llm_type(self) -> str:
        return "fake-quoting"

    def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:
        system, user = str(messages[0].content), str(messages[-1].content)
        if "faithfulness" in system:
            reply = '{"score": 0.9}'
        elif self.fail_on in user:
            raise TimeoutError("the fake backend timed out")
        else:
            quote = " ".join(_SOURCE.search(user).group(1).split()[:8])
            reply = json.dumps({"answerable": True, "answer": "Per the source [1].",
                                "verdict": self.verdict,
                                "citations": [{"id": 1, "source": 1, "quote": quote}]})
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=reply))])


def test_llm_mode_scores_verdicts_records_errors_and_judges(tmp_path):
    items = {i.id: i for i in load_gold(DEFAULT_GOLD)}
    gold = [items[i] for i in ("vignette-met-01", "vignette-notmet-01", "lusp-dose-01")]
    index = Index(make_settings(tmp_path / "data"), HashEmbedder(), store=InMemoryStore())
    chat = SourceQuotingChat(fail_on="starting dose and dosing interval")
    run = run_eval(index, gold, DEFAULT_GOLD, "llm", chat_model=chat)
    report = run.report()
    assert report.models.llm == "fake-quoting" and report.prompt_version
    assert report.corpus.ingest.added == 5 and report.gate is None
    by_id = {i.id: i for i in report.items}
    assert by_id["vignette-met-01"].scores.verdict_correct is True
    assert "verdict medically_necessary, expected not_medically_necessary" in (
        by_id["vignette-notmet-01"].failures)
    assert by_id["lusp-dose-01"].error.startswith("The LLM backend did not answer")
    assert report.metrics["answer.verdict_accuracy"] == 0.5
    assert report.metrics["errors"] == 1
    assert report.verdict_confusion == {
        "medically_necessary": {"medically_necessary": 1},
        "not_medically_necessary": {"medically_necessary": 1}}
    summary = judge_faithfulness(chat, run.answers, runs=3)
    assert summary.runs == [0.9, 0.9, 0.9] and summary.stdev == 0.0
    run.judge = summary
    data = json.loads(run.report().to_json())
    assert data["schema"] == 1 and data["judge"] == summary.model_dump()
    assert data["settings"]["retrieval"]["top_k"] and "api_key" not in data["settings"]["llm"]
