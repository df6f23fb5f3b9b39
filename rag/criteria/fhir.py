"""A document's criteria trees as an HL7 FHIR R4 `Questionnaire`, in the style of Da Vinci DTR.

One `group` item per indication x line of therapy, nested `group` items for the lists (their
text is the policy's verbatim stem), and one `boolean` item per criterion whose text is the
verbatim criterion; its notes are `display` items under it. What FHIR has no element for is
carried by extensions defined here (URLs under `EXTENSION_BASE`, documented in the README):

- criteria-op (valueCode: all | any | none | at_least) and criteria-min-met (valueInteger, at_least
  only) on every group that combines items;
- criteria-citation on every item: sub-extensions document (valueString, the doc_id), page
  (valueInteger), charStart / charEnd (valueInteger, offsets in the stored text);
- line-of-therapy (valueCode: initial | continuation), drug (valueString), approval-duration
  (valueString) on each indication group.

Pure function over plain data; the API only serialises what it returns.
"""

from __future__ import annotations

import re
from typing import Any

from rag.criteria.tree import Leaf, Node, PolicyCriteria

EXTENSION_BASE = "https://guideqa.dev/fhir/StructureDefinition"
DTR_PROFILE = "http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/dtr-std-questionnaire"


def _ext(name: str, **value: Any) -> dict[str, Any]:
    return {"url": f"{EXTENSION_BASE}/{name}", **value}


def _citation(doc_id: str, page: int | None, start: int | None = None, end: int | None = None) -> dict[str, Any]:
    parts: list[dict[str, Any]] = [{"url": "document", "valueString": doc_id}]
    if page is not None:
        parts.append({"url": "page", "valueInteger": page})
    if start is not None and end is not None:
        parts += [{"url": "charStart", "valueInteger": start}, {"url": "charEnd", "valueInteger": end}]
    return _ext("criteria-citation", extension=parts)


def _leaf(leaf: Leaf, link: str, doc_id: str) -> dict[str, Any]:
    item: dict[str, Any] = {
        "linkId": link, "type": "boolean", "text": leaf.text, "required": False,
        "extension": [_citation(doc_id, leaf.page, leaf.char_start, leaf.char_end)],
    }
    if leaf.label:
        item["prefix"] = leaf.label
    if leaf.notes:
        item["item"] = [{"linkId": f"{link}.note{i}", "type": "display", "text": note}
                        for i, note in enumerate(leaf.notes, start=1)]
    return item


_OP_TEXT = {"all": "All of the following", "any": "One of the following", "none": "None of the following"}


def _group(node: Node, link: str, doc_id: str, page: int | None) -> dict[str, Any]:
    extensions = [_ext("criteria-op", valueCode=node.op)]
    if node.op == "at_least" and node.n is not None:
        extensions.append(_ext("criteria-min-met", valueInteger=node.n))
    extensions.append(_citation(doc_id, page))
    text = node.stem or (f"At least {node.n} of the following" if node.op == "at_least" else _OP_TEXT[node.op])
    item: dict[str, Any] = {"linkId": link, "type": "group", "text": text, "extension": extensions, "item": []}
    if node.label:
        item["prefix"] = node.label
    for i, child in enumerate(node.children, start=1):
        child_link = f"{link}.{i}"
        if isinstance(child, Leaf):
            item["item"].append(_leaf(child, child_link, doc_id))
        else:
            first = next((c.page for c in _leaves(child) if c.page is not None), page)
            item["item"].append(_group(child, child_link, doc_id, first))
    return item


def _leaves(node: Node) -> list[Leaf]:
    out: list[Leaf] = []
    for child in node.children:
        out += [child] if isinstance(child, Leaf) else _leaves(child)
    return out


def questionnaire(doc_id: str, title: str, policies: list[PolicyCriteria], date: str | None = None) -> dict[str, Any]:
    """The FHIR R4 Questionnaire (as a JSON-ready dict) of one document's criteria trees."""
    slug = re.sub(r"[^A-Za-z0-9.-]+", "-", doc_id).strip("-")[:64] or "criteria"
    items = []
    for number, policy in enumerate(policies, start=1):
        page = policy.pages[0] if policy.pages else None
        group = _group(policy.tree, f"p{number}", doc_id, page)
        duration = f", approval {policy.approval_duration}" if policy.approval_duration else ""
        group["text"] = f"{policy.indication} - {policy.line}{duration}: {group['text']}"
        group["extension"] += [
            _ext("line-of-therapy", valueCode=policy.line),
            _ext("drug", valueString=policy.drug),
            *([_ext("approval-duration", valueString=policy.approval_duration)] if policy.approval_duration else []),
        ]
        items.append(group)
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": slug,
        "meta": {"profile": [DTR_PROFILE]},
        "url": f"urn:guideqa:criteria:{slug}",
        "name": re.sub(r"[^A-Za-z0-9]", "", title.title())[:100] or "Criteria",
        "title": title,
        "status": "active",
        "subjectType": ["Patient"],
        "description": f"Coverage criteria of '{title}' as extracted by GuideQA; every item's text is "
                       f"verbatim policy text (see the criteria-citation extension).",
        "extension": [_ext("source-document", valueString=doc_id)],
        "item": items,
    }
    if date:
        resource["date"] = date
    return resource
