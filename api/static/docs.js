// The documents view and the corpus line: list, upload, delete, reindex, coverage criteria.
import { renderDocumentCriteria } from "./criteria.js";
import { $, api, el, explain } from "./dom.js";

const docPath = (docId) => encodeURIComponent(docId).replaceAll("%2F", "/");

export async function loadCorpus() {
  try {
    const c = await api("/v1/corpus");
    const keys = c.auth.writes_require_key ? " · changes need an API key" : "";
    $("corpus-line").textContent = `${c.documents} documents · ${c.chunks} passages · ` +
      `corpus ${c.corpus_version} · answers: ${c.default_mode}${c.llm ? ` (${c.llm})` : ""}${keys}`;
  } catch (err) { $("corpus-line").textContent = explain(err); }
}

export async function loadDocuments() {
  try {
    const docs = await api("/v1/documents");
    $("docs-body").replaceChildren(...docs.map((d) => el("tr", { "data-doc-id": d.doc_id },
      el("td", {}, el("code", {}, d.doc_id)), el("td", {}, d.title), el("td", {}, d.doc_type.replaceAll("_", " ")),
      el("td", { class: "num" }, d.n_chunks), el("td", { class: "num" }, d.n_pages ?? "–"), el("td", {}, d.origin),
      el("td", {}, d.n_criteria ? el("button", { type: "button", class: "secondary small-button",
        "aria-expanded": "false", "aria-controls": `criteria-of-${d.doc_id}`,
        onclick: (e) => toggleCriteria(d.doc_id, e.currentTarget) }, `Criteria (${d.n_criteria})`)
        : el("span", { class: "muted" }, "–")),
      el("td", {}, el("button", { type: "button", class: "danger", "aria-label": `Delete ${d.doc_id}`,
        onclick: () => removeDocument(d.doc_id) }, "Delete")))));
    if (!docs.length) $("docs-body").append(el("tr", {}, el("td", { colspan: "8" }, "No documents yet: upload one.")));
  } catch (err) { $("docs-status").textContent = explain(err); }
}

// A row under the document's row holds its criteria trees; the button opens and closes it.
async function toggleCriteria(docId, button) {
  const row = button.closest("tr");
  const open = row.nextElementSibling && row.nextElementSibling.classList.contains("criteria-row")
    ? row.nextElementSibling : null;
  if (open) { open.remove(); button.setAttribute("aria-expanded", "false"); return; }
  button.disabled = true;
  try {
    const data = await api(`/v1/documents/${docPath(docId)}/criteria`);
    const cell = el("td", { colspan: "8" }, renderDocumentCriteria(data, docPath(docId)));
    row.after(el("tr", { class: "criteria-row", id: `criteria-of-${docId}` }, cell));
    button.setAttribute("aria-expanded", "true");
  } catch (err) { $("docs-status").textContent = `Criteria of ${docId}: ${explain(err)}`; }
  finally { button.disabled = false; }
}

function summary(r) {
  const parts = [["added", r.added], ["replaced", r.updated], ["unchanged", r.unchanged], ["removed", r.removed]]
    .filter(([, ids]) => ids.length).map(([what, ids]) => `${what}: ${ids.join(", ")}`);
  return (parts.join("; ") || "nothing changed") + (r.warnings.length ? ` (${r.warnings.join(" ")})` : "");
}

export async function upload(event) {
  event.preventDefault();
  const file = $("upload-file").files[0];
  if (!file) { $("docs-status").textContent = "Choose a file first."; return; }
  const form = new FormData();
  form.append("file", file);
  $("upload-button").disabled = true;
  $("docs-status").textContent = `Uploading and ingesting ${file.name}…`;
  try {
    const report = await api("/v1/documents", { method: "POST", body: form });
    $("docs-status").textContent = `Uploaded ${file.name}: ${summary(report)}.`;
    $("upload-form").reset();
    await Promise.all([loadDocuments(), loadCorpus()]);
  } catch (err) { $("docs-status").textContent = `Upload failed: ${explain(err)}`; }
  finally { $("upload-button").disabled = false; }
}

async function removeDocument(docId) {
  if (!window.confirm(`Delete the document “${docId}” and its passages from the index?`)) return;
  try {
    const report = await api(`/v1/documents/${docPath(docId)}`, { method: "DELETE" });
    $("docs-status").textContent = `Deleted ${docId}. ${report.warnings.join(" ")}`;
    await Promise.all([loadDocuments(), loadCorpus()]);
  } catch (err) { $("docs-status").textContent = `Delete failed: ${explain(err)}`; }
}

export async function reindex() {
  $("docs-status").textContent = "Reindexing the corpus folder…";
  try {
    const report = await api("/v1/reindex", { method: "POST" });
    $("docs-status").textContent = `Reindexed: ${summary(report)}.`;
    await Promise.all([loadDocuments(), loadCorpus()]);
  } catch (err) { $("docs-status").textContent = `Reindex failed: ${explain(err)}`; }
}
