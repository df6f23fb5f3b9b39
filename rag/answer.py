"""The Answerer: retrieve, then generate (extractive or llm), then verify; as one Answer (`ask`)
or as typed events (`stream`: contexts, the answer text as the model writes it, the answer).

Both go through one pipeline, so messages, error mapping and the extractive fallback live once:
when the LLM backend fails, the error carries the extractive answer from the same retrieval.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator

from langchain_core.language_models import BaseChatModel

from rag.abstention.rules import Evidence, assess
from rag.criteria.check import check_request, compose
from rag.criteria.judges import LeafJudge, LLMJudge, RuleJudge
from rag.criteria.select import Selection, select_tree
from rag.criteria.tree import VERDICT_OF, PolicyCriteria, annotate, leaves
from rag.errors import ConfigurationError, LLMError
from rag.extractive import NO_VERDICT_NOTE, extractive_draft, quote_policy
from rag.index import Index
from rag.llm import generate, make_chat_model, model_name, stream_reply
from rag.prompts import CRITERIA_PROMPT_VERSION, PROMPT_VERSION
from rag.questions import is_coverage_request, is_necessity_question
from rag.quotes import quote_similarity
from rag.reply_stream import AnswerTextStream
from rag.retrieve import Retrieval, Retriever
from rag.types import (
    Answer,
    AnswerEvent,
    AnswerMode,
    Context,
    ContextsEvent,
    DocumentRecord,
    Filters,
    StreamEvent,
    Timings,
    TokenEvent,
    new_answer_id,
)
from rag.verify import Draft, verify
from rag.versions.select import stamp_versions

log = logging.getLogger(__name__)


class Answerer:
    """Answers questions from one index. Models load once; `ask` and `stream` are safe to call
    concurrently."""

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

    # ------------------------------------------------------------------ the two entry points
    def ask(self, question: str, *, top_k: int | None = None, filters: Filters | None = None,
            mode: AnswerMode | None = None, llm: str | None = None) -> Answer:
        """The verified answer (llm mode: one call to the model, not streamed)."""
        for event in self._events(question, top_k, filters, mode, llm, tokens=False):
            if isinstance(event, AnswerEvent):
                return event.answer
        raise AssertionError("the event pipeline always ends with an AnswerEvent")  # pragma: no cover

    def stream(self, question: str, *, top_k: int | None = None, filters: Filters | None = None,
               mode: AnswerMode | None = None, llm: str | None = None) -> Iterator[StreamEvent]:
        """`ContextsEvent` first; in llm mode a `TokenEvent` per piece of the answer text as the
        model writes it; then the `AnswerEvent` with the verified answer. The model is called
        once: its streamed reply is what gets verified. Errors are raised (after the events
        already yielded); an `LLMError` carries the extractive evidence."""
        return self._events(question, top_k, filters, mode, llm, tokens=True)

    def _events(self, question: str, top_k: int | None, filters: Filters | None,
                mode: AnswerMode | None, llm: str | None, tokens: bool) -> Iterator[StreamEvent]:
        started = time.perf_counter()
        retrieval = self.retrieve(question, top_k, filters)
        retrieved = time.perf_counter()
        mode = mode or ("llm" if llm else self.default_mode())
        yield ContextsEvent(contexts=contexts(retrieval))
        reply = None
        selection = self.select_tree(retrieval)
        if tokens and mode == "llm" and selection.policy is None and self.evidence(retrieval).sufficient:
            pieces: list[str] = []
            decoder = AnswerTextStream()
            chunks = [h.chunk for h in retrieval.hits]
            with self._evidence_on_failure(retrieval):
                for piece in stream_reply(self._require_chat(llm), retrieval.query, chunks):
                    pieces.append(piece)
                    if delta := decoder.feed(piece):
                        yield TokenEvent(text=delta)
            reply = "".join(pieces)
        answer = self._answer(retrieval, mode, llm, reply, selection)
        answer.timings_ms = timings(started, retrieved, time.perf_counter())
        yield AnswerEvent(answer=answer)

    # ------------------------------------------------------------------ from a retrieval
    def evidence(self, retrieval: Retrieval) -> Evidence:
        """Whether the retrieved evidence is strong enough to answer at all."""
        cfg = self.index.settings.retrieval
        return assess(retrieval, cfg.abstain_min_similarity, cfg.abstain_min_coverage, cfg.abstain_vouch_relevance)

    def answer(self, retrieval: Retrieval, *, mode: AnswerMode, llm: str | None = None,
               reply: str | None = None) -> Answer:
        """Generate and verify an answer from a finished retrieval (and its snapshot). In llm
        mode, `reply` is the model's reply when it was already produced (streamed) for it."""
        return self._answer(retrieval, mode, llm, reply, self.select_tree(retrieval))

    def select_tree(self, retrieval: Retrieval) -> Selection:
        """The criteria tree a medical-necessity question is checked against, from the policies
        of the retrieval's snapshot (within its filters), or why none applies."""
        if not is_coverage_request(retrieval.query):
            return Selection(None, None, "not a medical-necessity question or coverage request")
        records = [r for r in retrieval.snapshot.data.documents.values() if r.criteria and _allowed(r, retrieval)]
        return select_tree(retrieval.query, records, retrieval.snapshot.lexical.abbreviations, population_met)

    def _answer(self, retrieval: Retrieval, mode: AnswerMode, llm: str | None, reply: str | None,
                selection: Selection) -> Answer:
        base = self._base(retrieval, mode)
        if selection.policy is not None and selection.record is not None:
            answer = self._tree_answer(base, retrieval, selection, mode, llm)
        else:
            answer = self._passages_answer(base, retrieval, mode, llm, reply)
            if selection.candidates:  # a policy covers the drug, but none of its trees fits: say so
                answer.answer += f"\n\nNo coverage criteria tree applies: {selection.why}."
        # every answer (streamed, asked, or an LLM failure's evidence) names the versions it used
        as_of = retrieval.filters.as_of if retrieval.filters else None
        return stamp_versions(answer, retrieval.snapshot.data, as_of)

    def _passages_answer(self, base: Answer, retrieval: Retrieval, mode: AnswerMode, llm: str | None,
                         reply: str | None) -> Answer:
        """The answer from the retrieved passages (no criteria tree applies)."""
        evidence = self.evidence(retrieval)
        if not evidence.sufficient:
            return self._abstain(base, evidence)
        if mode == "extractive":
            reranker = self.retriever.reranker
            policy = quote_policy(retrieval.query, reranker is not None)
            similarity = quote_similarity(self.index.store, self.index.embedder, retrieval.query,
                                          [h.chunk for h in retrieval.hits]) if policy.dense_weight else None
            draft = extractive_draft(retrieval, similarity, policy, reranker)
            return self._finish(base, draft, True, retrieval, evidence, mode)
        chat = self._require_chat(llm)
        base.model, base.prompt_version = model_name(chat), PROMPT_VERSION
        with self._evidence_on_failure(retrieval):
            draft = generate(chat, retrieval.query, [h.chunk for h in retrieval.hits], reply=reply)
        return self._finish(base, draft, draft.answerable, retrieval, evidence, mode)

    def _tree_answer(self, base: Answer, retrieval: Retrieval, selection: Selection, mode: AnswerMode,
                     llm: str | None) -> Answer:
        """The answer from a policy's criteria tree: the model (llm mode) only judges single
        criteria; the verdict follows from the tree. Extractive mode checks what exact rules can."""
        record, policy = selection.record, selection.policy
        assert record is not None and policy is not None
        judges: list[LeafJudge] = [RuleJudge()]
        if mode == "llm":
            chat = self._require_chat(llm)
            judges.insert(0, LLMJudge(chat, record.meta.title, policy.indication, policy.line))
            base.model, base.prompt_version = model_name(chat), CRITERIA_PROMPT_VERSION
        chunks = self.index.store.get(record.chunk_ids)
        with self._evidence_on_failure(retrieval):
            check = check_request(retrieval.query, record, policy, selection.why, judges, chunks)
        verdict = VERDICT_OF[check.result.result] if mode == "llm" else None
        text = compose(check, verdict_given=mode == "llm")
        if mode == "extractive":
            text = f"{text}\n\n{NO_VERDICT_NOTE}"
        return base.model_copy(update={
            "answer": text, "answerable": True, "verdict": verdict, "criteria": check.criteria,
            "missing_information": check.missing_information, "citations": check.citations,
            "dropped_citations": check.dropped, "criteria_tree": check.result,
        })

    def _require_chat(self, llm: str | None) -> BaseChatModel:
        chat = self.chat_model(llm)
        if chat is None:
            raise ConfigurationError("mode 'llm' needs an LLM: set GUIDEQA_LLM or pass --llm.")
        return chat

    @contextlib.contextmanager
    def _evidence_on_failure(self, retrieval: Retrieval) -> Iterator[None]:
        """An LLM failure leaves with the extractive answer from the same retrieval."""
        try:
            yield
        except LLMError as exc:
            exc.evidence = self.answer(retrieval, mode="extractive")
            raise

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
        return Answer(answer_id=new_answer_id(), question=retrieval.question, answer="", answerable=False,
                      contexts=contexts(retrieval), mode=mode,
                      corpus_version=retrieval.corpus_version)

    def _abstain(self, base: Answer, evidence: Evidence, reason: str | None = None) -> Answer:
        closest: list[str] = []
        for ctx in base.contexts:
            if ctx.title not in closest:
                closest.append(ctx.title)
        why = reason or evidence.reason
        text = f"The corpus does not cover this question ({why})."
        if closest:
            text += " Closest documents: " + "; ".join(closest[:3]) + "."
        return base.model_copy(update={"answer": text, "answerable": False, "verdict": None})


def _allowed(record: DocumentRecord, retrieval: Retrieval) -> bool:
    filters = retrieval.filters
    if filters is None:
        return True
    if filters.doc_ids and record.doc_id not in filters.doc_ids:
        return False
    return not (filters.doc_types and record.meta.doc_type not in filters.doc_types)


def population_met(policy: PolicyCriteria, question: str) -> bool:
    """Does the request meet a population section ("Patients less than 19 years of age") by the
    exact rules alone?"""
    tree = policy.tree.model_copy(deep=True)
    judged = RuleJudge().judge(question, tree)
    for position, leaf in enumerate(leaves(tree)):
        leaf.status = judged[position].status if position in judged else "unknown"
    return annotate(tree) == "met"


def contexts(retrieval: Retrieval) -> list[Context]:
    """The retrieved chunks, in rank order, as the answer's `contexts`."""
    return [
        Context(chunk_id=h.chunk.chunk_id, doc_id=h.chunk.doc_id, title=h.chunk.title,
                page=h.chunk.page_start, score=round(h.score, 6),
                relevance=None if h.relevance is None else round(h.relevance, 4), text=h.chunk.text)
        for h in retrieval.hits
    ]


def timings(started: float, retrieved: float, done: float) -> Timings:
    """Milliseconds spent retrieving, generating and in all, from perf_counter() readings."""
    return Timings(retrieve=round((retrieved - started) * 1000, 2),
                   generate=round((done - retrieved) * 1000, 2),
                   total=round((done - started) * 1000, 2))
