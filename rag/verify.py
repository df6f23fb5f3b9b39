"""Citation checks, for both answer modes.

Every draft citation must name a retrieved source and quote it: the quote must be found in that
chunk's text after Unicode (NFKC), whitespace and case normalisation. The stored quote is then the
exact verbatim span of the chunk. A failing citation is dropped and its inline markers removed;
sentences left without a marker are reported as unsupported.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from rag.types import Chunk, Citation, Conflict, Criterion

_MARKER = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(\[•*-])|\n+")
_EDGE_JUNK = " \t\n\"'“”‘’…."


class DraftCitation(BaseModel):
    id: int = Field(description="The marker number used in the answer text, e.g. 2 for [2].")
    source: int = Field(description="The number of the source the quote comes from.")
    quote: str = Field(description="A verbatim sentence or phrase copied from that source.")


class Draft(BaseModel):
    """An unverified answer, from the extractive answerer or parsed from an LLM."""

    answer: str = ""
    verdict: str | None = None
    criteria: list[Criterion] = Field(default_factory=list)
    missing_information: list[str] = Field(default_factory=list)
    conflicts: list[Conflict] = Field(default_factory=list)
    citations: list[DraftCitation] = Field(default_factory=list)


@dataclass
class Verified:
    answer: str
    citations: list[Citation]
    criteria: list[Criterion]
    conflicts: list[Conflict]
    dropped: list[str] = field(default_factory=list)  # why each dropped citation failed
    unsupported: list[str] = field(default_factory=list)


def _norm_with_map(text: str) -> tuple[str, list[int]]:
    """Normalised text (NFKC, case-folded, whitespace runs -> one space) and, for each of its
    characters, the index of the original character it came from."""
    out: list[str] = []
    index: list[int] = []
    prev_space = True
    for i, ch in enumerate(text):
        for piece in unicodedata.normalize("NFKC", ch).casefold():
            if piece.isspace():
                if prev_space:
                    continue
                piece, prev_space = " ", True
            else:
                prev_space = False
            out.append(piece)
            index.append(i)
    while out and out[-1] == " ":
        out.pop()
        index.pop()
    return "".join(out), index


def normalize(text: str) -> str:
    return _norm_with_map(text)[0]


def locate(quote: str, text: str) -> tuple[int, int] | None:
    """The span of `text` that `quote` matches after normalisation, or None."""
    haystack, index = _norm_with_map(text)
    for candidate in (quote.strip(), quote.strip(_EDGE_JUNK)):  # as given, then without wrapping
        needle = normalize(candidate)
        if len(needle) < 3:
            continue
        at = haystack.find(needle)
        if at >= 0:
            return index[at], index[at + len(needle) - 1] + 1
    return None


def check_citation(draft: DraftCitation, sources: list[Chunk]) -> Citation | str:
    """A verified Citation, or the reason it fails."""
    if not 1 <= draft.source <= len(sources):
        return f"[{draft.id}] names source {draft.source}, which was not retrieved"
    chunk = sources[draft.source - 1]
    span = locate(draft.quote, chunk.text)
    if span is None:
        return f"[{draft.id}] quote not found in source {draft.source}: {draft.quote[:80]!r}"
    return Citation(
        id=draft.id, chunk_id=chunk.chunk_id, doc_id=chunk.doc_id, title=chunk.title,
        page=chunk.page_start, section=chunk.section, quote=chunk.text[span[0]:span[1]],
        text=chunk.text, ocr=chunk.ocr,
    )


def strip_markers(text: str, keep: set[int]) -> str:
    def fix(match: re.Match) -> str:
        ids = [int(n) for n in re.split(r"[,;]", match.group(1)) if int(n) in keep]
        return " " + "".join(f"[{n}]" for n in dict.fromkeys(ids)) if ids else ""

    return re.sub(r"[ \t]+([.,;:])", r"\1", _MARKER.sub(fix, text))


def _marker_ids(text: str) -> set[int]:
    return {int(n) for m in _MARKER.finditer(text) for n in re.split(r"[,;]", m.group(1))}


def unsupported_sentences(text: str, keep: set[int] | None = None) -> list[str]:
    """Sentences left without a valid marker: those whose markers were all dropped, and
    marker-less claims (headings ending in ':' and short fragments are not claims)."""
    out = []
    for sentence in _SENTENCE_END.split(text):
        s = sentence.strip()
        ids = _marker_ids(s)
        if ids and keep is not None and not ids & keep:
            out.append(strip_markers(s, set()).strip())
        elif not ids and len(s) > 20 and not s.endswith(":"):
            out.append(s)
    return out


def verify(draft: Draft, sources: list[Chunk]) -> Verified:
    citations: dict[int, Citation] = {}
    dropped: list[str] = []
    for item in draft.citations:
        if item.id in citations:
            continue  # one quote per marker: the first valid one
        result = check_citation(item, sources)
        if isinstance(result, str):
            dropped.append(result)
        else:
            citations[item.id] = result
    keep = set(citations)
    answer = strip_markers(draft.answer, keep)
    criteria = [c.model_copy(update={"citations": [i for i in c.citations if i in keep]})
                for c in draft.criteria]
    conflicts = [c.model_copy(update={"citations": [i for i in c.citations if i in keep]})
                 for c in draft.conflicts]
    cited_in_text = _marker_ids(answer)
    ordered = [citations[i] for i in sorted(keep) if i in cited_in_text or _used(i, criteria, conflicts)]
    unsupported = unsupported_sentences(draft.answer, keep)
    return Verified(answer, ordered, criteria, conflicts, dropped, unsupported)


def _used(cid: int, criteria: list[Criterion], conflicts: list[Conflict]) -> bool:
    return any(cid in c.citations for c in criteria) or any(cid in c.citations for c in conflicts)
