"""`guideqa eval --criteria --data DIR`: the criteria trees GuideQA extracts, and the verdicts it
derives from them, scored against the gold in evals/gold/criteria.jsonl and vignettes.jsonl.

Extraction (every file of DIR through the product's own ingest pipeline, no embedding):
- trees found: gold trees (document x indication x line) with an extracted twin;
- leaf recall: gold leaves found in the twin (same text, whitespace folded); exact leaf text:
  those found with the very same characters; op paths: found leaves whose ops from the root
  (all / any / none / at_least:n) are the gold's;
- trees in documents the gold holds none for (labels, guidelines, forms): should be 0.

Vignettes (the gold's policies ingested with the configured embedder into a work dir):
- extractive: the tree chosen (document, indication, line) must be the gold's for every request;
- gold judge: llm mode with a chat model that judges each criterion as the gold says (it
  implements LangChain's interface); the verdict must then be right for every request, which
  proves selection, evidence checks and the three-valued logic end to end;
- a real model (with --mode llm and GUIDEQA_LLM): its verdicts and leaf statuses, not gated.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import BaseModel, Field

from evals.criteria_gold import (
    DEFAULT_CRITERIA,
    DEFAULT_VIGNETTES,
    CriteriaGoldEntry,
    Vignette,
    load_criteria_gold,
    load_vignettes,
)
from rag.criteria.tree import Node, PolicyCriteria, leaf_paths
from rag.errors import ConfigurationError
from rag.settings import Settings

log = logging.getLogger(__name__)


class DocumentScore(BaseModel):
    doc_id: str
    gold_trees: int
    found_trees: int
    extracted_trees: int
    gold_leaves: int
    found_leaves: int
    exact_leaves: int
    op_paths_right: int
    missing: list[str] = Field(default_factory=list, description="Gold trees without an extracted twin.")
    leaf_misses: list[str] = Field(default_factory=list)
    op_misses: list[str] = Field(default_factory=list)


class VignetteResult(BaseModel):
    id: str
    expected: list[str] = Field(description="[doc_id, indication, line, verdict] of the gold.")
    chosen: list[str] | None = Field(description="[doc_id, indication, line] of the tree chosen, or null.")
    selection_right: bool
    verdict: dict[str, str | None] = Field(default_factory=dict, description="Verdict per judge run.")
    why: str = ""


class CriteriaReport(BaseModel):
    data: str
    metrics: dict[str, float | None]
    documents: list[DocumentScore]
    stray_trees: dict[str, int] = Field(description="Trees found in documents the gold holds none for.")
    vignettes: list[VignetteResult] = Field(default_factory=list)
    llm: str | None = None


# ---------------------------------------------------------------- extraction
def _norm(text: str) -> str:
    return " ".join(text.split())


def _indication_match(a: str, b: str) -> float:
    ta, tb = set(re.findall(r"\w+", a.lower())), set(re.findall(r"\w+", b.lower()))
    return len(ta & tb) / len(ta | tb) if ta | tb else 0.0


def twin(entry: CriteriaGoldEntry, trees: list[PolicyCriteria]) -> PolicyCriteria | None:
    """The extracted tree of the gold entry's indication and line (best indication overlap)."""
    same_line = [t for t in trees if t.line == entry.line]
    best = max(same_line, key=lambda t: _indication_match(t.indication, entry.indication), default=None)
    if best is None or _indication_match(best.indication, entry.indication) < 0.5:
        return None
    return best


def score_document(doc_id: str, gold: list[CriteriaGoldEntry], trees: list[PolicyCriteria]) -> DocumentScore:
    score = DocumentScore(doc_id=doc_id, gold_trees=len(gold), found_trees=0, extracted_trees=len(trees),
                          gold_leaves=0, found_leaves=0, exact_leaves=0, op_paths_right=0)
    for entry in gold:
        where = f"{entry.indication} ({entry.line})"
        found = twin(entry, trees)
        wanted = list(leaf_paths(Node.model_validate(entry.tree.model_dump())))  # the gold as a core tree
        score.gold_leaves += len(wanted)
        if found is None:
            score.missing.append(where)
            continue
        score.found_trees += 1
        extracted = list(leaf_paths(found.tree))
        used: set[int] = set()
        for path, leaf in wanted:
            match = next((i for i, (_, got) in enumerate(extracted)
                          if i not in used and _norm(got.text) == _norm(leaf.text)), None)
            if match is None:
                score.leaf_misses.append(f"{where}: {_norm(leaf.text)[:90]}")
                continue
            used.add(match)
            score.found_leaves += 1
            score.exact_leaves += extracted[match][1].text == leaf.text
            if tuple(extracted[match][0]) == path:
                score.op_paths_right += 1
            else:
                score.op_misses.append(f"{where}: {_norm(leaf.text)[:60]}: {'/'.join(extracted[match][0])} "
                                       f"(gold {'/'.join(path)})")
    return score


def extract_dir(data: Path, settings: Settings) -> dict[str, list[PolicyCriteria]]:
    """doc_id -> trees, for every file of `data` the ingest pipeline reads (failures logged)."""
    from ingest.loaders import discover
    from ingest.pipeline import file_hash, prepare

    files, _ = discover([data])
    out: dict[str, list[PolicyCriteria]] = {}
    for path, root in files:
        try:
            prepared = prepare(path, root, settings.ingest, file_hash(path))
        except Exception as exc:  # an unreadable file is not the parser's failure
            log.warning("criteria eval: %s cannot be ingested: %s", path.name, exc)
            continue
        out[prepared.document.doc_id] = prepared.criteria
    return out


def score_extraction(entries: list[CriteriaGoldEntry], extracted: dict[str, list[PolicyCriteria]]
                     ) -> tuple[list[DocumentScore], dict[str, int]]:
    by_doc: dict[str, list[CriteriaGoldEntry]] = {}
    for entry in entries:
        by_doc.setdefault(entry.doc_id, []).append(entry)
    scores = [score_document(doc, gold, extracted.get(doc, [])) for doc, gold in sorted(by_doc.items())]
    stray = {doc: len(trees) for doc, trees in sorted(extracted.items()) if doc not in by_doc}
    return scores, stray


def extraction_metrics(scores: list[DocumentScore], stray: dict[str, int]) -> dict[str, float | None]:
    total = {k: sum(getattr(s, k) for s in scores) for k in
             ("gold_trees", "found_trees", "gold_leaves", "found_leaves", "exact_leaves", "op_paths_right")}

    def share(a: str, b: str) -> float | None:
        return round(total[a] / total[b], 4) if total[b] else None

    return {
        "criteria.trees_found": share("found_trees", "gold_trees"),
        "criteria.leaf_recall": share("found_leaves", "gold_leaves"),
        "criteria.exact_leaf_text": share("exact_leaves", "gold_leaves"),
        "criteria.op_path_accuracy": share("op_paths_right", "found_leaves"),
        "criteria.stray_trees": float(sum(stray.values())),
    }


# ---------------------------------------------------------------- the gold judge
class GoldJudgeChat(BaseChatModel):
    """A chat model that judges criteria as a vignette's gold says: it reads the numbered
    criteria of the criteria prompt and answers each with the gold status and evidence (unknown
    when the gold does not list it). Implements LangChain's BaseChatModel like any backend."""

    judgments: dict[str, tuple[str, str]] = Field(default_factory=dict, description="leaf text -> (status, evidence)")
    model_name: str = "gold-judge"

    @property
    def _llm_type(self) -> str:
        return "gold-judge"

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: Any = None, **kwargs: Any) -> ChatResult:
        prompt = str(messages[-1].content)
        block = prompt.split("<criteria", 1)[-1].split("</criteria>", 1)[0]
        items = []
        for m in re.finditer(r"^(\d+)\. (.*?)(?: \(under: .*\))?$", block, re.M):
            status, evidence = self.judgments.get(_norm(m.group(2)), ("unknown", ""))
            items.append({"id": int(m.group(1)), "status": status, "evidence": evidence, "reason": "gold"})
        reply = json.dumps({"criteria": items})
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=reply))])


def gold_judge(vignette: Vignette) -> GoldJudgeChat:
    return GoldJudgeChat(judgments={_norm(leaf.text): (leaf.status, leaf.evidence) for leaf in vignette.leaves})


# ---------------------------------------------------------------- vignettes
def run_vignettes(vignettes: list[Vignette], data: Path, settings: Settings, work: Path,
                  real_llm: BaseChatModel | None = None) -> list[VignetteResult]:
    """Ingest the vignettes' policies from `data` into `work`, then answer every vignette in
    extractive mode, with the gold judge, and with `real_llm` when given."""
    from ingest.sync import sync
    from rag.answer import Answerer
    from rag.index import open_index

    docs = work / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    for doc_id in sorted({v.doc_id for v in vignettes}):
        source = next((p for p in data.iterdir() if p.stem == doc_id), None)
        if source is None:
            raise ConfigurationError(f"--data {data}: no file for the vignettes' policy {doc_id!r}")
        target = docs / source.name
        if not target.exists() or target.stat().st_size != source.stat().st_size:
            shutil.copyfile(source, target)
    store = settings.store.model_copy(update={"data_dir": work / "index", "chroma_url": None,
                                              "collection_prefix": "criteria"})
    index = open_index(settings.model_copy(update={"store": store}))
    try:
        sync(index, [docs], prune=True)
        results = []
        for vignette in vignettes:
            answer = Answerer(index).ask(vignette.question, mode="extractive")
            tree = answer.criteria_tree
            chosen = [tree.doc_id, tree.indication, tree.line] if tree else None
            right = chosen is not None and chosen[0] == vignette.doc_id and chosen[2] == vignette.line \
                and _norm(chosen[1]) == _norm(vignette.indication)
            result = VignetteResult(id=vignette.id, expected=[vignette.doc_id, vignette.indication, vignette.line,
                                                              vignette.verdict],
                                    chosen=chosen, selection_right=right, why=tree.why if tree else "")
            result.verdict["gold_judge"] = Answerer(index, gold_judge(vignette)).ask(vignette.question,
                                                                                     mode="llm").verdict
            if real_llm is not None:
                result.verdict["llm"] = _real_verdict(Answerer(index, real_llm), vignette.question)
            results.append(result)
        return results
    finally:
        index.close()


def _real_verdict(answerer: Any, question: str) -> str | None:
    from rag.errors import LLMError

    try:
        return answerer.ask(question, mode="llm").verdict
    except LLMError as exc:  # a weak model's failure is a result, not a crash
        log.warning("real model failed on a vignette: %s", exc)
        return "error"


def vignette_metrics(results: list[VignetteResult]) -> dict[str, float | None]:
    def accuracy(judge: str) -> float | None:
        runs = [r for r in results if judge in r.verdict]
        return round(sum(r.verdict[judge] == r.expected[3] for r in runs) / len(runs), 4) if runs else None

    runs = [r for r in results if "llm" in r.verdict and r.expected[3] == "insufficient_information"]
    return {
        "vignettes.selection_accuracy": round(sum(r.selection_right for r in results) / len(results), 4)
        if results else None,
        "vignettes.verdict_accuracy_gold_judge": accuracy("gold_judge"),
        "vignettes.verdict_accuracy_llm": accuracy("llm"),
        "vignettes.undeterminable_recall_llm": round(
            sum(r.verdict["llm"] == "insufficient_information" for r in runs) / len(runs), 4) if runs else None,
    }


def run_criteria_eval(data: Path, settings: Settings, *, criteria: Path = DEFAULT_CRITERIA,
                      vignettes: Path = DEFAULT_VIGNETTES, real_llm: BaseChatModel | None = None,
                      work: Path | None = None) -> CriteriaReport:
    if not data.is_dir():
        raise ConfigurationError(f"--data {data}: give the folder of the policy PDFs (e.g. ../shared/pdfs)")
    entries = load_criteria_gold(criteria)
    scores, stray = score_extraction(entries, extract_dir(data, settings))
    metrics = extraction_metrics(scores, stray)
    items = load_vignettes(vignettes) if vignettes.exists() else []
    work = work or Path(tempfile.gettempdir()) / "guideqa-criteria-eval"
    results = run_vignettes(items, data, settings, work, real_llm) if items else []
    metrics |= vignette_metrics(results)
    llm = getattr(real_llm, "model_name", None) or (type(real_llm).__name__ if real_llm else None)
    return CriteriaReport(data=str(data), metrics=metrics, documents=scores, stray_trees=stray,
                          vignettes=results, llm=llm)
