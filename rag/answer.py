"""ask(): retrieve, then generate (extractive or llm), then verify, and return an Answer."""

from __future__ import annotations

import logging
import time

from langchain_core.language_models import BaseChatModel

from rag.abstain import Evidence, assess
from rag.errors import ConfigurationError, LLMUnavailableError
from rag.extractive import NO_VERDICT_NOTE, extractive_draft
from rag.index import Index
from rag.llm import generate, make_chat_model, model_name
from rag.prompts import PROMPT_VERSION
from rag.questions import is_necessity_question
from rag.retrieve import Retrieval, Retriever
from rag.types import Answer, AnswerMode, Context, Filters, Timings
from rag.verify import Draft, verify

log = logging.getLogger(__name__)


class Answerer:
    """Answers questions from one index. Models load once; `ask` is safe to call concurrently."""

    def __init__(self, index: Index, chat_model: BaseChatModel | None = None) -> None:
        self.index = index
        self.retriever = Retriever(index)
        self._chat = chat_model
        self._chats: dict[str, BaseChatModel] = {}

    def chat_model(self, spec: str | None = None) -> BaseChatModel | None:
        if spec is None and self._chat is not None:
            return self._chat
        spec = spec or self.index.settings.llm.spec
        if not spec:
            return None
        if spec not in self._chats:
            self._chats[spec] = make_chat_model(self.index.settings.llm, spec)
        return self._chats[spec]

    def default_mode(self) -> AnswerMode:
        return "llm" if self._chat is not None or self.index.settings.llm.spec else "extractive"

    def retrieve(self, question: str, top_k: int | None = None, filters: Filters | None = None) -> Retrieval:
        return self.retriever.retrieve(question, top_k, filters)

    def ask(self, question: str, *, top_k: int | None = None, filters: Filters | None = None,
            mode: AnswerMode | None = None, llm: str | None = None) -> Answer:
        started = time.perf_counter()
        retrieval = self.retrieve(question, top_k, filters)
        retrieved = time.perf_counter()
        mode = mode or ("llm" if llm else self.default_mode())
        answer = self.answer(retrieval, mode=mode, llm=llm)
        done = time.perf_counter()
        answer.timings_ms = timings(started, retrieved, done)
        return answer

    def evidence(self, retrieval: Retrieval) -> Evidence:
        """Whether the retrieved evidence is strong enough to answer at all."""
        cfg = self.index.settings.retrieval
        return assess(retrieval, cfg.abstain_min_similarity, cfg.abstain_min_coverage)

    def answer(self, retrieval: Retrieval, *, mode: AnswerMode, llm: str | None = None,
               reply: str | None = None) -> Answer:
        """Generate and verify an answer from a finished retrieval. In llm mode, `reply` is the
        model's reply when it was already produced (streamed) for this retrieval."""
        _, lexical = self.index.snapshot()
        evidence = self.evidence(retrieval)
        base = self._base(retrieval, mode)
        if not evidence.sufficient:
            return self._abstain(base, evidence)
        chunks = [h.chunk for h in retrieval.hits]
        if mode == "extractive":
            draft, answerable = extractive_draft(retrieval, lexical), True
        else:
            chat = self.chat_model(llm)
            if chat is None:
                raise ConfigurationError("mode 'llm' needs an LLM: set GUIDEQA_LLM or pass --llm.")
            base.model, base.prompt_version = model_name(chat), PROMPT_VERSION
            try:
                llm_draft = generate(chat, retrieval.query, chunks, reply=reply)
            except LLMUnavailableError as exc:
                exc.evidence = self.answer(retrieval, mode="extractive")  # type: ignore[attr-defined]
                raise
            draft, answerable = llm_draft, llm_draft.answerable
        return self._finish(base, draft, answerable, retrieval, evidence, mode)

    def _finish(self, base: Answer, draft: Draft, answerable: bool, retrieval: Retrieval,
                evidence: Evidence, mode: AnswerMode) -> Answer:
        checked = verify(draft, [h.chunk for h in retrieval.hits])
        if checked.dropped:
            log.info("verifier dropped %d citation(s): %s", len(checked.dropped), checked.dropped)
        if not checked.citations:
            return self._abstain(base, evidence, reason="no statement could be tied to a passage")
        text = checked.answer
        verdict = draft.verdict if mode == "llm" and is_necessity_question(base.question) else None
        if mode == "extractive":
            text = f"{text}\n\n{NO_VERDICT_NOTE}"
        return base.model_copy(update={
            "answer": text, "answerable": answerable, "verdict": verdict if answerable else None,
            "criteria": checked.criteria, "missing_information": draft.missing_information,
            "conflicts": checked.conflicts, "citations": checked.citations,
            "unsupported_sentences": checked.unsupported if mode == "llm" else [],
            "dropped_citations": checked.dropped,
        })

    def _base(self, retrieval: Retrieval, mode: AnswerMode) -> Answer:
        return Answer(question=retrieval.query, answer="", answerable=False,
                      contexts=contexts(retrieval), mode=mode,
                      corpus_version=retrieval.corpus_version)

    def _abstain(self, base: Answer, evidence: Evidence, reason: str | None = None) -> Answer:
        closest = []
        for ctx in base.contexts:
            if ctx.title not in closest:
                closest.append(ctx.title)
        why = reason or evidence.reason
        text = f"The corpus does not cover this question ({why})."
        if closest:
            text += " Closest documents: " + "; ".join(closest[:3]) + "."
        return base.model_copy(update={"answer": text, "answerable": False, "verdict": None})


def contexts(retrieval: Retrieval) -> list[Context]:
    """The retrieved chunks, in rank order, as the answer's `contexts`."""
    return [
        Context(chunk_id=h.chunk.chunk_id, doc_id=h.chunk.doc_id, title=h.chunk.title,
                page=h.chunk.page_start, score=round(h.score, 6), text=h.chunk.text)
        for h in retrieval.hits
    ]


def timings(started: float, retrieved: float, done: float) -> Timings:
    """Milliseconds spent retrieving, generating and in all, from perf_counter() readings."""
    return Timings(retrieve=round((retrieved - started) * 1000, 2),
                   generate=round((done - retrieved) * 1000, 2),
                   total=round((done - started) * 1000, 2))
