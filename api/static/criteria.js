// Coverage criteria trees: a policy's tree as a nested, collapsible list (Documents tab), and the
// tree a request was checked against (the answer's "Criteria checked" panel). Every policy text
// is set through textContent (el()), never parsed as HTML.
import { el } from "./dom.js";

const OPS = { all: "ALL of", any: "ANY of", none: "NONE of" };
const STATUS = {  // icon and word: the status never rests on colour alone
  met: ["✓", "Met"],
  unmet: ["✗", "Unmet"],
  unknown: ["?", "Unknown"],
};

export function opWords(node) {
  return node.op === "at_least" ? `AT LEAST ${node.n ?? 1} of` : OPS[node.op] || node.op;
}

export function statusBadge(status, prefix = "") {
  const [icon, word] = STATUS[status] || STATUS.unknown;
  return el("span", { class: `state ${status in STATUS ? status : "unknown"}` },
    el("span", { class: "state-icon", "aria-hidden": "true" }, icon), ` ${prefix}${prefix ? word.toLowerCase() : word}`);
}

export function policyHeading(p) {
  const line = p.line === "continuation" ? "continuation" : "initial therapy";
  const duration = p.approval_duration ? ` (${p.approval_duration})` : "";
  const [first, last] = p.pages || [];
  const pages = first ? (last && last !== first ? ` p. ${first}-${last}` : ` p. ${first}`) : "";
  return `${p.indication} - ${line}${duration}${pages}`;
}

// ---------------------------------------------------------------- one tree
// options.cite(n) -> a citation link element (checked trees only)
export function renderNode(node, options = {}) {
  const head = el("summary", { class: "node-head" },
    node.status ? [statusBadge(node.status), " "] : null,
    node.label ? [el("span", { class: "crit-label" }, node.label), " "] : null,
    el("span", { class: "op" }, opWords(node)),
    node.stem ? [" ", el("span", { class: "stem" }, node.stem)] : null);
  return el("details", { class: `node${node.status ? ` ${node.status}` : ""}`, open: true,
    "data-status": node.status || null },
  head,
  el("ul", { class: "crit-children" }, node.children.map((c) => el("li", {},
    "children" in c || "op" in c ? renderNode(c, options) : renderLeaf(c, options)))));
}

function renderLeaf(leaf, options) {
  const checked = Boolean(leaf.status);
  return el("div", { class: `leaf${checked ? ` ${leaf.status}` : ""}`, "data-status": leaf.status || null },
    el("p", { class: "leaf-line" },
      checked ? [statusBadge(leaf.status), " "] : null,
      leaf.label ? [el("span", { class: "crit-label" }, leaf.label), " "] : null,
      el("span", { class: "leaf-text" }, leaf.text),
      leaf.page ? [" ", el("span", { class: "muted page" }, `p. ${leaf.page}`)] : null,
      checked && leaf.citation && options.cite ? [" ", options.cite(leaf.citation)] : null),
    leaf.evidence ? el("p", { class: "evidence" }, "request: ", el("q", {}, leaf.evidence)) : null,
    checked && leaf.reason ? el("p", { class: "reason muted" }, leaf.reason) : null,
    leaf.notes && leaf.notes.length ? el("ul", { class: "notes muted" }, leaf.notes.map((n) => el("li", {}, n))) : null);
}

// ---------------------------------------------------------------- the answer's panel
export function renderCheckedTree(ct, mode, cite) {
  const duration = ct.approval_duration ? `, approval for ${ct.approval_duration}` : "";
  const line = ct.line === "continuation" ? "continuation" : "initial therapy";
  return el("section", { class: "criteria-checked", id: "criteria-checked", "aria-labelledby": "criteria-checked-h" },
    el("div", { class: "answer-head" },
      el("h3", { id: "criteria-checked-h" }, "Criteria checked"),
      el("span", { class: `badge state-badge ${ct.result}`, id: "criteria-result" }, statusBadge(ct.result, "Criteria "))),
    el("p", { class: "policy-title" }, el("strong", {}, ct.title), " ", el("code", { class: "muted" }, ct.doc_id)),
    el("dl", { class: "policy-facts" },
      el("dt", {}, "Drug"), el("dd", {}, ct.drug),
      el("dt", {}, "Indication"), el("dd", {}, ct.indication),
      el("dt", {}, "Line"), el("dd", {}, `${line}${duration}`)),
    el("p", { class: "why muted" }, `Why this tree: ${ct.why}.`),
    mode === "extractive" ? el("p", { class: "muted small" },
      "Checked by exact rules only (age, thresholds, time on therapy, prescriber); the other " +
      "criteria are left for the reviewer. No verdict is given in extractive mode.") : null,
    el("div", { class: "crit-tree" }, renderNode(ct.tree, { cite })));
}

// ---------------------------------------------------------------- a document's trees
export function renderDocumentCriteria(data, docPath) {
  const fhir = `/v1/documents/${docPath}/criteria?format=fhir`;
  return el("div", { class: "doc-criteria" },
    el("div", { class: "row" },
      el("h3", { class: "grow" }, `Coverage criteria: ${data.title}`),
      el("a", { href: fhir, class: "fhir-link", target: "_blank", rel: "noopener",
        type: "application/fhir+json" }, "FHIR Questionnaire (JSON)")),
    data.drugs.length ? el("p", { class: "muted small" }, `Drugs: ${data.drugs.join(", ")}`) : null,
    // a long policy (28 trees) opens closed: its headings are the table of contents
    data.policies.length ? data.policies.map((p) => el("details", { class: "policy", open: data.policies.length <= 4 },
      el("summary", {}, el("strong", {}, policyHeading(p)), " ", el("span", { class: "muted small" }, p.drug)),
      el("div", { class: "crit-tree" }, renderNode(p.tree))))
      : el("p", {}, "No coverage criteria were extracted from this document."));
}
