"""Normalised policy text -> one criteria tree per drug x indication x line of therapy.

On the outline (`rag.criteria.outline`), a tree's root is an item that states an approval
("Approve for 1 year if the patient meets ...", "Dupixent will be approved based on all of the
following criteria:", "(must meet all)") and holds the criteria: either it has sub-items, or it is
itself a line of therapy stated as one criterion ("Patient is Currently Receiving Epidiolex.
Approve for 1 year if the patient is responding ..."). An approval item whose sub-items are roots
("1. Dravet Syndrome. Approve if the patient meets ONE of the following (A or B):") names the
indication instead. The line comes from the root or the nearest item above it that names one
("Initial Authorization", "II. Continued Therapy"), else it is `initial`; the indication is the
nearest item's heading words that are neither a line nor an approval statement.

Documents without criteria give no trees: reference lists, tables of contents and revision
histories hold no approval statements, and sections such as "CONDITIONS NOT COVERED" or
"Diagnoses/Indications for which coverage is NOT authorized" are skipped.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections import Counter

from rag.criteria import conventions as cv
from rag.criteria.outline import Item, Outline
from rag.criteria.tree import Leaf, Line, Node, Op, PolicyCriteria, leaves
from rag.drug_names import DRUG_STEM

log = logging.getLogger(__name__)

_BIOSIMILAR_SUFFIX = re.compile(r"-[a-z]{4}$")
_HEADER_CHARS = 2500  # a policy names the drugs it covers before its background
_INDICATION_CUT = re.compile(r"\.\s+Approve\b|\s+Approve\s+(?:if|for)\b|\s*\(must\s+meet\b|:\s*$", re.I)


class PolicyText:
    """A document's stored text with its page starts: offsets to pages, spans to strings."""

    def __init__(self, text: str, page_starts: list[int] | None = None) -> None:
        self.text = text
        self.page_starts = page_starts or []

    def page(self, offset: int) -> int | None:
        return bisect.bisect_right(self.page_starts, offset) if self.page_starts else None

    def own(self, item: Item) -> str:
        return self.text[item.text_start:item.text_end]


def extract_criteria(text: str, page_starts: list[int] | None = None) -> list[PolicyCriteria]:
    """Every criteria tree of a normalised document (none when it holds no criteria)."""
    return extract_document_criteria(text, page_starts)[0]


def extract_document_criteria(text: str, page_starts: list[int] | None = None
                              ) -> tuple[list[PolicyCriteria], list[str]]:
    """(every criteria tree, the drugs the policy covers); no trees and no drugs when the
    document holds no criteria. The policy's header, where it names its drugs, ends where its
    criteria begin at the latest, so drugs listed inside criteria ("not receiving Dupixent in
    combination with Rinvoq (upadacitinib)") are never taken for covered ones."""
    doc = PolicyText(text, page_starts)
    outline = Outline(text)
    roots = [root for top in outline.roots for root in _roots(top, doc)]
    if not roots:
        return [], []
    drugs = policy_drugs(text, header_end=min(root.start for root in roots))
    drug = drugs[0] if drugs else ""
    policies = [p for root in roots if (p := _policy(root, doc, drug, outline.headings)) is not None]
    return policies, drugs if policies else []


# ---------------------------------------------------------------- the policy's drugs
def policy_drugs(text: str, header_end: int | None = None) -> list[str]:
    """The drugs a policy covers, most used first: the names in its header ("Medications
    Dupixent® (dupilumab)", "• Humira® (adalimumab ...)") and in its approval statements
    ("Dupixent will be approved", "Patient is Currently Receiving an Adalimumab Product"), with
    their brand or generic partners anywhere in the text (biosimilar suffixes folded)."""
    def clean(name: str) -> str:
        return _BIOSIMILAR_SUFFIX.sub("", re.sub(r"(?:TM|®|™)$", "", name))

    pairs = [(clean(m.group("first")), clean(m.group("second")), m.start())
             for m in cv.DRUG_PAIR_RE.finditer(text) if _drug_pair(m)]
    end = cv.HEADER_END_RE.search(text)
    header = min(end.start() if end else _HEADER_CHARS, _HEADER_CHARS,
                 _HEADER_CHARS if header_end is None else header_end)
    covered = {name.lower() for a, b, at in pairs if at < header for name in (a, b)}
    approved = [m.group(1) or m.group(2) for m in cv.APPROVED_DRUG_RE.finditer(text)]
    covered |= {name.lower() for name in approved}
    changed = True
    while changed:  # partners of covered names are covered
        changed = False
        for a, b, _ in pairs:
            if (a.lower() in covered) != (b.lower() in covered):
                covered |= {a.lower(), b.lower()}
                changed = True
    spelled: dict[str, str] = {}
    for a, b, _ in pairs:
        for name in (a, b):
            if name.lower() in covered and not name.isupper():
                spelled.setdefault(name.lower(), name)
    for name in approved:
        spelled.setdefault(name.lower(), name)
    counts = Counter({n: len(re.findall(rf"\b{re.escape(n)}\b", text, re.I)) for n in spelled.values()})
    return [n for n, _ in counts.most_common()]


def _drug_pair(m: re.Match[str]) -> bool:
    """"Brand® (generic)": both sides read as drug names. A side does when it carries a
    trademark mark, has a nonproprietary-name stem, or is a lower-case generic beside a marked
    brand, or a capitalised brand beside a generic with a stem; so "Leukemia (ALL)", "must (meet
    all)" or "Products (Humira®" are not pairs."""
    marked = bool(m.group("mark1") or m.group("mark2"))

    first, second = m.group("first"), m.group("second")

    def stem(name: str) -> bool:
        return bool(DRUG_STEM.search(_BIOSIMILAR_SUFFIX.sub("", name).lower()))

    def drug_like(name: str, mark: str | None, other: str) -> bool:
        # a brand beside a generic with a drug stem: "Blinatumomab (Blincyto)"
        return bool(mark) or stem(name) or (marked and name.islower()) or (stem(other) and name[0].isupper())

    return drug_like(first, m.group("mark1"), second) and drug_like(second, m.group("mark2"), first)


# ---------------------------------------------------------------- roots
def _is_approval(item: Item, doc: PolicyText) -> bool:
    return bool(cv.APPROVAL_RE.search(doc.own(item)))


def _roots(item: Item, doc: PolicyText) -> list[Item]:
    """The criteria roots in `item`'s subtree, outside sections that hold no criteria."""
    own = doc.own(item)
    if cv.NOT_CRITERIA_RE.search(own[:120]) and not _is_approval(item, doc):
        return []
    below = [r for child in item.children for r in _roots(child, doc)]
    if below:
        return below
    if _is_approval(item, doc) and (item.children or cv.line_of(own)):
        return [item]
    if _paragraph_criterion(item, doc) is not None:
        return [item]
    return []


def _paragraph_criterion(item: Item, doc: PolicyText) -> tuple[int, int] | None:
    """The span of a criterion written as a paragraph under a heading item and followed by an
    authorization period ("R. NCCN Recommended Regimens / The drug has been recognized ... /
    Authorization will be issued for 12 months."), else None."""
    if item.children or not any(cv.DURATION_RE.search(doc.text[a:b]) for a, b in item.tail):
        return None
    if any(_is_approval(a, doc) for a in _ancestors(item)):
        return None  # inside an approval's list: a criterion wrapped over a page, not a section
    own = doc.own(item)
    head, sep, body = own.partition("\n\n")
    if not sep or not body.strip() or "\n" in head.strip() or not _complete_heading(head):
        return None
    start = item.text_start + len(head) + len(sep)
    start += len(body) - len(body.lstrip())
    return start, item.text_end


def _ancestors(item: Item) -> list[Item]:
    out = []
    node = item.parent
    while node is not None:
        out.append(node)
        node = node.parent
    return out


def _line(root: Item, doc: PolicyText, headings: list[tuple[int, str]]) -> Line:
    """The line the root or an item above it names; else what the root's text says; else the
    last section heading before it ("Continuation of Therapy"); else initial."""
    texts = [_heading_words(doc.own(item)) for item in (root, *_ancestors(root))] + [doc.own(root)]
    texts += [text for at, text in reversed(headings) if at < root.start][:1]
    for text in texts:
        line = cv.line_of(text)
        if line is not None:
            return line
    return "initial"


def _heading_words(text: str) -> str:
    """What an item says before its approval statement: "Dravet Syndrome" of "Dravet Syndrome.
    Approve if ...", "Patient is Currently Receiving Epidiolex" of "... Approve for 1 year if",
    "Breast cancer" of "Breast cancer\nAuthorization of 12 months may be granted ... when"."""
    first, newline, rest = text.partition("\n")
    if newline and cv.APPROVAL_RE.search(rest) and not cv.APPROVAL_RE.search(first) and _complete_heading(first):
        return " ".join(first.split()).strip(" .;")
    m = _INDICATION_CUT.search(text)
    head = text[: m.start()] if m else text
    return " ".join(head.split()).strip(" .;")


_FUNCTION_WORD_END = re.compile(r"\b(?:and|or|of|the|a|an|to|with|without|for|in|on|by|as|i\.e\.|e\.g\.)\W*$", re.I)


def _complete_heading(line: str) -> bool:
    """A short line that reads as a whole heading: not cut mid-sentence ("... (i.e.,", "... with or
    without"), its brackets closed."""
    line = line.strip()
    return (0 < len(line.split()) <= 12 and line[-1] not in ".;:,(-[" and not _FUNCTION_WORD_END.search(line)
            and line.count("(") == line.count(")") and line.count("[") == line.count("]"))


def _indication(root: Item, doc: PolicyText) -> str | None:
    for item in (root, *_ancestors(root)):
        name = _heading_words(doc.own(item))
        if not name or cv.line_of(name) or cv.APPROVAL_RE.search(name) or "approved" in name.lower():
            continue
        if re.search(r"\bcriteri", name, re.I) or len(name) > 400:
            continue
        return cv.FOOTNOTE_TAIL_RE.sub("", name)
    return None


def _duration(root: Item, doc: PolicyText) -> str | None:
    texts = [doc.own(item) for item in (root, *_ancestors(root))]
    texts += [doc.text[a:b] for item in reversed(list(root.walk())) for a, b in item.tail]
    for text in texts:
        if m := cv.DURATION_RE.search(text):
            value = m.group("a") or m.group("b") or m.group("c") or m.group("d")
            return " ".join(value.split()).rstrip(";,. ") if value else None
    return None


# ---------------------------------------------------------------- tree
def _policy(root: Item, doc: PolicyText, drug: str, headings: list[tuple[int, str]]) -> PolicyCriteria | None:
    indication = _indication(root, doc)
    if indication is None or cv.REFERRAL_INDICATION_RE.match(indication):
        return None
    paragraph = _paragraph_criterion(root, doc)
    if root.children:
        tree = _node(root, doc)
    elif paragraph is not None:
        indication = " ".join(doc.own(root).partition("\n\n")[0].split())
        tree = Node(op="all", label=_label(root), stem=indication, children=[_leaf(root, doc, paragraph)])
    else:
        tree = Node(op="all", children=[_leaf(root, doc, _after_heading_line(root, doc))])
    found = list(leaves(tree))
    if not found or all(cv.REFERRAL_LEAF_RE.match(leaf.text) for leaf in found):
        return None
    pages = [p for p in (doc.page(root.start), doc.page(found[-1].char_end - 1)) if p is not None]
    return PolicyCriteria(drug=drug, indication=indication, line=_line(root, doc, headings),
                          approval_duration=_duration(root, doc), pages=pages, tree=tree)


def _after_heading_line(item: Item, doc: PolicyText) -> tuple[int, int] | None:
    """The span of an item's own text after a heading line that names its indication
    ("Breast cancer\nAuthorization of 12 months may be granted ... when ..."), else None."""
    own = doc.own(item)
    first, newline, rest = own.partition("\n")
    if not newline or _heading_words(own) != " ".join(first.split()).strip(" .;"):
        return None
    return item.text_start + len(first) + 1 + (len(rest) - len(rest.lstrip())), item.text_end


def _label(item: Item) -> str | None:
    label = item.label
    if label.kind == "bullet":
        return None
    return label.text if label.form == "()" else label.text.rstrip(".)")


def _op(item: Item, doc: PolicyText) -> tuple[Op, int | None]:
    """The policy's own words first; else the connectors written between the items; else all."""
    stated = cv.op_of_stem(doc.own(item))
    if stated is not None:
        return stated
    joints = {child.last().connector for child in item.children[:-1]} - {None}
    if joints == {"or"}:
        return "any", None
    return "all", None


def _node(item: Item, doc: PolicyText) -> Node:
    op, n = _op(item, doc)
    children: list[Node | Leaf] = [_node(c, doc) if c.children else _leaf(c, doc) for c in item.children]
    stem = cv.FOOTNOTE_TAIL_RE.sub("", doc.own(item)).rstrip()  # "...one of the following:b" -> ":"
    return Node(op=op, n=n, label=_label(item), stem=stem or None, children=children)


def _leaf(item: Item, doc: PolicyText, span: tuple[int, int] | None = None) -> Leaf:
    start, stop = span or (item.text_start, item.text_end)
    trimmed = cv.FOOTNOTE_TAIL_RE.sub("", doc.text[start:stop]).rstrip()
    end = start + len(trimmed)
    notes = [doc.text[a:b].strip() for a, b in item.notes]
    return Leaf(label=None if span else _label(item), text=doc.text[start:end], notes=notes, page=doc.page(start),
                char_start=start, char_end=end)
