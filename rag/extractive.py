"""The no-LLM answerer: verbatim sentences that best answer the question, each with its citation.

It never states a verdict: no model that runs offline here can be trusted with one. Sentences are
scored by the IDF-weighted overlap of their words with the (abbreviation-expanded) question, a
prior from the chunk's retrieval rank, and, for medical-necessity questions, cue words of
criteria, requirements and warnings; near-duplicates are dropped and the rest grouped by document.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from rag.lexical import tokenize
from rag.questions import CRITERIA_SECTIONS, is_necessity_question
from rag.retrieve import Retrieval
from rag.sentences import split_sentences
from rag.verify import Draft, DraftCitation

NO_VERDICT_NOTE = (
    "Evidence only: these are verbatim passages from the corpus. A medical-necessity verdict "
    "needs an LLM backend (set GUIDEQA_LLM, e.g. openai:gpt-4o-mini)."
)
_CUES = re.compile(
    r"\b(indicat\w*|approv\w*|criteri\w*|requir\w*|only|not|should|must|recommend\w*|"
    r"eligib\w*|contraindicat\w*|missing|lack\w*|failure|refractory|higher-risk|prefer\w*)\b",
    re.IGNORECASE,
)


LIST_QUOTE_CHARS = 500
FLOOR_SHARE = 0.35
"""A sentence scoring under this share of the best one is not quoted."""
_LIST_ITEM = re.compile(r"\s*(?:[-*•◦▪–]|\d{1,2}[.)]|\(?[a-z]\))\s+")


@dataclass
class Candidate:
    source: int  # 1-based rank of the chunk among the retrieved
    doc_id: str
    start: int
    end: int
    text: str
    tokens: frozenset[str]
    score: float


def _is_statement(text: str, section: str | None) -> bool:
    """Evidence is a statement: not a heading, not a question, not a fragment."""
    words = text.split()
    if len(text) < 25 or len(words) < 4 or text.endswith("?"):
        return False
    if section and text.strip("#*: ").lower() == section.split(" > ")[-1].strip("#*: ").lower():
        return False
    return not (len(words) <= 10 and text[-1].isalnum() and "\n" not in text and text.istitle())


def _score(tokens: list[str], weights: dict[str, float], rank: int) -> float:
    if not tokens:
        return 0.0
    overlap = sum(weights.get(t, 0.0) for t in set(tokens))
    return overlap / math.sqrt(max(8, len(tokens))) + 0.6 / (1 + rank)


def candidates(retrieval: Retrieval) -> list[Candidate]:
    """Every statement sentence of the retrieved chunks, scored; word weights come from the
    lexical index of the retrieval's own snapshot."""
    terms = set(tokenize(retrieval.expanded))
    lexical = retrieval.snapshot.lexical
    weights = {t: lexical.idf(t) for t in terms}
    necessity = is_necessity_question(retrieval.query)
    out = []
    for rank, hit in enumerate(retrieval.hits):
        chunk = hit.chunk
        section_bonus = 0.4 if necessity and CRITERIA_SECTIONS.search(chunk.section or "") else 0.0
        for start, end in _with_lists(chunk.text, split_sentences(chunk.text)):
            text = chunk.text[start:end].strip()
            if not _is_statement(text, chunk.section):
                continue
            tokens = tokenize(text)
            score = _score(tokens, weights, rank) + section_bonus
            if necessity:
                score += 0.15 * min(3, len(_CUES.findall(text)))
            out.append(Candidate(rank + 1, chunk.doc_id, start, end, text, frozenset(tokens), score))
    return out


def _with_lists(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sentences, a lead-in ("... is approved to treat:") quoted with the list items that
    follow it (up to LIST_QUOTE_CHARS), since alone it answers nothing."""
    out = []
    for i, (start, end) in enumerate(spans):
        if text[start:end].rstrip().endswith(":"):
            j = i + 1
            while j < len(spans) and _LIST_ITEM.match(text[spans[j][0]:spans[j][1]]) \
                    and spans[j][1] - start <= LIST_QUOTE_CHARS:
                end, j = spans[j][1], j + 1
        out.append((start, end))
    return out


def _near_duplicate(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return False
    return len(a & b) / len(a | b) >= 0.6


def select(cands: list[Candidate], max_sentences: int, per_source: int = 2,
           doc_share: float = 0.7) -> list[Candidate]:
    """The best sentences: at most `per_source` per chunk, and one document takes at most
    `doc_share` of them while other documents have candidates (corroboration helps a reviewer)."""
    chosen: list[Candidate] = []
    per: dict[int, int] = {}
    per_doc: dict[str, int] = {}
    doc_cap = max(1, int(max_sentences * doc_share))
    several_docs = len({c.doc_id for c in cands}) > 1
    floor = FLOOR_SHARE * max((c.score for c in cands), default=0.0)
    for cand in sorted(cands, key=lambda c: (-c.score, c.source, c.start)):
        if len(chosen) == max_sentences or cand.score < floor:
            break
        if per.get(cand.source, 0) >= per_source:
            continue
        if several_docs and per_doc.get(cand.doc_id, 0) >= doc_cap:
            continue
        if any(_near_duplicate(cand.tokens, c.tokens) for c in chosen):
            continue
        chosen.append(cand)
        per[cand.source] = per.get(cand.source, 0) + 1
        per_doc[cand.doc_id] = per_doc.get(cand.doc_id, 0) + 1
    return chosen


def extractive_draft(retrieval: Retrieval, max_sentences: int | None = None) -> Draft:
    """Verbatim sentences grouped by document, every one cited; no verdict."""
    if max_sentences is None:  # criteria, gaps and warnings need room
        max_sentences = 10 if is_necessity_question(retrieval.query) else 8
    chosen = select(candidates(retrieval), max_sentences)
    if not chosen:
        return Draft(answer="")
    by_doc: dict[str, list[Candidate]] = {}
    for cand in chosen:  # documents ordered by their best sentence
        by_doc.setdefault(retrieval.hits[cand.source - 1].chunk.doc_id, []).append(cand)
    paragraphs, citations, next_id = [], [], 1
    for group in by_doc.values():
        title = retrieval.hits[group[0].source - 1].chunk.title
        quoted = []
        for cand in sorted(group, key=lambda c: (c.source, c.start)):
            quoted.append(f"\u201c{cand.text}\u201d [{next_id}]")
            citations.append(DraftCitation(id=next_id, source=cand.source, quote=cand.text))
            next_id += 1
        paragraphs.append(f"{title}:\n" + "\n".join(quoted))
    return Draft(answer="\n\n".join(paragraphs), citations=citations)
