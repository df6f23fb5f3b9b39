"""What changed between two versions of a document.

For a payer policy with criteria trees the reviewer's question is which criteria changed: per
tree (indication and line) the criteria added, removed and reworded (a removed and an added
criterion at least 60% alike are one rewording), and the trees added or removed. For any
document, and below the criteria, a text diff by section: sections added, removed, and changed
with their changed lines. A version's text is rebuilt from its stored chunks (each is a verbatim
span at known offsets), so no file needs to be kept.
"""

from __future__ import annotations

import difflib

from pydantic import BaseModel, Field

from rag.criteria.tree import Node, PolicyCriteria, leaves
from rag.store import ChunkStore
from rag.types import DocumentRecord, DocumentVersion
from rag.versions.select import version_of

REWORDED_RATIO = 0.6


class Reworded(BaseModel):
    old: str
    new: str


class CriteriaChange(BaseModel):
    """The changes of one tree (indication and line); `status` says whether the tree itself is new."""

    indication: str
    line: str
    status: str = Field(description="'added', 'removed' or 'changed' (a tree in both versions).")
    added: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    reworded: list[Reworded] = Field(default_factory=list)


class SectionChange(BaseModel):
    section: str
    status: str = Field(description="'added', 'removed' or 'changed'.")
    diff: list[str] = Field(default_factory=list, description="Unified-diff lines (changed sections).")


class VersionDiff(BaseModel):
    doc_id: str
    old: DocumentVersion
    new: DocumentVersion
    identical: bool
    criteria: list[CriteriaChange] = Field(default_factory=list)
    sections: list[SectionChange] = Field(default_factory=list)


def diff_versions(store: ChunkStore, old: DocumentRecord, new: DocumentRecord) -> VersionDiff:
    criteria = criteria_changes(old.criteria, new.criteria)
    sections = section_changes(sections_of(store, old), sections_of(store, new))
    return VersionDiff(doc_id=new.doc_id, old=version_of(old), new=version_of(new),
                       identical=old.content_hash == new.content_hash, criteria=criteria, sections=sections)


# ---------------------------------------------------------------- criteria
def criteria_changes(old: list[PolicyCriteria], new: list[PolicyCriteria]) -> list[CriteriaChange]:
    before = {(p.indication, p.line): _leaves(p.tree) for p in old}
    after = {(p.indication, p.line): _leaves(p.tree) for p in new}
    changes = []
    for key in [*before, *(k for k in after if k not in before)]:
        if key not in after:
            changes.append(CriteriaChange(indication=key[0], line=key[1], status="removed", removed=before[key]))
        elif key not in before:
            changes.append(CriteriaChange(indication=key[0], line=key[1], status="added", added=after[key]))
        else:
            change = _tree_change(key, before[key], after[key])
            if change.added or change.removed or change.reworded:
                changes.append(change)
    return changes


def _tree_change(key: tuple[str, str], old: list[str], new: list[str]) -> CriteriaChange:
    removed = [t for t in old if t not in new]
    added = [t for t in new if t not in old]
    reworded = []
    for text in list(removed):
        best = max(added, key=lambda a: difflib.SequenceMatcher(None, text, a).ratio(), default=None)
        if best is not None and difflib.SequenceMatcher(None, text, best).ratio() >= REWORDED_RATIO:
            reworded.append(Reworded(old=text, new=best))
            removed.remove(text)
            added.remove(best)
    return CriteriaChange(indication=key[0], line=key[1], status="changed", added=added, removed=removed,
                          reworded=reworded)


def _leaves(node: Node) -> list[str]:
    return [" ".join(leaf.text.split()) for leaf in leaves(node)]


# ---------------------------------------------------------------- text by section
def sections_of(store: ChunkStore, record: DocumentRecord) -> dict[str, str]:
    """Section path -> its text, rebuilt from the version's chunks (overlaps written once)."""
    chunks = sorted(store.get(record.chunk_ids), key=lambda c: (c.char_start, c.char_end))
    texts: dict[str, list[str]] = {}
    end = 0
    for chunk in chunks:
        fresh = chunk.text[max(0, end - chunk.char_start):] if chunk.char_start < end else chunk.text
        texts.setdefault(chunk.section or "(before the first heading)", []).append(fresh)
        end = max(end, chunk.char_end)
    return {section: "".join(parts) for section, parts in texts.items()}


def section_changes(old: dict[str, str], new: dict[str, str]) -> list[SectionChange]:
    changes = []
    for section in [*old, *(s for s in new if s not in old)]:
        if section not in new:
            changes.append(SectionChange(section=section, status="removed"))
        elif section not in old:
            changes.append(SectionChange(section=section, status="added"))
        elif _lines(old[section]) != _lines(new[section]):
            diff = difflib.unified_diff(_lines(old[section]), _lines(new[section]), lineterm="", n=1)
            changes.append(SectionChange(section=section, status="changed", diff=list(diff)[2:]))
    return changes


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]
