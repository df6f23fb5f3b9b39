// GuideQA web page: plain DOM modules, no dependencies, nothing loaded from elsewhere.
import { renderAnswer } from "./answer.js";
import { loadCorpus, loadDocuments, reindex, upload } from "./docs.js";
import { $, el, explain, headers, problemOf } from "./dom.js";

// ---------------------------------------------------------------- tabs and key
function selectTab(name) {
  for (const t of ["ask", "docs"]) {
    const on = t === name;
    $(`tab-${t}`).setAttribute("aria-selected", String(on));
    $(`tab-${t}`).tabIndex = on ? 0 : -1;
    $(`view-${t}`).hidden = !on;
  }
  if (name === "docs") loadDocuments();
}

function showKeyState() {
  $("key-state").textContent = sessionStorage.getItem("guideqa-key") ? "(set)" : "(none)";
}

// ---------------------------------------------------------------- asking (server-sent events)
async function ask(event) {
  event.preventDefault();
  const question = $("question").value.trim();
  if (!question) { $("ask-status").textContent = "Write a question first."; return; }
  const body = { question, top_k: Number($("top-k").value) || undefined };
  if ($("mode").value) body.mode = $("mode").value;
  $("ask-button").disabled = true;
  $("ask-status").textContent = "Searching the corpus…";
  const result = $("result");
  result.hidden = true;
  result.replaceChildren();
  try {
    const res = await fetch("/v1/ask/stream", {
      method: "POST", body: JSON.stringify(body),
      headers: headers({ "Content-Type": "application/json", Accept: "text/event-stream" }),
    });
    if (!res.ok) throw Object.assign(new Error("ask failed"), { problem: await problemOf(res) });
    await readEvents(res, onEvent);
  } catch (err) {
    $("ask-status").textContent = explain(err);
  } finally { $("ask-button").disabled = false; }
}

async function readEvents(res, handler) {
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    buffer += decoder.decode(value || new Uint8Array(), { stream: !done });
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let name = "message", data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) data += line.slice(5).trim();
      }
      if (data) handler(name, JSON.parse(data));
    }
    if (done) return;
  }
}

let streamed = null;
function onEvent(name, data) {
  const result = $("result");
  if (name === "contexts") {
    $("ask-status").textContent = `Found ${data.length} passages; writing the answer…`;
    streamed = null;
  } else if (name === "token") {
    if (!streamed) {
      streamed = el("p", { class: "answer-text streaming" });
      result.replaceChildren(el("h2", {}, "Answer (being written)"), streamed);
      result.hidden = false;
    }
    streamed.textContent += data.text;
  } else if (name === "answer") {
    renderAnswer(data);
    $("ask-status").textContent = `Answered in ${Math.round(data.timings_ms.total)} ms.`;
  } else if (name === "error") {
    $("ask-status").textContent = data.detail;
    if (data.evidence) renderAnswer(data.evidence, `The LLM backend is unavailable: ${data.detail}`);
  }
}

// ---------------------------------------------------------------- wiring
document.addEventListener("DOMContentLoaded", () => {
  $("ask-form").addEventListener("submit", ask);
  $("question").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) $("ask-form").requestSubmit();
  });
  $("tab-ask").addEventListener("click", () => selectTab("ask"));
  $("tab-docs").addEventListener("click", () => selectTab("docs"));
  document.querySelector(".tabs").addEventListener("keydown", (e) => {
    if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
    const next = $("tab-ask").getAttribute("aria-selected") === "true" ? "docs" : "ask";
    selectTab(next);
    $(`tab-${next}`).focus();
  });
  $("upload-form").addEventListener("submit", upload);
  $("reindex-button").addEventListener("click", reindex);
  $("key-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const key = $("api-key").value.trim();
    if (key) sessionStorage.setItem("guideqa-key", key); else sessionStorage.removeItem("guideqa-key");
    $("api-key").value = "";
    showKeyState();
    $("key-box").open = false;
  });
  $("key-clear").addEventListener("click", () => { sessionStorage.removeItem("guideqa-key"); showKeyState(); });
  showKeyState();
  loadCorpus();
});
