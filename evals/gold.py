"""Gold Q&A: load and validate the JSONL file, and check its quotes against the current corpus.

One item per line::

    {"id": "lusp-dose-01", "question": "...", "answerable": true, "verdict": null,
     "facts": [["1 mg/kg", "1.0 mg/kg"], ["subcutaneous"]],
     "evidence": [{"doc_id": "luspatercept-drug-information", "quote": "..."}]}

Every inner list of `facts` is one fact, satisfied when any of its strings appears in the answer;
`evidence` quotes are verbatim spans of the named documents (compared after `rag.verify.normalize`).
"""

from __future__ import annotations

import difflib
import json
import logging
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from rag.errors import GuideQAError, IngestError
from rag.sentences import split_sentences
from rag.settings import IngestSettings
from rag.types import Verdict
from rag.verify import normalize

log = logging.getLogger(__name__)

DEFAULT_GOLD = Path(__file__).resolve().parent / "gold" / "corpus.jsonl"


class GoldError(GuideQAError):
    """A gold file line that cannot be used; names the file, the line and the field."""

    def __init__(self, file: Path | str, line: int, field: str, problem: str) -> None:
        self.file, self.line, self.field, self.problem = str(file), line, field, problem
        super().__init__(
            f"{file}:{line}: field '{field}': {problem}. Fix that line of the gold file "
            f"(format: see evals/gold.py)."
        )


class Evidence(BaseModel):
    model_config = ConfigDict(extra="forbid")

    doc_id: str = Field(min_length=1, description="The corpus document (file stem) quoted.")
    quote: str = Field(min_length=3, description="A verbatim span of that document.")


class GoldItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, description="Unique id of the item.")
    question: str = Field(min_length=3, description="The question asked.")
    answerable: bool = Field(description="False when the corpus does not cover the question.")
    verdict: Verdict | None = Field(default=None, description="Expected verdict (llm mode).")
    facts: list[list[str]] = Field(
        default_factory=list, description="Each inner list is one fact: any of its strings counts."
    )
    evidence: list[Evidence] = Field(default_factory=list, description="Verbatim gold quotes.")

    @field_validator("facts")
    @classmethod
    def _facts_not_empty(cls, facts: list[list[str]]) -> list[list[str]]:
        for alternatives in facts:
            if not alternatives or not all(a.strip() for a in alternatives):
                raise ValueError("every fact needs at least one non-empty string")
        return facts

    @property
    def doc_ids(self) -> list[str]:
        return list(dict.fromkeys(e.doc_id for e in self.evidence))


G = TypeVar("G", bound=GoldItem)


def load_gold(path: Path) -> list[GoldItem]:
    """Every item of a gold JSONL file; blank lines are skipped. Raises GoldError."""
    return load_items(path, GoldItem)


def load_items(path: Path, model: type[G]) -> list[G]:
    """Every line of a gold JSONL file as a `model` (GoldItem or a subclass adding fields)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(path, 0, "-", f"cannot read the file ({exc})") from exc
    items: list[G] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        item = _parse_line(path, number, line, model)
        if item.id in seen:
            raise GoldError(
                path, number, "id", f"duplicate id {item.id!r} (first on line {seen[item.id]})"
            )
        seen[item.id] = number
        items.append(item)
    if not items:
        raise GoldError(path, 0, "-", "the file holds no items")
    return items


def _parse_line(path: Path, number: int, line: str, model: type[G]) -> G:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise GoldError(
            path, number, "-", f"not valid JSON ({exc.msg} at column {exc.colno})"
        ) from exc
    if not isinstance(data, dict):
        raise GoldError(path, number, "-", "not a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "-"
        raise GoldError(path, number, field, first["msg"]) from exc


# ---------------------------------------------------------------- checking against the corpus


class StaleQuote(BaseModel):
    """A gold quote no longer found verbatim in its document."""

    item_id: str
    doc_id: str
    quote: str
    reason: str = Field(description="'document missing' or 'quote not found'.")
    closest: str | None = Field(default=None, description="The most similar current passage.")
    similarity: float | None = Field(
        default=None, description="difflib ratio of that passage, 0-1."
    )


def corpus_texts(corpus_dir: Path, settings: IngestSettings) -> dict[str, str]:
    """doc_id -> normalised text of every readable document under `corpus_dir`, loaded and
    normalised exactly as ingestion does, so quotes are checked against what gets indexed."""
    from ingest.loaders import discover
    from ingest.pipeline import file_hash, prepare

    texts: dict[str, str] = {}
    files, _skipped = discover([corpus_dir])
    for path, root in files:
        try:
            document = prepare(path, root, settings, file_hash(path)).document
        except IngestError as exc:
            log.warning("check-gold: skipping %s: %s", path, exc)
            continue
        texts[document.doc_id] = document.text
    return texts


def check_gold(items: list[GoldItem], documents: dict[str, str]) -> list[StaleQuote]:
    """Gold quotes missing from their document, each with the closest current passage."""
    normalised = {doc_id: normalize(text) for doc_id, text in documents.items()}
    stale: list[StaleQuote] = []
    for item in items:
        for ev in item.evidence:
            if ev.doc_id not in documents:
                stale.append(
                    StaleQuote(
                        item_id=item.id, doc_id=ev.doc_id, quote=ev.quote, reason="document missing"
                    )
                )
            elif normalize(ev.quote) not in normalised[ev.doc_id]:
                passage, ratio = closest_passage(ev.quote, documents[ev.doc_id])
                stale.append(
                    StaleQuote(
                        item_id=item.id,
                        doc_id=ev.doc_id,
                        quote=ev.quote,
                        reason="quote not found",
                        closest=passage,
                        similarity=round(ratio, 3),
                    )
                )
    return stale


def closest_passage(quote: str, text: str, max_sentences: int = 3) -> tuple[str, float]:
    """The run of 1..max_sentences consecutive sentences of `text` most similar to `quote`."""
    spans = split_sentences(text)
    target = normalize(quote)
    best, best_ratio = "", 0.0
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(target)
    for i in range(len(spans)):
        for j in range(i, min(i + max_sentences, len(spans))):
            passage = text[spans[i][0] : spans[j][1]]
            matcher.set_seq1(normalize(passage))
            if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
                continue
            ratio = matcher.ratio()
            if ratio > best_ratio:
                best, best_ratio = passage, ratio
    return best, best_ratio
